"""Database engine and the per-request session (one request, one transaction)."""

from __future__ import annotations

from typing import Any

import zope.sqlalchemy
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself
    # (the recipe from SQLAlchemy's documentation), and switch on WAL and foreign keys.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def make_session_factory(bind: Any, **kwargs: Any) -> sessionmaker[Session]:
    from .services import indexlog

    factory = sessionmaker(bind=bind, expire_on_commit=False, **kwargs)
    # organisations, lieux and thématiques show on public fiches: log their changes for the search index
    event.listen(factory, "before_flush", indexlog.before_flush)
    return factory


def get_tm_session(session_factory: sessionmaker[Session], transaction_manager: Any) -> Session:
    """A session joined to the transaction manager: committed or aborted with the request."""
    dbsession = session_factory()
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


def includeme(config: Any) -> None:
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    config.include("pyramid_tm")
    session_factory = settings.get("guide.session_factory")
    if session_factory is None:
        engine = make_engine(settings["database_url"])
        session_factory = make_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory

    def dbsession(request: Any) -> Session:
        return get_tm_session(request.registry["dbsession_factory"], request.tm)

    config.add_request_method(dbsession, "dbsession", reify=True)
