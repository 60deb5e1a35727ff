"""Passwords (argon2), sessions, emailed one-use tokens, invitations and the login throttle."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
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
from ..settings import Settings, coerce

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


def end_sessions(user: User) -> None:
    """End every session of the account (guide.security refuses sessions of an older generation)."""
    user.session_generation = (user.session_generation or 0) + 1


def set_password(db: Session, user: User, password: str) -> None:
    """A new password ends every session and revokes every emailed link of the account."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    revoke_tokens(db, user)


def logout(user: User | None) -> None:
    if user is not None:
        end_sessions(user)


def change_role(user: User, role: SiteRole) -> None:
    if user.role != role:
        user.role = role
        end_sessions(user)


def set_active(db: Session, user: User, active: bool) -> None:
    """Deactivation ends the sessions and revokes the links; only an administrator reactivates."""
    if user.active and not active:
        end_sessions(user)
        revoke_tokens(db, user)
    user.active = active


def authenticate(db: Session, email: str, password: str) -> User | None:
    user = find_user(db, email)
    if verify_password(user, password) and user is not None and user.active:
        if _hasher.check_needs_rehash(user.password_hash or ""):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        return user
    return None


# --- login throttle ----------------------------------------------------------------------------
#
# Failed logins are rows of LoginAttempt (in the database rather than in the in-memory rate limiter:
# every app process and server sees the same counts, a restart does not wipe them, and the growing
# delays need the time of the last failure, which a moving-window counter does not give).
#
# - per (account, client): ``max_attempts`` failures are free, then each further attempt waits
#   ``first_delay`` after the last failure, doubled for each failure beyond; a success from that
#   client clears them. The real user on another client is not affected.
# - per account, from every client: ``account_ceiling`` failures an hour (distributed guessing);
# - per client, for every account: ``client_ceiling`` failures an hour (one client trying many).

MEMORY = dt.timedelta(hours=24)
HOUR = dt.timedelta(hours=1)


def attempt_key(email: str) -> str:
    # a digest, not the address: people type their password in the address field too
    return hashlib.sha256(normalise_email(email).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ThrottlePolicy:
    max_attempts: int = 5
    first_delay: dt.timedelta = dt.timedelta(minutes=15)
    account_ceiling: int = 100
    client_ceiling: int = 50

    @classmethod
    def from_settings(cls, settings: Settings | Mapping[str, Any]) -> ThrottlePolicy:
        typed = coerce(settings)
        return cls(
            max_attempts=typed.login_max_attempts,
            first_delay=dt.timedelta(minutes=typed.login_window_minutes),
            account_ceiling=typed.login_account_max_per_hour,
            client_ceiling=typed.login_client_max_per_hour,
        )


def _ceiling_wait(db: Session, condition: object, ceiling: int, moment: dt.datetime) -> dt.timedelta:
    """How long until fewer than ``ceiling`` failures matching ``condition`` fall in the last hour."""
    recent = select(LoginAttempt.attempted_at).where(
        condition, LoginAttempt.kind == "login", LoginAttempt.attempted_at >= moment - HOUR
    )
    count = db.scalar(select(func.count()).select_from(recent.subquery())) or 0
    if count < ceiling:
        return dt.timedelta(0)
    # the failure whose ageing out brings the count under the ceiling
    pivot = db.scalar(recent.order_by(LoginAttempt.attempted_at).offset(count - ceiling).limit(1))
    return (pivot + HOUR - moment) if pivot is not None else HOUR


def login_wait(db: Session, email: str, ip: str, policy: ThrottlePolicy) -> int:
    """Minutes to wait before this client may try this account again (0: it may try now)."""
    moment = utcnow()
    key = attempt_key(email)
    pair = select(LoginAttempt.attempted_at).where(
        LoginAttempt.kind == "login",
        LoginAttempt.email == key,
        LoginAttempt.ip == ip[:64],
        LoginAttempt.attempted_at >= moment - MEMORY,
    )
    failures = db.scalar(select(func.count()).select_from(pair.subquery())) or 0
    wait = dt.timedelta(0)
    if failures >= policy.max_attempts:
        last = db.scalar(pair.order_by(LoginAttempt.attempted_at.desc()).limit(1))
        delay = min(policy.first_delay * 2 ** min(failures - policy.max_attempts, 16), MEMORY)
        if last is not None:
            wait = max(wait, last + delay - moment)
    wait = max(wait, _ceiling_wait(db, LoginAttempt.email == key, policy.account_ceiling, moment))
    wait = max(wait, _ceiling_wait(db, LoginAttempt.ip == ip[:64], policy.client_ceiling, moment))
    return math.ceil(wait.total_seconds() / 60) if wait > dt.timedelta(0) else 0


def record_failed_attempt(db: Session, email: str, ip: str) -> None:
    moment = utcnow()
    db.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < moment - MEMORY))
    db.add(LoginAttempt(email=attempt_key(email), ip=ip[:64], kind="login", attempted_at=moment))


