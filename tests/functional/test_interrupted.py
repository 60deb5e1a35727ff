"""A process killed at a random point of its work leaves nothing half-done (issue 13).

Each console script is first run to the end once, to learn how long its work lasts — from the moment the
process opens its database (its imports and settings behind it, seen in ``/proc/PID/fd``) to its end; then it
is started again on the same state and killed with SIGKILL (no clean-up code runs) at moments drawn at random
over that work, counted from that same moment. After each kill the guide is checked; every run started after
a kill either finishes (exit 0) or is killed by the test, never fails; and the same command, run again after
the last kill, must finish the work (a lock or half-written state left by any kill would stay until then).
The random seed is in every assertion message, so that a failure can be replayed.

Under coverage (``make test``'s SQLite run, ``patch = ["subprocess"]``), the run that measures the work and
the runs to be killed are not traced — a SIGKILLed process saves no coverage data, and the moments must be
drawn over the work as the killed runs do it; the runs after the kills, which finish, are (for the edition,
only the first of its reruns: the others run the same code from another state).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index

import guide
from guide import mail, storage
from guide.db import make_engine, make_session_factory
from guide.models import Edition, Fiche, Organisation, State, utcnow
from guide.models.storage import MailOutbox

from .. import databases
from ..live import site_database
from .test_worker import _catches_sighup, own_database, stop_worker, wait_until, write_ini

KILLS = 3  # random moments per command
MAILS = 150  # a campaign's mails: three batches of the outbox (guide.mail.BATCH), ~2 s of delivery
SMALL_EDITION = 4  # public fiches of the edition killed at random moments (12 pages)
IMPORTED_STRUCTURES = 5  # the first structures of the demo export and their 26 services (of 73)


def _ini(tmp_path: Path, database_url: str, var_dir: Path) -> Path:
    ini = tmp_path / "guide.ini"
    ini.write_text(
        "[app:main]\nuse = egg:guide-du-territoire\n"
        f"database_url = {database_url.replace('%', '%%')}\nvar_dir = {var_dir}\n"
    )
    return ini


POLL = 0.005  # seconds between two looks at a starting process's open files

# The launcher: a Python that imports the console scripts' modules once, then forks one process per command
# it reads on its standard input (JSON: module, arguments, log file) and runs the script's main() there, as
# ``python -m module arguments`` would, exit handlers included; it reports each process's pid and, once it
# has reaped it, its exit code. A forked process skips the 1–3 s of Python and imports every ``python -m``
# pays; the kills fall in the work after that start-up anyway. No thread here: every fork is clean.
LAUNCHER = r"""
import atexit, importlib, json, os, select, sys, traceback

for name in sys.argv[1:]:
    importlib.import_module(name)
out, children, pending, reading = sys.stdout, set(), b"", True
out.write("ready\n")
out.flush()
while reading or children:
    if select.select([0] if reading else [], [], [], 0.005)[0]:
        chunk = os.read(0, 65536)
        reading, pending = bool(chunk), pending + chunk
    while b"\n" in pending:
        line, pending = pending.split(b"\n", 1)
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                if request["untraced"]:  # to be killed: a SIGKILLed process writes no coverage data
                    coverage = sys.modules.get("coverage")  # imported by coverage's .pth when it measures
                    measuring = coverage.Coverage.current() if coverage else None
                    if measuring is not None:  # its tracer, inherited from the launcher, is only cost here
                        measuring.stop()
                if request["group"]:  # a process group of its own: killpg reaches its children too
                    os.setpgrp()
                null = os.open(os.devnull, os.O_RDWR)
                log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(null, 0), os.dup2(null, 1), os.dup2(log, 2), os.close(null), os.close(log)
                sys.stdin, sys.stdout = open(0, closefd=False), open(1, "w", closefd=False)
                sys.stderr = open(2, "w", closefd=False)
                sys.argv = [request["module"], *request["argv"]]
                code = importlib.import_module(request["module"]).main(request["argv"])
            except SystemExit as exit:
                code = exit.code
            except BaseException:
                traceback.print_exc()
            try:
                atexit._run_exitfuncs()
                sys.stdout.flush(), sys.stderr.flush()
            finally:
                os._exit(code if isinstance(code, int) else int(code is not None))
        children.add(pid)
        out.write(f"pid {pid}\n")
        out.flush()
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.discard(pid)
            out.write(f"exit {pid} {os.waitstatus_to_exitcode(status)}\n")
            out.flush()
