"""Opening hours and other fiche fields are bounded: a huge input is refused with a French message.

Before the fix, a partner could save 7 days × 400 time slots (34 KB) as the opening hours: the save
took 24 s and every page showing the fiche spent as long describing them.  The limits are checked with
cheap scans before any parsing, the form comes back with the message beside the field and what was
typed, and no version is saved.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from guide import hours
from guide.models import FicheVersion
from guide.services.demo import demo_export
from tests.functional.helpers import field_error, visible

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def tiny_slots(count: int) -> str:
    """``count`` one-minute slots: 00:00-00:01,00:02-00:03,…"""
    return ",".join(
        f"{(2 * i) // 60:02d}:{(2 * i) % 60:02d}-{(2 * i + 1) // 60:02d}:{(2 * i + 1) % 60:02d}"
        for i in range(count)
    )


WEEK_OF_400_SLOTS = "; ".join(f"{day} {tiny_slots(400)}" for day in DAYS)  # 34 KB


def versions(db, fiche) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(FicheVersion).where(FicheVersion.fiche_id == fiche.id))


def edit_controls(testapp, fiche) -> list[tuple[str, str]]:
    """The edit form's fields as the browser would send them, in order (deform's markers included)."""
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    return [(name, value) for name, value in form.submit_fields("save")]


def with_hours(controls: list[tuple[str, str]], mode: str, extra: list[tuple[str, str]]) -> list:
    """``controls`` with the hours widget in ``mode`` and ``extra`` fields inside its mapping."""
    result = []
    inside = False
    replaced = {name for name, _value in extra}
    for name, value in controls:
        if name == "__start__" and value == "horaires:mapping":
            inside = True
            result.append((name, value))
            result.append(("mode", mode))
            result.extend(extra)
            continue
        if inside and name == "mode":
            continue
        if inside and name in replaced:
            continue
        if inside and name == "__end__":
            inside = False
        result.append((name, value))
    return result


@pytest.fixture
def editing(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    login(world.users["editor_a"].email)
    return fiche, edit_controls(testapp, fiche), versions(db, fiche)


def grid_slots(per_day: int) -> list[tuple[str, str]]:
    fields = []
    for day in DAYS:
        for i in range(per_day):
            fields += [(f"{day}-{i}-start", f"{(2 * i) // 60:02d}:{(2 * i) % 60:02d}")]
            fields += [(f"{day}-{i}-end", f"{(2 * i + 1) // 60:02d}:{(2 * i + 1) % 60:02d}")]
    return fields


def a_forged_grid_with_more_slots_than_shown_is_refused_beside_the_hours(
    testapp, db, fiche, controls, before
):
    data = with_hours(controls, "grid", grid_slots(50))  # 700 slot fields: under the form's field limit
    page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", data)

    assert page.status_int == 200
    error = field_error(page, "raw")
    assert "3 créneaux au plus par jour" in error
    assert "Lundi" in error and "Dimanche" in error
    # what fits in the grid is shown again, as typed
    assert page.forms["deform"]["Mo-0-start"].value == "00:00"
    assert page.forms["deform"]["Mo-2-end"].value == "00:05"
    assert versions(db, fiche) == before


def the_grid_of_7_days_by_400_slots_is_refused(testapp, db, fiche, controls, before):
    data = with_hours(controls, "grid", grid_slots(400))
    page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", data, expect_errors=True)
    assert page.status_int < 500
    assert "créneaux au plus" in page.text or "trop de champs" in page.text
    assert versions(db, fiche) == before


def a_34_kb_expert_string_is_refused_beside_the_hours(testapp, db, fiche, controls, before):
    page = testapp.post(
        f"/espace/fiches/{fiche.id}/modifier", with_hours(controls, "raw", [("raw", WEEK_OF_400_SLOTS)])
    )
    assert page.status_int == 200
    error = field_error(page, "raw")
    assert f"Horaires trop longs : 1000 caractères au plus (vous en avez écrit {len(WEEK_OF_400_SLOTS)})" in (
        error
    )
    form = page.forms["deform"]
    assert form["raw"].value == WEEK_OF_400_SLOTS  # kept, in the expert field
    assert form["mode"].value == "raw"
    assert versions(db, fiche) == before


def a_100_kb_expert_string_is_refused_beside_the_hours(testapp, db, fiche, controls, before):
    raw = ("Mo-Fr 09:00-12:00; " * 6000)[:100_000]
    page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", with_hours(controls, "raw", [("raw", raw)]))
    assert page.status_int == 200
    assert "Horaires trop longs : 1000 caractères au plus (vous en avez écrit 100000)" in field_error(
        page, "raw"
    )
    assert versions(db, fiche) == before


def too_many_slots_in_a_short_expert_string_are_refused(testapp, db, fiche, controls, before):
    raw = f"Mo-Su {tiny_slots(60)}"  # 60 slots in 725 characters: describing it would take seconds
    assert len(raw) < hours.MAX_LENGTH
    page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", with_hours(controls, "raw", [("raw", raw)]))
    assert "50 créneaux horaires au plus (vous en avez écrit 60)" in field_error(page, "raw")
    assert versions(db, fiche) == before


def with_closures(controls: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    closures = []
    for i in range(count):
        closures += [
            ("__start__", "fermeture:mapping"),
            ("debut", f"2027-01-{i % 28 + 1:02d}"),
            ("fin", f"2027-02-{i % 28 + 1:02d}"),
            ("message", f"Fermeture {i}"),
            ("__end__", "fermeture:mapping"),
        ]
    data = []
    for name, value in controls:
        data.append((name, value))
        if name == "__start__" and value == "fermetures:sequence":
            data.extend(closures)
    return data


def more_than_50_closures_are_refused_with_a_message(testapp, db, fiche, controls, before):
    page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", with_closures(controls, 51))
    assert page.status_int == 200
    assert "50 fermetures temporaires au plus" in visible(page)
    assert "Fermeture 50" in page.text  # what was typed is shown again
    assert versions(db, fiche) == before


def _500_closures_are_refused(testapp, db, fiche, controls, before):
    page = testapp.post(
        f"/espace/fiches/{fiche.id}/modifier", with_closures(controls, 500), expect_errors=True
    )
    assert page.status_int < 500
    assert "50 fermetures temporaires au plus" in visible(page) or "trop de champs" in page.text
    assert versions(db, fiche) == before


def test_a_partner_can_still_save_ordinary_hours_and_closures(testapp, db, editing):
    fiche, controls, before = editing
    raw = "Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00; PH off; Jul-Aug Mo-Fr 09:00-12:00"
    data = with_hours(controls, "raw", [("raw", raw)])
    response = testapp.post(f"/espace/fiches/{fiche.id}/modifier", data)
    assert response.status_int in (302, 303), visible(response)
    db.expire_all()
    assert fiche.current_version.horaires == raw
    assert versions(db, fiche) == before + 1


def free_text_fields_are_bounded(testapp, db, fiche, controls, before):
    for field, size, message in (
        ("contact_nom", 121, "120 caractères au plus"),
        ("horaires_precisions", 501, "500 caractères au plus"),
        ("frais_precisions", 1001, "1000 caractères au plus"),
    ):
        data = [(name, "x" * size if name == field else value) for name, value in controls]
        page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", data)
        assert message in field_error(page, field), field
        assert versions(db, fiche) == before


def forged_choice_values_are_bounded(testapp, db, fiche, controls, before):
    data = [(name, "x" * 100_000 if name == "type_service" else value) for name, value in controls]
    page = testapp.post(f"/espace/fiches/{fiche.id}/modifier", data)
    assert page.status_int == 200
    assert "100 caractères au plus" in field_error(page, "type_service")
    assert versions(db, fiche) == before


# Each refusal writes nothing (checked after each): one partner's editing session serves all of them, as
# one person retrying in the same form would (a login and the edit form per check were most of the work).
REFUSALS = {
    "hours": [
        a_forged_grid_with_more_slots_than_shown_is_refused_beside_the_hours,
        the_grid_of_7_days_by_400_slots_is_refused,
        a_34_kb_expert_string_is_refused_beside_the_hours,
        a_100_kb_expert_string_is_refused_beside_the_hours,
        too_many_slots_in_a_short_expert_string_are_refused,
    ],
    "closures": [more_than_50_closures_are_refused_with_a_message, _500_closures_are_refused],
    "fields": [free_text_fields_are_bounded, forged_choice_values_are_bounded],
}


@pytest.mark.parametrize("kind", REFUSALS)
def test_oversized_input_is_refused_beside_its_field_and_saves_nothing(testapp, db, editing, kind):
    fiche, controls, before = editing
    for check in REFUSALS[kind]:
        check(testapp, db, fiche, controls, before)


# --- the service itself, for strings that arrive by other ways (import, API, old data) --------------


def test_validate_checks_the_limits_before_parsing(monkeypatch):
    def parse(value):
        raise AssertionError("the library was asked to parse an over-long string")

    monkeypatch.setattr(hours.library, "compile_hours", parse)
    assert hours.validate(WEEK_OF_400_SLOTS).startswith("Horaires trop longs")
    assert hours.validate("x" * 100_000).startswith("Horaires trop longs")
    assert hours.validate("; ".join(["Mo off"] * 60)).startswith("Horaires trop détaillés : 50 règles")
    assert hours.osm_to_grid(WEEK_OF_400_SLOTS) is None  # the form shows it in the expert field
    with pytest.raises(ValueError, match="trop longs"):
        hours.describe(WEEK_OF_400_SLOTS)


def test_stored_over_long_hours_are_not_described(monkeypatch):
    """A string stored before the limits is shown raw rather than costing minutes per page."""

    calls = []
    monkeypatch.setattr(hours.description, "_describe_structured", lambda text: calls.append(text))
    assert hours.describe_safe(WEEK_OF_400_SLOTS) == WEEK_OF_400_SLOTS
    assert calls == []


REAL_WORLD = [
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Mo-Fr 08:30-12:30,13:30-17:00; Fr 08:30-12:30; PH off",
    'Mo 09:00-12:00 "accueil libre", Mo 14:00-17:00 "sur rendez-vous"',
    "Apr-Sep Mo-Sa 09:00-19:00; Oct-Mar Mo-Fr 10:00-17:00",
    "Mo-Fr 08:00-12:00,13:30-17:30,18:00-20:00",
    "Th[2] 18:00-20:00",
    "week 1-53/2 Mo 10:00-12:00",
    # the densest string OpenStreetMap can hold (255 characters): every day written out, 3 slots each
    "; ".join(f"{day} 08:00-10:00,10:30-12:00,14:00-17:30" for day in DAYS)
    + "; PH off; Dec 24-Dec 26 off; Jan 01 off",
]


@pytest.mark.parametrize("value", REAL_WORLD)
def test_real_world_strings_fit_the_limits(value):
    assert hours.validate(value) is None
    assert hours.describe(value)


def test_the_demo_data_fits_the_limits():
    services = demo_export()[1]
    found = [row["horaires_accueil"] for row in services if row.get("horaires_accueil")]
    assert len(found) > 20
    for value in found:
        assert hours.validate(value) is None, value
    assert all(len(row["guide"].get("fermetures", [])) <= 50 for row in services)
