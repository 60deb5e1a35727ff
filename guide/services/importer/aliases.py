"""Other names of a quartier, kept by the coordination, under which imports recognise it (« Jaude » for
« Centre-ville - Jaude », « CDN » for « La Croix-de-Neyrat »)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Quartier
from ...models.imports import QuartierAlias
from .extension import quartier_key

MAX_ALIASES = 30
ALIAS_MAX_LENGTH = 120


class AliasConflict(Exception):
    """An alias cannot be kept; ``message`` (French) says why, for the form's « aliases » field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def alias_labels(text: str) -> list[str]:
    """The aliases typed one per line (or separated by « ; »), blanks and repeats left out."""
    labels: dict[str, str] = {}
    for line in text.replace(";", "\n").splitlines():
        label = " ".join(line.split())
        if label and quartier_key(label) not in labels:
            labels[quartier_key(label)] = label
    return list(labels.values())


def check_aliases(db: Session, labels: list[str], quartier: Quartier | None, nom: str, code: str) -> None:
    """:class:`AliasConflict` when one of ``labels`` names another quartier, is too long or when there are too
    many (``quartier`` None for a quartier being added, ``nom`` and ``code`` its coming name and code)."""
    _wanted(db, labels, quartier, nom, code)


def set_aliases(db: Session, quartier: Quartier, labels: list[str]) -> None:
    """Replace the quartier's aliases (checked as :func:`check_aliases` does; nothing changes on conflict)."""
    wanted = _wanted(db, labels, quartier, quartier.nom, quartier.code)
    current = {alias.key: alias for alias in quartier.aliases}
    for key, alias in current.items():
        if key not in wanted:
            quartier.aliases.remove(alias)
    db.flush()
    for key, label in wanted.items():
        if key in current:
            current[key].label = label
        else:
            quartier.aliases.append(QuartierAlias(label=label, key=key))
    db.flush()


def _wanted(db: Session, labels: list[str], quartier: Quartier | None, nom: str, code: str) -> dict[str, str]:
    if len(labels) > MAX_ALIASES:
        raise AliasConflict(f"{MAX_ALIASES} autres noms au plus.")
    own = {quartier_key(name) for name in (nom, code) if name}
    others: dict[str, str] = {}
    query = select(Quartier)
    if quartier is not None:
        query = query.where(Quartier.id != quartier.id)
    for other in db.scalars(query):
        for name in (other.nom, other.code, other.slug):
            if name:
                others.setdefault(quartier_key(name), other.nom)
    aliases = select(QuartierAlias)
    if quartier is not None:
        aliases = aliases.where(QuartierAlias.quartier_id != quartier.id)
    for alias in db.scalars(aliases):
        others.setdefault(alias.key, alias.quartier.nom)
    wanted: dict[str, str] = {}
    for label in labels:
        key = quartier_key(label)
        if len(label) > ALIAS_MAX_LENGTH:
            raise AliasConflict(f"« {label[:40]}… » est trop long ({ALIAS_MAX_LENGTH} caractères au plus).")
        if not key:
            raise AliasConflict(f"« {label} » ne contient ni lettre ni chiffre.")
        if key in others:
            raise AliasConflict(f"« {label} » désigne déjà le quartier « {others[key]} ».")
        if key not in own:
            wanted.setdefault(key, label)
    return wanted
