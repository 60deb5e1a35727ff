"""The language the hours are told in: French unless a request set another one.

« Ouvert maintenant — ferme à 17 h » is computed deep inside the search results, the fiche page, the widget
and the API, far from the request; rather than hand a locale down every call, the request sets it here for
its own context (:func:`use`, called by :mod:`guide.i18n` at the start of each request; a ``ContextVar`` is
per thread and per task, so two requests in two languages never see each other's) and the phrases read it.
Outside a request (the print worker, the tests of the French wording) the phrases are the French source.

Phrases are message ids of the guide's catalogue (``_("Ouvert maintenant — ferme à ${time}")``), extracted by
``make messages``; day and month names, dates and times come from Babel in the reader's locale (24-hour).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_date, format_time, get_day_names
from translationstring import TranslationString, TranslationStringFactory

_ = TranslationStringFactory("guide")


@dataclass(frozen=True)
class Reader:
    locale: str  # Babel's name: « en », « fa_AF »
    translate: Callable[[TranslationString], str]
    # (singular, plural, n, mapping) → the language's plural form, filled
    pluralize: Callable[[str, str, int, dict[str, Any]], str] | None = None


_READER: contextvars.ContextVar[Reader | None] = contextvars.ContextVar("guide_hours_reader", default=None)


def use(
    locale: str,
    translate: Callable[[TranslationString], str],
    pluralize: Callable[[str, str, int, dict[str, Any]], str] | None = None,
) -> contextvars.Token[Reader | None]:
    """Tell the hours (and the other phrases of :mod:`guide`: the map's labels…) in ``locale`` from now on
    in this context (French: back to the source text)."""
    return _READER.set(None if locale.startswith("fr") else Reader(locale, translate, pluralize))


def reset(token: contextvars.Token[Reader | None]) -> None:
    _READER.reset(token)


def reader() -> Reader | None:
    """The reader's language, or None for French (the phrases' own language)."""
    return _READER.get()


def current_locale() -> str:
    """« fr », or the reader's locale: what a cache of phrases must be keyed by."""
    current = _READER.get()
    return "fr" if current is None else current.locale


def say(message: TranslationString, **mapping: Any) -> str:
    """``message`` in the reader's language with ``${name}``s filled."""
    message = TranslationString(message, mapping=mapping) if mapping else message
    current = _READER.get()
    if current is None:
        return message.interpolate()
    return current.translate(message)


def ngettext(singular: str, plural: str, n: int, **mapping: Any) -> str:
    """The plural form of the reader's language (``${count}`` is ``n``); French: « 0 fiche », « 1 fiche »,
    « 2 fiches ». Named so that ``make messages`` extracts both forms."""
    mapping = {"count": n, **mapping}
    current = _READER.get()
    if current is None or current.pluralize is None:
        return TranslationString(singular if n <= 1 else plural, mapping=mapping).interpolate()
    return current.pluralize(singular, plural, n, mapping)


def day_name(weekday: int, french: tuple[str, ...]) -> str:
    current = _READER.get()
    return french[weekday] if current is None else get_day_names("wide", locale=current.locale)[weekday]


def clock(moment: datetime, french: Callable[[datetime], str]) -> str:
    """« 9 h 30 » in French, « 09:30 » elsewhere (24-hour, Babel)."""
    current = _READER.get()
    return french(moment) if current is None else format_time(moment, "HH:mm", locale=current.locale)


def day_and_month(day: date, reference: date | None, french: Callable[[date, date | None], str]) -> str:
    current = _READER.get()
    if current is None:
        return french(day, reference)
    with_year = reference is not None and not 0 <= (day - reference).days < 300
    return format_date(day, "d MMMM y" if with_year else "d MMMM", locale=current.locale)


WEEK_LOOKAHEAD = 21  # days looked at to find each weekday outside a public holiday


def week(value: str, today: date | None = None) -> str | None:
    """The hours of a week in the reader's language, from the library's own reading of ``value``:
    « Monday: 09:00–12:00, 14:00–17:00; Tuesday: … » (each weekday as it comes next, a public holiday skipped
    for the same weekday a week later). None in French (:func:`guide.hours.describe` says it better, with
    its comments and exceptions) or when the hours cannot be read or never open in the coming weeks."""
    current = _READER.get()
    text = (value or "").strip()
    if current is None or not text:
        return None
    from opening_hours import State

    from . import library

    try:
        oh = library.compile_hours(text)
        first = today or library.today()
        seen: dict[int, list[str]] = {}
        days = [first + timedelta(days=offset) for offset in range(1, WEEK_LOOKAHEAD + 1)]
        # a public holiday only when that weekday has no other day in the coming weeks
        ordered = [d for d in days if not library.is_public_holiday(d)] + [
            d for d in days if library.is_public_holiday(d)
        ]
        for day in ordered:
            if day.weekday() in seen:
                continue
            start, stop = library.midnight(day), library.midnight(day + timedelta(days=1))
            spans = []
            for begin, end, state, _comment in library.intervals(oh, start, stop):
                if state != State.OPEN:
                    continue
                begin, end = max(begin, start), min(end, stop)
                closing = "24:00" if end >= stop else format_time(end, "HH:mm", locale=current.locale)
                spans.append(f"{format_time(begin, 'HH:mm', locale=current.locale)}–{closing}")
            seen[day.weekday()] = spans
    except Exception:  # noqa: BLE001 - never break a page for one fiche's hours (as guide.hours.status)
        return None
    names = get_day_names("wide", locale=current.locale)
    lines = [
        say(_("${day} : ${hours}"), day=names[weekday], hours=", ".join(seen[weekday]))
        for weekday in range(7)
        if seen.get(weekday)
    ]
    return "; ".join(lines) or None
