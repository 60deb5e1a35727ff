"""The public guide in Chromium: phone and desktop screenshots, keyboard use, RGAA checks (axe-core). These
pages at 320 px (no horizontal scroll): tests/browser/test_keyboard.py, with the text at 200 % too."""

from __future__ import annotations

import re

import pytest

from .conftest import navigation, phone_context, serious_violations, settle, shot, track_requests

PAGES = {
    "home": "/",
    "results": "/recherche?q=avocat+gratuit",
    "results-filtered": "/recherche?q=aide+aux+devoirs&quartier=la-gauthiere",
    "quartier": "/quartier/la-gauthiere",
}


def _fiche_path(page, live_url):
    page.goto(f"{live_url}/recherche?q=violences+conjugales")
    return page.locator(".hit h2 a").first.get_attribute("href")


@pytest.fixture(scope="module")
def viewers(browser):
    """A desktop and a phone, shared by the pages checked below: they only read pages (GET, no form)."""
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    phone = phone_context(browser)
    yield track_requests(desktop.new_page()), track_requests(phone.new_page())
    desktop.close()
    phone.close()


@pytest.mark.parametrize("name", [*PAGES, "fiche"])
def test_pages_have_no_serious_accessibility_violation(live_url, viewers, name):
    desktop, phone = viewers
    path = _fiche_path(desktop, live_url) if name == "fiche" else PAGES[name]
    for label, page in (("desktop", desktop), ("phone", phone)):
        page.goto(f"{live_url}{path}")
        settle(page)
        shot(page, f"public-{name}-{label}")
        assert serious_violations(page) == [], (name, label)


def test_search_by_keyboard_with_skip_link(live_url, desktop):
    page = desktop
    page.goto(f"{live_url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    page.locator("#q").focus()
    page.keyboard.type("cours de francais")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche\?q=cours"))
    titles = page.locator(".hit h2").all_inner_texts()
    assert any("français" in t.lower() for t in titles)


def test_a_typo_shows_the_corrected_results_with_a_way_back(live_url, desktop):
    desktop.goto(f"{live_url}/recherche?q=violance")
    note = desktop.locator(".search-note.corrected")
    assert "Résultats pour violence" in note.inner_text()
    assert desktop.locator(".hit").count() > 0
    shot(desktop, "public-typo-corrected")
    note.get_by_role("link", name=re.compile("Rechercher plutôt")).click()
    desktop.wait_for_url(re.compile(r"corriger=0"))
    assert desktop.locator(".search-note.corrected").count() == 0


def test_map_links_filter_the_guide(live_url, desktop):
    desktop.goto(f"{live_url}/")
    with navigation(desktop):
        desktop.locator(".quartier-map-list a", has_text="La Gauthière").click()
    assert "La Gauthière" in desktop.inner_text("h1")
