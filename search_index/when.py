"""« Ouvert samedi », « Ouvert en soirée », « Ouvert le week-end »: which fiches open when a visitor asks.

One job: from a fiche's opening hours (its OSM string and temporary closures) the open intervals of the
coming :data:`HORIZON` days, read from the same library calls as « ouvert maintenant »
(:mod:`guide.hours.library`: the guide's zone, French public holidays, the « || » fallback read day by
day), and whether they meet a :class:`~search_index.understanding.TimeFilter`. Four weeks ahead, so that a
monthly permanence (« le 1er et le 3e mercredi du mois ») or an irregular one counts for the days it
really opens in the coming weeks; a fiche closed for the whole horizon by a temporary closure does not.

Profiles are cached by (hours, closures, day): fiches share their hours strings and a day's profile never
changes, so the search computes each distinct string once a day, whatever the number of fiches.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging

from opening_hours import State

from guide.hours import library

from .understanding import TimeFilter

logger = logging.getLogger(__name__)

HORIZON = 28  # days looked at, from today
# One open interval within a day: (days from today, weekday with Monday 0, first minute, end minute).
Interval = tuple[int, int, int, int]


def _closed_days(fermetures: str, today: dt.date) -> set[int]:
    """The days of the horizon (counted from today) covered by a temporary closure."""
    closed: set[int] = set()
    try:
        closures = json.loads(fermetures) if fermetures else []
    except ValueError:
        return closed
    for closure in closures if isinstance(closures, list) else []:
        if not isinstance(closure, dict):
            continue
        try:
            first = dt.date.fromisoformat(str(closure.get("debut")))
            last = dt.date.fromisoformat(str(closure.get("fin")))
        except ValueError:
            continue
        for offset in range(HORIZON):
            if first <= today + dt.timedelta(days=offset) <= last:
                closed.add(offset)
    return closed


@functools.lru_cache(maxsize=20_000)
def profile(horaires: str, fermetures: str, today: dt.date) -> tuple[Interval, ...]:
    """The open intervals of the :data:`HORIZON` days from ``today``, cut at midnight. Never raises: hours
    the library cannot read open never (and are logged), as « ouvert maintenant » treats them."""
    text = (horaires or "").strip()
    if not text:
        return ()
    try:
        oh = library.compile_hours(text)
        start = library.midnight(today)
        end = library.midnight(today + dt.timedelta(days=HORIZON))
        pieces = [
            (first, last)
            for first, last, state, _c in library.intervals(oh, start, end)
            if state == State.OPEN
        ]
    except Exception:
        logger.exception("Could not read the opening intervals of %r", text[:200])
        return ()
    closed = _closed_days(fermetures, today)
    out: list[Interval] = []
    for first, last in pieces:
        cursor = first
        while cursor < last:
            day = cursor.date()
            following = library.midnight(day + dt.timedelta(days=1))
            stop = min(last, following)
            offset = (day - today).days
            if 0 <= offset < HORIZON and offset not in closed:
                begin = cursor.hour * 60 + cursor.minute
                finish = 1440 if stop >= following else stop.hour * 60 + stop.minute
                if finish > begin:
                    out.append((offset, day.weekday(), begin, finish))
            cursor = stop
    return tuple(out)


def meets(intervals: tuple[Interval, ...], when: TimeFilter) -> bool:
    """Whether one of the intervals is on a day ``when`` accepts and overlaps its part of the day long
    enough (« soir »: at least 30 minutes after 18 h; « 18h »: open at 18 h)."""
    days = when.days()
    offset = when.offset()
    start, end, needed = when.window()
    for day_offset, weekday, first, last in intervals:
        if offset is not None and day_offset != offset:
            continue
        if days is not None and weekday not in days:
            continue
        if min(last, end) - max(first, start) >= needed:
            return True
    return False
