"""The mail outbox: a mail is a row written in the transaction that decides it, sent by the worker with
retries, never lost and never sent twice."""

from __future__ import annotations

import datetime as dt
import socket

import transaction
from sqlalchemy import select, update

from guide import mail, tasks
from guide.db import get_tm_session
from guide.models import utcnow
from guide.models.storage import MailOutbox


def _dead_port() -> int:
    """A loopback port where no SMTP server listens (the server is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _settings(app, port: int) -> dict:
    return {**app.registry.settings, "mail.port": str(port)}


def test_a_rolled_back_transaction_sends_nothing_a_committed_one_sends_once(
    app, session_factory, mailbox, db
):
    mailer = app.registry["mailer"]
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    session = get_tm_session(session_factory, manager, writes=True)
    mailer.send_after_commit(manager, "annule@example.org", "Annulé", "Ne part pas.")
    manager.abort()
    assert db.scalars(select(MailOutbox).where(MailOutbox.recipient == "annule@example.org")).all() == []

    manager.begin()
    session = get_tm_session(session_factory, manager, writes=True)
    session.execute(select(1))  # the request used its session: the mail joins that transaction
    mailer.send_after_commit(manager, "valide@example.org", "Valide", "Part une fois.")
    manager.commit()
    message = mailbox.wait_for("valide@example.org")
    assert message["Subject"] == "Valide" and "Part une fois." in mailbox.body(message)
    assert not any("annule@" in m["To"] for m in mailbox.messages)
    row = db.scalars(select(MailOutbox).where(MailOutbox.recipient == "valide@example.org")).one()
    assert row.sent_at is not None and row.attempts == 1


def test_smtp_down_keeps_the_mails_queued_then_delivers_each_once(
    app, session_factory, smtp_server, mailbox, db
):
    mailer = mail.Mailer(_settings(app, _dead_port()))
    for number in range(3):
        mailer.queue(db, f"file-{number}@example.org", f"Message {number}", "Bonjour.")
    db.commit()

    # The SMTP server is down: nothing is lost, each mail waits with its error and a later attempt.
    assert mail.deliver_outbox(session_factory, _settings(app, _dead_port())) == 0
    rows = db.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()
    assert all(row.sent_at is None for row in rows)
    assert rows[0].attempts == 1 and "Connection" in rows[0].last_error
    assert rows[0].next_attempt_at > utcnow()  # backed off
    assert mail.outbox_stats(db)[0] == 3

    # The server unreachable, the worker did not try the two others (they keep their turn); the one that
    # failed waits for its time even once the server is up again (no hammering).
    assert [row.attempts for row in rows[1:]] == [0, 0]
    up = _settings(app, smtp_server[0].port)
    assert mail.deliver_outbox(session_factory, up) == 2
    assert mailbox.wait_for("file-1@example.org") and "file-0@" not in str(
        [m["To"] for m in mailbox.messages]
    )
    db.execute(update(MailOutbox).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
    db.commit()
    assert mail.deliver_outbox(session_factory, up) == 1
    assert mail.deliver_outbox(session_factory, up) == 0  # sent once, not again
    received = [m["To"] for m in mailbox.messages]
    assert sorted(received) == [f"file-{n}@example.org" for n in range(3)]
    assert mail.outbox_stats(db) == (0, 0.0)


def test_backoff_grows_and_is_bounded():
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert mail.backoff(30) == mail.MAX_BACKOFF


def test_housekeeping_prunes_old_sent_mails_only(db):
    mailer = mail.Mailer({"var_dir": "/tmp", "secret": "x" * 40})
    old = mailer.queue(db, "vieux@example.org", "Vieux", "…")
    waiting = mailer.queue(db, "attente@example.org", "En attente", "…")
    recent = mailer.queue(db, "recent@example.org", "Récent", "…")
    db.flush()
    old.sent_at = utcnow() - mail.KEEP_SENT - dt.timedelta(days=1)
    recent.sent_at = utcnow()
    waiting.created_at = utcnow() - dt.timedelta(days=90)  # never sent: kept whatever its age
    db.flush()
    assert mail.prune_outbox(db) == 1
    assert {row.recipient for row in db.scalars(select(MailOutbox))} == {
        "attente@example.org",
        "recent@example.org",
    }


def test_the_tasks_run_in_the_process_in_the_tests_mode(app):
    assert app.registry["tasks.immediate"] is True  # the app was handed a connection, not an engine
    assert tasks.queue.immediate is True


def test_a_large_outbox_is_delivered_in_rounds_without_waiting_for_the_minute(
    app, session_factory, mailbox, db, monkeypatch
):
    """A campaign's 2,000 mails: a round stops at MAIL_ROUND and queues the next one at once (it used to
    leave the rest to the retry task, 500 mails a minute)."""
    monkeypatch.setattr(tasks, "MAIL_ROUND", 2)
    monkeypatch.setattr(tasks.state, "session_factory", session_factory)  # this test's database
    mailer = app.registry["mailer"]
    for number in range(5):
        mailer.queue(db, f"campagne-{number}@example.org", "Vos fiches", "Bonjour.")
    db.commit()
    tasks.deliver_mail()
    for number in range(5):
        assert mailbox.wait_for(f"campagne-{number}@example.org")
    assert mail.outbox_stats(db) == (0, 0.0)


def test_a_batch_of_the_outbox_shares_one_smtp_connection(session_factory, smtp_server, mailbox, monkeypatch):
    """2 000 campaign mails opened 2 000 SMTP connections; now one per claimed batch (each mail is still
    recorded as sent on its own; a server that goes away is tested above)."""
    settings = {"mail.backend": "smtp", "mail.host": "127.0.0.1", "mail.port": str(smtp_server[0].port)}
    opened: list[int] = []
    connect = mail.Mailer.connect

    def counting(self):
        opened.append(1)
        return connect(self)

    monkeypatch.setattr(mail.Mailer, "connect", counting)
    with session_factory() as db:
        for n in range(10):
            mail.Mailer(settings).queue(db, f"lot-{n}@example.org", "Campagne", "Texte")
        db.commit()
    assert mail.deliver_outbox(session_factory, settings) == 10
    assert len(opened) == 1
    assert sorted(m["To"] for m in mailbox.messages) == sorted(f"lot-{n}@example.org" for n in range(10))
