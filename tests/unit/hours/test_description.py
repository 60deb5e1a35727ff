"""Opening hours in plain French: describe() and describe_safe()."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from guide import hours
from guide.hours import DAYS

from .common import STANDARD, WEDNESDAY, at


def test_days_and_labels():
    assert DAYS == ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    assert hours.DAY_LABELS == ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    assert hours.MONTH_LABELS == (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    )  # fmt: skip


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
        ("2025 Mo 10:00-12:00", "semaine du 7 juillet 2025 : le lundi de 10 h à 12 h"),
        ("Mo-Fr 10:00-12:00/01:00", "semaine du 7 juillet 2025 : du lundi au vendredi de 10 h à 12 h"),
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
    value = "Mo-Fr 09:00-12:00; Sa 10:00-12:00/01:00; PH off"  # a repetition: outside the subset
    text = hours.describe(value, now=at(date(2025, 7, 16), 10))
    assert (
        text == "semaine du 14 juillet 2025 : du mardi au vendredi de 9 h à 12 h ; le samedi de 10 h à 12 h"
    )


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


@settings(max_examples=100, deadline=None)
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


@settings(max_examples=100, deadline=None)
@given(osm_strings())
def test_valid_strings_are_always_described(value):
    assume(hours.validate(value) is None)
    text = hours.describe(value, now=at(WEDNESDAY, 10))
    assert text
    assert not text.startswith("semaine") or text.startswith("semaine du 7 juillet 2025 : ")
    assert hours.describe_safe(value) == hours.describe(value)
