"""Background work: a task queue in the guide's own database, run by ``guide-worker CONFIG.ini``.

What runs here rather than in a web thread: the annual edition's generation, the on-demand PDF layouts
(:mod:`guide.print.worker`), the delivery of the mail outbox (:mod:`guide.mail`). A web process only writes
a row; the worker process — never a child of a web server, started by systemd or ``make serve`` — takes it.

The choices, written down:

* **huey** (maintained, small, pure Python, one dependency-free package) for the queue semantics —
  task registry and serialisation, retries with delay, periodic tasks, a consumer with worker threads,
  graceful shutdown on SIGINT/SIGTERM. Not Celery (a broker to run), not ``procrastinate`` (PostgreSQL
  only: the guide's default is a SQLite file).
* huey's storage is :class:`DatabaseStorage`, a small subclass of ``huey.storage.BaseStorage`` on
  SQLAlchemy Core over the guide's own database and tables (``task_queue``, ``task_schedule``,
  ``task_data``, ``task_counter``, created by the Alembic migration f1a700000007, never by huey). Not
  huey's ``SqliteStorage`` (a second SQLite file each app server would keep for itself) nor its
  ``SqlStorage`` (peewee: a second database library and URL dialect to configure): with the guide's
  database, every app server and every worker share one queue, and a task written on one server is run by
  whichever worker takes it first. Taking a task is atomic: ``SELECT … FOR UPDATE SKIP LOCKED`` then
  ``DELETE`` on PostgreSQL (several workers never take the same task and never wait for each other), a
  write transaction (``BEGIN IMMEDIATE``) on SQLite.
* **immediate mode** (``tasks.immediate = true``, and always when the app is handed a database connection
  rather than an engine — the tests): a task runs in the process that asks for it, as soon as it is asked
  (huey's own immediate mode, with its in-memory storage). The functional tests run that way;
  ``tests/functional/test_worker.py`` runs the real ``guide-worker`` process.

A task needs a database session: it opens its own from the factory that :func:`configure` was given (the
worker's, or the app's in immediate mode) and commits what it did.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from huey import Huey, crontab
from huey.constants import EmptyData
from huey.storage import BaseStorage
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .db import write_bind
from .models.meta import utcnow
from .models.storage import TaskCounter, TaskData, TaskQueue, TaskSchedule
from .settings import Settings, settings_of

log = logging.getLogger(__name__)

QUEUE_NAME = "guide"


@dataclass
class _State:
    """What the tasks of this process run with (set by :func:`configure`)."""

    engine: Engine | None = None
    session_factory: sessionmaker[Session] | None = None
    settings: Settings | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


state = _State()


class DatabaseStorage(BaseStorage):
    """huey's storage on the guide's database (see the module docstring for why)."""

    priority = True
    blocking = False  # the consumer polls, with huey's backoff (0.1 s growing to ``max_delay``)

    def __init__(self, name: str = QUEUE_NAME, **kwargs: Any) -> None:
        super().__init__(name)

    @property
    def engine(self) -> Engine:
        if state.engine is None:
            raise RuntimeError("guide.tasks.configure() was not called with a database engine")
        return state.engine

    # --- the queue ---

    def enqueue(self, data: bytes, priority: float | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(TaskQueue).values(
                    queue=self.name, data=bytes(data), priority=priority or 0.0, enqueued_at=utcnow()
                )
            )

    def dequeue(self) -> bytes | None:
        # a cheap look first: an idle worker polls without taking SQLite's write lock
        with self.engine.connect() as conn:
            if conn.scalar(select(TaskQueue.id).where(TaskQueue.queue == self.name).limit(1)) is None:
                return None
        pick = (
            select(TaskQueue.id, TaskQueue.data)
            .where(TaskQueue.queue == self.name)
            .order_by(TaskQueue.priority.desc(), TaskQueue.id)
            .limit(1)
        )
        if self.engine.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        with write_bind(self.engine).begin() as conn:
            row = conn.execute(pick).first()
            if row is None:
                return None
            if conn.execute(delete(TaskQueue).where(TaskQueue.id == row.id)).rowcount != 1:
                return None
            return bytes(row.data)

    def queue_size(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).where(TaskQueue.queue == self.name)) or 0)

    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        query = (
            select(TaskQueue.data)
            .where(TaskQueue.queue == self.name)
            .order_by(TaskQueue.priority.desc(), TaskQueue.id)
        )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [bytes(data) for data in conn.scalars(query)]

    def flush_queue(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(TaskQueue).where(TaskQueue.queue == self.name))

    # --- the schedule (retries with a delay, tasks for later) ---

    def add_to_schedule(self, data: bytes, ts: dt.datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(TaskSchedule).values(queue=self.name, data=bytes(data), run_at=ts.timestamp())
            )

    def read_schedule(self, ts: dt.datetime) -> list[bytes]:
        with write_bind(self.engine).begin() as conn:
            rows = conn.execute(
                select(TaskSchedule.id, TaskSchedule.data)
                .where(TaskSchedule.queue == self.name, TaskSchedule.run_at <= ts.timestamp())
                .order_by(TaskSchedule.run_at, TaskSchedule.id)
                .limit(1000)
            ).all()
            if rows:
                conn.execute(delete(TaskSchedule).where(TaskSchedule.id.in_([row.id for row in rows])))
            return [bytes(row.data) for row in rows]

    def schedule_size(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).where(TaskSchedule.queue == self.name)) or 0)

    def scheduled_items(self, limit: int | None = None) -> list[bytes]:
        query = select(TaskSchedule.data).where(TaskSchedule.queue == self.name).order_by(TaskSchedule.run_at)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [bytes(data) for data in conn.scalars(query)]

    def flush_schedule(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(TaskSchedule).where(TaskSchedule.queue == self.name))

    # --- results, revocations, locks ---

    def _key(self, key: Any) -> str:
        return key.decode() if isinstance(key, bytes) else str(key)

    def put_data(self, key: Any, value: bytes, is_result: bool = False) -> None:
        where = (TaskData.queue == self.name, TaskData.key == self._key(key))
        with self.engine.begin() as conn:
            if conn.execute(update(TaskData).where(*where).values(value=bytes(value))).rowcount:
                return
            conn.execute(
                insert(TaskData).values(
                    queue=self.name, key=self._key(key), value=bytes(value), created_at=utcnow()
                )
            )

    def peek_data(self, key: Any) -> Any:
        with self.engine.connect() as conn:
            value = conn.scalar(
                select(TaskData.value).where(TaskData.queue == self.name, TaskData.key == self._key(key))
            )
        return EmptyData if value is None else bytes(value)

    def pop_data(self, key: Any) -> Any:
        where = (TaskData.queue == self.name, TaskData.key == self._key(key))
        with write_bind(self.engine).begin() as conn:
            value = conn.scalar(select(TaskData.value).where(*where))
            if value is None:
                return EmptyData
            conn.execute(delete(TaskData).where(*where))
        return bytes(value)

    def has_data_for_key(self, key: Any) -> bool:
        return self.peek_data(key) is not EmptyData

    def put_if_empty(self, key: Any, value: bytes, ttl: int | None = None) -> bool:
        if ttl is not None:
            raise NotImplementedError("ttl is not supported by this storage.")
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(TaskData).values(
                        queue=self.name, key=self._key(key), value=bytes(value), created_at=utcnow()
                    )
                )
        except IntegrityError:  # set by someone else first
            return False
        return True

    def data_age(self, key: Any) -> float | None:
        """Seconds since ``key`` was first set (None when it is not): markers that outlived their process."""
        with self.engine.connect() as conn:
            created = conn.scalar(
                select(TaskData.created_at).where(TaskData.queue == self.name, TaskData.key == self._key(key))
            )
        return None if created is None else (utcnow() - created).total_seconds()

    def count_data(self, prefix: str, younger_than: float) -> int:
        since = utcnow() - dt.timedelta(seconds=younger_than)
        with self.engine.connect() as conn:
            return int(
                conn.scalar(
                    select(func.count()).where(
                        TaskData.queue == self.name,
                        TaskData.key.startswith(prefix, autoescape=True),
                        TaskData.created_at > since,
                    )
                )
                or 0
            )

    def result_store_size(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).where(TaskData.queue == self.name)) or 0)

    def result_items(self) -> dict[str, bytes]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(TaskData.key, TaskData.value).where(TaskData.queue == self.name))
            return {row.key: bytes(row.value) for row in rows}

    def flush_results(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(TaskData).where(TaskData.queue == self.name))

    # --- counters ---

    def incr(self, key: Any, amount: int = 1) -> int:
        where = (TaskCounter.queue == self.name, TaskCounter.key == self._key(key))
        with write_bind(self.engine).begin() as conn:
            if not conn.execute(
                update(TaskCounter).where(*where).values(value=TaskCounter.value + amount)
            ).rowcount:
                conn.execute(insert(TaskCounter).values(queue=self.name, key=self._key(key), value=amount))
            return int(conn.scalar(select(TaskCounter.value).where(*where)) or 0)

    def delete_counter(self, key: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(TaskCounter).where(TaskCounter.queue == self.name, TaskCounter.key == self._key(key))
            )

    def flush_counters(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(TaskCounter).where(TaskCounter.queue == self.name))


# results=False: nobody waits for a task's return value (the edition reports on its row, a PDF lands in
# the storage, a mail is marked sent); utc=True: the schedule in UTC whatever the servers' zones.
queue = Huey(QUEUE_NAME, results=False, utc=True, storage_class=DatabaseStorage)


def configure(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    engine: Engine | None = None,
    immediate: bool = False,
) -> Huey:
    """Set what this process's tasks run with; ``immediate``: tasks run where they are asked."""
    with state.lock:
        state.settings = settings
        state.session_factory = session_factory
        if engine is not None:
            state.engine = engine
        if queue.immediate != immediate:
            queue.immediate = immediate
    return queue


