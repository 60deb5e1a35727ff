"""The professionals' directory (issue 14): members of the guide who agreed to be listed, with who they are,
where they work and on what, so that a social worker finds the person to call, not only the service.

A row exists only while its member agrees to be listed: agreeing creates it, withdrawing deletes it (with
its thématiques and lieux), so nothing of a withdrawn card stays anywhere. Only logged-in members of a
partner organisation, référents and the coordination read it (``guide.services.professionals``); nothing
public selects this table.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .directory import Lieu, Thematique

professional_thematique = Table(
    "professional_thematique",
    Base.metadata,
    Column("user_id", ForeignKey("professional_card.user_id", ondelete="CASCADE"), primary_key=True),
    Column("thematique_id", ForeignKey("thematique.id", ondelete="CASCADE"), primary_key=True),
)

professional_lieu = Table(
    "professional_lieu",
    Base.metadata,
    Column("user_id", ForeignKey("professional_card.user_id", ondelete="CASCADE"), primary_key=True),
    Column("lieu_id", ForeignKey("lieu.id", ondelete="CASCADE"), primary_key=True),
)


class ProfessionalCard(Base):
    """One member's card in the professionals' directory, as they wrote it.

    ``search_text`` is the folded text (lower case, no accents: ``guide.text.fold``) of the name and what
    the card says, written at each save, so that the search is a plain ``LIKE`` on any database;
    ``sort_name`` the folded name, for the order of the list.
    """

    __tablename__ = "professional_card"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    fonction: Mapped[str] = mapped_column(String(120), default="")
    missions: Mapped[str] = mapped_column(Text, default="")
    telephone: Mapped[str] = mapped_column(String(20), default="")
    courriel: Mapped[str] = mapped_column(String(254), default="")
    presence: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    sort_name: Mapped[str] = mapped_column(String(120), default="")  # folded: « Éloïse » between D and F
    listed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(
        backref=backref(
            "professional_card", uselist=False, cascade="all, delete-orphan", passive_deletes=True
        )
    )
    thematiques: Mapped[list[Thematique]] = relationship(
        secondary=professional_thematique, order_by="Thematique.position"
    )
    lieux: Mapped[list[Lieu]] = relationship(secondary=professional_lieu, order_by="Lieu.nom")

    def __repr__(self) -> str:
        return f"<ProfessionalCard user={self.user_id}>"
