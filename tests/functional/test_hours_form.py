"""The fiche form: hours read otherwise than meant are confirmed by the partner; the grid keeps « closed »."""

from __future__ import annotations

import html

from sqlalchemy import select

from guide.models import FicheVersion
from tests.functional.helpers import field_error
from tests.security.test_hours_limits import edit_controls, versions, with_hours

LUNCH_LOST = "We-Su 12:00-14:30; Mo-Su 18:00-22:30"


def _last_hours(db, fiche) -> str:
    db.expire_all()
    return db.scalars(
        select(FicheVersion.horaires)
        .where(FicheVersion.fiche_id == fiche.id)
        .order_by(FicheVersion.id.desc())
    ).first()


def test_a_string_read_otherwise_is_kept_until_confirmed(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    login(world.users["editor_a"].email)
    controls = edit_controls(testapp, fiche)
    before = versions(db, fiche)
    url = f"/espace/fiches/{fiche.id}/modifier"

    page = testapp.post(url, with_hours(controls, "raw", [("raw", LUNCH_LOST)]))
    assert page.status_int == 200
    assert "Confirmer ces horaires" in field_error(page, "raw")
    text = html.unescape(page.text)
    assert "« Mo-Su 18:00-22:30 » remplace « We-Su 12:00-14:30 » du mercredi au dimanche" in text
    assert "Lus ainsi : « tous les jours de 18 h à 22 h 30 »" in text
    assert page.forms["deform"]["raw"].value == LUNCH_LOST  # what was typed is still there
    assert versions(db, fiche) == before

    confirmed = with_hours(controls, "raw", [("raw", LUNCH_LOST), ("confirm_reading", LUNCH_LOST)])
    assert testapp.post(url, confirmed).status_int in (302, 303)
    assert _last_hours(db, fiche) == LUNCH_LOST


def test_closed_all_year_saved_from_the_grid_stays_closed(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    login(world.users["editor_a"].email)
    controls = edit_controls(testapp, fiche)
    url = f"/espace/fiches/{fiche.id}/modifier"
    emptied = [(name, "") for name, _value in controls if name.endswith(("-start", "-end"))]
    assert testapp.post(url, with_hours(controls, "grid", [*emptied, ("closed", "1")])).status_int in (
        302,
        303,
    )
    assert _last_hours(db, fiche) == "off"
    # shown again with the box ticked, and saved again unchanged
    form = testapp.get(url).forms["deform"]
    assert form["closed"].checked
    assert form.submit("save").status_int in (302, 303)
    assert _last_hours(db, fiche) == "off"
