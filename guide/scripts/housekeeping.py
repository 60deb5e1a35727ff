"""guide-housekeeping CONFIG.ini — the periodic chores, for cron (every 10 minutes, say).

* the coordinators' digest of pending error reports (at most one per ``report.digest_minutes``);
* temporary uploads of forms never sent again;
* used report stamps, account links and login attempts that have served their purpose;
* the PDF cache (in the shared storage) trimmed to ``pdf.cache_max_mb``;
* mails of the outbox sent more than 30 days ago, and the task queue's leftovers (markers of renders lost
  with their worker, locks) older than a day — done tasks leave no row.

Each step runs in a transaction of its own and is logged; a step that fails does not stop the others,
but the command then exits with 1 (cron mails its output). Every step is idempotent: running the command
twice, or two at once, does no harm.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from .. import storage, tasks
from ..mail import Mailer, prune_outbox
from ..services import housekeeping
from ..services.campaigns.links import purge_expired_links
from ..services.reports import send_report_digest
from ..services.uploads import purge_stale_temp_files
from ..settings import coerce
from . import load_settings, session_scope

log = logging.getLogger("guide.housekeeping")


class _Outbox:
    """A mailer whose messages leave only once the transaction that decided them has committed (a digest
    is marked sent and mailed, or neither)."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.messages: list[EmailMessage] = []

    def build(self, to: str, subject: str, body: str) -> EmailMessage:
        return self.mailer.build(to, subject, body)

    def deliver(self, message: EmailMessage) -> None:
        self.messages.append(message)


def _report_digest(settings: dict[str, Any]) -> str:
    outbox = _Outbox(Mailer(settings))
    with session_scope(settings) as db:
        send_report_digest(db, outbox, settings)
    for message in outbox.messages:
        outbox.mailer.deliver(message)
    return f"{len(outbox.messages)} courriel(s) envoyé(s)"


def _in_transaction(purge: Callable[[Any], int]) -> Callable[[dict[str, Any]], str]:
    def step(settings: dict[str, Any]) -> str:
        with session_scope(settings) as db:
            return f"{purge(db)} supprimé(s)"

    return step


def _temp_uploads(settings: dict[str, Any]) -> str:
    return f"{purge_stale_temp_files(str(coerce(settings).var_dir))} fichier(s) supprimé(s)"


def _pdf_cache(db: Any) -> int:
    """The PDF cache in the shared storage, back within ``pdf.cache_max_mb`` (least recently used out)."""
    return storage.evict(db, storage.PDF, int(coerce(db.info["settings"]).pdf_cache_max_mb * 1024 * 1024))


def _with_settings(purge: Callable[[Any], int]) -> Callable[[dict[str, Any]], str]:
    def step(settings: dict[str, Any]) -> str:
        with session_scope(settings) as db:
            db.info["settings"] = settings
            return f"{purge(db)} supprimé(s)"

    return step


STEPS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("signalements en attente", _report_digest),
    ("envois de fichiers abandonnés", _temp_uploads),
    ("tampons de signalement expirés", _in_transaction(housekeeping.purge_used_report_stamps)),
    ("liens de compte expirés", _in_transaction(housekeeping.purge_expired_tokens)),
    ("liens de mise à jour expirés", _in_transaction(purge_expired_links)),
    ("anciennes tentatives de connexion", _in_transaction(housekeeping.purge_old_login_attempts)),
    ("compteurs de consultation regroupés par mois", _in_transaction(housekeeping.roll_up_usage_counters)),
    ("cache des PDF", _with_settings(_pdf_cache)),
    ("courriels envoyés depuis plus de 30 jours", _in_transaction(prune_outbox)),
    ("données des tâches terminées", _in_transaction(tasks.prune)),
]


def run(settings: dict[str, Any]) -> bool:
    """Every step; True when all went well."""
    ok = True
    for name, step in STEPS:
        try:
            log.info("housekeeping: %s : %s", name, step(settings))
        except Exception:  # a failing step is reported and the others still run
            log.exception("housekeeping: %s : échec", name)
            ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guide-housekeeping", description=__doc__)
    parser.add_argument("config_uri")
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    return 0 if run(settings) else 1


if __name__ == "__main__":
    sys.exit(main())
