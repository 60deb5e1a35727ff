"""Residents' error reports: stored for the coordinators, slowed down against floods and robots.

* Each form carries a signed stamp (time of issue + random nonce). A stamp sends ONE report: its hash
  is stored when used (until it would expire anyway), so a captured form cannot be replayed.
* Coordinators are told by a digest, at most one mail each per period (an hour by default): the first
  report of a period goes out at once, the next ones wait for the first report of a later period.
  Whatever anonymous visitors send, the number of mails stays bounded by coordinators × periods. The
  référents of the reports' thématiques get the same digest, limited to their fiches (same bound).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from translationstring import TranslationStringFactory

from ..models import ErrorReport, Fiche, SiteRole, User, utcnow
from ..models.report import ReportDigest, UsedReportStamp
from ..settings import Settings, coerce
from .referents import report_recipients

MAX_PER_HOUR = 5
# Robots post at once; a person who pastes a prepared text can send within a couple of seconds
# (3 s refused real messages). The honeypot field does most of the work against robots.
MIN_SECONDS_TO_FILL = 2
MAX_FORM_AGE = 24 * 3600
DIGEST_SHOWN = 10  # reports quoted in one digest mail; the others are counted and linked
DIGEST_KEEP_DAYS = 30

_ = TranslationStringFactory("guide")  # the form is public: its messages are in every language's catalogue

ALREADY_SENT = _(
    "Ce formulaire a déjà servi à envoyer un signalement. Pour en envoyer un autre, rechargez la page."
)
TOO_FAST = _("Message envoyé trop vite : relisez-le puis envoyez-le à nouveau.")


def ip_hash(secret: str, ip: str) -> str:
    return hmac.new(secret.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"report-stamp:{payload}".encode(), hashlib.sha256).hexdigest()[:32]


def form_stamp(secret: str, now: float | None = None) -> str:
    """A signed, single-use stamp put in the form: time of issue and a random nonce."""
    payload = f"{int(now if now is not None else time.time())}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def _parse(secret: str, stamp: str) -> int | None:
    """The stamp's time of issue when its signature is right, else None."""
    parts = (stamp or "").split(".")
    if len(parts) != 3:
        return None
    issued, nonce, signature = parts
    if not (issued.isascii() and issued.isdigit() and len(issued) <= 12):
        return None
    if not hmac.compare_digest(signature.encode(), _sign(secret, f"{issued}.{nonce}").encode()):
        return None
    return int(issued)


def stamp_problem(secret: str, stamp: str, now: float | None = None) -> str | None:
    """None when the stamp is valid, else a French explanation."""
    now = now if now is not None else time.time()
    issued = _parse(secret, stamp)
    if issued is None:
        return _("Le formulaire a été modifié : rechargez la page puis écrivez votre message.")
    age = now - issued
    if age < MIN_SECONDS_TO_FILL:
        return TOO_FAST
    if age > MAX_FORM_AGE:
        return _("Ce formulaire est trop ancien : rechargez la page puis écrivez votre message.")
    return None


def use_stamp(db: Session, secret: str, stamp: str, now: dt.datetime | None = None) -> bool:
    """Record a (valid) stamp as used; False when it was used already. Purges expired stamps."""
    now = now or utcnow()
    issued = _parse(secret, stamp)
    if issued is None:
        return False
    db.execute(delete(UsedReportStamp).where(UsedReportStamp.expires_at < now))
    expires = dt.datetime.fromtimestamp(issued, dt.UTC) + dt.timedelta(seconds=MAX_FORM_AGE + 60)
    key = hashlib.sha256(stamp.encode()).hexdigest()
    if db.get(UsedReportStamp, key) is not None:
        return False
    try:
        with db.begin_nested():  # two requests with the same stamp at once: the second one fails here
            db.add(UsedReportStamp(stamp_hash=key, expires_at=expires))
    except IntegrityError:
        return False
    return True


def too_many(db: Session, hashed_ip: str) -> bool:
    since = utcnow() - dt.timedelta(hours=1)
    count = db.scalar(
        select(func.count())
        .select_from(ErrorReport)
        .where(ErrorReport.ip_hash == hashed_ip, ErrorReport.created_at >= since)
    )
    return (count or 0) >= MAX_PER_HOUR


