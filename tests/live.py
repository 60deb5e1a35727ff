"""The real browser and live servers, shared by tests/browser and tests/security.

``browser`` is registered once, in tests/conftest.py: Playwright's sync API allows one instance per thread,
so two folders cannot each launch their own. ``live_site`` serves the app with waitress on a database of its
own (a SQLite file, or a PostgreSQL database next to the test one when GUIDE_TEST_DATABASE_URL is set),
migrated and loaded with the demo guide; nothing is rolled back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session
from waitress.server import create_server

from guide import main
from guide.db import make_engine, make_session_factory
from guide.scripts.migrate import upgrade
from guide.services.demo import load_demo
from guide.settings import override

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=fr-FR",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            env={**os.environ, "LANG": "fr_FR.UTF-8"},
        )
        yield browser
        browser.close()


def site_database(tmp: Path, name: str) -> str:
    """An empty database for a live server: a SQLite file in ``tmp``, or PostgreSQL database ``name``."""
    url = os.environ.get("GUIDE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / (name + '.sqlite')}"
    parsed = make_url(url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def demo_database(database_url: str, prepare: Callable[[Session], None] | None = None) -> str:
    """Migrate the empty database at ``database_url`` and load the demo guide, changed by ``prepare``."""
    upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        load_demo(db)
        if prepare is not None:
            prepare(db)
        db.commit()
    engine.dispose()
    return database_url


@contextmanager
def live_site(
    tmp: Path, name: str, prepare: Callable[[Session], None] | None = None, **settings: Any
) -> Iterator[tuple[str, str]]:
    """Serve the demo guide, changed first by ``prepare``: yields (base URL, database URL)."""
    database_url = demo_database(site_database(tmp, name), prepare)
    app = main(
        {},
        database_url=database_url,
        var_dir=str(tmp / "var"),
        secret="browser-" + "s" * 40,
        # no guide-worker beside a live test server: background tasks (PDFs, mail) run in the server
        **{"mail.backend": "file", "tasks.immediate": "true", **settings},
    )
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    site_url = settings.get("site_url") or f"http://127.0.0.1:{server.effective_port}"
    override(app.registry, site_url=site_url)  # the only Host the site answers to
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", database_url
    finally:
        server.close()
