"""guide-edition — generate the printed guide as a PDF, with a progress display in the terminal.

    guide-edition development.ini --year 2027 [--group quartier] [--format A4] -o guide-2027.pdf
    guide-edition development.ini --edition 12

The first form opens a new edition of every published fiche (kept in the archive, like those opened on the
site) and copies its PDF to ``-o``; the second generates an edition opened on the site (its PDF goes to the
shared storage, :mod:`guide.storage`). The web app does not start a process: it queues the task
``generate_edition`` that ``guide-worker`` runs (:func:`run_with`). The edition's status and progress are
written to the database as it goes, so that its page can follow.

The print templates belong to the ``templates`` room, which the core does not import: this script renders
them through the loader the project advertises as the entry point ``guide.print_templates`` (``setup.cfg``),
as :mod:`guide.print` explains.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import IO, Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from .. import hours
from ..db import RETRY_ATTEMPTS, is_retryable_error, make_engine, make_session_factory, writing_session
from ..models import Edition, EditionStatus, utcnow
from ..settings import resolve
from . import load_settings

log = logging.getLogger(__name__)

# The progress written to the database at most this often (seconds); every step is shown in the terminal.
WRITE_EVERY = 0.5


class TerminalProgress:
    """A progress bar redrawn in place on a terminal; plain lines (every 5 %) elsewhere (logs, pipes)."""

    def __init__(self, stream: IO[str], quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_line = -5
        self.started = time.monotonic()

    def update(self, percent: int, message: str) -> None:
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        if self.tty:
            width = shutil.get_terminal_size((80, 20)).columns
            filled = percent * 30 // 100
            bar = "█" * filled + "░" * (30 - filled)
            line = f"[{bar}] {percent:3d} % {elapsed:5.1f} s  {message}"
            self.stream.write("\r" + line[: width - 1].ljust(width - 1))
            if percent >= 100:
                self.stream.write("\n")
        elif percent >= self.last_line + 5 or percent >= 100:
            self.last_line = percent
            self.stream.write(f"{percent:3d} % {elapsed:6.1f} s  {message}\n")
        self.stream.flush()


def _settings(config_uri: str | None) -> dict[str, Any]:
    if config_uri:
        return load_settings(config_uri)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    # The script signs nothing: a placeholder secret keeps resolve() from writing a key file.
    settings = resolve({"here": os.getcwd(), "secret": "not-used-by-guide-edition"})
    hours.configure(settings["timezone"])  # the dates printed in the edition
    return settings


def run(
    settings: dict[str, Any],
    edition_id: int | None = None,
    *,
    year: int | None = None,
    grouping: str = "thematique",
    page_format: str = "A5",
    title: str | None = None,
    output: str | None = None,
    stream: IO[str] | None = None,
    quiet: bool = False,
) -> int:
    """Generate one edition (an existing one, or a new one for ``year``); 0 when the PDF is written."""
    engine = make_engine(settings["database_url"])
    try:
        return _run(
            make_session_factory(engine),
            settings["site_url"],
            edition_id,
            year=year,
            grouping=grouping,
            page_format=page_format,
            title=title,
            output=output,
            stream=stream,
            quiet=quiet,
        )
    finally:
        engine.dispose()


def run_with(session_factory: Any, settings: Any, edition_id: int) -> int:
    """Generate an edition opened on the site (the ``generate_edition`` task of ``guide-worker``): its
    progress and outcome on its row, the log of it in the worker's log."""
    return _run(session_factory, settings.site_url, edition_id, stream=_LogStream(), quiet=False)


class _LogStream(io.StringIO):
    """The terminal display of a generation, line by line into the log (the worker has no terminal)."""

    def write(self, text: str) -> int:
        for line in text.strip("\r\n").splitlines():
            if line.strip():
                log.info("%s", line.strip())
        return len(text)


def _set_edition(session_factory: Any, edition_id: int, **values: Any) -> None:
    """Write an edition's status or progress in a short transaction of its own that takes SQLite's write
    lock when it begins, so it waits its turn behind another writer (``busy_timeout``).

    Not in the generation's transaction: that one has read since it began, and SQLite refuses at once
    (« database is locked », no busy wait) to upgrade a reading transaction to a write when another
    connection committed in between — in ``guide-worker`` the other thread taking a task, or the scheduler
    queuing the minute's ``retry_mail``, commits at any moment: the generation was reported « Échec » at
    0 % for it."""
    with writing_session(session_factory) as db:
        db.execute(update(Edition).where(Edition.id == edition_id).values(updated_at=utcnow(), **values))
        db.commit()


