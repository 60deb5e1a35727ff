"""The search index follows the change log: after each commit, at start-up, after a crash, per process.

Also: ``guide-reindex``, the queries without results, and the coordinators' synonym pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import weakref
from types import SimpleNamespace

import pytest
from sqlalchemy import func, inspect, select

import search_index.service
from guide.models import Fiche, IndexChange, SearchMiss, Synonym, utcnow
from guide.services import fiches
from search_index import BoundSearch, SearchService, cli
from search_index.indexer import STATE_FILE, LogState

from .helpers import field_error, post


@pytest.fixture
def app_settings(app_settings):
    # No polling of the change log during these tests: only the after-commit hook (and start-up)
    # may bring changes to the application's index.
    return {**app_settings, "search.poll_seconds": "3600"}


def found(service, q, db):
    return {hit.fiche_id for hit in service.search(q, db=db, record_miss=False, per_page=100).hits}


def pointer(folder) -> int:
    return json.loads((folder / STATE_FILE).read_text())["last_id"]


# --- after each commit -------------------------------------------------------------------------------


def test_publishing_through_the_web_makes_the_fiche_searchable_after_the_request(testapp, login, world, db):
    service = testapp.app.registry["search"]
    fiche = world.fiches["pending_a"]
    assert fiche.id not in found(service, "Fiche pending a", db)  # first search: catches up with the world
    assert world.fiches["published_a"].id in found(service, "Fiche published a", db)
    login(world.users["coord"].email)
    post(testapp, f"/espace/fiches/{fiche.id}/etat/publish").follow()
    assert fiche.id in found(service, "Fiche pending a", db)
    assert pointer(service.folder.path) == db.scalar(select(func.max(IndexChange.id)))


def test_archiving_removes_the_fiche_from_the_index(testapp, login, world, db):
    service = testapp.app.registry["search"]
    fiche = world.fiches["published_b"]
    assert fiche.id in found(service, "Fiche published b", db)
    login(world.users["coord"].email)
    post(testapp, f"/espace/fiches/{fiche.id}/etat/archive", {"comment": "Fermé."}).follow()
    assert fiche.id not in found(service, "Fiche published b", db)
    assert fiche.id not in found(service, "", db)


def test_a_partners_working_copy_changes_nothing_until_it_is_published(testapp, login, world, db):
    service = testapp.app.registry["search"]
    fiche = world.fiches["published_a"]
    assert fiche.id in found(service, "Fiche published a", db)
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Nouveau titre zygomatique"
    form.submit("save").follow()
    db.expire_all()
    assert fiche.has_unpublished_changes
    assert fiche.id in found(service, "Fiche published a", db)
    assert found(service, "zygomatique", db) == set()
    login(world.users["coord"].email)
    post(testapp, f"/espace/fiches/{fiche.id}/etat/publish").follow()
    assert found(service, "zygomatique", db) == {fiche.id}
    assert fiche.id not in found(service, "Fiche published a", db)


def test_requests_that_change_no_fiche_do_not_touch_the_index(testapp, login, world, db, monkeypatch):
    service = testapp.app.registry["search"]
    calls = []
    monkeypatch.setattr(service, "catch_up", lambda db=None, timeout=0: calls.append(1))
    login(world.users["editor_a"].email)
    testapp.get("/espace")
    post(testapp, f"/espace/fiches/{world.fiches['published_a'].id}/confirmer").follow()
    assert calls == []
    post(testapp, f"/espace/fiches/{world.fiches['draft_a'].id}/etat/submit").follow()
    assert calls == []  # a draft submitted for review is not public: no change-log row
    login(world.users["coord"].email)
    post(testapp, f"/espace/fiches/{world.fiches['pending_b'].id}/etat/publish").follow()
    assert calls == [1]


# --- start-up, crashes and several processes ---------------------------------------------------------------


def test_a_process_that_starts_catches_up(db, world, session_factory, tmp_path):
    folder = tmp_path / "index"
    first = SearchService(folder, session_factory)
    first.reindex_all(db)
    fiche = world.fiches["pending_c"]
    fiches.transition(db, fiche, "publish", world.users["coord"])
    db.commit()
    # the process stops here: committed in the database, never applied to the index
    assert fiche.id not in {d["fiche_id"] for d in _documents(folder)}
    restarted = SearchService(folder, session_factory)
    assert fiche.id in found(restarted, "Fiche pending c", db)
    assert pointer(folder) == db.scalar(select(func.max(IndexChange.id)))


def test_a_crash_between_the_index_write_and_the_pointer_loses_nothing(
    db, world, session_factory, tmp_path, monkeypatch
):
    folder = tmp_path / "index"
    service = SearchService(folder, session_factory)
    service.reindex_all(db)
    before = pointer(folder)
    fiche = world.fiches["pending_a"]
    fiches.transition(db, fiche, "publish", world.users["coord"])
    db.commit()

    def crash(self, path):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(LogState, "write", crash)
        with pytest.raises(OSError):
            service.apply_changes(db)
    assert pointer(folder) == before  # the index was written, the pointer was not moved
    restarted = SearchService(folder, session_factory)
    assert found(restarted, "Fiche pending a", db) == {fiche.id}  # applied again, once
    assert [d["fiche_id"] for d in _documents(folder)].count(fiche.id) == 1
    assert pointer(folder) > before


def test_an_unreadable_index_is_rebuilt_at_start_up(db, world, session_factory, tmp_path):
    folder = tmp_path / "index"
    SearchService(folder, session_factory).reindex_all(db)
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not an index")
    restarted = SearchService(folder, session_factory)
    assert restarted.folder.needs_rebuild
    public = {f.id for f in world.fiches.values() if f.is_public}
    assert found(restarted, "", db) == public


def test_each_process_keeps_its_own_index(db, world, session_factory, tmp_path):
    one = SearchService(tmp_path / "one", session_factory)
    two = SearchService(tmp_path / "two", session_factory)
    one.reindex_all(db)
    two.reindex_all(db)
    fiche = world.fiches["published_c"]
    fiches.transition(db, fiche, "archive", world.users["coord"])
    db.commit()
    last = db.scalar(select(func.max(IndexChange.id)))
    assert one.apply_changes(db).deleted == 1
    assert pointer(one.folder.path) == last
    assert pointer(two.folder.path) < last
    assert fiche.id not in found(one, "", db)
    assert fiche.id in {d["fiche_id"] for d in _documents(two.folder.path)}
    two.catch_up()
    assert pointer(two.folder.path) == last
    assert fiche.id not in found(two, "", db)
    assert one.apply_changes(db).changes == 0  # nothing new: nothing done


def test_a_busy_index_does_not_block_searches(db, world, session_factory, tmp_path):
    from whoosh import index

    folder = tmp_path / "index"
    service = SearchService(folder, session_factory, poll_seconds=0)
    service.reindex_all(db)
    fiche = world.fiches["pending_b"]
    fiches.transition(db, fiche, "publish", world.users["coord"])
    db.commit()
    rebuilding = index.open_dir(str(folder)).writer()  # another process holds the writer lock
    try:
        started = time.perf_counter()
        assert fiche.id not in found(service, "Fiche pending b", db)  # the old index answers at once
        assert time.perf_counter() - started < 1.0
        assert service.catch_up(timeout=0) is None
    finally:
        rebuilding.cancel()
    assert fiche.id in found(service, "Fiche pending b", db)  # the next poll applies it


def test_a_change_log_id_committed_late_is_not_skipped(db, world, session_factory, tmp_path):
    """PostgreSQL hands out ids at insert time: a transaction may commit id 10 after id 11."""
    service = SearchService(tmp_path / "index", session_factory)
    service.reindex_all(db)
    early, late = world.fiches["pending_a"], world.fiches["pending_b"]
    fiches.transition(db, early, "publish", world.users["coord"])
    fiches.transition(db, late, "publish", world.users["coord"])
    db.flush()
    first_id, second_id = sorted(
        db.scalars(select(IndexChange.id).where(IndexChange.fiche_id.in_([early.id, late.id])))
    )
    # make it look as if the first row were still uncommitted when the second was applied
    row = db.get(IndexChange, first_id)
    db.delete(row)
    db.commit()
    service.apply_changes(db)
    state = LogState.read(service.folder.path)
    assert state.last_id == second_id and first_id in state.gaps
    db.add(IndexChange(id=first_id, fiche_id=early.id))
    db.commit()
    service.apply_changes(db)
    assert first_id not in LogState.read(service.folder.path).gaps
    assert {early.id, late.id} <= found(service, "", db)


@pytest.mark.parametrize("options", [[], ["--processus", "1"], ["--processus", "2"]])
def test_guide_reindex_rebuilds_from_scratch(db, world, tmp_path, monkeypatch, capsys, options):
    folder = tmp_path / "var" / "index"
    stale = SearchService(folder)
    stale.reindex_all(db)
    writer = stale.folder.index.writer()
    writer.add_document(id="999999", nom="Fantôme", payload=json.dumps({"fiche_id": 999999}))
    writer.commit()
    (folder / STATE_FILE).unlink()

    @contextlib.contextmanager
    def test_session(settings):
        yield db

    monkeypatch.setattr(cli, "load_settings", lambda uri: {"var_dir": str(tmp_path / "var")})
    monkeypatch.setattr(cli, "session_scope", test_session)
    assert cli.main(["test.ini", *options]) == 0
    output = capsys.readouterr().out
    public = [f for f in world.fiches.values() if f.is_public]
    assert f"Index de recherche reconstruit dans {folder} : {len(public)} fiches publiées en " in output
    assert sorted(d["fiche_id"] for d in _documents(folder)) == sorted(f.id for f in public)
    assert pointer(folder) == db.scalar(select(func.max(IndexChange.id)))


def test_guide_reindex_uses_a_process_per_core_two_at_most(monkeypatch):
    for cores, expected in ((None, 1), (1, 1), (2, 2), (16, 2)):
        monkeypatch.setattr(cli.os, "cpu_count", lambda cores=cores: cores)
        assert cli.default_processes() == expected


def _documents(folder):
    from whoosh import index

    with index.open_dir(str(folder)).searcher() as searcher:
        return [json.loads(fields["payload"]) for fields in searcher.all_stored_fields()]


# --- queries without results ----------------------------------------------------------------------------


def test_queries_without_results_are_recorded_without_personal_data(db, world, session_factory, tmp_path):
    service = SearchService(tmp_path / "index", session_factory)
    request = SimpleNamespace(dbsession=db)
    bound = BoundSearch(service, request)
    # no fiche has every word: the closest are shown (issue 9), and the query still counts as a miss
    assert bound.search("  Zorglub   du  Quartier ").partial
    bound.search("zorglub du quartier")
    bound.search("Fiche published a")  # found: not recorded
    bound.search("", thematique="sante")  # no text: not recorded
    bound.search("06 12 34 56 78")  # looks like a telephone number: not kept
    bound.search("prenom.nom@exemple.fr")  # an e-mail address: not kept
    assert db.scalars(select(SearchMiss)).all() == []  # counted in memory, not in the request's transaction
    assert service.misses.flush() == 2
    misses = db.scalars(select(SearchMiss)).all()
    assert [(m.query, m.day, m.count) for m in misses] == [("zorglub du quartier", utcnow().date(), 2)]
    columns = {c["name"] for c in inspect(db.get_bind()).get_columns("search_miss")}
    assert columns == {"id", "query", "day", "count"}  # the day only, nothing about who searched


def test_coordinators_see_the_most_frequent_queries_without_results(testapp, login, world, db):
    service = testapp.app.registry["search"]
    for q in ("zorglub", "Zorglub", "marsupilami", "zorglub"):
        service.search(q, db=db)
    service.misses.flush()
    login(world.users["coord"].email)
    page = testapp.get("/coordination/recherches-sans-resultat")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in _rows(page)]
    assert [row[:2] for row in rows] == [["zorglub", "3"], ["marsupilami", "1"]]
    login(world.users["owner_a"].email)
    assert testapp.get("/coordination/recherches-sans-resultat", expect_errors=True).status_int == 403


def _rows(page):
    from bs4 import BeautifulSoup

    return BeautifulSoup(page.text, "lxml").select("table.list tbody tr")


# --- synonyms ---------------------------------------------------------------------------------------


def test_a_coordinator_adds_a_synonym_and_the_next_search_uses_it(testapp, login, world, db):
    service = testapp.app.registry["search"]
    published = {f.id for f in world.fiches.values() if f.is_public}
    assert found(service, "zorglub", db) == set()
    login(world.users["coord"].email)
    form = testapp.get("/coordination/synonymes").forms["deform"]
    form["terms"] = "Zorglub ,  juriste, "
    page = form.submit("add").follow()
    assert "Synonymes ajoutés : Zorglub, juriste." in page.text
    own = Synonym.lexicon_key.is_(None)  # the migrated database also holds the shipped lexicon
    assert db.scalars(select(Synonym.terms).where(own)).all() == ["Zorglub, juriste"]
    assert found(service, "zorglub", db) == published  # « Une juriste vous reçoit… »
    synonym = db.scalar(select(Synonym).where(own))
    form = testapp.get(f"/coordination/synonymes/{synonym.id}").forms["deform"]
    form["terms"] = "zorglub, marsupilami"
    assert form.submit("save").status_int == 303  # back to the listing, as after the addition above
    assert found(service, "zorglub", db) == set()
    assert post(testapp, f"/coordination/synonymes/{synonym.id}/supprimer").status_int == 303
    assert db.scalar(select(func.count(Synonym.id)).where(own)) == 0


def test_synonym_form_errors_are_explained(testapp, login, world, db):
    db.add(Synonym(terms="ivg, interruption volontaire de grossesse"))
    db.commit()
    login(world.users["coord"].email)
    # the coordinator corrects in the form that came back (a page listing the whole lexicon, costly to load)
    page = testapp.get("/coordination/synonymes")
    for value, message in (
        ("avocat", "au moins deux expressions"),
        ("de la, avocat", "aucun mot"),
        ("IVG , Interruption volontaire de grossesse", "existe déjà"),
    ):
        form = page.forms["deform"]
        form["terms"] = value
        page = form.submit("add")
        assert page.status_int == 200
        assert message in field_error(page, "terms")
        assert page.forms["deform"]["terms"].value == value  # what was typed is kept
    assert db.scalar(select(func.count(Synonym.id)).where(Synonym.lexicon_key.is_(None))) == 1


def test_partners_cannot_manage_synonyms(testapp, login, world, db):
    synonym = Synonym(terms="ivg, interruption volontaire de grossesse")
    db.add(synonym)
    db.commit()
    login(world.users["owner_a"].email)
    assert testapp.get("/coordination/synonymes", expect_errors=True).status_int == 403
    assert testapp.get(f"/coordination/synonymes/{synonym.id}", expect_errors=True).status_int == 403
    response = post(testapp, f"/coordination/synonymes/{synonym.id}/supprimer", expect_errors=True)
    assert response.status_int == 403
    assert db.scalar(select(func.count(Synonym.id)).where(Synonym.lexicon_key.is_(None))) == 1
    testapp.reset()
    assert testapp.get("/coordination/synonymes", expect_errors=True).status_int in (302, 303, 403)


# --- the rebuild, streamed --------------------------------------------------------------------------------


def test_a_rebuild_reads_the_fiches_in_batches_and_indexes_every_public_one(
    db, world, session_factory, tmp_path, monkeypatch
):
    from search_index import indexer

    public = set(db.scalars(select(Fiche.id).where(Fiche.is_public)))
    assert len(public) >= 3
    streamed = [fiche.id for fiche in indexer.iter_public_fiches(db, batch=2)]
    assert streamed == sorted(public)  # each public fiche once, across batch boundaries
    monkeypatch.setattr(indexer, "BATCH", 2)
    service = SearchService(tmp_path / "index", session_factory)
    count, _seconds = service.reindex_all(db)
    assert count == len(public)
    assert {hit.fiche_id for hit in service.search("", db=db, record_miss=False, per_page=100).hits} == public
    # The caller's session is left as it was: its fiches are still attached and usable.
    assert world.fiches["published_a"] in db
    assert world.fiches["published_a"].published_version.nom


QUERIES = ("", "Fiche published a", "Fiche pending", "fiche", "zzz introuvable")


def _answers(service, db):
    return {
        q: [hit.fiche_id for hit in service.search(q, db=db, record_miss=False, per_page=100).hits]
        for q in QUERIES
    }


def test_guide_reindex_indexes_in_two_processes_and_the_index_then_follows_the_change_log(
    db, world, session_factory, tmp_path, monkeypatch
):
    from search_index import rebuild

    monkeypatch.setattr(rebuild, "PARALLEL_BATCH", 1)  # the few fiches of the world shared by both processes
    one = SearchService(tmp_path / "one", session_factory)
    two = SearchService(tmp_path / "two", session_factory)
    count, _seconds = one.reindex_all(db)
    assert two.reindex_all(db, procs=2)[0] == count
    assert len(list((tmp_path / "two").glob("*.pst"))) == 2  # a segment written by each process
    assert _answers(two, db) == _answers(one, db)
    assert _answers(two, db)["Fiche published a"][0] == world.fiches["published_a"].id
    # Afterwards, the index is updated from the change log as after any rebuild.
    published, archived = world.fiches["pending_a"], world.fiches["published_b"]
    fiches.transition(db, published, "publish", world.users["coord"])
    fiches.transition(db, archived, "archive", world.users["coord"])
    db.commit()
    for service in (one, two):
        report = service.apply_changes(db)
        assert (report.indexed, report.deleted) == (1, 1)
    assert published.id in found(two, "Fiche pending a", db)
    assert archived.id not in found(two, "", db)
    assert _answers(two, db) == _answers(one, db)


def test_a_parallel_rebuild_that_loses_a_process_is_done_again_in_one(
    db, world, session_factory, tmp_path, monkeypatch, caplog
):
    from search_index import rebuild

    def lost(task):  # an indexing process that dies without returning its segment
        while task.jobqueue.get() is not None:
            pass

    monkeypatch.setattr(rebuild._RebuildTask, "run", lost)
    service = SearchService(tmp_path / "index", session_factory)
    count, _seconds = service.reindex_all(db, procs=2)
    public = {f.id for f in world.fiches.values() if f.is_public}
    assert count == len(public)
    assert found(service, "", db) == public
    assert "rebuilding in one process" in caplog.text


# --- a long-running process --------------------------------------------------------------------------


def _open_files_under(folder) -> list[str]:
    """What this process's file descriptors point to inside ``folder`` (« … (deleted) » once unlinked)."""
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith(str(folder)):
                targets.append(target)
    return targets


