"""Test databases cloned from templates built once per test run.

Running Alembic's whole chain costs about half a second on SQLite and one and a half on PostgreSQL;
loading the demo guide about six seconds. Every xdist worker needed a migrated database, a test world and
a demo guide, and many tests a database of their own: each paid again. Here each kind of database is built
once per run, as a template, by the first process that needs it, and every database of that kind is then a
copy of it:

* SQLite: the template is one file (journal mode DELETE, so nothing of it lies in a ``-wal`` file beside
  it), copied with ``shutil.copyfile``;
* PostgreSQL: ``CREATE DATABASE x TEMPLATE t`` (the builder disposes of its engines: a template must have
  no open connection), a copy of the files, much cheaper than running the migrations.

The templates live in the run's base temporary folder (``configure``), shared by the xdist workers:
building is done under an exclusive lock on a file there (``fcntl.flock`` from the standard library:
``filelock`` is not installed and the suite runs on Linux only), and a marker file says it is done, so the
other workers wait for the first one and then copy. The migrations themselves stay tested on databases
migrated for real (tests/functional/test_upgrades.py, the schema-equals-models test).
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url, text

from guide.db import make_engine
from guide.scripts.migrate import upgrade

_root: Path | None = None


def configure(root: Path) -> None:
    """Keep the templates in ``root`` (one folder per test run, shared by its xdist workers)."""
    global _root
    root.mkdir(parents=True, exist_ok=True)
    _root = root


@contextlib.contextmanager
def _locked(root: Path, name: str) -> Iterator[None]:
    with open(root / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _admin(url: str) -> tuple[str, Engine]:
    parsed = make_url(url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    return parsed.database or "", admin


def _drop(url: str) -> None:
    """Remove the database at ``url`` if it exists (a SQLite file and its companions)."""
    if _is_sqlite(url):
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    name, admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _create_empty(url: str) -> None:
    _drop(url)
    if _is_sqlite(url):
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        return
    name, admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _copy(template: str, url: str) -> None:
    _drop(url)
    if _is_sqlite(url):
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_path(template), target)
        return
    name, admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"'))
    admin.dispose()


def _template_url(name: str, like: str, root: Path) -> str:
    if _is_sqlite(like):
        return f"sqlite:///{root / (name + '.sqlite')}"
    # one run at a time per PostgreSQL server, as for the workers' databases (guide_test_gw0…)
    return make_url(like).set(database=f"guide_template_{name}").render_as_string(hide_password=False)


def clone(url: str, name: str, build: Callable[[str, Path], None]) -> Path:
    """Make the database at ``url`` (a SQLite file, or a PostgreSQL database on the server of ``url``,
    replaced if it exists) a copy of template ``name``. The template is built once per run by
    ``build(template_url, files)``, which commits its data and disposes of its engines; ``files`` is a folder
    where it may leave derived files (a search index). Returns that folder, shared: copy it, never write it.

    Outside a configured run (``configure`` not called), ``build`` runs on ``url`` itself."""
    root = _root
    name = f"{name}_{make_url(url).get_backend_name()}"  # a PostgreSQL run copies SQLite files too
    if root is None:
        files = Path(tempfile.mkdtemp(prefix=f"guide-{name}-"))
        _create_empty(url)
        build(url, files)
        return files
    template = _template_url(name, url, root)
    files = root / f"{name}-files"
    with _locked(root, name):
        built = root / f"{name}.built"
        if not built.exists():
            shutil.rmtree(files, ignore_errors=True)
            files.mkdir()
            _create_empty(template)
            build(template, files)
            if _is_sqlite(template):  # one self-contained file: the WAL checkpointed into it, then removed
                conn = sqlite3.connect(_sqlite_path(template))
                conn.execute("PRAGMA journal_mode=DELETE")
                conn.close()
            built.touch()
        _copy(template, url)
    return files


def _migrate(url: str, _files: Path) -> None:
    upgrade(url)


def migrated(url: str) -> str:
    """A database at ``url`` migrated to the latest schema (as ``guide-migrate`` leaves a fresh guide: the
    taxonomy the migrations install included)."""
    clone(url, "migrated", _migrate)
    return url


def demo_guide(url: str, prepare: Callable[..., None] | None = None) -> str:
    """A database at ``url`` holding the demo guide as ``guide-demo`` loads it into a fresh guide, then
    changed by ``prepare(session)`` (committed) when given. The same template as tests/live.py's live
    sites: the demo is loaded once per run for both."""
    from .live import demo_database

    return demo_database(url, prepare)


def search_service(settings: dict[str, Any], session_factory: Any) -> Any:
    """A search service created as the app creates it (``search_index.includeme``: open the index in
    ``var_dir``, catch up with the change log, listen to the factory's flushes). The throwaway
    configurator is never committed: only the service it registers is kept."""
    from pyramid.config import Configurator

    import search_index

    config = Configurator(settings=settings)
    config.registry["dbsession_factory"] = session_factory
    search_index.includeme(config)
    return config.registry["search"]
