"""The weekly grid of the edit form: a grid of time slots per day to and from an opening_hours string.

:func:`grid_to_osm` writes the string for a grid (days with the same slots grouped, « PH off » when
closed on public holidays); :func:`osm_to_grid` reads a string back into the grid, or None when the grid
cannot show it (the form then offers the expert field); :func:`validate_grid` explains bad slots.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from opening_hours import ParserError

from . import library
from .check import checked_rules
from .model import CLOSED_DAY, DAYS, OPEN, Day, base, fold, runs
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
        if not isinstance(slot, list | tuple) or len(slot) not in (2, 3):
            return "chaque créneau doit avoir une heure de début et une heure de fin."
        start_text, end_text = slot[0], slot[1]
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


APPOINTMENT = "sur rendez-vous"
# The weeks of the month a monthly row offers: 1st to 5th, and the last (-1).
NTHS = (1, 2, 3, 4, 5, -1)

Slot = tuple  # (start, end) or (start, end, by appointment)
MonthlyRow = tuple  # (day code, nths, slots): « le 1er et le 3e mercredi, 14:00-17:00 »


def _slot(slot: Sequence) -> tuple[str, str, bool]:
    return (slot[0], slot[1], bool(slot[2]) if len(slot) > 2 else False)


def _rule(selector: str, slots: Sequence[tuple[str, str, bool]]) -> str:
    """« Mo-Fr 09:00-12:00 », and slots by appointment as an added rule with the comment."""
    plain = [f"{start}-{end}" for start, end, appointment in slots if not appointment]
    by_appointment = [f"{start}-{end}" for start, end, appointment in slots if appointment]
    parts = [f"{selector} {','.join(plain)}"] if plain else []
    if by_appointment:
        parts.append(f'{selector} {",".join(by_appointment)} "{APPOINTMENT}"')
    return ", ".join(parts)


def _nth_selector(code: str, nths: Sequence[int]) -> str:
    ordered = sorted(set(nths), key=lambda n: (n < 0, abs(n)))
    return f"{code}[{','.join(map(str, ordered))}]"


def grid_to_osm(
    grid: Mapping[str, Sequence[Slot]],
    closed_on_public_holidays: bool,
    *,
    monthly: Sequence[MonthlyRow] = (),
    closed: bool = False,
) -> str:
    """The OSM string for a weekly grid: « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ».

    Days with the same slots are grouped; a slot may be by appointment (a third item, true: « Mo
    14:00-17:00 "sur rendez-vous" »); ``monthly`` rows add « We[1,3] 14:00-17:00 » (on top of that
    weekday's slots, if any); ``closed`` (no slot anywhere) gives « off », closed all year, where an
    empty grid gives "" (no hours given, and then no « PH off »).  Raises ValueError (French message)
    for an invalid grid or row, or an unknown day code.
    """
    unknown = sorted(set(grid) - set(DAYS))
    if unknown:
        raise ValueError(f"Jour inconnu : {', '.join(map(str, unknown))}.")
    errors = validate_grid(grid)
    if errors:
        raise ValueError(next(iter(errors.values())))
    groups: dict[tuple[tuple[str, str, bool], ...], list[int]] = {}
    for index, code in enumerate(DAYS):
        slots = tuple(sorted(_slot(slot) for slot in grid.get(code) or []))
        if slots:
            groups.setdefault(slots, []).append(index)
    text = "; ".join(_rule(_osm_days(days), slots) for slots, days in groups.items())
    for code, nths, slots in monthly:
        if not slots:
            continue
        label = DAY_LABELS[DAYS.index(code)] if code in DAYS else str(code)
        if code not in DAYS:
            raise ValueError(f"Jour inconnu : {code}.")
        if not nths or any(n not in NTHS for n in nths):
            raise ValueError(
                f"Chaque mois, le {label} : cochez quelles semaines du mois (1er, 2e… ou dernier)."
            )
        problem = _grid_day_error(list(slots))
        if problem:
            raise ValueError(f"Chaque mois, le {label} : {problem}")
        rule = _rule(_nth_selector(code, nths), sorted(_slot(slot) for slot in slots))
        separator = ", " if grid.get(code) else "; "
        text = f"{text}{separator}{rule}" if text else rule
    if closed:
        if text:
            raise ValueError(
                "Vous avez coché « Fermé toute l'année » et indiqué des créneaux : décochez la case ou "
                "videz les créneaux."
            )
        return "off"
    if not text:
        return ""
    return f"{text}; PH off" if closed_on_public_holidays else text


@dataclass(frozen=True)
class GridForm:
    """What the grid of the form shows for a string (see :func:`read_grid`)."""

    days: dict[str, list[tuple[str, str, bool]]]
    closed_on_public_holidays: bool = False
    monthly: tuple[MonthlyRow, ...] = ()
    closed: bool = False


def _same_meaning(first: str, second: str) -> bool:
    """Whether the library reads both strings alike over fourteen months (every nth weekday, holidays)."""
    if first == second:
        return True
    start, end = library.midnight(date(2025, 12, 1)), library.midnight(date(2027, 2, 1))
    return list(library.intervals(library.compile_hours(first), start, end)) == list(
        library.intervals(library.compile_hours(second), start, end)
    )


def _day_slots(day: Day) -> list[tuple[str, str, bool]] | None:
    if day.closed_comment:
        return None
    slots = []
    for piece in day.pieces:
        if piece.state != OPEN or piece.comment not in ("", APPOINTMENT) or piece.open_end:
            return None
        if piece.end > DAY_MINUTES:
            return None
        slots.append((_grid_time(piece.start), _grid_time(piece.end), piece.comment == APPOINTMENT))
    return slots


def read_grid(value: str, *, max_slots: int | None = None) -> GridForm | None:
    """The grid for ``value`` — weekly slots (some by appointment), monthly rows, « PH off », closed all
    year — or None when the grid cannot show it (the form then offers the expert field).

    The grid's string must mean what ``value`` means for the library, so the grid never changes the
    hours silently; ``max_slots`` (the form's number of slot columns) turns days with more into None.
    """
    text = (value or "").strip()
    if not text:
        return GridForm({code: [] for code in DAYS})
    if complexity_problem(text):
        return None
    try:
        library.compile_hours(text)
    except ParserError:
        return None
    rules = checked_rules(text, text)
    if rules is None or any(
        rule.period is not None or rule.weeks is not None or rule.dates is not None or rule.holidays - {"PH"}
        for rule in rules
    ):
        return None
    monthly: list[MonthlyRow] = []
    for rule in rules:
        if not rule.irregular:
            continue
        if rule.weekdays or rule.state != OPEN or rule.spans is None:
            return None
        slots = _day_slots(Day(rule.pieces()))
        if slots is None or not slots:
            return None
        by_day: dict[int, list[int]] = {}
        for weekday, n in sorted(rule.monthly):
            by_day.setdefault(weekday, []).append(n)
        for weekday, nths in by_day.items():
            if any(n not in NTHS for n in nths):
                return None
            monthly.append((DAYS[weekday], tuple(sorted(nths, key=lambda n: (n < 0, abs(n)))), slots))
    normal = [fold(rules, weekday, False, base) for weekday in range(7)]
    holiday = [fold(rules, weekday, True, base) for weekday in range(7)]
    days: dict[str, list[tuple[str, str, bool]]] = {}
    for index, day in enumerate(normal):
        slots = _day_slots(day)
        if slots is None or (max_slots is not None and len(slots) > max_slots):
            return None
        days[DAYS[index]] = slots
    if any(len(row[2]) > (max_slots or len(row[2])) for row in monthly):
        return None
    if holiday == normal:
        closed_on_public_holidays = False
    elif all(day == CLOSED_DAY for day in holiday):
        closed_on_public_holidays = True
    else:
        return None
    closed = not monthly and not any(days.values())
    form = GridForm(days, closed_on_public_holidays and not closed, tuple(monthly), closed)
    try:
        written = grid_to_osm(form.days, form.closed_on_public_holidays, monthly=form.monthly, closed=closed)
    except ValueError:
        return None
    return form if _same_meaning(written, text) else None


def osm_to_grid(
    value: str, *, max_slots: int | None = None
) -> tuple[dict[str, list[tuple[str, str]]], bool] | None:
    """The weekly grid (slots as (start, end)) and « closed on public holidays » for ``value``, or None.

    The plain weekly grid of :func:`read_grid`: None as well when the string needs monthly rows or slots
    by appointment.
    """
    form = read_grid(value, max_slots=max_slots)
    if form is None or form.monthly or any(slot[2] for slots in form.days.values() for slot in slots):
        return None
    return {code: [(start, end) for start, end, _ in slots] for code, slots in form.days.items()}, (
        form.closed_on_public_holidays
    )
