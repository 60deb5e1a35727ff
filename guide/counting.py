"""Counters kept in memory and written in batches, off the request: the base of the search misses
(:mod:`search_index.misses`) and of the usage indicators (:mod:`guide.services.indicators`).

A public read must never fail, nor wait, because of a counter. :meth:`BufferedCounter.add` only adds one
to a counter in memory; the counts are written in batches, in a short transaction of their own
(:meth:`BufferedCounter.write`, an upsert adding to the stored row, see :func:`add_counts`):

* by a background thread every ``flush_seconds`` (at once when it is 0), or sooner when ``max_pending``
  events are waiting, and when the process exits — when the session factory is bound to an Engine (a pool
  of connections);
* otherwise (a factory bound to one Connection, as in the tests, which a second thread may not use) after a
  request, in the request's thread, when a flush is due — or when :meth:`BufferedCounter.flush` is called.

A failed write is retried a few times, logged, and its counts go back to the buffer for the next flush; it is
never raised into a request. Memory is bounded: at most ``max_keys`` distinct keys wait; more are dropped
(and counted in ``dropped``).

Hand-written: the task queue (huey) would put one row per event in the database, which is the write this
avoids; no maintained library buffers counters in process for SQLAlchemy.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, Table, and_, update
from sqlalchemy.orm import Session, sessionmaker

from .db import writing_session

logger = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3

K = TypeVar("K", bound=Hashable)

_counters: weakref.WeakSet[BufferedCounter[Any]] = weakref.WeakSet()


def bound_to_engine(session_factory: sessionmaker[Session] | None) -> bool:
    """Whether the factory's sessions use a pool (a background thread may then write)."""
    return session_factory is not None and isinstance(session_factory.kw.get("bind"), Engine)


class BufferedCounter(Generic[K]):
    """Counts per key, buffered in memory and written in batches by :meth:`write`. Thread-safe.

    Subclasses give :attr:`name` (for the logs and the thread) and :meth:`write`; they may override
    :meth:`write_due` to write with nothing counted (a daily purge)."""

    name = "counters"

    def __init__(
        self,
        session_factory: sessionmaker[Session] | None,
        *,
        flush_seconds: float,
        max_pending: int,
        max_keys: int,
        background: bool | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.flush_seconds = flush_seconds
        self.max_pending = max_pending
        self.max_keys = max_keys
        self.background = bound_to_engine(session_factory) if background is None else background
        self.dropped = 0  # events not counted because too many distinct keys were waiting
        self.written = 0  # events written to the database so far
        self._pending: Counter[K] = Counter()
        self._pending_events = 0
        self._lock = threading.Lock()  # guards the buffer
        self._flush_lock = threading.Lock()  # one flush at a time
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._last_flush = time.monotonic()
        _counters.add(self)

    # --- the reading path: memory only ---

    def add(self, keys: Iterable[K]) -> int:
        """Count one event for each key; returns how many were kept."""
        kept = 0
        with self._lock:
            for key in keys:
                if key not in self._pending and len(self._pending) >= self.max_keys:
                    self.dropped += 1
                    continue
                self._pending[key] += 1
                kept += 1
            self._pending_events += kept
            full = self._pending_events >= self.max_pending
        if self.background and kept:
            self._start()
            if full or self.flush_seconds <= 0:
                self._wake.set()
        return kept

    @property
    def pending(self) -> int:
        """Events counted in memory, not written yet."""
        return self._pending_events

    def due(self) -> bool:
        return bool(self._pending) and (
            self._pending_events >= self.max_pending
            or time.monotonic() - self._last_flush >= self.flush_seconds
        )

    def after_request(self) -> None:
        """Called once a request is over: writes the counts when due, unless a background thread does."""
        if not self.background and self.due():
            self.flush(wait=False)

    def rebind(self, session_factory: sessionmaker[Session] | None) -> None:
        """Write through another session factory from now on; what was counted for the old one is dropped
        (only the tests' cached application changes its factory, between two tests)."""
        with self._lock:
            self.session_factory = session_factory
            self._pending = Counter()
            self._pending_events = 0

    # --- writing, in batches ---

    def write_due(self) -> bool:
        """Whether :meth:`flush` writes even with nothing counted."""
        return False

    def write(self, session: Session, batch: Counter[K]) -> None:
        """Add the batch's counts in the database (the caller commits)."""
        raise NotImplementedError

    def committed(self) -> None:
        """Called once a batch is committed."""

    def flush(self, wait: bool = True) -> int:
        """Write the counts waiting in memory; returns how many events were written. Never raises."""
        if not self._flush_lock.acquire(blocking=wait):
            return 0  # another thread is writing
        try:
            with self._lock:
                batch, self._pending = self._pending, Counter()
                self._pending_events = 0
                self._last_flush = time.monotonic()
            if not batch and not self.write_due():
                return 0
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    self._write(batch)
                except Exception:  # logged; the counts wait for the next flush
                    logger.warning(
                        "%s: writing %d keys failed (attempt %d of %d)",
                        self.name,
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
            logger.error("%s: %d keys kept in memory for the next flush", self.name, len(batch))
            return 0
        finally:
            self._flush_lock.release()

    def _write(self, batch: Counter[K]) -> None:
        if self.session_factory is None:
            raise RuntimeError(f"{self.name}: no session factory")
        with writing_session(self.session_factory) as session:
            self.write(session, batch)
            session.commit()
        self.committed()

    def _give_back(self, batch: Counter[K]) -> None:
        with self._lock:
            for key, count in batch.items():
                if key in self._pending or len(self._pending) < self.max_keys:
                    self._pending[key] += count
                    self._pending_events += count
                else:
                    self.dropped += count

    # --- the background thread ---

    def _start(self) -> None:
        if self._thread is not None or self._closed:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        # flush_seconds <= 0 means "write each event at once": the thread sleeps until add() wakes it
        # (waiting 0 s in a loop would hold the GIL and slow every other thread of the process)
        while not self._closed:
            self._wake.wait(self.flush_seconds if self.flush_seconds > 0 else None)
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


@atexit.register
def _flush_at_exit() -> None:
    for counter in list(_counters):
        if counter.background:
            counter.close()


def add_counts(
    session: Session, table: Table, key_columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Add each row's ``count`` to the row of ``table`` with the same ``key_columns``, creating it if
    needed: one upsert statement on SQLite and PostgreSQL (their unique index on the key columns)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # the dialect's own insert, imported when used: the PostgreSQL dialect alone was 0.1–0.5 s of every
        # process's start-up (guide-reindex imports this module) on a SQLite guide
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c[name] for name in key_columns],
            set_={"count": table.c.count + statement.excluded["count"]},
        )
        session.execute(statement, rows)
        return
    for row in rows:  # other databases: update, then insert what was not there
        updated = session.execute(
            update(table)
            .where(and_(*(table.c[name] == row[name] for name in key_columns)))
            .values(count=table.c.count + row["count"])
        )
        if not updated.rowcount:
            session.execute(table.insert().values(**row))