def test_a_process_whose_index_keeps_changing_keeps_its_files_and_memory(
    db, world, session_factory, tmp_path, monkeypatch
):
    """A web process lives through thousands of index generations. Each used to leave its segment files open
    (mapped, in reference cycles frozen out of the garbage collector): after a few hundred fiche changes
    waitress's select() failed on descriptors past 1023, and the process had grown by tens of megabytes."""
    from whoosh.reading import SegmentReader

    readers = weakref.WeakSet()
    opened = SegmentReader.__init__

    def counted(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        readers.add(self)

    monkeypatch.setattr(SegmentReader, "__init__", counted)
    folder = tmp_path / "index"
    service = SearchService(folder, session_factory)
    service.reindex_all(db)
    fiche = world.fiches["published_b"]

    def new_generations(count):
        for _ in range(count):
            fiches.log_index_change(db, fiche)  # its document is written again: a new generation
            db.commit()
            assert service.apply_changes(db).changes == 1
            assert fiche.id in found(service, "Fiche published b", db)  # a search reads the new generation

    # between two collections: a replaced generation's files are closed with it
    monkeypatch.setattr(search_index.service, "RETIRED_GENERATIONS_BEFORE_COLLECT", 1000)
    new_generations(10)
    files = _open_files_under(folder)
    assert not [f for f in files if f.endswith("(deleted)")], files  # merged-away segments are closed
    assert len(files) <= len(list(folder.iterdir())), files
    # and what is left of the replaced generations in memory is collected every few generations
    monkeypatch.setattr(search_index.service, "RETIRED_GENERATIONS_BEFORE_COLLECT", 2)
    monkeypatch.setattr(search_index.service, "_retired_generations", 0)  # the process-wide count
    new_generations(7)  # three collections, then one generation retired since
    assert len(readers) <= 6, len(readers)  # ~3 a generation, all kept without the collections
