"""What the public sees of a fiche also comes from its organisation, its lieux and its thématiques.

When one of those changes, every public fiche that shows it gets a change-log row (IndexChange) in the
same flush, so the search index — derived data — follows without any view having to remember it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Fiche, IndexChange, Lieu, Organisation, Thematique, utcnow
from ..models.fiche import version_lieu, version_thematique


def _public(query: Any) -> Any:
    return query.where(Fiche.is_public)


def affected_fiches(session: Session, objects: list[Any]) -> set[int]:
    lieux = [o.id for o in objects if isinstance(o, Lieu) and o.id is not None]
    organisations = [o.id for o in objects if isinstance(o, Organisation) and o.id is not None]
    thematiques = [o.id for o in objects if isinstance(o, Thematique) and o.id is not None]
    ids: set[int] = set()
    if lieux:
        versions = select(version_lieu.c.version_id).where(version_lieu.c.lieu_id.in_(lieux))
        ids |= set(session.scalars(_public(select(Fiche.id).where(Fiche.published_version_id.in_(versions)))))
    if organisations:
        ids |= set(session.scalars(_public(select(Fiche.id).where(Fiche.organisation_id.in_(organisations)))))
    if thematiques:
        versions = select(version_thematique.c.version_id).where(
            version_thematique.c.thematique_id.in_(thematiques)
        )
        ids |= set(session.scalars(_public(select(Fiche.id).where(Fiche.published_version_id.in_(versions)))))
    return ids


def before_flush(session: Session, _context: Any, _instances: Any) -> None:
    changed = [
        obj
        for obj in session.dirty
        if isinstance(obj, Lieu | Organisation | Thematique)
        and session.is_modified(obj, include_collections=True)
    ]
    if not changed:
        return
    with session.no_autoflush:
        for fiche_id in sorted(affected_fiches(session, changed)):
            session.add(IndexChange(fiche_id=fiche_id, at=utcnow()))
