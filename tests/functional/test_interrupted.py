"""A process killed at a random point of its work leaves nothing half-done (issue 13).

Each console script is first run to the end once, to learn how long its work lasts (after the start-up that
``--help`` also takes); then it is started again on the same state and killed with SIGKILL (no clean-up code
runs) at moments drawn at random over that work. After each kill the guide is checked, and the same command,
run again, must finish the work. The random seed is in every assertion message, so that a failure can be
replayed.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update
from whoosh import index as whoosh_index

import guide
from guide import mail, storage
from guide.db import make_engine, make_session_factory
from guide.models import Edition, Fiche, Organisation, State, utcnow
from guide.models.storage import MailOutbox
from guide.scripts.migrate import upgrade

from ..live import demo_database as live_demo_database
from ..live import site_database
from .test_worker import own_database, running_worker, wait_until, write_ini

KILLS = 3  # random moments per command
MAILS = 300  # a campaign's mails
SMALL_EDITION = 8  # public fiches of the edition killed at random moments


def _ini(tmp_path: Path, database_url: str, var_dir: Path) -> Path:
    ini = tmp_path / "guide.ini"
    ini.write_text(
        "[app:main]\nuse = egg:guide-du-territoire\n"
        f"database_url = {database_url.replace('%', '%%')}\nvar_dir = {var_dir}\n"
    )
    return ini


def _started(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _run(command: list[str]) -> float:
    """Run to the end; returns its duration in seconds."""
    started = time.monotonic()
    process = _started(command)
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - started


def _startup(command: list[str]) -> float:
    """How long the command takes to start (imports, settings) before any work: ``--help``'s duration;
    the kills are drawn after it, over the work itself."""
    return _run([*command, "--help"])


def _killed_after(command: list[str], seconds: float) -> None:
    process = _started(command)
    try:
        process.wait(timeout=seconds)  # it may finish first: that is one more moment, the end
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture
def demo_database(tmp_path: Path, worker_id: str) -> str:
    return live_demo_database(site_database(tmp_path, f"guide_interrupted_{worker_id}"))


@pytest.fixture
def small_demo_database(demo_database: str) -> str:
    """The demo guide with only its first few public fiches left public (the others archived): an edition
    of a few pages, killed at random moments over its run as the whole guide's would be, much sooner."""
    engine = make_engine(demo_database)
    with make_session_factory(engine)() as db:
        kept = select(Fiche.id).where(Fiche.is_public).order_by(Fiche.id).limit(SMALL_EDITION)
        db.execute(
            update(Fiche)
            .where(Fiche.is_public, Fiche.id.not_in(kept.scalar_subquery()))
            .values(state=State.ARCHIVED)
        )
        db.commit()
    engine.dispose()
    return demo_database


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


def test_a_reindex_killed_anywhere_leaves_the_old_index_or_the_new_one(tmp_path, demo_database):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    var_dir = tmp_path / "var"
    ini = _ini(tmp_path, demo_database, var_dir)
    command = [sys.executable, "-m", "search_index.cli", str(ini)]
    expected = _published_count(demo_database)
    folder = var_dir / "index"

    duration = _run(command)
    assert _indexed_count(folder) == expected
    moments = sorted(rng.uniform(_startup(command), duration) for _ in range(KILLS))
    for moment in moments:
        _killed_after(command, moment)
        # the index a reader opens is whole: the previous one (nothing was committed) or the new one
        assert _indexed_count(folder) == expected, f"seed={seed} killed after {moment:.2f} s"
        _run(command)  # no lock left behind: the next reindex runs to the end
        assert _indexed_count(folder) == expected, f"seed={seed} rerun after {moment:.2f} s"


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
    url = site_database(tmp_path, name)
    upgrade(url)  # a new guide: the taxonomy, no demo
    folder = tmp_path / name
    folder.mkdir()
    return url, _ini(folder, url, folder / "var")