"""

# What the scripts killed here import before their work (their main() imports some of it lazily).
PRELOADED = [
    "guide.scripts",
    "plaster_pastedeploy",
    "search_index.cli",
    "guide.scripts.importer",
    "guide.services.importer",
    "guide.scripts.edition",
    "guide.print",
    "guide.print.layout",
    "weasyprint",
    "weasyprint.text.fonts",
    "guide.scripts.worker",
    "guide.tasks",
]


class Launched:
    """A process of the launcher, seen as a ``subprocess.Popen``: pid, poll, wait, send_signal."""

    def __init__(self, launcher: Launcher, pid: int) -> None:
        self.launcher, self.pid = launcher, pid

    @property
    def returncode(self) -> int | None:
        return self.launcher.exits.get(self.pid)

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        with self.launcher.changed:
            if not self.launcher.changed.wait_for(lambda: self.pid in self.launcher.exits, timeout):
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        return self.launcher.exits[self.pid]

    def send_signal(self, number: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, number)


class Launcher:
    """The launcher process (``LAUNCHER``), and the exit codes it reports, read by a thread of the test."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, *PRELOADED], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == b"ready\n"
        self.exits: dict[int, int] = {}
        self.pids: queue.Queue[int] = queue.Queue()
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            kind, pid, *code = line.decode().split()
            if kind == "pid":
                self.pids.put(int(pid))
            else:
                with self.changed:
                    self.exits[int(pid)] = int(code[0])
                    self.changed.notify_all()

    def start(self, command: list[str], log: Path, group: bool = False, untraced: bool = False) -> Launched:
        """``command`` is ``[python, "-m", module, *arguments]``; its standard error goes to ``log``;
        ``group``: in a process group of its own; ``untraced``: a run the test means to kill, not measured
        by coverage (a killed process saves no data: tracing it would only slow it down 2–3 times)."""
        assert command[:2] == [sys.executable, "-m"], command
        request = {"module": command[2], "argv": command[3:], "log": str(log), "group": group}
        request["untraced"] = untraced
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        return Launched(self, self.pids.get(timeout=60))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    started = Launcher()
    yield started
    started.close()


@contextlib.contextmanager
def running_worker(launcher: Launcher, ini: Path, log: Path, untraced: bool = False) -> Iterator[Launched]:
    """``guide-worker INI --workers 2`` forked by the launcher in a process group of its own (as
    test_worker.running_worker starts it), stopped by SIGINT at the end as systemd does (``untraced``: one
    the test kills first)."""
    command = [sys.executable, "-m", "guide.scripts.worker", str(ini), "--workers", "2"]
    process = launcher.start(command, log, group=True, untraced=untraced)
    try:
        yield process
    finally:
        # SIGINT once huey's handlers are in place: one sent before (the last worker is stopped as soon as
        # the outbox is empty, which may be at once) was lost where SIGINT is ignored (a pytest-xdist worker,
        # whose children inherit that), and stop_worker waited 30 s before its SIGKILL
        wait_until(lambda: _stoppable(process), what="the worker's signal handlers")
        stop_worker(process, log)


def _stoppable(process: Launched) -> bool:
    """The worker has ended, or it catches SIGHUP (huey installs that handler last)."""
    try:
        return process.returncode is not None or _catches_sighup(process.pid)
    except (FileNotFoundError, ProcessLookupError):  # ended meanwhile
        return True


def _opened_database(pid: int) -> bool:
    """The process has opened its database (a SQLite file, or a socket to PostgreSQL): its imports and
    settings are done, its work begins."""
    try:
        targets = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except (FileNotFoundError, ProcessLookupError):  # it has ended (or is ending)
        return False
    return any(target.startswith("socket:") or target.endswith(".sqlite") for target in targets)


