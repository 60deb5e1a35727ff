"""The results cache of a search service: the results of recent searches, and what is built from them.

A search's results are kept under its parameters, the day, the index generation, the synonyms' and labels'
version and the reader's language (:meth:`SearchService.search` makes the key): for the day, brought to
each new minute from the entry (only « Ouvert maintenant » changes within a day). Each entry gets a number
(:attr:`SearchResults.entry`) under which what is built from its results is kept (:meth:`derived`: the
search API's serialized answer), so that a repeated search costs neither the search nor the serializing.
Both are least-recently-used dictionaries of :data:`RESULTS_CACHE` entries behind one lock.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import itertools
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from .results import SearchResults

RESULTS_CACHE = 512  # searches whose results are kept (at most ~30 MB: 20 hits each)
CACHED_PER_PAGE = 20  # larger pages are not kept (memory)
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Cached:
    """One entry of the results cache: the results as of ``minute``; ``missed`` — no fiche had every word
    (counted again at each hit); ``timed`` — the results filter on « Ouvert maintenant » (searched again
    when the minute changes); else ``open_base``: the documents the « Ouvert maintenant » facet counts
    among (the results with their other filters), to count it again at another minute."""

    results: SearchResults
    missed: bool
    minute: dt.datetime
    timed: bool
    open_base: int


class ResultsCache:
    """Thread-safe; one per search service."""

    def __init__(self, size: int = RESULTS_CACHE) -> None:
        self.size = size
        self._entries: collections.OrderedDict[Hashable, Cached] = collections.OrderedDict()
        self._derived: collections.OrderedDict[tuple[int, Hashable], Any] = collections.OrderedDict()
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Cached | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, entry: Cached, *, only_if_kept: bool = False) -> Cached:
        """Keep ``entry`` under ``key`` (``only_if_kept``: only in place of an entry still kept), its
        results numbered afresh: values derived from an earlier entry of the key are not reused."""
        entry.results.entry = next(self._numbers)
        with self._lock:
            if only_if_kept and key not in self._entries:
                return entry
            self._entries[key] = entry
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def derived(self, results: SearchResults, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, kept with the cached ``results`` it is built from, under ``key`` (what else it
        depends on: the language, the site's address…). Results that were not kept (large pages) are built
        every time; a kept value goes with its entry (a new minute, index generation or synonyms)."""
        if results.entry is None:
            return build()
        slot = (results.entry, key)
        with self._lock:
            if slot in self._derived:
                self._derived.move_to_end(slot)
                return self._derived[slot]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._derived[slot] = value
            while len(self._derived) > self.size:
                self._derived.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._derived.clear()
