"""Open or closed now, for residents: « Ouvert maintenant — ferme à 17 h », « Aujourd'hui : 9 h – 12 h ».

Times are those of the guide's zone (:func:`guide.hours.library.timezone`); temporary closures
(« fermetures ») covering today win over the hours, and French public holidays are honoured.  Both
public functions never raise: one fiche whose hours the library chokes on must not break a page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from opening_hours import OpeningHours, ParserError, State

from . import language, library
from .language import _, say
from .wording import BY_APPOINTMENT, DAY_LABELS, capitalize, date_fr, shorten
from .wording import clock as french_clock

logger = logging.getLogger(__name__)

NO_HOURS = "Horaires non renseignés"


@dataclass(frozen=True)
class OpenStatus:
    """Whether a place is open now: ``is_open`` is None when unknown (no hours, « sur rendez-vous »…)."""

    is_open: bool | None
    label: str
    closure_message: str | None = None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _closure_ranges(closures: Iterable[Mapping[str, object]] | None) -> list[tuple[date, date, str]]:
    """Valid temporary closures as (first day, last day, message); malformed entries are ignored."""
    ranges = []
    for closure in closures or []:
        if not isinstance(closure, Mapping):
            continue
        first, last = _as_date(closure.get("debut")), _as_date(closure.get("fin"))
        if first is None or last is None or last < first:
            logger.debug("Ignoring malformed closure %r", closure)
            continue
        message = closure.get("message")
        ranges.append((first, last, message.strip() if isinstance(message, str) else ""))
    return ranges


def _closed_until(ranges: Sequence[tuple[date, date, str]], day: date) -> tuple[date, str] | None:
    """When ``day`` falls in a closure: its last day (following back-to-back closures) and message."""
    active = [closure for closure in ranges if closure[0] <= day <= closure[1]]
    if not active:
        return None
    last = max(closure[1] for closure in active)
    extended = True
    while extended:
        extended = False
        for first, end, _message in ranges:
            if first <= last + timedelta(days=1) and end > last:
                last, extended = end, True
    message = next((closure[2] for closure in active if closure[2]), "")
    return last, message


def _skip_closures(moment: datetime, ranges: Sequence[tuple[date, date, str]]) -> datetime:
    closed = _closed_until(ranges, moment.date())
    return moment if closed is None else library.midnight(closed[0] + timedelta(days=1))


def clock(moment: datetime) -> str:
    """« 9 h 30 » in French, « 09:30 » in the reader's language (guide.hours.language)."""
    return language.clock(moment, french_clock)