def _work_begins(process: Launched | subprocess.Popen[bytes]) -> float:
    """Wait until ``process`` opens its database (or ends); returns that moment (``time.monotonic()``)."""
    deadline = time.monotonic() + 120
    while process.poll() is None and not _opened_database(process.pid):
        assert time.monotonic() < deadline, "the command did not open its database in 120 s"
        time.sleep(POLL)
    return time.monotonic()


def _run(launcher: Launcher, command: list[str], log: Path, untraced: bool = False) -> float:
    """Run to the end; returns how long its work lasted (seconds from the opening of its database).
    ``untraced``: the run that measures the work the next runs are killed in, untraced as they are (the
    tracer slows a process down 2–3 times: moments drawn over a traced run would fall after the end of
    most untraced ones)."""
    log.unlink(missing_ok=True)
    process = launcher.start(command, log, untraced=untraced)
    began = _work_begins(process)
    process.wait(timeout=300)
    assert process.returncode == 0, log.read_text(errors="replace")
    return time.monotonic() - began


def _killed_after(launcher: Launcher, command: list[str], seconds: float, log: Path, where: str) -> None:
    """Start ``command``, kill it ``seconds`` into its work (after its start-up); it may finish first:
    that is one more moment, the end. Anything else than finishing or being killed is a failure."""
    log.unlink(missing_ok=True)
    process = launcher.start(command, log, untraced=True)
    try:
        process.wait(timeout=seconds + _work_begins(process) - time.monotonic())
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode in (0, -signal.SIGKILL), f"{where}: {log.read_text(errors='replace')}"


@pytest.fixture
def demo_database(tmp_path: Path, worker_id: str) -> str:
    return databases.demo_guide(site_database(tmp_path, f"guide_interrupted_{worker_id}"))


def _small_edition(db: Session) -> None:
    kept = select(Fiche.id).where(Fiche.is_public).order_by(Fiche.id).limit(SMALL_EDITION)
    db.execute(
        update(Fiche)
        .where(Fiche.is_public, Fiche.id.not_in(kept.scalar_subquery()))
        .values(state=State.ARCHIVED)
    )


@pytest.fixture
def small_demo_database(tmp_path: Path, worker_id: str) -> str:
    """The demo guide with only its first few public fiches left public (the others archived): an edition
    of a few pages, killed at random moments over its run as the whole guide's would be, much sooner."""
    return databases.demo_guide(site_database(tmp_path, f"guide_interrupted_{worker_id}"), _small_edition)


