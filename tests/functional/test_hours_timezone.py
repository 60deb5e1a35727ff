"""The ``timezone`` setting: a guide overseas says « ouvert maintenant » by its own clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import webtest

from guide import hours, main

# Wednesday 9 July 2025, 19:00 UTC: 16:00 in Cayenne (UTC-3), 21:00 in Paris (summer time).
INSTANT = datetime(2025, 7, 9, 19, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch):
    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return INSTANT.astimezone(tz) if tz else INSTANT.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(hours.library, "datetime", FrozenDatetime)
    yield
    hours.configure(None)  # the zone is process-wide: the next tests get the default back


def api_status(app_settings, fiche, **settings) -> tuple[bool | None, str]:
    app = main({}, **{**app_settings, **settings})
    testapp = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    data = testapp.get(f"/api/v1/fiches/{fiche.uid}").json
    return data["ouvert_maintenant"], data["statut_ouverture"]


def test_a_guide_in_cayenne_is_open_by_cayenne_time(app_settings, world, frozen_clock):
    fiche = world.fiches["published_a"]  # Mo-Fr 09:00-12:00,14:00-17:00; PH off
    assert api_status(app_settings, fiche, timezone="America/Cayenne") == (
        True,
        "Ouvert maintenant — ferme à 17 h",
    )


def test_the_same_instant_in_a_guide_in_paris_is_closed(app_settings, world, frozen_clock):
    fiche = world.fiches["published_a"]
    assert api_status(app_settings, fiche) == (False, "Fermé — ouvre demain à 9 h")


def test_an_unknown_zone_stops_the_start_up(app_settings, frozen_clock):
    with pytest.raises(ValueError, match="timezone setting"):
        main({}, **{**app_settings, "timezone": "Europe/Clermont"})
