"""Shared fixtures: migrated databases (SQLite, or PostgreSQL with GUIDE_TEST_DATABASE_URL), a transaction
per test rolled back at the end, the WSGI app bound to it, and a real SMTP server.

What is expensive is done once per worker (warehouse's tests/conftest.py is the model):

* two databases, migrated once: an empty one, and one holding the test world (``factories.build_world``),
  committed once. A test that asks for ``world`` runs on the second, any other on the first; either way in a
  transaction rolled back at its end, so each test sees the database as it was built.
* the application, configured once per distinct settings (``app``): each test gets the cached app rebound to
  its own session factory, with a fresh search service, PDF service and rate-limit counters. Its ``var_dir``
  is emptied before each test and given a copy of the search index built once for that database, so the
  index always matches what the test's database holds. Settings a test changes make another cached app; a
  ``var_dir`` or session factory of the test's own makes an app that is not cached.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import webtest
from aiosmtpd.controller import Controller
from hypothesis import settings as hypothesis_settings
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session

import search_index
from guide import main
from guide.db import make_engine, make_session_factory
from guide.models import Base
from guide.print.worker import PdfService
from guide.services import accounts
from guide.services.demo import load_demo

# Timings vary on a loaded 2-core machine: hypothesis checks behaviour, not speed.
hypothesis_settings.register_profile("guide", deadline=None)
hypothesis_settings.load_profile("guide")

# WebTest parses each page it returns with BeautifulSoup (its forms, ``.html``), with the pure-Python
# html.parser unless told otherwise, and each TestApp made resets that choice: lxml's parser for every one
# (html.parser was ~7 % of the functional tests' time, 1 December)
_test_app_init = webtest.TestApp.__init__


def _test_app_with_lxml(self: webtest.TestApp, app: Any, *args: Any, **kwargs: Any) -> None:
    kwargs.setdefault("parser_features", "lxml")
    _test_app_init(self, app, *args, **kwargs)


webtest.TestApp.__init__ = _test_app_with_lxml  # type: ignore[method-assign]

# Cheap argon2 parameters for the tests only (the production hasher is argon2's default profile).
accounts._hasher = accounts.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
accounts._DUMMY_HASH = accounts._hasher.hash("dummy")

from . import databases, factories  # noqa: E402 - after the hasher is set
from .live import browser, live_url  # noqa: E402, F401 - one Playwright and one demo site per session


def pytest_report_header(config: Any) -> str:
    return f"database: {os.environ.get('GUIDE_TEST_DATABASE_URL', 'sqlite (temporary file)')}"


DATABASE_FIXTURES = frozenset(
    {
        "database_url",
        "engine",
        "connection",
        "session_factory",
        "db",
        "app_settings",
        "app",
        "testapp",
        "world",
    }
    | {"demo_guide", "world_database", "demo_database"}
)


def _untraced_tests() -> set[str]:
    listed = (Path(__file__).parent / "untraced.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in listed if line.strip() and not line.startswith("#")}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    """The processes a test starts (coverage's ``patch = subprocess`` traces them through an environment
    variable): untraced for an untraced test; under ``make coverage-audit``, measured under its name."""
    config = os.environ.get("COVERAGE_PROCESS_CONFIG")
    if config is None:
        return (yield)
    if item.get_closest_marker("no_cover"):
        del os.environ["COVERAGE_PROCESS_CONFIG"]
    elif os.environ.get("GUIDE_TRACE_ALL"):
        settings = json.loads(base64.b64decode(config))
        settings["context"] = item.nodeid
        os.environ["COVERAGE_PROCESS_CONFIG"] = base64.b64encode(json.dumps(settings).encode()).decode()
    try:
        return (yield)
    finally:
        os.environ["COVERAGE_PROCESS_CONFIG"] = config


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests without a database run once: tests/unit (checked here) and tests marked ``no_database``."""
    unit = Path(__file__).parent / "unit"
    wrong = [
        item.nodeid
        for item in items
        if (unit in Path(str(item.fspath)).parents or item.get_closest_marker("no_database"))
        and DATABASE_FIXTURES & set(item.fixturenames)
    ]
    if wrong:
        raise pytest.UsageError(f"tests using a database belong in functional/ or security/: {wrong[:5]}")
    # On Python 3.11 the coverage tracer slows every line of Python in a traced process 2-3x, the server's
    # threads and library code included. Untraced (pytest-cov's no_cover; they still run and assert all):
    # - the Chromium tests: the pages they drive are requested by the functional tests too (branch coverage
    #   with them traced 93.0 %, without 92.9 %, on 1 December);
    # - the tests listed in tests/untraced.txt by `make coverage-audit`: every line each of them runs is run
    #   by the tests still traced. GUIDE_TRACE_ALL=1 traces them (the audit does).
    untraced = set() if os.environ.get("GUIDE_TRACE_ALL") else _untraced_tests()
    for item in items:
        if item.get_closest_marker("browser") or item.nodeid.split("[", 1)[0] in untraced:
            item.add_marker(pytest.mark.no_cover)
    if os.environ.get("GUIDE_TEST_DATABASE_URL"):
        # tests marked no_database (outside tests/unit, beside the attack they replay) ran on the SQLite run
        once = [item for item in items if item.get_closest_marker("no_database")]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if not item.get_closest_marker("no_database")]


