"""The guide's own taxonomy of thématiques, as the coordination edits it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Thematique
from ..text import slugify


class ThematiqueConflict(Exception):
    """Another thématique has this name (the same slug, in URLs and filters). ``message`` is French."""

    message = "Une thématique porte déjà ce nom."

    def __init__(self) -> None:
        super().__init__(self.message)


def add_thematique(db: Session, label: str, icon: str, position: int, di_codes: Iterable[str]) -> Thematique:
    """A new thématique; :class:`ThematiqueConflict` when its slug is taken (a slug names one thématique in
    search filters and saved selections, so it is never numbered)."""
    slug = slugify(label)
    if db.scalar(select(Thematique.id).where(Thematique.slug == slug)) is not None:
        raise ThematiqueConflict()
    thematique = Thematique(slug=slug, label=label, icon=icon, position=position, di_codes=sorted(di_codes))
    db.add(thematique)
    return thematique
