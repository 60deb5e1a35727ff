"""The agenda's series, without a database: RRULE expansion in Europe/Paris wall time (daylight saving),
cancelled dates, past occurrences left out, bounds, the plain-French description, the form's round trip."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from guide.models import Event
from guide.services import agenda
from guide.services.agenda import Frequency, Recurrence

PARIS = ZoneInfo("Europe/Paris")


def _event(start: dt.datetime, end: dt.datetime, recurrence: Recurrence | None = None, cancelled=()) -> Event:
    event = Event(titre="Atelier", starts_at=start, ends_at=end, cancelled=list(cancelled))
    if recurrence is not None:
        event.rrule = agenda.build_rrule(recurrence, start.replace(tzinfo=None))
    event.last_ends_at = agenda.last_end(event)
    return event


def test_a_weekly_series_stays_at_14_h_across_the_end_of_summer_time():
    # 2026-10-25: clocks go back in Europe/Paris (UTC+2 → UTC+1)
    event = _event(
        dt.datetime(2026, 10, 13, 14, tzinfo=PARIS),
        dt.datetime(2026, 10, 13, 16, tzinfo=PARIS),
        Recurrence(Frequency.WEEKLY, until=dt.date(2026, 11, 10)),
    )
    found = agenda.occurrences(event)
    assert [agenda.local(o.start).strftime("%d/%m %H:%M") for o in found] == [
        "13/10 14:00", "20/10 14:00", "27/10 14:00", "03/11 14:00", "10/11 14:00",
    ]  # fmt: skip
    assert [o.start.hour for o in found] == [12, 12, 13, 13, 13]  # UTC moves, wall time does not
    assert all(agenda.local(o.end).hour == 16 for o in found)
    assert event.last_ends_at == dt.datetime(2026, 11, 10, 15, tzinfo=dt.UTC)


def test_spring_forward_too():
    # 2027-03-28: clocks go forward (UTC+1 → UTC+2)
    event = _event(
        dt.datetime(2027, 3, 21, 10, tzinfo=PARIS),
        dt.datetime(2027, 3, 21, 12, tzinfo=PARIS),
        Recurrence(Frequency.WEEKLY, count=3),
    )
    assert [o.start.hour for o in agenda.occurrences(event)] == [9, 8, 8]
    assert {agenda.local(o.start).hour for o in agenda.occurrences(event)} == {10}


def test_cancelled_dates_are_left_out_unless_asked_for():
    event = _event(
        dt.datetime(2026, 12, 1, 14, tzinfo=PARIS),
        dt.datetime(2026, 12, 1, 16, tzinfo=PARIS),
        Recurrence(Frequency.WEEKLY, count=4),
        cancelled=["2026-12-08"],
    )
    assert [o.local_date.day for o in agenda.occurrences(event)] == [1, 15, 22]
    every = agenda.occurrences(event, include_cancelled=True)
    assert [(o.local_date.day, o.cancelled) for o in every] == [
        (1, False),
        (8, True),
        (15, False),
        (22, False),
    ]


def test_past_occurrences_are_gone_and_an_occurrence_under_way_stays():
    event = _event(
        dt.datetime(2026, 12, 1, 14, tzinfo=PARIS),
        dt.datetime(2026, 12, 1, 16, tzinfo=PARIS),
        Recurrence(Frequency.WEEKLY, count=4),
    )
    now = dt.datetime(2026, 12, 8, 15, tzinfo=PARIS)  # during the second one
    assert [o.local_date.day for o in agenda.next_occurrences(event, now=now)] == [8, 15, 22]
    assert agenda.next_occurrences(event, now=dt.datetime(2026, 12, 22, 16, 1, tzinfo=PARIS)) == []
    assert agenda.is_past(event, now=dt.datetime(2026, 12, 23, tzinfo=PARIS))


def test_every_other_week_and_monthly_on_a_weekday():
    start = dt.datetime(2027, 1, 12, 9, 30, tzinfo=PARIS)  # the 2nd Tuesday of January
    end = dt.datetime(2027, 1, 12, 11, tzinfo=PARIS)
    biweekly = _event(start, end, Recurrence(Frequency.BIWEEKLY, count=3))
    assert [o.local_date.isoformat() for o in agenda.occurrences(biweekly)] == [
        "2027-01-12", "2027-01-26", "2027-02-09",
    ]  # fmt: skip
    monthly = _event(start, end, Recurrence(Frequency.MONTHLY, until=dt.date(2027, 4, 30)))
    assert [o.local_date.isoformat() for o in agenda.occurrences(monthly)] == [
        "2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13",
    ]  # fmt: skip
    assert agenda.describe(monthly) == (
        "le 2e mardi du mois de 9 h 30 à 11 h, à partir du 12 janvier 2027, jusqu'au 30 avril 2027"
    )
    last = _event(
        dt.datetime(2027, 1, 29, 18, tzinfo=PARIS),  # the 5th Friday: « le dernier vendredi »
        dt.datetime(2027, 1, 29, 20, tzinfo=PARIS),
        Recurrence(Frequency.MONTHLY, count=3),
    )
    assert [o.local_date.isoformat() for o in agenda.occurrences(last)] == [
        "2027-01-29",
        "2027-02-26",
        "2027-03-26",
    ]


def test_plain_words():
    weekly = _event(
        dt.datetime(2027, 1, 5, 14, tzinfo=PARIS),
        dt.datetime(2027, 1, 5, 16, tzinfo=PARIS),
        Recurrence(Frequency.WEEKLY, until=dt.date(2027, 6, 30)),
    )
    assert (
        agenda.describe(weekly)
        == "tous les mardis de 14 h à 16 h, à partir du 5 janvier 2027, jusqu'au 30 juin 2027"
    )
    once = _event(dt.datetime(2027, 2, 1, 9, 30, tzinfo=PARIS), dt.datetime(2027, 2, 1, 12, tzinfo=PARIS))
    assert agenda.describe(once) == "le lundi 1er février 2027 de 9 h 30 à 12 h"
    week = _event(dt.datetime(2027, 3, 15, 9, tzinfo=PARIS), dt.datetime(2027, 3, 20, 17, tzinfo=PARIS))
    assert agenda.describe(week) == "du 15 mars 2027 9 h au 20 mars 2027 17 h"


def test_a_stored_rule_without_end_is_still_bounded():
    event = Event(
        titre="x",
        starts_at=dt.datetime(2026, 1, 1, 10, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 1, 1, 11, tzinfo=PARIS),
        rrule="FREQ=WEEKLY;BYDAY=TH",  # never written by the guide; a forged or old row
    )
    assert len(agenda.occurrences(event)) == agenda.MAX_SERIES_OCCURRENCES
    assert agenda.occurrence_count(event) == agenda.MAX_SERIES_OCCURRENCES


@settings(max_examples=30, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31)),
    hour=st.integers(min_value=0, max_value=22),
    frequency=st.sampled_from([Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.MONTHLY]),
    count=st.integers(min_value=2, max_value=30),
)
def test_every_occurrence_keeps_the_weekday_the_wall_time_and_the_rule_round_trips(
    day, hour, frequency, count
):
    start = dt.datetime.combine(day, dt.time(hour), PARIS)
    event = _event(start, start + dt.timedelta(hours=1), Recurrence(frequency, count=count))
    found = agenda.occurrences(event)
    assert len(found) == count
    assert found == sorted(found)
    for o in found:
        local = agenda.local(o.start)
        assert local.weekday() == day.weekday()
        assert local.hour == hour or hour == 2  # 02:xx does not exist on the spring-forward night
    assert agenda.parse_rrule(event.rrule) == Recurrence(frequency, count=count)
