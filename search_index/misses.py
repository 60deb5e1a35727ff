"""Public searches that found nothing, counted off the request.

A search that finds nothing is a read: it must never fail, nor wait, because of a counter. So
:meth:`MissRecorder.record` only adds one to a counter in memory (per normalised query and day); the counts
are written in batches, in a short transaction of their own that takes SQLite's write lock at once, adding to
the day's row (an upsert):

* by a background thread every ``flush_seconds``, or sooner when ``max_pending`` searches are waiting, and
  when the process exits — when the session factory is bound to an Engine (a pool of connections);
* otherwise (a factory bound to one Connection, as in the tests, which a second thread may not use) after a
  request, in the request's thread, when a flush is due — or when :meth:`MissRecorder.flush` is called.

A failed write is retried a few times, logged, and its counts go back to the buffer for the next flush; it is
never raised into a request. Memory is bounded: at most ``max_queries`` distinct queries wait; more are
dropped (and counted in ``dropped``). Rows older than ``kept_days`` are deleted by the flush, once a day.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import re
import threading
import time
import weakref
from collections import Counter
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from guide.db import writing_session
from guide.models import SearchMiss
from guide.models.search import normalise_query

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 10.0
MAX_PENDING = 500  # searches waiting before a flush is due at once
MAX_QUERIES = 10_000  # distinct (query, day) keys held in memory at most
KEPT_DAYS = 365
WRITE_ATTEMPTS = 3

_PHONE = re.compile(r"(?:\d[\s.\-/]?){6,}")
_RECORDERS: weakref.WeakSet[MissRecorder] = weakref.WeakSet()


def looks_personal(q: str) -> bool:
    """A query that looks like an e-mail address or a telephone number is not kept at all."""
    return "@" in q or _PHONE.search(q) is not None


class MissRecorder:
    """Counts of searches without results, buffered in memory and written in batches. Thread-safe."""

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
        self.session_factory = session_factory
        self.flush_seconds = flush_seconds
        self.max_pending = max_pending
        self.max_queries = max_queries
        self.kept_days = kept_days
        if background is None:
            background = _bound_to_engine(session_factory)
        self.background = background
        self.dropped = 0  # searches not counted because too many distinct queries were waiting
        self.written = 0  # searches written to the database so far
        self._pending: Counter[tuple[str, dt.date]] = Counter()
        self._pending_searches = 0
        self._lock = threading.Lock()  # guards the buffer
        self._flush_lock = threading.Lock()  # one flush at a time
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._last_flush = time.monotonic()
        self._purged_on: dt.date | None = None
        _RECORDERS.add(self)

    # --- the reading path: memory only ---

    def record(self, q: str, now: dt.datetime | None = None) -> bool:
        """Count one search without results for ``q``; False when it is not kept."""
        query = normalise_query(q)
        if not query or looks_personal(query):
            return False
        day = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
        with self._lock:
            if (query, day) not in self._pending and len(self._pending) >= self.max_queries:
                self.dropped += 1
                return False
            self._pending[query, day] += 1
            self._pending_searches += 1
            full = self._pending_searches >= self.max_pending
        if self.background:
            self._start()
            if full:
                self._wake.set()
        return True

    @property
    def pending(self) -> int:
        """Searches counted in memory, not written yet."""
        return self._pending_searches

    def due(self) -> bool:
        return bool(self._pending) and (
            self._pending_searches >= self.max_pending
            or time.monotonic() - self._last_flush >= self.flush_seconds
        )

    def after_request(self) -> None:
        """Called once a request is over: writes the counts when due, unless a background thread does."""
        if not self.background and self.due():
            self.flush(wait=False)

    # --- writing, in batches ---

    def flush(self, wait: bool = True) -> int:
        """Write the counts waiting in memory; returns how many searches were written. Never raises."""
        if not self._flush_lock.acquire(blocking=wait):
            return 0  # another thread is writing
        try:
            with self._lock:
                batch, self._pending = self._pending, Counter()
                self._pending_searches = 0
                self._last_flush = time.monotonic()
            if not batch and self._purged_on == dt.datetime.now(dt.UTC).date():
                return 0
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    self._write(batch)
                except Exception:  # logged; the counts wait for the next flush
                    logger.warning(
                        "search misses: writing %d queries failed (attempt %d of %d)",
                        len(batch),
                        attempt + 1,
                        WRITE_ATTEMPTS,
                        exc_info=True,
                    )
                    time.sleep(0.05 * 2**attempt)
                else:
                    written = sum(batch.values())
                    self.written += written
                    return written
            self._give_back(batch)
            logger.error("search misses: %d queries kept in memory for the next flush", len(batch))
            return 0
        finally:
            self._flush_lock.release()

    def _give_back(self, batch: Counter[tuple[str, dt.date]]) -> None:
        with self._lock:
            for key, count in batch.items():
                if key in self._pending or len(self._pending) < self.max_queries:
                    self._pending[key] += count
                    self._pending_searches += count
                else:
                    self.dropped += count

    def _write(self, batch: Counter[tuple[str, dt.date]]) -> None:
        if self.session_factory is None:
            raise RuntimeError("the search miss recorder has no session factory")
        today = dt.datetime.now(dt.UTC).date()
        with writing_session(self.session_factory) as session:
            if batch:
                _add_counts(
                    session, [{"query": q, "day": d, "count": n} for (q, d), n in sorted(batch.items())]
                )
            if self._purged_on != today:
                cutoff = today - dt.timedelta(days=self.kept_days)
                session.execute(delete(SearchMiss).where(SearchMiss.day < cutoff))
            session.commit()
        self._purged_on = today

    # --- the background thread ---

    def _start(self) -> None:
        if self._thread is not None or self._closed:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="search-misses", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            if self._pending:
                self.flush()

    def close(self) -> None:
        """Stop the background thread and write what is waiting."""
        self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        if self._pending:
            self.flush()


def _add_counts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add each row's count to its (query, day) row, creating it if needed: one upsert statement."""
    dialect = session.get_bind().dialect.name
    table = SearchMiss.__table__
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.query, table.c.day],
            set_={"count": table.c.count + statement.excluded.count},
        )
        session.execute(statement, rows)
        return
    for row in rows:  # other databases: update, then insert what was not there
        updated = session.execute(
            update(table)
            .where(table.c.query == row["query"], table.c.day == row["day"])
            .values(count=table.c.count + row["count"])
        )
        if not updated.rowcount:
            session.execute(table.insert().values(**row))


def _bound_to_engine(session_factory: sessionmaker[Session] | None) -> bool:
    return session_factory is not None and isinstance(session_factory.kw.get("bind"), Engine)


@atexit.register
def _flush_at_exit() -> None:
    for recorder in list(_RECORDERS):
        if recorder.background:
            recorder.close()
