"""Issue 7, item 5: public search must not answer 500 under ordinary load on the default database.

Every search without results used to INSERT a row in the request's read transaction; with 8 clients SQLite
refused the upgrade to a write (« database is locked ») and the visitor got a 500. Misses are now counted in
memory and written in batches off the request; writing requests take SQLite's write lock when they begin, and
lock errors are retried (pyramid_retry). These tests run the app on its own SQLite file with real threads.

Also: two quartiers whose names give the same slug (« Saint Jacques Nord » / « Saint-Jacques-Nord ») were an
IntegrityError, hence a 500; a coordinator now gets a French message next to the name.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections import Counter
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import webtest
from alembic import command
from pyramid_retry import IRetryableError
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from guide import main
from guide.db import _mark_retryable, make_engine, make_session_factory, writing_session
from guide.models import Organisation, Quartier, SearchMiss, Synonym, Thematique
from guide.scripts.migrate import alembic_config, upgrade
from search_index import MissRecorder

from .. import databases, factories
from ..functional.helpers import field_error

THREADS = 8
SEARCHES = 12  # per thread


@pytest.fixture
def file_app(tmp_path, app_settings):
    """The app on its own SQLite file (migrated), as in production: a pool of connections, no shared
    test connection."""
    url = databases.migrated(
        f"sqlite:///{tmp_path / 'guide.sqlite'}"
    )  # a copy of the run's migrated template
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        factories.build_world(db)
        db.commit()
    settings = {k: v for k, v in app_settings.items() if k != "guide.session_factory"}
    settings.update(
        {
            "database_url": url,
            "var_dir": str(tmp_path / "var"),
            "ratelimit.search": "100000/minute",
            "search.poll_seconds": "1",
        }
    )
    app = main({}, **settings)
    yield app, engine
    app.registry["search"].misses.close()
    app.registry["dbsession_factory"].kw["bind"].dispose()
    engine.dispose()


def _client(app, n):
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": f"10.0.0.{n + 1}"})


def _login(client, email):
    form = client.get("/connexion").forms["deform"]
    form["email"] = email
    form["password"] = factories.PASSWORD
    return form.submit("login")


def test_eight_clients_searching_without_results_while_others_write_all_get_their_page(file_app):
    app, engine = file_app
    app_engine = app.registry["dbsession_factory"].kw["bind"]
    with make_session_factory(engine)() as db:
        synonyms_before = db.scalar(select(sa.func.count(Synonym.id)))  # the lexicon installed by migrations
    begins: Counter[str] = Counter()

    @event.listens_for(app_engine, "before_cursor_execute")
    def count_begins(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            begins[statement] += 1

    statuses: Counter[int] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def visitor(n: int) -> None:
        client = _client(app, n)
        try:
            writer = n < 2  # two coordinators save synonym groups meanwhile
            if writer:
                page = _login(client, "coord@test.fr")
                with lock:
                    statuses[page.status_int] += 1
            start.wait(timeout=120)
            for i in range(SEARCHES):
                path = "/recherche" if i % 2 else "/api/v1/search"
                page = client.get(path, params={"q": "violance"}, expect_errors=True)
                with lock:
                    statuses[page.status_int] += 1
                if writer and i % 4 == 0:
                    form = client.get("/coordination/synonymes").forms["deform"]
                    form["terms"] = f"zorglub{n}x{i}, marsupilami{n}x{i}"
                    page = form.submit("add", expect_errors=True)
                    with lock:
                        statuses[page.status_int] += 1
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            start.abort()  # the others do not wait for this one
            with lock:
                errors.append(f"{n}: {exc!r}"[:500])

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert set(statuses) <= {200, 303}, statuses
    assert statuses[200] >= THREADS * SEARCHES
    # the searches counted in memory are all written by the recorder's own transaction
    recorder = app.registry["search"].misses
    recorder.flush()
    with make_session_factory(engine)() as db:
        misses = db.execute(select(SearchMiss.query, SearchMiss.day, SearchMiss.count)).all()
        assert misses == [("violance", dt.datetime.now(dt.UTC).date(), THREADS * SEARCHES)]
        assert db.scalar(select(sa.func.count(Synonym.id))) == synonyms_before + 2 * 3
    assert begins["BEGIN IMMEDIATE"] >= 2 * 3  # each POST took the write lock when its transaction began


def test_a_search_never_writes_in_its_request_transaction(testapp, world, db):
    recorder = testapp.app.registry["search"].misses
    recorder.flush_seconds = 3600  # no flush due after the request
    page = testapp.get("/recherche", params={"q": "violance"})
    assert "Aucun service trouvé" in page.text
    assert db.scalars(select(SearchMiss)).all() == []  # nothing yet: in memory
    assert recorder.pending == 1
    assert recorder.flush() == 1
    assert [(m.query, m.count) for m in db.scalars(select(SearchMiss))] == [("violance", 1)]


def test_without_a_background_writer_the_counts_are_written_once_the_request_is_over(testapp, world, db):
    recorder = testapp.app.registry["search"].misses
    assert not recorder.background  # the tests' factory is bound to one connection
    recorder.flush_seconds = 0  # a flush is due after every request
    testapp.get("/api/v1/search", params={"q": "Violance  conjugale"})
    assert [(m.query, m.count) for m in db.scalars(select(SearchMiss))] == [("violance conjugale", 1)]
    assert recorder.pending == 0


def test_misses_are_counted_per_normalised_query_and_day(db, session_factory):
    recorder = MissRecorder(session_factory, background=False)
    monday = dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)
    for q in ("Violance", "  violance ", "VIOLANCE"):
        recorder.record(q, monday)
    recorder.record("violance", monday + dt.timedelta(hours=2))  # the next day
    assert not recorder.record("06 12 34 56 78", monday)  # looks like a telephone number
    assert not recorder.record("prenom.nom@exemple.fr", monday)
    assert recorder.flush() == 4
    recorder.record("violance", monday)
    assert recorder.flush() == 1  # added to the day's row
    rows = db.execute(
        select(SearchMiss.query, SearchMiss.day, SearchMiss.count).order_by(SearchMiss.day)
    ).all()
    assert rows == [("violance", dt.date(2026, 11, 30), 4), ("violance", dt.date(2026, 12, 1), 1)]


def test_a_failing_write_is_logged_kept_for_later_and_never_raised(tmp_path, caplog):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")  # no table: every write fails
    recorder = MissRecorder(make_session_factory(engine), background=False)
    assert recorder.record("violance")
    with caplog.at_level(logging.WARNING, logger="guide.counting"):
        assert recorder.flush() == 0
    assert "search-misses: writing 1 keys failed" in caplog.text
    assert recorder.pending == 1  # kept for the next flush
    upgrade(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert recorder.flush() == 1
    engine.dispose()


def test_memory_for_misses_is_bounded(session_factory):
    recorder = MissRecorder(session_factory, background=False, max_queries=3)
    for n in range(10):
        recorder.record(f"zorglub {n}")
    assert recorder.record("zorglub 0")  # a query already waiting is still counted
    assert recorder.pending == 4 and recorder.dropped == 7


def test_a_full_buffer_wakes_the_background_writer(tmp_path):
    url = databases.migrated(f"sqlite:///{tmp_path / 'guide.sqlite'}")
    engine = make_engine(url)
    recorder = MissRecorder(make_session_factory(engine), flush_seconds=3600, max_pending=5)
    assert recorder.background
    for _ in range(5):
        recorder.record("violance")
    deadline = time.monotonic() + 10
    while not recorder.written and time.monotonic() < deadline:  # written as soon as the thread wakes
        time.sleep(0.01)
    assert recorder.written == 5
    with make_session_factory(engine)() as db:
        assert db.scalar(select(SearchMiss.count)) == 5
    recorder.close()
    engine.dispose()


def test_writing_at_once_does_not_keep_a_processor_busy(tmp_path):
    """``search.misses_flush_seconds = 0`` writes each miss at once, and the writer sleeps in between.

    It used to wait 0 s in a loop: the thread held the GIL for the life of the process, and every read
    of that process became slow (5 ms per SQLite row: the backup drill took 6 minutes instead of one).
    """
    url = databases.migrated(f"sqlite:///{tmp_path / 'guide.sqlite'}")
    engine = make_engine(url)
    recorder = MissRecorder(make_session_factory(engine), flush_seconds=0, max_pending=1000)
    try:
        recorder.record("violance")
        deadline = time.monotonic() + 10
        while not recorder.written and time.monotonic() < deadline:
            time.sleep(0.01)
        assert recorder.written == 1  # written at once, without waiting for a full buffer
        started = time.process_time()
        time.sleep(0.5)
        assert time.process_time() - started < 0.1  # CPU of the whole process while the writer waits
        recorder.record("logemnt")
        deadline = time.monotonic() + 10
        while recorder.written < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert recorder.written == 2
    finally:
        recorder.close()
        engine.dispose()


def test_old_rows_are_deleted_by_the_writer_not_by_the_coordinators_page(db, session_factory):
    db.add(SearchMiss(query="ancienne", day=dt.date.today() - dt.timedelta(days=400), count=3))
    db.add(SearchMiss(query="récente", day=dt.date.today() - dt.timedelta(days=3), count=2))
    db.commit()
    recorder = MissRecorder(session_factory, background=False)
    recorder.flush()
    assert [m.query for m in db.scalars(select(SearchMiss))] == ["récente"]


# --- locks and retries -----------------------------------------------------------------------------------


def test_a_locked_sqlite_database_gives_a_retryable_error(tmp_path):
    url = databases.migrated(f"sqlite:///{tmp_path / 'guide.sqlite'}")
    holder = make_engine(url)
    impatient = make_engine(url, connect_args={"timeout": 0.05, "check_same_thread": False})
    with writing_session(make_session_factory(holder)) as first:
        first.execute(select(1))  # BEGIN IMMEDIATE: the write lock is taken now
        with (
            writing_session(make_session_factory(impatient)) as second,
            pytest.raises(OperationalError) as caught,
        ):
            second.execute(select(1))
        assert isinstance(caught.value.orig, sqlite3.OperationalError)
        assert "database is locked" in str(caught.value)
        assert IRetryableError.providedBy(caught.value)
    with make_session_factory(impatient)() as reader:
        assert reader.execute(select(1)).scalar() == 1  # a read begins without the write lock
    holder.dispose()
    impatient.dispose()


def test_a_request_that_meets_a_lock_is_run_again(testapp, world, login, db, monkeypatch):
    from views import coordination

    original = coordination.add_quartier
    calls = []

    def locked_once(dbsession, nom, code):
        calls.append(nom)
        if len(calls) == 1:  # the error SQLAlchemy raises, marked as the engine's error hook marks it
            error = OperationalError(
                "INSERT INTO quartier", {}, sqlite3.OperationalError("database is locked")
            )
            _mark_retryable(SimpleNamespace(sqlalchemy_exception=error, original_exception=error.orig))
            assert IRetryableError.providedBy(error)
            raise error
        return original(dbsession, nom, code)

    monkeypatch.setattr(coordination, "add_quartier", locked_once)
    login("coord@test.fr")
    form = testapp.get("/coordination/quartiers").forms["deform"]
    form["nom"], form["code"] = "Les Vergnes", "VERGNES"
    page = form.submit("add")
    assert page.status_int == 303
    assert calls == ["Les Vergnes", "Les Vergnes"]
    assert db.scalar(select(Quartier).where(Quartier.code == "VERGNES")).slug == "les-vergnes"


# --- migration of the existing rows ----------------------------------------------------------------------


def test_the_migration_counts_the_existing_misses(tmp_path):
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    config = alembic_config(url)
    command.upgrade(config, "d0e1f2a3b4c5")
    engine = make_engine(url)
    rows = [
        ("violance", "2026-11-02 10:00:00.000000+00:00"),
        ("Violance ", "2026-11-02 17:00:00.000000+00:00"),
        ("violance", "2026-11-03 09:00:00.000000+00:00"),
        ("zorglub", "2026-11-02 08:00:00.000000+00:00"),
    ]
    with engine.begin() as conn:
        for query, at in rows:
            conn.execute(
                sa.text("INSERT INTO search_miss (query, at) VALUES (:q, :at)"), {"q": query, "at": at}
            )
    command.upgrade(config, "f1a700000001")
    with engine.connect() as conn:
        migrated = conn.execute(
            sa.text("SELECT query, day, count FROM search_miss ORDER BY query, day")
        ).all()
    assert [tuple(row) for row in migrated] == [
        ("violance", "2026-11-02", 2),
        ("violance", "2026-11-03", 1),
        ("zorglub", "2026-11-02", 1),
    ]
    command.downgrade(config, "d0e1f2a3b4c5")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM search_miss")).scalar() == 4
    engine.dispose()


# --- the coordinators' page ------------------------------------------------------------------------------


def test_coordinators_see_counts_summed_over_days(testapp, world, login, db):
    today = dt.date.today()
    db.add_all(
        [
            SearchMiss(query="zorglub", day=today, count=3),
            SearchMiss(query="zorglub", day=today - dt.timedelta(days=1), count=2),
            SearchMiss(query="marsupilami", day=today, count=4),
            SearchMiss(query="trop ancienne", day=today - dt.timedelta(days=200), count=50),
        ]
    )
    db.commit()
    login("coord@test.fr")
    page = testapp.get("/coordination/recherches-sans-resultat")
    from bs4 import BeautifulSoup

    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")][:2]
        for tr in BeautifulSoup(page.text, "lxml").select("table.list tbody tr")
    ]
    assert rows == [["zorglub", "5"], ["marsupilami", "4"]]
    assert "9 recherches en tout" in page.text


# --- duplicate slugs -------------------------------------------------------------------------------------


def test_two_quartier_names_with_the_same_slug_give_a_french_message_not_a_500(testapp, world, login, db):
    login("coord@test.fr")
    form = testapp.get("/coordination/quartiers").forms["deform"]
    form["nom"], form["code"] = "Saint Jacques Nord", "SJN1"
    assert form.submit("add").status_int == 303
    form = testapp.get("/coordination/quartiers").forms["deform"]
    form["nom"], form["code"] = "Saint-Jacques-Nord", "SJN2"
    page = form.submit("add")
    assert page.status_int == 200
    assert "nom qui s'écrit presque pareil : « Saint Jacques Nord »" in field_error(page, "nom")
    assert page.forms["deform"]["nom"].value == "Saint-Jacques-Nord"  # the form keeps what was typed
    assert page.forms["deform"]["code"].value == "SJN2"
    assert db.scalars(select(Quartier.slug).where(Quartier.code.in_(["SJN1", "SJN2"]))).all() == [
        "saint-jacques-nord"
    ]


def test_renaming_a_quartier_to_a_taken_name_gives_a_french_message(testapp, world, login, db):
    login("coord@test.fr")
    form = testapp.get("/coordination/quartiers").forms["deform"]
    form["nom"], form["code"] = "Les Vergnes", "VERGNES"
    form.submit("add")
    vergnes = db.scalar(select(Quartier).where(Quartier.code == "VERGNES"))
    for name, message in (("Quartier test", "porte déjà ce nom"), ("QUARTIER-TEST", "presque pareil")):
        form = testapp.get(f"/coordination/quartiers/{vergnes.id}").forms["deform"]
        form["nom"] = name
        page = form.submit("save")
        assert page.status_int == 200
        assert message in field_error(page, "nom")
    db.refresh(vergnes)
    assert vergnes.nom == "Les Vergnes"


@pytest.mark.parametrize(
    "names",
    [
        ("Œ" * 118 + " A", "Œ" * 118 + " B"),  # « oe » × 118: the slugs are cut at 140 characters, alike
        ("!!", "??"),  # no letter: « sans-titre »
    ],
)
def test_different_quartier_names_whose_slugs_are_alike_get_distinct_slugs(testapp, world, login, db, names):
    login("coord@test.fr")
    for n, name in enumerate(names):
        form = testapp.get("/coordination/quartiers").forms["deform"]
        form["nom"], form["code"] = name, f"SLUG{n}"
        assert form.submit("add").status_int == 303
    first, second = db.scalars(
        select(Quartier.slug).where(Quartier.code.like("SLUG%")).order_by(Quartier.code)
    )
    assert first != second and second.endswith("-2") and len(second) <= 140


def test_duplicate_organisation_and_thematique_names_are_no_500(testapp, world, login, db):
    login("coord@test.fr")
    for _ in range(2):
        form = testapp.get("/coordination/structures/nouvelle").forms["deform"]
        form["nom"] = "Association Alpha"  # the world's « alpha » is taken too
        assert form.submit("save").status_int == 303
    slugs = db.scalars(select(Organisation.slug).where(Organisation.nom == "Association Alpha")).all()
    assert len(set(slugs)) == 3
    form = testapp.get("/coordination/thematiques").forms["deform"]
    form["label"] = "SANTÉ !"  # the world's « Santé » has the slug « sante »
    page = form.submit("add")
    assert page.status_int == 200
    assert "porte déjà ce nom" in field_error(page, "label")
    assert db.scalar(select(sa.func.count(Thematique.id)).where(Thematique.slug.like("sante%"))) == 1
