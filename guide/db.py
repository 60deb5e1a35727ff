"""Database engine and the per-request session (one request, one transaction).

Concurrent writers: a request that writes (any method but GET, HEAD and OPTIONS) takes SQLite's write lock
when its transaction begins (``BEGIN IMMEDIATE``), so it waits its turn (``busy_timeout``) instead of failing
when it upgrades a read transaction that another writer got ahead of. What can still fail for want of a lock
— SQLite « database is locked », PostgreSQL serialization failures and deadlocks — is marked retryable and
pyramid_retry runs the request again (``retry.attempts``, 3 by default) in a fresh transaction.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from .settings import settings_of

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_LOCK_OPTION = "guide_write_lock"  # execution option: SQLite transactions begin with the write lock
RETRY_ATTEMPTS = 3
SQLITE_LOCKED_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")
POSTGRESQL_RETRYABLE_STATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected
_WRITE_BINDS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, busy_ms=int(1000 * float(kwargs["connect_args"].get("timeout", 30))))
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
    event.listen(engine, "handle_error", _mark_retryable)
    return engine


def is_retryable_error(error: BaseException | None) -> bool:
    """A DBAPI error that another attempt of the same transaction may not meet: lock contention."""
    if error is None:
        return False
    if error.__class__.__module__.startswith("sqlite3") and error.__class__.__name__ == "OperationalError":
        message = str(error).lower()
        return any(text in message for text in SQLITE_LOCKED_MESSAGES)
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state in POSTGRESQL_RETRYABLE_STATES


def _mark_retryable(context: ExceptionContext) -> None:
    if context.sqlalchemy_exception is not None and is_retryable_error(context.original_exception):
        # imported here, like zope.sqlalchemy below: the console scripts use this module without the web
        # app's transaction machinery (pyramid_retry alone imports pyramid.config, ~0.3 s of start-up)
        from pyramid_retry import mark_error_retryable

        mark_error_retryable(context.sqlalchemy_exception)


def write_bind(bind: Any) -> Any:
    """``bind`` for a transaction that writes: on SQLite its ``BEGIN`` takes the write lock at once.

    Only an Engine can carry the option to the transaction's start; a Connection (the tests' shared one)
    is returned as it is."""
    if not isinstance(bind, Engine):
        return bind
    writer = _WRITE_BINDS.get(bind)
    if writer is None:
        writer = _WRITE_BINDS[bind] = bind.execution_options(**{WRITE_LOCK_OPTION: True})
    return writer


def writing_session(session_factory: sessionmaker[Session]) -> Session:
    """A session of ``session_factory`` whose transactions take SQLite's write lock when they begin."""
    bind = session_factory.kw.get("bind")
    return session_factory(bind=write_bind(bind)) if bind is not None else session_factory()


def _configure_sqlite(engine: Engine, busy_ms: int = 30000) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself
    # (the recipe from SQLAlchemy's documentation), and switch on WAL and foreign keys.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        # how long a statement waits for another writer's lock: the connection's ``timeout`` (30 s)
        cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # a transaction that will write takes the write lock now rather than upgrading later, which SQLite
        # refuses at once (no busy wait) when another writer committed since this transaction began
        conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_LOCK_OPTION) else "BEGIN"
        )


SessionListeners = Iterable[tuple[str, Callable[..., Any]]]


def listen_sessions(factory: sessionmaker[Session], listeners: SessionListeners) -> None:
    """Register session event listeners (``(event name, function)``) on the sessions of ``factory``:
    the one way the application listens to its sessions (never globally on ``Session``)."""
    # Registration is remembered on the factory's own class (each sessionmaker makes one), not asked of
    # ``event.contains``: SQLAlchemy's registry is keyed by ``id()``, and a new factory whose class reuses
    # the address of a collected one was taken for it, so its sessions got no listeners.
    registered: set[tuple[str, Any]] = factory.class_.__dict__.get("_guide_listeners") or set()
    for name, function in listeners:
        if (name, function) not in registered:
            event.listen(factory, name, function)
            registered.add((name, function))
    factory.class_._guide_listeners = registered  # type: ignore[attr-defined]


def make_session_factory(bind: Any, **kwargs: Any) -> sessionmaker[Session]:
    """The session factory of the application, the console scripts and the tests, with the core's
    session listeners (the search room adds its own: ``search_index.includeme``)."""
    from .services import geography, indexlog, revision

    factory = sessionmaker(bind=bind, expire_on_commit=False, **kwargs)
    # organisations, lieux and thématiques show on public fiches: log their changes for the search index
    listen_sessions(factory, [("before_flush", indexlog.before_flush)])
    # the quartier polygons cached in a session are forgotten when quartiers change or the transaction ends
    listen_sessions(factory, geography.SESSION_LISTENERS)
    # a committed change to what « État du guide » counts moves the data revision its figures are cached on
    listen_sessions(factory, revision.SESSION_LISTENERS)
    return factory


def get_tm_session(
    session_factory: sessionmaker[Session], transaction_manager: Any, *, writes: bool = False
) -> Session:
    """A session joined to the transaction manager: committed or aborted with the request. With
    ``writes``, its transaction takes SQLite's write lock when it begins."""
    import zope.sqlalchemy

    dbsession = writing_session(session_factory) if writes else session_factory()
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


def includeme(config: Any) -> None:
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    settings.setdefault("retry.attempts", RETRY_ATTEMPTS)
    config.include("pyramid_retry")  # a request that met lock contention runs again (see the docstring)
    config.include("pyramid_tm")
    session_factory = settings.get("guide.session_factory")
    if session_factory is None:
        engine = make_engine(settings_of(config.registry).database_url)
        session_factory = make_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory

    def dbsession(request: Any) -> Session:
        return get_tm_session(
            request.registry["dbsession_factory"], request.tm, writes=request.method not in READ_ONLY_METHODS
        )

    config.add_request_method(dbsession, "dbsession", reify=True)
