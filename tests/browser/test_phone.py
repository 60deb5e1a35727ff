"""The fiche on a 360 px phone, a monthly permanence, the actions bar, and the large-print selection, in
Chromium; axe-core on the fiche page with its « Partager » menu open (no serious or critical violation)."""

from __future__ import annotations

import re

from .conftest import SCREENSHOTS, navigation, serious_violations, settle, shot, track_requests

ACCUEIL = "Accueil de jour pour les femmes victimes de violences conjugales"
MONTHLY = "Consultation gratuite d'un avocat au 25 Gisèle Halimi"


def screen(page, name):
    """What the phone shows, without scrolling (shot() takes the whole page)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _open_fiche(page, live_url, name):
    page.goto(f"{live_url}/recherche?q={name.replace(' ', '+')}")
    with navigation(page):
        page.get_by_role("link", name=name, exact=True).first.click()


def test_fiche_on_a_phone_first_screen_and_actions(live_url, phone):
    _open_fiche(phone, live_url, ACCUEIL)
    # phone, address and today's hours within the first 740 px
    for selector in (".key-phone a", ".key-address", ".fiche-now .today"):
        box = phone.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 740, selector
    # the actions bar stays at the bottom of the screen while the fiche is read
    bar = phone.locator("nav.actionbar")
    box = bar.bounding_box()
    assert box["y"] >= 740 - 80 and box["y"] + box["height"] <= 741
    assert bar.locator("a[data-action=appeler]").get_attribute("href") == "tel:+33465711063"
    screen(phone, "phone-fiche-first-screen")
    shot(phone, "phone-fiche-full")
    # « Itinéraire » opens its two links, « Partager » its three ways (only one menu at a time)
    bar.locator("summary[data-action=itineraire]").click()
    assert bar.locator("a[data-action=itineraire-geo]").is_visible()
    assert (
        bar.locator("a[data-action=itineraire-osm]")
        .get_attribute("href")
        .startswith("https://www.openstreetmap.org/directions?route=")
    )
    screen(phone, "phone-fiche-itineraire")
    bar.locator("summary[data-action=partager]").click()
    assert not bar.locator("a[data-action=itineraire-geo]").is_visible()
    assert bar.locator("a[data-action=partager-sms]").is_visible()
    assert bar.locator("#lien-fiche").input_value().startswith(live_url + "/fiche/")
    screen(phone, "phone-fiche-partager")
    # axe-core on the fiche with its « Partager » menu open: no serious or critical violation
    assert serious_violations(phone) == []
    phone.keyboard.press("Escape")
    assert not bar.locator("a[data-action=partager-sms]").is_visible()
    # nothing wider than the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_monthly_permanence_then_the_large_print_selection_page(live_url, phone):
    for name in (ACCUEIL, MONTHLY):
        _open_fiche(phone, live_url, name)
        if name == MONTHLY:  # a monthly permanence reads as its next dates
            text = phone.locator("article.fiche-page").inner_text()
            assert "fermé" not in re.sub(r"fermé les jours fériés", "", text.split("Horaires", 1)[-1][:200])
            assert "mercredi" in text.lower()
            shot(phone, "phone-fiche-permanence-mensuelle")
        with navigation(phone):
            phone.get_by_role("button", name="Ajouter à ma sélection").click()
    phone.goto(f"{live_url}/selection")
    phone.locator("textarea").first.fill("Rendez-vous lundi à 10 h, demander Mme Roux")
    with navigation(phone):
        phone.get_by_role("button", name="Enregistrer la note").first.click()
    assert phone.locator("textarea").first.input_value() == "Rendez-vous lundi à 10 h, demander Mme Roux"
    shot(phone, "phone-selection")
    phone.goto(f"{live_url}/selection/imprimer?gros=1")
    assert phone.locator("article.fiche-large").count() == 2
    assert "Mme Roux" in phone.locator("article.fiche-large").first.inner_text()
    shot(phone, "phone-selection-gros-caracteres")


def test_quartier_page_is_one_short_list_on_a_phone(live_url, phone):
    phone.goto(f"{live_url}/quartier/estaing-republique")
    settle(phone)
    names = phone.locator(".quartier-list a.name").all_inner_texts()
    assert names and len(names) == len(set(names))
    height = phone.evaluate("document.documentElement.scrollHeight")
    shot(phone, "phone-quartier")
    print(f"quartier page: {len(names)} fiches, {height} px high at 360 px")
    # each fiche once, in about 200 px (the map and the legend below): was one section per thématique
    assert height < 200 * len(names) + 1800


def test_autour_de_moi_sorts_by_distance_or_says_why_not(live_url, browser, phone):
    phone.goto(f"{live_url}/")
    phone.get_by_role("button", name="Autour de moi").click()  # no permission given: refused
    message = phone.locator("[data-nearby-message]")
    message.wait_for(state="visible")
    assert "position" in message.inner_text()
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="fr-FR",
        geolocation={"latitude": 45.7812, "longitude": 3.1005},
        permissions=["geolocation"],
    )
    page = track_requests(context.new_page())
    page.goto(f"{live_url}/")
    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url(re.compile(r"/recherche\?.*tri=distance"))
    assert "lat=45.78120" in page.url and "lon=3.10050" in page.url
    settle(page)
    screen(page, "phone-autour-de-moi")
    context.close()