def test_an_import_killed_anywhere_writes_all_of_it_or_nothing(tmp_path, worker_id):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    export = Path(guide.__file__).parent / "demo"  # structures.json + services.json, data·inclusion v1

    reference_url, reference_ini = _fresh_guide(tmp_path, f"guide_import_ref_{worker_id}")
    command = [sys.executable, "-m", "guide.scripts.importer", str(reference_ini), str(export), "--publish"]
    duration = _run(command)
    whole = _directory_counts(reference_url)
    assert whole[0] > 20 and whole[1] > 60

    url, ini = _fresh_guide(tmp_path, f"guide_import_{worker_id}")
    command[3] = str(ini)
    for moment in sorted(rng.uniform(_startup(command), duration) for _ in range(KILLS)):
        _killed_after(command, moment)
        assert _directory_counts(url) in {(0, 0), whole}, f"seed={seed} killed after {moment:.2f} s"
    _run(command)
    assert _directory_counts(url) == whole, f"seed={seed}"
    _run(command)  # the same export again: nothing doubled
    assert _directory_counts(url) == whole, f"seed={seed}"


def _editions(database_url: str) -> list[tuple[int, str, bytes | None]]:
    """(id, status, PDF in the shared storage) of every edition."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return [
                (edition.id, edition.status.value, storage.read(db, storage.EDITIONS, edition.pdf_file))
                if edition.pdf_file
                else (edition.id, edition.status.value, None)
                for edition in db.scalars(select(Edition).order_by(Edition.id))
            ]
    finally:
        engine.dispose()


def _whole_pdf(data: bytes) -> bool:
    return len(PdfReader(io.BytesIO(data)).pages) % 4 == 0  # a booklet, read to its last page


def test_an_edition_killed_anywhere_leaves_no_half_pdf_and_runs_again(tmp_path, small_demo_database):
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
    duration = _run(command)
    assert _whole_pdf(output.read_bytes())
    output.unlink()

    for moment in sorted(rng.uniform(_startup(command), duration) for _ in range(KILLS)):
        _killed_after(command, moment)
        where = f"seed={seed} killed after {moment:.2f} s"
        # the PDF asked for is whole or absent, and so is every edition's PDF in the storage
        assert not output.exists() or _whole_pdf(output.read_bytes()), where
        assert list(tmp_path.glob(".*.partial")) == [], where
        for _id, status, pdf in _editions(demo_database):
            assert (status == "terminee") == (pdf is not None), where
            assert pdf is None or _whole_pdf(pdf), where
    # an edition the kill left unfinished is generated again to its end
    unfinished = [edition_id for edition_id, status, _pdf in _editions(demo_database) if status != "terminee"]
    for edition_id in unfinished:
        _run([sys.executable, "-m", "guide.scripts.edition", str(ini), "--edition", str(edition_id), "-q"])
    assert all(status == "terminee" and _whole_pdf(pdf) for _id, status, pdf in _editions(demo_database))


def test_a_worker_killed_while_delivering_a_campaign_loses_no_mail(
    database_url, tmp_path, smtp_server, mailbox
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

        with running_worker(ini, tmp_path / "worker-0.log") as first:
            started = time.monotonic()
            wait_until(lambda: len(delivered()) == MAILS, timeout=120, what="the first delivery")
        duration = time.monotonic() - started
        mailbox.messages.clear()
        with factory() as db:  # the same mails again, to be killed this time
            db.execute(update(MailOutbox).values(sent_at=None, next_attempt_at=utcnow(), attempts=0))
            db.commit()
        assert first.returncode is not None

        for number, moment in enumerate(sorted(rng.uniform(0, duration) for _ in range(KILLS))):
            with running_worker(ini, tmp_path / f"worker-{number + 1}.log") as worker:
                time.sleep(moment)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
            with factory() as db:  # the mails the dead worker had claimed wait for their lease: it passes
                db.execute(
                    update(MailOutbox).where(MailOutbox.sent_at.is_(None)).values(next_attempt_at=utcnow())
                )
                db.commit()
        with running_worker(ini, tmp_path / "worker-last.log"):
            wait_until(lambda: len(delivered()) == MAILS, timeout=120, what=f"every mail (seed={seed})")
            with factory() as db:
                wait_until(
                    lambda: db.scalar(select(func.count()).where(MailOutbox.sent_at.is_(None))) == 0,
                    what="the outbox emptied",
                )
        assert delivered() == set(recipients), f"seed={seed}"
        # a kill between the SMTP server's answer and the row marked sent may send that one mail twice
        assert len(mailbox.messages) <= MAILS + KILLS, f"seed={seed}"
    finally:
        engine.dispose()
