"""Loading checked quartier contours into the database: upsert by code, adopt a schematic quartier of the
same name, remove the other schematic ones, put every lieu with coordinates in the quartier that holds it."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Fiche, FicheVersion, Lieu, Quartier, version_lieu
from ...slugs import free_slug
from ...text import fold
from ..fiches import log_index_change
from ..geography import QuartierIndex
from .geojson import Incoming, LoadReport, parse_quartiers, to_geojson

_NAME_LENGTH = Quartier.__table__.c.nom.type.length
_SLUG_LENGTH = Quartier.__table__.c.slug.type.length


def load_geojson(
    db: Session,
    data: dict[str, Any],
    code_field: str | None = None,
    name_field: str | None = None,
    keep_others: bool = False,
) -> LoadReport:
    """Load the quartiers of a parsed GeoJSON file; see the module's docstring."""
    incoming, report = parse_quartiers(data, code_field, name_field)  # raises before any change

    existing = list(db.scalars(select(Quartier).order_by(Quartier.id)))
    by_code = {quartier.code: quartier for quartier in existing}
    incoming_codes = {item.code for item in incoming}
    adoptable = {
        fold(quartier.nom): quartier
        for quartier in existing
        if quartier.schematic and quartier.code not in incoming_codes
    }
    matches: dict[str, Quartier] = {}
    for item in incoming:
        quartier = by_code.get(item.code)
        if quartier is None:
            quartier = adoptable.pop(fold(item.nom), None)
        if quartier is not None:
            matches[item.code] = quartier
    matched_ids = {quartier.id for quartier in matches.values()}

    touched_lieux: set[int] = set()
    if not keep_others:
        for quartier in existing:
            if quartier.schematic and quartier.id not in matched_ids:
                touched_lieux.update(lieu.id for lieu in quartier.lieux)
                report.removed.append(quartier.code)
                db.delete(quartier)
        db.flush()  # their names, slugs and codes are free from here on

    remaining = list(db.scalars(select(Quartier).order_by(Quartier.id)))
    names: dict[str, Quartier] = {fold(quartier.nom): quartier for quartier in remaining}
    slugs = {quartier.slug for quartier in remaining}
    for item in incoming:
        quartier = matches.get(item.code)
        nom = _unique_name(item, names, quartier)
        geometry = to_geojson(item.geometry)
        if quartier is None:
            quartier = Quartier(
                code=item.code,
                nom=nom,
                slug=_unique_slug(nom, item.code, slugs),
                geometry=geometry,
                schematic=False,
            )
            db.add(quartier)
            report.created.append(item.code)
        elif (quartier.code, quartier.nom, quartier.geometry, quartier.schematic) == (
            item.code,
            nom,
            geometry,
            False,
        ):
            report.unchanged.append(item.code)
            continue
        else:
            if quartier.nom != nom:
                touched_lieux.update(lieu.id for lieu in quartier.lieux)
                names.pop(fold(quartier.nom), None)
            quartier.code, quartier.nom, quartier.geometry, quartier.schematic = (
                item.code,
                nom,
                geometry,
                False,
            )
            report.updated.append(item.code)
        names[fold(nom)] = quartier
    db.flush()

    touched_lieux |= _assign_lieux(db, report)
    _log_index_changes(db, touched_lieux)
    db.flush()
    return report


def _unique_name(item: Incoming, names: dict[str, Quartier], own: Quartier | None) -> str:
    nom = item.nom[:_NAME_LENGTH]
    holder = names.get(fold(nom))
    if holder is None or holder is own:
        return nom
    suffix = f" ({item.code})"
    return item.nom[: _NAME_LENGTH - len(suffix)] + suffix


def _unique_slug(nom: str, code: str, slugs: set[str]) -> str:
    """A slug no quartier of ``slugs`` has (the name's, then the name and code's, then numbered); added."""
    second = f"{nom} {code}" if code else ""
    slug = free_slug(nom, slugs.__contains__, max_length=_SLUG_LENGTH, second_choice=second)
    slugs.add(slug)
    return slug


def _assign_lieux(db: Session, report: LoadReport) -> set[int]:
    """Every lieu with coordinates in the quartier holding it; returns the ids of the lieux that moved."""
    quartiers = list(db.scalars(select(Quartier).order_by(Quartier.id)))
    index = QuartierIndex((q.id, q.code, q.geometry) for q in quartiers)
    with_polygon = {q.id for q in quartiers if q.geometry}
    changed: set[int] = set()
    lieux = db.scalars(
        select(Lieu).where(Lieu.latitude.is_not(None), Lieu.longitude.is_not(None)).order_by(Lieu.id)
    )
    for lieu in lieux:
        if not (math.isfinite(lieu.latitude) and math.isfinite(lieu.longitude)):
            continue
        quartier_id = index.find(lieu.latitude, lieu.longitude)
        if quartier_id is None:
            report.lieux_outside += 1
            # A lieu placed by hand in a quartier without a polygon stays there.
            if lieu.quartier_id is not None and lieu.quartier_id in with_polygon:
                lieu.quartier_id = None
                changed.add(lieu.id)
            continue
        report.lieux_assigned += 1
        if lieu.quartier_id != quartier_id:
            lieu.quartier_id = quartier_id
            changed.add(lieu.id)
    report.lieux_changed = len(changed)
    return changed


def _log_index_changes(db: Session, lieu_ids: set[int]) -> None:
    """The published fiches at the lieux whose quartier changed are re-indexed after commit."""
    ids = sorted(lieu_ids)
    fiche_ids: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        fiche_ids.update(
            db.scalars(
                select(Fiche.id)
                .join(FicheVersion, FicheVersion.id == Fiche.published_version_id)
                .join(version_lieu, version_lieu.c.version_id == FicheVersion.id)
                .where(version_lieu.c.lieu_id.in_(chunk))
            )
        )
    for fiche in db.scalars(select(Fiche).where(Fiche.id.in_(sorted(fiche_ids)))) if fiche_ids else []:
        log_index_change(db, fiche)
