"""The search service of the public guide: queries, synonyms, facets, sorting, corrections, misses.

One :class:`SearchService` per process and per index folder. It keeps an open searcher and, beside it,
columns read once from the documents' stored payloads (facet values as bit sets, names, coordinates,
opening hours), so that a search is: one Whoosh query for the matching documents, a few integer ANDs
and popcounts for the facet counts, and the stored payloads of the page's hits — no database round trip.
The searcher and the columns are refreshed when the index has a new generation.

The service polls the change log at most every ``poll_seconds`` (one indexed ``SELECT max(id)``) so that
changes committed by other processes reach this process's index; changes committed by this process are
applied right after their commit (see :mod:`search_index`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import heapq
import json
import logging
import math
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from whoosh import query as wq

from guide import hours
from guide.models import Quartier, Synonym, Thematique
from guide.models.search import split_terms
from guide.vocabulary import LANGUES, PUBLICS

from . import analysis
from .indexer import WRITE_TIMEOUT, ApplyReport, IndexFolder
from .misses import FLUSH_SECONDS, MissRecorder
from .schema import FIELD_WEIGHTS

logger = logging.getLogger(__name__)

SORTS: dict[str, str] = {"pertinence": "Pertinence", "nom": "Nom", "distance": "Distance"}
FACETS: dict[str, str] = {
    "thematique": "Thématique",
    "public": "Public",
    "quartier": "Quartier",
    "gratuit": "Gratuit",
    "accessible": "Accessible",
    "langue": "Langue parlée",
    "ouvert": "Ouvert maintenant",
}
FLAG_LABELS = {
    "gratuit": "Gratuit",
    "accessible": "Accès de plain-pied",
    "ouvert": "Ouvert maintenant",
}
MAX_QUERY_LENGTH = 200
MAX_PAGE = 500
MAX_PER_PAGE = 100
SNIPPET_LENGTH = 220
SYNONYM_BOOST = 0.6
# Bounds on the work of one search, whatever the input (issue 7): the query is at most MAX_QUERY_LENGTH
# characters; only its first MAX_QUERY_WORDS distinct words count; a word brings at most MAX_SYNONYMS
# expressions of its synonym group and a query at most MAX_EXPANSIONS in all; « Vouliez-vous dire » keeps
# CORRECTION_CANDIDATES close words for each word of at most MAX_CORRECTED_LENGTH letters and tries at most
# MAX_CORRECTION_TRIES corrected queries, the closest first, without building every combination.
MAX_QUERY_WORDS = 12
MAX_CORRECTED_WORDS = 4  # unknown words looked up in the vocabulary; a query with more gets no suggestion
MAX_SYNONYMS = 6
MAX_EXPANSIONS = 16
CORRECTION_CANDIDATES = 3
MAX_CORRECTED_LENGTH = 25
MAX_CORRECTION_TRIES = 12


# One word of a query: its alternatives (analysed terms, boost), the word itself first, then its synonyms.
Unit = tuple[tuple[tuple[str, ...], float], ...]


class SearchParameterError(ValueError):
    """A search parameter the guide does not know; ``message`` is French, for the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FacetValue(NamedTuple):
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    fiche_id: int
    uid: str
    nom: str
    resume: str
    structure: str
    quartier: str
    url: str
    horaires: str
    fermetures: list[dict[str, str]]
    status: hours.OpenStatus
    today: str
    distance_km: float | None
    latitude: float | None
    longitude: float | None
    thematiques: list[str] = field(default_factory=list)
    lieux: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    highlight: frozenset[str] = frozenset()

    # Highlighting analyses the text: done only for the hits a page actually shows.
    @functools.cached_property
    def snippet(self) -> Markup:
        """An extract of the summary or description with the query's words in <mark>."""
        return snippet(self.resume, self.description, self.highlight)

    @functools.cached_property
    def title(self) -> Markup:
        """The name, with the query's words in <mark>."""
        return mark(self.nom, self.highlight)


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    pages: int
    per_page: int
    sort: str
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    position: tuple[float, float] | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    milliseconds: float = 0.0
    # What the search cost: words (query units matched), expansions (synonym alternatives), lookups (close
    # words looked up in the vocabulary), corrections (corrected queries counted) — each bounded above.
    work: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchParams:
    """Validated search parameters (see :meth:`SearchService.validate`)."""

    q: str = ""
    thematique: str | None = None
    public: str | None = None
    quartier: str | None = None
    gratuit: bool = False
    accessible: bool = False
    langue: str | None = None
    ouvert: bool = False
    sort: str = "pertinence"
    position: tuple[float, float] | None = None
    page: int = 1
    per_page: int = 20

    def filters(self) -> dict[str, str]:
        """The selected facet values, by facet name (booleans as "1")."""
        out: dict[str, str] = {}
        for name in ("thematique", "public", "quartier", "langue"):
            value = getattr(self, name)
            if value:
                out[name] = value
        for name in ("gratuit", "accessible", "ouvert"):
            if getattr(self, name):
                out[name] = "1"
        return out


