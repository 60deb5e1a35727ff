"""One quartier from the coordination forms: add, rename or recode it, refused (:class:`QuartierConflict`,
beside the right field) when another quartier has its code or a name written almost the same."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Quartier
from ...slugs import unique_slug
from ...text import fold

_SLUG_LENGTH = Quartier.__table__.c.slug.type.length


class QuartierConflict(Exception):
    """Another quartier already has this code or this name (or a name written almost the same: same
    letters once accents, case and punctuation are set aside). ``field`` is the form field to show the
    French ``message`` next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _same_name_key(nom: str) -> str:
    # « Saint Jacques Nord », « Saint-Jacques-Nord » and « saint jacques  nord » are one name to a visitor
    return " ".join(re.findall(r"[a-z0-9]+", fold(nom))) or " ".join(nom.split())


def check_quartier(db: Session, nom: str, code: str, quartier: Quartier | None = None) -> None:
    """Raise :class:`QuartierConflict` when another quartier has this code, this name or a name written
    almost the same."""
    others = [q for q in db.scalars(select(Quartier).order_by(Quartier.id)) if q is not quartier]
    for other in others:
        if other.code == code:
            raise QuartierConflict("code", "Ce code est déjà utilisé par un autre quartier.")
    key = _same_name_key(nom)
    for other in others:
        if other.nom == nom:
            raise QuartierConflict("nom", "Un quartier porte déjà ce nom.")
        if _same_name_key(other.nom) == key:
            raise QuartierConflict(
                "nom", f"Un quartier porte déjà un nom qui s'écrit presque pareil : « {other.nom} »."
            )


def unique_quartier_slug(db: Session, nom: str) -> str:
    """The slug of ``nom`` (for URLs), with -2, -3… added if another quartier has it already (two long
    names that begin alike, names without letters)."""
    return unique_slug(db, Quartier, nom, max_length=_SLUG_LENGTH)


def add_quartier(db: Session, nom: str, code: str) -> Quartier:
    """A new quartier without contour; :class:`QuartierConflict` if its code or name is taken."""
    check_quartier(db, nom, code)
    quartier = Quartier(nom=nom, code=code, slug=unique_quartier_slug(db, nom))
    _in_savepoint(db, lambda: db.add(quartier))
    return quartier


def update_quartier(db: Session, quartier: Quartier, nom: str, code: str) -> None:
    """Rename or recode ``quartier`` (its slug, in URLs, stays); :class:`QuartierConflict` if taken."""
    check_quartier(db, nom, code, quartier)

    def change() -> None:
        quartier.nom, quartier.code = nom, code

    _in_savepoint(db, change)


def _in_savepoint(db: Session, change: Callable[[], None]) -> None:
    # another request may have taken the name or code since the check: a conflict, not a 500
    db.flush()
    try:
        with db.begin_nested():
            change()
            db.flush()
    except IntegrityError:
        raise QuartierConflict(
            "nom", "Un autre quartier vient d'être enregistré avec ce nom ou ce code."
        ) from None
