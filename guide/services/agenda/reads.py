"""The public agenda's reads: what the public may see (published events), within bounds, in time order.

Bounds (anything an anonymous visitor can ask is capped): a window of at most ``MAX_WINDOW`` days, at most
``MAX_EVENTS_SCANNED`` events read, at most ``MAX_OCCURRENCES`` occurrences returned.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from itertools import islice

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, selectinload

from ...models import Event, Lieu, State
from ...models.agenda import event_thematique
from ...models.meta import utcnow
from .series import MAX_SERIES_OCCURRENCES, Occurrence, occurrences

MAX_WINDOW = dt.timedelta(days=366)
MAX_EVENTS_SCANNED = 2000
MAX_OCCURRENCES = 500
DEFAULT_LIMIT = 200


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
