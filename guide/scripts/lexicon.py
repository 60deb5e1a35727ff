"""guide-lexicon CONFIG.ini [--update] — load the shipped lexicon (guide/data/lexicon.json) into the synonyms.

Adds the lexicon's groups the guide does not have yet; with ``--update``, also gives the groups no coordinator
changed the lexicon's new terms, and deletes those the lexicon no longer ships. A group a coordinator changed
or deleted is never touched. Running it again changes nothing.
"""

from __future__ import annotations

import argparse
import sys

from . import load_settings, session_scope


def main(argv: list[str] | None = None) -> int:
    from ..services.lexicon import LexiconError, ensure_lexicon

    parser = argparse.ArgumentParser(prog="guide-lexicon", description=__doc__)
    parser.add_argument("config_uri")
    parser.add_argument(
        "--update", action="store_true", help="update the groups no coordinator changed to the new lexicon"
    )
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    try:
        with session_scope(settings) as db:
            report = ensure_lexicon(db, update=args.update)
    except LexiconError as error:  # a broken lexicon file: nothing was written
        print(f"Lexique illisible : {error}", file=sys.stderr)
        return 1
    print("Lexique de la recherche chargé.")
    for line in report.lines():
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
