"""« Mots simples » in Chromium on a 390 px phone (issue 12): the visitor switches the guide to simple words,
finds a fiche that leads with its summary in simple words and its pictograms, axe-core finds no serious
violation in that mode; then a partner types a long sentence in the form and the hint updates live."""

from __future__ import annotations

import re

from guide.services.demo import DEMO_PASSWORD

from .conftest import SCREENSHOTS, navigation, phone_context, shot, track_requests

ACCUEIL = "Accueil de jour pour les femmes victimes de violences conjugales"


def test_a_visitor_reads_a_fiche_in_simple_words_on_a_phone(live_url, browser):
    from axe_playwright_python.sync_playwright import Axe

    context = phone_context(browser, width=390, height=844)
    page = track_requests(context.new_page())
    page.goto(f"{live_url}/")
    with navigation(page):
        page.get_by_role("link", name=re.compile("^Mots simples")).click()
    assert "mode-simple" in page.locator("body").get_attribute("class")
    assert page.locator(".easy-shortcuts").get_by_text("Gratuit").is_visible()

    page.get_by_label("Que cherchez-vous ?").fill("violences conjugales")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche\?"))
    assert "mode-simple" in page.locator("body").get_attribute("class")  # remembered by the cookie
    with navigation(page):
        page.get_by_role("link", name=ACCUEIL, exact=True).first.click()

    summary = page.locator(".easy-summary")
    assert "Vous pouvez venir avec vos enfants" in summary.inner_text()
    box = summary.bounding_box()
    assert box is not None and box["y"] < 844 * 1.5  # right after the phone, address and today's hours
    facts = page.locator(".easy-facts .easy-fact")
    labels = facts.all_inner_texts()
    assert "Gratuit" in labels and "Sans rendez-vous" in labels
    for i in range(facts.count()):  # a big pictogram, always with its words
        icon = facts.nth(i).locator("svg.fact-icon").bounding_box()
        assert icon["width"] >= 40 and facts.nth(i).locator(".fact-label").inner_text().strip()
    more = page.locator("details.easy-more")
    assert not more.locator(".description, dl.facts").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.easy-text')).fontSize)")
    assert font >= 20
    shot(page, "mots-simples-phone")

    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    more.locator("summary").click()
    assert more.locator("dl.facts").is_visible()

    # a partner of the structure writes its text: the hint follows the typing (guide/static/falc.js)
    fiche_id = re.search(r"/fiche/(\d+)", page.url).group(1)
    page.goto(f"{live_url}/connexion")
    page.get_by_label("Adresse électronique").fill("partenaire@guide.localhost")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    with navigation(page):
        page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_url}/espace/fiches/{fiche_id}/modifier")
    area = page.get_by_label("Votre texte en mots simples")
    # the first words pasted, the end typed key by key (each key an input event that restarts the hint's
    # wait: 22 keys, was 80 — the hint still comes once, after the last one)
    area.fill(
        "Les femmes victimes de violences conjugales bénéficient d'un accompagnement personnalisé "
        "dans leurs démarches auprès de la CAF et des bailleurs "
    )
    area.press_sequentially("sociaux du territoire.")
    hint = page.locator(".falc-hint")
    hint.get_by_text(re.compile("Une phrase a 2[0-9] mots")).wait_for()
    assert "caisse d'allocations familiales (CAF)" in hint.inner_text()
    assert page.locator("[data-count-value]").inner_text() == str(len(area.input_value()))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the form fits the phone
    page.locator("fieldset.falc").screenshot(path=str(SCREENSHOTS / "mots-simples-form-phone.png"))
    context.close()
