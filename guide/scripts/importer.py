"""guide-import CONFIG.ini PATH [--publish] [--dry-run] [--report FILE.csv] — import a data·inclusion export.

PATH is a folder holding structures.json and services.json (or structures.csv and services.csv), or a
structures file whose services file lies beside it. Without --publish, new and changed fiches await
review by the coordination; with it, they are published at once. Running the same import again
changes nothing; running a newer export of the same source updates what the source changed, keeps what
partners edited since (reported as conflicts) and reports what disappeared (never deleted).

The report lists the rejected rows (only those nothing usable can be made of), the warnings (values
dropped, quartiers not found, places outside the territory…), the conflicts and the disappeared rows;
--report writes it as CSV too. --dry-run prints the same report and writes nothing. Exit status: 0 when
the import ran (even with rejected rows), 1 when it could not run at all (nothing is written then), 2 on
bad usage.
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
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="essai à blanc : afficher le compte rendu sans rien enregistrer",
    )
    parser.add_argument(
        "--report",
        metavar="FICHIER.csv",
        help="écrire aussi le compte rendu (rejets, avertissements, conflits, disparus) dans ce fichier CSV",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2  # --help, or bad usage (argparse has printed why)
    if not Path(args.config_uri.split("#")[0]).is_file():
        print(f"Fichier de configuration introuvable : {args.config_uri}", file=sys.stderr)
        return 2
    if args.report and not Path(args.report).resolve().parent.is_dir():
        print(f"Dossier introuvable pour le compte rendu : {args.report}", file=sys.stderr)
        return 2
    settings = load_settings(args.config_uri)
    communes = settings.get("territory.communes")  # the setting's default: see guide.settings
    territory = None if communes is None else str(communes).split()
    try:
        with session_scope(settings) as db:
            report = import_inventory(
                db, args.path, publish=args.publish, dry_run=args.dry_run, territory=territory
            )
    except ImportFailed as error:
        print(f"Import impossible : {error.message}", file=sys.stderr)
        return 1
    print(report.text())
    if args.report:
        try:
            report.write_csv(args.report)
        except OSError as error:
            print(f"Compte rendu CSV impossible à écrire : {error.strerror or error}", file=sys.stderr)
            return 1
        print(f"Compte rendu écrit dans {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
