"""Opening hours: validation, French descriptions, the weekly grid and the open/closed status."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from opening_hours import OpeningHours, State

from guide.services import hours
from guide.services.hours import DAYS, OpenStatus

PARIS = ZoneInfo("Europe/Paris")
STANDARD = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
# A week of July 2025 (Monday 7 to Sunday 13); Monday 14 July is a public holiday.
WEDNESDAY = date(2025, 7, 9)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive datetime, which the module reads as Paris time."""
    return datetime(day.year, day.month, day.day, hour, minute)


# --------------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------------


def test_days_and_labels():
    assert DAYS == ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    assert hours.DAY_LABELS == ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


# --------------------------------------------------------------------------------------------------
# describe
# --------------------------------------------------------------------------------------------------

DESCRIPTIONS = [
    # The usual forms
    (STANDARD, "du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; fermé les jours fériés"),
    ("24/7", "tous les jours, 24 h/24"),
    ("Mo-Fr 08:30-12:00", "du lundi au vendredi de 8 h 30 à 12 h"),
    ("Mo-Fr 9:00-12:00", "du lundi au vendredi de 9 h à 12 h"),
    ("We 14:00-18:00", "le mercredi de 14 h à 18 h"),
    ("Sa-Su 10:00-18:00", "le samedi et le dimanche de 10 h à 18 h"),
    ("Mo,Tu,Th 09:00-12:00", "le lundi, le mardi et le jeudi de 9 h à 12 h"),
    (
        "Mo,We,Fr 09:00-12:00; Tu,Th 14:00-17:00",
        "le lundi, le mercredi et le vendredi de 9 h à 12 h ; le mardi et le jeudi de 14 h à 17 h",
    ),
    ("Mo-We,Fr 09:00-12:00", "du lundi au vendredi (sauf le jeudi) de 9 h à 12 h"),
    ("Mo-Fr 09:00-18:00; We off", "du lundi au vendredi (sauf le mercredi) de 9 h à 18 h"),
    ("Mo-Sa 09:00-19:00; Su 10:00-13:00", "du lundi au samedi de 9 h à 19 h ; le dimanche de 10 h à 13 h"),
    (
        "Mo-Fr 08:30-12:30,13:30-17:00; Fr 08:30-12:30; PH off",
        "du lundi au jeudi de 8 h 30 à 12 h 30 et de 13 h 30 à 17 h ; le vendredi de 8 h 30 à 12 h 30 ; "
        "fermé les jours fériés",
    ),
    (
        "Tu,Th 14:00-17:00; Sa 09:00-12:00; PH off",
        "le mardi et le jeudi de 14 h à 17 h ; le samedi de 9 h à 12 h ; fermé les jours fériés",
    ),
    (
        "Mo-Fr 08:00-12:00,13:30-17:30,18:00-20:00",
        "du lundi au vendredi de 8 h à 12 h, de 13 h 30 à 17 h 30 et de 18 h à 20 h",
    ),
    # Days with the same hours are grouped, whatever the way they were written
    ("Mo-Fr 09:00-12:00; Sa 09:00-12:00", "du lundi au samedi de 9 h à 12 h"),
    ("Fr-Mo 10:00-12:00", "du vendredi au lundi de 10 h à 12 h"),
    ("Mo-Fr 09:00-12:00,12:00-14:00", "du lundi au vendredi de 9 h à 14 h"),
    # Whole days, midnight, past midnight, open end
    ("Mo-Fr", "du lundi au vendredi, 24 h/24"),
    ("Mo-Fr 00:00-24:00", "du lundi au vendredi, 24 h/24"),
    ("Mo-Fr 09:00-24:00", "du lundi au vendredi de 9 h à minuit"),
    ("Mo-Su 20:00-08:00", "tous les jours de 20 h à 8 h le lendemain"),
    ("Fr-Sa 22:00-26:00", "le vendredi et le samedi de 22 h à 2 h le lendemain"),
    ("Mo 18:00+", "le lundi à partir de 18 h"),
    # Closed
    ("off", "fermé"),
    ("closed", "fermé"),
    (
        'Mo-Fr 09:00-12:00; We off "réunion d\'équipe"',
        "du lundi au vendredi (sauf le mercredi) de 9 h à 12 h ; fermé le mercredi (réunion d'équipe)",
    ),
    # Public and school holidays
    (
        "Mo-Fr 09:00-17:00; PH 10:00-12:00",
        "du lundi au vendredi de 9 h à 17 h ; les jours fériés de 10 h à 12 h",
    ),
    ("Mo-Sa 09:00-12:00; Su,PH off", "du lundi au samedi de 9 h à 12 h ; fermé les jours fériés"),
    (
        "Mo-Fr 09:00-12:00; PH,Sa 10:00-11:00",
        "du lundi au vendredi de 9 h à 12 h ; le samedi de 10 h à 11 h ; les jours fériés de 10 h à 11 h",
    ),
    (
        "Mo-Fr 09:00-12:00; SH off",
        "du lundi au vendredi de 9 h à 12 h ; fermé pendant les vacances scolaires",
    ),
    # « PH off » first is overridden on weekdays: it changes nothing, so it is not mentioned
    ("PH off; Mo-Fr 09:00-12:00", "du lundi au vendredi de 9 h à 12 h"),
    # Months and dates
    ("Mo-Fr 09:00-12:00; Jul-Aug off", "du lundi au vendredi de 9 h à 12 h ; fermé en juillet et en août"),
    (
        "Mo-Fr 09:00-12:00; Aug off; PH off",
        "du lundi au vendredi de 9 h à 12 h ; fermé en août ; fermé les jours fériés",
    ),
    (
        "Mo-Fr 09:00-12:00; Dec 24-Jan 02 off",
        "du lundi au vendredi de 9 h à 12 h ; fermé du 24 décembre au 2 janvier",
    ),
    (
        "Mo-Fr 09:00-12:00; Dec 25,Jan 01 off",
        "du lundi au vendredi de 9 h à 12 h ; fermé le 25 décembre et le 1er janvier",
    ),
    ("Mo-Fr 09:00-12:00; Aug 01-15 off", "du lundi au vendredi de 9 h à 12 h ; fermé du 1er au 15 août"),
    (
        "10:00-18:00; Jul-Aug 10:00-22:00",
        "tous les jours de 10 h à 18 h ; en juillet et en août, tous les jours de 10 h à 22 h",
    ),
    (
        "Mo-Sa 09:00-18:00; Jul-Aug Mo-Fr 10:00-12:00",
        "du lundi au samedi de 9 h à 18 h ; en juillet et en août, du lundi au vendredi de 10 h à 12 h",
    ),
    ("Jul-Aug Mo-Fr 09:00-12:00", "en juillet et en août, du lundi au vendredi de 9 h à 12 h"),
    (
        "Mo-Fr 09:00-12:00; Apr-Jun Sa 10:00-12:00",
        "du lundi au vendredi de 9 h à 12 h ; d'avril à juin, le samedi de 10 h à 12 h",
    ),
    ("Jan-Mar,Oct-Dec Mo 10:00-12:00", "de janvier à mars et d'octobre à décembre, le lundi de 10 h à 12 h"),
    # Holidays fall in July and August: « PH off » written before the summer rule does not apply then
    (
        "Mo-Fr 09:00-17:00; PH off; Jul-Aug Mo-Fr 09:00-12:00",
        "du lundi au vendredi de 9 h à 17 h ; en juillet et en août, du lundi au vendredi de 9 h à 12 h ; "
        "fermé les jours fériés, sauf en juillet et en août",
    ),
    # Comments and « unknown »
    ('Mo-Fr 09:00-12:00 "sur rendez-vous"', "du lundi au vendredi de 9 h à 12 h (sur rendez-vous)"),
    ('"sur rendez-vous"', "sur rendez-vous"),
    ('Mo-Fr "sur rendez-vous"', "du lundi au vendredi : sur rendez-vous"),
    ("Mo-Fr 09:00-12:00 unknown", "du lundi au vendredi de 9 h à 12 h (à confirmer)"),
    (
        'Mo 09:00-12:00 "accueil libre", Mo 14:00-17:00 "sur rendez-vous"',
        "le lundi de 9 h à 12 h (accueil libre) et de 14 h à 17 h (sur rendez-vous)",
    ),
    # What the rules mean, not how they are written: a later rule replaces earlier ones for its days…
    ("Mo-Fr 08:00-12:00; Mo-Fr 14:00-18:00", "du lundi au vendredi de 14 h à 18 h"),
    # … a closing rule with times only closes those times…
    ("Mo-Fr 09:00-18:00; Mo-Fr 12:00-14:00 off", "du lundi au vendredi de 9 h à 12 h et de 14 h à 18 h"),
    # … and « , » adds hours instead of replacing them.
    (
        "Mo-Fr 09:00-12:00, We 14:00-18:00",
        "du lundi au vendredi (sauf le mercredi) de 9 h à 12 h ; le mercredi de 9 h à 12 h et de 14 h à 18 h",
    ),
    # A space before the comma starts a new rule, for every day
    (
        "Mo-Fr 09:00-12:00 , 14:00-17:00",
        "du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; le samedi et le dimanche de 14 h à 17 h",
    ),
    # Surrounding spaces and lower-case day names are accepted by the library
    ("  mo-fr 09:00-12:00  ", "du lundi au vendredi de 9 h à 12 h"),
]


