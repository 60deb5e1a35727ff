"""Référents par thématique: people the coordination names to review the fiches of one or more thématiques.

A référent is any account (often a partner, e.g. the centre social's référent famille). One row per
account × thématique says who named them and when; the security policy turns each row into the principal
``referent:<thematique id>`` (``guide.permissions.referent_principal``). The contact card is what the
« Réseau » page shows: the référent writes it and decides whether anonymous visitors may read it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .directory import Thematique


class Referent(Base):
    """``user`` is the coordination's référent for ``thematique`` (named by ``named_by`` at ``named_at``)."""

    __tablename__ = "referent"
    __table_args__ = (UniqueConstraint("user_id", "thematique_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    thematique_id: Mapped[int] = mapped_column(ForeignKey("thematique.id", ondelete="CASCADE"), index=True)
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    named_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # ``User.referent_roles`` is declared here so that the accounts module need not know of référents.
    user: Mapped[User] = relationship(
        foreign_keys=[user_id],
        backref=backref("referent_roles", cascade="all, delete-orphan", passive_deletes=True),
    )
    thematique: Mapped[Thematique] = relationship()
    named_by: Mapped[User | None] = relationship(foreign_keys=[named_by_id])

    def __repr__(self) -> str:
        return f"<Referent user={self.user_id} thematique={self.thematique_id}>"


class ReferentCard(Base):
    """How to reach a référent, as they wrote it; ``public``: they agreed that anyone may read it."""

    __tablename__ = "referent_card"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    fonction: Mapped[str] = mapped_column(String(120), default="")
    telephone: Mapped[str] = mapped_column(String(20), default="")
    courriel: Mapped[str] = mapped_column(String(254), default="")
    disponibilites: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(
        backref=backref("referent_card", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    )
