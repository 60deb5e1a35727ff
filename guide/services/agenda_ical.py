"""The agenda as iCalendar (RFC 5545), with the ``icalendar`` library: feeds to subscribe to (all, per
thématique, per quartier, per organisation) and one event « Ajouter à mon agenda ».

* One VEVENT per event: a series keeps its RRULE (its floating UNTIL turned into UTC, as RFC 5545 requires
  beside a DTSTART with a TZID) and its cancelled dates as EXDATE, so a calendar shows every date and
  follows the changes.
* DTSTART/DTEND in Europe/Paris wall time with their TZID and the VTIMEZONE the library builds from the
  zone database (``add_missing_timezones``).
* UID ``agenda-<id>@<site host>``: stable across edits and feeds, unique to this guide.
* DTSTAMP and LAST-MODIFIED are the event's last change, so that an unchanged feed is byte for byte the
  same (the views give it an ETag).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import icalendar

from .. import hours
from ..models import Event
from ..models.agenda import REGISTRATION_LABELS, Registration
from .agenda_public import location_text

PRODID = "-//Ville de Clermont-Ferrand//Guide du territoire//FR"
REFRESH = dt.timedelta(hours=6)


def uid_for(event: Event, site_url: str) -> str:
    host = urlsplit(site_url).hostname or "localhost"
    return f"agenda-{event.id}@{host}"


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(hours.timezone())


def _rrule(event: Event) -> icalendar.vRecur | None:
    if not event.rrule:
        return None
    recur = icalendar.vRecur.from_ical(event.rrule)
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if isinstance(value, dt.datetime) and value.tzinfo is None:  # floating local time: to UTC
            recur["UNTIL"] = [value.replace(tzinfo=hours.timezone()).astimezone(dt.UTC)]
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            end_of_day = dt.datetime.combine(value, dt.time(23, 59, 59), hours.timezone())
            recur["UNTIL"] = [end_of_day.astimezone(dt.UTC)]
    return recur


def _exdates(event: Event) -> list[dt.datetime]:
    """The cancelled occurrences, at the series' wall-clock start time on each cancelled date."""
    start = _local(event.starts_at)
    out = []
    for text in sorted(set(event.cancelled or ())):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            continue
        out.append(hours.local(dt.datetime.combine(day, start.time())))
    return out


def _description(event: Event, url: str) -> str:
    lines = [event.description.strip()] if event.description.strip() else []
    registration = REGISTRATION_LABELS.get(event.inscription, "")
    if event.inscription != Registration.NONE:
        details = f" : {event.inscription_modalites}" if event.inscription_modalites else ""
        lines.append(f"{registration}{details}")
    if not event.gratuit:
        lines.append(f"Payant{' : ' + event.tarif if event.tarif else ''}")
    else:
        lines.append("Gratuit")
    lines.append(f"Proposé par {event.organisation.nom}")
    lines.append(url)
    return "\n\n".join(lines)


def vevent(event: Event, *, url: str, site_url: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", uid_for(event, site_url))
    component.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    component.add("created", event.created_at.astimezone(dt.UTC))
    component.add("last-modified", event.updated_at.astimezone(dt.UTC))
    component.add("summary", event.titre)
    component.add("dtstart", _local(event.starts_at))
    component.add("dtend", _local(event.ends_at))
    recur = _rrule(event)
    if recur is not None:
        component.add("rrule", recur)
        exdates = _exdates(event)
        if exdates:
            component.add("exdate", exdates)
    location = location_text(event)
    if location:
        component.add("location", location)
    lieu = event.lieu
    if lieu is not None and lieu.latitude is not None and lieu.longitude is not None:
        component.add("geo", (lieu.latitude, lieu.longitude))
    categories = [event.kind_label, *(t.label for t in event.thematiques)]
    component.add("categories", categories)
    component.add("description", _description(event, url))
    component.add("url", url)
    component.add("status", "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


def calendar(
    events: Iterable[Event],
    *,
    name: str,
    url_for: Callable[[Event], str],
    site_url: str,
    description: str = "",
) -> bytes:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONE its dates need."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("x-wr-timezone", hours.timezone().key)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    events = list(events)
    for event in events:
        cal.add_component(vevent(event, url=url_for(event), site_url=site_url))
    # The zone's rules over the years the events span (a year either side), not since 1970.
    today = hours.today()
    first = min([today, *(_local(e.starts_at).date() for e in events)]) - dt.timedelta(days=366)
    last = max([today, *(_local(e.last_ends_at).date() for e in events)]) + dt.timedelta(days=366)
    cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()
