"""The agenda in the public search: published events not over yet, found by their words.

A separate small index, not documents in the fiches' index: the fiches' index feeds the guide's counts
(services per thématique and quartier on the home page, facets, « N services »), its ranking figures and
its change log keyed by fiche; events in it would change all of those. Events are few (the read service
scans at most ``MAX_EVENTS_SCANNED``), so this index lives in memory (Whoosh's RAM storage, the guide's
French analyzer) and is rebuilt whole when the published events change.

Kept in step without a change log of its own: before a search, one aggregate query over the published
events (count, ids, last edit, last change of state — the state column is indexed) gives a stamp; a
publication, an archiving, a sent-back or edited event changes it and the next search rebuilds (500
events: about 2 s, during which the other searches use the previous index). Each process keeps its own,
as with the fiches' index.

Date at query time: a hit whose last occurrence has ended is dropped even before the next rebuild, and
the events are read again from the database (published, not over) before they are shown.
"""

from __future__ import annotations

import collections
import datetime as dt
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from whoosh import scoring
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import And, Or, Term

from guide.models import Event, Lieu, State
from guide.models.meta import utcnow
from guide.services import agenda
from guide.vocabulary import PUBLICS, labels

from .analysis import analyse, french_analyzer

FIELD_WEIGHTS: dict[str, float] = {
    "titre": 6.0,
    "thematiques": 3.0,
    "publics": 3.0,
    "description": 1.5,
    "organisation": 1.0,
    "lieu": 1.0,
    "autres": 0.8,
}
MAX_TERMS = 12  # words of a query that count (as for fiches)
MAX_HITS = 20  # events a search may return
FOUND_CACHE = 256  # searches whose event ids are kept (per index, per minute)


@dataclass(frozen=True)
class EventFilters:
    """The search's filters that apply to events (thématique, public, quartier, gratuit)."""

    thematique: str | None = None
    public: str | None = None
    quartier: str | None = None
    gratuit: bool = False

    def accepts(self, data: Mapping[str, Any]) -> bool:
        if self.thematique and self.thematique not in data["thematiques"]:
            return False
        if self.public and self.public not in data["publics"]:
            return False
        if self.quartier and data["quartier"] != self.quartier:
            return False
        return not (self.gratuit and not data["gratuit"])


def _schema() -> Schema:
    analyzer = french_analyzer()
    fields = {name: TEXT(analyzer=analyzer) for name in FIELD_WEIGHTS}
    return Schema(id=ID(stored=True, unique=True), data=STORED(), **fields)


def _document(event: Event) -> dict[str, Any]:
    lieu = event.lieu
    quartier = lieu.quartier if lieu is not None else None
    return {
        "id": str(event.id),
        "titre": event.titre,
        "description": event.description or "",
        "thematiques": " ".join(t.label for t in event.thematiques),
        "publics": " ".join(labels(PUBLICS, event.publics or [])),
        "organisation": " ".join(filter(None, [event.organisation.nom, event.organisation.sigle])),
        "lieu": " ".join(
            filter(
                None,
                [
                    lieu.nom if lieu else "",
                    lieu.one_line_address if lieu else "",
                    event.adresse,
                    quartier.nom if quartier else "",
                ],
            )
        ),
        "autres": " ".join(filter(None, [event.kind_label, event.inscription_label, event.tarif])),
        "data": {
            "last_end": event.last_ends_at.timestamp(),
            "thematiques": [t.slug for t in event.thematiques],
            "publics": list(event.publics or []),
            "quartier": quartier.slug if quartier is not None else None,
            "gratuit": bool(event.gratuit),
        },
    }


class _MemoryStorage(RamStorage):
    """Whoosh's RamStorage writes its temporary files in ``<tmp>/MAIN.tmp``, a directory every in-memory index
    of every process shares and each writer deletes when it is done: two builds at once (two threads, two
    servers, two test workers) lost each other's files: a 500 on the search. Temporary files in memory."""

    def temp_storage(self, name: str | None = None) -> RamStorage:
        return RamStorage()


