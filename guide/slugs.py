"""Unique slugs (the names in URLs: /structure/secours-populaire, /quartier/les-vergnes).

One rule for every table that has a ``slug`` column: the slug of the name (:func:`guide.text.slugify`),
and when another row has it, ``-2``, ``-3``… added, the whole kept within ``max_length``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .text import slugify

SLUG_LENGTH = 80


def free_slug(
    name: str,
    is_taken: Callable[[str], bool],
    *,
    max_length: int = SLUG_LENGTH,
    second_choice: str = "",
) -> str:
    """The slug of ``name`` that ``is_taken`` accepts; ``second_choice`` (e.g. the name and a code) is
    slugified and tried before numbering."""
    slug = slugify(name, max_length=max_length)
    if is_taken(slug) and second_choice:
        slug = slugify(second_choice, max_length=max_length)
    base, n = slug, 1
    while is_taken(slug):
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug


def unique_slug(
    db: Session,
    model: Any,
    name: str,
    *,
    max_length: int = SLUG_LENGTH,
    second_choice: str = "",
    reserved: Collection[str] = (),
) -> str:
    """A slug for a new row of ``model`` (a mapped class with a ``slug`` column) that no row of the
    database has, nor any of ``reserved`` (slugs given to rows not yet flushed)."""
    column = model.slug

    def is_taken(slug: str) -> bool:
        return slug in reserved or db.scalar(select(column).where(column == slug).limit(1)) is not None

    return free_slug(name, is_taken, max_length=max_length, second_choice=second_choice)
