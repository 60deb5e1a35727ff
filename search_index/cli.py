"""guide-reindex CONFIG.ini — rebuild the search index from the database.

The documents are indexed by as many forked processes as the machine has cores, two at most
(``--processus N`` to choose: :meth:`search_index.indexer.IndexFolder.rebuild`): at 50,061 fiches on an idle
2-core machine, 22.1–26.5 s over five runs (41–50 s of CPU; 577–631 MB counting each process whole,
shared pages included) against 44 s and 285 MB in one; on a machine already busy two processes gain little,
``--processus 1`` then.
The running application keeps serving the old index until the new one is committed (one atomic switch);
changes committed meanwhile are applied again afterwards from the change log.
"""

from __future__ import annotations

import argparse
import os
import sys

from guide.scripts import load_settings, session_scope

from . import index_dir
from .service import SearchService


def _seconds_fr(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",")


def default_processes() -> int:
    """One indexing process per core, two at most: past two, the process reading the database and building
    the documents is the bottleneck."""
    return max(1, min(2, os.cpu_count() or 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guide-reindex", description=__doc__)
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple development.ini")
    parser.add_argument(
        "--processus",
        type=int,
        choices=range(1, 9),
        default=None,
        metavar="N",
        help=(
            "processus d'indexation (1 à 8 ; par défaut un par cœur de la machine, 2 au plus : "
            "sur une machine déjà chargée, 1 va aussi vite)"
        ),
    )
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    folder = index_dir(settings)
    with session_scope(settings) as db:
        count, seconds = SearchService(folder).reindex_all(db, procs=args.processus or default_processes())
    plural = "s" if count > 1 else ""
    print(
        f"Index de recherche reconstruit dans {folder} : {count} fiche{plural} publiée{plural} "
        f"en {_seconds_fr(seconds)} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
