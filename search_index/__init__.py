"""Full-text search of the public guide (Whoosh), behind the project's own interface.

* :mod:`.analysis` — the French analyzer; :mod:`.schema` — the index's fields and weights;
* :mod:`.indexer` — documents built from the fiches' published versions, kept in step through the change
  log (:class:`guide.models.IndexChange`), with the pointer stored beside the index;
* :mod:`.service` — :class:`SearchService`: polling the change log, searching, facet counts, sorting;
  it uses :mod:`.params` (the parameters, their validation and bounds), :mod:`.synonyms` (the query as
  units), :mod:`.snapshot` (the index's columns in memory and the BM25 ranking), :mod:`.results` (hits),
  :mod:`.highlight` (``<mark>``) and :mod:`.suggestions` (« Vouliez-vous dire »);
* :mod:`.events` — the agenda's published events, a small index of their own (``request.search.events``);
* :mod:`.misses` — searches without results, counted in memory and written in batches off the request.

``includeme`` opens (or creates) the index in ``<var_dir>/index`` (``search.index_dir`` or the
``GUIDE_SEARCH_INDEX_DIR`` environment variable to put it elsewhere — each process may keep its own),
catches up with the change log, gives views ``request.search`` and applies new change-log rows after
each commit of a request that wrote some.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from guide.db import listen_sessions
from guide.models import Event, IndexChange
from guide.settings import Settings, coerce, settings_of

from . import realwords
from .events import EventFilters, EventIndex, found_events
from .misses import MissRecorder
from .service import (
    FACETS,
    SORTS,
    FacetValue,
    Hit,
    SearchParameterError,
    SearchParams,
    SearchResults,
    SearchService,
)

__all__ = [
    "DEMO_SYNONYMS",
    "FACETS",
    "SORTS",
    "BoundSearch",
    "EventFilters",
    "FacetValue",
    "Hit",
    "MissRecorder",
    "SearchParameterError",
    "SearchParams",
    "SearchResults",
    "SearchService",
    "includeme",
    "seed_synonyms",
]

logger = logging.getLogger(__name__)

_EVENT_INDEXES: weakref.WeakKeyDictionary[SearchService, EventIndex] = weakref.WeakKeyDictionary()
_CHANGED = "search_index.changed"  # session.info flag: this session flushed IndexChange rows
_EVENTS_CHANGED = "search_index.events_changed"  # session.info flag: this session flushed an event
AFTER_COMMIT_TIMEOUT = 1.0  # seconds a request waits for a busy index (a rebuild) before leaving it to polls


def seed_synonyms(db: Session) -> int:
    """Add the demo's synonym groups that are not there yet; returns how many were added."""
    from guide.services.demo import ensure_synonyms

    return ensure_synonyms(db)


