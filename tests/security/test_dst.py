"""Clock changes: the open-now status never crashes and stays plausible around daylight saving time.

Before the fix, the status added « 8 days » or « 366 days » to the current time on the wall clock; when
that landed in the hour skipped in spring (e.g. 2027-03-28 02:30, one year after 2026-03-27 02:30), the
opening_hours library raised TypeError — for almost every fiche at once, which broke the « ouvert
maintenant » filter of the search for everybody.

Each of the four clock changes of 2026 and 2027 is swept over two weeks (every 30 minutes within two days
of it, hourly further away), both as instants (UTC, which visits the repeated autumn hour twice) and as
naive Paris wall-clock times (which visit the skipped spring hour), for realistic strings whose meaning is
written here independently as a function of the wall clock.  Every opening or closing time of those strings
falls on :00 or :30, so a half-hour step visits both sides of each of them, and 02:00 and 02:30 of the
skipped or repeated hour; a finer step would only ask again an answer already checked.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from guide import hours
from guide.models import Fiche
from search_index import SearchService

PARIS = ZoneInfo("Europe/Paris")

# The Sundays when the clocks change in Paris: spring (02:00 → 03:00), autumn (03:00 → 02:00).
CHANGES = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)]
# French public holidays within a week of those Sundays (Easter Monday 2027, All Saints' Day).
HOLIDAYS = {date(2027, 3, 29), date(2026, 11, 1), date(2027, 11, 1)}

Oracle = Callable[[datetime], bool]


def minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def between(moment: datetime, start: str, end: str) -> bool:
    first = int(start[:2]) * 60 + int(start[3:])
    last = int(end[:2]) * 60 + int(end[3:])
    return first <= minutes(moment) < last


def weekday(moment: datetime, *days: int) -> bool:
    return moment.weekday() in days


def holiday(moment: datetime) -> bool:
    return moment.date() in HOLIDAYS


# A string → what it means on the naive Paris wall clock, and the clock times its labels may quote.
CASES: dict[str, tuple[Oracle, set[str]]] = {
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off": (
        lambda t: (
            weekday(t, 0, 1, 2, 3, 4)
            and not holiday(t)
            and (between(t, "09:00", "12:00") or between(t, "14:00", "17:00"))
        ),
        {"9 h", "12 h", "14 h", "17 h"},
    ),
    "Mo-Fr 08:30-18:00; PH off": (
        lambda t: weekday(t, 0, 1, 2, 3, 4) and not holiday(t) and between(t, "08:30", "18:00"),
        {"8 h 30", "18 h"},
    ),
    "24/7": (lambda t: True, set()),
    "Mo-Su 00:00-24:00": (lambda t: True, set()),
    "Fr 22:00-02:00": (
        lambda t: (weekday(t, 4) and minutes(t) >= 22 * 60) or (weekday(t, 5) and minutes(t) < 120),
        {"22 h", "2 h"},
    ),
    "Mo-Su 20:00-08:00": (lambda t: minutes(t) >= 20 * 60 or minutes(t) < 8 * 60, {"20 h", "8 h"}),
    # a night opening across the change itself
    "Mo-Su 01:00-04:00": (lambda t: between(t, "01:00", "04:00"), {"1 h", "4 h"}),
    "We[4] 14:00-17:00": (
        lambda t: weekday(t, 2) and 22 <= t.day <= 28 and between(t, "14:00", "17:00"),
        {"14 h", "17 h"},
    ),
    "Apr-Sep Mo-Sa 09:00-19:00; Oct-Mar Mo-Fr 10:00-17:00": (
        lambda t: (
            weekday(t, 0, 1, 2, 3, 4, 5) and between(t, "09:00", "19:00")
            if 4 <= t.month <= 9
            else weekday(t, 0, 1, 2, 3, 4) and between(t, "10:00", "17:00")
        ),
        {"9 h", "19 h", "10 h", "17 h"},
    ),
    "week 1-53/2 Mo 10:00-12:00": (
        lambda t: t.isocalendar().week % 2 == 1 and weekday(t, 0) and between(t, "10:00", "12:00"),
        {"10 h", "12 h"},
    ),
    "Mo-Sa 08:00-20:00; Su,PH 09:00-12:00": (
        lambda t: (
            between(t, "09:00", "12:00") if weekday(t, 6) or holiday(t) else between(t, "08:00", "20:00")
        ),
        {"8 h", "20 h", "9 h", "12 h"},
    ),
}

_QUOTED_TIME = re.compile(r"à (minuit|\d{1,2} h(?: \d\d)?)")


def closures_around(change: date) -> list[dict]:
    """A temporary closure from the Saturday before the change to the Monday after it."""
    return [
        {
            "debut": (change - timedelta(days=1)).isoformat(),
            "fin": (change + timedelta(days=1)).isoformat(),
            "message": "Travaux",
        }
    ]


def _steps(change: date) -> list[timedelta]:
    """Offsets from a week before ``change`` to a week after: every 30 minutes within two days of the
    change (each time of CASES is on :00 or :30), every hour further away (each weekday of the week around
    it is still seen, and 02:00 of each, which « + 8 days » carries into the skipped hour)."""
    near_start, near_end = timedelta(days=5), timedelta(days=9)
    offsets, offset = [], timedelta()
    while offset < timedelta(days=14):
        offsets.append(offset)
        offset += timedelta(minutes=30) if near_start <= offset < near_end else timedelta(hours=1)
    return offsets


def instants(change: date) -> list[datetime]:
    """UTC instants around ``change`` (see ``_steps``), across the real length of the days of the change."""
    first = datetime.combine(change - timedelta(days=7), datetime.min.time(), PARIS).astimezone(UTC)
    last = datetime.combine(change + timedelta(days=7), datetime.min.time(), PARIS).astimezone(UTC)
    return [first + step for step in _steps(change) if first + step < last]


def wall_times(change: date) -> list[datetime]:
    """Naive Paris wall-clock times around ``change``, including the skipped and the repeated hour."""
    first = datetime.combine(change - timedelta(days=7), datetime.min.time())
    return [first + step for step in _steps(change)]


def exists(naive: datetime) -> bool:
    aware = naive.replace(tzinfo=PARIS)
    return aware.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) == naive


def check_plausible(value: str, status: hours.OpenStatus, expected: set[bool], now: object) -> None:
    oracle_times = CASES[value][1]
    assert status.is_open in expected, (value, now, status)
    if status.is_open:
        assert status.label.startswith("Ouvert maintenant"), (value, now, status)
    else:
        assert status.label.startswith("Fermé"), (value, now, status)
    for quoted in _QUOTED_TIME.findall(status.label):
        assert quoted in oracle_times | {"minuit"}, (value, now, status)


@pytest.mark.no_database
@pytest.mark.parametrize("change", CHANGES, ids=str)
def test_status_is_plausible_every_half_hour_around_the_clock_change(change):
    for value, (oracle, _times) in CASES.items():
        # today_hours() and describe() read ``now`` only as its date in Paris (guide/hours/open_status.py,
        # guide/hours/description.py): they are asked once per day of the sweep, and at every wall-clock
        # time that does not exist, not 48 times the same answer
        described, today_seen = set(), set()
        for instant in instants(change):
            wall = instant.astimezone(PARIS).replace(tzinfo=None)
            check_plausible(value, hours.status(value, now=instant), {oracle(wall)}, instant)
            if wall.date() not in described:
                described.add(wall.date())
                assert hours.today_hours(value, instant).startswith("Aujourd'hui : "), (value, instant)
                assert hours.describe(value, now=instant), (value, instant)
        for naive in wall_times(change):
            # A wall-clock time in the skipped hour may be read on either side of the change.
            expected = (
                {oracle(naive)} if exists(naive) else {oracle(naive), oracle(naive + timedelta(hours=1))}
            )
            check_plausible(value, hours.status(value, now=naive), expected, naive)
            if naive.date() not in today_seen or not exists(naive):
                today_seen.add(naive.date())
                assert hours.today_hours(value, naive).startswith("Aujourd'hui : "), (value, naive)


@pytest.mark.no_database
@pytest.mark.parametrize("change", CHANGES, ids=str)
def test_closures_across_the_clock_change(change):
    closures = closures_around(change)
    closed = {change - timedelta(days=1), change, change + timedelta(days=1)}
    for value, (oracle, _times) in CASES.items():
        seen = set()  # today_hours() reads ``now`` only as its Paris date: asked once per day
        for instant in instants(change):
            wall = instant.astimezone(PARIS).replace(tzinfo=None)
            status = hours.status(value, closures, instant)
            today = None
            if wall.date() not in seen:
                seen.add(wall.date())
                today = hours.today_hours(value, instant, closures)
            if wall.date() in closed:
                assert status.is_open is False, (value, instant, status)
                assert status.label.startswith("Fermeture exceptionnelle jusqu'au"), (value, instant, status)
                assert status.closure_message == "Travaux"
                assert today in (None, "Aujourd'hui : fermeture exceptionnelle"), (value, instant, today)
            else:
                # the closure may only end an opening earlier (« ferme … à minuit »)
                check_plausible(value, status, {oracle(wall)}, instant)
                assert today is None or today.startswith("Aujourd'hui : "), (value, instant)


@pytest.mark.no_database
@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 27, 2, 30, tzinfo=PARIS),  # + 366 days = 2027-03-28 02:30, which does not exist
        datetime(2026, 3, 21, 2, 15, tzinfo=PARIS),  # + 8 days = 2026-03-29 02:15, which does not exist
        datetime(2026, 3, 29, 2, 30),  # a naive time in the skipped hour itself
        datetime(2026, 3, 29, 2, 30, tzinfo=PARIS),  # the same, aware (Python accepts it)
    ],
    ids=["plus-366-days", "plus-8-days", "naive-gap", "aware-gap"],
)
def test_the_reported_moments_give_a_real_answer_for_every_string(now):
    naive = now.replace(tzinfo=None)
    for value, (oracle, _times) in CASES.items():
        expected = {oracle(naive)} if exists(naive) else {oracle(naive), oracle(naive + timedelta(hours=1))}
        check_plausible(value, hours.status(value, now=now), expected, now)


def test_one_fiche_whose_status_raises_does_not_break_the_open_now_facet(
    db, demo_guide, session_factory, tmp_path, monkeypatch, caplog
):
    """The search asks the status of every fiche for the facet: one failure is logged, not raised."""
    public = [fiche for fiche in db.scalars(select(Fiche)) if fiche.is_public]
    victim = next(f for f in public if f.published_version.horaires)
    poisoned = victim.published_version.horaires
    real = hours.library.compile_hours

    def compile_or_fail(value: str):
        if value == poisoned:
            raise TypeError("failed to extract enum DateTimeMaybeAware")
        return real(value)

    monkeypatch.setattr(hours.library, "compile_hours", compile_or_fail)
    shutil.copytree(demo_guide, tmp_path / "index")  # the demo guide's index, built once per run
    service = SearchService(tmp_path / "index", session_factory)
    tuesday = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)

    everything = service.search("", db=db, now=tuesday, per_page=100, record_miss=False)
    open_now = service.search("", db=db, ouvert=True, now=tuesday, per_page=100, record_miss=False)

    assert open_now.total > 0
    assert open_now.total < everything.total
    assert all(hit.status.is_open for hit in open_now.hits)
    broken = [hit for hit in everything.hits if hit.horaires == poisoned]
    assert broken
    assert all(hit.status == hours.OpenStatus(None, "Horaires non disponibles") for hit in broken)
    assert all(hit.today == "" for hit in broken)
    assert "Could not compute the open status" in caplog.text
