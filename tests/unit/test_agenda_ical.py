"""iCalendar of events without a database: wall time across daylight saving, UNTIL in UTC, EXDATE at the
series' local time, UID from the site's host; read back by ``icalendar`` and expanded by dateutil as a
calendar application would."""

from __future__ import annotations

import datetime as dt

import icalendar
from dateutil import rrule

from guide import hours
from guide.models import Event, Organisation
from guide.services import agenda, agenda_ical
from guide.services.agenda_public import location_text, monday_of, time_label, week_window


def _event(**kw):
    start = hours.local(dt.datetime(2027, 3, 16, 14, 0)).astimezone(dt.UTC)  # a Tuesday, winter time
    values = {
        "id": 7,
        "titre": "Atelier du mardi",
        "organisation": Organisation(nom="Centre social", slug="centre-social"),
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270427T235959",
        "cancelled": ["2027-04-06"],  # summer time by then
        "description": "",
        "adresse": "12 rue de la Paix, Clermont-Ferrand",
        "en_ligne": False,
        "gratuit": True,
        "tarif": "",
        "inscription_modalites": "",
        "created_at": dt.datetime(2027, 1, 5, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2027, 1, 6, tzinfo=dt.UTC),
    }
    values.update(kw)
    event = Event(**values)
    event.thematiques = []
    event.last_ends_at = agenda.last_end(event)
    return event


def test_series_across_daylight_saving_keeps_its_wall_time():
    event = _event()
    data = agenda_ical.calendar(
        [event], name="Agenda", url_for=lambda e: f"https://guide.example/agenda/rendez-vous/{e.id}",
        site_url="https://guide.example",
    )  # fmt: skip
    cal = icalendar.Calendar.from_ical(data)
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == "agenda-7@guide.example"
    start = vevent.decoded("DTSTART")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    until = vevent["RRULE"]["UNTIL"][0]
    assert until == dt.datetime(2027, 4, 27, 21, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Paris, summer time
    exdate = vevent["EXDATE"].dts[0].dt
    assert exdate.tzinfo is not None and (exdate.date(), exdate.hour) == (dt.date(2027, 4, 6), 14)
    # expanded as an application would: every Tuesday at 14:00 local time, summer or winter, 6 April left out
    rule = rrule.rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=start)
    dates = [d for d in rule if d != exdate]
    assert [d.date().isoformat() for d in dates] == [
        "2027-03-16", "2027-03-23", "2027-03-30", "2027-04-13", "2027-04-20", "2027-04-27",
    ]  # fmt: skip
    assert {hours.local(d).hour for d in dates} == {14}
    assert {hours.local(d).utcoffset() for d in dates} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(vevent["LOCATION"]) == "12 rue de la Paix, Clermont-Ferrand"
    assert agenda_ical.calendar(
        [event], name="A", url_for=lambda e: "u", site_url="https://x"
    ) == agenda_ical.calendar(
        [event], name="A", url_for=lambda e: "u", site_url="https://x"
    )  # the same events, the same bytes (ETag)


def test_words_and_weeks():
    assert time_label(hours.local(dt.datetime(2027, 1, 5, 9, 30))) == "9 h 30"
    assert time_label(hours.local(dt.datetime(2027, 7, 5, 14, 0)).astimezone(dt.UTC)) == "14 h"
    assert monday_of(dt.date(2027, 3, 28)) == dt.date(2027, 3, 22)
    start, end = week_window(dt.date(2027, 3, 22))  # the week the clocks go forward: 167 hours
    assert end - start == dt.timedelta(hours=167)
    assert hours.local(start).hour == 0 and hours.local(end).hour == 0
    assert location_text(_event(en_ligne=True)) == "12 rue de la Paix, Clermont-Ferrand — En ligne"
