"""The agenda's iCalendar feeds, parsed back with ``icalendar``: every feed, its events, their zone, their
series, stable UIDs, and a cache-friendly answer."""

from __future__ import annotations

import datetime as dt

import icalendar

from guide import hours
from guide.models import State

from .agenda_helpers import local_start, make_event, tomorrow


def _parse(response):
    assert response.content_type == "text/calendar"
    assert response.charset == "utf-8"
    return icalendar.Calendar.from_ical(response.body)


def _events(cal):
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def _world_events(db, world):
    day = tomorrow()
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    series = make_event(
        db,
        world.orgs["a"],
        "Atelier hebdomadaire",
        local_start(day, 14),
        rrule=f"FREQ=WEEKLY;BYDAY={weekday};UNTIL={day + dt.timedelta(days=60):%Y%m%d}T235959",
        cancelled=((day + dt.timedelta(days=14)).isoformat(),),
        thematiques=("acces-aux-droits",),
        lieu=world.lieux["a"],
    )
    single = make_event(
        db, world.orgs["b"], "Dépistage", local_start(day, 9), thematiques=("sante",), lieu=world.lieux["b"]
    )
    online = make_event(db, world.orgs["b"], "Webinaire santé", local_start(day, 18), thematiques=("sante",))
    online.en_ligne = True
    make_event(db, world.orgs["a"], "Brouillon", local_start(day, 10), state=State.DRAFT)
    make_event(
        db,
        world.orgs["a"],
        "Passé",
        hours.local(dt.datetime.now()).astimezone(dt.UTC) - dt.timedelta(days=2),
    )
    db.flush()
    return series, single, online


def test_every_feed_lists_its_public_events_with_zone_series_and_stable_uids(testapp, world, db):
    series, single, _online = _world_events(db, world)
    feeds = {
        "/agenda.ics": {"Atelier hebdomadaire", "Dépistage", "Webinaire santé"},
        "/agenda/thematique/sante.ics": {"Dépistage", "Webinaire santé"},
        "/agenda/thematique/acces-aux-droits.ics": {"Atelier hebdomadaire"},
        "/agenda/quartier/quartier-test.ics": {"Atelier hebdomadaire", "Dépistage"},
        "/agenda/structure/beta.ics": {"Dépistage", "Webinaire santé"},
        "/agenda/structure/gamma.ics": set(),
        f"/agenda/rendez-vous/{series.id}.ics": {"Atelier hebdomadaire"},
    }
    uids = {}
    for path, titles in feeds.items():
        cal = _parse(testapp.get(path))
        assert str(cal["VERSION"]) == "2.0"
        events = _events(cal)
        assert set(events) == titles, path
        assert len(cal.walk("VEVENT")) == len(titles)
        if titles:
            assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
        for title, event in events.items():
            start = event.decoded("DTSTART")
            assert event["DTSTART"].params["TZID"] == "Europe/Paris"
            assert start.tzinfo is not None and start.utcoffset() == hours.local(start).utcoffset()
            assert event.decoded("DTEND") > start
            assert event.decoded("DTSTAMP")
            assert str(event["URL"]).startswith("http://localhost/agenda/rendez-vous/")
            uids.setdefault(title, set()).add(str(event["UID"]))
    assert all(len(found) == 1 for found in uids.values()), uids  # the same UID in every feed
    assert uids["Dépistage"] == {f"agenda-{single.id}@localhost"}

    event = _events(_parse(testapp.get("/agenda.ics")))["Atelier hebdomadaire"]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (14, 0)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    until = rule["UNTIL"][0]
    assert until.tzinfo is not None and until.utcoffset() == dt.timedelta(0)  # UTC beside a TZID start
    exdates = [
        d.dt
        for prop in ([event["EXDATE"]] if not isinstance(event["EXDATE"], list) else event["EXDATE"])
        for d in prop.dts
    ]
    assert [(d.date(), d.hour) for d in exdates] == [(tomorrow() + dt.timedelta(days=14), 14)]
    assert "Accès aux droits" in [str(c) for c in event["CATEGORIES"].cats]
    assert "Lieu Association Alpha" in str(event["LOCATION"])
    assert "En ligne" in str(_events(_parse(testapp.get("/agenda.ics")))["Webinaire santé"]["LOCATION"])


def test_a_feed_is_cache_friendly_and_an_event_file_is_a_download(testapp, world, db):
    series, _single, _online = _world_events(db, world)
    first = testapp.get("/agenda.ics")
    assert "public" in first.headers["Cache-Control"] and "max-age" in first.headers["Cache-Control"]
    assert first.headers["Content-Disposition"].startswith("inline")
    etag = first.headers["ETag"]
    assert testapp.get("/agenda.ics").body == first.body  # unchanged events: the same bytes
    testapp.get("/agenda.ics", headers={"If-None-Match": etag}, status=304)
    one = testapp.get(f"/agenda/rendez-vous/{series.id}.ics")
    assert one.headers["Content-Disposition"].startswith("attachment")
    series.titre = "Atelier renommé"
    series.updated_at = dt.datetime.now(dt.UTC)
    db.flush()
    testapp.get("/agenda.ics", headers={"If-None-Match": etag}, status=200)
    assert "Atelier renommé" in _events(_parse(testapp.get("/agenda.ics")))
    series.state = State.ARCHIVED  # archived: gone from the feed at once (the process's feed cache follows)
    series.state_changed_at = dt.datetime.now(dt.UTC)
    db.flush()
    assert "Atelier renommé" not in _events(_parse(testapp.get("/agenda.ics")))
    testapp.get(f"/agenda/rendez-vous/{series.id}.ics", status=404)


def test_the_agenda_pages_link_their_feed(testapp, world, db):
    _world_events(db, world)
    for path, feed in (
        ("/agenda", "http://localhost/agenda.ics"),
        ("/agenda/quartier/quartier-test", "http://localhost/agenda/quartier/quartier-test.ics"),
        ("/agenda/structure/alpha", "http://localhost/agenda/structure/alpha.ics"),
    ):
        page = testapp.get(path)
        assert page.html.select_one(".agenda-subscribe a.btn")["href"] == feed
        assert page.html.select_one("link[rel=alternate][type='text/calendar']")["href"] == feed
