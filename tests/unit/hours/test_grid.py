"""The weekly grid of the edit form: to and from opening_hours strings, validation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from opening_hours import OpeningHours, State

from guide import hours
from guide.hours import DAYS

from .common import PARIS, STANDARD


def empty_grid() -> dict[str, list[tuple[str, str]]]:
    return {code: [] for code in DAYS}


def grid_of(**days: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """A full grid: the days given, the others closed."""
    return {**empty_grid(), **days}


def weekdays(*slots: tuple[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Monday to Friday with ``slots``, the weekend closed."""
    return grid_of(**{code: list(slots) for code in DAYS[:5]})


def test_grid_to_osm_groups_days():
    grid = empty_grid()
    for code in ("Mo", "Tu", "We", "Th", "Fr"):
        grid[code] = [("09:00", "12:00"), ("14:00", "17:00")]
    grid["Sa"] = [("09:00", "12:00")]
    assert hours.grid_to_osm(grid, True) == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
    assert hours.grid_to_osm(grid, False) == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"


def test_grid_to_osm_lists_non_consecutive_days_and_sorts_slots():
    grid = empty_grid()
    grid["Mo"] = grid["We"] = grid["Th"] = [("14:00", "17:00"), ("09:00", "12:00")]
    grid["Su"] = [("10:00", "12:00")]
    assert hours.grid_to_osm(grid, False) == "Mo,We-Th 09:00-12:00,14:00-17:00; Su 10:00-12:00"


def test_grid_to_osm_whole_days_and_midnight():
    grid = {code: [("00:00", "24:00")] for code in DAYS}
    assert hours.grid_to_osm(grid, False) == "Mo-Su 00:00-24:00"
    assert hours.describe(hours.grid_to_osm(grid, False)) == "tous les jours, 24 h/24"


def test_grid_to_osm_without_slots_is_empty_even_with_holidays_closed():
    assert hours.grid_to_osm(empty_grid(), True) == ""
    assert hours.grid_to_osm({}, False) == ""


def test_grid_to_osm_refuses_invalid_grids():
    with pytest.raises(ValueError, match=r"^Lundi : le créneau de 14:00 à 12:00 finit avant de commencer"):
        hours.grid_to_osm({"Mo": [("14:00", "12:00")]}, False)
    with pytest.raises(ValueError, match="Jour inconnu : Lu"):
        hours.grid_to_osm({"Lu": [("09:00", "12:00")]}, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", (empty_grid(), False)),
        (
            STANDARD,
            (weekdays(("09:00", "12:00"), ("14:00", "17:00")), True),
        ),
        ("Mo-Fr 9:00-12:00", (weekdays(("09:00", "12:00")), False)),
        ("24/7", ({c: [("00:00", "24:00")] for c in DAYS}, False)),
        ("Sa-Su 10:00-18:00; Su,PH off", (grid_of(Sa=[("10:00", "18:00")]), True)),
        # what the rules mean: the second rule replaces the first one
        ("Mo-Fr 08:00-12:00; Mo-Fr 14:00-18:00", (weekdays(("14:00", "18:00")), False)),
        (
            "Mo,We 09:00-12:00; Mo 14:00-15:00",
            (grid_of(Mo=[("14:00", "15:00")], We=[("09:00", "12:00")]), False),
        ),
        ("Mo 09:00-18:00; Mo 12:00-14:00 off", (grid_of(Mo=[("09:00", "12:00"), ("14:00", "18:00")]), False)),
        ("Mo 09:00-12:00, Mo 14:00-15:00", (grid_of(Mo=[("09:00", "12:00"), ("14:00", "15:00")]), False)),
        # overlapping spans are joined, touching spans are kept as written
        ("Mo 09:00-12:00,11:00-14:00", (grid_of(Mo=[("09:00", "14:00")]), False)),
        ("Mo 09:00-12:00,12:00-14:00", (grid_of(Mo=[("09:00", "12:00"), ("12:00", "14:00")]), False)),
        # « PH off » written first changes nothing on weekdays
        ("PH off; Mo-Fr 09:00-12:00", (weekdays(("09:00", "12:00")), False)),
        ("off", (empty_grid(), False)),
    ],
)
def test_osm_to_grid(value, expected):
    assert hours.osm_to_grid(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "Mo-Fr 09:00-12:00; Aug off",  # months
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',  # comments
        "Mo-Fr 22:00-02:00",  # past midnight
        "Mo-Fr 09:00-12:00 unknown",
        "Mo 18:00+",
        "Mo-Fr 09:00-12:00; PH 10:00-11:00",  # special hours on public holidays
        "Mo-Fr 09:00-12:00; SH off",
        "Mo-Fr sunrise-sunset",
        "Mo[1] 09:00-12:00",
        'Mo-Fr 09:00-12:00 || "sur rendez-vous"',
        "Lu-Ve 9h-12h",  # invalid
    ],
)
def test_osm_to_grid_needs_the_expert_field(value):
    assert hours.osm_to_grid(value) is None


