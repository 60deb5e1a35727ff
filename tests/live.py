"""The real browser and live servers, shared by tests/browser and tests/security.

``browser`` is registered once, in tests/conftest.py: Playwright's sync API allows one instance per thread,
so two folders cannot each launch their own. ``live_site`` serves the app with waitress on a database of its
own (a SQLite file, or a PostgreSQL database next to the test one when GUIDE_TEST_DATABASE_URL is set),
migrated and loaded with the demo guide; nothing is rolled back.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
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
from tests import databases

# Debian's old headless shell (package chromium-headless-shell, the build Playwright itself uses for headless
# runs): the same Blink as /usr/bin/chromium, without the full browser's processes. On 1 December the 24 tests
# of tests/browser took 54 s and 95 s of CPU with it, 83 s and 155 s with /usr/bin/chromium; their
# screenshots were the same pixels (but for ports and dates). /usr/bin/chromium if the shell is not installed.
CHROMIUM = (
    "/usr/bin/chromium-headless-shell"
    if os.path.exists("/usr/bin/chromium-headless-shell")
    else "/usr/bin/chromium"
)
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


# Two animation frames: the frame after load has been rendered, so its IntersectionObserver callbacks and the
# timers scripts set at load have been queued and run.
_FRAMES = (
    "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done))))"
)


def track_requests(page: Any) -> Any:
    """Count ``page``'s requests in flight (its own and those of its frames), for ``settle``."""
    if not hasattr(page, "in_flight"):
        in_flight: set[Any] = set()
        page.in_flight = in_flight
        page.on("request", lambda request: in_flight.add(request))
        page.on("requestfinished", lambda request: in_flight.discard(request))
        page.on("requestfailed", lambda request: in_flight.discard(request))
    return page


def settle(page: Any, timeout: float = 15.0) -> None:
    """Wait until ``page`` has loaded and run what it starts at load: its scripts' fetches, their answers'
    handling, the first frames' callbacks. What ``wait_for_load_state("networkidle")`` waited for, without its
    fixed 500 ms of network silence on every page. ``page`` must have been given to ``track_requests`` before
    the navigation (the ``page`` fixtures do it); a console message or page error raised meanwhile has reached
    the test's listeners when this returns.
    """
    track_requests(page)
    page.wait_for_load_state("load")
    deadline = time.monotonic() + timeout
    while True:
        page.evaluate(_FRAMES)
        if not page.in_flight:
            return
        if time.monotonic() > deadline:
            pending = ", ".join(sorted(r.url for r in page.in_flight))
            raise AssertionError(f"{page.url}: requests still in flight after {timeout} s: {pending}")
        page.wait_for_timeout(20)  # lets Playwright deliver the requests' end events


@contextmanager
def navigation(page: Any) -> Iterator[None]:
    """``with navigation(page): <click>``: wait for the navigation the click starts, then ``settle``."""
    with page.expect_navigation():
        yield
    settle(page)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (Debian's chromium packages)")
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


def _build_demo(url: str, files: Path) -> None:
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as db:
        load_demo(db)
        db.commit()
    # its search index, as a server starting on it builds it (``search_index.includeme``; about a second)
    databases.search_service({"var_dir": str(files / "var")}, factory)
    engine.dispose()  # a PostgreSQL template has no open connection


def demo_database(
    database_url: str, prepare: Callable[[Session], None] | None = None, var_dir: Path | None = None
) -> str:
    """Make the database at ``database_url`` a migrated demo guide, changed by ``prepare``. The demo (about
    six seconds to load) is loaded once per run, in a template each live server's database is copied from
    (tests/databases.py): every live site starts from the same guide. Unchanged (no ``prepare``), the
    guide's search index built with the template is copied into ``var_dir``; a changed one (its changes
    are not in the index's change log) has its index built by the server that starts on it."""
    files = databases.clone(database_url, "live_demo", _build_demo)
    if prepare is None and var_dir is not None and (files / "var" / "index").is_dir():
        shutil.copytree(files / "var" / "index", var_dir / "index")
    if prepare is not None:
        engine = make_engine(database_url)
        with make_session_factory(engine)() as db:
            prepare(db)
            db.commit()
        engine.dispose()
    return database_url


@contextmanager
def live_site(
    tmp: Path, name: str, prepare: Callable[[Session], None] | None = None, **settings: Any
) -> Iterator[tuple[str, str]]:
    """Serve the demo guide, changed first by ``prepare``: yields (base URL, database URL)."""
    database_url = demo_database(site_database(tmp, name), prepare, tmp / "var")
    (tmp.parent / "jinja").mkdir(exist_ok=True)
    app = main(
        {},
        database_url=database_url,
        var_dir=str(tmp / "var"),
        secret="browser-" + "s" * 40,
        # no guide-worker beside a live test server: background tasks (PDFs, mail) run in the server
        **{"mail.backend": "file", "tasks.immediate": "true", **settings},
        # the templates compiled by the first live server of the run (its first pages took a second or two
        # more), kept for the next ones; Jinja writes each file whole (temporary file, then rename)
        **{"jinja2.bytecode_caching": "true", "jinja2.bytecode_caching_directory": str(tmp.parent / "jinja")},
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


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """The demo guide served for the whole session: the browser tests, and the security tests that only
    read it (a test that changes the guide beyond its own selection or account gets a ``live_site``)."""
    name = "guide_browser" if worker_id == "master" else f"guide_browser_{worker_id}"
    # background tasks queued for a guide-worker, as on a real server (none runs beside this one)
    with live_site(tmp_path_factory.mktemp("live"), name, **{"tasks.immediate": "false"}) as (url, _):
        yield url
