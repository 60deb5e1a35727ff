"""The « Réseau » page of the référents par thématique on a 360 px phone: what an anonymous visitor sees
(only the référents who agreed), then a logged-in partner (every card, with tel: and mailto: links), and the
professionals' directory searched by what a colleague works on."""

from __future__ import annotations

import re

from guide.services.demo import DEMO_PASSWORD

from .conftest import navigation, shot


def test_network_page_on_a_phone(live_url, phone):
    phone.goto(f"{live_url}/reseau")
    assert phone.get_by_text("Référente familles des centres sociaux").first.is_visible()
    assert phone.get_by_text("Conseillère conjugale et familiale").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "phone-reseau-anonymous")
    phone.goto(f"{live_url}/connexion")
    phone.get_by_label("Adresse électronique").fill("partenaire@guide.localhost")
    phone.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_url(re.compile(r"/espace$"))
    phone.get_by_role("link", name="Réseau", exact=True).click()
    phone.wait_for_url(re.compile(r"/reseau$"))
    card = phone.locator("li.card", has_text="Conseillère conjugale et familiale")
    assert card.locator("a[href^='tel:']").get_attribute("href") == "tel:+33465712063"
    assert card.locator("a[href^='mailto:']").get_attribute("href") == "mailto:contact@planning63.example"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "phone-reseau-partner")
    # the professionals' directory (issue 14): the person to call, searched by what they work on
    phone.get_by_role("link", name=re.compile("Annuaire des professionnels")).click()
    phone.wait_for_url(re.compile(r"/espace/annuaire$"))
    phone.get_by_label("Qui cherchez-vous ?").fill("impayés de loyer")
    with navigation(phone):  # the results page, not the form still on screen
        phone.get_by_role("button", name="Rechercher").click()
    card = phone.locator("li.card", has_text="Pierre Lemoine")
    assert card.get_by_text("Juriste en droit du logement").is_visible()
    assert card.locator("a[href^='tel:']").get_attribute("href") == "tel:+33465716101"
    # the CCAS's CESF too (« impayés d'énergie et de loyer »), nobody else
    assert phone.locator(".pro-directory li.card h2").all_inner_texts() == ["Pierre Lemoine", "Sophie Aubert"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "phone-annuaire-professionnels")


def test_referent_review_page_on_a_phone(live_url, phone):
    """The centre sociaux' référente famille: her queue, reports and freshness, her thématiques only."""
    phone.goto(f"{live_url}/connexion")
    phone.get_by_label("Adresse électronique").fill("centre-social@guide.localhost")
    phone.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_url(re.compile(r"/espace$"))
    phone.get_by_role("link", name="Réseau", exact=True).click()
    phone.get_by_role("link", name="Mes fiches à relire").click()
    phone.wait_for_url(re.compile(r"/coordination$"))
    assert phone.get_by_text(
        "Vous êtes référent pour Famille et parentalité, Enfance et jeunesse"
    ).is_visible()
    assert phone.get_by_role("heading", name="Fraîcheur des fiches publiées de vos thématiques").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "phone-referent-queue")
