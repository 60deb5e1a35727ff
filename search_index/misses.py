"""Public searches that found nothing, counted off the request.

A search that finds nothing is a read: it must never fail, nor wait, because of a counter. So
:meth:`MissRecorder.record` only adds one to a counter in memory (per normalised query and day); the counts
are written in batches, in a short transaction of their own that takes SQLite's write lock at once, adding to
the day's row (an upsert) — the buffering, batching, retries and bounds are
:class:`guide.counting.BufferedCounter`'s, shared with the usage indicators. Rows older than ``kept_days``
are deleted by the flush, once a day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from guide.counting import BufferedCounter, add_counts
from guide.models import SearchMiss
from guide.models.search import normalise_query

FLUSH_SECONDS = 10.0
MAX_PENDING = 500  # searches waiting before a flush is due at once
MAX_QUERIES = 10_000  # distinct (query, day) keys held in memory at most
KEPT_DAYS = 365

_PHONE = re.compile(r"(?:\d[\s.\-/]?){6,}")


def looks_personal(q: str) -> bool:
    """A query that looks like an e-mail address or a telephone number is not kept at all."""
    return "@" in q or _PHONE.search(q) is not None


class MissRecorder(BufferedCounter[tuple[str, dt.date]]):
    """Counts of searches without results per (normalised query, day), buffered in memory and written in
    batches (:class:`guide.counting.BufferedCounter`); the write also deletes, once a day, the rows older than
    ``kept_days``. Thread-safe."""

    name = "search-misses"

    def __init__(
        self,
        session_factory: sessionmaker[Session] | None,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        max_pending: int = MAX_PENDING,
        max_queries: int = MAX_QUERIES,
        kept_days: int = KEPT_DAYS,
        background: bool | None = None,
    ) -> None:
        super().__init__(
            session_factory,
            flush_seconds=flush_seconds,
            max_pending=max_pending,
            max_keys=max_queries,
            background=background,
        )
        self.kept_days = kept_days
        self._purged_on: dt.date | None = None
        self._purging: dt.date | None = None

    @property
    def max_queries(self) -> int:
        return self.max_keys

    def record(self, q: str, now: dt.datetime | None = None) -> bool:
        """Count one search without results for ``q``; False when it is not kept."""
        query = normalise_query(q)
        if not query or looks_personal(query):
            return False
        day = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
        return self.add([(query, day)]) == 1

    def write_due(self) -> bool:
        return self._purged_on != dt.datetime.now(dt.UTC).date()

    def write(self, session: Session, batch: Counter[tuple[str, dt.date]]) -> None:
        today = dt.datetime.now(dt.UTC).date()
        rows = [{"query": q, "day": d, "count": n} for (q, d), n in sorted(batch.items())]
        add_counts(session, SearchMiss.__table__, ("query", "day"), rows)
        if self._purged_on != today:
            cutoff = today - dt.timedelta(days=self.kept_days)
            session.execute(delete(SearchMiss).where(SearchMiss.day < cutoff))
        self._purging = today

    def committed(self) -> None:
        self._purged_on = self._purging
