"""Partners are told: fiche published or sent back (with the comment), a resident's report; they answer it."""

from __future__ import annotations

import time
from email.header import decode_header, make_header

from sqlalchemy import select

from guide.models import ErrorReport, ReportAnswer
from guide.services import fiches, reports

from ..factories import content
from .helpers import visible


def subject(mail):
    return str(make_header(decode_header(mail["Subject"])))


def test_partners_get_a_mail_when_their_fiche_is_sent_back_then_published(testapp, world, login, mailbox, db):
    fiche = world.fiches["pending_a"]
    login("coord@test.fr")
    page = testapp.get(f"/espace/fiches/{fiche.id}")
    form = next(f for f in page.forms.values() if f.action.endswith("/etat/send_back"))
    form["comment"] = "Précisez les horaires du samedi, s'il vous plaît."
    form.submit()
    mail = mailbox.wait_for("owner.a@test.fr")
    assert subject(mail) == "Fiche renvoyée : Fiche pending a"
    assert "Précisez les horaires du samedi" in mailbox.body(mail)
    assert mailbox.wait_for("editor.a@test.fr")
    assert not [m for m in mailbox.messages if "coord@test.fr" in m["To"]]  # not the one who decided
    mailbox.messages.clear()
    db.refresh(fiche)
    fiches.transition(db, fiche, "submit", world.users["owner_a"])
    db.flush()
    page = testapp.get(f"/espace/fiches/{fiche.id}")
    form = next(f for f in page.forms.values() if f.action.endswith("/etat/publish"))
    form.submit()
    mail = mailbox.wait_for("owner.a@test.fr")
    assert subject(mail).startswith("Fiche publiée")
    assert f"http://localhost/fiche/{fiche.id}" in mailbox.body(mail)


def _report(testapp, fiche, message):
    page = testapp.get(f"/fiche/{fiche.id}/signaler")
    form = page.forms["deform"]
    form["stamp"] = reports.form_stamp(testapp.app.registry.settings["secret"], time.time() - 10)
    form["message"] = message
    return form.submit("send")


def test_a_report_goes_to_the_members_and_coordinators_once_an_hour_and_the_partner_answers(
    testapp, world, login, mailbox, db
):
    fiche = world.fiches["published_a"]
    _report(testapp, fiche, "Le numéro de téléphone ne répond plus depuis un mois.")
    member = mailbox.wait_for("owner.a@test.fr")
    assert "Le numéro de téléphone ne répond plus" in mailbox.body(member)
    assert mailbox.wait_for("coord@test.fr")
    count = len(mailbox.messages)
    _report(testapp, fiche, "Et l'adresse a changé aussi, c'est au numéro 12.")
    time.sleep(0.3)
    assert [m["To"] for m in mailbox.messages[count:] if "owner.a" in m["To"]] == []  # bounded: one an hour
    login("owner.a@test.fr")
    page = testapp.get("/espace")
    text = visible(page)
    assert "Signalements sur vos fiches 2" in text and "Et l'adresse a changé aussi" in text
    first = db.scalars(select(ErrorReport).order_by(ErrorReport.id)).first()
    form = page.forms[
        next(k for k, f in page.forms.items() if f.action.endswith(f"/espace/signalements/{first.id}"))
    ]
    page = form.submit("answer", value="corrige").follow()
    assert "corrigé" in visible(page)
    db.refresh(first)
    assert first.handled_at is not None
    assert db.get(ReportAnswer, first.id).answer == "corrige"
    # another organisation's partner cannot answer it
    second = db.scalars(select(ErrorReport).order_by(ErrorReport.id.desc())).first()
    login("owner.b@test.fr")
    from .helpers import csrf_token

    response = testapp.post(
        f"/espace/signalements/{second.id}",
        {"answer": "pas_d_erreur", "csrf_token": csrf_token(testapp)},
        expect_errors=True,
    )
    assert response.status_int == 403
    db.refresh(second)
    assert second.handled_at is None


def test_notifications_skip_organisations_without_members(testapp, world, db):
    from guide.models import Organisation
    from guide.services import notifications

    org = Organisation(nom="Sans membres", slug="sans-membres")
    db.add(org)
    db.flush()
    fiche = fiches.create_fiche(db, org, content(), world.users["admin"])
    assert notifications.fiche_decided(db, fiche, "publish", "", None, None, {}) == 0