@pytest.mark.parametrize(("value", "expected"), DESCRIPTIONS)
def test_describe(value, expected):
    assert hours.describe(value) == expected


def test_describe_empty():
    assert hours.describe("") == ""
    assert hours.describe("   ") == ""


def test_describe_invalid_raises_a_french_value_error():
    with pytest.raises(ValueError, match="Horaires non reconnus près de « 9-12 »"):
        hours.describe("9-12")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the first Monday of the month: outside the structured subset, described week by week
        ("Mo[1] 09:00-12:00", "semaine du 7 juillet 2025 : le lundi de 9 h à 12 h"),
        ("2025 Mo 10:00-12:00", "semaine du 7 juillet 2025 : le lundi de 10 h à 12 h"),
        ("Mo-Fr 10:00-12:00/01:00", "semaine du 7 juillet 2025 : du lundi au vendredi de 10 h à 12 h"),
        ("week 01-10 Mo 10:00-12:00", "semaine du 7 juillet 2025 : fermé"),
        # the evening opening is cut by Tuesday's rule, as the library evaluates it
        (
            "Mo-Su 22:00-02:00; Tu off",
            "semaine du 7 juillet 2025 : le lundi de 22 h à minuit ; le mercredi de minuit à 2 h et de 22 h "
            "à 2 h le lendemain ; du jeudi au dimanche de 22 h à 2 h le lendemain",
        ),
    ],
)
def test_describe_falls_back_to_the_current_week(value, expected):
    assert hours.describe(value, now=at(WEDNESDAY, 10)) == expected


