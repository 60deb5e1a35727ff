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
from waitress.server import create_server

from guide import main
from guide.settings import override
from tests.live import (  # noqa: F401 - moved; `browser` is in tests/live.py too
    CHROMIUM,
    CHROMIUM_ARGS,
    demo_database,
    navigation,
    settle,
    track_requests,
)

from ..conftest import fresh_postgres_database

SCREENSHOTS = Path(__file__).parent / "screenshots"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _browser_database(tmp: Path, worker_id: str) -> str:
    url = os.environ.get("GUIDE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'browser.sqlite'}"
    return fresh_postgres_database(
        url, "guide_browser" if worker_id == "master" else f"guide_browser_{worker_id}"
    )


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("live")
    database_url = demo_database(_browser_database(tmp, worker_id), var_dir=tmp / "var")
    app = main(
        {},
        database_url=database_url,
        var_dir=str(tmp / "var"),
        secret="browser-" + "s" * 40,
        **{"mail.backend": "file"},
    )
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    override(app.registry, site_url=f"http://127.0.0.1:{server.effective_port}")  # the only Host served
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = track_requests(context.new_page())
    yield page
    context.close()


def phone_context(browser: Any, *, width: int = 360, height: int = 740, locale: str = "fr-FR") -> Any:
    """A phone's browser context: a touch screen of ``width`` CSS pixels at twice the density."""
    return browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=locale,
    )


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = phone_context(browser)
    page = track_requests(context.new_page())
    yield page
    context.close()


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
