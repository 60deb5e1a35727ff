"""The real ``guide-worker`` process: it takes the tasks the web app writes to the database (the mail
outbox, the annual edition) — no task runs in the web process."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import webtest
from sqlalchemy import event, insert, make_url, select, update

from guide import mail, main, tasks
from guide.db import make_engine, make_session_factory
from guide.models import Edition, EditionStatus, utcnow
from guide.models.storage import MailOutbox, TaskData, TaskQueue

from .. import factories
from ..databases import migrated

SECRET = "test-secret-" + "x" * 32


def own_database(database_url: str, tmp_path: Path, name: str) -> str:
    """A migrated database of the test's own (committed data, shared by several processes): a SQLite file,
    or a fresh PostgreSQL database in the PostgreSQL run."""
    if make_url(database_url).get_backend_name() == "postgresql":
        parsed = make_url(database_url)
        url = parsed.set(database=f"{parsed.database}_{name}").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / (name + '.sqlite')}"
    return migrated(url)  # a copy of the run's migrated template (tests/databases.py)


def write_ini(path: Path, url: str, var_dir: Path, **extra: str) -> Path:
    lines = [
        "[app:main]",
        "use = egg:guide-du-territoire",
        f"database_url = {url.replace('%', '%%')}",
        f"var_dir = {var_dir}",
        f"secret = {SECRET}",
        "site_url = http://localhost",
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@contextlib.contextmanager
def running_worker(ini: Path, log: Path, traced: bool = True) -> Iterator[subprocess.Popen[bytes]]:
    """``guide-worker INI`` in a process of its own, stopped (SIGINT, as systemd does) at the end.
    ``traced=False``: not measured by coverage even when the tests are (``patch = ["subprocess"]`` passes
    it the variable its ``.pth`` starts coverage on) — for a worker doing what another test's traced worker
    does, whose tracer would only slow its work (a PDF layout) down 2–3 times."""
    command = [str(Path(sys.executable).with_name("guide-worker")), str(ini), "--workers", "2"]
    environ = None
    if not traced:
        untraced = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")
        environ = {name: value for name, value in os.environ.items() if name not in untraced}
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, env=environ
        )
    try:
        yield process
    finally:
        stop_worker(process, log)


def stop_worker(process: Any, log: Path) -> None:
    """Stop a guide-worker process by SIGINT, as systemd does (SIGKILL if it is stuck), and put its whole
    log in the test's captured output, which pytest shows when the test fails."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # pragma: no cover - a stuck worker fails the test below
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    sys.stdout.write(f"--- {log} ---\n{log.read_text(errors='replace')}\n")


def _catches_sighup(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGHUP - 1)))
    return False


