"""guide-restore CONFIG.ini FILE — restore an archive of guide-backup into an empty instance.

The database of CONFIG.ini must be empty (no table holding a row; a freshly migrated one is empty) unless
--force, which replaces it whole. Every file of the archive is checked against its sha256 before anything is
written. An archive made by an older version of the guide is migrated to the current schema after the
restore; one made by a newer version is refused (update the code first). The search index is then rebuilt
from the restored database (it is never in the archive).

A SQLite archive restores into SQLite, a PostgreSQL archive into PostgreSQL: moving a guide from one database
to the other is not supported, and such a restore is refused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import tarfile
import tempfile
from importlib.metadata import entry_points
from pathlib import Path
from typing import IO, Any

from sqlalchemy import inspect, literal, make_url, select, table, text

from ..db import make_engine
from . import load_settings
from .backup import (
    DATABASE_MEMBER,
    FORMAT_VERSION,
    MANIFEST,
    VAR_FILES,
    BackupError,
    code_head,
    database_kind,
    postgres_program,
    run_postgres,
    script_directory,
    sqlite_path,
)
from .migrate import import_var_files, upgrade

KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.load(member) if member is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("application") != "guide-du-territoire":
        raise BackupError("Ce fichier n'est pas une sauvegarde du guide (manifest.json absent ou illisible).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Format de sauvegarde {manifest.get('format_version')} inconnu de cette version du guide "
            f"(format {FORMAT_VERSION})."
        )
    return manifest


def check_revision(revision: str | None) -> None:
    """Refuse an archive whose schema this code does not know (made by a newer version of the guide)."""
    if revision is None:
        return
    known = {script.revision for script in script_directory().walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"Cette sauvegarde vient d'une version plus récente du guide (schéma {revision}, inconnu de "
            f"cette version, dont le schéma est {code_head()}) : mettez le code à jour avant de restaurer."
        )


def nonempty_tables(database_url: str) -> list[str]:
    """The tables of the database holding at least one row (alembic's own table aside)."""
    if database_kind(database_url) == "sqlite" and not sqlite_path(database_url).exists():
        return []
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            names = [name for name in inspect(conn).get_table_names() if name != "alembic_version"]
            return [
                name
                for name in names
                if conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first()
            ]
    finally:
        engine.dispose()


def _allowed(path: str) -> bool:
    parts = Path(path).parts
    return (
        not Path(path).is_absolute()
        and ".." not in parts
        and any(Path(path).parent == Path(folder) for folder, _pattern in VAR_FILES)
    )


def _extract_checked(tar: tarfile.TarFile, name: str, sha256: str, target: Path) -> None:
    """Copy member ``name`` to ``target``; BackupError if it is missing or its sha256 differs."""
    try:
        source: IO[bytes] | None = tar.extractfile(name)
    except KeyError:
        source = None
    if source is None:
        raise BackupError(f"Sauvegarde incomplète : {name} manque.")
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != sha256:
        raise BackupError(f"Sauvegarde abîmée : le contenu de {name} ne correspond pas à son empreinte.")


def _restore_sqlite(database_url: str, snapshot: Path) -> None:
    target_path = sqlite_path(database_url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)  # replaces the whole target base, schema included
    finally:
        target.close()
        source.close()


def _restore_postgres(database_url: str, dump: Path) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:  # the base is empty (or --force): start from a bare schema
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    program = postgres_program("pg_restore", database_url)
    database = make_url(database_url).database or ""
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    run_postgres([program, *options, "-d", database, str(dump)], database_url)


def restore(settings: dict[str, Any], archive: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore ``archive`` into the instance of ``settings``; returns the archive's manifest."""
    database_url = settings["database_url"]
    kind = database_kind(database_url)
    var_dir = Path(settings["var_dir"])
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the with block below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Impossible de lire l'archive {archive} : {error}") from None
    with tar:
        manifest = read_manifest(tar)
        archived_kind = manifest["database"]["kind"]
        if archived_kind != kind:
            raise BackupError(
                f"Cette sauvegarde est celle d'une base {KIND_NAMES.get(archived_kind, archived_kind)} et "
                f"l'instance utilise {KIND_NAMES[kind]} : passer d'une base à l'autre par une sauvegarde "
                "n'est pas pris en charge."
            )
        check_revision(manifest["schema_revision"])
        if not force and (filled := nonempty_tables(database_url)):
            raise BackupError(
                "La base de l'instance n'est pas vide (tables " + ", ".join(sorted(filled)[:5]) + "…) : "
                "restaurez dans une instance neuve, ou ajoutez --force pour la remplacer entièrement."
            )
        files = manifest["files"]
        for entry in files:
            if not _allowed(entry["path"]):
                raise BackupError(f"Sauvegarde refusée : chemin inattendu {entry['path']!r}.")
        var_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=var_dir, prefix=".guide-restore-") as work:
            staging = Path(work)
            # everything is read and checked before anything is written to the instance
            snapshot = staging / DATABASE_MEMBER[kind]
            _extract_checked(tar, manifest["database"]["file"], manifest["database"]["sha256"], snapshot)
            for entry in files:
                _extract_checked(
                    tar, "var/" + entry["path"], entry["sha256"], staging / "var" / entry["path"]
                )
            if kind == "sqlite":
                _restore_sqlite(database_url, snapshot)
            else:
                _restore_postgres(database_url, snapshot)
            for entry in files:
                target = var_dir / entry["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / "var" / entry["path"], target)
    upgrade(database_url)  # an archive of an older version: its schema is brought to this version's
    import_var_files(database_url, var_dir)  # and its logos and edition PDFs, files then, into the storage
    return manifest


def rebuild_index(config_uri: str) -> int:
    """Run guide-reindex on the restored instance. Found through its entry point, not imported: guide/
    does not import the search_index room (the index is derived data it knows nothing about)."""
    (script,) = entry_points(group="console_scripts", name="guide-reindex")
    return script.load()([config_uri])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-restore",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config_uri", help="le fichier de configuration de l'instance à remplir")
    parser.add_argument("archive", help="l'archive écrite par guide-backup")
    parser.add_argument(
        "--force", action="store_true", help="remplacer entièrement une base qui n'est pas vide"
    )
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    try:
        manifest = restore(settings, Path(args.archive), force=args.force)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Sauvegarde du {manifest['created_at']} restaurée : base {manifest['database']['kind']}, "
        f"{len(manifest['files'])} fichier(s) de var/, schéma {code_head()}."
    )
    return rebuild_index(args.config_uri)


if __name__ == "__main__":
    sys.exit(main())