def test_describe_fallback_week_contains_public_holidays():
    # Monday 14 July 2025 is a public holiday: that week, the place is closed on Monday.
    text = hours.describe("Mo-Fr 09:00-12:00; PH off; Mo[1] 14:00-15:00", now=at(date(2025, 7, 16), 10))
    assert text == "semaine du 14 juillet 2025 : du mardi au vendredi de 9 h à 12 h"


def test_describe_sunrise_is_computed_for_clermont_ferrand():
    text = hours.describe("Mo sunrise-sunset", now=at(WEDNESDAY, 10))
    # 7 July 2025 in Clermont-Ferrand: sunrise about 6:05, sunset about 21:39 (summer time)
    assert text.startswith("semaine du 7 juillet 2025 : le lundi de 6 h ")
    assert " à 21 h " in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  ", ""),
        ("Lu-Ve 9h-12h", "Lu-Ve 9h-12h"),
        ("Mo-Fr 09:00-12:00", "du lundi au vendredi de 9 h à 12 h"),
        (12, "12"),  # not text: shown as it is
    ],
)
def test_describe_safe(value, expected):
    assert hours.describe_safe(value) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_describe_safe_and_validate_never_raise(value):
    described = hours.describe_safe(value)
    message = hours.validate(value)
    assert isinstance(described, str)
    assert message is None or message.startswith("Horaires non reconnus")


@st.composite
def osm_strings(draw) -> str:
    """Rule-shaped strings mixing the common and the rarer parts of the syntax."""
    periods = [
        "",
        "",
        "",
        "Jul-Aug ",
        "Aug ",
        "Dec 24-Jan 02 ",
        "Dec 25 ",
        "Jan-Mar,Oct-Dec ",
        "2025 ",
        "week 01-10 ",
    ]
    days = ["Mo", "We", "Sa", "Su", "Mo-Fr", "Sa-Su", "Fr-Mo", "Mo,We", "PH", "SH", "Su,PH", "Mo[1]"]
    spans = [
        "09:00-12:00",
        "14:00-17:00",
        "12:00-14:00",
        "22:00-02:00",
        "08:30-12:30",
        "00:00-24:00",
        "18:00+",
        "10:00-26:00",
        "sunrise-sunset",
        "10:00-12:00/00:30",
    ]
    modifiers = ["", "", " off", " unknown", ' "sur rendez-vous"', ' off "travaux"']
    rules = []
    for _ in range(draw(st.integers(1, 4))):
        selector = draw(st.sampled_from(["", *days]))
        times = ",".join(draw(st.lists(st.sampled_from(spans), max_size=3)))
        body = " ".join(part for part in (selector, times) if part)
        rule = (draw(st.sampled_from(periods)) + body).strip() + draw(st.sampled_from(modifiers))
        rules.append(rule.strip() or "24/7")
    separators = st.sampled_from(["; ", "; ", ", ", " || "])
    return rules[0] + "".join(draw(separators) + rule for rule in rules[1:])


@settings(max_examples=300, deadline=None)
@given(osm_strings())
def test_valid_strings_are_always_described(value):
    assume(hours.validate(value) is None)
    text = hours.describe(value, now=at(WEDNESDAY, 10))
    assert text
    assert not text.startswith("semaine") or text.startswith("semaine du 7 juillet 2025 : ")
    assert hours.describe_safe(value) == hours.describe(value)


