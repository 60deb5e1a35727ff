"""A partner announces a weekly atelier in a real browser: the native date and time inputs, the plain-words
sentence written as the series is filled in, then the event saved and submitted, and one date cancelled
(issue 14)."""

from __future__ import annotations

import datetime as dt
import re

from guide import hours
from guide.services.demo import DEMO_PASSWORD

from .conftest import navigation, shot

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def _fr(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def test_partner_announces_a_weekly_atelier(live_url, desktop):
    page = desktop
    tuesday = hours.today() + dt.timedelta(days=(1 - hours.today().weekday()) % 7 + 7)
    until = tuesday + dt.timedelta(weeks=8)
    page.goto(f"{live_url}/connexion")
    page.get_by_label("Adresse électronique").fill("centre-social@guide.localhost")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/espace$"))
    with navigation(page):
        page.get_by_role("link", name=re.compile("Centre social Mandela")).first.click()
    with navigation(page):
        page.locator("p.actions").get_by_role("link", name="Agenda", exact=True).click()
    assert page.get_by_text("Atelier parents-enfants : cuisine du monde").first.is_visible()  # the demo's
    page.get_by_role("link", name="+ Nouvel événement").click()
    page.wait_for_url(re.compile(r"/agenda/nouveau$"))
    page.wait_for_load_state("load")  # the form's script (deferred) has run
    assert page.get_by_label("Jusqu'au (inclus)").is_hidden()  # the end of a series: only for a series
    page.get_by_label("Titre").fill("Atelier jeux de société en famille")
    page.get_by_label("Date (obligatoire)", exact=True).fill(tuesday.isoformat())
    page.get_by_label("De (obligatoire)", exact=True).fill("14:00")
    page.get_by_label("À (obligatoire)", exact=True).fill("16:00")
    page.get_by_label("Se répète").select_option("weekly")
    page.get_by_label("Jusqu'au (inclus)").fill(until.isoformat())
    sentence = page.locator("#event-when")
    assert sentence.text_content() == (
        f"Tous les mardis de 14 h à 16 h, à partir du {_fr(tuesday)}, jusqu'au {_fr(until)}."
    )
    assert page.get_by_label("Tarif").is_hidden()  # free by default: no price to type
    page.get_by_label("Payant").check()
    page.get_by_label("Tarif").fill("1 € par famille")
    page.get_by_label("Inscription", exact=True).select_option("obligatoire")
    page.get_by_label("Comment s'inscrire").fill("À l'accueil du centre social")
    page.get_by_label("Famille et parentalité").check()
    page.get_by_label("Lieu").select_option(index=1)
    shot(page, "desktop-agenda-event-form")
    page.get_by_role("button", name="Enregistrer et soumettre").click()
    page.wait_for_url(re.compile(r"/espace/agenda/\d+$"))
    assert page.get_by_text("L'événement est soumis à la coordination.").is_visible()
    assert page.locator("#quand").text_content().startswith("tous les mardis de 14 h à 16 h")
    assert page.locator(".event-dates li").count() == 9
    second = tuesday + dt.timedelta(weeks=1)
    page.get_by_label("Date à annuler").select_option(second.isoformat())
    page.get_by_label("Motif (facultatif)").fill("Sortie au musée ce jour-là")
    with navigation(page):
        page.get_by_role("button", name="Annuler cette date").click()
    assert page.get_by_text("La date est annulée").is_visible()
    assert "annulée" in page.locator(f"#date-{second:%Y%m%d}T1400").text_content()
    shot(page, "desktop-agenda-event-manage")
