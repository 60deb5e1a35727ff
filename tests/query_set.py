"""The query set (tests/data/queries.json): realistic queries on the demo guide and the fiches that should
come first, and how a search service does on it.

Used by ``tests/functional/test_query_set.py`` (which asserts the targets of issue 9) and by
``bench/bench_search.py`` (which prints the figures). A query "finds nothing" when the first page shows no
fiche at all (whatever the engine did to get there: correction, partial match); it "hits" when one of its
expected fiches is among the first :data:`TOP` shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

QUERIES_FILE = Path(__file__).parent / "data" / "queries.json"
DEMO_SOURCE = "demo"
TOP = 5
# Searches run at a fixed moment, so that "ouvert maintenant" and time words give the same figures every day:
# a Tuesday morning in term time, outside public holidays.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
TARGET_NO_RESULT = 0.03
TARGET_TOP = 0.90


@dataclass(frozen=True)
class Query:
    q: str
    expected: tuple[str, ...]  # the demo's source ids
    category: str
    lang: str | None = None

    @property
    def expected_uids(self) -> frozenset[str]:
        return frozenset(f"{DEMO_SOURCE}--{identifier}" for identifier in self.expected)


@dataclass(frozen=True)
class Outcome:
    query: Query
    shown: tuple[str, ...]  # the titles of the first TOP fiches shown
    uids: tuple[str, ...]

    @property
    def found_nothing(self) -> bool:
        return not self.uids

    @property
    def hit(self) -> bool:
        return bool(self.query.expected_uids & set(self.uids))


@dataclass
class QuerySetFigures:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def no_result(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.found_nothing]

    @property
    def missed(self) -> list[Outcome]:
        """Queries without any expected fiche in the top :data:`TOP` (those without a result included)."""
        return [o for o in self.outcomes if not o.hit]

    @property
    def share_no_result(self) -> float:
        return len(self.no_result) / self.total if self.total else 0.0

    @property
    def share_top(self) -> float:
        return (self.total - len(self.missed)) / self.total if self.total else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.share_no_result <= TARGET_NO_RESULT and self.share_top >= TARGET_TOP

    def by_category(self) -> dict[str, tuple[int, int, int]]:
        """category → (queries, without result, expected fiche in the top TOP)."""
        totals: Counter[str] = Counter()
        empty: Counter[str] = Counter()
        hits: Counter[str] = Counter()
        for o in self.outcomes:
            totals[o.query.category] += 1
            empty[o.query.category] += o.found_nothing
            hits[o.query.category] += o.hit
        return {c: (totals[c], empty[c], hits[c]) for c in totals}

    def summary(self) -> str:
        return (
            f"{self.total} queries: no result {len(self.no_result)} ({self.share_no_result:.1%}, target "
            f"≤ {TARGET_NO_RESULT:.0%}), expected fiche in the top {TOP} {self.total - len(self.missed)} "
            f"({self.share_top:.1%}, target ≥ {TARGET_TOP:.0%})"
        )

    def report(self, details: bool = True) -> str:
        lines = [self.summary(), f"{'category':<10} {'queries':>7} {'no result':>9} {'top ' + str(TOP):>7}"]
        for category, (n, empty, hits) in sorted(self.by_category().items()):
            lines.append(f"{category:<10} {n:>7} {empty:>9} {hits / n:>7.0%}")
        if details:
            for o in self.missed:
                shown = " | ".join(o.shown) if o.shown else "(nothing)"
                lines.append(f"  miss [{o.query.category}] {o.query.q!r} → {shown}")
        return "\n".join(lines)


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Query(item["q"], tuple(item["expected"]), item["category"], item.get("lang"))
        for item in data["queries"]
    ]


def measure(search_service: Any, db: Any = None, queries: list[Query] | None = None) -> QuerySetFigures:
    """Run every query through ``search_service.search`` (a :class:`search_index.SearchService`, on the demo
    guide) and collect what its first page shows."""
    figures = QuerySetFigures()
    for query in load_queries() if queries is None else queries:
        results = search_service.search(query.q, db=db, per_page=TOP, now=NOW, record_miss=False)
        hits = results.hits[:TOP]
        figures.outcomes.append(
            Outcome(query, tuple(hit.nom for hit in hits), tuple(hit.uid for hit in hits))
        )
    return figures
