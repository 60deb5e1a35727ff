"""« Signaler une erreur » cannot be turned into a mail cannon: one report per form stamp, a limit per
client that X-Forwarded-For does not reset, and coordinators told by a bounded digest."""

from __future__ import annotations

import datetime as dt
import time

from guide.models import ErrorReport, utcnow
from guide.services import reports

from ..functional.helpers import field_error, visible

COORDINATORS = {"coord@test.fr", "admin@test.fr"}
MEMBERS_A = {"owner.a@test.fr", "editor.a@test.fr"}  # the fiche's organisation is told too, once an hour


def _form(testapp, fiche, *, age=10, **environ):
    page = testapp.get(f"/fiche/{fiche.id}/signaler", extra_environ=environ or None)
    form = page.forms["deform"]
    secret = testapp.app.registry.settings["secret"]
    form["stamp"] = reports.form_stamp(secret, time.time() - age)  # as if the page was read for a while
    return form


def _recipients(mailbox) -> list[str]:
    return sorted(message["To"] for message in mailbox.messages)


def test_a_stamp_sends_one_report_and_a_replay_is_refused(testapp, world, mailbox, db):
    fiche = world.fiches["published_a"]
    form = _form(testapp, fiche)
    form["message"] = "Le numéro de téléphone a changé depuis septembre."
    assert form.submit("send").status_int == 303
    assert _recipients(mailbox) == sorted(COORDINATORS | MEMBERS_A)  # at commit, before the response

    replay = form.submit("send", expect_errors=True)  # the same form, stamp and all, sent again
    assert replay.status_int == 409
    assert "déjà servi à envoyer un signalement" in field_error(replay, "message")
    assert replay.forms["deform"]["message"].value == "Le numéro de téléphone a changé depuis septembre."
    assert db.query(ErrorReport).count() == 1
    assert _recipients(mailbox) == sorted(COORDINATORS | MEMBERS_A)  # no second mail


def test_a_replayed_stamp_is_refused_from_another_client_too(testapp, world, db):
    fiche = world.fiches["published_a"]
    form = _form(testapp, fiche)
    form["message"] = "Les horaires du mardi ne sont plus les bons."
    form.submit("send", extra_environ={"REMOTE_ADDR": "198.51.100.1"})
    # the captured form and cookie, sent again from another address
    replay = form.submit("send", extra_environ={"REMOTE_ADDR": "198.51.100.2"}, expect_errors=True)
    assert replay.status_int == 409
    assert db.query(ErrorReport).count() == 1


def test_twenty_reports_from_twenty_clients_make_one_digest_per_coordinator(testapp, world, mailbox, db):
    fiche = world.fiches["published_a"]
    for i in range(20):
        form = _form(testapp, fiche, REMOTE_ADDR=f"203.0.113.{i + 1}")
        form["message"] = f"Signalement numéro {i} : l'adresse a changé."
        response = form.submit("send", extra_environ={"REMOTE_ADDR": f"203.0.113.{i + 1}"})
        assert response.status_int == 303
    assert db.query(ErrorReport).count() == 20
    # the first report went out at once; the 19 others wait for the next period
    assert _recipients(mailbox) == sorted(COORDINATORS | MEMBERS_A)
    assert all(
        m["Subject"] == "Un nouveau signalement dans le guide"
        for m in mailbox.messages
        if m["To"] in COORDINATORS
    )

    mailbox.messages.clear()
    mailer, settings = testapp.app.registry["mailer"], testapp.app.registry.settings
    assert reports.send_report_digest(db, mailer, settings) == 0  # same period: nothing more
    later = utcnow() + dt.timedelta(hours=1, minutes=1)
    assert reports.send_report_digest(db, mailer, settings, now=later) == len(COORDINATORS)
    assert reports.send_report_digest(db, mailer, settings, now=later) == 0
    assert _recipients(mailbox) == sorted(COORDINATORS)
    mail = mailbox.messages[0]
    assert mail["Subject"] == "19 nouveaux signalements dans le guide"
    body = mailbox.body(mail)
    assert "Signalement numéro 1 :" in body and "… et 9 autre(s)." in body
    assert "http://localhost/coordination/signalements" in body


def test_x_forwarded_for_does_not_reset_the_limit_per_client(testapp, world, db):
    fiche = world.fiches["published_a"]
    for i in range(reports.MAX_PER_HOUR):
        form = _form(testapp, fiche)
        form["message"] = f"Signalement numéro {i} sur les horaires."
        spoofed = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{i + 1}"}
        assert form.submit("send", extra_environ=spoofed).status_int == 303
    form = _form(testapp, fiche)
    form["message"] = "Un signalement de trop, sous une autre adresse prétendue."
    page = form.submit("send", extra_environ={"HTTP_X_FORWARDED_FOR": "192.0.2.99"}, expect_errors=True)
    assert page.status_int == 429
    assert "réessayez dans une heure" in visible(page)
    assert db.query(ErrorReport).count() == reports.MAX_PER_HOUR


def test_the_limit_per_client_holds_even_when_stored_reports_are_purged(testapp, world, db):
    """The rate limiter counts attempts, not rows: deleting the reports does not give more."""
    fiche = world.fiches["published_a"]
    for i in range(reports.MAX_PER_HOUR):
        form = _form(testapp, fiche)
        form["message"] = f"Signalement numéro {i} sur les horaires."
        assert form.submit("send").status_int == 303
    db.query(ErrorReport).delete()
    db.flush()
    form = _form(testapp, fiche)
    form["message"] = "Un signalement de trop sur les horaires."
    assert form.submit("send", expect_errors=True).status_int == 429


def test_a_person_who_pastes_a_message_is_not_refused_and_a_too_quick_click_keeps_its_stamp(
    testapp, world, db
):
    fiche = world.fiches["published_a"]
    form = _form(testapp, fiche, age=2.5)  # page opened, text pasted, sent
    form["message"] = "Texte collé : la permanence du jeudi est supprimée."
    assert form.submit("send").status_int == 303
    assert db.query(ErrorReport).count() == 1

    form = _form(testapp, fiche, age=0)
    stamp = form["stamp"].value
    form["message"] = "Un message envoyé en une fraction de seconde."
    page = form.submit("send")
    assert "trop vite" in field_error(page, "message")
    # the form shown again keeps its (still unused) stamp, so that the next click is accepted
    assert page.forms["deform"]["stamp"].value == stamp
    assert page.forms["deform"]["site"].value == ""  # the honeypot is still there
    assert db.query(ErrorReport).count() == 1


def test_used_stamps_are_purged_once_expired(testapp, world, db):
    from guide.models.report import UsedReportStamp

    secret = testapp.app.registry.settings["secret"]
    old = reports.form_stamp(secret, time.time() - reports.MAX_FORM_AGE - 3600)
    assert reports.use_stamp(db, secret, old)
    fresh = reports.form_stamp(secret, time.time() - 10)
    later = utcnow() + dt.timedelta(hours=2)
    assert reports.use_stamp(db, secret, fresh, now=later)
    assert db.query(UsedReportStamp).count() == 1  # the expired one is gone
    assert not reports.use_stamp(db, secret, fresh, now=later)