def clear_attempts(db: Session, email: str, ip: str) -> None:
    """A success clears this client's failures for the account (not the other clients')."""
    db.execute(
        delete(LoginAttempt).where(LoginAttempt.email == attempt_key(email), LoginAttempt.ip == ip[:64])
    )


# --- tokens ------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    db: Session,
    user: User,
    purpose: TokenPurpose,
    lifetime: dt.timedelta,
    created_by: User | None = None,
    *,
    organisation: Organisation | None = None,
    member_role: MemberRole | None = None,
    site_role: SiteRole | None = None,
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
            organisation=organisation,
            member_role=member_role if organisation is not None else None,
            site_role=site_role,
        )
    )
    return token


def revoke_tokens(db: Session, user: User, *, keep: AccountToken | None = None) -> None:
    """Every outstanding link of the account stops working (but ``keep``)."""
    condition = [AccountToken.user_id == user.id, AccountToken.used_at.is_(None)]
    if keep is not None:
        condition.append(AccountToken.id != keep.id)
    if user.id is not None:
        db.execute(
            update(AccountToken)
            .where(*condition)
            .values(used_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )


def find_token(db: Session, token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The token if it exists, has this purpose, is unused, not expired and its account active."""
    if not token or len(token) > 200:
        return None
    row = db.scalar(select(AccountToken).where(AccountToken.token_hash == _digest(token)))
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at < utcnow():
        return None
    if not row.user.active:  # a deactivated account is reactivated by an administrator only
        return None
    return row


def _grant(db: Session, row: AccountToken) -> bool:
    """Apply what an invitation grants; True when the site role changed."""
    user = row.user
    if row.organisation_id is not None:
        membership = next((m for m in user.memberships if m.organisation_id == row.organisation_id), None)
        role = row.member_role or MemberRole.EDITOR
        if membership is None:
            user.memberships.append(Membership(organisation_id=row.organisation_id, role=role))
        elif membership.role != MemberRole.OWNER:  # an invitation never demotes
            membership.role = role
    rank = [SiteRole.PARTNER, SiteRole.COORDINATOR, SiteRole.ADMIN]
    if row.site_role is not None and rank.index(row.site_role) > rank.index(user.role):
        change_role(user, row.site_role)
        return True
    return False


def use_token(db: Session, row: AccountToken, new_password: str | None = None) -> User:
    """Use the link: set the password (if given), apply the invitation's grant, revoke the others."""
    row.used_at = utcnow()
    user = row.user
    _grant(db, row)
    if new_password is not None:
        set_password(db, user, new_password)  # ends the sessions and revokes the other links
    else:
        revoke_tokens(db, user, keep=row)
    db.flush()
    return user


def invite(
    db: Session,
    email: str,
    name: str,
    organisation: Organisation | None,
    member_role: MemberRole,
    invited_by: User,
    *,
    lifetime: dt.timedelta,
    site_role: SiteRole = SiteRole.PARTNER,
) -> tuple[User, str]:
    """An invitation link for the address: (account, clear token). Nothing is granted before the
    invited person follows the link, so the inviter learns nothing about whether the address already
    had an account. A deactivated account's link is refused (find_token): do not mail it."""
    user = find_user(db, email)
    if user is None:
        user = User(email=normalise_email(email), name=name.strip(), role=SiteRole.PARTNER, active=True)
        db.add(user)
        db.flush()
    token = issue_token(
        db,
        user,
        TokenPurpose.INVITATION,
        lifetime,
        created_by=invited_by,
        organisation=organisation,
        member_role=member_role,
        site_role=site_role if site_role != SiteRole.PARTNER else None,
    )
    db.flush()
    return user, token


def pending_invitations(db: Session, organisation: Organisation) -> list[AccountToken]:
    """The organisation's invitations not yet accepted (the same for new and existing accounts)."""
    return list(
        db.scalars(
            select(AccountToken)
            .where(
                AccountToken.organisation_id == organisation.id,
                AccountToken.purpose == TokenPurpose.INVITATION,
                AccountToken.used_at.is_(None),
                AccountToken.expires_at >= utcnow(),
            )
            .order_by(AccountToken.created_at)
        )
    )


def request_reset(db: Session, email: str, ip: str, lifetime: dt.timedelta) -> tuple[User | None, str]:
    """A reset link for the address: (account, clear token), or (None, "") when there is no active
    account. The request does the same work either way, so that its duration does not tell: one
    lookup, a token drawn and hashed, and one row written — the token for an account, a record of
    the request (a digest of the address) otherwise."""
    moment = utcnow()
    db.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < moment - MEMORY))
    user = find_user(db, email)
    if user is not None and user.active:
        return user, issue_token(db, user, TokenPurpose.RESET, lifetime)
    _digest(secrets.token_urlsafe(32))
    db.add(LoginAttempt(email=attempt_key(email), ip=ip[:64], kind="reset", attempted_at=moment))
    return None, ""
