"""Quartier geometry: which quartier holds a point.

Quartier polygons are stored as GeoJSON (WGS84 lon/lat). Turning them into shapely geometries costs far
more than the point-in-polygon test itself, so the parsed, prepared geometry of each quartier is cached,
keyed by the quartier's id and a digest of its geometry (a changed polygon gets a new entry), and the
quartiers are put in a shapely ``STRtree`` so that a look-up only tests the few polygons whose bounding
box holds the point.

When polygons overlap (an IRIS and a QPV drawn over it), the smallest quartier holding the point wins,
then the smallest code: the answer does not depend on the order of the rows.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Quartier


def geometry_digest(geometry: dict[str, Any]) -> str:
    """A short, stable digest of a GeoJSON geometry (the cache key of its parsed form)."""
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=4096)
def _parsed(digest: str, text: str) -> BaseGeometry:
    geometry = shape(json.loads(text))
    shapely.prepare(geometry)  # prepared: fast repeated covers()
    return geometry


def parse_geometry(geometry: dict[str, Any]) -> BaseGeometry:
    """The shapely (prepared) geometry of a GeoJSON geometry, parsed once per distinct geometry."""
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
    return _parsed(hashlib.blake2b(text.encode(), digest_size=16).hexdigest(), text)


def geometry_of(quartier: Quartier) -> BaseGeometry | None:
    if not quartier.geometry:
        return None
    return parse_geometry(quartier.geometry)


@dataclass(frozen=True)
class _Entry:
    quartier_id: int
    code: str
    geometry: BaseGeometry
    area: float


class QuartierIndex:
    """Quartier polygons in an STRtree: ``find(lat, lon)`` gives the id of the quartier holding a point."""

    def __init__(self, rows: Iterable[tuple[int, str, dict[str, Any] | None]]) -> None:
        entries = []
        for quartier_id, code, geometry in rows:
            if not geometry:
                continue
            parsed = parse_geometry(geometry)
            if parsed.is_empty:
                continue
            entries.append(_Entry(quartier_id, code, parsed, parsed.area))
        self._entries = entries
        self._tree = STRtree([entry.geometry for entry in entries]) if entries else None

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, latitude: float | None, longitude: float | None) -> int | None:
        if latitude is None or longitude is None or self._tree is None:
            return None
        point = Point(longitude, latitude)
        best: _Entry | None = None
        for position in self._tree.query(point):
            entry = self._entries[int(position)]
            if not entry.geometry.covers(point):
                continue
            if best is None or (entry.area, entry.code) < (best.area, best.code):
                best = entry
        return best.quartier_id if best is not None else None


_INDEXES: OrderedDict[tuple[tuple[int, str, str], ...], QuartierIndex] = OrderedDict()
_INDEXES_LOCK = threading.Lock()
_INDEXES_KEPT = 8


def quartier_index(db: Session) -> QuartierIndex:
    """The index of the quartiers currently in the database (cached while their geometries don't change)."""
    rows = [
        (quartier_id, code, geometry)
        for quartier_id, code, geometry in db.execute(
            select(Quartier.id, Quartier.code, Quartier.geometry).order_by(Quartier.id)
        )
        if geometry
    ]
    key = tuple((quartier_id, code, geometry_digest(geometry)) for quartier_id, code, geometry in rows)
    with _INDEXES_LOCK:
        index = _INDEXES.get(key)
        if index is not None:
            _INDEXES.move_to_end(key)
            return index
    index = QuartierIndex(rows)
    with _INDEXES_LOCK:
        _INDEXES[key] = index
        while len(_INDEXES) > _INDEXES_KEPT:
            _INDEXES.popitem(last=False)
    return index


def quartier_for(db: Session, latitude: float | None, longitude: float | None) -> Quartier | None:
    """The quartier whose polygon contains the point, or None (the smallest one where polygons overlap)."""
    if latitude is None or longitude is None:
        return None
    quartier_id = quartier_index(db).find(latitude, longitude)
    return db.get(Quartier, quartier_id) if quartier_id is not None else None


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
