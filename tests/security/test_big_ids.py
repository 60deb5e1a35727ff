"""Numbers past the database's 32-bit ids in a URL: PostgreSQL refused them inside the query (« integer out of
range ») and the guide answered 500 — found by schemathesis on /api/v1/fiches?after=2147483648. They name no
row: an empty page or a 404, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

BIG = ["2147483648", "590269416496", "999999999999"]


@pytest.mark.parametrize("number", BIG)
def test_a_cursor_past_every_id_gives_an_empty_last_page(testapp, world, number):
    page = testapp.get("/api/v1/fiches", {"after": number, "limit": "1"})
    assert page.json["fiches"] == [] and page.json["curseur_suivant"] is None
    assert testapp.get("/api/v1/evenements", {"after": number}).status_int == 200


@pytest.mark.parametrize("number", BIG)
def test_an_id_past_every_id_is_not_found(testapp, world, login, number):
    for path in (
        f"/api/v1/fiches/{number}",
        f"/api/v1/evenements/{number}",
        f"/fiche/{number}",
        f"/fiche/{number}-un-titre",
        f"/agenda/rendez-vous/{number}",
        f"/agenda/rendez-vous/{number}.ics",
    ):
        assert testapp.get(path, expect_errors=True).status_int == 404, path
    login("coord@test.fr")
    for path in (f"/espace/fiches/{number}", f"/espace/structures/{number}"):
        assert testapp.get(path, expect_errors=True).status_int == 404, path
