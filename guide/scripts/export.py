"""guide-export CONFIG.ini --format data-inclusion|hsds|csv -o DIR — the public guide as open data.

Writes the files of one format into DIR (created if needed): data·inclusion v1 (structures.json,
services.json, metadata.json), Open Referral HSDS 3.0 (datapackage.json and one CSV per table) or CSV
(fiches.csv, metadata.json). Only published content; the licence (setting ``opendata.licence``) and the date
are in the metadata. The same files are served at /opendata/… by the site. Exit status: 0 when written,
1 when the folder cannot be written, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..services import export
from ..settings import parse
from . import load_settings, session_scope


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-export", description="Exporte le guide public en données ouvertes."
    )
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple development.ini")
    parser.add_argument("--format", required=True, choices=export.FORMATS, help="data-inclusion, hsds ou csv")
    parser.add_argument("-o", "--output", required=True, help="le dossier où écrire les fichiers")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    if not Path(args.config_uri.split("#")[0]).is_file():
        print(f"Fichier de configuration introuvable : {args.config_uri}", file=sys.stderr)
        return 2
    raw = load_settings(args.config_uri)
    settings = parse(raw)
    with session_scope(raw) as db:
        files = export.build(
            db,
            args.format,
            site_name=settings.site_name,
            site_url=settings.site_url,
            licence_setting=settings.opendata_licence,
        )
    try:
        written = export.write(files, args.output)
    except OSError as error:
        print(f"Écriture impossible dans {args.output} : {error.strerror or error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"{export.FORMAT_LABELS[args.format]} : {len(written)} fichier(s) écrit(s) dans {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
