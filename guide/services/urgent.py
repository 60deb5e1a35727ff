"""Urgent changes: a temporary closure or a change of hours goes public at once, reviewed afterwards.

When a partner who cannot publish edits a published fiche, the closures (``fermetures``) and the hours
(``horaires``, ``horaires_precisions``) they changed are published immediately — residents must not find
a closed door — in a version made of the published content plus those fields only. The coordinators find
it in their queue (:func:`unseen`) and mark it seen (:func:`mark_seen`) after a look (post-moderation).
Every other change of the same save keeps the review: it stays in the working copy (``fiches.save``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Fiche, UrgentChange, User, utcnow
from . import fiches

URGENT_FIELDS = ("fermetures", "horaires", "horaires_precisions")
URGENT_LABELS = {
    "fermetures": "fermetures temporaires",
    "horaires": "horaires",
    "horaires_precisions": "horaires",
}


def urgent_fields(fiche: Fiche, data: dict[str, Any]) -> list[str]:
    """The urgent fields ``data`` changes compared with what the public sees now."""
    if fiche.published_version is None or not fiche.is_public:
        return []
    published = fiches.content_of(fiche.published_version)
    changed = []
    for name in URGENT_FIELDS:
        # the same comparison as fiches.save's « nothing changed »
        before = fiches._normalised({name: published.get(name)})[name]
        after = fiches._normalised({name: data.get(name)})[name]
        if before != after:
            changed.append(name)
    return changed


def publish_urgent(
    db: Session, fiche: Fiche, data: dict[str, Any], actor: User | None, base_number: int | None
) -> UrgentChange | None:
    """Publish the urgent fields of ``data`` at once (a version = published content + those fields) and
    record it for the coordinators. None when nothing urgent changed, or when the form was based on an
    older version (the save that follows reports the conflict)."""
    latest = fiche.current_version
    if latest is None or (base_number is not None and latest.number != base_number):
        return None
    changed = urgent_fields(fiche, data)
    if not changed:
        return None
    content = fiches.content_of(fiche.published_version)
    for name in changed:
        content[name] = data.get(name)
    what = " et ".join(dict.fromkeys(URGENT_LABELS[name] for name in changed))
    note = f"Changement urgent ({what}) publié sans attendre ; la coordination le relira"
    version = fiches.save(db, fiche, content, actor, base_number=latest.number, can_publish=True, note=note)
    if version is not None and fiche.published_version_id != fiche.current_version_id:
        # the fiche had a working copy (a draft over the published version): publish this version
        fiches.transition(db, fiche, "publish", actor, note)
    if version is None:
        return None
    change = UrgentChange(
        fiche=fiche, version_id=version.id, fields=changed, author=actor, created_at=utcnow()
    )
    db.add(change)
    db.flush()
    return change


def unseen(db: Session, limit: int = 200) -> list[UrgentChange]:
    """Urgent changes no coordinator has looked at yet, oldest first."""
    return list(
        db.scalars(
            select(UrgentChange)
            .where(UrgentChange.seen_at.is_(None))
            .options(selectinload(UrgentChange.fiche).selectinload(Fiche.organisation))
            .order_by(UrgentChange.created_at)
            .limit(limit)
        )
    )


def mark_seen(change: UrgentChange, user: User | None) -> None:
    if change.seen_at is None:
        change.seen_at = utcnow()
        change.seen_by = user
