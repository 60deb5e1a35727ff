"""The model of opening hours: rules as read from a string, days as their evaluation produces them.

A :class:`Rule` (period, weekdays, public holidays, time spans, state, comment) is what the parser reads;
:func:`fold` applies the rules matching a day in order, with the library's override semantics, and gives
a :class:`Day`: its open (or unknown) :class:`Piece` spans in minutes after its midnight.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .wording import DAY_MINUTES, MONTH_LABELS, day_number, join

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")

OPEN = "open"
UNKNOWN = "unknown"
CLOSED = "closed"
NORMAL = "normal"
ADDITIONAL = "additional"
FALLBACK = "fallback"  # after « || »: applies only to days the earlier rules leave closed all day


class Unsupported(Exception):
    """The structured formatter does not handle this string (an internal signal, never escapes)."""


@dataclass(frozen=True, order=True)
class Piece:
    """An open (or unknown) span of a day, in minutes after its midnight; ``end`` may pass 1440."""

    start: int
    end: int
    state: str = OPEN
    comment: str = ""
    open_end: bool = False

    def same_kind(self, other: Piece) -> bool:
        return (self.state, self.comment, self.open_end) == (other.state, other.comment, other.open_end)


@dataclass(frozen=True)
class Day:
    """What a day looks like: its open pieces (sorted) and, when closed on purpose, a comment."""

    pieces: tuple[Piece, ...] = ()
    closed_comment: str = ""

    @property
    def closed(self) -> bool:
        return not self.pieces

    def display_key(self) -> tuple[tuple[Piece, ...], str]:
        return merge_adjacent(self.pieces), self.closed_comment


CLOSED_DAY = Day()


def paint(pieces: Iterable[Piece], new: Piece) -> tuple[Piece, ...]:
    """``pieces`` with ``new`` laid over them; overlapping pieces of the same kind are united."""
    kept: list[Piece] = []
    for piece in pieces:
        overlaps = piece.start < new.end and new.start < piece.end
        if not overlaps:
            kept.append(piece)
        elif piece.same_kind(new):
            new = replace(new, start=min(new.start, piece.start), end=max(new.end, piece.end))
        else:
            if piece.start < new.start:
                kept.append(replace(piece, end=new.start, open_end=False))
            if piece.end > new.end:
                kept.append(replace(piece, start=new.end))
    kept.append(new)
    return tuple(sorted(kept))


def subtract(pieces: Iterable[Piece], start: int, end: int) -> tuple[Piece, ...]:
    kept: list[Piece] = []
    for piece in pieces:
        if piece.end <= start or piece.start >= end:
            kept.append(piece)
            continue
        if piece.start < start:
            kept.append(replace(piece, end=start, open_end=False))
        if piece.end > end:
            kept.append(replace(piece, start=end))
    return tuple(sorted(kept))


def merge_adjacent(pieces: Iterable[Piece]) -> tuple[Piece, ...]:
    merged: list[Piece] = []
    for piece in sorted(pieces):
        if merged and merged[-1].same_kind(piece) and not piece.open_end and merged[-1].end >= piece.start:
            merged[-1] = replace(merged[-1], end=max(merged[-1].end, piece.end))
        else:
            merged.append(piece)
    return tuple(merged)


@dataclass(frozen=True)
class PeriodItem:
    """A month range (``first_day`` and ``last_day`` are None) or a date range, both inclusive."""

    first_month: int
    first_day: int | None
    last_month: int
    last_day: int | None

    def days(self) -> set[tuple[int, int]]:
        if self.first_day is None or self.last_day is None:
            months = [
                (self.first_month - 1 + i) % 12 + 1
                for i in range((self.last_month - self.first_month) % 12 + 1)
            ]
            return {(m, d) for m in months for d in range(1, calendar.monthrange(2024, m)[1] + 1)}
        try:
            start = date(2024, self.first_month, self.first_day)  # a leap year: 29 February exists
            end = date(2024, self.last_month, self.last_day)
        except ValueError as exc:
            raise Unsupported("impossible date") from exc
        if end < start:
            end = end.replace(year=2025) if (end.month, end.day) != (2, 29) else date(2025, 3, 1)
        result = set()
        while start <= end:
            result.add((start.month, start.day))
            start += timedelta(days=1)
        return result

    def edges(self, year: int) -> list[date]:
        """Days on both sides of the range's limits, for checking the model against the library."""
        first = (self.first_month, self.first_day or 1)
        last_day = self.last_day or calendar.monthrange(year, self.last_month)[1]
        result = []
        for month, day in (first, (self.last_month, last_day)):
            try:
                limit = date(year, month, day)
            except ValueError:
                continue
            result.extend([limit - timedelta(days=1), limit, limit + timedelta(days=1)])
        return result

    def text(self) -> str:
        months = MONTH_LABELS
        if self.first_day is None or self.last_day is None:
            first, last = months[self.first_month - 1], months[self.last_month - 1]
            if self.first_month == self.last_month:
                return f"en {first}"
            if (self.last_month - self.first_month) % 12 == 1:
                return f"en {first} et en {last}"
            article = "d'" if first[0] in "aeiouéâ" else "de "
            return f"{article}{first} à {last}"
        first_text = f"{day_number(self.first_day)} {months[self.first_month - 1]}"
        last_text = f"{day_number(self.last_day)} {months[self.last_month - 1]}"
        if (self.first_month, self.first_day) == (self.last_month, self.last_day):
            return f"le {first_text}"
        if self.first_month == self.last_month and self.first_day < self.last_day:
            return f"du {day_number(self.first_day)} au {last_text}"
        return f"du {first_text} au {last_text}"