# --------------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "24/7",
        STANDARD,
        "Mo-Fr 9:00-12:00",
        "mo-fr 09:00-12:00",
        "Mo-Fr 09:00-12:00 ; Sa 10:00-12:00",
        "off",
        '"sur rendez-vous"',
        "Mo-Fr 09:00-12:00; Dec 24-Jan 02 off",
        "Mo-Su 22:00-02:00",
        " Mo-Fr 09:00-12:00 ",
    ],
)
def test_validate_accepts(value):
    assert hours.validate(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "9-12",
            "Horaires non reconnus près de « 9-12 » : écrivez les heures et les minutes sur deux chiffres, "
            "par exemple 09:00-12:00.",
        ),
        (
            "Mo-Fr 8:30-12",
            "Horaires non reconnus près de « 8:30-12 » : écrivez les heures et les minutes sur deux "
            "chiffres, par exemple 09:00-12:00.",
        ),
        (
            "Mo-Fr 9h-12h",
            "Horaires non reconnus près de « 9h-12h » : écrivez les heures avec deux-points, "
            "par exemple 09:00-12:00 (et non 9h-12h).",
        ),
        (
            "Lu-Ve 09:00-12:00",
            "Horaires non reconnus près de « Lu-Ve » : écrivez les jours avec leurs abréviations anglaises : "
            "Mo (lundi), Tu (mardi), We (mercredi), Th (jeudi), Fr (vendredi), Sa (samedi), Su (dimanche) ; "
            "par exemple Mo-Fr pour « du lundi au vendredi ».",
        ),
        (
            "Mo-Fr 09:00-12:00 14:00-17:00",
            "Horaires non reconnus près de « 14:00-17:00 » : séparez les créneaux d'une même journée par une "
            "virgule, sans espace, par exemple 09:00-12:00,14:00-17:00.",
        ),
        (
            "Mo-Fr 09:00-12:00 Sa 10:00-12:00",
            "Horaires non reconnus près de « Sa » : séparez les règles par un point-virgule, "
            "par exemple Mo-Fr 09:00-12:00; Sa 09:00-12:00.",
        ),
        ("24/24", "Horaires non reconnus près de « 24/24 » : pour une ouverture permanente, écrivez 24/7."),
        (
            "Mo-Fr 09:00-12:00;",
            "Horaires non reconnus à la fin du texte : supprimez le « ; » en trop à la fin.",
        ),
        (
            "Mo - Fr 09:00-12:00",
            "Horaires non reconnus près de « Mo - Fr » : n'ajoutez pas d'espace autour du tiret : "
            "écrivez Mo-Fr ou 09:00-12:00.",
        ),
        (
            "Mo-Fr 25:00-26:00",
            "Horaires non reconnus près de « 25:00-26:00 » : l'heure « 25:00 » n'existe pas : "
            "écrivez une heure entre 00:00 et 24:00.",
        ),
        (
            "Mo-Fr 09:60-12:00",
            "Horaires non reconnus près de « 09:60-12:00 » : l'heure « 09:60 » n'existe pas : "
            "écrivez une heure entre 00:00 et 24:00.",
        ),
        (
            "Mo-Fr 09:00–12:00",
            "Horaires non reconnus près de « 09:00–12:00 » : utilisez le tiret simple (-) du clavier, "
            "par exemple 09:00-12:00.",
        ),
        (
            "Mo-Fr 09:00-12:00 fermé",
            "Horaires non reconnus près de « fermé » : pour indiquer une fermeture, écrivez off, "
            "par exemple « We off » ou « PH off ».",
        ),
        (
            "Mo-Fr 09:00-12:00; jours fériés off",
            "Horaires non reconnus près de « jours » : les jours fériés s'écrivent PH, "
            "par exemple « PH off » pour « fermé les jours fériés ».",
        ),
        (
            "Mo-Fr 09:00-12:00; ph off",
            "Horaires non reconnus près de « ph » : écrivez PH (jours fériés) et SH (vacances scolaires) en "
            "majuscules, par exemple PH off.",
        ),
        (
            "juillet-août off",
            "Horaires non reconnus près de « juillet-août » : écrivez les mois avec leurs abréviations "
            "anglaises : Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec (par exemple Jul-Aug "
            "pour juillet et août).",
        ),
        (
            "Mon-Fri 09:00-17:00",
            "Horaires non reconnus près de « Mon-Fri » : les jours s'écrivent avec deux lettres : "
            "Mo, Tu, We, Th, Fr, Sa, Su (par exemple Mo-Fr).",
        ),
        (
            'Mo-Fr 09:00-12:00 "sur rendez-vous',
            "Horaires non reconnus près de « \"sur rendez-vous » : un commentaire entre guillemets n'est pas "
            'refermé : ajoutez le guillemet (") manquant.',
        ),
        (
            "Mo-Fr 09:00-12:00\nSa 10:00-12:00",
            "Horaires non reconnus : écrivez les horaires sur une seule ligne, en séparant les règles par un "
            "point-virgule, par exemple Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off.",
        ),
        (
            "Mo-Fr 9:00-12:00 et 14:00-17:00",
            "Horaires non reconnus près de « et » : séparez les créneaux d'une même journée par une virgule, "
            "par exemple 09:00-12:00,14:00-17:00.",
        ),
        (
            "Mo-Fr: 09:00-12:00",
            "Horaires non reconnus près de « Mo-Fr: » : n'ajoutez pas de deux-points après les jours : "
            "écrivez par exemple Mo-Fr 09:00-12:00.",
        ),
        (
            "Mo-Fr 09:00-",
            "Horaires non reconnus à la fin du texte : le texte s'arrête trop tôt : vérifiez qu'il ne manque "
            "rien (par exemple l'heure de fin d'un créneau).",
        ),
        (
            "n'importe quoi",
            "Horaires non reconnus près de « n'importe » : vérifiez l'écriture. Exemple valide : "
            "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off.",
        ),
    ],
)
def test_validate_explains_in_french(value, expected):
    assert hours.validate(value) == expected


