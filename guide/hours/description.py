"""The hours in plain French: « du lundi au vendredi de 9 h à 12 h ; fermé les jours fériés ».

The text is written from the evaluated week rather than from the syntax, so that overridden rules
(« Mo-Fr 08:00-12:00; Mo-Fr 14:00-18:00 » really means 14 h–18 h) are never described wrongly: the
string is read into rules, checked against the library (:mod:`guide.hours.check`), folded day by day,
and days with the same hours are grouped.  Irregular rules (« We[1,3] », « week 1-53/2 », « 2026 Dec
21-2027 Jan 03 off ») are left out of the regular week and read as their own phrase (« le 1er et le 3e
mercredi du mois de 14 h à 17 h »), followed by the next dates they give (« prochaines permanences :
mercredi 2 décembre et mercredi 16 décembre, 14 h – 17 h »).  When the string is outside the parser's
subset, the library's normalised form is tried; failing that, the current week is sampled from the
library and described day by day (« semaine du 7 juillet 2025 : … »): :func:`is_described` tells which,
and :func:`print_problem` why such hours must not be printed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

from opening_hours import OpeningHours, ParserError, State

from . import library
from .check import checked_rules, minutes_from
from .model import (
    ADDITIONAL,
    CLOSED,
    CLOSED_DAY,
    NORMAL,
    OPEN,
    UNKNOWN,
    Day,
    Period,
    Piece,
    Rule,
    Unsupported,
    base,
    fold,
    merge_adjacent,
    on,
    runs,
    within,
)
from .validation import complexity_problem, explain, validate
from .wording import BY_APPOINTMENT, DAY_LABELS, DAY_MINUTES, date_fr, hm, join

logger = logging.getLogger(__name__)


def _days_text(days: Sequence[int]) -> str:
    """« tous les jours », « du lundi au vendredi », « le lundi, le mardi et le jeudi »…"""
    labels = DAY_LABELS
    days = sorted(set(days))
    if len(days) == 7:
        return "tous les jours"
    groups = runs(days)
    if len(groups) == 2 and groups[0][0] == 0 and groups[-1][-1] == 6:
        groups = [groups[1] + groups[0]]  # a range over the weekend, « du vendredi au lundi »
    if len(groups) == 1:
        run = groups[0]
        if len(run) == 1:
            return f"le {labels[run[0]]}"
        if len(run) == 2:
            return f"le {labels[run[0]]} et le {labels[run[1]]}"
        return f"du {labels[run[0]]} au {labels[run[-1]]}"
    first, last = days[0], days[-1]
    holes = [day for day in range(first, last + 1) if day not in days]
    if len(holes) == 1 and last - first >= 4:
        return f"du {labels[first]} au {labels[last]} (sauf le {labels[holes[0]]})"
    items = []
    for run in groups:
        if len(run) >= 3:
            items.append(f"du {labels[run[0]]} au {labels[run[-1]]}")
        else:
            items.extend(f"le {labels[day]}" for day in run)
    return join(items)


def _annotation(piece: Piece) -> str:
    if piece.comment:
        return piece.comment
    return "à confirmer" if piece.state == UNKNOWN else ""


def _span_text(piece: Piece) -> str:
    if piece.open_end:
        return f"à partir de {hm(piece.start)}"
    if piece.end > DAY_MINUTES:
        return f"de {hm(piece.start)} à {hm(piece.end - DAY_MINUTES)} le lendemain"
    return f"de {hm(piece.start)} à {hm(piece.end)}"


def _pieces_text(pieces: Sequence[Piece]) -> str:
    notes = [_annotation(piece) for piece in pieces]
    if "" in notes and any(BY_APPOINTMENT.search(note) for note in notes):
        # « de 9 h à 12 h (sans rendez-vous) et de 14 h à 17 h (sur rendez-vous) »: not ambiguous
        notes = [note or "sans rendez-vous" for note in notes]
    if len(set(notes)) == 1:
        text = join([_span_text(piece) for piece in pieces])
        return f"{text} ({notes[0]})" if notes[0] else text
    return join(
        [
            f"{_span_text(piece)} ({note})" if note else _span_text(piece)
            for piece, note in zip(pieces, notes, strict=True)
        ]
    )


def _day_phrase(label: str, day: Day) -> str:
    """« du lundi au vendredi de 9 h à 12 h », « fermé le mercredi (réunion d'équipe) »…"""
    if day.closed:
        return f"fermé {label} ({day.closed_comment})" if day.closed_comment else f"fermé {label}"
    pieces = merge_adjacent(day.pieces)
    if len(pieces) == 1 and pieces[0].start == 0 and pieces[0].end == DAY_MINUTES and not pieces[0].open_end:
        piece = pieces[0]
        if piece.comment:
            return f"{label} : {piece.comment}"
        if piece.state == UNKNOWN:
            return f"{label} : ouverture à confirmer"
        return f"{label}, 24 h/24"
    return f"{label} {_pieces_text(pieces)}"


def _week_phrases(week: Sequence[Day], reference: Sequence[Day] | None) -> list[str]:
    """Phrases for the days of ``week`` that differ from ``reference`` (or are not closed, without one).

    With a reference, a group of changed days also takes the unchanged days with the same hours:
    « en juillet, tous les jours, 24 h/24 » reads better than « en juillet, du jeudi au mardi, 24 h/24 »
    when Wednesday already had those hours.
    """
    groups: dict[tuple, list[int]] = {}
    for index, day in enumerate(week):
        if reference is None and day == CLOSED_DAY:
            continue
        if reference is not None and day.display_key() == reference[index].display_key():
            continue
        groups.setdefault(day.display_key(), []).append(index)
    if reference is not None:
        for key, days in groups.items():
            days.extend(
                index for index, day in enumerate(week) if day.display_key() == key and index not in days
            )
            days.sort()
    phrases = []
    for days in sorted(groups.values()):
        day = week[days[0]]
        pieces = day.display_key()[0]
        whole_day_note = (
            len(pieces) == 1 and pieces[0].start == 0 and pieces[0].end == DAY_MINUTES and pieces[0].comment
        )
        if len(days) == 7 and reference is None and whole_day_note:
            phrases.append(pieces[0].comment)  # « "sur rendez-vous" » alone
        elif len(days) == 7 and reference is None and BY_APPOINTMENT.search(day.closed_comment):
            comment = day.closed_comment
            phrases.append(comment if comment.lower().startswith("uniquement") else f"uniquement {comment}")
        else:
            phrases.append(_day_phrase(_days_text(days), day))
    return phrases


def _describe_rules(rules: Sequence[Rule]) -> str:
    periods: dict[frozenset[tuple[int, int]], Period] = {}
    school: list[Rule] = []
    for rule in rules:
        if "SH" in rule.holidays:
            if rule.holidays != {"SH"} or rule.weekdays is not None or rule.period or rule.operator != NORMAL:
                raise Unsupported("school holidays mixed with other selectors")
            if rule.state == CLOSED and rule.spans is not None:
                raise Unsupported("partial closing during school holidays")
            school.append(rule)
        if rule.period is not None:
            periods.setdefault(rule.period.days, rule.period)
    keys = list(periods)
    for index, key in enumerate(keys):
        if any(key & other for other in keys[index + 1 :]):
            raise Unsupported("overlapping periods")
    covered = frozenset().union(*keys) if keys else frozenset()
    has_base = len(covered) < 366

    contexts: list[frozenset[tuple[int, int]] | None] = ([None] if has_base else []) + keys

    def week(context: frozenset[tuple[int, int]] | None, holiday: bool) -> list[Day]:
        period_ok = base if context is None else within(context)
        return [fold(rules, weekday, holiday, period_ok) for weekday in range(7)]

    normal = {context: week(context, False) for context in contexts}
    holiday = {context: week(context, True) for context in contexts}

    parts: list[str] = []
    reference = normal[None] if has_base else [CLOSED_DAY] * 7
    if has_base:
        parts.extend(_week_phrases(normal[None], None))
    for key in keys:
        days = normal[key]
        if all(days[i].display_key() == reference[i].display_key() for i in range(7)):
            continue  # a period that changes nothing
        text = periods[key].text()
        if all(day == CLOSED_DAY for day in days):
            parts.append(f"fermé {text}")
        else:
            parts.extend(f"{text}, {phrase}" for phrase in _week_phrases(days, reference))
    for rule in school:
        label = "pendant les vacances scolaires"
        day = Day((), rule.comment) if rule.state == CLOSED else Day(rule.pieces())
        parts.append(_day_phrase(label, day))
    parts.extend(_irregular_phrase(rule) for rule in rules if rule.irregular)
    parts.extend(_holiday_phrases(contexts, periods, normal, holiday))
    return " ; ".join(parts) or "fermé"


def _ordinal(n: int) -> str:
    return {1: "1er", -1: "dernier", -2: "avant-dernier"}.get(n, f"{n}e" if n > 0 else f"{-n}e avant la fin")


def _weeks_text(weeks: frozenset[int], after_days: bool) -> str:
    """« les semaines impaires », « (le lundi) des semaines paires », « les semaines 5, 9 et 13 »."""
    article = "des" if after_days else "les"
    if len(weeks) >= 26 and all(week % 2 for week in weeks):
        return f"{article} semaines impaires"
    if len(weeks) >= 26 and not any(week % 2 for week in weeks):
        return f"{article} semaines paires"
    numbers = [str(run[0]) if len(run) == 1 else f"{run[0]} à {run[-1]}" for run in runs(sorted(weeks))]
    if len(weeks) == 1:
        return f"{'de la' if after_days else 'la'} semaine {numbers[0]}"
    return f"{article} semaines {join(numbers)}"


def _dates_text(first: date, last: date) -> str:
    if first == last:
        return f"le {date_fr(first)} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"du {first.day if first.day > 1 else '1er'} au {date_fr(last)} {last.year}"
    if first.year == last.year:
        return f"du {date_fr(first)} au {date_fr(last)} {last.year}"
    return f"du {date_fr(first)} {first.year} au {date_fr(last)} {last.year}"


def _irregular_label(rule: Rule) -> str:
    """« le 1er et le 3e mercredi du mois », « le lundi, les semaines impaires », « du 21 décembre… »."""
    items = []
    if rule.weekdays:
        items.append(_days_text(sorted(rule.weekdays)))
    if rule.monthly:
        by_day: dict[int, list[int]] = {}
        for weekday, n in sorted(rule.monthly):
            by_day.setdefault(weekday, []).append(n)
        monthly = [
            f"{join([f'le {_ordinal(n)}' for n in sorted(ns, key=lambda n: (n < 0, abs(n)))])} "
            f"{DAY_LABELS[weekday]}"
            for weekday, ns in by_day.items()
        ]
        items.append(f"{join(monthly)} du mois")
    label = join(items)
    if rule.weeks is not None:
        label = f"{label} {_weeks_text(rule.weeks, True)}" if label else _weeks_text(rule.weeks, False)
    if rule.dates is not None:
        dates = _dates_text(*rule.dates)
        label = f"{dates}, {label}" if label else dates
    if rule.period is not None:
        label = f"{rule.period.text()}, {label}"
    return label


def _irregular_phrase(rule: Rule) -> str:
    if rule.state == CLOSED:
        if rule.spans is not None:
            raise Unsupported("partial closing on irregular dates")
        return _day_phrase(_irregular_label(rule), Day((), rule.comment))
    if rule.operator == ADDITIONAL:  # « Mo-Fr 09:00-12:00, We[1,3] 14:00-17:00 »: slots added that day
        if rule.spans is None:
            raise Unsupported("a whole day added on irregular dates")
        return f"{_irregular_label(rule)}, aussi {_pieces_text(merge_adjacent(rule.pieces()))}"
    return _day_phrase(_irregular_label(rule), Day(rule.pieces()))


def _short_pieces(day: Day) -> str:
    """« 14 h – 17 h », « 9 h – 12 h, 14 h – 17 h (sur rendez-vous) »."""
    pieces = merge_adjacent(day.pieces)
    if len(pieces) == 1 and pieces[0].start == 0 and pieces[0].end == DAY_MINUTES and pieces[0].comment:
        return pieces[0].comment
    text = ", ".join(f"{hm(piece.start)} – {hm(piece.end)}" for piece in pieces)
    notes = {_annotation(piece) for piece in pieces} - {""}
    return f"{text} ({join(sorted(notes))})" if notes else text


def next_dates(rules: Sequence[Rule], today: date, count: int = 2, horizon: int = 120) -> str:
    """« prochaines permanences : mercredi 2 décembre et mercredi 16 décembre, 14 h – 17 h » for rules
    that apply to some weeks or some weekdays of the month only; "" for regular hours."""
    if not any(rule.monthly or rule.weeks is not None for rule in rules):
        return ""
    opened: list[tuple[date, Day]] = []
    closed: list[date] = []
    for offset in range(horizon):
        day = today + timedelta(days=offset)
        holiday = library.is_public_holiday(day)
        actual = fold(rules, day.weekday(), holiday, on(day), day)
        if actual.display_key() == fold(rules, day.weekday(), holiday, on(day)).display_key():
            continue
        if actual.closed and len(closed) < count:
            closed.append(day)
        elif not actual.closed and len(opened) < count:
            opened.append((day, actual))
        if len(opened) == count and len(closed) == count:
            break

    def when(day: date) -> str:
        return f"{DAY_LABELS[day.weekday()]} {date_fr(day, today)}"

    parts = []
    if opened:
        texts = {_short_pieces(day) for _date, day in opened}
        if len(texts) == 1:
            parts.append(f"prochaines permanences : {join([when(d) for d, _day in opened])}, {texts.pop()}")
        else:
            listed = join([f"{when(d)} ({_short_pieces(day)})" for d, day in opened])
            parts.append(f"prochaines permanences : {listed}")
    if closed:
        parts.append(f"prochaines fermetures : {join([when(d) for d in closed])}")
    return " ; ".join(parts)


def _holiday_phrases(
    contexts: Sequence[frozenset[tuple[int, int]] | None],
    periods: Mapping[frozenset[tuple[int, int]], Period],
    normal: Mapping[frozenset[tuple[int, int]] | None, list[Day]],
    holiday: Mapping[frozenset[tuple[int, int]] | None, list[Day]],
) -> list[str]:
    """« fermé les jours fériés », possibly « …, sauf en juillet et en août »."""
    holiday_dates = {(day.month, day.day) for day in _public_holidays_between(2024, 2031)}
    relevant = [c for c in contexts if c is None or c & holiday_dates]
    special = [c for c in relevant if holiday[c] != normal[c]]
    if not special:
        return []
    first = relevant[0]
    same = holiday[first][0]
    if any(day != same for day in holiday[first]):
        raise Unsupported("public holidays depending on the day of the week")
    exceptions = [c for c in relevant[1:] if any(day != same for day in holiday[c])]
    for context in exceptions:
        if holiday[context] != normal[context]:
            raise Unsupported("public holidays with their own hours in a period")
    phrase = _day_phrase("les jours fériés", same)
    if exceptions:
        phrase += ", sauf " + join([periods[c].text() for c in exceptions if c is not None])
    return [phrase]


@library.per_zone_cache(maxsize=8)
def _public_holidays_between(first_year: int, last_year: int) -> frozenset[date]:
    days = set()
    start, end = library.midnight(date(first_year, 1, 1)), library.midnight(date(last_year + 1, 1, 1))
    for begin, finish, state, _comment in library.intervals(library.compile_hours("PH"), start, end):
        if state == State.OPEN:
            day = begin.date()
            while day < finish.date() or (day == finish.date() and finish.time() != time()):
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)


