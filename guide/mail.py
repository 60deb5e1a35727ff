"""Outgoing mail through an outbox: a row written in the request's transaction, delivered by the worker.

The API the views and services use is unchanged: ``request.mailer.send_after_commit(request.tm, to,
subject, body)`` (or :meth:`Mailer.queue` with a session at hand). What happens underneath:

1. the message is built at once and written to ``mail_outbox`` **in the same transaction** as what the
   request decided (the session that pyramid_tm joined to the transaction): a request rolled back sends
   nothing, a committed one cannot lose its mail (a server that stops right after the commit leaves the
   row for the worker);
2. after the commit, a ``deliver_mail`` task is queued (:mod:`guide.tasks`); ``guide-worker`` takes the due
   rows (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL: two workers never send the same mail) and
   speaks SMTP — never a web thread;
3. an SMTP failure leaves the row queued with ``next_attempt_at`` pushed back (1, 2, 4… minutes, at most
   :data:`MAX_BACKOFF`), ``attempts`` and ``last_error`` kept for ``/sante``; the worker's periodic task
   tries the due rows again every minute. Nothing is dropped: a mail waits until the server takes it.
   A row is marked sent in the transaction right after the SMTP server accepted it; a crash between the two
   would send it twice (at least once, never zero times).

Sent rows are kept :data:`KEEP_SENT` (what was sent, for support), then pruned by ``guide-housekeeping``.

Backends: ``smtp`` (production and tests) or ``file`` (``.eml`` files in ``var/mail/``, local use).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Mapping
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from .db import writing_session
from .models.meta import utcnow
from .models.storage import MailOutbox
from .settings import Settings, coerce, settings_of

log = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=1)
KEEP_SENT = dt.timedelta(days=30)
BATCH = 50  # mails claimed at once by a worker
LEASE = dt.timedelta(minutes=10)  # how long claimed mails are left to the worker that claimed them
_delivering = threading.Lock()


class Mailer:
    def __init__(self, settings: Settings | Mapping[str, Any], registry: Any = None) -> None:
        typed = coerce(settings)
        self.settings = typed
        self.backend = typed.mail_backend
        self.host = typed.mail_host
        self.port = typed.mail_port
        self.sender = typed.mail_sender
        self.starttls = typed.mail_starttls
        self.username = typed.mail_username
        self.password = typed.mail_password
        self.folder = Path(typed.var_dir) / "mail"
        # the app's registry (its session factory): the outbox row goes into the request's transaction
        self.registry = registry

    def build(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="guide.localhost")
        message.set_content(body)
        return message

    def connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=30)
        try:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def deliver(self, message: EmailMessage, smtp: smtplib.SMTP | None = None) -> None:
        """Hand ``message`` to the SMTP server (or write it to ``var/mail``) now: the worker's job. With
        ``smtp``, over that open connection (a batch of the outbox shares one)."""
        if self.backend == "smtp":
            if smtp is not None:
                smtp.send_message(message)
                return
            with self.connect() as own:
                own.send_message(message)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("@", "_")
            (self.folder / f"{name}.eml").write_bytes(bytes(message))
            log.info("mail to %s written to %s", message["To"], self.folder)

    def queue(self, db: Session, to: str, subject: str, body: str) -> MailOutbox:
        """Put a mail in the outbox in ``db``'s transaction (sent by the worker once it is committed)."""
        message = self.build(to, subject, body)
        row = MailOutbox(
            recipient=str(to)[:320],
            subject=str(subject)[:500],
            message=bytes(message),
            created_at=utcnow(),
            next_attempt_at=utcnow(),
            attempts=0,
            last_error="",
        )
        db.add(row)
        return row

    def send_after_commit(self, transaction_manager: Any, to: str, subject: str, body: str) -> None:
        """Queue the mail in the transaction of ``transaction_manager``; it leaves once that commits."""
        from . import tasks

        db = joined_session(transaction_manager)
        factory = self.registry.get("dbsession_factory") if self.registry is not None else None
        if db is None and factory is not None:
            # nothing of this transaction touched the database yet: a session of its own, joined to it
            from .db import get_tm_session

            db = get_tm_session(factory, transaction_manager, writes=True)
        if db is None:  # a script without a database (none today): straight after the commit
            message = self.build(to, subject, body)

            def hook(success: bool) -> None:
                if success:
                    try:
                        self.deliver(message)
                    except (OSError, smtplib.SMTPException):
                        log.exception("could not send mail to %s", to)

            transaction_manager.get().addAfterCommitHook(hook)
            return
        self.queue(db, to, subject, body)
        tasks.submit_after_commit(transaction_manager, tasks.deliver_mail, registry=self.registry)


def joined_session(transaction_manager: Any) -> Session | None:
    """The SQLAlchemy session zope.sqlalchemy joined to the current transaction (the request's
    ``request.dbsession`` once it has been used), or None."""
    # transaction has no public listing of its resources; zope.sqlalchemy's data managers keep the session
    for resource in getattr(transaction_manager.get(), "_resources", ()):
        session = getattr(resource, "session", None)
        if isinstance(session, Session):
            return session
    return None