@dataclass(frozen=True)
class Period:
    items: tuple[PeriodItem, ...]
    days: frozenset[tuple[int, int]]

    def text(self) -> str:
        return join(list(dict.fromkeys(item.text() for item in self.items)))


def nth_in_month(day: date) -> tuple[int, int]:
    """Which occurrence of its weekday ``day`` is in its month, from the start and from the end (-1)."""
    length = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, -((length - day.day) // 7 + 1)


@dataclass(frozen=True)
class Rule:
    """One rule.  ``monthly``, ``weeks`` and ``dates`` make it irregular: it applies to some dates only
    (« We[1,3] », « week 1-53/2 », « 2026 Dec 21-2027 Jan 03 »), so the regular week leaves it out and
    only an actual date (``fold(..., day=)``) can tell whether it applies."""

    operator: str
    period: Period | None
    weekdays: frozenset[int] | None  # None: no weekday selector
    holidays: frozenset[str]  # "PH", "SH"
    spans: tuple[tuple[int, int, bool], ...] | None  # (start, end, open end); None: the whole day
    state: str
    comment: str
    monthly: frozenset[tuple[int, int]] = frozenset()  # (weekday, nth): « We[1,3] » → (2, 1), (2, 3)
    weeks: frozenset[int] | None = None  # ISO week numbers
    dates: tuple[date, date] | None = None  # a range of dates with their years, inclusive

    @property
    def irregular(self) -> bool:
        return bool(self.monthly) or self.weeks is not None or self.dates is not None

    def matches(
        self,
        weekday: int,
        is_holiday: bool,
        period_ok: Callable[[Period | None], bool],
        day: date | None = None,
    ) -> bool:
        if not period_ok(self.period):
            return False
        if self.irregular:
            if day is None:
                return False
            if self.dates is not None and not self.dates[0] <= day <= self.dates[1]:
                return False
            if self.weeks is not None and day.isocalendar().week not in self.weeks:
                return False
        if self.weekdays is None and not self.holidays and not self.monthly:
            return True
        if self.monthly and day is not None and any((weekday, n) in self.monthly for n in nth_in_month(day)):
            return True
        return (self.weekdays is not None and weekday in self.weekdays) or (
            "PH" in self.holidays and is_holiday
        )

    def pieces(self) -> tuple[Piece, ...]:
        if self.spans is None:
            return (Piece(0, DAY_MINUTES, self.state, self.comment),)
        result: tuple[Piece, ...] = ()
        for start, end, open_end in self.spans:
            result = paint(result, Piece(start, end, self.state, self.comment, open_end))
        return result


def fold(
    rules: Sequence[Rule],
    weekday: int,
    is_holiday: bool,
    period_ok: Callable[[Period | None], bool],
    day: date | None = None,
) -> Day:
    """The day, by applying the matching rules in order, as the library does; without ``day``, the
    regular day (irregular rules left out).

    A normal rule replaces the whole day, except a closing rule with times, which only closes those
    times; an additional rule (after « , ») adds its times to the day.
    """
    result = CLOSED_DAY
    for rule in rules:
        if rule.operator == FALLBACK and result.pieces:
            continue  # as the library does: a fallback fills days the earlier rules left closed
        if not rule.matches(weekday, is_holiday, period_ok, day):
            continue
        if rule.state == CLOSED:
            if rule.spans is None:
                result = Day((), rule.comment)
            else:
                pieces = result.pieces
                for start, end, _open_end in rule.spans:
                    pieces = subtract(pieces, start, end)
                result = Day(pieces, result.closed_comment)
        elif rule.operator in (NORMAL, FALLBACK):
            result = Day(rule.pieces())
        else:
            pieces = result.pieces
            for piece in rule.pieces():
                pieces = paint(pieces, piece)
            result = Day(pieces)
    return result


def base(period: Period | None) -> bool:
    return period is None


def within(days: frozenset[tuple[int, int]]) -> Callable[[Period | None], bool]:
    return lambda period: period is None or period.days == days


def on(day: date) -> Callable[[Period | None], bool]:
    return lambda period: period is None or (day.month, day.day) in period.days


def runs(days: Sequence[int]) -> list[list[int]]:
    """Consecutive days grouped: [0, 1, 2, 4] → [[0, 1, 2], [4]]."""
    result: list[list[int]] = []
    for day in sorted(days):
        if result and result[-1][-1] == day - 1:
            result[-1].append(day)
        else:
            result.append([day])
    return result
