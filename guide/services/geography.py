"""Quartier geometry: which quartier holds a point."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Quartier


@lru_cache(maxsize=512)
def _geometry(key: str) -> BaseGeometry:
    import json

    return shape(json.loads(key))


def geometry_of(quartier: Quartier) -> BaseGeometry | None:
    if not quartier.geometry:
        return None
    import json

    return _geometry(json.dumps(quartier.geometry, sort_keys=True))


def quartier_for(db: Session, latitude: float | None, longitude: float | None) -> Quartier | None:
    """The quartier whose polygon contains the point, or None."""
    if latitude is None or longitude is None:
        return None
    point = Point(longitude, latitude)
    for quartier in db.scalars(select(Quartier).where(Quartier.geometry.is_not(None))):
        geometry = geometry_of(quartier)
        if geometry is not None and geometry.covers(point):
            return quartier
    return None


def find_quartier(db: Session, value: Any) -> Quartier | None:
    """A quartier by its code or its name (case and accents ignored)."""
    from ..text import fold

    if not value:
        return None
    text = str(value).strip()
    quartier = db.scalar(select(Quartier).where(Quartier.code == text))
    if quartier is not None:
        return quartier
    for candidate in db.scalars(select(Quartier)):
        if fold(candidate.nom) == fold(text) or fold(candidate.code) == fold(text):
            return candidate
    return None
