"""A real browser (Debian's Chromium driven by Playwright) against the app served by waitress.

The served app has its own database (a SQLite file, or a PostgreSQL database next to the test one when
GUIDE_TEST_DATABASE_URL is set), migrated and loaded with the demo guide; nothing is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import (  # noqa: F401 - moved; `browser` and `live_url` are registered in tests/conftest.py
    CHROMIUM,
    CHROMIUM_ARGS,
    demo_database,
    navigation,
    settle,
    track_requests,
)

SCREENSHOTS = Path(__file__).parent / "screenshots"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


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


def serious_violations(page: Any) -> list[tuple[str, str, list[Any]]]:
    """axe-core's serious and critical violations on ``page``: (rule, impact, its first three targets)."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
