"""The print check list refuses to generate an edition while a fiche's hours would print as a fallback."""

from __future__ import annotations

import html

from guide.models import Edition, EditionStatus
from guide.print import checklist, hours_text
from guide.services import fiches

from .. import factories
from .helpers import post
from .test_editions import new_edition


def _published(db, world, **content):
    fiche = fiches.create_fiche(db, world.orgs["a"], factories.content(**content), world.users["coord"])
    fiches.transition(db, fiche, "publish", world.users["coord"])
    return fiche


def test_hours_printed_as_this_week_only_block_the_generation(testapp, world, login, db):
    lieu = world.lieux["a"].id
    weekly = _published(db, world, nom="Hebdomadaire", horaires="Mo-Fr sunrise-sunset", lieux=[lieu])
    monthly = _published(db, world, nom="Mensuelle", horaires="We[1,3] 14:00-17:00", lieux=[lieu])
    fallback = _published(
        db, world, nom="A/B", horaires='Mo-Fr 9:00-17:30 || "sur rendez-vous"', lieux=[lieu]
    )
    edition = new_edition(db)
    db.commit()
    problems = checklist.blocking(checklist.preflight(db, edition))
    assert {problem.fiche_id for problem in problems} == {weekly.id}
    assert "seule la semaine en cours serait imprimée" in problems[0].message
    assert monthly.id not in {p.fiche_id for p in checklist.preflight(db, edition)}
    assert fallback.id not in {p.fiche_id for p in checklist.preflight(db, edition)}

    login("coord@test.fr")
    response = post(testapp, f"/coordination/editions/{edition.id}/generer")
    assert response.status_int == 303 and response.location.endswith(f"/editions/{edition.id}/verification")
    page = html.unescape(response.follow().text)
    assert "1 fiche a des horaires qui s'imprimeraient mal" in page
    assert "Horaires difficiles à imprimer" in page and ">Hebdomadaire</a>" in page  # the link to fix it
    db.expire_all()
    assert db.get(Edition, edition.id).status == EditionStatus.DRAFT


def test_a_monthly_permanence_reads_as_a_sentence_on_the_page_in_the_api_and_in_print(testapp, world, db):
    lieu = world.lieux["a"].id
    fiche = _published(db, world, nom="Permanence avocat", horaires="We[1,3] 14:00-17:00", lieux=[lieu])
    db.commit()
    sentence = "le 1er et le 3e mercredi du mois de 14 h à 17 h ; prochaines permanences : mercredi"
    assert sentence in testapp.get(f"/api/v1/fiches/{fiche.uid}").json["horaires_texte"]
    page = html.unescape(testapp.get(f"/fiche/{fiche.id}").maybe_follow().text)
    assert sentence in page and "semaine du" not in page
    printed = hours_text("We[1,3] 14:00-17:00")  # what the print templates show, split at « ; »
    assert printed.startswith(
        "le 1er et le 3e mercredi du mois de 14\u00a0h à 17\u00a0h ; prochaines permanences"
    )
    assert checklist.hours.print_problem("We[1,3] 14:00-17:00") is None
