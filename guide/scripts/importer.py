"""guide-import CONFIG.ini PATH [--publish] — import a data·inclusion v1 export (structures + services).

PATH is a folder holding structures.json and services.json (or structures.csv and services.csv), or a
structures file whose services file lies beside it. Without --publish, new and changed fiches await
review by the coordination; with it, they are published at once. Running the same import again
changes nothing. Exit status: 0 when the import ran (even with rejected rows), 1 when it could not
run at all (nothing is written then), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services.importer import ImportFailed, import_inventory
from . import load_settings, session_scope


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-import",
        description="Importe un export data·inclusion v1 (structures et services) dans le guide.",
    )
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple development.ini")
    parser.add_argument(
        "path", help="le dossier de l'export (structures.json + services.json, ou en CSV) ou structures.json"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="publier directement les fiches (sinon elles attendent validation)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2  # --help, or bad usage (argparse has printed why)
    if not Path(args.config_uri.split("#")[0]).is_file():
        print(f"Fichier de configuration introuvable : {args.config_uri}", file=sys.stderr)
        return 2
    settings = load_settings(args.config_uri)
    try:
        with session_scope(settings) as db:
            report = import_inventory(db, args.path, publish=args.publish)
    except ImportFailed as error:
        print(f"Import impossible : {error.message}", file=sys.stderr)
        return 1
    if report.rejected:
        print(f"Lignes rejetées ({len(report.rejected)}) :")
        for rejection in report.rejected:
            print(f"  - {rejection}")
    if report.warnings:
        print(f"Avertissements ({len(report.warnings)}) :")
        for warning in report.warnings:
            print(f"  - {warning}")
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
