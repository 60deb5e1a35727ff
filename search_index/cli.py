"""guide-reindex CONFIG.ini — rebuild the search index from the database.

``--processus 2`` indexes the documents in two forked processes (faster on idle cores only: see
:meth:`search_index.indexer.IndexFolder.rebuild`).
The running application keeps serving the old index until the new one is committed (one atomic switch);
changes committed meanwhile are applied again afterwards from the change log.
"""

from __future__ import annotations

import argparse
import sys

from guide.scripts import load_settings, session_scope

from . import index_dir
from .service import SearchService


def _seconds_fr(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guide-reindex", description=__doc__)
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple development.ini")
    parser.add_argument(
        "--processus",
        type=int,
        choices=range(1, 9),
        default=1,
        metavar="N",
        help="processus d'indexation (1 à 8, 1 par défaut ; 2 n'accélère que sur une machine peu chargée)",
    )
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    folder = index_dir(settings)
    with session_scope(settings) as db:
        count, seconds = SearchService(folder).reindex_all(db, procs=args.processus)
    plural = "s" if count > 1 else ""
    print(
        f"Index de recherche reconstruit dans {folder} : {count} fiche{plural} publiée{plural} "
        f"en {_seconds_fr(seconds)} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