def session() -> Session:
    if state.session_factory is None:
        raise RuntimeError("guide.tasks.configure() was not called")
    return state.session_factory()


def settings() -> Settings:
    if state.settings is None:
        raise RuntimeError("guide.tasks.configure() was not called")
    return state.settings


def use_registry(registry: Any) -> None:
    """The tasks about to be queued (or run, in immediate mode) use this app's database, sessions and
    settings: one process may hold several apps (the tests; the tests also rebind an app to a new session
    factory for each test)."""
    if registry is None or registry.get("dbsession_factory") is None or "tasks.immediate" not in registry:
        return
    configure(
        settings_of(registry),
        registry["dbsession_factory"],
        engine=registry.get("tasks.engine"),
        immediate=registry["tasks.immediate"],
    )


def submit(task: Callable[..., Any], *args: Any, registry: Any = None) -> Any:
    """Queue ``task(*args)`` now (``registry``: the app asking, for immediate mode)."""
    use_registry(registry)
    return task(*args)


def submit_after_commit(
    transaction_manager: Any, task: Callable[..., Any], *args: Any, registry: Any = None
) -> None:
    """Queue ``task(*args)`` once the current transaction has committed (nothing when it is rolled back):
    the worker then sees what the request wrote."""

    def hook(success: bool) -> None:
        if not success:
            return
        try:
            submit(task, *args, registry=registry)
        except Exception:
            log.exception("could not queue %s", getattr(task, "name", task))

    transaction_manager.get().addAfterCommitHook(hook)