def _published_count(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return db.scalar(select(func.count()).select_from(Fiche).where(Fiche.is_public))
    finally:
        engine.dispose()


def _indexed_count(folder: Path) -> int | None:
    """Documents in the index folder as a new process would open it (None: no index yet)."""
    if not whoosh_index.exists_in(str(folder)):
        return None
    with whoosh_index.open_dir(str(folder)).searcher() as searcher:
        return searcher.doc_count()


def test_a_reindex_killed_anywhere_leaves_the_old_index_or_the_new_one(tmp_path, demo_database, launcher):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    var_dir = tmp_path / "var"
    ini = _ini(tmp_path, demo_database, var_dir)
    command = [sys.executable, "-m", "search_index.cli", str(ini)]
    expected = _published_count(demo_database)
    folder = var_dir / "index"
    log = tmp_path / "reindex.log"

    duration = _run(launcher, command, log, untraced=True)
    assert _indexed_count(folder) == expected
    for moment in sorted(rng.uniform(0, duration) for _ in range(KILLS)):
        # each reindex started after a kill finishes or is killed in turn, never fails
        _killed_after(launcher, command, moment, log, f"seed={seed} killed after {moment:.2f} s")
        # the index a reader opens is whole: the previous one (nothing was committed) or the new one
        assert _indexed_count(folder) == expected, f"seed={seed} killed after {moment:.2f} s"
    _run(launcher, command, log)  # no lock left behind: the next reindex runs to the end
    assert _indexed_count(folder) == expected, f"seed={seed} rerun after the kills"


def _directory_counts(database_url: str) -> tuple[int, int]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return (
                db.scalar(select(func.count()).select_from(Organisation)),
                db.scalar(select(func.count()).select_from(Fiche)),
            )
    finally:
        engine.dispose()


def _fresh_guide(tmp_path: Path, name: str) -> tuple[str, Path]:
    url = databases.migrated(site_database(tmp_path, name))  # a new guide: the taxonomy, no demo
    folder = tmp_path / name
    folder.mkdir()
    return url, _ini(folder, url, folder / "var")


def _part_of_the_demo_export(folder: Path) -> tuple[Path, tuple[int, int]]:
    """The demo export (structures.json + services.json, data·inclusion v1) cut to its first structures
    and their services, a third of it: each row is imported in the same way, in the one transaction of the
    whole import, and the kills fall over that work as over the whole export's, three times sooner. Returns
    the folder and its (structures, services) counts."""
    demo = Path(guide.__file__).parent / "demo"
    structures = json.loads((demo / "structures.json").read_text(encoding="utf-8"))[:IMPORTED_STRUCTURES]
    kept = {structure["id"] for structure in structures}
    services = json.loads((demo / "services.json").read_text(encoding="utf-8"))
    services = [service for service in services if service["structure_id"] in kept]
    folder.mkdir()
    for name, rows in (("structures.json", structures), ("services.json", services)):
        (folder / name).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return folder, (len(structures), len(services))


def test_an_import_killed_anywhere_writes_all_of_it_or_nothing(tmp_path, worker_id, launcher):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    export, rows = _part_of_the_demo_export(tmp_path / "export")

    reference_url, reference_ini = _fresh_guide(tmp_path, f"guide_import_ref_{worker_id}")
    command = [sys.executable, "-m", "guide.scripts.importer", str(reference_ini), str(export), "--publish"]
    log = tmp_path / "import.log"
    duration = _run(launcher, command, log, untraced=True)
    whole = _directory_counts(reference_url)
    assert whole == rows and rows[1] > 20  # every structure and service of the export, none rejected

    url, ini = _fresh_guide(tmp_path, f"guide_import_{worker_id}")
    command[3] = str(ini)
    for moment in sorted(rng.uniform(0, duration) for _ in range(KILLS)):
        where = f"seed={seed} killed after {moment:.2f} s"
        _killed_after(launcher, command, moment, log, where)
        assert _directory_counts(url) in {(0, 0), whole}, where
    _run(launcher, command, log)
    assert _directory_counts(url) == whole, f"seed={seed}"
    _run(launcher, command, log)  # the same export again: nothing doubled
    assert _directory_counts(url) == whole, f"seed={seed}"


def _editions(database_url: str) -> list[tuple[int, str, bytes | None, bool]]:
    """(id, status, PDF in the shared storage, fiches frozen) of every edition."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return [
                (
                    edition.id,
                    edition.status.value,
                    storage.read(db, storage.EDITIONS, edition.pdf_file) if edition.pdf_file else None,
                    edition.frozen,
                )
                for edition in db.scalars(select(Edition).order_by(Edition.id))
            ]
    finally:
        engine.dispose()


def _whole_pdf(data: bytes) -> bool:
    return len(PdfReader(io.BytesIO(data)).pages) % 4 == 0  # a booklet, read to its last page


def test_an_edition_killed_anywhere_leaves_no_half_pdf_and_runs_again(
    tmp_path, small_demo_database, launcher
):
    demo_database = small_demo_database
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    ini = _ini(tmp_path, demo_database, tmp_path / "var")
    output = tmp_path / "guide-2027.pdf"
    command = [
        sys.executable,
        "-m",
        "guide.scripts.edition",
        str(ini),
        "--year",
        "2027",
        "-q",
        "-o",
        str(output),
    ]
    log = tmp_path / "edition.log"
    duration = _run(launcher, command, log, untraced=True)
    assert _whole_pdf(output.read_bytes())
    output.unlink()

    for moment in sorted(rng.uniform(0, duration) for _ in range(KILLS)):
        where = f"seed={seed} killed after {moment:.2f} s"
        _killed_after(launcher, command, moment, log, where)
        # the PDF asked for is whole or absent, and so is every edition's PDF in the storage
        assert not output.exists() or _whole_pdf(output.read_bytes()), where
        assert list(tmp_path.glob(".*.partial")) == [], where
        for _id, status, pdf, _frozen in _editions(demo_database):
            assert (status == "terminee") == (pdf is not None), where
            assert pdf is None or _whole_pdf(pdf), where
    # an edition the kill left unfinished is generated again to its end: one of each state a kill left
    # (status, fiches frozen or not) — two editions in the same state take the same way to the end
    unfinished = {
        (status, frozen): edition_id
        for edition_id, status, _pdf, frozen in _editions(demo_database)
        if status != "terminee"
    }
    for number, edition_id in enumerate(unfinished.values()):
        command = [
            sys.executable,
            "-m",
            "guide.scripts.edition",
            str(ini),
            "--edition",
            str(edition_id),
            "-q",
        ]
        # the first traced (its lines count); the next ones run the same script's code from another state
        # (the freeze done or not), which the in-process tests of test_editions and test_worker trace
        _run(launcher, command, log, untraced=number > 0)
    rerun = set(unfinished.values())
    assert all(
        status == "terminee" and _whole_pdf(pdf)
        for edition_id, status, pdf, _frozen in _editions(demo_database)
        if status == "terminee" or edition_id in rerun
    ), f"seed={seed}"


def test_a_worker_killed_while_delivering_a_campaign_loses_no_mail(
    database_url, tmp_path, smtp_server, mailbox, launcher
):
    """A campaign's mails are written to the outbox in the request's transaction (all of them or none);
    the worker that delivers them is killed at random moments, then started again."""
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    url = own_database(database_url, tmp_path, "interrupted_outbox")
    ini = write_ini(
        tmp_path / "guide.ini",
        url,
        tmp_path / "var",
        **{"mail.backend": "smtp", "mail.port": str(smtp_server[0].port), "mail.host": "127.0.0.1"},
    )
    recipients = [f"structure-{n}@example.org" for n in range(MAILS)]
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with factory() as db:
            mailer = mail.Mailer({"mail.backend": "smtp", "site_url": "http://localhost"})
            for to in recipients:
                mailer.queue(db, to, "Mise à jour du guide", "Votre fiche est-elle à jour ?")
            db.commit()

        def delivered() -> set[str]:
            return {message["To"] for message in mailbox.messages}

        with running_worker(launcher, ini, tmp_path / "worker-0.log", untraced=True) as first:
            began = _work_begins(first)
            wait_until(lambda: len(delivered()) == MAILS, timeout=120, what="the first delivery")
        duration = time.monotonic() - began
        mailbox.messages.clear()
        with factory() as db:  # the same mails again, to be killed this time
            db.execute(update(MailOutbox).values(sent_at=None, next_attempt_at=utcnow(), attempts=0))
            db.commit()
        assert first.returncode is not None

        for number, moment in enumerate(sorted(rng.uniform(0, duration) for _ in range(KILLS))):
            with running_worker(
                launcher, ini, tmp_path / f"worker-{number + 1}.log", untraced=True
            ) as worker:
                _work_begins(worker)  # the moments are drawn over the delivery, after the start-up
                time.sleep(moment)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
            with factory() as db:  # the mails the dead worker had claimed wait for their lease: it passes
                db.execute(
                    update(MailOutbox).where(MailOutbox.sent_at.is_(None)).values(next_attempt_at=utcnow())
                )
                db.commit()
        with running_worker(launcher, ini, tmp_path / "worker-last.log"):
            wait_until(lambda: len(delivered()) == MAILS, timeout=120, what=f"every mail (seed={seed})")

            def unsent() -> int:
                # a session per look: one session kept open reads one SQLite snapshot (its BEGIN), and never
                # sees the row the last worker marks sent after a killed one had already delivered that mail
                with factory() as db:
                    return db.scalar(select(func.count()).where(MailOutbox.sent_at.is_(None)))

            wait_until(lambda: unsent() == 0, what="the outbox emptied")
        assert delivered() == set(recipients), f"seed={seed}"
        # a kill between the SMTP server's answer and the row marked sent may send that one mail twice
        assert len(mailbox.messages) <= MAILS + KILLS, f"seed={seed}"
    finally:
        engine.dispose()
