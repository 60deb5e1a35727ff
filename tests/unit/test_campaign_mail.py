"""Campaign mails through the outbox: one delivery trigger per transaction, every other mail only queued."""

from __future__ import annotations

import transaction

from guide.services import campaigns
from guide.services.freshness import Freshness


class OutboxMailer:
    def __init__(self):
        self.calls = []

    def queue(self, db, to, subject, body):
        self.calls.append(("queue", to))

    def send_after_commit(self, tm, to, subject, body):
        self.calls.append(("trigger", to))


class PlainMailer:
    def __init__(self):
        self.calls = []

    def send_after_commit(self, tm, to, subject, body):
        self.calls.append(("trigger", to))


def test_one_trigger_per_transaction_with_an_outbox():
    tm = transaction.TransactionManager()
    tm.begin()
    mailer = OutboxMailer()
    for to in ("a@x.fr", "b@x.fr", "c@x.fr"):
        campaigns.send_mail(None, mailer, tm, to, "Objet", "Corps")
    assert mailer.calls == [("trigger", "a@x.fr"), ("queue", "b@x.fr"), ("queue", "c@x.fr")]
    tm.abort()
    tm.begin()
    campaigns.send_mail(None, mailer, tm, "d@x.fr", "Objet", "Corps")
    assert mailer.calls[-1] == ("trigger", "d@x.fr")  # a new transaction is triggered again
    tm.abort()


def test_without_an_outbox_every_mail_leaves_after_the_commit():
    tm = transaction.TransactionManager()
    tm.begin()
    mailer = PlainMailer()
    for to in ("a@x.fr", "b@x.fr"):
        campaigns.send_mail(None, mailer, tm, to, "Objet", "Corps")
    assert mailer.calls == [("trigger", "a@x.fr"), ("trigger", "b@x.fr")]
    tm.abort()


def test_the_mail_lists_the_fiches_most_urgent_first_and_bounds_the_list():
    lines = [campaigns.FicheLine(i, f"Fiche {i}", Freshness.A_VERIFIER) for i in range(40)]
    subject, body = campaigns.mail_for("Guide", "Asso", "Bonjour !", lines, "http://x/mise-a-jour/t", 30)
    assert subject == "Guide : vos fiches sont-elles à jour ? (Asso)"
    assert "Fiche 0 (à vérifier)" in body and "… et 10 autre(s)." in body
    assert "valable 30 jours" in body and "http://x/mise-a-jour/t" in body
    subject, body = campaigns.mail_for("Guide", "Asso", "", lines[:1], "http://x", 30, reminder=2)
    assert subject.startswith("Rappel — ") and "pas encore eu de réponse" in body
