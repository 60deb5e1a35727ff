"""The in-memory snapshot of one index generation, and the ranking of documents (BM25 over Whoosh's postings).

One job: answer « which documents, with which score » fast. A :class:`Snapshot` holds an open searcher
and, beside it, columns read once from the documents' stored payloads (facet values as bit sets — Python
integers, one bit per document —, names, coordinates, opening hours), so that a search is a few integer ANDs
and popcounts plus cached posting lists. A :class:`Segment` is one Whoosh segment's columns: a segment never
changes (only deletions do), so a new generation re-reads only its new segments.

Ranking — why it is hand-written (issue 10): each query word is scored by BM25 (:data:`K1`, :data:`B`) per
field over Whoosh's postings, weighted by :data:`~search_index.schema.FIELD_WEIGHTS` and summed (BM25F-like);
a word's synonyms compete with it (the best form counts, at :data:`~search_index.synonyms.SYNONYM_BOOST`).
``make bench`` (bench/bench_search.py, « ranking » table) runs the same queries through Whoosh's own
searcher with ``whoosh.scoring.BM25F`` and the same fields, weights, synonyms and filters. Decision: keep
ours. Measured 2026-11-30 on the shared 2-core machine (heavily loaded, so absolute times are high; both
sides ran interleaved, query by query), 15 queries × 5 filters, p50/p95 ms of a top 10 — at 1 061 fiches:
ours 1.4/73.6 from cold caches, 0.1/0.2 warm, Whoosh 47.3/132.4; at 10 061: ours 56.1/337.0 cold,
0.5/27.8 warm, Whoosh 102.6/496.6. Same totals for 75/75 query × filter pairs and the same top 10 up to
ties (raw overlap 93 % and 77 %: generated fiches share their texts, and ties break by name here, by
document number in Whoosh). Besides being faster, ours gives what Whoosh's top-k collector does not: the
whole set of matches as a bit set (the facet counts need it for every value, and « Ouvert maintenant »
is computed from opening hours, not held by a field), posting lists and word scores cached across
searches of one generation, and sorting by name or distance over the same matches without a second query.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import math
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import Any

import numpy

from guide import hours

from . import analysis
from .params import FACETS
from .results import HoursTeller
from .schema import FIELD_WEIGHTS
from .synonyms import ACRONYM, EXACT, LOOSE, bare
from .understanding import TimeFilter
from .when import meets, profile


def bits_of(docnums: Sequence[int] | Iterator[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for d in docnums:
        buffer[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buffer, "little")


def docnum_array(mask: int, size: int) -> numpy.ndarray:
    """The document numbers of the bits set in ``mask``, in order (numpy: a few microseconds where a
    Python loop over 50,000 bits takes milliseconds)."""
    raw = numpy.frombuffer(mask.to_bytes((size + 7) // 8, "little"), dtype=numpy.uint8)
    return numpy.flatnonzero(numpy.unpackbits(raw, bitorder="little"))


def docnums_of(mask: int, size: int) -> list[int]:
    return docnum_array(mask, size).tolist()


K1 = 1.2  # BM25 term-frequency saturation
B = 0.75  # BM25 length normalisation
TERM_CACHE = 4096
UNIT_CACHE = 512
WHEN_CACHE = 64
MAX_SPELLINGS = (
    64  # accented spellings of a short word looked up in the vocabulary (:meth:`Snapshot.exact_docs`)
)
# The accented forms of a folded letter, to find a short word as written whatever its accents.
_ACCENTS = {"a": "aàâä", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "c": "cç", "y": "yÿ"}
_FACET_KEYS = (
    ("thematique", "thematiques"),
    ("public", "publics"),
    ("quartier", "quartiers"),
    ("langue", "langues"),
)


class Segment:
    """The columns of one Whoosh segment, read once: a segment's documents never change (only their
    deletion does), so a new index generation re-reads only its new segments.

    Payloads are kept as their JSON text (a few times smaller than the parsed dictionaries) and parsed again
    only for the hits a page shows (:meth:`Snapshot.payload`)."""

    def __init__(self, reader: Any) -> None:
        self.size = reader.doc_count_all()
        self.payloads: list[str | None] = [None] * self.size
        self.coordinates: list[tuple[tuple[float, float], ...]] = [()] * self.size
        postings: dict[str, dict[str, list[int]]] = {
            facet: {} for facet in (*FACETS, "gratuit", "accessible")
        }
        hours_groups: dict[tuple[str, str], list[int]] = {}
        names = []
        for local in reader.all_doc_ids():
            text = reader.stored_fields(local)["payload"]
            p = json.loads(text)
            self.payloads[local] = text
            self.coordinates[local] = tuple(
                (lieu["latitude"], lieu["longitude"])
                for lieu in p["lieux"]
                if lieu["latitude"] is not None and lieu["longitude"] is not None
            )
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
            facet: {value: bits_of(docs, self.size) for value, docs in values.items()}
            for facet, values in postings.items()
        }
        self.hours = {key: bits_of(docs, self.size) for key, docs in hours_groups.items()}
        self.names = sorted(names)
        self.lengths = {
            name: [reader.doc_field_length(d, name, 0) or 0 for d in range(self.size)]
            for name in FIELD_WEIGHTS
        }


class Snapshot:
    """One generation of the index: its reader, the columns of its segments put end to end, and caches
    of posting lists and scores (a snapshot never changes, so they never go stale)."""

    def __init__(self, index: Any, segments: dict[str, Segment]) -> None:
        self.lock = threading.Lock()  # Whoosh readers are not meant to be used by two threads at once
        self.generation = index.latest_generation()
        self.searcher = index.searcher()
        # Closed when the snapshot is freed (replaced, and the searches holding it ended), not when the
        # garbage collector gets to Whoosh's reader cycles: see ``service.freeze_long_lived``.
        weakref.finalize(self, self.searcher.close)
        reader = self.searcher.reader()
        self.size = reader.doc_count_all()
        self.payloads: list[str | None] = [None] * self.size
        self.coordinates: list[tuple[tuple[float, float], ...]] = []
        self.lengths: dict[str, list[int]] = {name: [] for name in FIELD_WEIGHTS}
        # Every facet, even in an index without documents (a filter on it then finds nothing).
        masks: dict[str, dict[str, int]] = {facet: {} for facet in (*FACETS, "gratuit", "accessible")}
        hours_masks: dict[tuple[str, str], int] = {}
        live = 0
        names: list[tuple[str, int, int]] = []
        kept: dict[str, Segment] = {}
        current = {
            r.segment().segment_id() for r, _offset in reader.leaf_readers() if r.segment() is not None
        }
        for key in [key for key in segments if key not in current]:
            del segments[key]  # gone from the index (merged, or a rebuild): free it before reading new ones
        for segment_reader, offset in reader.leaf_readers():
            if segment_reader.segment() is None:  # an empty index: Whoosh gives a reader without segment
                continue
            key = segment_reader.segment().segment_id()
            segment = segments.get(key) or Segment(segment_reader)
            kept[key] = segment
            local_live = bits_of(segment_reader.all_doc_ids(), segment.size)
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
            self.coordinates += segment.coordinates
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
        self.name_ranks = numpy.asarray(self.name_rank, dtype=numpy.int64)
        total = max(1, self.size)
        self.average_length = {name: max(1.0, sum(self.lengths[name]) / total) for name in FIELD_WEIGHTS}
        self._terms: dict[tuple[str, str], dict[int, float]] = {}
        self._units: dict[Any, tuple[int, dict[int, float]]] = {}
        self._open: tuple[dt.datetime, int] | None = None
        self._when: dict[tuple[str, dt.date], int] = {}
        self._exact: dict[str, frozenset[int]] = {}
        self._held: dict[tuple[str, ...], bool] = {}
        self.told = HoursTeller()  # the hits' opening status and today's hours, per minute and language

    def payload(self, docnum: int) -> dict[str, Any]:
        """The stored payload of a live document (see :func:`search_index.indexer.build_document`)."""
        return json.loads(self.payloads[docnum])  # type: ignore[arg-type]

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

    def when_mask(self, when: TimeFilter, today: dt.date) -> int:
        """The documents open as ``when`` asks in the coming weeks (:mod:`.when`), one profile per
        distinct hours; cached for the day."""
        key = (when.code, today)
        cached = self._when.get(key)
        if cached is not None:
            return cached
        mask = 0
        for (horaires, fermetures), members in self.hours.items():
            if meets(profile(horaires, fermetures, today), when):
                mask |= members
        if len(self._when) >= WHEN_CACHE:
            self._when.clear()
        self._when[key] = mask
        return mask

    def exact_docs(self, folded: str) -> frozenset[int]:
        """The documents holding the word ``folded`` as written, up to accents, case and plural (the
        ``vocab`` field keeps whole words): « caf » finds « CAF », not « café »."""
        cached = self._exact.get(folded)
        if cached is not None:
            return cached
        target = bare(folded)
        docs: set[int] = set()
        with self.lock:
            reader = self.searcher.reader()
            # bounded: the accented spellings of a 4-letter word of vowels (« eeee ») would be 625
            spellings = itertools.islice(
                itertools.product(*(_ACCENTS.get(c, c) for c in folded)), MAX_SPELLINGS
            )
            for letters in spellings:
                for term in reader.expand_prefix("vocab", "".join(letters)):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    if len(text) <= len(folded) + 1 and bare(analysis.fold(text)) == target:
                        docs.update(reader.postings("vocab", text).all_ids())
        found = frozenset(docs)
        if len(self._exact) >= UNIT_CACHE:
            self._exact.clear()
        self._exact[folded] = found
        return found

    def holds(self, terms: tuple[str, ...]) -> bool:
        """Whether some document holds every term of an expression (in any field)."""
        cached = self._held.get(terms)
        if cached is None:
            with self.lock:
                reader = self.searcher.reader()
                cached = all(any((name, t) in reader for name in FIELD_WEIGHTS) for t in terms)
            if len(self._held) >= TERM_CACHE:
                self._held.clear()
            self._held[terms] = cached
        return cached

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
                items = _weights(reader, field_name, term)
                idf = math.log(1 + (self.count - len(items) + 0.5) / (len(items) + 0.5))
                for d, tf in items:
                    norm = K1 * (1 - B + B * lengths[d] / average)
                    scores[d] = idf * tf * (K1 + 1) / (tf + norm)
        if len(self._terms) >= TERM_CACHE:
            self._terms.clear()
        self._terms[key] = scores
        return scores

    def phrase_docs(self, terms: tuple[str, ...]) -> set[int]:
        """The documents where ``terms`` follow each other in a field (stop words are not counted: the
        analyser numbers the words it keeps) — what Whoosh's ``Phrase(field, terms)`` matches.

        Hand-written over the postings (issue 9): Whoosh's phrase matcher walks every document holding the
        words through its span machinery, ~270 ms for a common expression at 50,000 fiches. Here only the
        documents holding every word in that field (the cached posting lists' intersection) are read, by
        skipping to them, and their positions compared as sets; an expression the index does not hold
        costs nothing. Checked equal to Whoosh's matcher (tests/functional/test_search_quality.py)."""
        candidates_by_field = {}
        for name in FIELD_WEIGHTS:
            postings = sorted((self.term_scores(name, term) for term in terms), key=len)
            candidates = set(postings[0])
            for other in postings[1:]:
                if not candidates:
                    break
                candidates &= other.keys()
            if candidates:
                candidates_by_field[name] = sorted(candidates)
        found: set[int] = set()
        with self.lock:
            reader = self.searcher.reader()
            for name, candidates in candidates_by_field.items():
                positions = [_positions(reader, name, term, candidates) for term in terms]
                for d in candidates:
                    following = [set(by_doc.get(d, ())) for by_doc in positions[1:]]
                    if any(
                        all(start + k in at for k, at in enumerate(following, 1))
                        for start in positions[0].get(d, ())
                    ):
                        found.add(d)
        return found

    def all_terms_docs(self, terms: tuple[str, ...]) -> set[int]:
        """The documents holding every term of ``terms``, each in any field."""
        found: set[int] | None = None
        for term in terms:
            docs = {d for name in FIELD_WEIGHTS for d in self.term_scores(name, term)}
            found = docs if found is None else found & docs
            if not found:
                return set()
        return found or set()

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
            allowed: set[int] | frozenset[int] | None = None
            if len(terms) == 1 and terms[0].startswith(EXACT):
                # a short word as written (« CAF »), scored by its stem; by its stem alone when the index
                # does not hold it as written, unless it was typed in capitals (« PASS » is not « passer »)
                acronym = terms[0].startswith(ACRONYM)
                folded = terms[0].lstrip(EXACT)
                allowed = self.exact_docs(folded) or (set() if acronym else None)
                if allowed is not None and not allowed:
                    continue
                terms = tuple(analysis.analyse(folded)) or (folded,)
            elif len(terms) > 1 and terms[0].startswith(LOOSE):
                # an expression's words anywhere in the document, not as a phrase (the last resort)
                terms = (terms[0][len(LOOSE) :], *terms[1:])
                allowed = self.all_terms_docs(terms)
                if not allowed:
                    continue
            elif len(terms) > 1:
                allowed = self.phrase_docs(terms)
                if not allowed:
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
        result = (bits_of(scores, self.size) & self.live, scores)
        if len(self._units) >= UNIT_CACHE:
            self._units.clear()
        self._units[alternatives] = result
        return result


_BLOCK_API = ("_read_ids", "_read_weights", "_read_values", "_next_block", "_maxid", "_ids", "_values")


def _leaves(reader: Any, field_name: str, term: str) -> Iterator[tuple[int, Any, int, Any]]:
    """For each segment holding ``term``: its first document number, size, posting matcher (Whoosh 3's
    block matcher, unwrapped from the deletions' filter) and the set of its deleted documents."""
    for leaf, offset in reader.leaf_readers():
        if (field_name, term) not in leaf:
            continue
        matcher = leaf.postings(field_name, term)
        yield offset, leaf.doc_count_all(), getattr(matcher, "child", matcher), leaf.deleted_docs_set


def _block_matcher(matcher: Any) -> bool:
    """Whether ``matcher`` is the pinned whoosh-reloaded's ``W3LeafMatcher``, read block by block here."""
    return all(hasattr(matcher, name) for name in _BLOCK_API)


def _weights(reader: Any, field_name: str, term: str) -> list[tuple[int, float]]:
    """(document, term frequency) of every live document holding ``term`` in ``field_name``.

    Reads Whoosh 3's posting blocks whole (ids and weights arrays): going through ``id``/``weight``/
    ``next`` costs three Python calls per posting, tens of milliseconds for a common word at 50,000
    fiches. Another matcher goes through the public interface."""
    items: list[tuple[int, float]] = []
    for offset, _size, matcher, deleted in _leaves(reader, field_name, term):
        if not _block_matcher(matcher):
            while matcher.is_active():
                if matcher.id() not in deleted:
                    items.append((matcher.id() + offset, matcher.weight()))
                matcher.next()
            continue
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            matcher._read_weights()
            pairs = zip(matcher._ids, matcher._weights, strict=True)
            if deleted:
                items.extend((i + offset, w) for i, w in pairs if i not in deleted)
            else:
                items.extend((i + offset, w) for i, w in pairs)
            matcher._next_block()
    return items


def _positions(reader: Any, field_name: str, term: str, docs: Sequence[int]) -> dict[int, list[int]]:
    """The positions of ``term`` in ``field_name`` for each of ``docs`` (sorted, live) that holds it.

    Reads Whoosh 3's posting blocks (a block's ids, then its encoded values only when one of ``docs`` is
    in it): going through ``skip_to``/``id`` costs two Python calls per posting, most of the time of a
    phrase at 50,000 fiches. Another matcher goes through the public interface."""
    out: dict[int, list[int]] = {}
    decode = reader.schema[field_name].format.decode_positions
    for offset, size, matcher, _deleted in _leaves(reader, field_name, term):
        low, high = bisect.bisect_left(docs, offset), bisect.bisect_left(docs, offset + size)
        if low == high:
            continue
        local = [d - offset for d in docs[low:high]]
        if not _block_matcher(matcher):
            for d in local:
                if not matcher.is_active():
                    break
                if matcher.id() < d:
                    matcher.skip_to(d)
                    if not matcher.is_active():
                        break
                if matcher.id() == d:
                    out[d + offset] = matcher.value_as("positions")
            continue
        wanted = set(local)
        next_doc = 0  # index in ``local`` of the first document not yet passed
        while matcher.is_active() and next_doc < len(local):
            last = matcher._maxid
            if local[next_doc] <= last:
                if matcher._ids is None:
                    matcher._read_ids()
                if matcher._values is None:
                    matcher._read_values()
                for i, value in zip(matcher._ids, matcher._values, strict=True):
                    if i in wanted:
                        out[i + offset] = decode(value)
                next_doc = bisect.bisect_right(local, last, next_doc)
            matcher._next_block()
    return out
