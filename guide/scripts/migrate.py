"""guide-migrate CONFIG.ini — bring the database to the latest schema.

Any earlier released schema is upgraded (tests/functional/test_upgrades.py). Downgrades are not supported: to
go back to an older version of the guide, restore the backup made before the upgrade (guide-restore).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from . import load_settings

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def alembic_config(database_url: str, connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, connection: Any = None) -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url, connection), "head")


def import_var_files(database_url: str, var_dir: str | Path) -> int:
    """Copy the logos and edition PDFs an earlier release kept under ``var_dir`` into the shared storage
    (:func:`guide.storage.import_var_files`; those already there are skipped): a guide upgraded from that
    release keeps them, whichever server serves them. Returns how many were copied."""
    from .. import storage
    from ..db import make_engine, make_session_factory

    if not any(storage.var_files(var_dir)):
        return 0
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            copied = storage.import_var_files(db, var_dir)
            db.commit()
    finally:
        engine.dispose()
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-migrate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple development.ini")
    parser.add_argument("--revision", help="créer une nouvelle migration avec ce message (développeurs)")
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    if args.revision:
        command.revision(alembic_config(settings["database_url"]), message=args.revision, autogenerate=True)
        return 0
    upgrade(settings["database_url"])
    copied = import_var_files(settings["database_url"], settings["var_dir"])
    if copied:
        print(f"{copied} logo(s) et PDF d'édition de var/ copiés dans la base (stockage partagé).")
    print("Base de données à jour.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
