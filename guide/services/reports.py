"""Residents' error reports: stored for the coordinators, slowed down against floods and robots."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ErrorReport, Fiche, utcnow

MAX_PER_HOUR = 5
MIN_SECONDS_TO_FILL = 3  # a person needs more than this to read the page and type a message
MAX_FORM_AGE = 24 * 3600


def ip_hash(secret: str, ip: str) -> str:
    return hmac.new(secret.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def form_stamp(secret: str, now: float | None = None) -> str:
    """A signed time stamp put in the form, to recognise robots that post at once or replay forms."""
    issued = str(int(now if now is not None else time.time()))
    signature = hmac.new(secret.encode(), issued.encode(), hashlib.sha256).hexdigest()[:20]
    return f"{issued}.{signature}"


def stamp_problem(secret: str, stamp: str, now: float | None = None) -> str | None:
    """None when the stamp is valid, else a French explanation."""
    now = now if now is not None else time.time()
    issued, _, signature = (stamp or "").partition(".")
    expected = hmac.new(secret.encode(), issued.encode(), hashlib.sha256).hexdigest()[:20]
    if not issued.isascii() or not issued.isdigit() or not hmac.compare_digest(signature, expected):
        return "Le formulaire a été modifié : rechargez la page puis écrivez votre message."
    age = now - int(issued)
    if age < MIN_SECONDS_TO_FILL:
        return "Message envoyé trop vite : relisez-le puis envoyez-le à nouveau."
    if age > MAX_FORM_AGE:
        return "Ce formulaire est trop ancien : rechargez la page puis écrivez votre message."
    return None


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