@library.per_zone_cache(maxsize=512)
def _describe_structured(text: str) -> tuple[str, tuple[Rule, ...]] | None:
    """The description of ``text`` and the rules it was written from, or None (outside the subset)."""
    candidates = [text]
    normalized = str(library.compile_hours(text).normalize())
    if normalized != text:
        candidates.append(normalized)
    for candidate in candidates:
        rules = checked_rules(candidate, text)
        if rules is None:
            continue
        try:
            return _describe_rules(rules), rules
        except Unsupported as exc:
            logger.debug("Opening hours %r not described from rules: %s", candidate, exc)
    return None


def print_problem(value: str) -> str | None:
    """Why ``value`` would print badly (the raw string, or only this week as « semaine du … »), in French
    with what to do; None when it prints as sentences (or is empty).  The print check list refuses to
    generate an edition while a fiche has such hours."""
    text = (value or "").strip()
    if not text:
        return None
    if validate(text):
        return "Les horaires ne sont pas compris : la chaîne brute serait imprimée. Corrigez-les."
    if is_described(text):
        return None
    return (
        "Horaires trop particuliers : seule la semaine en cours serait imprimée (« semaine du … »), fausse "
        "le reste de l'année. Réécrivez-les (par exemple « We[1,3] 14:00-17:00 » pour le 1er et le 3e "
        "mercredi du mois) ou mettez le détail dans « Précisions sur les horaires »."
    )