def __getattr__(name: str) -> Any:
    # The demo's synonyms, read when asked: guide.services.demo imports the whole import pipeline (~1 s of
    # guide-reindex's start-up, which does not use it).
    if name == "DEMO_SYNONYMS":
        from guide.services.demo import DEMO_SYNONYMS

        return DEMO_SYNONYMS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class BoundSearch:
    """``request.search``: the process's :class:`SearchService`, with the request's database session
    for polling the change log (queries without results are counted off the request: :mod:`.misses`)."""

    def __init__(self, service: SearchService, request: Any) -> None:
        self.service = service
        self.request = request

    def _db(self) -> Session | None:
        """The request's session if it has one already, else None: the service then opens a short one of
        its own when it reads the database (a poll every ``poll_seconds``, the catalogue once). A cached
        search costs no session: joining one to the request's transaction was a quarter of a cached API
        answer's time. Without a session of the request nothing of it is uncommitted: both see the same."""
        return self.request.__dict__.get("dbsession")  # type: ignore[no-any-return]

    def search(self, q: str | None = "", **kwargs: Any) -> SearchResults:
        kwargs.setdefault("db", self._db())
        return self.service.search(q, **kwargs)

    def parse_params(self, params: Any) -> SearchParams:
        return self.service.parse_params(params, db=self._db())

    def search_params(self, params: SearchParams, **kwargs: Any) -> SearchResults:
        """Search with already validated parameters (:meth:`parse_params`)."""
        values = {name: getattr(params, name) for name in SearchParams.__dataclass_fields__}
        return self.search(values.pop("q"), **values, **kwargs)

    def _event_index(self) -> EventIndex:
        index = _EVENT_INDEXES.get(self.service)
        if index is None:
            index = _EVENT_INDEXES.setdefault(
                self.service, EventIndex(stamp_seconds=self.service.poll_seconds)
            )
        return index

    def events(self, q: str, filters: EventFilters | None = None, *, limit: int = 5) -> list[Any]:
        """Published events not over whose words match ``q`` (the « Agenda » block of the results): a small
        index of their own (:mod:`.events`), one per search service."""
        ids = self._event_index().search(self.request.dbsession, q, filters, limit=limit)
        return found_events(self.request.dbsession, ids)

    def events_version(self) -> Any:
        """A value that changes whenever the published events do (the events' index in use): what is
        built from the events found may be kept under it."""
        return self._event_index().version(self.request.dbsession)

    def synonyms_changed(self) -> None:
        """Call after changing synonyms: they are reloaded once the request's transaction commits."""
        self.request.tm.get().addAfterCommitHook(lambda ok: ok and self.service.invalidate())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.service, name)


def index_dir(settings: Settings | Mapping[str, Any]) -> Path:
    typed = coerce(settings)
    configured = os.environ.get("GUIDE_SEARCH_INDEX_DIR") or typed.search_index_dir
    return Path(configured) if configured else Path(typed.var_dir) / "index"


def _flag_index_changes(session: Session, _flush_context: Any) -> None:
    # after_flush: ``new``, ``dirty`` and ``deleted`` still hold what was flushed
    if not session.info.get(_CHANGED) and any(isinstance(obj, IndexChange) for obj in session.new):
        session.info[_CHANGED] = True
    if not session.info.get(_EVENTS_CHANGED) and any(
        isinstance(obj, Event) for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info[_EVENTS_CHANGED] = True


def _after_commit(success: bool, request: Any) -> None:
    session = request.__dict__.get("dbsession")
    if not success or session is None:
        return
    service = request.registry["search"]
    if session.info.pop(_EVENTS_CHANGED, False) and service in _EVENT_INDEXES:
        _EVENT_INDEXES[service].expire()  # this process's change: the next search reads the stamp again
    if session.info.pop(_CHANGED, False):
        service.catch_up(timeout=AFTER_COMMIT_TIMEOUT)


def _write_misses(request: Any) -> None:
    request.registry["search"].misses.after_request()


def _on_new_request(event_: Any) -> None:
    request = event_.request
    request.add_finished_callback(_write_misses)
    try:
        transaction = request.tm.get()
    except Exception:  # noqa: BLE001 - no transaction for this request (pyramid_tm inactive): nothing to do
        return
    transaction.addAfterCommitHook(_after_commit, args=(request,))


def includeme(config: Any) -> None:
    from pyramid.events import NewRequest

    settings = settings_of(config.registry)
    factory = config.registry["dbsession_factory"]
    service = SearchService(
        index_dir(settings),
        factory,
        poll_seconds=settings.search_poll_seconds,
        misses_flush_seconds=settings.search_misses_flush_seconds,
    )
    config.registry["search"] = service
    service.catch_up()  # a process that starts catches up with what was committed while it was away
    realwords.warm_up()  # the word lists that tell typos from real words, read off the first request
    listen_sessions(factory, [("after_flush", _flag_index_changes)])
    config.add_subscriber(_on_new_request, NewRequest)
    config.add_request_method(
        lambda request: BoundSearch(request.registry["search"], request), "search", reify=True
    )
