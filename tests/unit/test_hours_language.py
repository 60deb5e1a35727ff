"""Opening hours in the reader's language (guide.hours.language): French by default, another language when a
request sets it; the French wording never changes."""

from __future__ import annotations

import datetime as dt

import pytest

from guide import hours
from guide.hours import language

MONDAY_10 = dt.datetime(2026, 11, 30, 10, 0)  # a Monday, not a holiday
HOURS = "Mo-Fr 09:00-12:00,14:00-17:30; PH off"


@pytest.fixture
def english():
    token = language.use("en", lambda message: message.interpolate().replace("Ouvert maintenant", "Open now"))
    yield
    language.reset(token)


def test_french_by_default():
    assert language.reader() is None and language.current_locale() == "fr"
    assert hours.status(HOURS, now=MONDAY_10).label == "Ouvert maintenant — ferme à 12 h"
    assert hours.today_hours(HOURS, MONDAY_10) == "Aujourd'hui : 9 h – 12 h, 14 h – 17 h 30"
    assert language.week(HOURS) is None


def test_another_language_gets_its_words_and_24_hour_times(english):
    assert language.current_locale() == "en"
    assert hours.status(HOURS, now=MONDAY_10).label == "Open now — ferme à 12:00"  # the catalogue's words
    assert hours.today_hours(HOURS, MONDAY_10).endswith("09:00 – 12:00, 14:00 – 17:30")
    closed = hours.status(HOURS, now=dt.datetime(2026, 12, 5, 10, 0)).label  # a Saturday
    assert "Monday" in closed and "09:00" in closed
    week = language.week(HOURS, dt.date(2026, 12, 20))
    # Friday the 25th and the 1st are holidays: the weekday is still listed (its ordinary hours are the same)
    assert week.split("; ")[0] == "Monday : 09:00–12:00, 14:00–17:30"
    assert [line.split(" : ")[0] for line in week.split("; ")] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    ]


def test_plural_forms_follow_the_reader():
    assert language.ngettext("${count} fiche", "${count} fiches", 0) == "0 fiche"
    assert language.ngettext("${count} fiche", "${count} fiches", 3) == "3 fiches"
    token = language.use("en", lambda m: m.interpolate(), lambda s, p, n, mapping: f"{n} listing(s)")
    try:
        assert language.ngettext("${count} fiche", "${count} fiches", 3) == "3 listing(s)"
    finally:
        language.reset(token)
