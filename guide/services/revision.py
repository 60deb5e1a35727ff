"""The data revision: a counter that grows with every committed change the coordinators' figures read.

« État du guide » at 10,000 fiches is a few hundred milliseconds of grouped counts; its numbers only
change when the data does (or the day does). So each application server keeps the last figures with the
revision they were computed at (:func:`cached`), and recomputes when the revision moved.

How the counter follows the data, without any view or service having to remember it:

* ``before_flush``: a session that adds, changes or deletes an object of :data:`WATCHED` is marked;
* ``do_orm_execute``: so is a session that runs a bulk UPDATE or DELETE on one of their tables;
* ``before_commit``: a marked session adds one to the counter, as the last statement of its transaction.

The counter is one row, updated (not a log of inserted ids): its lock orders the writers, so a reader
never sees count N without every transaction that made it N — with ids from a sequence, a transaction
holding a smaller id may commit after a larger one was read. The lock is taken at commit time, when the
transaction holds everything it needs already: writers queue there for a moment, they cannot deadlock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import ORMExecuteState, Session

from ..counting import add_counts
from ..models import (
    DataRevision,
    ErrorReport,
    Fiche,
    Lieu,
    Membership,
    Organisation,
    Quartier,
    Thematique,
    lieu_organisation,
)
from ..models.directory import DirectoryChange

NAME = "guide"
WATCHED: tuple[type, ...] = (
    Fiche,
    Thematique,
    Lieu,
    Organisation,
    Quartier,
    Membership,
    ErrorReport,
    DirectoryChange,
)
WATCHED_TABLES = frozenset(
    [*(model.__table__.name for model in WATCHED), lieu_organisation.name]  # type: ignore[attr-defined]
)
_MARK = "guide_data_changed"

T = TypeVar("T")


def _pending_watched(session: Session) -> bool:
    """Whether the session holds, not flushed yet, a new, changed or deleted object of :data:`WATCHED`."""
    return any(isinstance(obj, WATCHED) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, WATCHED) and session.is_modified(obj) for obj in session.dirty
    )


def before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not session.info.get(_MARK) and _pending_watched(session):
        session.info[_MARK] = True


def do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.session.info.get(_MARK):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        state.session.info[_MARK] = True


def before_commit(session: Session) -> None:
    # flushed or still pending (the commit flushes it next): a watched change moves the revision
    if session.info.pop(_MARK, False) or _pending_watched(session):
        add_counts(session, DataRevision.__table__, ("name",), [{"name": NAME, "count": 1}])


def forget(session: Session, *_args: Any) -> None:
    session.info.pop(_MARK, None)


SESSION_LISTENERS = [
    ("before_flush", before_flush),
    ("do_orm_execute", do_orm_execute),
    ("before_commit", before_commit),
    ("after_rollback", forget),
]


def current(db: Session) -> int:
    """The revision as this transaction sees it (0 before the first change)."""
    return db.scalar(select(DataRevision.count).where(DataRevision.name == NAME)) or 0


class RevisionCache:
    """The last few values computed per (key, revision), in this process; thread-safe."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, db: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``'s value at the current revision of ``db``'s database.

        Computed again, and not kept, when the session has changes of its own not committed yet (they
        would be kept under a revision they are not part of), and when it is bound to one Connection
        rather than to an Engine: it then works inside a transaction it does not own (a script's, a
        test's), which may be rolled back after the revision was read."""
        bind = db.get_bind()
        if not isinstance(bind, Engine) or db.info.get(_MARK) or _pending_watched(db):
            return compute()
        full_key = (id(bind), key, current(db))
        with self._lock:
            found = self._values.get(full_key)
            if found is not None and found[0] is bind:
                self._values.move_to_end(full_key)
                return found[1]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._values[full_key] = (bind, value)  # the engine itself: its id is not reused meanwhile
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
