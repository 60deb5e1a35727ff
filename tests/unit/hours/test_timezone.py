"""Time zones: times are the guide's wall-clock time, whatever the server's zone."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from guide import hours
from guide.hours import OpenStatus

from .common import PARIS, STANDARD, WEDNESDAY, at

# By default, the guide's zone is Europe/Paris


@pytest.mark.parametrize(
    "now",
    [
        datetime(2025, 7, 9, 8, 0, tzinfo=UTC),  # 10:00 in Paris (summer time)
        datetime(2025, 7, 9, 8, 0, tzinfo=timezone.utc),  # noqa: UP017 — a non-ZoneInfo tzinfo
        datetime(2025, 7, 9, 4, 0, tzinfo=ZoneInfo("America/New_York")),
        datetime(2025, 7, 9, 20, 0, tzinfo=ZoneInfo("Pacific/Auckland")),
        datetime(2025, 7, 9, 10, 0, tzinfo=PARIS),
        datetime(2025, 7, 9, 10, 0),  # naive: Paris
    ],
)
def test_status_converts_aware_datetimes_to_paris(now):
    assert hours.status(STANDARD, now=now) == OpenStatus(True, "Ouvert maintenant — ferme à 12 h")


def test_winter_time_conversion():
    # 1 December 2025, 07:30 UTC is 08:30 in Paris (UTC+1)
    now = datetime(2025, 12, 1, 7, 30, tzinfo=UTC)
    assert hours.status("Mo-Fr 08:00-12:00", now=now).label == "Ouvert maintenant — ferme à 12 h"


@pytest.fixture
def server_in_new_york(monkeypatch):
    """The server's local zone is not Paris."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_default_now_is_paris_time_whatever_the_server_zone(server_in_new_york, monkeypatch):
    instant = datetime(2025, 7, 9, 7, 30, tzinfo=UTC)  # 09:30 in Paris, 03:30 in New York

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(hours.library, "datetime", FrozenDatetime)
    assert datetime.now().hour != datetime.now(PARIS).hour  # the server really is elsewhere
    assert hours.status(STANDARD) == OpenStatus(True, "Ouvert maintenant — ferme à 12 h")
    assert hours.today_hours(STANDARD) == "Aujourd'hui : 9 h – 12 h, 14 h – 17 h"


def test_naive_datetimes_are_paris_time_whatever_the_server_zone(server_in_new_york):
    assert hours.status(STANDARD, now=at(WEDNESDAY, 10)).label == "Ouvert maintenant — ferme à 12 h"


# A guide configured with another zone (the ``timezone`` setting, given to hours.configure at start-up)


@pytest.fixture
def guide_in(request):
    """Configure the hours package with a zone for one test, then back to the default."""

    def configure(name: str) -> None:
        hours.configure(name)
        request.addfinalizer(lambda: hours.configure(None))

    return configure


def test_default_zone_is_paris():
    assert hours.timezone() == PARIS


def test_open_now_in_cayenne(guide_in):
    guide_in("America/Cayenne")
    instant = datetime(2025, 7, 9, 13, 30, tzinfo=UTC)  # 10:30 in Cayenne (UTC-3), 15:30 in Paris
    assert hours.status("Mo-Fr 09:00-12:00", now=instant) == OpenStatus(
        True, "Ouvert maintenant — ferme à 12 h"
    )
    assert hours.today_hours("Mo-Fr 09:00-12:00", instant) == "Aujourd'hui : 9 h – 12 h"
    # naive datetimes are the guide's wall-clock time
    assert (
        hours.status("Mo-Fr 09:00-12:00", now=at(WEDNESDAY, 10)).label == "Ouvert maintenant — ferme à 12 h"
    )
    assert hours.status("Mo-Fr 09:00-12:00", now=at(WEDNESDAY, 13)).label == "Fermé — ouvre demain à 9 h"


def test_the_same_instant_in_paris_is_closed():
    instant = datetime(2025, 7, 9, 13, 30, tzinfo=UTC)  # 15:30 in Paris
    assert hours.status("Mo-Fr 09:00-12:00", now=instant).label == "Fermé — ouvre demain à 9 h"


def test_open_now_in_noumea_follows_its_day_and_public_holidays(guide_in):
    guide_in("Pacific/Noumea")
    # Tuesday 8 July 2025, 22:30 UTC is already Wednesday 09:30 in Nouméa (UTC+11)
    tuesday_evening_utc = datetime(2025, 7, 8, 22, 30, tzinfo=UTC)
    assert hours.status("We 09:00-12:00", now=tuesday_evening_utc).is_open is True
    assert hours.today_hours("Tu 09:00-12:00", tuesday_evening_utc) == "Aujourd'hui : fermé"
    # 13 July 2025, 23:00 UTC is 14 July (a public holiday) at 10:00 in Nouméa
    assert hours.status(STANDARD, now=datetime(2025, 7, 13, 23, 0, tzinfo=UTC)).label == (
        "Fermé (jour férié) — ouvre demain à 9 h"
    )


def test_default_now_is_the_configured_zone(guide_in, monkeypatch):
    guide_in("America/Cayenne")
    instant = datetime(2025, 7, 9, 12, 30, tzinfo=UTC)  # 09:30 in Cayenne, 14:30 in Paris

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(hours.library, "datetime", FrozenDatetime)
    assert hours.status("Mo-Fr 09:00-12:00").label == "Ouvert maintenant — ferme à 12 h"


def test_descriptions_do_not_depend_on_the_zone(guide_in):
    paris = hours.describe(STANDARD)
    guide_in("Pacific/Noumea")
    assert (
        hours.describe(STANDARD)
        == paris
        == ("du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; fermé les jours fériés")
    )


def test_sunrise_uses_clermont_ferrand_only_in_paris(guide_in):
    guide_in("America/Cayenne")
    # Clermont's sunrise would be about 3 h in Cayenne time: the library's defaults are used instead
    assert hours.today_hours("sunrise-sunset", at(WEDNESDAY, 12)) == "Aujourd'hui : 7 h – 19 h"


@pytest.mark.parametrize("name", ["Europe/Pariss", "../etc/passwd", "not a zone"])
def test_an_unknown_zone_stops_the_start_up(name):
    with pytest.raises(ValueError, match="timezone setting"):
        hours.configure(name)
    assert hours.timezone() == PARIS


def test_includeme_reads_the_timezone_setting(guide_in):
    from pyramid.config import Configurator

    guide_in("Europe/Paris")  # restores the default afterwards
    Configurator(settings={"timezone": "America/Cayenne"}).include("guide.hours")
    assert hours.timezone().key == "America/Cayenne"