def _when(moment: datetime, now: datetime) -> str:
    """« aujourd'hui », « demain », « lundi » (within the week) or « le lundi 2 septembre »."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return say(_("aujourd'hui"))
    if days == 1:
        return say(_("demain"))
    name = language.day_name(moment.weekday(), DAY_LABELS)
    if 1 < days < 7:
        return name
    day = language.day_and_month(moment.date(), now.date(), date_fr)
    return say(_("le ${day} ${date}"), day=name, date=day)


def _covers_day(start: datetime, end: datetime, day: date) -> bool:
    return start <= library.midnight(day) and end >= library.midnight(day + timedelta(days=1))


UNAVAILABLE = "Horaires non disponibles"


def status(value: str, closures: list[dict] | None = None, now: datetime | None = None) -> OpenStatus:
    """Open or closed now, with a French label (« Ouvert maintenant — ferme à 17 h »).

    A temporary closure covering today wins over the hours.  French public holidays are honoured.
    ``now`` defaults to the current time; naive values are Paris time, aware ones are converted.

    Never raises: the search facet « ouvert maintenant » asks this of every fiche, and one fiche whose
    hours the library chokes on must not break the page for everybody.  Such a fiche is logged and
    shown as « Horaires non disponibles » (unknown).
    """
    try:
        return _status(value, closures, now)
    except Exception:
        logger.exception("Could not compute the open status of %s at %s", shorten(repr(value), 200), now)
        return OpenStatus(None, say(_("Horaires non disponibles")))


def _status(value: str, closures: list[dict] | None, now: datetime | None) -> OpenStatus:
    now = library.local(now)
    ranges = _closure_ranges(closures)
    closed = _closed_until(ranges, now.date())
    if closed is not None:
        last, message = closed
        until = language.day_and_month(last, now.date(), date_fr)
        return OpenStatus(
            False, say(_("Fermeture exceptionnelle jusqu'au ${date}"), date=until), message or None
        )
    text = (value or "").strip()
    if not text:
        return OpenStatus(None, say(_("Horaires non renseignés")))
    try:
        oh = library.compile_hours(text)
    except ParserError:
        return OpenStatus(None, say(_("Horaires non renseignés")))
    state, comment = oh.state(library.existing(now))
    if state == State.CLOSED and BY_APPOINTMENT.search(comment):
        return OpenStatus(None, capitalize(comment))  # « off "sur rendez-vous" »: closed to walk-ins only
    if state == State.UNKNOWN:
        return OpenStatus(None, capitalize(comment) if comment else say(_("Horaires à confirmer")))
    if state == State.OPEN:
        return _open_status(oh, now, comment, ranges)
    return _closed_status(oh, now, ranges)


def _open_status(
    oh: OpeningHours, now: datetime, comment: str, ranges: Sequence[tuple[date, date, str]]
) -> OpenStatus:
    today = now.date()
    tomorrow = library.midnight(today + timedelta(days=1))
    for start, end, state, _comment in library.intervals(oh, library.midnight(today), tomorrow):
        if state == State.OPEN and start <= now < end and comment and _covers_day(start, end, today):
            return OpenStatus(None, capitalize(comment))  # « "sur rendez-vous" » is not « open all day »
    closing = next(
        (
            start
            for start, _end, state, _comment in library.intervals(oh, now, now + timedelta(days=8))
            if state != State.OPEN
        ),
        None,
    )
    upcoming = [first for first, _last, _message in ranges if first > today]
    if upcoming:
        closure_start = library.midnight(min(upcoming))
        closing = closure_start if closing is None else min(closing, closure_start)
    label = say(_("Ouvert maintenant")) + (f" ({comment})" if comment else "")
    if closing is None:
        return OpenStatus(True, say(_("${label} — 24 h/24"), label=label))
    if closing == tomorrow:
        return OpenStatus(True, say(_("${label} — ferme à minuit"), label=label))
    if closing.date() == today:
        return OpenStatus(True, say(_("${label} — ferme à ${time}"), label=label, time=clock(closing)))
    return OpenStatus(
        True,
        say(
            _("${label} — ferme ${when} à ${time}"),
            label=label,
            when=_when(closing, now),
            time=clock(closing),
        ),
    )


def _closed_status(oh: OpeningHours, now: datetime, ranges: Sequence[tuple[date, date, str]]) -> OpenStatus:
    label = say(_("Fermé (jour férié)")) if library.is_public_holiday(now.date()) else say(_("Fermé"))
    for start, end, state, comment in library.intervals(oh, now, now + timedelta(days=366)):
        if state != State.OPEN:
            continue
        opening = _skip_closures(max(start, now), ranges)
        if opening >= end:
            continue
        if (
            comment
            and opening == library.midnight(opening.date())
            and _covers_day(opening, end, opening.date())
        ):
            return OpenStatus(
                False,
                say(
                    _("${label} — ${when} : ${comment}"),
                    label=label,
                    when=_when(opening, now),
                    comment=comment,
                ),
            )
        return OpenStatus(
            False,
            say(
                _("${label} — ouvre ${when} à ${time}"),
                label=label,
                when=_when(opening, now),
                time=clock(opening),
            ),
        )
    return OpenStatus(False, label)


def today_hours(value: str, now: datetime | None = None, closures: list[dict] | None = None) -> str:
    """« Aujourd'hui : 9 h – 12 h, 14 h – 17 h », « Aujourd'hui : fermé »; "" when there are no hours.

    Never raises (see :func:`status`): "" when the hours cannot be computed, after logging why.
    """
    try:
        return _today_hours(value, now, closures)
    except Exception:
        logger.exception("Could not compute today's hours of %s at %s", shorten(repr(value), 200), now)
        return ""


def _today_hours(value: str, now: datetime | None, closures: list[dict] | None) -> str:
    now = library.local(now)
    today = now.date()
    if _closed_until(_closure_ranges(closures), today) is not None:
        return say(_("Aujourd'hui : fermeture exceptionnelle"))
    text = (value or "").strip()
    if not text:
        return ""
    try:
        oh = library.compile_hours(text)
    except ParserError:
        return ""
    day_start, next_day = library.midnight(today), library.midnight(today + timedelta(days=1))
    day_after = library.midnight(today + timedelta(days=2))
    parts = []
    by_appointment = ""
    for start, end, state, comment in library.intervals(
        oh, library.midnight(today - timedelta(days=1)), day_after
    ):
        if end <= day_start or start >= next_day:
            continue
        if state == State.CLOSED:
            if _covers_day(start, end, today) and BY_APPOINTMENT.search(comment):
                by_appointment = comment
            continue
        note = comment or (say(_("à confirmer")) if state == State.UNKNOWN else "")
        if _covers_day(start, end, today):
            if comment:
                return say(_("Aujourd'hui : ${hours}"), hours=comment)
            return say(_("Aujourd'hui : 24 h/24")) + (f" ({note})" if note else "")
        if start < day_start:
            continue  # the end of yesterday evening's opening
        if end >= day_after:
            span = say(_("à partir de ${time}"), time=clock(start))
        else:
            until = say(_("minuit")) if end == next_day else clock(end)  # not in the f-string: Babel sees it
            span = f"{clock(start)} – {until}"
        parts.append(f"{span} ({note})" if note else span)
    if not parts and by_appointment:
        return say(_("Aujourd'hui : ${hours}"), hours=by_appointment)
    if parts:
        return say(_("Aujourd'hui : ${hours}"), hours=", ".join(parts))
    return say(_("Aujourd'hui : fermé"))
