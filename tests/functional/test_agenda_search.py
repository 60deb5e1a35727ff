"""Events in the public search: found by their words in an « Agenda » block of the results, with the filters
that apply to them; gone once published no more or over; the fiches' results and counts untouched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from guide.models import Event, State
from guide.models.meta import utcnow
from search_index.events import EventFilters, EventIndex

from .agenda_helpers import local_start, make_event, tomorrow


def test_index_finds_events_by_their_words_and_follows_publication(world, db):
    day = tomorrow()
    atelier = make_event(
        db,
        world.orgs["a"],
        "Atelier cuisine anti-gaspillage",
        local_start(day, 14),
        description="Recettes avec les invendus du marché.",
        thematiques=("sante",),
        lieu=world.lieux["a"],
    )
    make_event(db, world.orgs["b"], "Réunion logement", local_start(day, 10), state=State.DRAFT)
    index = EventIndex()
    assert index.search(db, "ateliers de cuisine") == [atelier.id]  # plural, stop words: the French analyzer
    assert index.search(db, "invendus") == [atelier.id]  # the description
    assert index.search(db, "Association Alpha") == [atelier.id]  # the organisation
    assert index.search(db, "logement") == []  # a draft
    assert index.search(db, "cuisine", EventFilters(thematique="acces-aux-droits")) == []
    assert index.search(db, "cuisine", EventFilters(thematique="sante", quartier="quartier-test")) == [
        atelier.id
    ]
    assert index.search(db, "cuisine", EventFilters(gratuit=True, public="jeunes")) == []
    rebuilds = index.rebuilds
    assert index.search(db, "cuisine") == [atelier.id]
    assert index.rebuilds == rebuilds  # nothing changed: no rebuild
    atelier.state = State.ARCHIVED
    atelier.state_changed_at = utcnow()
    db.flush()
    assert index.search(db, "cuisine") == []
    assert index.rebuilds == rebuilds + 1


def test_the_version_changes_with_every_rebuild_even_when_the_new_index_reuses_the_old_ones_address(
    world, db, monkeypatch
):
    """What is kept under the events' version (the API's answers) must not outlive a change of the events. A
    freed index's ``id()`` may be given to the next one (it was the version: an archived event stayed in the
    API's answer for the minute, once, on PostgreSQL): here every rebuild returns the very same object."""
    atelier = make_event(db, world.orgs["a"], "Atelier couture", local_start(tomorrow(), 14))
    index = EventIndex()
    same = index._build(db)
    monkeypatch.setattr(index, "_build", lambda db: same)
    first = index.version(db)
    assert index.version(db) == first  # nothing changed
    atelier.state, atelier.state_changed_at = State.ARCHIVED, utcnow()
    db.flush()
    assert index.current(db) is same  # the address of the index is the same…
    assert index.version(db) != first  # …its version is not


def test_an_event_over_leaves_the_results_at_query_time(world, db):
    start = utcnow() + dt.timedelta(hours=1)
    event = make_event(db, world.orgs["a"], "Permanence impôts", start, duration=dt.timedelta(hours=2))
    index = EventIndex()
    assert index.search(db, "impôts") == [event.id]
    assert index.search(db, "impôts", now=start + dt.timedelta(hours=3)) == []  # same index, later


def test_search_page_shows_an_agenda_block_above_the_fiches(testapp, world, db):
    day = tomorrow()
    make_event(
        db, world.orgs["a"], "Atelier droits des locataires", local_start(day, 14), lieu=world.lieux["a"]
    )
    page = testapp.get("/recherche", params={"q": "droits"})
    block = page.html.select_one(".search-events")
    assert block.select_one("h2").get_text(strip=True) == "Agenda"
    assert [a.get_text(strip=True) for a in block.select(".agenda-title a")] == [
        "Atelier droits des locataires"
    ]
    assert block.select_one("time")["datetime"].startswith(day.isoformat())
    fiches_total = page.html.select_one("#resultats").get_text(" ", strip=True)
    assert fiches_total.startswith("3 services")  # the three published fiches: events are not counted
    assert (
        testapp.get("/recherche", params={"q": "locataires", "ouvert": "1"}).html.select_one(".search-events")
        is None
    )
    assert testapp.get("/recherche", params={"q": "jardinage"}).html.select_one(".search-events") is None
    api = testapp.get("/api/v1/search", params={"q": "droits"}).json
    assert api["total"] == 3 and all(r["id"] for r in api["results"])  # the API's fiches unchanged
    assert [e["titre"] for e in api["evenements"]] == ["Atelier droits des locataires"]
    assert api["evenements"][0]["prochaine_date"]["debut"].startswith(f"{day.isoformat()}T14:00:00")
    assert testapp.get("/api/v1/search", params={"q": "droits", "page": "2"}).json["evenements"] == []
    # kept for the minute, but not past a change of the events: renamed, then archived, at once
    atelier = db.scalars(select(Event).where(Event.titre == "Atelier droits des locataires")).one()
    atelier.titre, atelier.updated_at = "Atelier droits des locataires (complet)", utcnow()
    db.flush()
    api = testapp.get("/api/v1/search", params={"q": "droits"}).json
    assert [e["titre"] for e in api["evenements"]] == ["Atelier droits des locataires (complet)"]
    atelier.state, atelier.state_changed_at = State.ARCHIVED, utcnow()
    db.flush()
    assert testapp.get("/api/v1/search", params={"q": "droits"}).json["evenements"] == []


def test_building_the_events_index_writes_nothing_in_the_shared_temporary_directory(world, db, tmp_path):
    """Two builds at once (threads, servers) deleted each other's files in ``<tmp>/MAIN.tmp``: a 500 seen on
    /api/v1/search. With the temporary directory a plain file, any use of it fails at once."""
    import tempfile

    make_event(db, world.orgs["a"], "Atelier couture", local_start(tomorrow(), 14))
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    saved = tempfile.tempdir
    tempfile.tempdir = str(not_a_directory)
    try:
        assert len(EventIndex().search(db, "couture")) == 1
    finally:
        tempfile.tempdir = saved


def test_the_stamp_is_read_at_most_every_poll_interval_and_at_once_after_this_process_changes_an_event(
    world, db
):
    """A server reads the events' stamp at most every ``search.poll_seconds`` (an aggregate query per
    search was a fifth of a cached search's time at 50,000 fiches); an event this process changes shows at
    once: its session is flagged at flush, the request's commit expires the stamp."""
    from types import SimpleNamespace

    from search_index import _EVENT_INDEXES, _after_commit, _flag_index_changes

    day = tomorrow()
    first = make_event(db, world.orgs["a"], "Atelier vélo", local_start(day, 14))
    second = make_event(db, world.orgs["b"], "Réparation de cadres", local_start(day, 10))
    index = EventIndex(stamp_seconds=3600)
    assert index.search(db, "vélo") == [first.id]
    second.titre = "Réparation de vélos"  # by another process: shown once the interval has passed
    second.updated_at = utcnow()
    db.flush()
    assert index.search(db, "vélo") == [first.id]

    class Service:
        pass

    service = Service()
    _EVENT_INDEXES[service] = index
    request = SimpleNamespace(registry={"search": service}, dbsession=db)
    second.description = "Apportez votre vélo."  # by this process
    second.updated_at = utcnow()
    _flag_index_changes(db, None)
    db.flush()
    _after_commit(True, request)
    assert set(index.search(db, "vélo")) == {first.id, second.id}
    assert "search_index.events_changed" not in db.info