def backoff(attempts: int) -> dt.timedelta:
    """How long a mail waits after its ``attempts``-th failure: 1, 2, 4… minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(0, min(attempts - 1, 10))), MAX_BACKOFF)


def _claim(session_factory: sessionmaker[Session]) -> list[tuple[int, bytes, int]]:
    """Take up to :data:`BATCH` due mails for this worker: a short write transaction pushes their
    ``next_attempt_at`` back by :data:`LEASE` (another worker, or the next round, leaves them alone while
    they are being sent; a worker that dies leaves them due again after the lease). No transaction stays
    open while the SMTP server is spoken to."""
    with writing_session(session_factory) as db:
        query = (
            select(MailOutbox.id, MailOutbox.message, MailOutbox.attempts)
            .where(MailOutbox.sent_at.is_(None), MailOutbox.next_attempt_at <= utcnow())
            .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
            .limit(BATCH)
        )
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = [(row.id, bytes(row.message), row.attempts) for row in db.execute(query)]
        if rows:
            db.execute(
                update(MailOutbox)
                .where(MailOutbox.id.in_([row[0] for row in rows]))
                .values(next_attempt_at=utcnow() + LEASE)
            )
        db.commit()
    return rows


def _record(session_factory: sessionmaker[Session], mail_id: int, **values: Any) -> None:
    with writing_session(session_factory) as db:
        db.execute(update(MailOutbox).where(MailOutbox.id == mail_id).values(**values))
        db.commit()


def deliver_outbox(
    session_factory: sessionmaker[Session], settings: Settings | Mapping[str, Any], limit: int = 500
) -> int:
    """Send the due mails of the outbox (the worker's task); returns how many were sent. Stops at the first
    SMTP connection failure (the server is down: the others wait for the next round, the one that failed
    waits for its backoff)."""
    mailer = Mailer(settings)
    sent = 0
    with _delivering:  # one round at a time in this process (the claim keeps other processes apart)
        while sent < limit:
            rows = _claim(session_factory)
            if not rows:
                return sent
            with _Connection(mailer) as connection:
                stop = _deliver_batch(session_factory, connection, rows)
                sent += connection.sent
            if stop:
                return sent
    return sent


class _Connection:
    """One SMTP connection for a claimed batch, opened at the first mail (an unreachable server is then
    that mail's failure) and opened again after a mail that broke it: 2 000 campaign mails no longer open
    2 000 connections. Each mail is still recorded as sent on its own, right after the server took it."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.smtp: smtplib.SMTP | None = None
        self.sent = 0

    def deliver(self, message: EmailMessage) -> None:
        if self.mailer.backend != "smtp":
            self.mailer.deliver(message)
            return
        if self.smtp is None:
            self.smtp = self.mailer.connect()
        try:
            self.mailer.deliver(message, self.smtp)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            raise  # this mail only: the connection goes on (smtplib has reset the transaction)
        except BaseException:
            self.close()  # a broken connection: the next mail opens another
            raise

    def close(self) -> None:
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _deliver_batch(session_factory: sessionmaker[Session], connection: _Connection, rows: list[Any]) -> bool:
    """Send a claimed batch; True when the server became unreachable (the round stops there)."""
    for number, (mail_id, data, attempts) in enumerate(rows):
        try:
            connection.deliver(message_from_bytes(data, policy=policy.default))  # type: ignore[arg-type]
        except (OSError, smtplib.SMTPException) as error:
            attempts += 1
            _record(
                session_factory,
                mail_id,
                attempts=attempts,
                last_error=f"{type(error).__name__}: {error}"[:1000],
                next_attempt_at=utcnow() + backoff(attempts),
            )
            log.warning("mail %s not sent (attempt %s): %s", mail_id, attempts, error)
            # the server refused this one mail: the others may go; it is unreachable: they wait
            if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                # the rest of the batch back in the queue at once (they were not tried)
                rest = [row[0] for row in rows[number + 1 :]]
                if rest:
                    with writing_session(session_factory) as db:
                        db.execute(
                            update(MailOutbox).where(MailOutbox.id.in_(rest)).values(next_attempt_at=utcnow())
                        )
                        db.commit()
                return True
        else:
            _record(session_factory, mail_id, sent_at=utcnow(), attempts=attempts + 1)
            connection.sent += 1
    return False


def outbox_stats(db: Session) -> tuple[int, float]:
    """Mails waiting (not sent) and the age in seconds of the oldest of them (0 when none)."""
    count, oldest = db.execute(
        select(func.count(), func.min(MailOutbox.created_at)).where(MailOutbox.sent_at.is_(None))
    ).one()
    if oldest is None:
        return int(count or 0), 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    return int(count or 0), max(0.0, (utcnow() - oldest).total_seconds())


def prune_outbox(db: Session, now: dt.datetime | None = None) -> int:
    """Remove the mails sent more than :data:`KEEP_SENT` ago (``guide-housekeeping``)."""
    limit = (now or utcnow()) - KEEP_SENT
    result = db.execute(delete(MailOutbox).where(MailOutbox.sent_at < limit))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def includeme(config: Any) -> None:
    mailer = Mailer(settings_of(config.registry), config.registry)
    config.registry["mailer"] = mailer
    config.add_request_method(lambda request: request.registry["mailer"], "mailer", reify=True)
