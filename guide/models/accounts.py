"""Users, their site role and their memberships in organisations; one-use tokens; login attempts."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .directory import Organisation


class SiteRole(enum.StrEnum):
    PARTNER = "partner"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"


SITE_ROLE_LABELS = {
    SiteRole.PARTNER: "Partenaire",
    SiteRole.COORDINATOR: "Coordination",
    SiteRole.ADMIN: "Administration",
}
MEMBER_ROLE_LABELS = {MemberRole.OWNER: "Responsable", MemberRole.EDITOR: "Rédacteur·rice"}


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[SiteRole] = mapped_column(
        Enum(SiteRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=SiteRole.PARTNER,
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # Copied into the session at login; a session carrying an older value is refused. Bumped on
    # logout, password change, role change and deactivation: that ends every session of the account.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def is_coordinator(self) -> bool:
        return self.role in (SiteRole.COORDINATOR, SiteRole.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(
        Enum(MemberRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=MemberRole.EDITOR,
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccountToken(Base):
    """A one-use emailed link. Only the token's SHA-256 is stored.

    An invitation carries what it grants (a membership, a site role); nothing is granted before the
    invited person follows the link. ``used_at`` is also set when the token is revoked.
    """

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        Enum(TokenPurpose, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    member_role: Mapped[MemberRole | None] = mapped_column(
        Enum(MemberRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    site_role: Mapped[SiteRole | None] = mapped_column(
        Enum(SiteRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()


class LoginAttempt(Base):
    """A failed login (``kind`` "login"), kept a day to slow down password guessing, or a password reset
    request (``kind`` "reset", written for known and unknown addresses alike: the request does the
    same database work either way). See guide.services.accounts.

    ``email`` holds a digest of the address typed, not the address: people type passwords there too.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "attempted_at"),
        Index("ix_login_attempt_ip_at", "ip", "attempted_at"),
        Index("ix_login_attempt_at", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(10), default="login", server_default="login")
    attempted_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
