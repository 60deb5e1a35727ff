"""The search service's results cache (search_index/cache.py): what is built from cached results is built
once per entry and key, and never outlives its entry."""

from __future__ import annotations

import datetime as dt

from search_index.cache import Cached, ResultsCache
from search_index.results import SearchResults

MINUTE = dt.datetime(2026, 12, 1, 10, 0)


def entry(total: int = 1) -> Cached:
    results = SearchResults(
        query="q", total=total, page=1, pages=1, per_page=20, sort="pertinence", hits=[], facets={}
    )
    return Cached(results, missed=False, minute=MINUTE, timed=False, open_base=0)


def test_a_value_is_built_once_per_entry_and_key():
    cache, calls = ResultsCache(), []
    kept = cache.put("search", entry()).results

    def build(label: str) -> str:
        calls.append(label)
        return label

    assert cache.derived(kept, ("api", "fr"), lambda: build("fr")) == "fr"
    assert cache.derived(kept, ("api", "fr"), lambda: build("again")) == "fr"
    assert cache.derived(kept, ("api", "en"), lambda: build("en")) == "en"
    assert calls == ["fr", "en"]
    # the same search brought to another minute is a new entry: built again
    fresh = cache.put("search", entry(2), only_if_kept=True).results
    assert fresh.entry != kept.entry and cache.get("search").results is fresh
    assert cache.derived(fresh, ("api", "fr"), lambda: build("fr at 10:01")) == "fr at 10:01"


def test_results_not_kept_are_built_every_time():
    cache, calls = ResultsCache(), []
    large_page = entry().results  # never put: entry is None
    for _ in range(2):
        cache.derived(large_page, "api", lambda: calls.append(1))
    assert len(calls) == 2


def test_both_are_bounded_and_an_evicted_entry_is_not_brought_back():
    cache = ResultsCache(size=2)
    first = cache.put("a", entry()).results
    cache.put("b", entry())
    cache.get("a")  # recently used: « b » goes first
    cache.put("c", entry())
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("b", entry(), only_if_kept=True)  # moved to a new minute after its eviction: not kept again
    assert cache.get("b") is None
    for n in range(3):
        cache.derived(first, n, lambda n=n: n)
    calls = []
    cache.derived(first, 0, lambda: calls.append("rebuilt"))  # the oldest of three, with two kept
    assert calls == ["rebuilt"]
    cache.clear()
    assert cache.get("a") is None


def test_hits_hours_are_told_as_the_hours_module_tells_them_per_minute_and_language():
    from guide import hours
    from guide.hours import language
    from search_index.results import HoursTeller

    told = HoursTeller()
    week = "Mo-Fr 09:00-12:00,14:00-17:30; PH off"
    closures = [{"debut": "2026-12-24", "fin": "2027-01-02", "message": "Fermé pendant les fêtes"}]
    for moment in (
        dt.datetime(2026, 11, 30, 10, 0),
        dt.datetime(2026, 11, 30, 12, 30),
        dt.datetime(2026, 12, 28, 10),
    ):
        for fermetures in (None, closures):
            expected = {
                "status": hours.status(week, fermetures, moment),
                "today": hours.today_hours(week, moment, fermetures),
            }
            assert told(week, fermetures, moment) == expected
            assert told(week, fermetures, moment) == expected  # remembered, the same
    assert told(week, None, dt.datetime(2026, 11, 30, 10, 0))["status"].label.startswith("Ouvert maintenant")
    during_closure = told(week, closures, dt.datetime(2026, 12, 28, 10))
    assert during_closure["today"] == "Aujourd'hui : fermeture exceptionnelle"
    token = language.use("en", lambda message: message.interpolate().replace("Ouvert maintenant", "Open now"))
    try:  # the same hours at the same minute, in another language: told again in that language
        assert told(week, None, dt.datetime(2026, 11, 30, 10, 0))["status"].label.startswith("Open now")
    finally:
        language.reset(token)
