"""The weekly grid of the edit form: a grid of time slots per day to and from an opening_hours string.

:func:`grid_to_osm` writes the string for a grid (days with the same slots grouped, « PH off » when
closed on public holidays); :func:`osm_to_grid` reads a string back into the grid, or None when the grid
cannot show it (the form then offers the expert field); :func:`validate_grid` explains bad slots.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

from opening_hours import ParserError

from . import library
from .check import checked_rules
from .model import CLOSED_DAY, DAYS, OPEN, base, fold, runs
from .validation import complexity_problem
from .wording import DAY_LABELS, DAY_MINUTES, capitalize

_GRID_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")


def _grid_minutes(text: object) -> int | None:
    if not isinstance(text, str) or not _GRID_TIME.fullmatch(text):
        return None
    return int(text[:2]) * 60 + int(text[3:])


def _grid_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _grid_day_error(slots: object) -> str | None:
    if not isinstance(slots, list | tuple):
        return "créneaux mal formés."
    parsed = []
    for slot in slots:
        if not isinstance(slot, list | tuple) or len(slot) != 2:
            return "chaque créneau doit avoir une heure de début et une heure de fin."
        start_text, end_text = slot
        start, end = _grid_minutes(start_text), _grid_minutes(end_text)
        if start is None or start == DAY_MINUTES:
            return (
                f"l'heure de début « {start_text} » n'est pas valide : "
                "écrivez-la sous la forme HH:MM, par exemple 09:00."
            )
        if end is None:
            return (
                f"l'heure de fin « {end_text} » n'est pas valide : "
                "écrivez-la sous la forme HH:MM, par exemple 12:00."
            )
        if start == end:
            return f"le créneau de {start_text} à {end_text} commence et finit à la même heure."
        if start > end:
            return (
                f"le créneau de {start_text} à {end_text} finit avant de commencer "
                "(pour une ouverture de nuit, utilisez la saisie experte)."
            )
        parsed.append((start, end, start_text, end_text))
    parsed.sort()
    for previous, current in itertools.pairwise(parsed):
        if current[0] < previous[1]:
            return (
                f"les créneaux de {previous[2]} à {previous[3]} et de {current[2]} à {current[3]} "
                "se chevauchent."
            )
    return None


def validate_grid(grid: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, str]:
    """Day code → French message, for bad times, slots ending before they start and overlapping slots.

    Times are "HH:MM" (00:00 to 23:59; 24:00 is allowed as an end).  Missing days count as closed.
    """
    errors = {}
    for index, code in enumerate(DAYS):
        message = _grid_day_error(grid.get(code) or [])
        if message:
            errors[code] = f"{capitalize(DAY_LABELS[index])} : {message}"
    return errors


def _osm_days(days: Sequence[int]) -> str:
    return ",".join(
        DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}" for run in runs(days)
    )


def grid_to_osm(grid: Mapping[str, Sequence[tuple[str, str]]], closed_on_public_holidays: bool) -> str:
    """The OSM string for a weekly grid: « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ».

    Days with the same slots are grouped; "" when there is no slot at all (and then no « PH off »).
    Raises ValueError (French message) for an invalid grid or an unknown day code.
    """
    unknown = sorted(set(grid) - set(DAYS))
    if unknown:
        raise ValueError(f"Jour inconnu : {', '.join(map(str, unknown))}.")
    errors = validate_grid(grid)
    if errors:
        raise ValueError(next(iter(errors.values())))
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for index, code in enumerate(DAYS):
        slots = tuple(sorted((start, end) for start, end in grid.get(code) or []))
        if slots:
            groups.setdefault(slots, []).append(index)
    rules = [
        f"{_osm_days(days)} {','.join(f'{start}-{end}' for start, end in slots)}"
        for slots, days in groups.items()
    ]
    if not rules:
        return ""
    if closed_on_public_holidays:
        rules.append("PH off")
    return "; ".join(rules)


def osm_to_grid(
    value: str, *, max_slots: int | None = None
) -> tuple[dict[str, list[tuple[str, str]]], bool] | None:
    """The weekly grid and « closed on public holidays » for ``value``, or None if the grid cannot show it.

    The grid shows weekday selectors with time spans within the day and an optional « PH off »; months,
    comments, overnight spans, « unknown », special public-holiday hours… need the expert field.  The
    string's meaning is checked against the library, so the grid never changes the hours silently.
    ``max_slots`` (the form's number of slot columns) turns days with more slots into None as well.
    """
    text = (value or "").strip()
    if not text:
        return {code: [] for code in DAYS}, False
    if complexity_problem(text):
        return None
    try:
        library.compile_hours(text)
    except ParserError:
        return None
    rules = checked_rules(text, text)
    if rules is None or any(
        rule.period is not None or rule.irregular or rule.holidays - {"PH"} for rule in rules
    ):
        return None
    normal = [fold(rules, weekday, False, base) for weekday in range(7)]
    holiday = [fold(rules, weekday, True, base) for weekday in range(7)]
    for day in normal:
        if day.closed_comment or any(
            piece.state != OPEN or piece.comment or piece.open_end or piece.end > DAY_MINUTES
            for piece in day.pieces
        ):
            return None
        if max_slots is not None and len(day.pieces) > max_slots:
            return None
    if holiday == normal:
        closed_on_public_holidays = False
    elif all(day == CLOSED_DAY for day in holiday):
        closed_on_public_holidays = True
    else:
        return None
    grid = {
        code: [(_grid_time(piece.start), _grid_time(piece.end)) for piece in normal[index].pieces]
        for index, code in enumerate(DAYS)
    }
    return grid, closed_on_public_holidays
