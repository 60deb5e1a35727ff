"""Monthly, fortnightly and dated rules, « sur rendez-vous » and « || » fallbacks read as French sentences.

Real strings from OpenStreetMap and from partners: before, they fell back on « semaine du … : fermé ».
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from guide import hours

from .common import at

MONDAY = date(2026, 11, 30)  # Wednesday 2 and 16 December 2026 are the 1st and 3rd of their month


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "We[1,3] 14:00-17:00",
            "le 1er et le 3e mercredi du mois de 14 h à 17 h ; prochaines permanences : "
            "mercredi 2 décembre et mercredi 16 décembre, 14 h – 17 h",
        ),
        (
            "Mo[2] 09:00-12:00",
            "le 2e lundi du mois de 9 h à 12 h ; prochaines permanences : "
            "lundi 14 décembre et lundi 11 janvier, 9 h – 12 h",
        ),
        (
            "Fr[-1] 14:00-16:00",
            "le dernier vendredi du mois de 14 h à 16 h ; prochaines permanences : "
            "vendredi 25 décembre et vendredi 29 janvier, 14 h – 16 h",
        ),
        (
            "Mo-Fr 09:00-12:00; We[1,3] 14:00-17:00",
            "du lundi au vendredi de 9 h à 12 h ; le 1er et le 3e mercredi du mois de 14 h à 17 h ; "
            "prochaines permanences : mercredi 2 décembre et mercredi 16 décembre, 14 h – 17 h",
        ),
        (
            "Mo-Fr 09:00-17:00; Mo[1] off",
            "du lundi au vendredi de 9 h à 17 h ; fermé le 1er lundi du mois ; "
            "prochaines fermetures : lundi 7 décembre et lundi 4 janvier",
        ),
        (
            "week 1-53/2 Mo 09:00-12:00; week 2-53/2 Tu 09:00-12:00",
            "le lundi des semaines impaires de 9 h à 12 h ; le mardi des semaines paires de 9 h à 12 h ; "
            "prochaines permanences : lundi 30 novembre et mardi 8 décembre, 9 h – 12 h",
        ),
        (
            "week 01-10 Mo 10:00-12:00",
            "le lundi des semaines 1 à 10 de 10 h à 12 h ; "
            "prochaines permanences : lundi 4 janvier et lundi 11 janvier, 10 h – 12 h",
        ),
        ("Mo-Fr 09:00-17:00; Dec 24 off", "du lundi au vendredi de 9 h à 17 h ; fermé le 24 décembre"),
        ("Jul-Aug Mo-Fr 10:00-16:00", "en juillet et en août, du lundi au vendredi de 10 h à 16 h"),
        (
            "Mo-Fr 09:00-17:00; 2026 Dec 21-2027 Jan 03 off",
            "du lundi au vendredi de 9 h à 17 h ; fermé du 21 décembre 2026 au 3 janvier 2027",
        ),
        (
            "Mo-Fr 09:00-17:00; 2026 Dec 24-2026 Dec 26 off",
            "du lundi au vendredi de 9 h à 17 h ; fermé du 24 au 26 décembre 2026",
        ),
        # a fallback fills the days the earlier rules leave closed, public holidays included
        (
            'Mo-Fr 09:00-12:00; PH off || "sur rendez-vous"',
            "du lundi au vendredi de 9 h à 12 h ; le samedi et le dimanche : sur rendez-vous ; "
            "les jours fériés : sur rendez-vous",
        ),
        (
            'Mo-Fr 09:00-12:00; We off || "sur rendez-vous"',
            "du lundi au vendredi (sauf le mercredi) de 9 h à 12 h ; "
            "le mercredi, le samedi et le dimanche : sur rendez-vous",
        ),
        ('"sur rendez-vous"', "sur rendez-vous"),
        ('off "sur rendez-vous"', "uniquement sur rendez-vous"),
        (
            'Mo-Fr 9:00-17:30 || "sur rendez-vous"',
            "du lundi au vendredi de 9 h à 17 h 30 ; le samedi et le dimanche : sur rendez-vous",
        ),
    ],
)
def test_irregular_rules_read_as_sentences(value: str, expected: str) -> None:
    assert hours.describe(value, now=at(MONDAY, 10)) == expected
    assert hours.is_described(value)


def test_next_dates_follow_today() -> None:
    text = hours.describe("We[1,3] 14:00-17:00", now=at(date(2026, 12, 3), 10))
    assert text.endswith("prochaines permanences : mercredi 16 décembre et mercredi 6 janvier, 14 h – 17 h")


def test_next_dates_skip_public_holidays_closed() -> None:
    # Friday 25 December 2026 is the last Friday of the month, and Christmas.
    text = hours.describe("Fr[-1] 14:00-16:00; PH off", now=at(MONDAY, 10))
    assert "vendredi 25 décembre" not in text
    assert "prochaines permanences : vendredi 29 janvier et vendredi 26 février" in text


def test_strings_outside_the_subset_still_fall_back_on_the_week() -> None:
    value = "Mo-Fr sunrise-sunset"
    assert not hours.is_described(value)
    assert hours.describe(value, now=at(MONDAY, 10)).startswith("semaine du 30 novembre 2026")


FALLBACK = 'Mo-Fr 9:00-17:30 || "sur rendez-vous"'


@pytest.mark.parametrize(
    ("now", "status", "today"),
    [
        (at(MONDAY, 10), "Ouvert maintenant — ferme à 17 h 30", "Aujourd'hui : 9 h – 17 h 30"),
        (at(MONDAY, 8), "Fermé — ouvre aujourd'hui à 9 h", "Aujourd'hui : 9 h – 17 h 30"),
        (at(MONDAY, 18), "Fermé — ouvre demain à 9 h", "Aujourd'hui : 9 h – 17 h 30"),
        (at(date(2026, 11, 29), 12), "Sur rendez-vous", "Aujourd'hui : sur rendez-vous"),
        (at(date(2026, 11, 28), 12), "Sur rendez-vous", "Aujourd'hui : sur rendez-vous"),
    ],
)
def test_fallback_rules_agree_with_the_library_state(now: datetime, status: str, today: str) -> None:
    """The library's iterator said « sur rendez-vous » all Monday when asked from Sunday."""
    assert hours.status(FALLBACK, now=now).label == status
    assert hours.today_hours(FALLBACK, now=now) == today


