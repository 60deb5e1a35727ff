"""Small helpers for WebTest-driven tests."""

from __future__ import annotations

from typing import Any

import webtest


def csrf_token(testapp: webtest.TestApp) -> str:
    return testapp.get("/connexion").forms["deform"]["csrf_token"].value


def limit_rate(app: Any, monkeypatch: Any, name: str, spec: str) -> None:
    """``ratelimit.<name> = spec`` on ``app``'s rate limiter for the test (the setting itself would make an
    app of its own, its templates compiled again; tests/functional/test_api_ratelimit checks it is read)."""
    limiter = app.registry["ratelimiter"]
    monkeypatch.setitem(limiter.rates, name, limiter.rates[name])  # restored after the test
    limiter.override(name, spec)


def post(
    testapp: webtest.TestApp, url: str, data: dict[str, Any] | None = None, **kw: Any
) -> webtest.TestResponse:
    payload = {"csrf_token": csrf_token(testapp), **(data or {})}
    return testapp.post(url, payload, **kw)


def field_error(page: webtest.TestResponse, field: str) -> str:
    """The error message displayed beside a deform field (empty when there is none)."""
    import re

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.text, "lxml")
    element = soup.find(attrs={"name": field})
    assert element is not None, f"field {field} not in the page"
    item = element.find_parent(id=re.compile(r"^item-"))
    assert item is not None, f"field {field} has no deform item"
    errors = item.select(".invalid-feedback, .error-msg")
    return " ".join(e.get_text(" ", strip=True) for e in errors)


def choose(form: webtest.forms.Form, value: str) -> None:
    """Tick the radio button with this value (deform names radio groups after their field's oid)."""
    for name, fields in form.fields.items():
        for field in fields:
            if isinstance(field, webtest.forms.Radio) and value in [option[0] for option in field.options]:
                form[name] = value
                return
    raise AssertionError(f"no radio button with value {value!r}")


def visible(page: webtest.TestResponse) -> str:
    """The page's text as a person reads it (entities decoded, white space folded)."""
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(page.text, "lxml").get_text(" ").split())
