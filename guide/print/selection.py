"""Which fiches a print shows: an edition's choice of published fiches, each in one chapter, frozen as fiche
versions on the first generation; or fiches by id (one fiche, the agents' selection)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import hours
from ..models import Access, Edition, EditionItem, Fiche, FicheVersion, Quartier
from ..services.fiches import public_fiches_query
from ..text import fold
from ..vocabulary import ACCESSIBILITY_FIELDS
from .agenda import agenda_snapshot
from .helplines import helpline_data, helplines

# The most fiches an agent's selection holds.
MAX_SELECTION = 50
OTHER_CHAPTER = {"thematique": "Autres services", "quartier": "Dans toute la ville"}


@dataclass
class Entry:
    """One fiche to print: its version, its chapter and what the version does not hold."""

    fiche_id: int
    version: FicheVersion
    chapter: str
    snapshot: dict[str, Any]
    confirmed_at: dt.date | None = None


def _public_fiches(db: Session, ids: Sequence[int] | None = None) -> list[Fiche]:
    query = public_fiches_query()
    if ids is not None:
        query = query.where(Fiche.id.in_(list(ids)))
    return list(db.scalars(query))


def context_snapshot(fiche: Fiche, version: FicheVersion) -> dict[str, Any]:
    """What a printed fiche shows besides its version: the organisation and the lieux, as they are now."""
    organisation = fiche.organisation
    return {
        "organisation": {
            "nom": organisation.nom,
            "sigle": organisation.sigle,
            "telephone": organisation.telephone,
            "courriel": organisation.courriel,
            "site_web": organisation.site_web,
        },
        "lieux": [
            {
                "nom": lieu.nom,
                "adresse": lieu.one_line_address,
                "quartier": lieu.quartier.nom if lieu.quartier else "",
                "quartier_id": lieu.quartier_id,
                "latitude": lieu.latitude,
                "longitude": lieu.longitude,
                # what the lieu offers (answered « oui »), printed under its address
                "accessibilite": [
                    label
                    for name, label in ACCESSIBILITY_FIELDS.items()
                    if getattr(lieu, name, None) == Access.YES
                ],
            }
            for lieu in version.lieux
        ],
    }


def _filters(filters: dict[str, Any] | None) -> tuple[set[str], set[int]]:
    filters = filters or {}
    slugs = {str(s) for s in filters.get("thematiques") or []}
    quartier_ids = set()
    for value in filters.get("quartiers") or []:
        try:
            quartier_ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return slugs, quartier_ids


def select_entries(
    db: Session, grouping: str = "thematique", filters: dict[str, Any] | None = None
) -> list[Entry]:
    """The published fiches to print, each once, in chapter order then alphabetical order.

    With thématiques chosen, a fiche is printed when it has one of them; with quartiers chosen, when one of
    its lieux is in one of them (both: both conditions). Its chapter is its first thématique (or the quartier
    of its first lieu) among the chosen ones; fiches with none go to a last chapter.
    """
    slugs, quartier_ids = _filters(filters)
    chosen: list[tuple[Fiche, FicheVersion]] = []
    for fiche in _public_fiches(db):
        version = fiche.published_version
        assert version is not None
        if slugs and not any(t.slug in slugs for t in version.thematiques):
            continue
        if quartier_ids and not any(lieu.quartier_id in quartier_ids for lieu in version.lieux):
            continue
        chosen.append((fiche, version))

    other = OTHER_CHAPTER.get(grouping, OTHER_CHAPTER["thematique"])
    chapters: dict[str, tuple[Any, ...]] = {}  # chapter title -> sort key
    placed: list[tuple[str, Fiche, FicheVersion]] = []
    for fiche, version in chosen:
        if grouping == "quartier":
            quartiers = [lieu.quartier for lieu in version.lieux if lieu.quartier is not None]
            if quartier_ids:
                quartiers = [q for q in quartiers if q.id in quartier_ids]
            if quartiers:
                title, key = quartiers[0].nom, (0, fold(quartiers[0].nom))
            else:
                title, key = other, (1, "")
        else:
            thematiques = list(version.thematiques)
            if slugs:
                thematiques = [t for t in thematiques if t.slug in slugs]
            if thematiques:
                first = min(thematiques, key=lambda t: (t.position, fold(t.label)))
                title, key = first.label, (0, first.position, fold(first.label))
            else:
                title, key = other, (1,)
        chapters.setdefault(title, key)
        placed.append((title, fiche, version))
    placed.sort(key=lambda item: (chapters[item[0]], fold(item[2].nom), item[1].id))
    return [
        Entry(fiche.id, version, title, context_snapshot(fiche, version), fiche.confirmed_at)
        for title, fiche, version in placed
    ]


def frozen_entries(db: Session, edition: Edition) -> list[Entry]:
    items = db.scalars(
        select(EditionItem)
        .where(EditionItem.edition_id == edition.id)
        .order_by(EditionItem.position)
        .options(
            selectinload(EditionItem.version).selectinload(FicheVersion.thematiques),
            selectinload(EditionItem.fiche),
        )
    ).all()
    return [
        Entry(item.fiche_id, item.version, item.chapter, item.snapshot or {}, item.fiche.confirmed_at)
        for item in items
    ]


def entries_for(db: Session, edition: Edition) -> list[Entry]:
    """What the edition prints: its frozen versions once generated, the live selection before."""
    if edition.frozen:
        return frozen_entries(db, edition)
    return select_entries(db, edition.grouping, edition.filters)


def quartier_snapshot(db: Session) -> list[dict[str, Any]]:
    """The quartiers as the edition's map draws them (names, codes, contours), to freeze with the edition."""
    return [
        {"id": q.id, "code": q.code, "nom": q.nom, "geometry": q.geometry, "schematic": q.schematic}
        for q in db.scalars(select(Quartier).order_by(Quartier.nom))
    ]