class EventIndex:
    """The in-memory index of the published events not over yet, rebuilt when their stamp changes."""

    def __init__(self, stamp_seconds: float = 0.0) -> None:
        # the stamp is read again at most every ``stamp_seconds`` (the search service's poll interval: an
        # event changed by another process shows within it; one changed by this process at once, see
        # :meth:`expire`); 0: before every search
        self.stamp_seconds = stamp_seconds
        self._checked = -math.inf
        self._lock = threading.Lock()
        self._index: Any = None
        self._stamp: tuple[Any, ...] | None = None
        self._building = False
        self.rebuilds = 0
        # the ids found, by (words, filters, limit, minute), for the index they were found in: the same
        # words come back (the results page and its facets); bounded, emptied with each new index
        self._found: collections.OrderedDict[tuple[Any, ...], list[int]] = collections.OrderedDict()
        self._found_in: Any = None

    def expire(self) -> None:
        """Read the stamp again at the next search (this process changed an event)."""
        with self._lock:
            self._checked = -math.inf

    @staticmethod
    def stamp(db: Session) -> tuple[Any, ...]:
        row = db.execute(
            select(
                func.count(Event.id),
                func.coalesce(func.sum(Event.id), 0),
                func.max(Event.updated_at),
                func.max(Event.state_changed_at),
            ).where(Event.state == State.PUBLISHED)
        ).one()
        return tuple(str(value) for value in row)

    def _build(self, db: Session) -> Any:
        now = utcnow()
        index = _MemoryStorage().create_index(_schema())
        writer = index.writer()
        query = (
            select(Event)
            .where(Event.state == State.PUBLISHED, Event.last_ends_at > now)
            .order_by(Event.starts_at, Event.id)
            .limit(agenda.MAX_EVENTS_SCANNED)
            .options(
                selectinload(Event.thematiques),
                selectinload(Event.lieu).selectinload(Lieu.quartier),
                selectinload(Event.organisation),
            )
        )
        for event in db.scalars(query):
            writer.add_document(**_document(event))
        writer.commit()
        return index

    def fresh(self) -> Any | None:
        """The index in use if its stamp was read less than ``stamp_seconds`` ago (no database needed),
        else None (:meth:`current` reads the stamp)."""
        with self._lock:
            if self._index is not None and time.monotonic() - self._checked < self.stamp_seconds:
                return self._index
        return None

    def version(self, db: Session) -> int:
        """The number of the index in use (:meth:`current`), which each rebuild increments: what is built from
        the events found may be kept under it (unlike the index's ``id()``, which a new index may reuse once
        the old one is freed: an archived event then stayed in a kept answer)."""
        while True:
            index = self.fresh() or self.current(db)
            with self._lock:
                if index is self._index:
                    return self.rebuilds
            # another thread installed a newer index meanwhile: the number of that one

    def current(self, db: Session) -> Any:
        """The index of the events as they are; while another thread rebuilds it, the previous one (the
        events found are read again from the database before they are shown: an event archived meanwhile
        is not)."""
        checked = time.monotonic()
        with self._lock:
            if self._index is not None and checked - self._checked < self.stamp_seconds:
                return self._index
        stamp = self.stamp(db)
        with self._lock:
            if self._index is not None and (stamp == self._stamp or self._building):
                if stamp == self._stamp:
                    self._checked = checked
                return self._index
            self._building = True
        try:
            index = self._build(db)
            with self._lock:
                self._index, self._stamp, self._checked = index, stamp, checked
                self.rebuilds += 1
            return index
        finally:
            with self._lock:
                self._building = False

    def search(
        self,
        db: Session,
        q: str,
        filters: EventFilters | None = None,
        *,
        limit: int = 5,
        now: dt.datetime | None = None,
    ) -> list[int]:
        """Ids of published events not over whose words match every word of ``q``, best first."""
        terms = list(dict.fromkeys(analyse(q or "")))[:MAX_TERMS]
        if not terms:
            return []
        limit = max(1, min(limit, MAX_HITS))
        filters = filters or EventFilters()
        now = now or utcnow()
        now_ts = now.timestamp()
        index = self.current(db)
        key = (tuple(terms), filters, limit, now.replace(second=0, microsecond=0))
        with self._lock:
            if self._found_in is not index:
                self._found.clear()
                self._found_in = index
            cached = self._found.get(key)
        if cached is not None:
            return list(cached)  # events ended since are dropped when read again (:func:`found_events`)
        query = And(
            [
                Or([Term(field, term, boost=weight) for field, weight in FIELD_WEIGHTS.items()])
                for term in terms
            ]
        )
        found: list[int] = []
        with index.searcher(weighting=scoring.BM25F()) as searcher:
            for hit in searcher.search(query, limit=agenda.MAX_EVENTS_SCANNED):
                data = hit["data"]
                if data["last_end"] <= now_ts or not filters.accepts(data):
                    continue
                found.append(int(hit["id"]))
                if len(found) >= limit:
                    break
        with self._lock:
            if self._found_in is index:
                self._found[key] = found
                while len(self._found) > FOUND_CACHE:
                    self._found.popitem(last=False)
        return list(found)


def found_events(db: Session, ids: list[int], *, now: dt.datetime | None = None) -> list[Event]:
    """The events of ``ids`` the public may still see (published, not over), in the order of ``ids``."""
    if not ids:
        return []
    now = now or utcnow()
    rows = db.scalars(
        select(Event)
        .where(Event.id.in_(ids), Event.state == State.PUBLISHED, Event.last_ends_at > now)
        .options(selectinload(Event.lieu).selectinload(Lieu.quartier), selectinload(Event.organisation))
    )
    by_id = {event.id: event for event in rows}
    return [by_id[i] for i in ids if i in by_id]