def test_validate_quotes_the_part_after_non_ascii_text():
    """The parser's column counts characters, not bytes."""
    message = hours.validate('Mo-Fr 09:00-12:00 "accueil à l\'étage"; Sa 9h-12h')
    assert message is not None
    assert "« 9h-12h »" in message


def test_validate_shortens_long_quotes():
    message = hours.validate("Mo-Fr " + "x" * 80)
    assert message is not None
    assert "« " + "x" * 29 + "… »" in message


def _spans(count: int) -> str:
    return ",".join(f"{i // 4:02d}:{i % 4 * 15:02d}-{i // 4:02d}:{i % 4 * 15 + 10:02d}" for i in range(count))


def test_limits_are_inclusive():
    comment = '"' + "x" * (hours.MAX_LENGTH - 2) + '"'
    assert len(comment) == hours.MAX_LENGTH
    assert hours.validate(comment) is None
    assert hours.validate("Mo " + comment).startswith("Horaires trop longs : 1000 caractères au plus")
    fifty = "; ".join(["Mo off"] * 50)
    assert hours.validate(fifty) is None
    assert "50 règles au plus (vous en avez écrit 51)" in hours.validate(fifty + "; Tu off")
    assert hours.validate(f"Mo {_spans(50)}") is None
    assert "50 créneaux horaires au plus (vous en avez écrit 51)" in hours.validate(f"Mo {_spans(51)}")


def test_two_seasons_of_seven_different_days_with_three_slots_fit_the_limits():
    week = "; ".join(f"{day} 08:00-10:00,10:30-12:00,14:00-17:30" for day in DAYS)
    value = f"Apr-Sep {week.replace('; ', '; Apr-Sep ')}; Oct-Mar {week.replace('; ', '; Oct-Mar ')}; PH off"
    assert hours.validate(value) is None
    assert hours.describe(value)


def test_separators_and_times_inside_comments_do_not_count():
    comment = '"' + "; 09:00-10:00" * 60 + '"'
    assert hours.complexity_problem(f"Mo-Fr 09:00-12:00 {comment}") is None
    assert hours.validate(f"Mo-Fr 09:00-12:00 {comment}") is None


# --------------------------------------------------------------------------------------------------
# Weekly grid
# --------------------------------------------------------------------------------------------------


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


@settings(max_examples=300, deadline=None)
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


# --------------------------------------------------------------------------------------------------
# status
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "is_open", "label"),
    [
        (at(WEDNESDAY, 10), True, "Ouvert maintenant — ferme à 12 h"),
        (at(WEDNESDAY, 9), True, "Ouvert maintenant — ferme à 12 h"),
        (at(WEDNESDAY, 8, 59), False, "Fermé — ouvre aujourd'hui à 9 h"),
        (at(WEDNESDAY, 12), False, "Fermé — ouvre aujourd'hui à 14 h"),
        (at(WEDNESDAY, 16, 30), True, "Ouvert maintenant — ferme à 17 h"),
        (at(WEDNESDAY, 18), False, "Fermé — ouvre demain à 9 h"),
        (
            at(date(2025, 7, 11), 18),
            False,
            "Fermé — ouvre mardi à 9 h",
        ),  # Friday; Monday 14 July is a holiday…
        (at(date(2025, 7, 4), 18), False, "Fermé — ouvre lundi à 9 h"),  # … a normal Friday
        (at(date(2025, 7, 12), 10), False, "Fermé — ouvre mardi à 9 h"),  # Saturday before 14 July
        (at(date(2025, 7, 14), 10), False, "Fermé (jour férié) — ouvre demain à 9 h"),  # 14 July
        (at(date(2025, 5, 1), 10), False, "Fermé (jour férié) — ouvre demain à 9 h"),  # 1 May, a Thursday
        (
            at(date(2025, 12, 25), 10),
            False,
            "Fermé (jour férié) — ouvre demain à 9 h",
        ),  # Christmas, a Thursday
        (at(date(2025, 12, 24), 18), False, "Fermé — ouvre vendredi à 9 h"),
    ],
)
def test_status(now, is_open, label):
    assert hours.status(STANDARD, now=now) == OpenStatus(is_open, label, None)


