"""The search service of the public guide: keeping up with the change log, searching, counting facets.

One :class:`SearchService` per process and per index folder. It polls the change log at most every
``poll_seconds`` (one indexed ``SELECT max(id)``) so that changes committed by other processes reach this
process's index (changes committed by this process are applied right after their commit, see
:mod:`search_index`), reloads synonyms and facet labels, and runs a search: validate the parameters
(:mod:`.params`), turn the words into units (:mod:`.synonyms`), match and rank them on the index's in-memory
:mod:`.snapshot`, count the facets, order the page, build the hits (:mod:`.results`, with
:mod:`.highlight`) and, when nothing was found, a « Vouliez-vous dire » (:mod:`.suggestions`). No database
round trip: everything a result needs is in the snapshot.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guide import hours
from guide.hours.language import current_locale as hours_language
from guide.models import Synonym
from guide.models.search import split_terms

from . import analysis
from .cache import CACHED_PER_PAGE, Cached, ResultsCache, T
from .indexer import WRITE_TIMEOUT, ApplyReport, IndexFolder
from .misses import FLUSH_SECONDS, MissRecorder
from .params import FACETS, FLAG_LABELS, SORTS, WHEN_FACETS, Catalogue, SearchParameterError, SearchParams
from .params import parse_params as parse_query_string
from .params import validate as validate_params
from .ranking import ordered_page
from .realwords import is_real_word
from .results import NEARBY_BELOW, NEARBY_COUNT, FacetValue, Hit, SearchResults, at_time, make_hit
from .snapshot import Segment, Snapshot
from .suggestions import suggest
from .synonyms import SynonymTable, Unit, compounds, loosened, parse_query, query_terms, synonym_table
from .understanding import parse_when, understand

__all__ = [
    "FACETS",
    "SORTS",
    "FacetValue",
    "Hit",
    "SearchParameterError",
    "SearchParams",
    "SearchResults",
    "SearchService",
]

logger = logging.getLogger(__name__)

# A snapshot is millions of long-lived objects at 50,000 fiches: left to the cyclic garbage collector, each
# full collection walks them all and every request of the process waits (p95 of a bare view 120 ms). So what
# is alive once a snapshot is built is frozen (``gc.freeze``): the collector skips it. A replaced snapshot's
# own columns are freed by reference counting, but frozen objects in reference cycles (Whoosh's readers of
# that generation, ~120 KB a generation at 50 fiches) are never collected: a process whose index changed a
# few hundred times had grown by tens of megabytes, and kept ~3 open files per generation until waitress's
# select() failed past descriptor 1023. So a snapshot closes its searcher when it is freed, segments are read
# rather than mapped (search_index.indexer), and after this many replaced generations what was frozen is
# handed back to the collector once (one full collection) and frozen again.
RETIRED_GENERATIONS_BEFORE_COLLECT = 8
_retired_generations = 0
_gc_lock = threading.Lock()


def freeze_long_lived(replaced: bool) -> None:
    """Freeze what is alive after a new snapshot was built; ``replaced``: it replaced an older one, whose
    garbage is collected once every :data:`RETIRED_GENERATIONS_BEFORE_COLLECT` replacements."""
    global _retired_generations
    with _gc_lock:
        _retired_generations += replaced
        if _retired_generations >= RETIRED_GENERATIONS_BEFORE_COLLECT:
            _retired_generations = 0
            gc.unfreeze()
            gc.collect()
        gc.freeze()


class SearchService:
    """Search, index maintenance and caches for one index folder. Thread-safe; one per process."""

    def __init__(
        self,
        index_dir: Any,
        session_factory: sessionmaker[Session] | None = None,
        *,
        poll_seconds: float = 2.0,
        misses_flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.folder = IndexFolder(index_dir)
        self.session_factory = session_factory
        self.misses = MissRecorder(session_factory, flush_seconds=misses_flush_seconds)
        self.poll_seconds = poll_seconds
        self._snapshot: Snapshot | None = None
        self._snapshot_lock = threading.Lock()
        self._segments: dict[str, Segment] = {}
        self._synonyms = SynonymTable()
        self._synonyms_signature: tuple[Any, ...] | None = None
        self._version = 0  # changes with the synonyms and the facet labels (a key of the results cache)
        # Results of recent searches by (parameters, day, index generation, synonyms, labels, language):
        # real traffic repeats itself (the same few words, the facets of one query); bounded (RESULTS_CACHE
        # entries of at most CACHED_PER_PAGE hits and one bit set).
        self.results_cache = ResultsCache()
        self._catalogue: Catalogue | None = None
        self._last_poll = float("-inf")
        self._generation_checked = float("-inf")  # when the index's latest generation was last read
        self._stale = True  # the change log must be read before the next search

    @property
    def index_dir(self) -> str:
        return str(self.folder.path)

    # --- database sessions ---

    @contextlib.contextmanager
    def _session(self, db: Session | None) -> Iterator[Session]:
        if db is not None:
            yield db
            return
        if self.session_factory is None:
            raise RuntimeError("the search service has no session factory")
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # --- keeping up with the database ---

    def reindex_all(self, db: Session, procs: int = 1) -> tuple[int, float]:
        """Rebuild the index from the database: (documents, seconds); ``procs``: see
        :meth:`IndexFolder.rebuild` (more than one only from a process of its own)."""
        result = self.folder.rebuild(db, procs=procs)
        self._stale = False
        self._written()
        return result

    def apply_changes(self, db: Session) -> ApplyReport:
        """Apply the change-log rows this index has not applied yet."""
        report = self.folder.apply(db)
        self._stale = False
        self._written()
        return report

    def catch_up(self, db: Session | None = None, timeout: float = WRITE_TIMEOUT) -> ApplyReport | None:
        """Apply the change log, never raising: when it cannot be done now (another writer holds the
        index longer than ``timeout``, the database is away…), the next poll tries again."""
        try:
            with self._session(db) as session:
                report = self.folder.try_apply(session, timeout=timeout)
        except Exception:
            logger.exception("search index %s: applying the change log failed", self.index_dir)
            report = None
        self._stale = report is None
        self._written()
        return report

    def _written(self) -> None:
        """This process may have written a new generation: the next search reads which is the latest."""
        self._generation_checked = float("-inf")

    def invalidate(self) -> None:
        """Synonyms or facet labels changed: reload them before the next search."""
        self._last_poll = float("-inf")
        self._synonyms_signature = None

    def _poll(self, db: Session | None) -> None:
        """At most every ``poll_seconds``: apply what other processes committed (without waiting if the
        index is busy), reload synonyms and facet labels."""
        if time.monotonic() - self._last_poll < self.poll_seconds:
            return
        self._last_poll = time.monotonic()
        try:
            with self._session(db) as session:
                if self._stale or self.folder.pending(session):
                    self.catch_up(timeout=0)
                # The synonyms (hundreds of groups with the lexicon) are analysed again only when they
                # changed: a table costs ~0.2 s of CPU to build, a poll runs every few seconds.
                signature = tuple(
                    session.execute(
                        select(func.count(Synonym.id), func.max(Synonym.id), func.max(Synonym.updated_at))
                    ).one()
                )
                if signature != self._synonyms_signature:
                    self._synonyms = synonym_table(
                        tuple(
                            tuple(split_terms(t))
                            for t in session.scalars(select(Synonym.terms).order_by(Synonym.id))
                        )
                    )
                    self._synonyms_signature = signature
                    self._version += 1
                catalogue = Catalogue.load(session)
                if catalogue != self._catalogue:
                    self._catalogue = catalogue
                    self._version += 1
        except Exception:
            logger.exception("search index %s: polling the database failed", self.index_dir)

    def snapshot(self) -> Snapshot:
        """The snapshot of the index's latest generation. The generation (a listing of the index folder) is
        read again at most every ``poll_seconds`` — a tenth of a cached search's time under load —, and at
        once after this process wrote the index (:meth:`_written`)."""
        snap = self._snapshot
        checked = time.monotonic()
        if snap is not None and checked - self._generation_checked < self.poll_seconds:
            return snap
        if snap is not None and snap.generation == self.folder.index.latest_generation():
            self._generation_checked = checked
            return snap
        with self._snapshot_lock:
            snap = self._snapshot
            if snap is None or snap.generation != self.folder.index.latest_generation():
                # Let the old generation go first: after a rebuild none of its segments is kept, and holding
                # it while the new one is read would need the memory of both (searches under way keep
                # theirs until they end).
                replaced = snap is not None
                self._snapshot = snap = None
                snap = Snapshot(self.folder.index, self._segments)
                self._snapshot = snap
                self._generation_checked = checked
                freeze_long_lived(replaced)
        return snap

    @property
    def synonyms(self) -> SynonymTable:
        return self._synonyms

    def catalogue(self, db: Session | None = None) -> Catalogue:
        if self._catalogue is None:
            with self._session(db) as session:
                self._catalogue = Catalogue.load(session)
                self._version += 1
        return self._catalogue

    # --- parameters ---

    def validate(self, q: str | None = "", *, db: Session | None = None, **kwargs: Any) -> SearchParams:
        """Check every parameter (:func:`.params.validate`); raises :class:`SearchParameterError` with a
        French message."""
        return validate_params(self.catalogue(db), q, **kwargs)

    def parse_params(self, query: Mapping[str, Any], db: Session | None = None) -> SearchParams:
        """Validate a query string (:func:`.params.parse_params`)."""
        return parse_query_string(self.catalogue(db), query)

    # --- queries ---

    def parse_query(self, q: str, snap: Snapshot | None = None) -> tuple[list[Unit], frozenset[str]]:
        """The words of ``q`` as units that must all match, and the terms to highlight
        (:func:`.synonyms.parse_query` with this service's synonyms; with a snapshot, the synonyms its
        index holds come first)."""
        return parse_query(q, self._synonyms, snap.holds if snap is not None else None)

    def _match(self, snap: Snapshot, units: Sequence[Unit]) -> tuple[int, list[dict[int, float]]]:
        mask = snap.live
        scores = []
        for unit in units:
            if not mask:
                break  # no document has the words so far: the others cannot change that
            unit_mask, unit_scores = snap.unit(unit)
            mask &= unit_mask
            scores.append(unit_scores)
        return mask, scores

    def search(
        self,
        q: str | None = "",
        *,
        thematique: str | None = None,
        public: str | None = None,
        quartier: str | None = None,
        gratuit: bool = False,
        accessible: bool = False,
        langue: str | None = None,
        ouvert: bool = False,
        quand: str | None = None,
        corriger: bool = True,
        sort: str | None = "pertinence",
        position: tuple[float, float] | None = None,
        page: int = 1,
        per_page: int = 20,
        now: dt.datetime | None = None,
        db: Session | None = None,
        record_miss: bool = True,
    ) -> SearchResults:
        """Search the public fiches. ``db`` (the request's session) is used to poll the change log and
        to load synonyms and labels; without it the service opens its own session when it needs one. A
        query that found nothing is counted in memory (:attr:`misses`), written later off the request.

        The query is understood first (:mod:`.understanding`): its time words become filters, its filler
        words are left out. When not every word can match, a correction that finds everything is searched
        instead (:attr:`SearchResults.corrected`), or else the documents covering the most words
        (:attr:`SearchResults.partial`)."""
        started = time.perf_counter()
        self._poll(db)
        params = self.validate(
            q,
            thematique=thematique,
            public=public,
            quartier=quartier,
            gratuit=gratuit,
            accessible=accessible,
            langue=langue,
            ouvert=ouvert,
            quand=quand,
            corriger=corriger,
            sort=sort,
            position=position,
            page=page,
            per_page=per_page,
            db=db,
        )
        now = hours.local(now)  # the guide's zone (the timezone setting)
        minute = now.replace(second=0, microsecond=0)
        snap = self.snapshot()
        # Kept for the day, not the minute: only « Ouvert maintenant » changes within a day, and a search
        # that does not filter on it is brought up to the minute from its cache entry (:meth:`_at_minute`);
        # the hits carry that status in the reader's language: one cached page per language.
        key = (params, now.date(), snap.generation, self._version, hours_language())
        cacheable = params.per_page <= CACHED_PER_PAGE
        cached = self.results_cache.get(key) if cacheable else None
        if cached is not None and cached.minute != minute:
            cached = None if cached.timed else self._at_minute(key, cached, snap, minute)
        if cached is not None:
            if cached.missed and record_miss and params.page == 1:
                self.misses.record(params.q)
            return dataclasses.replace(cached.results, milliseconds=(time.perf_counter() - started) * 1000)
        entry = self._search(snap, params, minute, record_miss)
        entry.results.milliseconds = (time.perf_counter() - started) * 1000
        if cacheable:
            self.results_cache.put(key, entry)
        return entry.results

    def derived(self, results: SearchResults, key: Any, build: Callable[[], T]) -> T:
        """``build()`` kept with the cached ``results`` it is built from (:meth:`ResultsCache.derived`)."""
        return self.results_cache.derived(results, key, build)

    def _at_minute(self, key: tuple[Any, ...], cached: Cached, snap: Snapshot, minute: dt.datetime) -> Cached:
        """A cached search that does not filter on the time, brought to ``minute``: the hits' « Ouvert
        maintenant » and today's hours told again, the « Ouvert maintenant » facet counted again (one AND
        and a popcount over the snapshot's open documents, computed once a minute) — instead of the whole
        search again every minute."""
        results = cached.results
        facets = dict(results.facets)
        facets["ouvert"] = self._facet_entries(snap, "ouvert", cached.open_base, results.filters, minute)
        fresh = Cached(
            dataclasses.replace(
                results,
                hits=[at_time(hit, minute, snap.told) for hit in results.hits],
                nearby=[at_time(hit, minute, snap.told) for hit in results.nearby],
                facets=facets,
            ),
            cached.missed,
            minute,
            cached.timed,
            cached.open_base,
        )
        return self.results_cache.put(key, fresh, only_if_kept=True)

    def _search(self, snap: Snapshot, params: SearchParams, now: dt.datetime, record_miss: bool) -> Cached:
        """One search, without the cache: the results, whether the query was a miss (no fiche had every
        word), and what bringing them to another minute needs (:meth:`_at_minute`)."""
        understood = understand(params.q)
        selected = params.filters()
        from_query = []
        if understood.when is not None and "quand" not in selected:
            selected["quand"] = understood.when.code
            from_query.append("quand")
        if understood.open_now and "ouvert" not in selected:
            selected["ouvert"] = "1"
            from_query.append("ouvert")
        text = understood.text
        units, highlight = self.parse_query(text, snap)
        filter_masks = {name: self._filter_mask(snap, name, value, now) for name, value in selected.items()}
        filtered = snap.live
        for mask in filter_masks.values():
            filtered &= mask
        text_mask, scores = self._match(snap, units)
        work = {"words": len(units), "expansions": sum(len(unit) - 1 for unit in units)}
        suggestion = corrected = None
        coverage: list[dict[int, float]] | None = None
        missed = bool(units) and text_mask == 0
        if missed and record_miss and params.page == 1:
            self.misses.record(params.q)  # in memory: written in batches, off the request
        if units and not text_mask:  # the words find nothing (not: the filters leave nothing)
            closest: list[str] = []
            suggestion = suggest(
                snap,
                text,
                lambda t: self._count(snap, t, filter_masks),
                work,
                known=self._known_word,
                more_words=self._synonyms.words_starting,
                closest=closest,
            )
            if suggestion is not None and params.corriger:
                corrected, suggestion = suggestion, None
                units, highlight = self.parse_query(corrected, snap)
                text_mask, scores = self._match(snap, units)
            elif len(units) > 1:
                if closest and params.corriger:
                    # not every word, even corrected: the closest fiches to the corrected words
                    fixed, fixed_highlight = self.parse_query(closest[0], snap)
                    found = self._partial(snap, fixed, compounds(closest[0], self._synonyms), filtered)
                    if found[0]:
                        corrected, suggestion, units, highlight = closest[0], None, fixed, fixed_highlight
                        text_mask, scores, coverage = found
                if corrected is None:
                    text_mask, scores, coverage = self._partial(
                        snap, units, compounds(text, self._synonyms), filtered
                    )
        exact = coverage is None and corrected is None  # the fiches with every word, as typed
        if units and not text_mask and any(len(t) > 1 for unit in units for t, _b in unit):
            # the last resort: the words of a synonym expression anywhere in a fiche, not as a phrase
            exact = False
            loose = [loosened(unit) for unit in units]
            text_mask, scores = self._match(snap, loose)
            coverage = None
            if not text_mask & filtered and len(loose) > 1:
                text_mask, scores, coverage = self._partial(
                    snap, loose, compounds(corrected or text, self._synonyms), filtered
                )
        final = text_mask & filtered if units else filtered
        total = final.bit_count()
        base = text_mask if units else snap.live
        facets = self._facets(snap, base, filter_masks, selected, now)
        without: dict[str, int] = {}
        if not total:  # what removing one filter would give, for the page to offer it
            for name in filter_masks:
                others = base
                for other, mask in filter_masks.items():
                    if other != name:
                        others &= mask
                without[name] = others.bit_count()
        pages = max(1, math.ceil(total / params.per_page))
        start = (params.page - 1) * params.per_page
        page_docs = ordered_page(snap, scores, final, params, start, coverage) if total > start else []
        hits = [make_hit(snap.payload(d), highlight, params.position, now, snap.told) for d in page_docs]
        nearby: list[Hit] = []
        if exact and params.page == 1 and 0 < total < NEARBY_BELOW and len(units) > 1:
            # a few fiches have every word: the best of those with all the words but one follow them
            near, near_scores, near_coverage = self._partial(
                snap, units, compounds(text, self._synonyms), filtered
            )
            near &= filtered & ~final
            if near:
                near_params = dataclasses.replace(params, per_page=NEARBY_COUNT)
                nearby = [
                    make_hit(snap.payload(d), highlight, params.position, now, snap.told)
                    for d in ordered_page(snap, near_scores, near, near_params, 0, near_coverage)
                ]
        results = SearchResults(
            query=params.q,
            total=total,
            page=params.page,
            pages=pages,
            per_page=params.per_page,
            sort=params.sort,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            position=params.position,
            filters=selected,
            work=work,
            text=text,
            corrected=corrected,
            partial=coverage is not None and total > 0,
            ignored=understood.ignored,
            from_query=tuple(from_query),
            without=without,
            nearby=nearby,
        )
        timed = "ouvert" in selected  # the set of results itself changes with the minute
        open_base = 0 if timed else base & filtered
        return Cached(results, missed, now, timed, open_base)

    def _known_word(self, word: str) -> bool:
        """A word « Vouliez-vous dire » must not correct: a real word (:mod:`.realwords`) or a word of
        the synonyms (the lexicon may know what the fiches do not say)."""
        if is_real_word(word):
            return True
        terms, words, _capitals = query_terms(word)
        return bool(terms) and self._synonyms.match(terms, 0, words) is not None

    def _partial(
        self, snap: Snapshot, units: Sequence[Unit], pieces: Sequence[int], filtered: int
    ) -> tuple[int, list[dict[int, float]], list[dict[int, float]]]:
        """When no document has every word: the documents covering the most words (and those covering
        one word fewer, after them), with every word's scores. The words of one piece (« art-thérapie »)
        count together. Counted on bit sets: ``at_least[k]`` holds the documents matching at least k
        words (``len(units)``² ANDs and ORs at most)."""
        together: dict[int, tuple[int, dict[int, float]]] = {}
        for unit, piece in zip(units, pieces, strict=True):
            mask, unit_scores = snap.unit(unit)
            if piece in together:
                both, before = together[piece]
                both &= mask
                together[piece] = (
                    both,
                    {d: v + unit_scores.get(d, 0.0) for d, v in before.items() if d in unit_scores},
                )
            else:
                together[piece] = (mask, unit_scores)
        matched = list(together.values())
        at_least = [snap.live] + [0] * len(matched)
        for mask, _scores in matched:
            for k in range(len(matched), 0, -1):
                at_least[k] |= at_least[k - 1] & mask
        best = max((k for k in range(1, len(matched) + 1) if at_least[k] & filtered), default=0)
        if best == 0:
            return 0, [], []
        scores = [word_scores for _mask, word_scores in matched]
        return at_least[max(1, best - 1)], scores, scores

    def count(self, q: str) -> int:
        """How many public fiches match ``q``."""
        return self._count(self.snapshot(), q, {})

    def _count(self, snap: Snapshot, q: str, filter_masks: Mapping[str, int]) -> int:
        mask = snap.live
        for m in filter_masks.values():
            mask &= m
        for unit in self.parse_query(q)[0]:
            if not mask:
                break  # nothing left: the other words need not be looked at
            mask &= snap.unit(unit)[0]
        return mask.bit_count()

    def _filter_mask(self, snap: Snapshot, name: str, value: str, now: dt.datetime) -> int:
        if name == "ouvert":
            return snap.open_mask(now)
        if name == "quand":
            when = parse_when(value)
            return snap.when_mask(when, now.date()) if when is not None else 0
        return snap.masks[name].get(value, 0)

    def _facets(
        self,
        snap: Snapshot,
        text_mask: int,
        filter_masks: dict[str, int],
        selected: dict[str, str],
        now: dt.datetime,
    ) -> dict[str, list[FacetValue]]:
        """Counts for each facet value among the results filtered by every *other* facet, so that a
        visitor sees what choosing another value would give."""
        facets: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            base = text_mask
            for other, mask in filter_masks.items():
                if other != name:
                    base &= mask
            facets[name] = self._facet_entries(snap, name, base, selected, now)
        return facets

    def _facet_entries(
        self, snap: Snapshot, name: str, base: int, selected: dict[str, str], now: dt.datetime
    ) -> list[FacetValue]:
        """One facet's values counted among ``base`` (the results filtered by the other facets), in the
        guide's order."""
        catalogue = self._catalogue or Catalogue({}, {})
        if name == "ouvert":
            values = {"1": snap.open_mask(now)}
        elif name == "quand":
            codes = dict.fromkeys([*WHEN_FACETS, *([selected["quand"]] if "quand" in selected else [])])
            values = {code: self._filter_mask(snap, name, code, now) for code in codes}
        else:
            values = snap.masks.get(name, {})
        entries = []
        for value, mask in values.items():
            count = (base & mask).bit_count()
            is_selected = selected.get(name) == value
            if count or is_selected:
                entries.append(FacetValue(value, catalogue.label(name, value), count, is_selected))
        if name == "quand":
            return entries  # the guide's order: samedi, soirée, week-end
        if name in ("gratuit", "accessible", "ouvert") and not entries:
            entries.append(FacetValue("1", FLAG_LABELS[name], 0, name in selected))
        if name == "thematique":
            entries.sort(key=lambda e: (catalogue.thematiques.get(e.value, ("", 10**6))[1], e.label))
        elif name == "quartier":
            entries.sort(key=lambda e: analysis.fold(e.label))
        else:
            entries.sort(key=lambda e: (-e.count, analysis.fold(e.label)))
        return entries
