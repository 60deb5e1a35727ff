"""Open or closed now and today's hours, for residents (closures, holidays, summer time)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from guide import hours
from guide.hours import OpenStatus

from .common import STANDARD, WEDNESDAY, at


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