def test_public_holidays_only_close_when_written():
    assert hours.status("Mo-Fr 09:00-12:00", now=at(date(2025, 7, 14), 10)).is_open is True


def test_status_without_hours():
    assert hours.status("", now=at(WEDNESDAY, 10)) == OpenStatus(None, "Horaires non renseignés")
    assert hours.status(None, now=at(WEDNESDAY, 10)) == OpenStatus(None, "Horaires non renseignés")  # type: ignore[arg-type]
    assert hours.status("Lu-Ve 9h-12h", now=at(WEDNESDAY, 10)) == OpenStatus(None, "Horaires non renseignés")


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        ("24/7", at(WEDNESDAY, 3), OpenStatus(True, "Ouvert maintenant — 24 h/24")),
        ("Mo-Su 20:00-08:00", at(WEDNESDAY, 23), OpenStatus(True, "Ouvert maintenant — ferme demain à 8 h")),
        ("Mo-Su 20:00-08:00", at(WEDNESDAY, 7), OpenStatus(True, "Ouvert maintenant — ferme à 8 h")),
        ("Mo-Su 20:00-08:00", at(WEDNESDAY, 12), OpenStatus(False, "Fermé — ouvre aujourd'hui à 20 h")),
        ("Mo-Fr 09:00-24:00", at(WEDNESDAY, 23), OpenStatus(True, "Ouvert maintenant — ferme à minuit")),
        ("Fr 20:00-02:00", at(date(2025, 7, 12), 1), OpenStatus(True, "Ouvert maintenant — ferme à 2 h")),
        ("Mo 08:30-12:00", at(WEDNESDAY, 10), OpenStatus(False, "Fermé — ouvre lundi à 8 h 30")),
        (
            "Dec 25 10:00-12:00",
            at(WEDNESDAY, 10),
            OpenStatus(False, "Fermé — ouvre le jeudi 25 décembre à 10 h"),
        ),
        ("off", at(WEDNESDAY, 10), OpenStatus(False, "Fermé")),
        # comments
        (
            'Mo-Fr 09:00-12:00 "sur rendez-vous"',
            at(WEDNESDAY, 10),
            OpenStatus(True, "Ouvert maintenant (sur rendez-vous) — ferme à 12 h"),
        ),
        ('"sur rendez-vous"', at(WEDNESDAY, 10), OpenStatus(None, "Sur rendez-vous")),
        (
            'Mo-Fr "sur rendez-vous"',
            at(date(2025, 7, 12), 10),
            OpenStatus(False, "Fermé — lundi : sur rendez-vous"),
        ),
        ('We 09:00-12:00 unknown "sur rendez-vous"', at(WEDNESDAY, 10), OpenStatus(None, "Sur rendez-vous")),
        ("We 09:00-12:00 unknown", at(WEDNESDAY, 10), OpenStatus(None, "Horaires à confirmer")),
    ],
)
def test_status_special_cases(value, now, expected):
    assert hours.status(value, now=now) == expected


CHRISTMAS = [{"debut": "2025-12-22", "fin": "2026-01-02", "message": "Congés de fin d'année"}]
UNTIL_2_JANUARY = "Fermeture exceptionnelle jusqu'au 2 janvier"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(date(2025, 12, 22), 10), OpenStatus(False, UNTIL_2_JANUARY, "Congés de fin d'année")),
        (at(date(2026, 1, 2), 23, 59), OpenStatus(False, UNTIL_2_JANUARY, "Congés de fin d'année")),
        # before: open now; once closed, opens again after the closure (Monday 5 January)
        (at(date(2025, 12, 19), 16), OpenStatus(True, "Ouvert maintenant — ferme à 17 h")),
        (at(date(2025, 12, 19), 18), OpenStatus(False, "Fermé — ouvre le lundi 5 janvier à 9 h")),
        (at(date(2026, 1, 3), 10), OpenStatus(False, "Fermé — ouvre lundi à 9 h")),
        (at(date(2026, 1, 5), 10), OpenStatus(True, "Ouvert maintenant — ferme à 12 h")),
    ],
)
def test_status_with_a_closure(now, expected):
    assert hours.status(STANDARD, CHRISTMAS, now) == expected


def test_closure_takes_priority_even_without_hours():
    closures = [{"debut": "2025-07-01", "fin": "2025-07-31", "message": ""}]
    assert hours.status("", closures, at(WEDNESDAY, 10)) == OpenStatus(
        False, "Fermeture exceptionnelle jusqu'au 31 juillet", None
    )
    assert hours.status("24/7", closures, at(WEDNESDAY, 10)).is_open is False


