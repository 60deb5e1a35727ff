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
    print("Base de données à jour.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
