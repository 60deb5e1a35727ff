"""Two people editing the same fiche: the second save is not applied silently, nothing is lost."""

from __future__ import annotations

import pytest
import webtest
from sqlalchemy import update

from guide.models import Fiche
from guide.services import fiches
from tests.factories import PASSWORD

from .helpers import visible


def _login(app, email):
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    form = browser.get("/connexion").forms["deform"]
    form["email"], form["password"] = email, PASSWORD
    form.submit("login")
    return browser


def test_second_save_shows_what_changed_and_keeps_the_input(app, world, db):
    fiche = world.fiches["draft_a"]
    alice = _login(app, world.users["owner_a"].email)
    bob = _login(app, world.users["editor_a"].email)
    alice_form = alice.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    bob_form = bob.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]

    alice_form["telephone"] = "04 73 11 22 33"
    alice_form.submit("save").follow()

    bob_form["nom"] = "Titre écrit par Bob"
    conflict = bob_form.submit("save", expect_errors=True)
    assert conflict.status_int == 409
    assert "Quelqu'un a modifié cette fiche" in visible(conflict)
    assert "04 73 11 22 33" in conflict.text  # what Alice changed meanwhile
    assert "Titre écrit par Bob" in conflict.text  # Bob's input is still in the form
    db.expire_all()
    assert fiche.current_version.number == 2
    assert fiche.current_version.nom == "Fiche draft a"

    # Bob checks and saves again: his input now applies over Alice's version.
    again = conflict.forms["deform"]
    assert again["nom"].value == "Titre écrit par Bob"
    assert again["base_version"].value == "2"
    again.submit("save").follow()
    db.expire_all()
    assert fiche.current_version.number == 3
    assert fiche.current_version.nom == "Titre écrit par Bob"
    # Bob's form carried the telephone he had loaded (the old one): the conflict page told him so.
    assert [v.number for v in fiche.versions] == [1, 2, 3]


def test_a_save_meeting_another_at_the_same_instant_is_a_simultaneous_save(world, db):
    fiche = world.fiches["draft_a"]
    base = fiche.current_version.number
    # Another transaction wrote the fiche after we read it (the ORM still holds the old lock version).
    table = Fiche.__table__
    db.execute(update(table).where(table.c.id == fiche.id).values(lock_version=table.c.lock_version + 1))
    data = fiches.content_of(fiche.current_version) | {"nom": "Titre changé"}
    with pytest.raises(fiches.SimultaneousSave):
        fiches.save(db, fiche, data, world.users["owner_a"], base_number=base, can_publish=False)


def test_the_simultaneous_save_page_explains_in_french(app, world, monkeypatch):
    fiche = world.fiches["draft_a"]
    alice = _login(app, world.users["owner_a"].email)
    form = alice.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]

    def simultaneous(*args, **kwargs):
        raise fiches.SimultaneousSave()

    monkeypatch.setattr(fiches, "save", simultaneous)
    form["nom"] = "Titre changé"
    page = form.submit("save", expect_errors=True)
    assert page.status_int == 409
    assert "Quelqu'un a enregistré cette fiche au même instant que vous" in visible(page)
