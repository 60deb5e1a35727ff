"""Languages in Chromium (issue 12): an Arabic phone lands on the Arabic results, mirrored (right to left);
an English reader switches the guide to English and reads a fiche there; the choice is remembered."""

from __future__ import annotations

from .conftest import SCREENSHOTS, navigation, phone_context, shot, track_requests

SEARCH = "avocat"


def test_arabic_phone_results_then_english_fiche(live_url, browser):
    # an Arabic phone (390 px) asks for the results: sent to /ar/…, the page is right to left
    context = phone_context(browser, width=390, height=844, locale="ar")
    phone = context.new_page()
    phone.goto(f"{live_url}/recherche?q={SEARCH}")
    assert phone.url.startswith(f"{live_url}/ar/recherche?q={SEARCH}")
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    assert phone.evaluate("document.documentElement.lang") == "ar"
    # mirrored: the first result's title starts at the right edge, the search button sits left of the field
    hit = phone.locator(".hit h2 a").first.bounding_box()
    assert hit["x"] + hit["width"] > 390 - 60
    field = phone.locator("#q").bounding_box()
    button = phone.locator(".search-box button[type=submit]").bounding_box()
    assert button["x"] < field["x"] or button["y"] > field["y"]  # left of it, or wrapped below on a phone
    assert phone.evaluate("getComputedStyle(document.querySelector('.hit h2')).direction") == "rtl"
    # links stay in Arabic, nothing wider than the phone
    assert phone.locator(".hit h2 a").first.get_attribute("href").startswith("/ar/fiche/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "ar-results-phone.png"))
    # a French phone number on an Arabic page reads from the left, as it is dialled (the digit groups came out
    # from the right: « 00 25 71 65 04 » for 04 65 71 25 00)
    phone.locator(".hit h2 a").first.click()
    phone.wait_for_load_state()
    in_order = """() => {
        const link = document.querySelector('main a[href^="tel:"]:not(.action)');
        const text = document.createTreeWalker(link, NodeFilter.SHOW_TEXT).nextNode();  // in its <bdi>
        const range = document.createRange();
        range.setStart(text, 0); range.setEnd(text, 1);
        const first = range.getBoundingClientRect().x;
        range.setStart(text, text.length - 1); range.setEnd(text, text.length);
        return first < range.getBoundingClientRect().x;
    }"""
    assert phone.evaluate(in_order)
    context.close()

    # a French desktop switches to English with the switcher, on the same page, and the choice is remembered
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    desktop = track_requests(context.new_page())
    desktop.goto(f"{live_url}/recherche?q={SEARCH}")
    assert desktop.evaluate("document.documentElement.lang") == "fr"
    desktop.locator("nav.languages summary").click()  # the switcher is a disclosure: one line when closed
    desktop.locator('nav.languages a[hreflang="en"]').click()
    desktop.wait_for_load_state()
    assert desktop.url == f"{live_url}/en/recherche?q={SEARCH}"
    with navigation(desktop):
        desktop.locator(".hit h2 a").first.click()
    assert desktop.url.startswith(f"{live_url}/en/fiche/")
    assert desktop.evaluate("document.documentElement.lang") == "en"
    assert desktop.locator('nav.languages a[aria-current="true"]').text_content() == "English"  # closed menu
    text = desktop.locator("main").inner_text()
    assert "Print this" in text or "Print" in text  # the interface speaks English
    shot(desktop, "fiche-en")
    desktop.goto(f"{live_url}/")
    assert desktop.url == f"{live_url}/en/"  # remembered (cookie), although the browser says French
    context.close()
