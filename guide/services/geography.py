"""Quartier geometry: which quartier holds a point.

Quartier polygons are stored as GeoJSON (WGS84 lon/lat). Reading and parsing them costs far more than
the point-in-polygon test itself, so each session keeps an index of the quartiers (a shapely ``STRtree`` of
prepared geometries: a look-up only tests the few polygons whose bounding box holds the point) until a flush
changes a quartier or its transaction ends, and parsed geometries are cached for every session, keyed by a
digest of their GeoJSON (a changed polygon gets a new entry).

When polygons overlap (an IRIS and a QPV drawn over it), the smallest quartier holding the point wins,
then the smallest code: the answer does not depend on the order of the rows.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Quartier

_PARSED: OrderedDict[str, BaseGeometry] = OrderedDict()
_PARSED_KEPT = 4096
_PARSED_LOCK = threading.Lock()


def parse_geometry(geometry: dict[str, Any]) -> BaseGeometry:
    """The shapely (prepared) geometry of a GeoJSON geometry, parsed once per distinct geometry."""
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    with _PARSED_LOCK:
        parsed = _PARSED.get(digest)
        if parsed is not None:
            _PARSED.move_to_end(digest)
            return parsed
    parsed = shape(geometry)
    shapely.prepare(parsed)  # prepared: fast repeated covers()
    with _PARSED_LOCK:
        _PARSED[digest] = parsed
        while len(_PARSED) > _PARSED_KEPT:
            _PARSED.popitem(last=False)
    return parsed


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


_SESSION_KEY = "guide.quartier_index"


def _quartier_changes(session: Session) -> bool:
    return any(
        isinstance(obj, Quartier) for obj in itertools.chain(session.new, session.dirty, session.deleted)
    )


def _forget_after_flush(session: Session, flush_context: Any) -> None:
    if _SESSION_KEY in session.info and _quartier_changes(session):
        del session.info[_SESSION_KEY]


def _forget_after_transaction(session: Session, *args: Any) -> None:
    session.info.pop(_SESSION_KEY, None)  # another transaction may see other polygons


# Registered on every session factory by guide.db.make_session_factory.
SESSION_LISTENERS = (
    ("after_flush", _forget_after_flush),
    ("after_commit", _forget_after_transaction),
    ("after_rollback", _forget_after_transaction),
    ("after_soft_rollback", _forget_after_transaction),
)


def quartier_index(db: Session) -> QuartierIndex:
    """The index of the quartiers as this session sees them.

    Kept in the session until a flush changes a quartier or the transaction ends, so that an import
    placing thousands of lieux reads the polygons once; parsed geometries are shared by all sessions.
    (A bulk ``UPDATE quartier`` through ``db.execute`` is not seen: change quartiers through the ORM.)
    """
    if _quartier_changes(db):
        db.flush()
    index = db.info.get(_SESSION_KEY)
    if index is None:
        rows = db.execute(select(Quartier.id, Quartier.code, Quartier.geometry).order_by(Quartier.id))
        index = QuartierIndex(rows)
        db.info[_SESSION_KEY] = index
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