def test_back_to_back_closures_are_followed():
    closures = [
        {"debut": "2025-07-07", "fin": "2025-07-13", "message": "Travaux"},
        {"debut": "2025-07-14", "fin": "2025-07-20", "message": "Inventaire"},
        {"debut": "2025-08-01", "fin": "2025-08-31", "message": "Congés"},
    ]
    status = hours.status(STANDARD, closures, at(WEDNESDAY, 10))
    assert status == OpenStatus(False, "Fermeture exceptionnelle jusqu'au 20 juillet", "Travaux")


def test_closure_starting_tomorrow_ends_an_overnight_opening_at_midnight():
    closures = [{"debut": "2025-07-10", "fin": "2025-07-10", "message": "Désinfection"}]
    status = hours.status("Mo-Su 20:00-08:00", closures, at(WEDNESDAY, 23))
    assert status == OpenStatus(True, "Ouvert maintenant — ferme à minuit")


def test_closures_accept_dates_and_ignore_malformed_entries():
    closures = [
        {"debut": date(2025, 7, 9), "fin": date(2025, 7, 9), "message": "Grève"},
        {"debut": "pas une date", "fin": "2025-07-31"},
        {"debut": "2025-07-31", "fin": "2025-07-01"},
        {"fin": "2025-07-31"},
        "n'importe quoi",
    ]
    assert hours.status(STANDARD, closures, at(WEDNESDAY, 10)) == OpenStatus(  # type: ignore[arg-type]
        False, "Fermeture exceptionnelle jusqu'au 9 juillet", "Grève"
    )
    assert hours.status(STANDARD, closures[1:], at(WEDNESDAY, 10)).is_open is True  # type: ignore[arg-type]


def test_closure_far_ahead_shows_the_year():
    closures = [{"debut": "2025-07-01", "fin": "2026-06-30", "message": "Travaux"}]
    assert hours.status(STANDARD, closures, at(WEDNESDAY, 10)).label == (
        "Fermeture exceptionnelle jusqu'au 30 juin 2026"
    )


def test_open_status_is_frozen():
    status = hours.status(STANDARD, now=at(WEDNESDAY, 10))
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.is_open = False  # type: ignore[misc]


# Time zones: the times are always Paris time


@pytest.mark.parametrize(
    "now",
    [
        datetime(2025, 7, 9, 8, 0, tzinfo=UTC),  # 10:00 in Paris (summer time)
        datetime(2025, 7, 9, 8, 0, tzinfo=timezone.utc),  # noqa: UP017 — a non-ZoneInfo tzinfo
        datetime(2025, 7, 9, 4, 0, tzinfo=ZoneInfo("America/New_York")),
        datetime(2025, 7, 9, 20, 0, tzinfo=ZoneInfo("Pacific/Auckland")),
        datetime(2025, 7, 9, 10, 0, tzinfo=PARIS),
        datetime(2025, 7, 9, 10, 0),  # naive: Paris
    ],
)
def test_status_converts_aware_datetimes_to_paris(now):
    assert hours.status(STANDARD, now=now) == OpenStatus(True, "Ouvert maintenant — ferme à 12 h")


def test_winter_time_conversion():
    # 1 December 2025, 07:30 UTC is 08:30 in Paris (UTC+1)
    now = datetime(2025, 12, 1, 7, 30, tzinfo=UTC)
    assert hours.status("Mo-Fr 08:00-12:00", now=now).label == "Ouvert maintenant — ferme à 12 h"


