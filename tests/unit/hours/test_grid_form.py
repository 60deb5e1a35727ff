"""The grid of the edit form: monthly rows, slots by appointment, closed all year (widget and strings)."""

from __future__ import annotations

import re

import colander
import deform
import pytest

from guide import hours
from schemas import configure_renderer
from schemas.widgets import OpeningHoursWidget


class _Schema(colander.MappingSchema):
    horaires = colander.SchemaNode(colander.String(), missing="", widget=OpeningHoursWidget())


def _submit(**fields: str) -> str:
    controls = [
        ("__start__", "horaires:mapping"),
        ("mode", "grid"),
        *fields.items(),
        ("__end__", "horaires:mapping"),
    ]
    return deform.Form(_Schema()).validate(controls)["horaires"]


def _render(value: str) -> str:
    configure_renderer()
    return deform.Form(_Schema()).render({"horaires": value})


def _checked(html: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="([^"]+)"\s+value="[^"]*"\s+checked="checked"', html))


def test_monthly_row_saves_nth_weekdays() -> None:
    value = _submit(
        **{"m0-day": "We", "m0-nth-1": "1", "m0-nth-3": "1", "m0-0-start": "14:00", "m0-0-end": "17:00"}
    )
    assert value == "We[1,3] 14:00-17:00"
    assert hours.describe(value).startswith("le 1er et le 3e mercredi du mois de 14 h à 17 h")


def test_monthly_row_adds_to_the_weekly_slots() -> None:
    fields = {f"{day}-0-start": "09:00" for day in ("Mo", "Tu", "We", "Th", "Fr")}
    fields |= {f"{day}-0-end": "12:00" for day in ("Mo", "Tu", "We", "Th", "Fr")}
    fields |= {"m0-day": "We", "m0-nth--1": "1", "m0-0-start": "14:00", "m0-0-end": "17:00", "ph_off": "1"}
    value = _submit(**fields)
    assert value == "Mo-Fr 09:00-12:00, We[-1] 14:00-17:00; PH off"
    assert "le dernier mercredi du mois, aussi de 14 h à 17 h" in hours.describe(value)


def test_monthly_row_without_weeks_or_day_is_refused_in_french() -> None:
    with pytest.raises(deform.ValidationFailure) as failure:
        _submit(**{"m0-day": "We", "m0-0-start": "14:00", "m0-0-end": "17:00"})
    assert "cochez quelles semaines du mois" in failure.value.field["horaires"].error.msg
    with pytest.raises(deform.ValidationFailure) as failure:
        _submit(**{"m1-nth-2": "1", "m1-0-start": "14:00", "m1-0-end": "17:00"})
    assert "choisissez le jour de la semaine" in failure.value.field["horaires"].error.msg


def test_slot_by_appointment() -> None:
    value = _submit(
        **{
            "Mo-0-start": "09:00",
            "Mo-0-end": "12:00",
            "Mo-1-start": "14:00",
            "Mo-1-end": "17:00",
            "Mo-1-rdv": "1",
        }
    )
    assert value == 'Mo 09:00-12:00, Mo 14:00-17:00 "sur rendez-vous"'
    assert (
        hours.describe(value)
        == "le lundi de 9 h à 12 h (sans rendez-vous) et de 14 h à 17 h (sur rendez-vous)"
    )
    assert hours.read_grid(value).days["Mo"] == [("09:00", "12:00", False), ("14:00", "17:00", True)]


@pytest.mark.parametrize("stored", ["off", "Closed", "Mo-Su off"])
def test_closed_all_year_stays_closed_through_the_grid(stored: str) -> None:
    html = _render(stored)
    assert 'name="mode" value="grid" checked="checked"' in html
    assert "closed" in _checked(html)
    assert _submit(closed="1") == "off"
    assert hours.describe("off") == "fermé"


def test_an_empty_grid_still_means_no_hours() -> None:
    assert _submit() == ""


def test_closed_with_slots_is_refused() -> None:
    with pytest.raises(deform.ValidationFailure) as failure:
        _submit(**{"closed": "1", "Mo-0-start": "09:00", "Mo-0-end": "12:00"})
    assert "Fermé toute l'année" in failure.value.field["horaires"].error.msg


def test_stored_monthly_string_is_shown_in_the_grid() -> None:
    html = _render("Mo-Fr 09:00-12:00, We[1,3] 14:00-17:00; PH off")
    assert {"m0-nth-1", "m0-nth-3", "ph_off"} <= _checked(html)
    assert re.search(r'<option value="We"\s+selected="selected">mercredi</option>', html)
    assert re.search(r'name="m0-0-start"\s+value="14:00"', html)
    assert "Copier le lundi sur les autres jours" in html


@pytest.mark.parametrize(
    "value",
    [
        "Mo-Fr 09:00-12:00; We[1,3] 14:00-17:00",  # the monthly rule replaces Wednesday: not a grid row
        "week 1-53/2 Mo 09:00-12:00",
        "Mo[1] 09:00-12:00 off",
    ],
)
def test_strings_the_grid_cannot_show_go_to_the_expert_field(value: str) -> None:
    assert hours.read_grid(value) is None
    assert 'name="mode" value="raw" checked="checked"' in _render(value)
