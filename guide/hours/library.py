"""The opening_hours library in the guide's time zone: its objects, and datetimes it accepts.

The zone comes from one place, :func:`configure`, called once at start-up with the ``timezone`` setting
(Europe/Paris by default); every other module of the package asks :func:`timezone`.  The library is
only ever given datetimes aware in that zone that exist on its wall clock: it reads naive datetimes in
the expression's zone but rejects aware ones whose ``tzinfo`` is not a ``ZoneInfo``
(``datetime.timezone.utc`` raises TypeError), and times that do not exist (the hour skipped when the
clocks go forward, often reached by « now + 8 days »): every datetime goes through :func:`existing`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours

DEFAULT_TIMEZONE = "Europe/Paris"
COUNTRY = "FR"
# Clermont-Ferrand: the library uses it only to compute sunrise and sunset times.  It is given only to a
# guide in Paris time: elsewhere (an overseas territory) Clermont's sunrise would be hours off, and the
# library's fixed defaults (sunrise 7 h, sunset 19 h) are closer.
COORDINATES = (45.7772, 3.0870)

_zone = ZoneInfo(DEFAULT_TIMEZONE)


def configure(timezone: str | None) -> None:
    """Use ``timezone`` (an IANA name such as « America/Cayenne ») for every wall-clock time.

    Raises ValueError for an unknown zone, so that a mistyped setting stops the start-up.  The zone is
    process-wide (one guide per process, as the app factory and the console scripts set it up).
    """
    global _zone
    name = (timezone or "").strip() or DEFAULT_TIMEZONE
    try:
        _zone = ZoneInfo(name)
    except (KeyError, ValueError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"Unknown time zone in the timezone setting: {name!r}") from exc


def timezone() -> ZoneInfo:
    """The guide's time zone."""
    return _zone


def per_zone_cache(maxsize: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``functools.lru_cache`` whose key includes the configured zone (results computed in it)."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.lru_cache(maxsize=maxsize)
        def cached(zone: str, *args: Any) -> Any:
            return function(*args)

        @functools.wraps(function)
        def wrapper(*args: Any) -> Any:
            return cached(_zone.key, *args)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorate


@per_zone_cache(maxsize=512)
def compile_hours(value: str) -> OpeningHours:
    """The library's object for ``value`` (raises ParserError), in the guide's zone with French holidays."""
    return OpeningHours(
        value,
        timezone=_zone,
        country=COUNTRY,
        coords=COORDINATES if _zone.key == DEFAULT_TIMEZONE else None,
        auto_country=False,
        # auto_timezone stays on: the library needs it to place sunrise and sunset at COORDINATES
        # (Clermont-Ferrand, whose zone is Paris anyway).
    )


def existing(moment: datetime) -> datetime:
    """An aware ``moment`` as a time of the guide's zone that exists on the wall clock.

    Python adds a ``timedelta`` to an aware datetime on the wall clock, so « now + 8 days » can land in
    the hour skipped when the clocks go forward (2026-03-29 02:30 does not exist in Paris); the library
    raises TypeError for such a time.  Going through UTC moves it forward by the missing hour (03:30),
    as the clocks do; an existing time, ambiguous ones included (``fold``), is unchanged.
    """
    return moment.astimezone(UTC).astimezone(_zone)


def local(moment: datetime | None) -> datetime:
    """``moment`` aware in the guide's zone; naive values are its wall-clock time; None is now."""
    if moment is None:
        return datetime.now(_zone)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return existing(moment.replace(tzinfo=_zone))
    return existing(moment)


def today() -> date:
    """Today's date in the guide's zone."""
    return datetime.now(_zone).date()


def midnight(day: date) -> datetime:
    return existing(datetime.combine(day, time(), _zone))


def intervals(oh: OpeningHours, start: datetime, end: datetime) -> Iterable[tuple]:
    """``oh.intervals`` between two aware datetimes, normalised to existing local times first.

    With a fallback rule (« || »), opening-hours-py 2.1.4's interval iterator disagrees with its own
    ``state()`` and depends on where it starts: from a Sunday, « Mo-Fr 09:00-17:30 || "sur rendez-vous" »
    gives « sur rendez-vous » up to Tuesday, while ``state()`` says Monday is open 9 h–17 h 30.  Such
    strings are asked one day at a time (each day's answer agrees with ``state()``), every interval is
    checked against ``state()`` at its start and middle, and a day that still disagrees is rebuilt from
    ``state()`` alone.  Other strings go to the library in one call, as fast as before.
    """
    start, end = existing(start), existing(end)
    if "||" not in str(oh):
        return oh.intervals(start, end)
    return _merged(_day_by_day(oh, start, end))


def _day_by_day(oh: OpeningHours, start: datetime, end: datetime) -> Iterable[tuple]:
    cursor = start
    while cursor < end:
        stop = min(midnight(cursor.date() + timedelta(days=1)), end)
        day = [
            (max(first, cursor), min(last, stop), state, comment)
            for first, last, state, comment in oh.intervals(cursor, stop)
            if first < stop and last > cursor
        ]
        if not all(_agrees(oh, first, last, state, comment) for first, last, state, comment in day):
            day = _from_states(oh, cursor, stop)
        yield from day
        cursor = stop


def _agrees(oh: OpeningHours, first: datetime, last: datetime, state: Any, comment: str) -> bool:
    middle = existing(first + (last - first) / 2)
    return all(tuple(oh.state(moment)) == (state, comment) for moment in (first, middle))


def _from_states(oh: OpeningHours, start: datetime, stop: datetime) -> list[tuple]:
    """The intervals of one day read from ``state()`` minute by minute (slow, but right)."""
    result: list[tuple] = []
    moment = start
    while moment < stop:
        state, comment = oh.state(moment)
        following = existing(moment + timedelta(minutes=1))
        if result and result[-1][2:] == (state, comment):
            result[-1] = (result[-1][0], following, state, comment)
        else:
            result.append((moment, following, state, comment))
        moment = following
    if result:
        result[-1] = (result[-1][0], stop, *result[-1][2:])
    return result


def _merged(pieces: Iterable[tuple]) -> Iterator[tuple]:
    """Touching intervals with the same state and comment joined (a night crossing midnight is one)."""
    current = None
    for piece in pieces:
        if current is not None and current[1] == piece[0] and current[2:] == piece[2:]:
            current = (current[0], piece[1], *piece[2:])
            continue
        if current is not None:
            yield current
        current = piece
    if current is not None:
        yield current


@per_zone_cache(maxsize=4096)
def is_public_holiday(day: date) -> bool:
    return compile_hours("PH").is_open(existing(datetime.combine(day, time(12), _zone)))
