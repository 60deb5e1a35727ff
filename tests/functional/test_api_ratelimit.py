"""The API's per-client rate limit (its own file: the limit is a setting of the app these tests use)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "ratelimit.api": "3/minute"}


def test_rate_limit_answers_429_with_retry_after(testapp, world):
    for _ in range(3):
        testapp.get("/api/v1/fiches")
    response = testapp.get("/api/v1/fiches", status=429)
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json["erreur"].startswith("Trop de requêtes : réessayez dans")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # another client is not limited
    other = testapp.get("/api/v1/fiches", extra_environ={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_int == 200