@pytest.fixture
def server_in_new_york(monkeypatch):
    """The server's local zone is not Paris."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_default_now_is_paris_time_whatever_the_server_zone(server_in_new_york, monkeypatch):
    instant = datetime(2025, 7, 9, 7, 30, tzinfo=UTC)  # 09:30 in Paris, 03:30 in New York

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(hours, "datetime", FrozenDatetime)
    assert datetime.now().hour != datetime.now(PARIS).hour  # the server really is elsewhere
    assert hours.status(STANDARD) == OpenStatus(True, "Ouvert maintenant — ferme à 12 h")
    assert hours.today_hours(STANDARD) == "Aujourd'hui : 9 h – 12 h, 14 h – 17 h"


def test_naive_datetimes_are_paris_time_whatever_the_server_zone(server_in_new_york):
    assert hours.status(STANDARD, now=at(WEDNESDAY, 10)).label == "Ouvert maintenant — ferme à 12 h"


# Daylight saving time: Sunday 30 March 2025, 02:00 → 03:00 in Paris; Sunday 26 October 2025, 03:00 → 02:00


@pytest.mark.parametrize(
    ("value", "now", "label"),
    [
        # 06:30 UTC is 07:30 in Paris on Saturday (UTC+1) but 08:30 on Sunday (UTC+2)
        ("Mo-Su 08:00-18:00", datetime(2025, 3, 29, 6, 30, tzinfo=UTC), "Fermé — ouvre aujourd'hui à 8 h"),
        ("Mo-Su 08:00-18:00", datetime(2025, 3, 30, 6, 30, tzinfo=UTC), "Ouvert maintenant — ferme à 18 h"),
        ("Mo-Su 08:00-18:00", datetime(2025, 3, 29, 19, 0, tzinfo=UTC), "Fermé — ouvre demain à 8 h"),
        # a night opening across the change of time
        ("Mo-Su 01:00-04:00", datetime(2025, 3, 30, 0, 30, tzinfo=UTC), "Ouvert maintenant — ferme à 4 h"),
        ("Mo-Su 01:00-04:00", datetime(2025, 3, 30, 1, 30, tzinfo=UTC), "Ouvert maintenant — ferme à 4 h"),
        ("Mo-Su 01:00-04:00", datetime(2025, 3, 30, 2, 30, tzinfo=UTC), "Fermé — ouvre demain à 1 h"),
        (
            "Mo-Su 20:00-08:00",
            datetime(2025, 3, 29, 22, 0, tzinfo=UTC),
            "Ouvert maintenant — ferme demain à 8 h",
        ),
        # autumn: 06:30 UTC is 08:30 on Saturday 25 October (UTC+2), 07:30 on Sunday 26 (UTC+1)
        ("Mo-Su 08:00-18:00", datetime(2025, 10, 25, 6, 30, tzinfo=UTC), "Ouvert maintenant — ferme à 18 h"),
        ("Mo-Su 08:00-18:00", datetime(2025, 10, 26, 6, 30, tzinfo=UTC), "Fermé — ouvre aujourd'hui à 8 h"),
    ],
)
def test_status_across_daylight_saving_changes(value, now, label):
    assert hours.status(value, now=now).label == label


def test_status_never_raises_on_arbitrary_text():
    for value in [
        "",
        "  ",
        "Lu 9h",
        '"',
        'Mo-Fr 09:00-12:00 || "rdv"',
        "Mo[1] 09:00-12:00",
        "sunrise-sunset",
    ]:
        status = hours.status(value, [{"debut": "x"}], at(WEDNESDAY, 10))
        assert isinstance(status.label, str) and status.label


# --------------------------------------------------------------------------------------------------
# today_hours
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        (STANDARD, at(WEDNESDAY, 20), "Aujourd'hui : 9 h – 12 h, 14 h – 17 h"),
        (STANDARD, at(date(2025, 7, 12), 10), "Aujourd'hui : fermé"),  # Saturday
        (STANDARD, at(date(2025, 7, 14), 10), "Aujourd'hui : fermé"),  # 14 July
        ("Mo-Fr 08:30-12:00", at(WEDNESDAY, 10), "Aujourd'hui : 8 h 30 – 12 h"),
        ("24/7", at(WEDNESDAY, 10), "Aujourd'hui : 24 h/24"),
        ("Mo-Fr", at(WEDNESDAY, 10), "Aujourd'hui : 24 h/24"),
        ("Mo-Fr 09:00-24:00", at(WEDNESDAY, 10), "Aujourd'hui : 9 h – minuit"),
        # a night opening belongs to the day it starts
        ("Mo-Su 20:00-08:00", at(WEDNESDAY, 10), "Aujourd'hui : 20 h – 8 h"),
        ('We 09:00-12:00 "sur rendez-vous"', at(WEDNESDAY, 10), "Aujourd'hui : 9 h – 12 h (sur rendez-vous)"),
        ("We 09:00-12:00 unknown", at(WEDNESDAY, 10), "Aujourd'hui : 9 h – 12 h (à confirmer)"),
        ('"sur rendez-vous"', at(WEDNESDAY, 10), "Aujourd'hui : sur rendez-vous"),
        # 22:30 UTC on Tuesday is already Wednesday 00:30 in Paris
        (STANDARD, datetime(2025, 7, 8, 22, 30, tzinfo=UTC), "Aujourd'hui : 9 h – 12 h, 14 h – 17 h"),
        ("Tu 10:00-11:00", datetime(2025, 7, 8, 22, 30, tzinfo=UTC), "Aujourd'hui : fermé"),
        ("", at(WEDNESDAY, 10), ""),
        ("Lu-Ve 9h-12h", at(WEDNESDAY, 10), ""),
    ],
)
def test_today_hours(value, now, expected):
    assert hours.today_hours(value, now) == expected


def test_today_hours_during_a_closure():
    closures = [{"debut": "2025-07-09", "fin": "2025-07-09", "message": "Grève"}]
    assert (
        hours.today_hours(STANDARD, at(WEDNESDAY, 10), closures) == "Aujourd'hui : fermeture exceptionnelle"
    )
