"""The agenda on a 390 px phone (demo guide): from the home page's menu to the week's rendez-vous, then one
event with its dates, place and « Ajouter à mon agenda »; screenshots agenda-phone.png and event-phone.png."""

from __future__ import annotations

from .conftest import navigation, phone_context, shot, track_requests


def test_agenda_and_an_event_on_a_phone(live_url, browser):
    context = phone_context(browser, width=390, height=844)
    page = track_requests(context.new_page())
    try:
        page.goto(f"{live_url}/")
        with navigation(page):
            page.locator(".main-nav").get_by_role("link", name="Agenda", exact=True).click()
        assert page.locator("h1").inner_text() == "Agenda"
        items = page.locator(".agenda-item")
        assert items.count() >= 1
        first_day = page.locator(".agenda-day time").first
        assert first_day.get_attribute("datetime")  # a <time> for each day
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        shot(page, "agenda-phone")
        title = items.first.locator(".agenda-title a")
        name = title.inner_text()
        with navigation(page):
            title.click()
        assert page.locator("h1").inner_text() == name
        assert page.locator(".agenda-dates time").first.get_attribute("datetime")
        add = page.get_by_role("link", name="Ajouter à mon agenda")
        assert add.is_visible() and add.get_attribute("href").endswith(".ics")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "event-phone")
    finally:
        context.close()