# --- bit sets ----------------------------------------------------------------------------------------

_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def _mask(docnums: Sequence[int] | Iterator[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for d in docnums:
        buffer[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buffer, "little")


def _docnums(mask: int, size: int) -> list[int]:
    out: list[int] = []
    for i, byte in enumerate(mask.to_bytes((size + 7) // 8, "little")):
        if byte:
            base = i << 3
            out.extend(base + bit for bit in _BITS[byte])
    return out


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


# --- synonyms ----------------------------------------------------------------------------------------


class SynonymTable:
    """Groups of equivalent expressions, matched on analysed terms (so « IVG », « ivg » and the plural
    forms of an expression all match). A multi-word expression matches as a phrase."""

    def __init__(self, groups: Sequence[Sequence[str]] = ()) -> None:
        alternatives: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for group in groups:
            expressions = {tuple(analysis.analyse(e)) for e in group}
            expressions.discard(())
            for expression in expressions:
                alternatives.setdefault(expression, set()).update(expressions - {expression})
        self._by_first: dict[str, list[tuple[tuple[str, ...], frozenset[tuple[str, ...]]]]] = {}
        for expression, others in alternatives.items():
            if others:
                self._by_first.setdefault(expression[0], []).append((expression, frozenset(others)))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_first.values())

    def match(self, terms: Sequence[str], start: int) -> tuple[int, frozenset[tuple[str, ...]]] | None:
        """The longest expression starting at ``terms[start]``: (its length, its equivalents)."""
        for expression, others in self._by_first.get(terms[start], ()):
            if tuple(terms[start : start + len(expression)]) == expression:
                return len(expression), others
        return None


@dataclass(frozen=True)
class Catalogue:
    """The facet values the guide knows, with their labels (thématiques and quartiers come from the
    database, publics and languages from :mod:`guide.vocabulary`)."""

    thematiques: dict[str, tuple[str, int]]  # slug → (label, position)
    quartiers: dict[str, str]  # slug → name

    @classmethod
    def load(cls, db: Session) -> Catalogue:
        thematiques = {
            slug: (label, position)
            for slug, label, position in db.execute(
                select(Thematique.slug, Thematique.label, Thematique.position)
            )
        }
        quartiers = dict(db.execute(select(Quartier.slug, Quartier.nom)).all())
        return cls(thematiques, quartiers)

    def label(self, facet: str, value: str) -> str:
        if facet == "thematique":
            return self.thematiques.get(value, (value, 0))[0]
        if facet == "quartier":
            return self.quartiers.get(value, value)
        if facet == "public":
            return PUBLICS.get(value, value)
        if facet == "langue":
            return LANGUES.get(value, value)
        return FLAG_LABELS.get(facet, value)


# --- snapshot of the index -----------------------------------------------------------------------------

K1 = 1.2  # BM25 term-frequency saturation
B = 0.75  # BM25 length normalisation
TERM_CACHE = 4096
UNIT_CACHE = 512
_FACET_KEYS = (
    ("thematique", "thematiques"),
    ("public", "publics"),
    ("quartier", "quartiers"),
    ("langue", "langues"),
)


class _Segment:
    """The columns of one Whoosh segment, read once: a segment's documents never change (only their
    deletion does), so a new index generation re-reads only its new segments."""

    def __init__(self, reader: Any) -> None:
        self.size = reader.doc_count_all()
        self.payloads: list[dict[str, Any] | None] = [None] * self.size
        postings: dict[str, dict[str, list[int]]] = {
            facet: {} for facet in (*FACETS, "gratuit", "accessible")
        }
        hours_groups: dict[tuple[str, str], list[int]] = {}
        names = []
        for local in reader.all_doc_ids():
            p = json.loads(reader.stored_fields(local)["payload"])
            self.payloads[local] = p
            for facet, key in _FACET_KEYS:
                for value in p[key]:
                    postings[facet].setdefault(value, []).append(local)
            for flag in ("gratuit", "accessible"):
                if p[flag]:
                    postings[flag].setdefault("1", []).append(local)
            closures = json.dumps(p["fermetures"], sort_keys=True) if p["fermetures"] else ""
            hours_groups.setdefault((p["horaires"], closures), []).append(local)
            names.append((analysis.fold(p["nom"]), p["fiche_id"], local))
        self.masks = {
            facet: {value: _mask(docs, self.size) for value, docs in values.items()}
            for facet, values in postings.items()
        }
        self.hours = {key: _mask(docs, self.size) for key, docs in hours_groups.items()}
        self.names = sorted(names)
        self.lengths = {
            name: [reader.doc_field_length(d, name, 0) or 0 for d in range(self.size)]
            for name in FIELD_WEIGHTS
        }


class _Snapshot:
    """One generation of the index: its reader, the columns of its segments put end to end, and caches
    of posting lists and scores (a snapshot never changes, so they never go stale)."""

    def __init__(self, index: Any, segments: dict[str, _Segment]) -> None:
        self.lock = threading.Lock()  # Whoosh readers are not meant to be used by two threads at once
        self.generation = index.latest_generation()
        self.searcher = index.searcher()
        reader = self.searcher.reader()
        self.size = reader.doc_count_all()
        self.payloads: list[dict[str, Any] | None] = [None] * self.size
        self.lengths: dict[str, list[int]] = {name: [] for name in FIELD_WEIGHTS}
        masks: dict[str, dict[str, int]] = {}
        hours_masks: dict[tuple[str, str], int] = {}
        live = 0
        names: list[tuple[str, int, int]] = []
        kept: dict[str, _Segment] = {}
        for segment_reader, offset in reader.leaf_readers():
            if segment_reader.segment() is None:  # an empty index: Whoosh gives a reader without segment
                continue
            key = segment_reader.segment().segment_id()
            segment = segments.get(key) or _Segment(segment_reader)
            kept[key] = segment
            local_live = _mask(segment_reader.all_doc_ids(), segment.size)
            live |= local_live << offset
            for local in segment_reader.all_doc_ids():
                self.payloads[offset + local] = segment.payloads[local]
            for facet, values in segment.masks.items():
                target = masks.setdefault(facet, {})
                for value, mask in values.items():
                    target[value] = target.get(value, 0) | (mask & local_live) << offset
            for hours_key, mask in segment.hours.items():
                hours_masks[hours_key] = hours_masks.get(hours_key, 0) | (mask & local_live) << offset
            names += [(name, fiche_id, offset + local) for name, fiche_id, local in segment.names]
            for name in FIELD_WEIGHTS:
                self.lengths[name] += segment.lengths[name]
        segments.clear()
        segments.update(kept)
        self.live = live
        self.count = live.bit_count()
        self.masks = {facet: {v: m for v, m in values.items() if m} for facet, values in masks.items()}
        self.hours = {k: m for k, m in hours_masks.items() if m}
        names.sort()
        self.by_name = [d for _name, _id, d in names if self.payloads[d] is not None]
        self.name_rank = [0] * self.size
        for position, d in enumerate(self.by_name):
            self.name_rank[d] = position
        self.coordinates = [
            [
                (lieu["latitude"], lieu["longitude"])
                for lieu in p["lieux"]
                if lieu["latitude"] is not None and lieu["longitude"] is not None
            ]
            if p
            else []
            for p in self.payloads
        ]
        total = max(1, self.size)
        self.average_length = {name: max(1.0, sum(self.lengths[name]) / total) for name in FIELD_WEIGHTS}
        self._terms: dict[tuple[str, str], dict[int, float]] = {}
        self._units: dict[Any, tuple[int, dict[int, float]]] = {}
        self._open: tuple[dt.datetime, int] | None = None

    def open_mask(self, now: dt.datetime) -> int:
        """The documents open at ``now`` (to the minute), one status computation per distinct hours."""
        minute = now.replace(second=0, microsecond=0)
        cached = self._open
        if cached is not None and cached[0] == minute:
            return cached[1]
        mask = 0
        for (horaires, fermetures), members in self.hours.items():
            closures = json.loads(fermetures) if fermetures else None
            if hours.status(horaires, closures, minute).is_open:
                mask |= members
        self._open = (minute, mask)
        return mask

    def term_scores(self, field_name: str, term: str) -> dict[int, float]:
        """BM25 score of ``term`` in ``field_name`` for each document containing it."""
        key = (field_name, term)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        scores: dict[int, float] = {}
        lengths, average = self.lengths[field_name], self.average_length[field_name]
        with self.lock:
            reader = self.searcher.reader()
            if (field_name, term) in reader:
                matcher = reader.postings(field_name, term)
                items = []
                while matcher.is_active():
                    items.append((matcher.id(), matcher.weight()))
                    matcher.next()
                idf = math.log(1 + (self.count - len(items) + 0.5) / (len(items) + 0.5))
                for d, tf in items:
                    norm = K1 * (1 - B + B * lengths[d] / average)
                    scores[d] = idf * tf * (K1 + 1) / (tf + norm)
        if len(self._terms) >= TERM_CACHE:
            self._terms.clear()
        self._terms[key] = scores
        return scores

    def phrase_docs(self, terms: tuple[str, ...]) -> set[int]:
        """The documents where ``terms`` follow each other (one word between them at most) in a field.

        Whoosh's phrase matching is slow: it runs only on the fields where some document holds every term
        (known from the cached posting lists), so an expression the index does not hold costs nothing."""
        fields = []
        for name in FIELD_WEIGHTS:
            postings = sorted((self.term_scores(name, term) for term in terms), key=len)
            if postings[0] and all(any(d in other for d in postings[0]) for other in postings[1:]):
                fields.append(name)
        if not fields:
            return set()
        query = wq.Or([wq.Phrase(name, list(terms), slop=1) for name in fields])
        with self.lock:
            return set(self.searcher.docs_for_query(query))

    def unit(self, alternatives: tuple[tuple[tuple[str, ...], float], ...]) -> tuple[int, dict[int, float]]:
        """(matching documents, score by document) for one word of the query and its synonyms.

        An alternative's score is the weighted sum over fields of its BM25 scores (BM25F-like); the unit
        scores the best of its alternatives.
        """
        cached = self._units.get(alternatives)
        if cached is not None:
            return cached
        scores: dict[int, float] = {}
        for terms, boost in alternatives:
            allowed = self.phrase_docs(terms) if len(terms) > 1 else None
            if allowed is not None and not allowed:
                continue
            found: dict[int, float] = {}
            for name, weight in FIELD_WEIGHTS.items():
                factor = weight * boost / len(terms)  # a phrase counts as one word
                for term in terms:
                    for d, score in self.term_scores(name, term).items():
                        if allowed is None or d in allowed:
                            found[d] = found.get(d, 0.0) + factor * score
            for d, score in found.items():
                if score > scores.get(d, 0.0):
                    scores[d] = score  # the best of the word's forms
        result = (_mask(scores, self.size) & self.live, scores)
        if len(self._units) >= UNIT_CACHE:
            self._units.clear()
        self._units[alternatives] = result
        return result


# --- the service -------------------------------------------------------------------------------------


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
        self._snapshot: _Snapshot | None = None
        self._snapshot_lock = threading.Lock()
        self._segments: dict[str, _Segment] = {}
        self._synonyms = SynonymTable()
        self._catalogue: Catalogue | None = None
        self._last_poll = float("-inf")
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

    def reindex_all(self, db: Session) -> tuple[int, float]:
        """Rebuild the index from the database: (documents, seconds)."""
        result = self.folder.rebuild(db)
        self._stale = False
        return result

    def apply_changes(self, db: Session) -> ApplyReport:
        """Apply the change-log rows this index has not applied yet."""
        report = self.folder.apply(db)
        self._stale = False
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
        return report

    def invalidate(self) -> None:
        """Synonyms or facet labels changed: reload them before the next search."""
        self._last_poll = float("-inf")

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
                self._synonyms = SynonymTable(
                    [split_terms(t) for t in session.scalars(select(Synonym.terms))]
                )
                self._catalogue = Catalogue.load(session)
        except Exception:
            logger.exception("search index %s: polling the database failed", self.index_dir)

    def snapshot(self) -> _Snapshot:
        snap = self._snapshot
        if snap is not None and snap.generation == self.folder.index.latest_generation():
            return snap
        with self._snapshot_lock:
            snap = self._snapshot
            if snap is None or snap.generation != self.folder.index.latest_generation():
                snap = _Snapshot(self.folder.index, self._segments)
                self._snapshot = snap
        return snap

    @property
    def synonyms(self) -> SynonymTable:
        return self._synonyms

    def catalogue(self, db: Session | None = None) -> Catalogue:
        if self._catalogue is None:
            with self._session(db) as session:
                self._catalogue = Catalogue.load(session)
        return self._catalogue

    # --- parameters ---

    def validate(
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
        sort: str | None = "pertinence",
        position: tuple[float, float] | None = None,
        page: int = 1,
        per_page: int = 20,
        db: Session | None = None,
    ) -> SearchParams:
        """Check every parameter; raises :class:`SearchParameterError` with a French message."""
        if q is None:
            q = ""
        if not isinstance(q, str):
            raise SearchParameterError("La recherche doit être un texte.")
        q = " ".join(q.split())
        if len(q) > MAX_QUERY_LENGTH:
            raise SearchParameterError(
                f"La recherche est trop longue ({MAX_QUERY_LENGTH} caractères au plus)."
            )
        if any(ord(c) < 32 for c in q):
            raise SearchParameterError("La recherche contient des caractères invalides.")
        catalogue = self.catalogue(db)
        known = {
            "thematique": (catalogue.thematiques, "Thématique inconnue"),
            "public": (PUBLICS, "Public inconnu"),
            "quartier": (catalogue.quartiers, "Quartier inconnu"),
            "langue": (LANGUES, "Langue inconnue"),
        }
        values: dict[str, str | None] = {}
        for name, value in (
            ("thematique", thematique),
            ("public", public),
            ("quartier", quartier),
            ("langue", langue),
        ):
            if value in (None, ""):
                values[name] = None
                continue
            allowed, message = known[name]
            if not isinstance(value, str) or value not in allowed:
                raise SearchParameterError(f"{message} : « {str(value)[:60]} ».")
            values[name] = value
        sort = sort or "pertinence"
        if sort not in SORTS:
            raise SearchParameterError(f"Tri inconnu : « {str(sort)[:30]} » (pertinence, nom ou distance).")
        if position is not None:
            try:
                lat, lon = (float(v) for v in position)
            except (TypeError, ValueError):
                raise SearchParameterError("La position doit être une latitude et une longitude.") from None
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise SearchParameterError(
                    "La position est hors des limites (latitude −90 à 90, longitude −180 à 180)."
                )
            position = (lat, lon)
        if sort == "distance" and position is None:
            raise SearchParameterError("Pour trier par distance, partagez votre position.")
        for name, value, maximum in (("page", page, MAX_PAGE), ("per_page", per_page, MAX_PER_PAGE)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
                label = "La page" if name == "page" else "Le nombre de résultats par page"
                raise SearchParameterError(f"{label} doit être un nombre entre 1 et {maximum}.")
        return SearchParams(
            q=q,
            thematique=values["thematique"],
            public=values["public"],
            quartier=values["quartier"],
            gratuit=bool(gratuit),
            accessible=bool(accessible),
            langue=values["langue"],
            ouvert=bool(ouvert),
            sort=sort,
            position=position,
            page=page,
            per_page=per_page,
        )

    def parse_params(self, params: Mapping[str, Any], db: Session | None = None) -> SearchParams:
        """Validate a query string (``q``, ``thematique``, ``public``, ``quartier``, ``gratuit``,
        ``accessible``, ``langue``, ``ouvert``, ``tri``, ``lat``, ``lon``, ``page``, ``par_page``)."""

        def text(name: str) -> str | None:
            value = params.get(name)
            if value is None:
                return None
            if not isinstance(value, str):
                raise SearchParameterError(f"Le paramètre « {name} » doit être un texte.")
            return value.strip()

        def flag(name: str) -> bool:
            value = (text(name) or "").lower()
            if value in ("", "0", "false", "non", "off"):
                return False
            if value in ("1", "true", "oui", "on"):
                return True
            raise SearchParameterError(f"Le paramètre « {name} » vaut 1 ou 0.")

        def integer(name: str, default: int) -> int:
            value = text(name)
            if not value:
                return default
            if not (value.isascii() and value.isdigit()) or len(value) > 6:
                raise SearchParameterError(f"Le paramètre « {name} » doit être un nombre entier.")
            return int(value)

        lat, lon = text("lat"), text("lon")
        position: tuple[float, float] | None = None
        if lat or lon:
            try:
                position = (float(lat or ""), float(lon or ""))
            except ValueError:
                raise SearchParameterError("La position doit être une latitude et une longitude.") from None
        return self.validate(
            text("q") or "",
            thematique=text("thematique"),
            public=text("public"),
            quartier=text("quartier"),
            gratuit=flag("gratuit"),
            accessible=flag("accessible"),
            langue=text("langue"),
            ouvert=flag("ouvert"),
            sort=text("tri") or text("sort") or "pertinence",
            position=position,
            page=integer("page", 1),
            per_page=integer("par_page", 20),
            db=db,
        )

    # --- queries ---

    def parse_query(self, q: str) -> tuple[list[Unit], frozenset[str]]:
        """The words of ``q`` as units that must all match, and the terms to highlight.

        A unit is a word, or a run of words that is an expression of a synonym group; it matches any
        expression of its group (a multi-word expression as a phrase), in any field.
        """
        terms = analysis.analyse(q)
        units: list[Unit] = []
        highlight: set[str] = set()
        seen: set[tuple[str, ...]] = set()
        expansions = MAX_EXPANSIONS
        i = 0
        while i < len(terms) and len(units) < MAX_QUERY_WORDS:
            found = self._synonyms.match(terms, i)
            if found is None:
                literal, others = (terms[i],), frozenset()
                i += 1
            else:
                length, others = found
                literal = tuple(terms[i : i + length])
                i += length
            if literal in seen:  # a repeated word adds nothing
                continue
            seen.add(literal)
            kept = sorted(others)[: min(MAX_SYNONYMS, expansions)]
            expansions -= len(kept)
            units.append(((literal, 1.0), *((other, SYNONYM_BOOST) for other in kept)))
            highlight.update(literal)
            for other in kept:
                highlight.update(other)
        return units, frozenset(highlight)

    def build_query(self, q: str) -> wq.Query | None:
        """The same query as a Whoosh query object (for inspection and debugging)."""
        units, _ = self.parse_query(q)
        if not units:
            return None
        queries = [wq.Or([_expression_query(terms, boost) for terms, boost in unit]) for unit in units]
        return wq.And(queries)

    def _match(self, snap: _Snapshot, units: Sequence[Unit]) -> tuple[int, list[dict[int, float]]]:
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
        query that found nothing is counted in memory (:attr:`misses`), written later off the request."""
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
            sort=sort,
            position=position,
            page=page,
            per_page=per_page,
            db=db,
        )
        now = hours.local(now)  # the guide's zone (the timezone setting)
        snap = self.snapshot()
        units, highlight = self.parse_query(params.q)
        text_mask, scores = self._match(snap, units)
        selected = params.filters()
        filter_masks = {name: self._filter_mask(snap, name, value, now) for name, value in selected.items()}
        final = text_mask
        for mask in filter_masks.values():
            final &= mask
        total = final.bit_count()
        facets = self._facets(snap, text_mask, filter_masks, selected, now)
        pages = max(1, math.ceil(total / params.per_page))
        start = (params.page - 1) * params.per_page
        page_docs = self._ordered_page(snap, scores, final, params, start) if total > start else []
        hits = [self._hit(snap.payloads[d], highlight, params.position, now) for d in page_docs]  # type: ignore[arg-type]
        suggestion = None
        work = {"words": len(units), "expansions": sum(len(unit) - 1 for unit in units)}
        if units and text_mask == 0:
            suggestion = self._suggest(snap, params.q, filter_masks, work)
            if record_miss and params.page == 1:
                self.misses.record(params.q)  # in memory: written in batches, off the request
        return SearchResults(
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
            milliseconds=(time.perf_counter() - started) * 1000,
            work=work,
        )

    def count(self, q: str) -> int:
        """How many public fiches match ``q``."""
        return self._count(self.snapshot(), q, {})

    def _count(self, snap: _Snapshot, q: str, filter_masks: Mapping[str, int]) -> int:
        mask = snap.live
        for m in filter_masks.values():
            mask &= m
        for unit in self.parse_query(q)[0]:
            if not mask:
                break  # nothing left: the other words need not be looked at
            mask &= snap.unit(unit)[0]
        return mask.bit_count()

    def _filter_mask(self, snap: _Snapshot, name: str, value: str, now: dt.datetime) -> int:
        if name == "ouvert":
            return snap.open_mask(now)
        return snap.masks[name].get(value, 0)

    def _facets(
        self,
        snap: _Snapshot,
        text_mask: int,
        filter_masks: dict[str, int],
        selected: dict[str, str],
        now: dt.datetime,
    ) -> dict[str, list[FacetValue]]:
        """Counts for each facet value among the results filtered by every *other* facet, so that a
        visitor sees what choosing another value would give."""
        catalogue = self._catalogue or Catalogue({}, {})
        facets: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            base = text_mask
            for other, mask in filter_masks.items():
                if other != name:
                    base &= mask
            values = {"1": snap.open_mask(now)} if name == "ouvert" else snap.masks.get(name, {})
            entries = []
            for value, mask in values.items():
                count = (base & mask).bit_count()
                is_selected = selected.get(name) == value
                if count or is_selected:
                    entries.append(FacetValue(value, catalogue.label(name, value), count, is_selected))
            if name in ("gratuit", "accessible", "ouvert") and not entries:
                entries.append(FacetValue("1", FLAG_LABELS[name], 0, name in selected))
            if name == "thematique":
                entries.sort(key=lambda e: (catalogue.thematiques.get(e.value, ("", 10**6))[1], e.label))
            elif name == "quartier":
                entries.sort(key=lambda e: analysis.fold(e.label))
            else:
                entries.sort(key=lambda e: (-e.count, analysis.fold(e.label)))
            facets[name] = entries
        return facets

    def _ordered_page(
        self, snap: _Snapshot, scores: list[dict[int, float]], final: int, params: SearchParams, start: int
    ) -> list[int]:
        end = start + params.per_page
        rank = snap.name_rank.__getitem__
        if params.sort == "nom" or (params.sort == "pertinence" and not scores):
            if final == snap.live:
                return snap.by_name[start:end]
            return heapq.nsmallest(end, _docnums(final, snap.size), key=rank)[start:end]
        docs = _docnums(final, snap.size)
        if params.sort == "distance" and params.position is not None:
            lat0, lon0 = params.position
            shrink = math.cos(math.radians(lat0)) ** 2
            coordinates = snap.coordinates

            def nearest(d: int) -> tuple[float, int]:
                # equirectangular approximation: enough to order places within a city
                places = coordinates[d]
                if not places:
                    return math.inf, rank(d)
                return min((lat - lat0) ** 2 + (lon - lon0) ** 2 * shrink for lat, lon in places), rank(d)

            return heapq.nsmallest(end, docs, key=nearest)[start:end]
        if len(scores) == 1:
            only = scores[0]
            return heapq.nlargest(end, docs, key=lambda d: (only.get(d, 0.0), -rank(d)))[start:end]
        return heapq.nlargest(end, docs, key=lambda d: (sum(s.get(d, 0.0) for s in scores), -rank(d)))[
            start:end
        ]

    def _hit(
        self,
        payload: dict[str, Any],
        highlight: frozenset[str],
        position: tuple[float, float] | None,
        now: dt.datetime,
    ) -> Hit:
        latitude = longitude = None
        distance = None
        located = [
            lieu
            for lieu in payload["lieux"]
            if lieu["latitude"] is not None and lieu["longitude"] is not None
        ]
        if located:
            nearest = located[0]
            if position is not None:
                nearest = min(
                    located, key=lambda lieu: haversine_km(position, (lieu["latitude"], lieu["longitude"]))
                )
                distance = round(haversine_km(position, (nearest["latitude"], nearest["longitude"])), 2)
            latitude, longitude = nearest["latitude"], nearest["longitude"]
        return Hit(
            fiche_id=payload["fiche_id"],
            uid=payload["uid"],
            nom=payload["nom"],
            resume=payload["resume"],
            structure=payload["structure"],
            quartier=payload["quartier"],
            url=payload["url"],
            horaires=payload["horaires"],
            fermetures=payload["fermetures"],
            status=hours.status(payload["horaires"], payload["fermetures"], now),
            today=hours.today_hours(payload["horaires"], now, payload["fermetures"]),
            distance_km=distance,
            latitude=latitude,
            longitude=longitude,
            thematiques=list(payload["thematiques"]),
            lieux=list(payload["lieux"]),
            description=payload["description"],
            highlight=highlight,
        )

    # --- « Vouliez-vous dire … » ---

    def _suggest(
        self,
        snap: _Snapshot,
        q: str,
        filter_masks: Mapping[str, int],
        work: dict[str, int] | None = None,
    ) -> str | None:
        """A corrected query that finds something: each unknown word replaced by a close word of the
        index's vocabulary (Damerau-Levenshtein distance 1, or 2 for words of 6 letters or more).

        Bounded (see MAX_QUERY_WORDS and the following constants): the first words only, a few candidates
        per distinct word, and the few closest combinations enumerated lazily (never the whole product)."""
        work = work if work is not None else {}
        work.setdefault("lookups", 0)
        work.setdefault("corrections", 0)
        words: list[tuple[str, int, int]] = []  # the words considered: up to MAX_QUERY_WORDS distinct ones
        choices: list[list[tuple[int, str]]] = []
        by_word: dict[str, list[tuple[int, str]]] = {}
        changed = False
        with snap.lock:
            reader = snap.searcher.reader()
            for word, start, end in analysis.words(q):
                if word in by_word:  # a repeated word: its candidates are known
                    words.append((word, start, end))
                    choices.append(by_word[word])
                    continue
                if len(by_word) >= MAX_QUERY_WORDS:
                    break
                words.append((word, start, end))
                stems = analysis.analyse(word)
                known = all(any(reader.doc_frequency(f, s) for f in FIELD_WEIGHTS) for s in stems)
                if known or len(word) < 4 or word.isdigit():
                    by_word[word] = [(0, word)]
                    choices.append(by_word[word])
                    continue
                if len(word) > MAX_CORRECTED_LENGTH or work["lookups"] >= MAX_CORRECTED_WORDS:
                    return None  # no word of the guide is that long; too many unknown words to correct
                maxdist = 1 if len(word) < 6 else 2
                folded = analysis.fold(word)
                work["lookups"] += 1
                candidates = set(reader.terms_within("vocab", word, maxdist, prefix=1))
                if folded != word:
                    candidates.update(reader.terms_within("vocab", folded, maxdist, prefix=1))
                ranked = sorted(
                    (
                        min(edit_distance(word, c), edit_distance(folded, analysis.fold(c))),
                        -reader.doc_frequency("vocab", c),
                        c,
                    )
                    for c in candidates
                    if c != word
                )
                if not ranked:
                    return None
                by_word[word] = [(distance, c) for distance, _freq, c in ranked[:CORRECTION_CANDIDATES]]
                choices.append(by_word[word])
                changed = True
        if not changed:
            return None
        for combo in closest_combinations(choices, MAX_CORRECTION_TRIES):
            work["corrections"] += 1
            text = _replace_words(q, words, [w for _d, w in combo])
            if self._count(snap, text, filter_masks):
                return text
        return None


def _expression_query(terms: tuple[str, ...], boost: float) -> wq.Query:
    if len(terms) == 1:
        return wq.Or([wq.Term(f, terms[0], boost=w * boost) for f, w in FIELD_WEIGHTS.items()])
    return wq.Or([wq.Phrase(f, list(terms), slop=1, boost=w * boost) for f, w in FIELD_WEIGHTS.items()])


def closest_combinations(
    choices: Sequence[Sequence[tuple[int, str]]], limit: int
) -> Iterator[list[tuple[int, str]]]:
    """The ``limit`` combinations (one choice per word) of lowest total distance, in the order of
    ``sorted(itertools.product(*choices), key=total distance)``, without building the product: a best-first
    walk over the choices' indices (each list sorted by distance). At most ``limit`` × words steps."""
    if not choices or any(not options for options in choices):
        return
    first = (0,) * len(choices)
    heap = [(sum(options[0][0] for options in choices), first)]
    seen = {first}
    while heap and limit > 0:
        total, indices = heapq.heappop(heap)
        yield [choices[i][j] for i, j in enumerate(indices)]
        limit -= 1
        for i, j in enumerate(indices):
            if j + 1 < len(choices[i]):
                following = (*indices[:i], j + 1, *indices[i + 1 :])
                if following not in seen:
                    seen.add(following)
                    step = choices[i][j + 1][0] - choices[i][j][0]
                    heapq.heappush(heap, (total + step, following))


def _replace_words(q: str, words: Sequence[tuple[str, int, int]], replacements: Sequence[str]) -> str:
    out, last = [], 0
    for (word, start, end), replacement in zip(words, replacements, strict=True):
        out.append(q[last:start])
        out.append(q[start:end] if replacement == word else replacement)
        last = end
    out.append(q[last:])
    return "".join(out)


# --- highlighting --------------------------------------------------------------------------------------


def mark(text: str, terms: frozenset[str]) -> Markup:
    """``text`` escaped, its words whose stem is in ``terms`` wrapped in ``<mark>``."""
    if not terms or not text:
        return escape(text)
    spans = [(start, end) for term, start, end in analysis.analyse_with_offsets(text) if term in terms]
    return _marked(text, spans, 0, len(text))


def _marked(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> Markup:
    out = Markup("")
    position = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += escape(text[position:s]) + Markup("<mark>") + escape(text[s:e]) + Markup("</mark>")
        position = e
    return out + escape(text[position:end])


def snippet(resume: str, description: str, terms: frozenset[str], length: int = SNIPPET_LENGTH) -> Markup:
    """A short extract of the summary or the description, around the query's words, marked."""
    for text in (resume, description):
        if not text or not terms:
            continue
        spans = [(s, e) for term, s, e in analysis.analyse_with_offsets(text) if term in terms]
        if not spans:
            continue
        if len(text) <= length:
            return _marked(text, spans, 0, len(text))
        begin = max(0, spans[0][0] - length // 4)
        if begin:
            space = text.rfind(" ", 0, begin)
            begin = space + 1 if space >= 0 else begin
        end = min(len(text), begin + length)
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin else end
        out = _marked(text, spans, begin, end)
        return (
            (Markup("… ") if begin else Markup("")) + out + (Markup(" …") if end < len(text) else Markup(""))
        )
    text = resume or description
    if len(text) <= length:
        return escape(text)
    cut = text.rfind(" ", 0, length)
    return escape(text[: cut if cut > 0 else length]) + Markup(" …")
