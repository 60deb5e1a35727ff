"""guide-load-quartiers CONFIG.ini FILE.geojson — load official quartier contours (IRIS, QPV).

The file may be in any coordinate reference system named by its ``crs`` member (Lambert-93 for IGN's
IRIS, WGS84 by default); see :mod:`guide.services.quartiers`. Everything is done in one transaction:
when the file cannot be used, a message is printed and nothing is changed.
"""

from __future__ import annotations

import argparse
import sys

from . import load_settings, session_scope


def main(argv: list[str] | None = None) -> int:
    from ..services.quartiers import QuartierFileError, load_geojson, read_geojson_file

    parser = argparse.ArgumentParser(
        prog="guide-load-quartiers",
        description="Charge les contours officiels des quartiers (IRIS de l'IGN, QPV de l'ANCT) depuis un "
        "fichier GeoJSON, puis rattache chaque lieu au quartier qui le contient.",
    )
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple development.ini")
    parser.add_argument("file", help="le fichier GeoJSON des contours")
    parser.add_argument(
        "--code-field", help="le champ du code du quartier (par défaut : code_iris, code_qp…, deviné)"
    )
    parser.add_argument(
        "--name-field", help="le champ du nom du quartier (par défaut : nom_iris, nom_qp, lib_qp…, deviné)"
    )
    parser.add_argument(
        "--keep-others",
        action="store_true",
        help="garder les quartiers schématiques absents du fichier (par défaut, ils sont supprimés)",
    )
    args = parser.parse_args(argv)
    try:
        data = read_geojson_file(args.file)
        settings = load_settings(args.config_uri)
        with session_scope(settings) as db:
            report = load_geojson(
                db, data, code_field=args.code_field, name_field=args.name_field, keep_others=args.keep_others
            )
    except QuartierFileError as exc:
        print(f"Erreur : {exc} Aucune modification n'a été faite.", file=sys.stderr)
        return 1
    print(f"Contours des quartiers chargés depuis {args.file}.")
    for line in report.summary_lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
