"""The printed guide's optional « Agenda » section: the agenda's recurring rendez-vous (series) published
when the edition is frozen, each with when in plain words, where, who and how to register.

Only series: a one-day event would be over long before the printed guide is. The section is off by default
(``Edition.filters["agenda"]``, a checkbox of the edition's settings); the events are copied into the
edition's snapshot when it is frozen, so regenerating it later prints the same section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from ..formatting import display_url, format_phone, french_spaces, unbreakable_times
from ..models import Edition, Event
from ..services import agenda
from ..services.agenda_public import location_text, series_events
from ..services.qrcode import qr_img

MAX_EVENTS = 200  # series printed at most (the section stays a few pages)


@dataclass
class PrintEvent:
    event_id: int
    title: str
    when: str
    where: str
    quartier: str
    organisation: str
    phone: str
    registration: str
    price: str
    url: str
    short_url: str
    qr: Markup


def event_url(site_url: str, event_id: int) -> str:
    """The short public address of an event (the site redirects it to the canonical one)."""
    return f"{site_url.rstrip('/')}/agenda/rendez-vous/{event_id}"


def snapshot_of(event: Event) -> dict[str, Any]:
    """What the section prints of an event, as plain data (kept in the edition's snapshot)."""
    registration = event.inscription_label
    if event.inscription_modalites:
        registration = f"{registration} : {event.inscription_modalites}"
    return {
        "event_id": event.id,
        "titre": event.titre,
        "quand": agenda.describe(event),
        "ou": location_text(event),
        "quartier": event.lieu.quartier.nom if event.lieu is not None and event.lieu.quartier else "",
        "organisation": event.organisation.nom,
        "telephone": event.organisation.telephone or "",
        "inscription": registration,
        "prix": "Gratuit" if event.gratuit else ("Payant" + (f" : {event.tarif}" if event.tarif else "")),
    }


def agenda_snapshot(db: Session, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    return [snapshot_of(event) for event in series_events(db, now=now, limit=MAX_EVENTS)]


def wanted(edition: Edition) -> bool:
    return bool((edition.filters or {}).get("agenda"))


def print_events(db: Session, edition: Edition, site_url: str) -> list[PrintEvent]:
    """The section of ``edition``: none unless ticked; the frozen copy once frozen, the live series before."""
    if not wanted(edition):
        return []
    frozen = (edition.snapshot or {}).get("agenda") if edition.frozen else None
    rows = frozen if frozen is not None else agenda_snapshot(db)
    out = []
    for row in rows:
        url = event_url(site_url, row["event_id"])
        when = row["quand"]
        out.append(
            PrintEvent(
                event_id=row["event_id"],
                title=french_spaces(row["titre"]),
                when=unbreakable_times(french_spaces(when[:1].upper() + when[1:])),
                where=french_spaces(row["ou"]),
                quartier=row["quartier"],
                organisation=french_spaces(row["organisation"]),
                phone=format_phone(row["telephone"]),
                registration=french_spaces(row["inscription"]),
                price=french_spaces(row["prix"]),
                url=url,
                short_url=display_url(url),
                qr=qr_img(url, label=f"Code QR du rendez-vous en ligne : {url}"),
            )
        )
    return out
