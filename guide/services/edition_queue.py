"""The queue of the annual edition's generations: one at a time, and a generation without news is lost.

The generation itself (selection, document, PDF) is in :mod:`guide.print`; this module decides
whether a generation may start and when a started one is taken as interrupted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Edition, EditionStatus, utcnow

# A generation that has not reported any progress for this long is taken as interrupted.
STALE_AFTER = dt.timedelta(minutes=5)


class AnotherEditionRunning(Exception):
    """Another edition is being generated: one at a time, so that the site stays fast. ``message`` is
    French, for the page."""

    def __init__(self, other: Edition) -> None:
        self.other = other
        self.message = (
            f"L'édition « {other.title} » est en cours de génération : attendez qu'elle soit terminée "
            "(une seule à la fois, pour que le site reste rapide)."
        )
        super().__init__(self.message)


def is_stale(edition: Edition, now: dt.datetime | None = None) -> bool:
    """A generation asked for or running, with no news for :data:`STALE_AFTER`: its process is gone."""
    return edition.busy and (now or utcnow()) - edition.updated_at > STALE_AFTER


def enqueue(db: Session, edition: Edition) -> bool:
    """Queue the generation of ``edition``: True when queued, False when it is already being generated
    (nothing to do). :class:`AnotherEditionRunning` when another edition's generation is under way."""
    others = db.scalars(
        select(Edition).where(
            Edition.id != edition.id,
            Edition.status.in_([EditionStatus.QUEUED, EditionStatus.RUNNING]),
        )
    ).all()
    running = [other for other in others if not is_stale(other)]
    if running:
        raise AnotherEditionRunning(running[0])
    if edition.busy and not is_stale(edition):
        return False
    edition.status = EditionStatus.QUEUED
    edition.progress = 0
    edition.message = "En attente du démarrage"
    edition.updated_at = utcnow()
    return True
