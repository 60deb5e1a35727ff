"""Backup and restore times of a big guide — `python bench/bench_backup.py [--fiches 10000] [--no-postgres]`.

In a temporary folder: the demo guide plus ``--fiches`` published fiches (bulk inserts, each with two versions
and their history events), 50 logos and an edition PDF of 5 MB in var/. Then, as an operator would run them,
``guide-backup`` (timed), and ``guide-restore`` into a fresh instance (fresh var dir, fresh database; timed,
search index rebuild included, its own time shown apart), on SQLite, and on PostgreSQL when its binaries are
installed (a throwaway server started with ``.ci/pg.sh start`` and stopped at the end). Target: each ≤ 60 s.
Wall-clock seconds depend on what else the machine runs (the load average is printed); the CPU seconds of
the command (user + system, PostgreSQL's server work not included) much less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from sqlalchemy import bindparam, func, insert, make_url, select, text, update  # noqa: E402

from guide.db import make_engine, make_session_factory  # noqa: E402
from guide.models import Fiche, FicheEvent, FicheVersion, Lieu, Organisation, State, Thematique  # noqa: E402
from guide.models.fiche import version_lieu, version_thematique  # noqa: E402
from guide.scripts.migrate import upgrade  # noqa: E402
from guide.services import uploads  # noqa: E402
from guide.services.demo import load_demo  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_SECONDS = 60.0
VERSION_FIELDS = [
    "resume",
    "type_service",
    "publics",
    "age_min",
    "age_max",
    "conditions_acces",
    "frais",
    "langues",
    "horaires",
    "telephone",
]


def fill(url: str, var_dir: Path, size: int) -> int:
    """The demo guide plus ``size`` published fiches with two versions each; returns the number of fiches."""
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(size)
    with make_session_factory(engine)() as db:
        load_demo(db)
        db.commit()
        orgs = list(db.scalars(select(Organisation).order_by(Organisation.id)))
        lieux = [lieu.id for lieu in db.scalars(select(Lieu))]
        themes = [t.id for t in db.scalars(select(Thematique))]
        templates = [v for v in db.scalars(select(FicheVersion)) if v.nom]
        for number, org in enumerate(orgs[:50]):
            image = Image.new("RGB", (300, 200), (number * 5 % 256, 120, 200 - number))
            out = io.BytesIO()
            image.save(out, format="PNG")
            org.logo = uploads.store_logo(db, out.getvalue())
        db.commit()
        next_fiche = (db.scalar(select(func.max(Fiche.id))) or 0) + 1
        next_version = (db.scalar(select(func.max(FicheVersion.id))) or 0) + 1
        now = dt.datetime.now(dt.UTC)
        for start in range(0, size, 2000):
            fiches, versions, links, themes_rows, events, pointers = [], [], [], [], [], []
            for i in range(start, min(size, start + 2000)):
                model = templates[i % len(templates)]
                fiche_id = next_fiche + i
                first, second = next_version + 2 * i, next_version + 2 * i + 1
                fiches.append(
                    {
                        "id": fiche_id,
                        "uid": f"bench--{i}",
                        "organisation_id": rng.choice(orgs).id,
                        "state": State.PUBLISHED,
                        "created_at": now,
                        "updated_at": now,
                        "state_changed_at": now,
                        "published_at": now,
                        "lock_version": 2,
                    }
                )
                for number, version_id in ((1, first), (2, second)):
                    versions.append(
                        {
                            "id": version_id,
                            "fiche_id": fiche_id,
                            "number": number,
                            "created_at": now,
                            "note": "banc d'essai",
                            "nom": f"{model.nom} {i}"[:150],
                            "description": f"{model.description} (version {number})",
                            "publics_precisions": "",
                            "conditions_precisions": "",
                            "frais_precisions": "",
                            "horaires_precisions": "",
                            "fermetures": [],
                            "contact_nom": "",
                            "courriel": "",
                            "site_web": "",
                            **{name: getattr(model, name) for name in VERSION_FIELDS},
                        }
                    )
                    links.append({"version_id": version_id, "lieu_id": rng.choice(lieux), "position": 0})
                    themes_rows += [
                        {"version_id": version_id, "thematique_id": t} for t in rng.sample(themes, 2)
                    ]
                for action, before, after, number in (
                    ("create", None, State.DRAFT, 1),
                    ("publish", State.DRAFT, State.PUBLISHED, 2),
                ):
                    events.append(
                        {
                            "fiche_id": fiche_id,
                            "at": now,
                            "action": action,
                            "from_state": before,
                            "to_state": after,
                            "version_number": number,
                            "comment": "",
                        }
                    )
                pointers.append({"b_id": fiche_id, "b_v": second})
            db.execute(insert(Fiche), fiches)
            db.execute(insert(FicheVersion), versions)
            db.execute(insert(version_lieu), links)
            db.execute(insert(version_thematique), themes_rows)
            db.execute(insert(FicheEvent), events)
            table = Fiche.__table__
            db.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(current_version_id=bindparam("b_v"), published_version_id=bindparam("b_v")),
                pointers,
            )
            db.commit()
        total = db.scalar(select(func.count()).select_from(Fiche))
    engine.dispose()
    editions = var_dir / "editions"
    editions.mkdir(parents=True, exist_ok=True)
    (editions / "edition-1-guide-2026.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(5_000_000))
    return total


def ini(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "guide.ini"
    path.write_text(
        "[app:main]\nuse = egg:guide-du-territoire\n"
        f"database_url = {url.replace('%', '%%')}\nvar_dir = {folder / 'var'}\nsecret = {'b' * 48}\n"
    )
    return path


def timed(*args: str) -> tuple[float, float, str]:
    """Run a command: its wall-clock seconds, its CPU seconds (user + system: what a busy machine does not
    change much) and its output."""
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(args, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - started, cpu, result.stdout


def measure(kind: str, source_url: str, target_url: str, folder: Path, size: int) -> list[str]:
    source, target = ini(folder / "source", source_url), ini(folder / "target", target_url)
    started = time.perf_counter()
    total = fill(source_url, folder / "source" / "var", size)
    print(f"{kind}: {total} fiches written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    archive = folder / "guide.tar.gz"
    backup_seconds, backup_cpu, _out = timed(str(BIN / "guide-backup"), str(source), "-o", str(archive))
    restore_seconds, restore_cpu, out = timed(str(BIN / "guide-restore"), str(target), str(archive))
    reindex = re.search(r"en (\d+,\d+) s", out)  # what guide-reindex, run by guide-restore, reports
    index_seconds = reindex.group(1) if reindex else "?"
    print(f"{kind}: backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s", file=sys.stderr)
    verdict = "ok" if max(backup_seconds, restore_seconds) <= TARGET_SECONDS else "TOO SLOW"
    size_mb = archive.stat().st_size / 1_000_000
    return [
        kind,
        str(total),
        f"{size_mb:.1f}",
        f"{backup_seconds:.1f} ({backup_cpu:.1f})",
        f"{restore_seconds:.1f} ({restore_cpu:.1f})",
        index_seconds,
        verdict,
        f"{os.getloadavg()[0]:.1f}",
    ]


def postgres_databases(server_url: str) -> tuple[str, str]:
    parsed = make_url(server_url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    names = ("guide_bench_source", "guide_bench_target")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return tuple(parsed.set(database=name).render_as_string(hide_password=False) for name in names)  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fiches", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        folder = Path(tmp)
        rows.append(
            measure(
                "SQLite",
                f"sqlite:///{folder / 'sqlite' / 'source.sqlite'}",
                f"sqlite:///{folder / 'sqlite' / 'target.sqlite'}",
                folder / "sqlite",
                args.fiches,
            )
        )
        has_postgres = any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if has_postgres and not args.no_postgres:
            pg_dir = "/tmp/bench-pg"
            server = subprocess.run(
                [str(ROOT / ".ci" / "pg.sh"), "start", pg_dir], capture_output=True, text=True, check=True
            ).stdout.strip()
            try:
                source_url, target_url = postgres_databases(server)
                rows.append(measure("PostgreSQL", source_url, target_url, folder / "pg", args.fiches))
            finally:
                subprocess.run([str(ROOT / ".ci" / "pg.sh"), "stop", pg_dir], capture_output=True)
    header = [
        "base",
        "fiches",
        "archive (Mo)",
        "guide-backup s (CPU)",
        "guide-restore s (CPU)",
        "dont index (s)",
        f"≤ {TARGET_SECONDS:.0f} s",
        "charge (loadavg)",
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(row[-2] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
