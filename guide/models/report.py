"""Errors reported by residents on a fiche ("Signaler une erreur"), for the coordinators."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
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

    fiche: Mapped[Fiche] = relationship()
    handled_by: Mapped[User | None] = relationship()