def test_osm_to_grid_max_slots():
    value = "Mo 08:00-09:00,10:00-11:00,12:00-13:00,14:00-15:00"
    assert hours.osm_to_grid(value, max_slots=3) is None
    assert hours.osm_to_grid(value, max_slots=4) is not None


def test_validate_grid():
    grid = {
        "Mo": [("09:00", "12:00"), ("14:00", "17:00")],
        "Tu": [("9:00", "12:00")],
        "We": [("14:00", "12:00")],
        "Th": [("09:00", "12:00"), ("11:00", "13:00")],
        "Fr": [("24:00", "24:00")],
        "Sa": [("10:00", "10:00")],
        "Su": [("10:00", "25:00")],
    }
    assert hours.validate_grid(grid) == {
        "Tu": "Mardi : l'heure de début « 9:00 » n'est pas valide : écrivez-la sous la forme HH:MM, "
        "par exemple 09:00.",
        "We": "Mercredi : le créneau de 14:00 à 12:00 finit avant de commencer (pour une ouverture de nuit, "
        "utilisez la saisie experte).",
        "Th": "Jeudi : les créneaux de 09:00 à 12:00 et de 11:00 à 13:00 se chevauchent.",
        "Fr": "Vendredi : l'heure de début « 24:00 » n'est pas valide : écrivez-la sous la forme HH:MM, "
        "par exemple 09:00.",
        "Sa": "Samedi : le créneau de 10:00 à 10:00 commence et finit à la même heure.",
        "Su": "Dimanche : l'heure de fin « 25:00 » n'est pas valide : écrivez-la sous la forme HH:MM, "
        "par exemple 12:00.",
    }


def test_validate_grid_accepts_touching_slots_missing_days_and_midnight():
    assert hours.validate_grid({"Mo": [("09:00", "12:00"), ("12:00", "24:00")]}) == {}
    assert hours.validate_grid({}) == {}


@st.composite
def day_slots(draw) -> list[tuple[str, str]]:
    """Sorted, non-overlapping slots (touching allowed) with start < end, within 00:00-24:00."""
    slots, cursor = [], 0
    for _ in range(draw(st.integers(0, 4))):
        start = cursor + draw(st.integers(0, 300))
        end = start + draw(st.integers(1, 600))
        if end > 24 * 60:
            break
        slots.append((f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"))
        cursor = end
    return slots


grids = st.fixed_dictionaries({code: day_slots() for code in DAYS})


@settings(max_examples=100, deadline=None)
@given(grids, st.booleans())
def test_grid_round_trip(grid, closed_on_public_holidays):
    assert hours.validate_grid(grid) == {}
    value = hours.grid_to_osm(grid, closed_on_public_holidays)
    assert hours.validate(value) is None
    if any(grid.values()):
        assert hours.osm_to_grid(value) == (grid, closed_on_public_holidays)
    else:
        assert value == ""
        assert hours.osm_to_grid(value) == (grid, False)


@settings(max_examples=100, deadline=None)
@given(grids, st.booleans())
def test_grid_means_what_the_library_understands(grid, closed_on_public_holidays):
    value = hours.grid_to_osm(grid, closed_on_public_holidays)
    assume(value)
    oh = OpeningHours(value, timezone=PARIS, country="FR")
    # 14 July 2025 is a Monday and a public holiday; the week before has none.
    for day in [date(2025, 7, 7) + timedelta(days=i) for i in range(8)]:
        holiday = day == date(2025, 7, 14)
        for start, end in grid[DAYS[day.weekday()]]:
            minute = int(start[:2]) * 60 + int(start[3:])
            moment = datetime.combine(day, datetime.min.time(), PARIS) + timedelta(minutes=minute)
            expected = State.CLOSED if holiday and closed_on_public_holidays else State.OPEN
            assert oh.state(moment)[0] == expected, (value, moment, start, end)
