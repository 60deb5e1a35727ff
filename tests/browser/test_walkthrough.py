"""Issue 2's walk-through in a real browser: a partner edits a fiche with the hours grid (a first try with
mistakes: the errors beside the fields, the input kept) and submits it, a coordinator publishes it, an
anonymous visitor reads the published fiche. One walk: the form mistakes were a second test that logged in
and opened the same form again."""

from __future__ import annotations

import re

from .conftest import navigation, shot

PARTNER = "partenaire@guide.localhost"
COORDINATOR = "coordination@guide.localhost"
PASSWORD = "demo-guide-2026"


def log_in(page, base, email):
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/(espace|coordination)$"))  # a coordinator lands on the queue


def log_out(page):
    with navigation(page):  # the next page.goto would cancel a log-out still under way
        page.get_by_role("button", name="Se déconnecter").click()


def test_partner_edits_coordinator_publishes_resident_reads(live_url, desktop, phone):
    page = desktop
    log_in(page, live_url, PARTNER)
    shot(page, "01-partner-dashboard")
    # the partner opens one of its drafts
    drafts = page.locator("h3:has(.state-brouillon) + table a")
    title = drafts.first.inner_text()
    with navigation(page):
        drafts.first.click()
    with navigation(page):
        page.get_by_role("link", name="Modifier", exact=True).click()
    named = page.input_value('[name="nom"]')
    typed_wrong(page)
    page.get_by_label("Titre").fill(named)  # the title put back, the other mistakes corrected below
    # hours grid: Monday to Friday 9–12 and 14–17, closed on public holidays
    page.get_by_label("Grille de la semaine").check()
    for day in ("Mo", "Tu", "We", "Th", "Fr"):
        page.locator(f'input[name="{day}-0-start"]').fill("09:00")
        page.locator(f'input[name="{day}-0-end"]').fill("12:00")
        page.locator(f'input[name="{day}-1-start"]').fill("14:00")
        page.locator(f'input[name="{day}-1-end"]').fill("17:00")
    for day in ("Sa", "Su"):
        for slot in range(3):
            page.locator(f'input[name="{day}-{slot}-start"]').fill("")
            page.locator(f'input[name="{day}-{slot}-end"]').fill("")
    page.locator('input[name="Mo-2-start"]').fill("")
    page.get_by_label("Fermé les jours fériés").check()
    page.get_by_label("Téléphone").fill("0473980781")
    shot(page, "02-partner-hours-grid")
    with navigation(page):
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector(".flash-ok")
    assert "du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h" in page.inner_text(".preview")
    with navigation(page):  # the flash of the page before is no proof
        page.get_by_role("button", name="Soumettre à validation").click()
    page.wait_for_selector(".flash-ok")
    assert "À valider" in page.inner_text(".status-line")
    shot(page, "03-partner-submitted")
    fiche_path = page.url.split("127.0.0.1")[1].split("/", 1)[1]
    log_out(page)

    # the coordinator finds it in the review queue and publishes it
    log_in(page, live_url, COORDINATOR)
    page.goto(f"{live_url}/coordination")
    shot(page, "04-review-queue")
    with navigation(page):
        page.get_by_role("link", name=title).click()
    with navigation(page):
        page.get_by_role("button", name="Publier").click()
    page.wait_for_selector(".flash-ok")
    assert "Publiée" in page.inner_text(".status-line")
    public_link = page.get_by_role("link", name="Voir la version publique").get_attribute("href")
    log_out(page)
    assert fiche_path

    # an anonymous visitor, on a phone, reads the published fiche
    phone.goto(f"{live_url}{public_link}")
    text = phone.inner_text("main")
    assert title in text
    assert "du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; fermé les jours fériés" in text
    assert "04 73 98 07 81" in text
    assert "Pour qui" in text and "Dernière mise à jour" in text
    # the number at the top, in the « Appeler » action and in the contact details: the one number each time
    assert phone.locator('a[href="tel:+33473980781"]').count() >= 1
    assert phone.locator('a[href^="tel:"]:not([href="tel:+33473980781"])').count() == 0
    assert re.search(r"/fiche/\d+-[a-z0-9-]+$", phone.url)
    shot(phone, "05-public-fiche-phone")
    desktop.goto(phone.url)
    shot(desktop, "06-public-fiche-desktop")


def typed_wrong(page):
    """Mistakes in the fiche's form: the errors are shown beside the fields, the input is kept."""
    page.get_by_label("Titre").fill("Un titre modifié mais pas enregistré")
    page.get_by_label("Téléphone").fill("12")
    page.locator('input[name="Mo-0-start"]').fill("14:00")
    page.locator('input[name="Mo-0-end"]').fill("09:00")
    page.get_by_label("Résumé").fill("Un résumé conservé tel quel.")
    with navigation(page):
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector(".flash-error")
    assert page.input_value('[name="nom"]') == "Un titre modifié mais pas enregistré"
    assert "lundi" in page.inner_text(".hours-widget").lower()
    assert "Numéro de téléphone non reconnu" in page.inner_text("main")
    assert page.input_value('[name="resume"]') == "Un résumé conservé tel quel."
    assert page.input_value('input[name="Mo-0-start"]') == "14:00"
    # the list of the errors at the top has the focus (in view, read by a screen reader), one link per
    # field in page order; a link puts the cursor in its field: Monday's first time for the hours
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = page.locator(".error-summary li a")
    texts = links.all_inner_texts()
    assert len(texts) == 2 and texts[1].startswith("Téléphone : Numéro de téléphone non reconnu"), texts
    shot(page, "07-form-errors")
    links.nth(1).click()
    assert page.evaluate("document.activeElement.name") == "telephone"
    links.nth(0).click()
    assert page.evaluate("document.activeElement.name") == "Mo-0-start"
