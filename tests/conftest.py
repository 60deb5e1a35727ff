"""Shared fixtures: a migrated database (SQLite, or PostgreSQL with GUIDE_TEST_DATABASE_URL), a
transaction per test rolled back at the end, the WSGI app bound to it, and a real SMTP server."""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
import webtest
from aiosmtpd.controller import Controller
from hypothesis import settings as hypothesis_settings
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session

from guide import main
from guide.db import make_engine, make_session_factory
from guide.models import Base
from guide.scripts.migrate import upgrade
from guide.services import accounts

# Timings vary on a loaded 2-core machine: hypothesis checks behaviour, not speed.
hypothesis_settings.register_profile("guide", deadline=None)
hypothesis_settings.load_profile("guide")

# Cheap argon2 parameters for the tests only (the production hasher is argon2's default profile).
accounts._hasher = accounts.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
accounts._DUMMY_HASH = accounts._hasher.hash("dummy")

from . import factories  # noqa: E402 - after the hasher is set
from .live import browser  # noqa: E402, F401 - one Playwright per session, for tests/browser and tests/security


def pytest_report_header(config: Any) -> str:
    return f"database: {os.environ.get('GUIDE_TEST_DATABASE_URL', 'sqlite (temporary file)')}"


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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    url = os.environ.get("GUIDE_TEST_DATABASE_URL")
    if url:
        # pytest-xdist: each worker process gets a database of its own on the same server
        return url if worker_id == "master" else fresh_postgres_database(url, f"guide_test_{worker_id}")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Any]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(database_url)  # the suite runs on the migrated schema, not on create_all
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Any) -> Iterator[Any]:
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


@pytest.fixture
def app_settings(
    tmp_path: Any, session_factory: Any, smtp_server: tuple[Controller, Mailbox]
) -> dict[str, Any]:
    controller = smtp_server[0]
    return {
        "var_dir": str(tmp_path / "var"),
        "secret": "test-secret-" + "x" * 32,
        "database_url": "sqlite://",  # unused: the session factory below is injected
        "guide.session_factory": session_factory,
        "mail.backend": "smtp",
        "mail.host": "127.0.0.1",
        "mail.port": str(controller.port),
        "site_url": "http://localhost",
        "pyramid.reload_templates": "false",
        "search.poll_seconds": "0",  # data written by fixtures outside requests is indexed at once
    }


@pytest.fixture
def app(app_settings: dict[str, Any]) -> Any:
    return main({}, **app_settings)


@pytest.fixture
def testapp(app: Any) -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture
def world(db: Session) -> factories.World:
    """Two organisations with partners, a coordinator, an admin, thématiques and fiches in every state."""
    world = factories.build_world(db)
    db.commit()
    return world


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
