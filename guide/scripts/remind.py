"""guide-remind CONFIG.ini [--dry-run] — the reminders that are due, for cron (once a day).

* campaign reminders, 7 and 21 days after a campaign's mail, to the organisations that have not answered;
* fiche reminders, when a published fiche enters « à vérifier bientôt » or « à vérifier » (one mail per
  organisation listing its fiches, with a password-less link to confirm them).

Never the same reminder twice: each one is recorded under a unique key (``reminder_sent``) in the same
transaction as the decision to send it; a second run the same day, or two runs at once, send nothing more.
With the mail outbox (``Mailer.queue``) the mails are queued in that transaction and sent by the worker;
otherwise they leave once the transaction has committed. ``--dry-run`` prints what would be sent and
changes nothing. Prints one line per mail sent (or to be sent), then a total; exits 1 on an error.
"""

from __future__ import annotations

import argparse
import sys
from email.message import EmailMessage
from typing import Any

from ..mail import Mailer
from ..services.campaigns.reminders import send_due_reminders
from . import load_settings, session_scope


class _AfterCommit:
    """A mailer whose messages wait for the command's commit (used when there is no mail outbox)."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.messages: list[EmailMessage] = []

    def build(self, to: str, subject: str, body: str) -> EmailMessage:
        return self.mailer.build(to, subject, body)

    def deliver(self, message: EmailMessage) -> None:
        self.messages.append(message)


def run(settings: dict[str, Any], *, dry_run: bool = False, out: Any = None) -> int:
    """Send (or list) the due reminders; returns how many organisations were reminded."""
    out = out or sys.stdout
    real = Mailer(settings)
    mailer: Any = real if hasattr(real, "queue") and not dry_run else _AfterCommit(real)
    with session_scope(settings) as db:
        sent = send_due_reminders(db, mailer, settings, dry_run=dry_run)
        if dry_run:
            db.rollback()
    if isinstance(mailer, _AfterCommit) and not dry_run:
        for message in mailer.messages:
            real.deliver(message)
    verb = "à envoyer" if dry_run else "envoyé"
    for item in sent:
        out.write(f"{verb} [{item.kind}] {item.organisation} → {', '.join(item.emails)} : {item.detail}\n")
    note = " (essai : rien n'est envoyé ni enregistré)" if dry_run else ""
    out.write(f"Total : {len(sent)} rappel(s) {verb if dry_run else 'envoyé(s)'}{note}\n")
    return len(sent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guide-remind", description=__doc__.splitlines()[0])
    parser.add_argument("config_uri", help="fichier de configuration (production.ini)")
    parser.add_argument(
        "--dry-run", action="store_true", help="affiche ce qui serait envoyé, sans rien envoyer"
    )
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    run(settings, dry_run=args.dry_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