def fresh_postgres_database(url: str, name: str) -> str:
    """An empty PostgreSQL database ``name`` on the server of ``url`` (one per xdist worker)."""
    parsed = make_url(url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _database_templates(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> None:
    """Templates of migrated and prepared databases, built once per run (tests/databases.py) in the run's
    base temporary folder: the one xdist's workers share (each has a folder of its own inside it)."""
    base = tmp_path_factory.getbasetemp()
    databases.configure((base if worker_id == "master" else base.parent) / "templates")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    url = os.environ.get("GUIDE_TEST_DATABASE_URL")
    if url:
        # pytest-xdist: each worker process gets a database of its own on the same server
        if worker_id != "master":
            url = make_url(url).set(database=f"guide_test_{worker_id}").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    return databases.migrated(url)  # the suite runs on the migrated schema, not on create_all


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Any]:
    engine = make_engine(database_url)
    without_taxonomy(engine)
    yield engine
    engine.dispose()


def without_taxonomy(engine: Any) -> None:
    """Tests build their own thématiques: the taxonomy the migrations install in a fresh guide is removed
    (tests/functional/test_import_taxonomy.py checks it on a database of its own)."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM thematique"))


@dataclass
class PreparedDatabase:
    """A database of a worker holding data committed once (the test world, the demo guide), and a search
    index built from it (copied into each test's var_dir)."""

    engine: Any
    data: Any  # what the builder returned (the world's ids)
    index: Path


def _prepared_database(
    name: str, build: Any, engine: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> PreparedDatabase:
    """The worker's database ``name``: a copy of a template built once per run (tests/databases.py) by
    ``build(session)`` on a migrated database without the taxonomy, with the search index built from it."""

    def build_template(url: str, files: Path) -> None:
        databases.migrated(url)
        template = make_engine(url)
        without_taxonomy(template)
        factory = make_session_factory(template)
        with factory() as db:
            data = build(db)
            db.commit()
        databases.search_service({"var_dir": str(files / "var")}, factory)
        (files / "data.json").write_text(json.dumps(data))
        template.dispose()  # a PostgreSQL template has no open connection

    if engine.dialect.name == "postgresql":
        url = make_url(database_url).set(database=f"{make_url(database_url).database}_{name}")
        url = url.render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / (name + '.sqlite')}"
    files = databases.clone(url, f"prepared_{name}", build_template)
    data = json.loads((files / "data.json").read_text())
    return PreparedDatabase(make_engine(url), data, files / "var" / "index")


def _load_demo(db: Session) -> None:
    load_demo(db)
    search_index.seed_synonyms(db)


@pytest.fixture(scope="session")
def world_database(
    engine: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PreparedDatabase]:
    prepared = _prepared_database(
        "world", lambda db: factories.build_world(db).ids(), engine, database_url, tmp_path_factory
    )
    yield prepared
    prepared.engine.dispose()


@pytest.fixture(scope="session")
def demo_database(
    engine: Any, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PreparedDatabase]:
    prepared = _prepared_database("demo", _load_demo, engine, database_url, tmp_path_factory)
    yield prepared
    prepared.engine.dispose()


@pytest.fixture(scope="session")
def empty_index(engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    var_dir = tmp_path_factory.mktemp("empty-index")
    databases.search_service({"var_dir": str(var_dir)}, make_session_factory(engine))
    return var_dir / "index"


# fixture a test asks for -> the prepared database it then runs on (any other test: the empty one)
PREPARED = {"world": "world_database", "demo_guide": "demo_database"}


def _prepared(request: pytest.FixtureRequest) -> PreparedDatabase | None:
    wanted = [PREPARED[name] for name in PREPARED if name in request.fixturenames]
    if len(wanted) > 1:
        raise pytest.UsageError(f"{request.node.nodeid}: one of {sorted(PREPARED)} per test")
    return request.getfixturevalue(wanted[0]) if wanted else None


@pytest.fixture
def connection(request: pytest.FixtureRequest, engine: Any) -> Iterator[Any]:
    prepared = _prepared(request)
    if prepared is not None:
        engine = prepared.engine
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Any) -> Any:
    return make_session_factory(connection, join_transaction_mode="create_savepoint")


@pytest.fixture
def db(session_factory: Any) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


class Mailbox:
    """Receives mail over real SMTP on the loopback."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, timeout: float = 5.0) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if to in message["To"]:
                    return message
            time.sleep(0.02)
        raise AssertionError(f"no mail to {to}; got {[m['To'] for m in self.messages]}")

    @staticmethod
    def body(message: Message) -> str:
        payload = (
            message.get_payload(decode=True)
            if not message.is_multipart()
            else message.get_payload(0).get_payload(decode=True)
        )
        return payload.decode()

    @classmethod
    def link(cls, message: Message) -> str:
        match = re.search(r"https?://\S+", cls.body(message))
        assert match, "no link in mail"
        return match.group(0)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Controller, Mailbox]) -> Iterator[Mailbox]:
    from views.auth import wait_for_mail  # mails sent off the request (password reset)

    smtp_server[1].messages.clear()
    yield smtp_server[1]
    wait_for_mail()  # a late mail of this test must not land in the next test's mailbox


@pytest.fixture(scope="session")
def shared_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``var_dir`` of the cached apps, emptied before each test (``app_settings``)."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def jinja_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """Jinja's compiled templates, shared by every app of the run (both xdist workers): each app configured
    by a test has its own Jinja environment, which otherwise parses and compiles each template it renders
    again (20-40 ms a template, twice that under the coverage tracer)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "jinja"
    folder.mkdir(exist_ok=True)  # Jinja writes each file whole (a temporary file, then a rename)
    return str(folder)


@pytest.fixture
def app_settings(
    request: pytest.FixtureRequest,
    shared_var_dir: Path,
    session_factory: Any,
    smtp_server: tuple[Controller, Mailbox],
    jinja_cache: str,
) -> dict[str, Any]:
    # a var_dir as a new process finds it: no upload, mail, PDF or edition of another test, and the search
    # index of this test's database as built once (the index is derived data a rollback does not undo)
    prepared = _prepared(request)
    shutil.rmtree(shared_var_dir, ignore_errors=True)
    index = prepared.index if prepared is not None else request.getfixturevalue("empty_index")
    shutil.copytree(index, shared_var_dir / "index")
    controller = smtp_server[0]
    return {
        "var_dir": str(shared_var_dir),
        "secret": "test-secret-" + "x" * 32,
        "database_url": "sqlite://",  # unused: the session factory below is injected
        "guide.session_factory": session_factory,
        "mail.backend": "smtp",
        "mail.host": "127.0.0.1",
        "mail.port": str(controller.port),
        "site_url": "http://localhost",
        "pyramid.reload_templates": "false",
        "jinja2.bytecode_caching": "true",
        "jinja2.bytecode_caching_directory": jinja_cache,
        "search.poll_seconds": "0",  # data written by fixtures outside requests is indexed at once
    }


def _cache_key(settings: dict[str, Any], var_dir: Path, session_factory: Any) -> tuple[Any, ...] | None:
    """The key of the cached app for these settings; None when the test's app must be its own."""
    if (
        settings.get("var_dir") != str(var_dir)
        or settings.get("guide.session_factory") is not session_factory
    ):
        return None
    rest = {key: value for key, value in settings.items() if key != "guide.session_factory"}
    if not all(isinstance(value, str | int | float | bool | type(None)) for value in rest.values()):
        return None
    return tuple(sorted(rest.items()))


def _rebind(app: Any, session_factory: Any) -> None:
    """The cached ``app`` as a new process for this test: its session factory, a search service on the index
    copied into var_dir, no PDF job nor rate-limit count of another test."""
    registry = app.registry
    registry.settings["guide.session_factory"] = session_factory
    registry["dbsession_factory"] = session_factory
    registry["search"] = databases.search_service(registry.settings, session_factory)
    registry["pdf_service"] = PdfService(registry.settings, registry)
    registry["ratelimiter"].reset()


@pytest.fixture(scope="session")
def _app_cache() -> dict[tuple[Any, ...], Any]:
    return {}


@pytest.fixture
def app(
    app_settings: dict[str, Any],
    shared_var_dir: Path,
    session_factory: Any,
    _app_cache: dict[tuple[Any, ...], Any],
) -> Any:
    key = _cache_key(app_settings, shared_var_dir, session_factory)
    if key is None:
        return main({}, **app_settings)
    cached = _app_cache.get(key)
    if cached is None:
        cached = _app_cache[key] = main({}, **app_settings)
    else:
        _rebind(cached, session_factory)
    return cached


@pytest.fixture
def testapp(app: Any) -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture
def world(db: Session, world_database: PreparedDatabase) -> factories.World:
    """Two organisations with partners, a coordinator, an admin, thématiques and fiches in every state:
    committed once per worker (``world_database``), loaded in the test's session."""
    return factories.load_world(db, world_database.data)


@pytest.fixture
def demo_guide(demo_database: PreparedDatabase) -> Path:
    """The test runs on the demo guide and its synonyms, committed once per worker (``demo_database``).
    Returns a search index folder built from it, to copy (the app's var_dir already has a copy)."""
    return demo_database.index


@pytest.fixture
def login(testapp: webtest.TestApp) -> Any:
    def do(email: str, password: str = factories.PASSWORD) -> webtest.TestResponse:
        testapp.reset()
        page = testapp.get("/connexion")
        form = page.forms["deform"]
        form["email"] = email
        form["password"] = password
        response = form.submit("login")
        assert response.status_int == 303, response.text[:2000]
        return response.follow()

    return do


__all__ = ["Base"]