def is_described(value: str) -> bool:
    """True when ``value`` (valid) is described as rules, not as the current week (« semaine du … »)."""
    text = (value or "").strip()
    try:
        return not text or (not complexity_problem(text) and _describe_structured(text) is not None)
    except ParserError:
        return False


def _sampled_week(oh: OpeningHours, monday: date) -> list[Day]:
    """The week starting ``monday`` as the library sees it; spans are attached to the day they start."""
    pieces: list[list[Piece]] = [[] for _ in range(7)]
    start, end = library.midnight(monday - timedelta(days=1)), library.midnight(monday + timedelta(days=8))
    for begin, finish, state, comment in library.intervals(oh, start, end):
        if state == State.CLOSED:
            continue
        kind = OPEN if state == State.OPEN else UNKNOWN
        current = begin
        while current < finish:
            day = current.date()
            next_midnight = library.midnight(day + timedelta(days=1))
            overnight = current > library.midnight(day) and next_midnight < finish <= library.midnight(
                day + timedelta(days=2)
            )
            piece_end = finish if overnight or finish <= next_midnight else next_midnight
            index = (day - monday).days
            if 0 <= index < 7:
                minutes = current.hour * 60 + current.minute
                pieces[index].append(Piece(minutes, minutes_from(piece_end, day), kind, comment))
            current = piece_end
    return [Day(tuple(sorted(day))) for day in pieces]