def wait_until(condition: Any, timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")


@pytest.fixture
def restore_tasks_state() -> Iterator[None]:
    """The apps made here configure the process's task queue; the cached apps of the next tests set it
    again on their next task, but the queue is put back as it was."""
    saved = (tasks.state.engine, tasks.state.session_factory, tasks.state.settings, tasks.queue.immediate)
    yield
    engine, factory, settings, immediate = saved
    tasks.state.engine, tasks.state.session_factory, tasks.state.settings = engine, factory, settings
    tasks.queue.immediate = immediate


def test_the_worker_process_starts_niced_delivers_the_outbox_and_stops_on_sigint(
    database_url, tmp_path, smtp_server, mailbox, restore_tasks_state
):
    """One guide-worker process (its start-up is the costly part) for what were two tests."""
    url = own_database(database_url, tmp_path, "worker_mail")
    ini = write_ini(
        tmp_path / "guide.ini",
        url,
        tmp_path / "var",
        **{"mail.backend": "smtp", "mail.port": str(smtp_server[0].port), "mail.host": "127.0.0.1"},
    )
    app = main(
        {}, database_url=url, var_dir=str(tmp_path / "web"), secret=SECRET, site_url="http://localhost"
    )
    assert app.registry["tasks.immediate"] is False  # an engine: tasks go to the database
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with factory() as db:
            mail.Mailer(app.registry.settings).queue(db, "par-le-worker@example.org", "Bonjour", "Du worker.")
            db.commit()
        tasks.submit(tasks.deliver_mail, registry=app.registry)
        with factory() as db:  # written to the shared queue, not run here
            submitted = db.scalars(select(TaskQueue.data)).one()
        with running_worker(ini, tmp_path / "worker.log") as process:
            message = mailbox.wait_for("par-le-worker@example.org", timeout=60)
            assert "Du worker." in mailbox.body(message)

            def sent() -> bool:
                with factory() as db:
                    return db.scalar(select(MailOutbox.sent_at)) is not None

            wait_until(sent, what="the outbox row marked sent")
            # the task taken: its message (huey's, with the task's own id) is no longer queued. Not its row
            # id: the scheduler queues the minute's retry_mail when the worker starts, and SQLite gives a
            # row inserted into an emptied table the id of the deleted one (no AUTOINCREMENT) — so a
            # retry_mail not yet taken had the submitted task's id (this test's flake)
            with factory() as db:
                assert submitted not in db.scalars(select(TaskQueue.data)).all()
            niceness = int(Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
            assert niceness >= min(os.nice(0) + 10, 19)
            # huey logs « started » before it installs its signal handlers (SIGHUP's last): a SIGINT sent in
            # between was lost when the test ran in a pytest-xdist worker, where SIGINT is ignored and
            # children inherit that; the worker ran on and was killed. Wait for the handlers.
            wait_until(lambda: _catches_sighup(process.pid), what="the worker's signal handlers")
        assert process.returncode == 0  # stopped by running_worker's SIGINT, as systemd stops it
        assert [m["To"] for m in mailbox.messages] == ["par-le-worker@example.org"]
    finally:
        engine.dispose()
        app.registry["dbsession_factory"].kw["bind"].dispose()


def login(testapp: webtest.TestApp, email: str) -> None:
    form = testapp.get("/connexion").forms["deform"]
    form["email"] = email
    form["password"] = factories.PASSWORD
    assert form.submit("login").status_int == 303


def test_health_reports_a_queue_nobody_takes(database_url, tmp_path, restore_tasks_state):
    url = own_database(database_url, tmp_path, "worker_health")
    app = main(
        {},
        database_url=url,
        var_dir=str(tmp_path / "web"),
        secret=SECRET,
        site_url="http://localhost",
        **{"health.task_max_age": "60"},
    )
    testapp = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    try:
        tasks.submit(tasks.deliver_mail, registry=app.registry)
        data = testapp.get("/sante").json
        assert data["taches"]["en_attente"] == 1 and data["taches"]["etat"] == "ok"
        engine = app.registry["dbsession_factory"].kw["bind"]
        with engine.begin() as conn:  # no guide-worker for ten minutes
            conn.execute(update(TaskQueue).values(enqueued_at=utcnow() - dt.timedelta(minutes=10)))
        late = testapp.get("/sante", status=503).json
        assert late["etat"] == "panne" and late["taches"]["plus_ancienne_secondes"] >= 600
        assert "guide-worker" in late["taches"]["message"]
    finally:
        app.registry["dbsession_factory"].kw["bind"].dispose()


def test_the_queue_storage_in_the_database(database_url, tmp_path, restore_tasks_state):
    """huey's storage on the guide's tables: FIFO within a priority, schedule, key/value, counters, and the
    figures /sante reads; guide-housekeeping prunes the old leftovers."""
    url = own_database(database_url, tmp_path, "worker_storage")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    tasks.state.engine = engine
    store = tasks.DatabaseStorage()
    try:
        store.enqueue(b"first")
        store.enqueue(b"second")
        store.enqueue(b"urgent", priority=10)
        assert store.queue_size() == 3 and store.enqueued_items(limit=1) == [b"urgent"]
        with factory() as db:
            stats = tasks.stats(db)
            assert stats.depth == 3 and 0 <= stats.oldest_seconds < 60
        assert [store.dequeue(), store.dequeue(), store.dequeue(), store.dequeue()] == [
            b"urgent",
            b"first",
            b"second",
            None,
        ]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        store.add_to_schedule(b"later", now + dt.timedelta(hours=1))
        store.add_to_schedule(b"due", now - dt.timedelta(seconds=1))
        assert store.read_schedule(now) == [b"due"] and store.schedule_size() == 1
        assert store.put_if_empty("lock", b"1") and not store.put_if_empty("lock", b"2")
        store.put_data("result", b"a")
        store.put_data("result", b"b")
        assert store.peek_data("result") == b"b" and store.pop_data("result") == b"b"
        assert not store.has_data_for_key("result")
        assert store.incr("count") == 1 and store.incr("count", 2) == 3
        with factory() as db:
            db.execute(update(TaskData).values(created_at=utcnow() - dt.timedelta(days=2)))
            assert tasks.prune(db) == 1  # the old lock
            db.commit()
        store.flush_all()
        assert store.queue_size() == store.schedule_size() == store.result_store_size() == 0
    finally:
        engine.dispose()


def test_an_editions_status_waits_behind_another_threads_commit(tmp_path, monkeypatch):
    """In guide-worker another thread commits at any moment (taking a task, the scheduler queuing the minute's
    retry_mail): replayed here between the generation's first read of its edition and the status it writes.
    SQLite refused that transaction's upgrade to a write at once and the edition showed « Échec » at 0 %;
    the statuses are now written in short transactions of their own that wait for the write lock. (SQLite
    only: the WAL snapshot's refusal is SQLite's. The layout is WeasyPrint's, tested elsewhere: here a
    generation that reports its progress as the real one does.)"""
    import guide.print as printing
    from guide.scripts import edition as edition_script
    from guide.scripts.migrate import upgrade  # not the run's template: a SQLite file in a PostgreSQL run too

    from .test_editions import new_edition

    def generate(db, edition, *, site_url, progress):
        progress(2, "Sélection des fiches")
        edition.status, edition.progress, edition.message = EditionStatus.DONE, 100, "1 page, 1 fiche."
        progress(100, edition.message)
        return b"%PDF-1.7"

    monkeypatch.setattr(printing, "generate", generate)
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    upgrade(url)
    engine, other = make_engine(url), make_engine(url)
    factory = make_session_factory(engine)
    with factory() as db:
        edition_id = new_edition(db, status=EditionStatus.QUEUED).id
        db.commit()
    commits: list[str] = []

    def commit_elsewhere(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not commits and statement.lstrip().startswith("SELECT") and "FROM edition " in statement:
            commits.append(statement)
            with other.begin() as elsewhere:  # as the worker's other thread would
                elsewhere.execute(
                    insert(TaskData).values(queue="guide", key="elsewhere", value=b"1", created_at=utcnow())
                )

    event.listen(engine, "after_cursor_execute", commit_elsewhere)
    try:
        assert edition_script.run_with(factory, SimpleNamespace(site_url="http://localhost"), edition_id) == 0
        assert commits  # the other commit did come between the read and the write
        with factory() as db:
            done = db.get(Edition, edition_id)
            assert done.status == EditionStatus.DONE and done.progress == 100, done.message
            assert done.message == "1 page, 1 fiche."
    finally:
        engine.dispose()
        other.dispose()
