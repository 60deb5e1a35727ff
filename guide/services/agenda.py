"""The shared agenda, read side: series expanded into occurrences, what the public may see, bounded.

A series is an RFC 5545 RRULE (``Event.rrule``) applied to the event's first start *in the guide's wall
time* (Europe/Paris): python-dateutil's ``rrule`` expands naive local datetimes, each is then placed in the
zone, so a weekly atelier at 14 h stays at 14 h when the clocks change. Cancelled occurrences are named by
their local date (``Event.cancelled``).

Bounds (anything an anonymous visitor can ask is capped): a window of at most ``MAX_WINDOW`` days, at
most ``MAX_EVENTS_SCANNED`` events read, at most ``MAX_OCCURRENCES`` occurrences returned; the partner
side refuses series longer than ``MAX_SERIES_OCCURRENCES`` occurrences or ``MAX_SERIES_DAYS`` days, and
an expansion never iterates more than ``MAX_SERIES_OCCURRENCES`` steps whatever the stored rule says.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from dateutil import rrule as du_rrule
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, selectinload

from .. import hours
from ..models import Event, Lieu, State
from ..models.agenda import event_thematique
from ..models.meta import utcnow

MAX_WINDOW = dt.timedelta(days=366)
MAX_EVENTS_SCANNED = 2000
MAX_OCCURRENCES = 500
DEFAULT_LIMIT = 200
MAX_SERIES_OCCURRENCES = 120
MAX_SERIES_DAYS = 400
MAX_EVENT_HOURS = 24 * 14  # one occurrence lasts at most two weeks (a « Semaine de la parentalité »)

WEEKDAYS_RRULE = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ORDINALS_FR = {1: "1er", 2: "2e", 3: "3e", 4: "4e", -1: "dernier"}


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


def _aware(naive_local: dt.datetime) -> dt.datetime:
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
        occurrence_start = _aware(naive)
        occurrence_end = _aware(naive + duration)
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
    return _aware(last + duration)


def occurrence_count(event: Event) -> int:
    return sum(1 for _ in _local_starts(event))


def describe(event: Event) -> str:
    """When, in plain French: « tous les mardis de 14 h à 16 h jusqu'au 30 juin 2027 », « le 3 décembre
    2026 de 9 h 30 à 12 h »."""
    start, end = local(event.starts_at), local(event.ends_at)
    times = f"de {_time_fr(start)} à {_time_fr(end)}"
    if end.date() != start.date():
        times = f"du {_date_fr(start.date())} {_time_fr(start)} au {_date_fr(end.date())} {_time_fr(end)}"
    recurrence = parse_rrule(event.rrule)
    if recurrence is None:
        if end.date() != start.date():
            return times
        return f"le {WEEKDAYS_FR[start.weekday()]} {_date_fr(start.date())} {times}"
    weekday = WEEKDAYS_FR[start.weekday()]
    if recurrence.frequency == Frequency.WEEKLY:
        what = f"tous les {weekday}s"
    elif recurrence.frequency == Frequency.BIWEEKLY:
        what = f"un {weekday} sur deux"
    else:
        position = monthly_position(start.date())
        what = f"le {ORDINALS_FR[position]} {weekday} du mois"
    if end.date() != start.date():
        times = f"de {_time_fr(start)} à {_time_fr(end)} le lendemain"
    text = f"{what} {times}, à partir du {_date_fr(start.date())}"
    if recurrence.count is not None:
        text += f", {recurrence.count} fois"
    elif recurrence.until is not None:
        text += f", jusqu'au {_date_fr(recurrence.until)}"
    return text


MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _date_fr(day: dt.date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"


def _time_fr(moment: dt.datetime) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


# --- public reads ---------------------------------------------------------------------------------------


def _clamp_window(
    start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    lower = max(start, now) if start is not None else now
    upper = end if end is not None else lower + MAX_WINDOW
    return lower, min(upper, lower + MAX_WINDOW)


def public_events_query(
    *,
    start: dt.datetime,
    end: dt.datetime,
    thematique: int | None = None,
    quartier: int | None = None,
    organisation: int | None = None,
    free: bool | None = None,
) -> Select[tuple[Event]]:
    """Published events with an occurrence that may overlap [start, end), with the guide's filters."""
    query = select(Event).where(
        Event.state == State.PUBLISHED, Event.last_ends_at > start, Event.starts_at < end
    )
    if organisation is not None:
        query = query.where(Event.organisation_id == organisation)
    if quartier is not None:
        query = query.where(Event.lieu_id.in_(select(Lieu.id).where(Lieu.quartier_id == quartier)))
    if thematique is not None:
        query = query.where(
            exists().where(
                event_thematique.c.event_id == Event.id, event_thematique.c.thematique_id == thematique
            )
        )
    if free is not None:
        query = query.where(Event.gratuit.is_(free))
    return query.order_by(Event.starts_at, Event.id).limit(MAX_EVENTS_SCANNED)


def upcoming_occurrences(
    db: Session,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    thematique: int | None = None,
    quartier: int | None = None,
    organisation: int | None = None,
    public: str | None = None,
    free: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    now: dt.datetime | None = None,
) -> list[Occurrence]:
    """Occurrences of published events in [start, end) that end after now, in time order, cancelled ones
    left out. ``start`` defaults to now, ``end`` to start + ``MAX_WINDOW`` and is capped there;
    ``limit`` is capped at ``MAX_OCCURRENCES``. Filters: ids of a thématique, a quartier (the event's
    lieu), an organisation; a public code (``guide.vocabulary.PUBLICS``); free or not."""
    now = now or utcnow()
    lower, upper = _clamp_window(start, end, now)
    limit = max(0, min(limit, MAX_OCCURRENCES))
    if upper <= lower or limit == 0:
        return []
    query = public_events_query(
        start=lower, end=upper, thematique=thematique, quartier=quartier, organisation=organisation, free=free
    ).options(
        selectinload(Event.thematiques),
        selectinload(Event.lieu).selectinload(Lieu.quartier),
        selectinload(Event.organisation),
    )
    events: Iterable[Event] = db.scalars(query)
    if public:
        events = (event for event in events if public in (event.publics or ()))
    streams = [occurrences(event, start=lower, end=upper, limit=limit) for event in events]
    return list(islice(heapq.merge(*streams), limit))


def published_event(db: Session, event_id: int) -> Event | None:
    """The event if the public may see it (published), else None (the page answers 404)."""
    event = db.get(Event, event_id)
    if event is None or event.state != State.PUBLISHED:
        return None
    return event


def next_occurrences(event: Event, *, limit: int = 20, now: dt.datetime | None = None) -> list[Occurrence]:
    """The event's coming occurrences (ending after now, not cancelled), at most ``limit``."""
    return occurrences(event, start=now or utcnow(), limit=max(1, min(limit, MAX_SERIES_OCCURRENCES)))


def is_past(event: Event, now: dt.datetime | None = None) -> bool:
    return event.last_ends_at <= (now or utcnow())
