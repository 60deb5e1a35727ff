"""Update campaigns, password-less confirmation links and the record of reminders sent.

* :class:`Campaign` — a coordinator asks a chosen set of organisations to check their fiches; one
  :class:`CampaignRecipient` row per organisation records who was mailed, the reminders, the answer and a
  coordinator's « contacté par téléphone » note.
* :class:`ConfirmationLink` — the signed link of such a mail: scoped to ONE organisation, it lets its
  holder confirm (or open) that organisation's fiches and nothing else. Only the SHA-256 of the token is
  stored (as for ``AccountToken``); unlike an account link it is usable many times until it expires.
* :class:`ReminderSent` — one row per reminder mailed, under a unique key: a reminder is never sent twice,
  even by two ``guide-remind`` runs at once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .directory import Organisation
    from .fiche import Fiche


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    # who: {"mode": "all" | "thematique" | "quartier" | "stale", "ids": [...]}
    target: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message: Mapped[str] = mapped_column(Text, default="")  # the coordinator's words, above the link
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    closed_at: Mapped[dt.datetime | None]

    created_by: Mapped[User | None] = relationship()
    recipients: Mapped[list[CampaignRecipient]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_open(self) -> bool:
        return self.sent_at is not None and self.closed_at is None


class CampaignRecipient(Base):
    """One organisation of a campaign: where its mail went, reminders, answer, phone note."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (UniqueConstraint("campaign_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    emails: Mapped[list[str]] = mapped_column(default=list)  # the addresses mailed (members or contact)
    sent_at: Mapped[dt.datetime | None]
    reminders: Mapped[int] = mapped_column(default=0)  # reminders sent (0, 1 after 7 days, 2 after 21)
    last_reminded_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]  # first confirmation or modification after the mail
    phone_note: Mapped[str] = mapped_column(Text, default="")
    phone_noted_at: Mapped[dt.datetime | None]
    phone_noted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship(back_populates="recipients")
    organisation: Mapped[Organisation] = relationship()
    phone_noted_by: Mapped[User | None] = relationship()


class ConfirmationLink(Base):
    """A password-less link mailed to an organisation: confirm or open its fiches, nothing more."""

    __tablename__ = "confirmation_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")  # the address it was mailed to
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    use_count: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship()
    campaign: Mapped[Campaign | None] = relationship()


class ReminderSent(Base):
    """A reminder mailed, keyed so that the same reminder can never be sent twice.

    ``key`` examples: ``fiche:12:a_verifier:2026-01-03`` (fiche 12 entered « à vérifier » for its
    confirmation of 3 January: a new confirmation starts a new cycle), ``campaign:4:org:7:r1`` (first
    campaign reminder to organisation 7).
    """

    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    emails: Mapped[list[str]] = mapped_column(default=list)


class ReportAnswer(Base):
    """A partner's answer to a resident's error report on one of their fiches: « corrigé » or « pas
    d'erreur ». The report is then handled (``ErrorReport.handled_at``)."""

    __tablename__ = "report_answer"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("error_report.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    answer: Mapped[str] = mapped_column(String(20))  # "corrige" | "pas_d_erreur"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()


class UrgentChange(Base):
    """A temporary closure or a change of hours published at once, for a coordinator's look afterwards
    (post-moderation). ``version_id`` is the version that went public with it."""

    __tablename__ = "urgent_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("fiche_version.id", ondelete="SET NULL"))
    fields: Mapped[list[str]] = mapped_column(default=list)  # "fermetures", "horaires", …
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    seen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    fiche: Mapped[Fiche] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    seen_by: Mapped[User | None] = relationship(foreign_keys=[seen_by_id])
