"""« Signaler une erreur »: no account needed, rate-limited, robots kept out, coordinators told by mail."""

from __future__ import annotations

import time

from guide.models import ErrorReport
from guide.services import reports

from .helpers import field_error, post, visible


def _form(testapp, fiche, *, age=10):
    page = testapp.get(f"/fiche/{fiche.id}/signaler")
    form = page.forms["deform"]
    secret = testapp.app.registry.settings["secret"]
    form["stamp"] = reports.form_stamp(secret, time.time() - age)  # as if the page was read for a while
    return form


def test_resident_reports_an_error_and_coordinators_are_told(testapp, world, mailbox, db):
    fiche = world.fiches["published_a"]
    form = _form(testapp, fiche)
    form["message"] = "Le numéro de téléphone a changé depuis septembre."
    page = form.submit("send").follow()
    assert "Votre signalement est transmis" in visible(page)
    report = db.query(ErrorReport).one()
    assert report.fiche_id == fiche.id and report.contact == ""
    assert report.ip_hash and "127.0.0.1" not in report.ip_hash
    mail = mailbox.wait_for("coord@test.fr")
    assert "Le numéro de téléphone a changé" in mailbox.body(mail)


def test_report_of_an_unpublished_fiche_is_404(testapp, world):
    assert testapp.get(f"/fiche/{world.fiches['draft_a'].id}/signaler", expect_errors=True).status_int == 404


def test_robots_filling_the_hidden_field_or_posting_at_once_are_refused(testapp, world, db):
    fiche = world.fiches["published_a"]
    form = _form(testapp, fiche)
    form["message"] = "Achetez nos montres pas chères !!!"
    form["site"] = "http://spam.example"
    page = form.submit("send")
    assert "Laissez ce champ vide" in field_error(page, "site")
    form = _form(testapp, fiche, age=0)
    form["message"] = "Un message envoyé en une fraction de seconde."
    page = form.submit("send")
    assert "trop vite" in field_error(page, "message")
    assert page.forms["deform"]["message"].value == "Un message envoyé en une fraction de seconde."
    assert db.query(ErrorReport).count() == 0


def test_reports_are_rate_limited(testapp, world, db):
    fiche = world.fiches["published_a"]
    for i in range(reports.MAX_PER_HOUR):
        form = _form(testapp, fiche)
        form["message"] = f"Signalement numéro {i} sur les horaires."
        assert form.submit("send").status_int == 303
    form = _form(testapp, fiche)
    form["message"] = "Un signalement de trop sur les horaires."
    page = form.submit("send", expect_errors=True)
    assert page.status_int == 429
    assert "réessayez dans une heure" in visible(page)
    assert db.query(ErrorReport).count() == reports.MAX_PER_HOUR


def test_coordinator_marks_a_report_handled(testapp, world, login, db):
    fiche = world.fiches["published_a"]
    form = _form(testapp, fiche)
    form["message"] = "L'adresse n'est plus la bonne."
    form.submit("send")
    login("coord@test.fr")
    page = testapp.get("/coordination/signalements")
    assert "L'adresse n'est plus la bonne." in visible(page)
    report = db.query(ErrorReport).one()
    post(testapp, "/coordination/signalements", {"report": str(report.id)})
    db.expire_all()
    assert report.handled_at is not None and report.handled_by.email == "coord@test.fr"
    login("owner.a@test.fr")
    assert testapp.get("/coordination/signalements", expect_errors=True).status_int == 403
