"""Small helpers for WebTest-driven tests."""

from __future__ import annotations

from typing import Any

import webtest


def csrf_token(testapp: webtest.TestApp) -> str:
    return testapp.get("/connexion").forms["deform"]["csrf_token"].value


def post(testapp: webtest.TestApp, url: str, data: dict[str, Any] | None = None, **kw: Any) -> webtest.TestResponse:
    payload = {"csrf_token": csrf_token(testapp), **(data or {})}
    return testapp.post(url, payload, **kw)


def field_error(page: webtest.TestResponse, field: str) -> str:
    """The error message displayed beside a deform field (empty when there is none)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.text, "html.parser")
    for group in soup.select(".form-group"):
        if group.select(f'[name="{field}"]') and not group.select(".form-group .form-group"):
            errors = group.select(".help-block.error, .error-msg")
            return " ".join(e.get_text(" ", strip=True) for e in errors)
    raise AssertionError(f"field {field} not in the page")
