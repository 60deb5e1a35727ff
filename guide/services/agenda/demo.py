"""The demo guide's events (``guide/demo/agenda.json``), dated from the day the demo is loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import hours
from ...models import EventKind, Fiche, Organisation, Registration, State, Thematique, User
from .editing import EventInput, cancel_occurrence, save_event, transition
from .series import Recurrence, occurrences


def seed_demo(
    db: Session, data: dict[str, Any], source: str, coordinator: User | None, today: dt.date | None = None
) -> int:
    """The demo guide's events (``guide/demo/agenda.json``), dated from ``today`` (the load day): each at
    ``in_days`` from it, or on the first ``weekday`` at least that far. Returns the events created."""
    today = today or hours.today()
    created = 0
    thematiques = {t.slug: t.id for t in db.scalars(select(Thematique))}
    for row in data.get("events", []):
        organisation = db.scalar(
            select(Organisation).where(
                Organisation.source == source, Organisation.source_id == row["structure"]
            )
        )
        if organisation is None:
            continue
        fiche = (
            db.scalar(select(Fiche).where(Fiche.source == source, Fiche.source_id == row["fiche"]))
            if row.get("fiche")
            else None
        )
        day = today + dt.timedelta(days=row.get("in_days", 1))
        if "weekday" in row:
            day += dt.timedelta(days=(row["weekday"] - day.weekday()) % 7)
        lieu = None
        if not row.get("adresse"):
            lieux = list(fiche.current_version.lieux) if fiche and fiche.current_version else []
            named = [x for x in organisation.lieux if x.nom == row.get("lieu")]
            lieu = next(iter(named), None) or next((x for x in lieux if x in organisation.lieux), None)
            lieu = lieu or next(iter(organisation.lieux), None)
        series = row.get("series")
        data_in = EventInput(
            titre=row["titre"],
            kind=EventKind(row["kind"]),
            day=day,
            start_time=dt.time.fromisoformat(row["start"]),
            end_time=dt.time.fromisoformat(row["end"]),
            end_day=day + dt.timedelta(days=row["days"] - 1) if row.get("days", 1) > 1 else None,
            recurrence=Recurrence(series["frequency"], count=series.get("count")) if series else None,
            description=row.get("description", ""),
            thematique_ids=[thematiques[slug] for slug in row["thematiques"] if slug in thematiques],
            publics=row.get("publics", []),
            fiche_id=fiche.id if fiche else None,
            lieu_id=lieu.id if lieu else None,
            adresse=row.get("adresse", "") if lieu is None else "",
            en_ligne=row.get("en_ligne", False),
            gratuit=row.get("gratuit", True),
            tarif=row.get("tarif", ""),
            inscription=Registration(row.get("inscription", "aucune")),
            inscription_modalites=row.get("modalites", ""),
        )
        event = save_event(db, organisation, data_in, coordinator, may_publish=True)
        state = State(row.get("state", "publie"))
        if state in (State.PENDING, State.PUBLISHED):
            transition(db, event, "submit", coordinator)
        if state == State.PUBLISHED:
            transition(db, event, "publish", coordinator)
        dates = occurrences(event) if series and series.get("cancelled") else []
        for position in series.get("cancelled", []) if series else []:
            cancel_occurrence(db, event, dates[position].local_date, coordinator, "vacances scolaires")
        created += 1
    return created
