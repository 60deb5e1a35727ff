"""Events for the public agenda's tests, made as the partner side stores them (last_ends_at computed by the
read service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guide import hours
from guide.models import Event, State, Thematique
from guide.models.agenda import EventKind, Registration
from guide.services import agenda


def local_start(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return hours.local(dt.datetime.combine(day, dt.time(hour, minute))).astimezone(dt.UTC)


def make_event(
    db: Session,
    organisation: Any,
    titre: str,
    start: dt.datetime,
    *,
    duration: dt.timedelta = dt.timedelta(hours=2),
    state: State = State.PUBLISHED,
    rrule: str | None = None,
    cancelled: tuple[str, ...] = (),
    thematiques: tuple[str, ...] = (),
    publics: tuple[str, ...] = (),
    gratuit: bool = True,
    lieu: Any = None,
    kind: EventKind = EventKind.ATELIER,
    description: str = "",
    fiche: Any = None,
    inscription: Registration = Registration.NONE,
) -> Event:
    event = Event(
        organisation=organisation,
        titre=titre,
        kind=kind,
        description=description,
        publics=list(publics),
        gratuit=gratuit,
        tarif="" if gratuit else "2 €",
        inscription=inscription,
        inscription_modalites="au 04 73 00 00 00" if inscription != Registration.NONE else "",
        starts_at=start,
        ends_at=start + duration,
        rrule=rrule,
        cancelled=list(cancelled),
        state=state,
        lieu=lieu,
        fiche=fiche,
        last_ends_at=start + duration,
    )
    event.thematiques = [db.scalar(select(Thematique).where(Thematique.slug == slug)) for slug in thematiques]
    event.last_ends_at = agenda.last_end(event)
    if state == State.PUBLISHED:
        event.published_at = event.updated_at = event.created_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    db.add(event)
    db.flush()
    return event


def tomorrow() -> dt.date:
    return hours.today() + dt.timedelta(days=1)