def submit(db: Session, fiche: Fiche, message: str, contact: str, hashed_ip: str) -> ErrorReport:
    report = ErrorReport(
        fiche=fiche, message=message, contact=contact or "", ip_hash=hashed_ip, created_at=utcnow()
    )
    db.add(report)
    db.flush()
    return report


def open_reports(db: Session) -> list[ErrorReport]:
    return list(
        db.scalars(
            select(ErrorReport).where(ErrorReport.handled_at.is_(None)).order_by(ErrorReport.created_at)
        )
    )


# --- the coordinators' digest ---------------------------------------------------------------------


def digest_period(settings: Settings | Mapping[str, Any]) -> dt.timedelta:
    return dt.timedelta(minutes=max(coerce(settings).report_digest_minutes, 1))


def _digest_body(reports: list[ErrorReport], link: str) -> str:
    count = len(reports)
    lines = [
        "Un signalement a été fait dans le guide :"
        if count == 1
        else f"{count} signalements ont été faits dans le guide :",
        "",
    ]
    for report in reports[:DIGEST_SHOWN]:
        version = report.fiche.published_version if report.fiche is not None else None
        name = version.nom if version is not None else f"fiche {report.fiche_id}"
        message = report.message if len(report.message) <= 500 else report.message[:500] + "…"
        lines += [f"— Sur la fiche « {name} » :", message]
        if report.contact:
            lines.append(f"Adresse pour répondre : {report.contact}")
        lines.append("")
    if count > DIGEST_SHOWN:
        lines += [f"… et {count - DIGEST_SHOWN} autre(s).", ""]
    lines.append(f"Tous les signalements : {link}")
    return "\n".join(lines) + "\n"


def _subject(count: int) -> str:
    return (
        "Un nouveau signalement dans le guide"
        if count == 1
        else f"{count} nouveaux signalements dans le guide"
    )


def send_report_digest(
    db: Session,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    transaction_manager: Any = None,
    now: dt.datetime | None = None,
) -> int:
    """Mail the reports not yet notified to every coordinator, unless a digest already went out in
    this period (then they wait for the next one). Returns the number of mails sent.

    With a transaction manager, mails leave after the commit (the request's case); without, at once
    (a maintenance command, which commits itself). Safe to call after every report and from a cron.
    """
    now = now or utcnow()
    pending = list(
        db.scalars(
            select(ErrorReport)
            .where(ErrorReport.notified_at.is_(None), ErrorReport.handled_at.is_(None))
            .order_by(ErrorReport.created_at, ErrorReport.id)
        )
    )
    if not pending:
        return 0
    period = digest_period(settings)
    number = int(now.timestamp() // period.total_seconds())
    if db.get(ReportDigest, number) is not None:
        return 0
    try:
        with db.begin_nested():  # the primary key allows one digest per period, even for concurrent requests
            db.add(ReportDigest(period=number, sent_at=now, report_count=len(pending)))
    except IntegrityError:
        return 0
    db.execute(delete(ReportDigest).where(ReportDigest.sent_at < now - dt.timedelta(days=DIGEST_KEEP_DAYS)))
    for report in pending:
        report.notified_at = now
    coordinators = db.scalars(
        select(User).where(User.role.in_([SiteRole.COORDINATOR, SiteRole.ADMIN]), User.active.is_(True))
    ).all()
    link = coerce(settings).site_url.rstrip("/") + "/coordination/signalements"
    count = len(pending)
    subject = _subject(count)
    body = _digest_body(pending, link)
    mails = [(user.email, subject, body) for user in coordinators]
    # The référents of the reports' thématiques get the same digest, limited to their fiches.
    queue = coerce(settings).site_url.rstrip("/") + "/coordination"
    for user, theirs in report_recipients(db, pending).values():
        mails.append(
            (
                user.email,
                subject if len(theirs) == count else _subject(len(theirs)),
                _digest_body(theirs, queue),
            )
        )
    for to, mail_subject, mail_body in mails:
        if transaction_manager is not None:
            mailer.send_after_commit(transaction_manager, to, mail_subject, mail_body)
        else:
            mailer.deliver(mailer.build(to, mail_subject, mail_body))
    return len(mails)
