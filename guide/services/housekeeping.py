"""Purges of rows that have served their purpose, run by ``guide-housekeeping`` from cron.

The requests already purge as they go (expired report stamps when a report is sent, login attempts older
than a day when a login fails); these do it on a quiet site too, so that the tables stay small. Each is
idempotent: running it twice removes nothing more.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..models import AccountToken, LoginAttempt, utcnow
from ..models.report import UsedReportStamp
from .accounts import MEMORY

# An expired link is kept this long (the « lien expiré » page still knows it), then deleted.
TOKEN_KEEP = dt.timedelta(days=30)


def purge_used_report_stamps(db: Session, now: dt.datetime | None = None) -> int:
    """Used report stamps past their expiry (the form they came from would be refused anyway)."""
    result = db.execute(delete(UsedReportStamp).where(UsedReportStamp.expires_at < (now or utcnow())))
    return result.rowcount or 0


def purge_expired_tokens(db: Session, now: dt.datetime | None = None) -> int:
    """Invitation and password links expired for more than :data:`TOKEN_KEEP` (used or not)."""
    limit = (now or utcnow()) - TOKEN_KEEP
    result = db.execute(delete(AccountToken).where(AccountToken.expires_at < limit))
    return result.rowcount or 0


def purge_old_login_attempts(db: Session, now: dt.datetime | None = None) -> int:
    """Failed logins and reset requests older than the throttle's memory (a day)."""
    limit = (now or utcnow()) - MEMORY
    result = db.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < limit))
    return result.rowcount or 0


def roll_up_usage_counters(db: Session, now: dt.datetime | None = None) -> int:
    """Daily usage counters of whole months older than three months, added to the monthly counters and
    deleted (:func:`guide.services.indicators.roll_up`); returns how many daily rows were removed."""
    from .indicators import roll_up

    return roll_up(db, (now or utcnow()).date())
