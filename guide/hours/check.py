"""The check of the parser's reading against the opening_hours library, on sample days.

The rules read by :class:`~guide.hours.parser.Parser` are evaluated on one week per month, a public
holiday falling on each day of the week and both sides of every date range's limits, and compared with
the library's intervals: :func:`checked_rules` gives rules only when they mean exactly what the library
makes of the string, so that no description or weekly grid ever changes the hours silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from opening_hours import OpeningHours, State

from . import library
from .model import OPEN, UNKNOWN, Piece, Rule, Unsupported, fold, on, paint
from .parser import Parser
from .wording import DAY_MINUTES

logger = logging.getLogger(__name__)

_REFERENCE_YEAR = 2025


def _flatten(pieces: Iterable[Piece]) -> list[tuple[int, int, str, str]]:
    """Pieces as comparable tuples, touching pieces of the same state and comment joined."""
    merged: list[tuple[int, int, str, str]] = []
    for piece in sorted(pieces):
        if piece.end <= piece.start:
            continue
        if merged and merged[-1][2:] == (piece.state, piece.comment) and merged[-1][1] >= piece.start:
            start, end, state, comment = merged[-1]
            merged[-1] = (start, max(end, piece.end), state, comment)
        else:
            merged.append((piece.start, piece.end, piece.state, piece.comment))
    return merged


def _realize(rules: Sequence[Rule], first: date, count: int) -> list[tuple[int, int, str, str]]:
    """The model's open pieces over ``count`` days from ``first``, in minutes from its midnight."""
    timeline: tuple[Piece, ...] = ()
    limit = count * DAY_MINUTES
    for offset in range(-1, count):
        day = first + timedelta(days=offset)
        evaluated = fold(rules, day.weekday(), library.is_public_holiday(day), on(day), day)
        for piece in evaluated.pieces:
            start, end = (
                max(offset * DAY_MINUTES + piece.start, 0),
                min(offset * DAY_MINUTES + piece.end, limit),
            )
            if start < end:
                timeline = paint(timeline, Piece(start, end, piece.state, piece.comment))
    return _flatten(timeline)


def minutes_from(moment: datetime, first: date) -> int:
    return (moment.date() - first).days * DAY_MINUTES + moment.hour * 60 + moment.minute


def _observe(oh: OpeningHours, first: date, count: int) -> list[tuple[int, int, str, str]]:
    """The library's open pieces over the same days."""
    pieces = []
    for start, end, state, comment in library.intervals(
        oh, library.midnight(first), library.midnight(first + timedelta(days=count))
    ):
        if state == State.CLOSED:
            continue
        kind = OPEN if state == State.OPEN else UNKNOWN
        pieces.append(Piece(minutes_from(start, first), minutes_from(end, first), kind, comment))
    return _flatten(pieces)


@library.per_zone_cache(maxsize=1)
def _holiday_samples() -> tuple[date, ...]:
    """One French public holiday falling on each day of the week."""
    found: dict[int, date] = {}
    day = date(_REFERENCE_YEAR, 1, 1)
    while len(found) < 7 and day.year < _REFERENCE_YEAR + 12:
        if library.is_public_holiday(day):
            found.setdefault(day.weekday(), day)
        day += timedelta(days=1)
    return tuple(sorted(found.values()))


def _sample_windows(rules: Sequence[Rule]) -> list[tuple[date, int]]:
    windows: set[tuple[date, int]] = set()
    for month in range(1, 13):
        day = date(_REFERENCE_YEAR, month, 8)
        windows.add((day + timedelta(days=-day.weekday() % 7), 7))
    windows.update((day, 1) for day in _holiday_samples())
    for rule in rules:
        if rule.period is not None:
            for item in rule.period.items:
                windows.update((day, 1) for day in item.edges(_REFERENCE_YEAR))
        if rule.monthly or rule.weeks is not None:
            # whole months (every nth weekday, first and last) and the turn of a year of 53 weeks
            windows.update((date(_REFERENCE_YEAR, month, 1), 31) for month in (2, 3, 8))
            windows.add((date(2026, 12, 21), 21))
        if rule.dates is not None:
            for limit in rule.dates:
                windows.add((limit - timedelta(days=1), 3))
    return sorted(windows)


def _check(rules: Sequence[Rule], oh: OpeningHours) -> None:
    for first, count in _sample_windows(rules):
        if _realize(rules, first, count) != _observe(oh, first, count):
            raise Unsupported("the model differs from the library")


@library.per_zone_cache(maxsize=512)
def checked_rules(text: str, reference: str) -> tuple[Rule, ...] | None:
    """The rules read from ``text``, if they mean exactly what the library makes of ``reference``."""
    try:
        rules = Parser(text).rules()
        _check(rules, library.compile_hours(reference))
    except Unsupported as exc:
        logger.debug("Opening hours %r not handled by the structured reader: %s", text, exc)
        return None
    return rules
