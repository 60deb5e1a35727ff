"""The order of a results page: which matching documents a page shows, by relevance, name or distance.

One job: from the matching documents (a bit set) and the query words' scores (document → BM25 score,
:mod:`.snapshot`), the document numbers of one page. Vectorised with numpy over the matching documents —
tens of thousands at 50,000 fiches, where Python's ``heapq`` with a key per document took tens of
milliseconds: only the documents that can reach the page are sorted.
"""

from __future__ import annotations

import heapq
import math

import numpy

from .params import SearchParams
from .snapshot import Snapshot, docnum_array


def ordered_page(
    snap: Snapshot,
    scores: list[dict[int, float]],
    final: int,
    params: SearchParams,
    start: int,
    coverage: list[dict[int, float]] | None = None,
) -> list[int]:
    """The documents of one page of ``final``: by relevance (the words' scores summed; for partial
    matches the most words covered first), by name, or by distance; ties by name. Vectorised with
    numpy over the matching documents (tens of thousands at 50,000 fiches)."""
    end = start + params.per_page
    if params.sort == "nom" or (params.sort == "pertinence" and not scores):
        if final == snap.live:
            return snap.by_name[start:end]
        docs = docnum_array(final, snap.size)
        return _first(docs, [snap.name_ranks[docs]], end)[start:end]
    docs = docnum_array(final, snap.size)
    if params.sort == "distance" and params.position is not None:
        rank = snap.name_rank.__getitem__
        lat0, lon0 = params.position
        shrink = math.cos(math.radians(lat0)) ** 2
        coordinates = snap.coordinates

        def nearest(d: int) -> tuple[float, int]:
            # equirectangular approximation: enough to order places within a city
            places = coordinates[d]
            if not places:
                return math.inf, rank(d)
            return min((lat - lat0) ** 2 + (lon - lon0) ** 2 * shrink for lat, lon in places), rank(d)

        return heapq.nsmallest(end, docs.tolist(), key=nearest)[start:end]
    total = numpy.zeros(len(docs))
    for word in scores:
        total += _dense(word, snap.size)[docs]
    keys = [-total, snap.name_ranks[docs]]
    if coverage is not None and params.sort == "pertinence":
        # partial matches: the most words covered first, then the score
        covered = numpy.zeros(len(docs), dtype=numpy.int64)
        for word in coverage:
            covered += _present(word, snap.size)[docs]
        keys.insert(0, -covered)
    return _first(docs, keys, end)[start:end]


def _dense(word: dict[int, float], size: int) -> numpy.ndarray:
    """A word's scores by document as an array of ``size`` (0 where the word is not)."""
    out = numpy.zeros(size)
    if word:
        out[numpy.fromiter(word.keys(), numpy.int64, len(word))] = numpy.fromiter(
            word.values(), numpy.float64, len(word)
        )
    return out


def _present(word: dict[int, float], size: int) -> numpy.ndarray:
    """1 for the documents a word is in, else 0."""
    out = numpy.zeros(size, dtype=numpy.int64)
    if word:
        out[numpy.fromiter(word.keys(), numpy.int64, len(word))] = 1
    return out


def _first(docs: numpy.ndarray, keys: list[numpy.ndarray], count: int) -> list[int]:
    """The ``count`` first of ``docs`` ordered by ``keys`` (ascending, the first key first; the last one,
    the name's rank, is unique): only the documents that can be among them (the first key at most the
    ``count``-th smallest) are sorted."""
    if len(docs) > count > 0:
        bound = numpy.partition(keys[0], count - 1)[count - 1]
        keep = keys[0] <= bound
        docs, keys = docs[keep], [key[keep] for key in keys]
    order = numpy.lexsort(keys[::-1])[:count]  # lexsort sorts by its last key first
    return docs[order].tolist()
