"""Information for professionals only: kept in its own table so that nothing public selects it by accident.

One row per fiche, organisation or lieu (exactly one of the three keys is set; ``guide.services.pro_info``
keeps it so). Nothing here is versioned, reviewed nor published: it is never shown to the public (pages,
API, search index, exports, print, widget) and only members of a partner organisation, référents and the
coordination read it (``guide.services.pro_info.may_read``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base, utcnow

PRO_FIELDS = ("ligne_directe", "referent_nom", "referent_courriel", "orientation", "documents", "remarques")


class ProInfo(Base):
    __tablename__ = "pro_info"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    lieu_id: Mapped[int | None] = mapped_column(ForeignKey("lieu.id", ondelete="CASCADE"), unique=True)
    ligne_directe: Mapped[str] = mapped_column(String(30), default="")
    referent_nom: Mapped[str] = mapped_column(String(120), default="")
    referent_courriel: Mapped[str] = mapped_column(String(254), default="")
    orientation: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[str] = mapped_column(Text, default="")
    remarques: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in PRO_FIELDS)

    def __repr__(self) -> str:
        return f"<ProInfo fiche={self.fiche_id} organisation={self.organisation_id} lieu={self.lieu_id}>"
