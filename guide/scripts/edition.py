"""guide-edition — generate the printed guide as a PDF, with a progress display in the terminal.

    guide-edition development.ini --year 2027 [--group quartier] [--format A4] -o guide-2027.pdf
    guide-edition development.ini --edition 12

The first form opens a new edition of every published fiche (kept in the archive, like those opened on the
site) and copies its PDF to ``-o``; the second generates an edition opened on the site (its PDF goes to
``<var_dir>/editions/``). The web app starts the second form in a separate process, without an ini file:
``python -m guide.scripts.edition --edition 12`` with ``GUIDE_DATABASE_URL`` and ``GUIDE_VAR_DIR`` set. The
edition's status and progress are written to the database as it goes, so that its page can follow.

The print templates belong to the ``templates`` room, which the core does not import: this script renders
them through the loader the project advertises as the entry point ``guide.print_templates`` (``setup.cfg``),
as :mod:`guide.print` explains.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import IO, Any

from sqlalchemy import update

from .. import hours
from ..db import make_engine, make_session_factory
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
    from ..print import generate

    stream = stream or sys.stderr
    engine = make_engine(settings["database_url"])
    db = make_session_factory(engine)()
    display = TerminalProgress(stream, quiet)
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
        edition.status = EditionStatus.RUNNING
        edition.progress = 0
        edition.message = "Démarrage"
        edition.updated_at = utcnow()
        db.commit()
        written = {"at": 0.0, "percent": -1}

        def report(percent: int, message: str) -> None:
            display.update(percent, message)
            now = time.monotonic()
            if percent == written["percent"] or (now - written["at"] < WRITE_EVERY and percent < 100):
                return
            written["at"], written["percent"] = now, percent
            db.execute(
                update(Edition)
                .where(Edition.id == edition.id)
                .values(progress=percent, message=message[:500], updated_at=utcnow())
            )
            db.commit()

        started = time.monotonic()
        path = generate(
            db, edition, var_dir=settings["var_dir"], site_url=settings["site_url"], progress=report
        )
        db.commit()
        if output:
            shutil.copyfile(path, output)
        if not quiet:
            where = output or str(path)
            stream.write(
                f"Guide enregistré : {where} — {edition.message} ({time.monotonic() - started:.1f} s)\n"
            )
        return 0
    except Exception as exc:  # noqa: BLE001 - any failure is reported on the edition's page
        log.error("Edition generation failed\n%s", traceback.format_exc())
        db.rollback()
        failed = db.get(Edition, edition.id) if "edition" in locals() else None
        if failed is not None:
            failed.status = EditionStatus.FAILED
            failed.message = f"La génération a échoué : {exc}"[:2000]
            failed.updated_at = utcnow()
            db.commit()
        stream.write(f"\nLa génération a échoué : {exc}\n")
        return 1
    finally:
        db.close()
        engine.dispose()


def spawn(settings: dict[str, Any], edition_id: int) -> subprocess.Popen[bytes]:
    """Start the generation of an edition in a separate, lower-priority process (used by the web app).

    The process gets the database URL and the var folder through the environment (the web app may not
    know its ini file); its output goes to ``<var_dir>/editions/edition-ID.log``. A thread waits for it so
    that it leaves no zombie behind.
    """
    from ..print import editions_dir

    env = dict(os.environ)
    env["GUIDE_DATABASE_URL"] = settings["database_url"]
    env["GUIDE_VAR_DIR"] = str(settings["var_dir"])
    env["GUIDE_SITE_URL"] = settings.get("site_url", "")
    log_path = editions_dir(settings["var_dir"]) / f"edition-{edition_id}.log"
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "guide.scripts.edition", "--edition", str(edition_id), "--nice", "10"],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(Path(settings["var_dir"])),
            start_new_session=True,
        )
    threading.Thread(target=process.wait, name=f"edition-{edition_id}", daemon=True).start()
    return process


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
