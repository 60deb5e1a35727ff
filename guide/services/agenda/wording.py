"""How an agenda date or series is said: plain French, or the reader's language on a translated page."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_time, get_day_names
from translationstring import TranslationStringFactory

from ...hours import language as hours_language
from ...hours.wording import MONTH_LABELS
from ...models import Event
from .series import Frequency, local, monthly_position, parse_rrule

_ = TranslationStringFactory("guide")

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ORDINALS_FR = {1: "1er", 2: "2e", 3: "3e", 4: "4e", -1: "dernier"}


def describe(event: Event) -> str:
    """When, in plain French: « tous les mardis de 14 h à 16 h jusqu'au 30 juin 2027 », « le 3 décembre
    2026 de 9 h 30 à 12 h »; in the reader's language on a translated public page
    (:mod:`guide.hours.language`, set by the request: « every Tuesday from 14:00 to 16:00… »)."""
    if hours_language.reader() is not None:
        return _describe_in_language(event)
    start, end = local(event.starts_at), local(event.ends_at)
    times = f"de {_time_fr(start)} à {_time_fr(end)}"
    if end.date() != start.date():
        times = f"du {date_fr(start.date())} {_time_fr(start)} au {date_fr(end.date())} {_time_fr(end)}"
    recurrence = parse_rrule(event.rrule)
    if recurrence is None:
        if end.date() != start.date():
            return times
        return f"le {WEEKDAYS_FR[start.weekday()]} {date_fr(start.date())} {times}"
    weekday = WEEKDAYS_FR[start.weekday()]
    if recurrence.frequency == Frequency.WEEKLY:
        what = f"tous les {weekday}s"
    elif recurrence.frequency == Frequency.BIWEEKLY:
        what = f"un {weekday} sur deux"
    else:
        position = monthly_position(start.date())
        what = f"le {ORDINALS_FR[position]} {weekday} du mois"
    if end.date() != start.date():
        times = f"de {_time_fr(start)} à {_time_fr(end)} le lendemain"
    text = f"{what} {times}, à partir du {date_fr(start.date())}"
    if recurrence.count is not None:
        text += f", {recurrence.count} fois"
    elif recurrence.until is not None:
        text += f", jusqu'au {date_fr(recurrence.until)}"
    return text


# The sentence of :func:`describe` in the catalogue's languages: one message per pattern, so that each
# language orders its words (its weekday names, dates and times are Babel's, 24-hour).
_SERIES = {
    Frequency.WEEKLY: _("chaque ${weekday}"),
    Frequency.BIWEEKLY: _("un ${weekday} sur deux"),
}
_MONTHLY = {
    1: _("le premier ${weekday} du mois"),
    2: _("le deuxième ${weekday} du mois"),
    3: _("le troisième ${weekday} du mois"),
    4: _("le quatrième ${weekday} du mois"),
    -1: _("le dernier ${weekday} du mois"),
}


def _describe_in_language(event: Event) -> str:
    current = hours_language.reader()
    assert current is not None
    say = hours_language.say

    def day(value: dt.date) -> str:
        return format_date(value, "d MMMM y", locale=current.locale)

    def time(value: dt.datetime) -> str:
        return format_time(value, "HH:mm", locale=current.locale)

    start, end = local(event.starts_at), local(event.ends_at)
    weekday = get_day_names("wide", locale=current.locale)[start.weekday()]
    times = say(_("de ${start} à ${end}"), start=time(start), end=time(end))
    recurrence = parse_rrule(event.rrule)
    if recurrence is None:
        if end.date() != start.date():
            return say(
                _("du ${start_date} ${start} au ${end_date} ${end}"),
                start_date=day(start.date()),
                start=time(start),
                end_date=day(end.date()),
                end=time(end),
            )
        return say(_("le ${weekday} ${date} ${times}"), weekday=weekday, date=day(start.date()), times=times)
    if recurrence.frequency in _SERIES:
        what = say(_SERIES[recurrence.frequency], weekday=weekday)
    else:
        what = say(_MONTHLY[monthly_position(start.date())], weekday=weekday)
    if end.date() != start.date():
        times = say(_("de ${start} à ${end} le lendemain"), start=time(start), end=time(end))
    text = say(_("${what} ${times}, à partir du ${date}"), what=what, times=times, date=day(start.date()))
    if recurrence.count is not None:
        text += ", " + hours_language.ngettext("${count} fois", "${count} fois", recurrence.count)
    elif recurrence.until is not None:
        text += ", " + say(_("jusqu'au ${date}"), date=day(recurrence.until))
    return text


# Babel's French month names (no hand-written table)
MONTHS_FR = MONTH_LABELS


def date_fr(day: dt.date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"


def _time_fr(moment: dt.datetime) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"
