"""Passwords (argon2), emailed one-use tokens, invitations and the login rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import (
    AccountToken,
    LoginAttempt,
    MemberRole,
    Membership,
    Organisation,
    SiteRole,
    TokenPurpose,
    User,
    utcnow,
)

_hasher = PasswordHasher()
# Verifying against this keeps the time of a login for an unknown email like a known one.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and user is not None and bool(user.password_hash)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(db: Session, email: str, password: str) -> User | None:
    user = find_user(db, email)
    if verify_password(user, password) and user is not None and user.active:
        if _hasher.check_needs_rehash(user.password_hash or ""):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        return user
    return None


# --- rate limit --------------------------------------------------------------------------------


def too_many_attempts(db: Session, email: str, ip: str, *, max_attempts: int, window: dt.timedelta) -> bool:
    since = utcnow() - window
    email = normalise_email(email)
    by_email = db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == email, LoginAttempt.attempted_at >= since)
    )
    by_ip = db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.ip == ip, LoginAttempt.attempted_at >= since)
    )
    return (by_email or 0) >= max_attempts or (by_ip or 0) >= max_attempts * 4


def record_failed_attempt(db: Session, email: str, ip: str) -> None:
    db.add(LoginAttempt(email=normalise_email(email)[:254], ip=ip[:64], attempted_at=utcnow()))


def clear_attempts(db: Session, email: str) -> None:
    db.execute(delete(LoginAttempt).where(LoginAttempt.email == normalise_email(email)))


# --- tokens ------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    db: Session, user: User, purpose: TokenPurpose, lifetime: dt.timedelta, created_by: User | None = None
) -> str:
    """Create a one-use token and return its clear value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.add(
        AccountToken(
            token_hash=_digest(token),
            purpose=purpose,
            user=user,
            created_by_id=created_by.id if created_by else None,
            created_at=utcnow(),
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def find_token(db: Session, token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The token if it exists, has this purpose, is unused and not expired."""
    if not token or len(token) > 200:
        return None
    row = db.scalar(select(AccountToken).where(AccountToken.token_hash == _digest(token)))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def use_token(row: AccountToken, new_password: str) -> User:
    row.used_at = utcnow()
    user = row.user
    user.password_hash = hash_password(new_password)
    user.active = True
    return user


def invite(
    db: Session,
    email: str,
    name: str,
    organisation: Organisation | None,
    member_role: MemberRole,
    invited_by: User,
    *,
    site_role: SiteRole = SiteRole.PARTNER,
) -> tuple[User, bool]:
    """Create (or find) the account and its membership. Returns (user, created)."""
    user = find_user(db, email)
    created = user is None
    if user is None:
        user = User(email=normalise_email(email), name=name.strip(), role=site_role, active=True)
        db.add(user)
    elif site_role != SiteRole.PARTNER and user.role == SiteRole.PARTNER:
        user.role = site_role
    if organisation is not None:
        membership = next((m for m in user.memberships if m.organisation_id == organisation.id), None)
        if membership is None:
            user.memberships.append(Membership(organisation=organisation, role=member_role))
        else:
            membership.role = member_role
    db.flush()
    return user, created