def _describe_week(oh: OpeningHours, now: datetime | None) -> str:
    today = library.local(now).date()
    monday = today - timedelta(days=today.weekday())
    phrases = _week_phrases(_sampled_week(oh, monday), None)
    return f"semaine du {date_fr(monday)} {monday.year} : {' ; '.join(phrases) or 'fermé'}"


def describe(value: str, *, now: datetime | None = None) -> str:
    """The opening hours in plain French; "" for an empty string; ValueError for an invalid one.

    « Mo-Fr 09:00-12:00,14:00-17:00; PH off » → « du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ;
    fermé les jours fériés ».  Strings outside the common subset are described as the current week
    (« semaine du 7 juillet 2025 : … »); ``now`` chooses that week (default: today, in Paris).
    """
    text = (value or "").strip()
    if not text:
        return ""
    problem = complexity_problem(text)
    if problem:
        raise ValueError(problem)  # stored before the limits existed: never worth minutes of work
    try:
        oh = library.compile_hours(text)
    except ParserError as exc:
        raise ValueError(explain(text, str(exc))) from exc
    structured = _describe_structured(text)
    if structured is not None:
        description, rules = structured
        upcoming = next_dates(rules, library.local(now).date())
        return f"{description} ; {upcoming}" if upcoming else description
    return _describe_week(oh, now)


def describe_safe(value: str | None) -> str:
    """Like :func:`describe` but never raises: "" for no hours, the raw string when not describable."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    if not value.strip():
        return ""
    try:
        return describe(value)
    except ValueError:
        return value
    except Exception:
        logger.exception("Could not describe opening hours %r", value)
        return value
