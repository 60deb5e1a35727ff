"""guide-backup CONFIG.ini -o FILE — a consistent snapshot of the guide in one archive (tar.gz).

The archive holds the database (SQLite: a copy made with SQLite's online backup API; PostgreSQL: `pg_dump`
in custom format) — with it the organisations' logos and the PDFs of the printed editions, which live in the
database's shared storage (:mod:`guide.storage`) — and a manifest.json (format, schema revision, date,
database kind, every file with its sha256). Logos and edition PDFs an earlier release left on disk
(var/uploads/logos, var/editions) are archived too, as files, when there are any. It is safe to run while
the guide serves requests.

Not in the archive: the search index (derived data, rebuilt by guide-restore), the mail folder,
temporary uploads and var/secret.key (a secret does not belong in an archive kept elsewhere; after a restore
without it, visitors and partners simply log in again — set `secret` in the ini file to keep sessions).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text

from ..db import make_engine
from . import load_settings
from .migrate import alembic_config

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
# (folder under var_dir, pattern of the files that matter): logos are content-addressed and never deleted,
# editions are written once under their final name (a ".tmp" or ".log" beside them is not kept)
VAR_FILES = (("uploads/logos", "*"), ("editions", "*.pdf"))


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator, in French."""


def database_kind(database_url: str) -> str:
    kind = make_url(database_url).get_backend_name()
    if kind not in DATABASE_MEMBER:
        raise BackupError(f"Base de données non prise en charge : {kind} (SQLite ou PostgreSQL seulement).")
    return kind


def sqlite_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas : indiquez un fichier.")
    return Path(path)


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def code_head() -> str:
    return script_directory().get_current_head()


def current_revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fp:
        for block in iter(lambda: fp.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL client programs ----------


def libpq_environ(database_url: str) -> dict[str, str]:
    """The environment that points pg_dump / pg_restore at the database of a SQLAlchemy URL."""
    url = make_url(database_url)
    env = dict(os.environ)
    host = url.host or url.query.get("host")
    values = {
        "PGHOST": host if isinstance(host, str) else None,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def postgres_program(name: str, database_url: str) -> str:
    """pg_dump or pg_restore of the server's major version (Debian installs each version under
    /usr/lib/postgresql/N/bin, as .ci/pg.sh finds them), else a newer one, else the one on PATH."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    versions = []
    for folder in Path("/usr/lib/postgresql").glob("*/bin"):
        if folder.parent.name.isdigit() and (folder / name).exists():
            versions.append((int(folder.parent.name), str(folder / name)))
    for version, path in sorted(versions):
        if version >= major:  # a client program reads older servers, never newer ones
            return path
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} est introuvable : installez le client PostgreSQL {major}.")
    return found


def run_postgres(args: list[str], database_url: str) -> None:
    result = subprocess.run(args, env=libpq_environ(database_url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} a échoué : {result.stderr.strip()[-2000:]}")


# --- backup ----------


def _snapshot_database(database_url: str, kind: str, target: Path) -> None:
    if kind == "sqlite":
        source_path = sqlite_path(database_url)
        if not source_path.exists():
            raise BackupError(f"La base {source_path} n'existe pas.")
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # page by page, consistent even while the app writes
        finally:
            copy.close()
            source.close()
    else:
        program = postgres_program("pg_dump", database_url)
        run_postgres(
            [program, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target)], database_url
        )


def _snapshot_revision(database_url: str, kind: str, snapshot: Path) -> str | None:
    if kind == "sqlite":  # read from the copy itself: what was saved, not what the live base says now
        return current_revision(f"sqlite:///{snapshot}")
    return current_revision(database_url)


def var_files(var_dir: Path) -> list[Path]:
    """The files of var/ that a backup keeps, relative to var_dir, in a stable order."""
    found: list[Path] = []
    for folder, pattern in VAR_FILES:
        base = var_dir / folder
        if base.is_dir():
            found.extend(
                path.relative_to(var_dir)
                for path in base.glob(pattern)
                if path.is_file() and not path.name.startswith(".")
            )
    return sorted(found)


def backup(settings: dict[str, Any], output: Path) -> dict[str, Any]:
    """Write the archive to ``output`` (atomically: a half-written archive never bears its name)."""
    database_url = settings["database_url"]
    kind = database_kind(database_url)
    var_dir = Path(settings["var_dir"])
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".guide-backup-") as work:
        snapshot = Path(work) / DATABASE_MEMBER[kind]
        _snapshot_database(database_url, kind, snapshot)
        revision = _snapshot_revision(database_url, kind, snapshot)
        # files after the database: a logo the snapshot names was stored before it (logos are never
        # deleted), so it is in the archive; a newer one is merely extra
        files = [
            {
                "path": str(relative),
                "sha256": sha256_file(var_dir / relative),
                "size": (var_dir / relative).stat().st_size,
            }
            for relative in var_files(var_dir)
        ]
        manifest = {
            "format_version": FORMAT_VERSION,
            "application": "guide-du-territoire",
            "schema_revision": revision,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {"kind": kind, "file": snapshot.name, "sha256": sha256_file(snapshot)},
            "files": files,
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(snapshot, arcname=snapshot.name)
            for entry in files:
                tar.add(var_dir / entry["path"], arcname="var/" + entry["path"])
        partial.replace(output)
    return manifest


def _size_fr(size: int) -> str:
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} ko"
    return f"{size / 1_000_000:.1f} Mo".replace(".", ",")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-backup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple production.ini")
    parser.add_argument("-o", "--output", required=True, help="l'archive à écrire, par exemple guide.tar.gz")
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    output = Path(args.output)
    try:
        manifest = backup(settings, output)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    count = len(manifest["files"])
    print(
        f"Sauvegarde écrite dans {output} ({_size_fr(output.stat().st_size)}) : base "
        f"{manifest['database']['kind']} au schéma {manifest['schema_revision']}, "
        f"{count} fichier{'s' if count > 1 else ''} de var/."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