def test_fallback_from_the_previous_day_keeps_monday_open() -> None:
    from guide.hours import library

    oh = library.compile_hours(FALLBACK)
    sunday = library.local(at(date(2026, 11, 29), 0))
    monday_noon = library.local(at(MONDAY, 12))
    found = [
        (start, end, state)
        for start, end, state, _comment in library.intervals(oh, sunday, library.local(at(MONDAY, 23)))
        if start <= monday_noon < end
    ]
    assert [state for _start, _end, state in found] == [oh.state(monday_noon)[0]]
    assert found[0][0] == library.local(at(MONDAY, 9))


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", None),
        ("We[1,3] 14:00-17:00", None),
        ('Mo-Fr 9:00-17:30 || "sur rendez-vous"', None),
        ("Mo-Fr sunrise-sunset", "Horaires trop particuliers : seule la semaine en cours serait imprimée"),
        ("lundi 9h-12h", "Les horaires ne sont pas compris : la chaîne brute serait imprimée"),
    ],
)
def test_print_problem_names_hours_that_would_print_as_a_fallback(value: str, problem: str | None) -> None:
    found = hours.print_problem(value)
    assert (found or "")[: len(problem or "")] == (problem or "")
    assert (found is None) == (problem is None)


@pytest.mark.parametrize(
    ("value", "description", "label", "today"),
    [
        (
            'off "sur rendez-vous"',
            "uniquement sur rendez-vous",
            "Sur rendez-vous",
            "Aujourd'hui : sur rendez-vous",
        ),
        (
            'closed "uniquement sur RDV"',
            "uniquement sur RDV",
            "Uniquement sur RDV",
            "Aujourd'hui : uniquement sur RDV",
        ),
    ],
)
def test_closed_by_appointment_only_is_not_just_closed(
    value: str, description: str, label: str, today: str
) -> None:
    now = at(MONDAY, 10)
    assert hours.describe(value, now=now) == description
    assert hours.status(value, now=now) == hours.OpenStatus(None, label)
    assert hours.today_hours(value, now=now) == today


def test_a_closed_weekday_by_appointment_in_a_week() -> None:
    value = 'Mo-Fr 09:00-12:00; Sa off "sur rendez-vous"'
    saturday = at(date(2026, 12, 5), 10)
    assert hours.status(value, now=saturday).label == "Sur rendez-vous"
    assert hours.today_hours(value, now=saturday) == "Aujourd'hui : sur rendez-vous"
    assert hours.status(value, now=at(date(2026, 12, 6), 10)).label == "Fermé — ouvre demain à 9 h"