def _run(
    session_factory: Any,
    site_url: str,
    edition_id: int | None = None,
    *,
    year: int | None = None,
    grouping: str = "thematique",
    page_format: str = "A5",
    title: str | None = None,
    output: str | None = None,
    stream: IO[str] | None = None,
    quiet: bool = False,
) -> int:
    from ..print import generate

    stream = stream or sys.stderr
    display = TerminalProgress(stream, quiet)
    db = session_factory()
    try:
        if edition_id is None:
            assert year is not None
            edition = Edition(
                title=title or f"Guide du territoire {year}",
                year=year,
                page_format=page_format,
                grouping=grouping,
                filters={},
                status=EditionStatus.QUEUED,
                message="",
                created_at=utcnow(),
                updated_at=utcnow(),
            )
            db.add(edition)
            db.commit()
            if not quiet:
                stream.write(
                    f"Édition n° {edition.id} « {edition.title} » ouverte (gardée dans les archives).\n"
                )
        else:
            found = db.get(Edition, edition_id)
            if found is None:
                stream.write(f"Aucune édition n° {edition_id}.\n")
                return 2
            edition = found
        db.commit()  # the read is over: the status is written in a transaction of its own
        _set_edition(
            session_factory, edition.id, status=EditionStatus.RUNNING, progress=0, message="Démarrage"
        )
        db.refresh(edition)
        written = {"at": 0.0, "percent": -1}

        def report(percent: int, message: str) -> None:
            display.update(percent, message)
            now = time.monotonic()
            if percent == written["percent"] or (now - written["at"] < WRITE_EVERY and percent < 100):
                return
            written["at"], written["percent"] = now, percent
            # what the generation wrote so far (the frozen fiches) is committed, its read ends, then the
            # progress goes in a short write-locked transaction (see _set_edition)
            db.commit()
            _set_edition(session_factory, edition.id, progress=percent, message=message[:500])

        started = time.monotonic()
        edition_id = edition.id
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            # A transaction of the generation that read before it writes (the freeze, a progress report, the
            # stored PDF) can meet another writer's commit: SQLite refuses the upgrade at once (« database is
            # locked », no busy wait), PostgreSQL may report a serialization failure. As for web requests
            # (pyramid_retry), the generation is run again in a fresh transaction instead of failing.
            try:
                data = generate(db, edition, site_url=site_url, progress=report)
                db.commit()
                break
            except DBAPIError as exc:
                if attempt == RETRY_ATTEMPTS or not is_retryable_error(exc.orig):
                    raise
                # rolled back first: after a failed flush the session refuses any read, even of the
                # edition's id (expired by the last progress report's commit)
                db.rollback()
                log.warning(
                    "Edition %s: %s — generation run again (attempt %d)", edition_id, exc.orig, attempt + 1
                )
                edition = db.get(Edition, edition_id) or edition
                written["percent"] = -1
        if output:
            _write_atomically(Path(output), data)
        if not quiet:
            where = output or f"édition n° {edition.id} ({edition.pdf_file})"
            stream.write(
                f"Guide enregistré : {where} — {edition.message} ({time.monotonic() - started:.1f} s)\n"
            )
        return 0
    except Exception as exc:  # noqa: BLE001 - any failure is reported on the edition's page
        log.error("Edition generation failed\n%s", traceback.format_exc())
        db.rollback()
        if "edition" in locals():
            _set_edition(
                session_factory,
                edition.id,
                status=EditionStatus.FAILED,
                message=f"La génération a échoué : {exc}"[:2000],
            )
        stream.write(f"\nLa génération a échoué : {exc}\n")
        return 1
    finally:
        db.close()


def _write_atomically(path: Path, data: bytes) -> None:
    """The whole PDF at ``path`` or nothing: a process killed while writing leaves no truncated file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-edition",
        description="Génère le guide imprimé (PDF) : une nouvelle édition pour une année, ou une édition "
        "ouverte sur le site.",
    )
    parser.add_argument(
        "config_uri", nargs="?", help="le fichier de configuration (sinon : variables GUIDE_DATABASE_URL…)"
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--year", type=int, help="une nouvelle édition de toutes les fiches publiées")
    which.add_argument("--edition", type=int, help="le numéro d'une édition ouverte sur le site")
    parser.add_argument("--group", choices=["thematique", "quartier"], default="thematique")
    parser.add_argument("--format", choices=["A5", "A4"], default="A5", dest="page_format")
    parser.add_argument("--title", help="le titre (par défaut « Guide du territoire ANNÉE »)")
    parser.add_argument("-o", "--output", help="où écrire le PDF")
    parser.add_argument("--nice", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="sans affichage de la progression")
    args = parser.parse_args(argv)
    if args.year is not None and not args.output:
        parser.error("indiquez où écrire le PDF : -o guide.pdf")
    if args.year is not None and not 2000 <= args.year <= 2100:
        parser.error("année invalide")
    if args.nice > 0:
        os.nice(args.nice)
    settings = _settings(args.config_uri)
    return run(
        settings,
        args.edition,
        year=args.year,
        grouping=args.group,
        page_format=args.page_format,
        title=args.title,
        output=args.output,
        quiet=args.quiet,
    )


if __name__ == "__main__":
    sys.exit(main())