def edition_quartiers(db: Session, edition: Edition) -> list[Quartier]:
    """The quartiers an edition's map draws: those frozen with it (a contour loaded since, a quartier renamed
    or removed, does not change the reprint of an archived edition), else today's. The frozen ones are
    detached copies, never added to the session."""
    frozen = (edition.snapshot or {}).get("quartiers") if edition.frozen else None
    if frozen is None:  # not frozen yet, or frozen before quartiers were
        return list(db.scalars(select(Quartier).order_by(Quartier.nom)))
    return [
        Quartier(
            id=item["id"],
            code=item["code"],
            nom=item["nom"],
            slug="",
            geometry=item["geometry"],
            schematic=bool(item["schematic"]),
        )
        for item in frozen
    ]


def freeze(db: Session, edition: Edition, today: dt.date | None = None) -> int:
    """Store the fiche versions the edition prints (with the helplines and the quartiers of its map); returns
    the number of fiches."""
    entries = select_entries(db, edition.grouping, edition.filters)
    edition.items.clear()
    db.flush()
    for position, entry in enumerate(entries, start=1):
        edition.items.append(
            EditionItem(
                fiche_id=entry.fiche_id,
                version_id=entry.version.id,
                chapter=entry.chapter,
                position=position,
                snapshot=entry.snapshot,
            )
        )
    edition.snapshot = {"helplines": helpline_data(helplines(db)), "quartiers": quartier_snapshot(db)}
    if (edition.filters or {}).get("agenda"):  # the « Agenda » section, frozen with the fiches
        edition.snapshot["agenda"] = agenda_snapshot(db)
    edition.data_date = today or hours.today()
    db.flush()
    return len(entries)


def live_entries(db: Session, fiche_ids: Sequence[int]) -> list[Entry]:
    """Published fiches by id, in the given order (the others are left out)."""
    found = {fiche.id: fiche for fiche in _public_fiches(db, fiche_ids)}
    entries = []
    for fiche_id in fiche_ids:
        fiche = found.get(fiche_id)
        if fiche is None or fiche.published_version is None:
            continue
        entries.append(
            Entry(
                fiche.id,
                fiche.published_version,
                "",
                context_snapshot(fiche, fiche.published_version),
                fiche.confirmed_at,
            )
        )
    return entries
