"""Errors reported by residents on a fiche ("Signaler une erreur"), for the coordinators."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .fiche import Fiche


class ErrorReport(Base):
    __tablename__ = "error_report"
    __table_args__ = (Index("ix_error_report_ip_hash_created_at", "ip_hash", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(254), default="")
    # A keyed hash of the sender's address, only to slow down floods; never shown, purged with the report.
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[dt.datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # when the report went out to the coordinators in a digest; None while it waits for the next one
    notified_at: Mapped[dt.datetime | None]

    fiche: Mapped[Fiche] = relationship()
    handled_by: Mapped[User | None] = relationship()


class UsedReportStamp(Base):
    """A form stamp already used to send a report: each stamp sends one report, never a second one.

    Kept until the stamp would be refused anyway for its age, then purged.
    """

    __tablename__ = "error_report_stamp"

    stamp_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class ReportDigest(Base):
    """One row per digest mailed to the coordinators; the primary key (the period's number) makes a
    second digest in the same period impossible, even for two requests at the same instant."""

    __tablename__ = "error_report_digest"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    report_count: Mapped[int] = mapped_column(default=0)
