"""Agenda series: an RFC 5545 RRULE built from the partner form and expanded into occurrences.

A series is an RRULE (``Event.rrule``) applied to the event's first start *in the guide's wall time*
(Europe/Paris): python-dateutil's ``rrule`` expands naive local datetimes, each is then placed in the zone,
so a weekly atelier at 14 h stays at 14 h when the clocks change. Cancelled occurrences are named by their
local date (``Event.cancelled``). An expansion never iterates more than ``MAX_SERIES_OCCURRENCES`` steps
whatever the stored rule says; the partner side refuses series longer than ``MAX_SERIES_OCCURRENCES``
occurrences or ``MAX_SERIES_DAYS`` days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from dateutil import rrule as du_rrule

from ... import hours
from ...models import Event

MAX_SERIES_OCCURRENCES = 120
MAX_SERIES_DAYS = 400

WEEKDAYS_RRULE = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# --- recurrences ----------------------------------------------------------------------------------------


class Frequency:
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


FREQUENCY_LABELS = {
    Frequency.WEEKLY: "Chaque semaine",
    Frequency.BIWEEKLY: "Une semaine sur deux",
    Frequency.MONTHLY: "Chaque mois (même jour de la semaine)",
}


@dataclass(frozen=True)
class Recurrence:
    """A series as the partner form says it: how often, until a date (included) or a number of times."""

    frequency: str
    until: dt.date | None = None
    count: int | None = None


def monthly_position(day: dt.date) -> int:
    """The weekday's position in its month, 1…4, or -1 (« le dernier mardi ») for a 5th one, which not
    every month has."""
    position = (day.day - 1) // 7 + 1
    return -1 if position >= 5 else position


def build_rrule(recurrence: Recurrence, first_local_start: dt.datetime) -> str:
    """The RRULE text of ``recurrence`` for a series whose first occurrence is ``first_local_start``."""
    weekday = WEEKDAYS_RRULE[first_local_start.weekday()]
    if recurrence.frequency == Frequency.WEEKLY:
        parts = ["FREQ=WEEKLY", f"BYDAY={weekday}"]
    elif recurrence.frequency == Frequency.BIWEEKLY:
        parts = ["FREQ=WEEKLY", "INTERVAL=2", f"BYDAY={weekday}"]
    elif recurrence.frequency == Frequency.MONTHLY:
        parts = ["FREQ=MONTHLY", f"BYDAY={monthly_position(first_local_start.date()):+d}{weekday}"]
    else:
        raise ValueError(f"unknown frequency {recurrence.frequency!r}")
    if recurrence.count is not None:
        parts.append(f"COUNT={recurrence.count}")
    elif recurrence.until is not None:
        # Floating (local) UNTIL, as RFC 5545 requires with a floating DTSTART: the whole last day.
        parts.append(f"UNTIL={recurrence.until:%Y%m%d}T235959")
    else:
        raise ValueError("a series ends on a date or after a number of times")
    return ";".join(parts)


def parse_rrule(text: str | None) -> Recurrence | None:
    """Back from the stored RRULE to the form's fields (None: not a series, or not one the form writes)."""
    if not text:
        return None
    fields: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        fields[key.strip().upper()] = value.strip().upper()
    if fields.get("FREQ") == "WEEKLY":
        frequency = Frequency.BIWEEKLY if fields.get("INTERVAL") == "2" else Frequency.WEEKLY
    elif fields.get("FREQ") == "MONTHLY":
        frequency = Frequency.MONTHLY
    else:
        return None
    until = count = None
    try:
        if "COUNT" in fields:
            count = int(fields["COUNT"])
        elif "UNTIL" in fields:
            until = dt.date(int(fields["UNTIL"][:4]), int(fields["UNTIL"][4:6]), int(fields["UNTIL"][6:8]))
    except ValueError:
        return None
    return Recurrence(frequency, until=until, count=count)


def local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in the guide's zone."""
    return value.astimezone(hours.timezone())


def _naive_local(value: dt.datetime) -> dt.datetime:
    return local(value).replace(tzinfo=None)


def aware(naive_local: dt.datetime) -> dt.datetime:
    return naive_local.replace(tzinfo=hours.timezone()).astimezone(dt.UTC)


def _rule(event: Event) -> du_rrule.rrule:
    return du_rrule.rrulestr(event.rrule or "", dtstart=_naive_local(event.starts_at))  # type: ignore[return-value]


def _local_starts(event: Event) -> Iterator[dt.datetime]:
    """The naive local starts of every occurrence (cancelled included), in order, at most
    ``MAX_SERIES_OCCURRENCES`` of them."""
    if not event.rrule:
        yield _naive_local(event.starts_at)
        return
    yield from islice(iter(_rule(event)), MAX_SERIES_OCCURRENCES)


# --- occurrences ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One date of an event: ``start`` and ``end`` are aware UTC datetimes (show them with the filters)."""

    event: Event
    start: dt.datetime
    end: dt.datetime
    cancelled: bool = False

    @property
    def local_date(self) -> dt.date:
        return local(self.start).date()

    @property
    def key(self) -> str:
        """Stable within the event: its local start (``20261208T1400``), for anchors and RECURRENCE-ID."""
        return f"{local(self.start):%Y%m%dT%H%M}"

    def __lt__(self, other: Occurrence) -> bool:
        return (self.start, self.event.id) < (other.start, other.event.id)


def occurrences(
    event: Event,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    include_cancelled: bool = False,
    limit: int = MAX_SERIES_OCCURRENCES,
) -> list[Occurrence]:
    """The occurrences of ``event`` that overlap [start, end) (either bound may be None), in time order."""
    duration = _naive_local(event.ends_at) - _naive_local(event.starts_at)
    cancelled = set(event.cancelled or ())
    found: list[Occurrence] = []
    for naive in _local_starts(event):
        occurrence_start = aware(naive)
        occurrence_end = aware(naive + duration)
        if end is not None and occurrence_start >= end:
            break
        if start is not None and occurrence_end <= start:
            continue
        is_cancelled = naive.date().isoformat() in cancelled
        if is_cancelled and not include_cancelled:
            continue
        found.append(Occurrence(event, occurrence_start, occurrence_end, is_cancelled))
        if len(found) >= limit:
            break
    return found


def last_end(event: Event) -> dt.datetime:
    """The end of the event's last occurrence (cancelled ones count: the bound only needs to be safe)."""
    duration = _naive_local(event.ends_at) - _naive_local(event.starts_at)
    last = None
    for last in _local_starts(event):  # noqa: B007 - the loop keeps the last one
        pass
    assert last is not None
    return aware(last + duration)


def occurrence_count(event: Event) -> int:
    return sum(1 for _ in _local_starts(event))
