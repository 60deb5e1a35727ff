"""A real browser (Debian's Chromium driven by Playwright) against the app served by waitress.

The served app has its own database (a SQLite file, or a PostgreSQL database next to the test one when
GUIDE_TEST_DATABASE_URL is set), migrated and loaded with the demo guide; nothing is rolled back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from waitress.server import create_server

from guide import main
from guide.db import make_engine, make_session_factory
from guide.scripts.migrate import upgrade
from guide.services.demo import load_demo

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
SCREENSHOTS = Path(__file__).parent / "screenshots"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _browser_database(tmp: Path) -> str:
    url = os.environ.get("GUIDE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'browser.sqlite'}"
    parsed = make_url(url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS guide_browser"))
        conn.execute(text("CREATE DATABASE guide_browser"))
    admin.dispose()
    return parsed.set(database="guide_browser").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("live")
    database_url = _browser_database(tmp)
    upgrade(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        load_demo(db)
        db.commit()
    engine.dispose()
    app = main(
        {},
        database_url=database_url,
        var_dir=str(tmp / "var"),
        secret="browser-" + "s" * 40,
        **{"mail.backend": "file"},
    )
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


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


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
    )
    page = context.new_page()
    yield page
    context.close()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