# --- the tasks ------------------------------------------------------------------------------------------


MAIL_ROUND = 500  # mails sent by one deliver_mail task before it hands the thread back


@queue.task(name="deliver_mail")
def deliver_mail() -> int:
    """Send the mails of the outbox that are due (:func:`guide.mail.deliver_outbox`)."""
    from .mail import deliver_outbox

    sent = deliver_outbox(state.session_factory, settings(), limit=MAIL_ROUND)  # type: ignore[arg-type]
    if sent >= MAIL_ROUND:
        # more may be due (a campaign to 2,000 organisations): another round, queued behind the tasks
        # that came meanwhile, rather than 500 a minute through retry_mail
        deliver_mail()
    return sent


@queue.periodic_task(crontab(minute="*"), name="retry_mail")
def retry_mail() -> int:
    """Every minute: the mails whose delivery failed and are due again (the SMTP server is back)."""
    return deliver_mail.call_local()


@queue.task(name="generate_edition")
def generate_edition(edition_id: int) -> int:
    """The annual edition's generation (what ``guide-edition --edition ID`` does), progress on its row."""
    from .scripts.edition import run_with

    return run_with(state.session_factory, settings(), edition_id)  # type: ignore[arg-type]


@queue.task(name="render_pdf")
def render_pdf(key: str, htmls: list[str], one_page: bool) -> int:
    """Lay out an on-demand PDF and store it in the PDF cache (:mod:`guide.print.worker`)."""
    from .print.worker import render_task

    return render_task(state.session_factory, settings(), key, htmls, one_page)  # type: ignore[arg-type]


def prune(db: Session, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove the tasks' leftovers older than ``older_than``: markers of renders lost with their worker,
    locks and results (``guide-housekeeping``). Done tasks leave no row: a task is deleted when taken."""
    result = db.execute(delete(TaskData).where(TaskData.created_at < utcnow() - older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- what /sante reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueStats:
    depth: int  # tasks waiting for a worker
    oldest_seconds: float  # how long the oldest of them has waited (0 when none)
    scheduled: int  # retries and tasks for later


def stats(db: Session) -> QueueStats:
    depth, oldest = db.execute(
        select(func.count(), func.min(TaskQueue.enqueued_at)).where(TaskQueue.queue == QUEUE_NAME)
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    scheduled = db.scalar(select(func.count()).where(TaskSchedule.queue == QUEUE_NAME)) or 0
    age = max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0
    return QueueStats(int(depth or 0), age, int(scheduled))


def includeme(config: Any) -> None:
    """The app's side of the queue: tasks are written to the database for ``guide-worker`` — or run at once
    (``tasks.immediate``, or an app handed a database connection rather than an engine: the tests)."""
    typed = settings_of(config.registry)
    factory = config.registry["dbsession_factory"]
    bind = factory.kw.get("bind")
    engine = bind if isinstance(bind, Engine) else None
    immediate = typed.tasks_immediate or engine is None
    configure(typed, factory, engine=engine, immediate=immediate)
    config.registry["tasks"] = queue
    config.registry["tasks.engine"] = engine
    config.registry["tasks.immediate"] = immediate


# Tasks defined beside their service, registered on the queue when this module (which the worker imports)
# imports them: the open data files (guide/services/export/cache.py).
from .services.export import cache as _opendata_cache  # noqa: E402, F401
