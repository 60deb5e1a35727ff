"""The printed hours follow the calendar: « prochaines permanences » are not frozen at the first print."""

from __future__ import annotations

from datetime import datetime

from guide.hours import library
from guide.print import hours_text


def _clock(monkeypatch, year: int, month: int, day: int) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(year, month, day, 10, 0, tzinfo=tz)

    monkeypatch.setattr(library, "datetime", Frozen)


def test_next_dates_printed_move_with_the_day(monkeypatch):
    _clock(monkeypatch, 2026, 12, 1)
    december = hours_text("We[1,3] 14:00-17:00")
    assert "2 décembre" in december
    _clock(monkeypatch, 2027, 2, 10)
    february = hours_text("We[1,3] 14:00-17:00")
    assert "2 décembre" not in february
    assert "17 février" in february
