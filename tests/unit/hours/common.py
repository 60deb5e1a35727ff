"""Helpers shared by the opening-hours tests: a reference week and naive Paris times."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
STANDARD = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
# A week of July 2025 (Monday 7 to Sunday 13); Monday 14 July is a public holiday.
WEDNESDAY = date(2025, 7, 9)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive datetime, which the package reads as the guide's wall-clock time (Paris by default)."""
    return datetime(day.year, day.month, day.day, hour, minute)
