"""The agenda's read service on a real database (guide.services.agenda.upcoming_occurrences): published
events only, in time order across events and series, the guide's filters, and bounds an anonymous visitor
cannot push (a window of a year at most, a row limit)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from guide import hours
from guide.models import EventKind, State, Thematique, utcnow
from guide.services import agenda
from guide.services.agenda import EventInput, Recurrence


def _thematique(db, slug):
    return db.scalars(select(Thematique).where(Thematique.slug == slug)).one()


def _make(db, world, org, titre, day, *, state=State.PUBLISHED, thematique="acces-aux-droits", **kw):
    data = EventInput(
        titre=titre,
        kind=EventKind.ATELIER,
        day=day,
        start_time=kw.pop("start", dt.time(14)),
        end_time=kw.pop("end", dt.time(16)),
        thematique_ids=[_thematique(db, thematique).id],
        lieu_id=kw.pop("lieu_id", world.lieux[org].id),
        **kw,
    )
    event = agenda.save_event(db, world.orgs[org], data, world.users["coord"])
    if state != State.DRAFT:
        agenda.transition(db, event, "submit", world.users["coord"])
    if state == State.PUBLISHED:
        agenda.transition(db, event, "publish", world.users["coord"])
    return event


def test_published_occurrences_in_time_order_with_the_guides_filters(db, world):
    today = hours.today()
    weekly = _make(db, world, "a", "Permanence hebdo", today + dt.timedelta(days=1),
                   recurrence=Recurrence("weekly", count=3), publics=["familles"])  # fmt: skip
    single = _make(db, world, "b", "Dépistage", today + dt.timedelta(days=9), thematique="sante",
                   gratuit=False, tarif="5 €", start=dt.time(9))  # fmt: skip
    _make(db, world, "a", "Brouillon", today + dt.timedelta(days=2), state=State.DRAFT)
    _make(db, world, "a", "En attente", today + dt.timedelta(days=2), state=State.PENDING)
    db.flush()
    found = agenda.upcoming_occurrences(db, end=utcnow() + dt.timedelta(days=30))
    mine = [(o.event.titre, o.local_date) for o in found if o.event in (weekly, single)]
    assert mine == [
        ("Permanence hebdo", today + dt.timedelta(days=1)),
        ("Permanence hebdo", today + dt.timedelta(days=8)),
        ("Dépistage", today + dt.timedelta(days=9)),
        ("Permanence hebdo", today + dt.timedelta(days=15)),
    ]
    assert [o.start for o in found] == sorted(o.start for o in found)
    titles = {o.event.titre for o in found}
    assert "Brouillon" not in titles and "En attente" not in titles

    def titles_with(**filters):
        return {o.event.titre for o in agenda.upcoming_occurrences(db, **filters)} & {
            "Permanence hebdo",
            "Dépistage",
        }

    assert titles_with(thematique=_thematique(db, "sante").id) == {"Dépistage"}
    assert titles_with(organisation=world.orgs["a"].id) == {"Permanence hebdo"}
    assert titles_with(free=False) == {"Dépistage"}
    assert titles_with(free=True) == {"Permanence hebdo"}
    assert titles_with(public="familles") == {"Permanence hebdo"}
    quartier = world.lieux["a"].quartier_id
    assert titles_with(quartier=quartier) == {"Permanence hebdo", "Dépistage"}
    assert titles_with(quartier=quartier + 1000) == set()
    # a window that starts later leaves out what comes before it
    later = agenda.upcoming_occurrences(
        db, start=utcnow() + dt.timedelta(days=10), organisation=world.orgs["a"].id
    )
    assert [o.local_date for o in later] == [today + dt.timedelta(days=15)]


def test_bounds_a_visitor_cannot_push(db, world):
    today = hours.today()
    event = _make(db, world, "c", "Toute l'année", today + dt.timedelta(days=1),
                  recurrence=Recurrence("weekly", until=today + dt.timedelta(days=399)))  # fmt: skip
    assert agenda.occurrence_count(event) == 57
    far = agenda.upcoming_occurrences(
        db, end=utcnow() + dt.timedelta(days=3650), organisation=world.orgs["c"].id
    )
    assert far and far[-1].start <= utcnow() + agenda.MAX_WINDOW
    assert len(far) == 52 or len(far) == 53  # a year of Tuesdays, not the series' 57
    assert (
        len(agenda.upcoming_occurrences(db, limit=10**9, organisation=world.orgs["c"].id))
        <= agenda.MAX_OCCURRENCES
    )
    assert len(agenda.upcoming_occurrences(db, limit=5, organisation=world.orgs["c"].id)) == 5
    assert agenda.upcoming_occurrences(db, limit=-3) == []
    # a window in the past is empty: past occurrences are never returned
    assert agenda.upcoming_occurrences(db, start=utcnow() - dt.timedelta(days=400),
                                       end=utcnow() - dt.timedelta(days=1)) == []  # fmt: skip
    assert agenda.published_event(db, event.id) is event
    assert agenda.published_event(db, 10**9) is None


def test_the_demo_guide_has_a_month_of_events(demo_guide, db):
    month = agenda.upcoming_occurrences(db, end=utcnow() + dt.timedelta(days=31))
    titles = {o.event.titre for o in month}
    assert len(month) >= 12 and len(titles) >= 9
    assert all(o.start <= utcnow() + dt.timedelta(days=31) for o in month)
    week = next(o for o in month if o.event.titre == "Semaine de la parentalité au 25 Gisèle Halimi")
    assert (week.end - week.start).days == 4 and week.event.lieu.nom == "Le 25 Gisèle Halimi"
    series = next(o.event for o in month if o.event.titre.startswith("Café des parents"))
    assert series.rrule and len(series.cancelled) == 1
    assert series.cancelled[0] not in {o.local_date.isoformat() for o in month if o.event is series}
    assert any(o.event.adresse and o.event.lieu is None for o in month)  # a place that is no lieu
    pending = agenda.review_queue(db, None)
    assert [e.titre for e in pending] == ["Formation des parents bénévoles des crèches parentales"]
