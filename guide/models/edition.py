"""The annual printed edition of the guide, the fiche versions it printed, and the emergency numbers.

An :class:`Edition` is what coordinators open (title, year, format, grouping, which fiches). When it is
generated for the first time, the fiche versions to print are frozen as :class:`EditionItem` rows, with
what the versions do not hold themselves (the organisation's name and contacts, the lieux and their
quartier, the chapter's title) copied into ``snapshot``; the emergency numbers are copied into the
edition's ``snapshot``. Regenerating an edition later prints the same content, whatever changed since.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .fiche import Fiche, FicheVersion


class EditionStatus(enum.StrEnum):
    DRAFT = "brouillon"  # opened, not generated yet: preview and check list show the live selection
    QUEUED = "en_attente"  # generation asked, the background process has not started yet
    RUNNING = "en_cours"
    DONE = "terminee"
    FAILED = "echec"


EDITION_STATUS_LABELS = {
    EditionStatus.DRAFT: "Brouillon",
    EditionStatus.QUEUED: "En attente",
    EditionStatus.RUNNING: "En cours de génération",
    EditionStatus.DONE: "Terminée",
    EditionStatus.FAILED: "Échec",
}

PAGE_FORMATS = {"A5": "A5, livret plié (pages par multiple de 4)", "A4": "A4"}
GROUPINGS = {"thematique": "Par thématique", "quartier": "Par quartier"}


class Edition(Base):
    __tablename__ = "edition"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    page_format: Mapped[str] = mapped_column(String(2), default="A5")
    grouping: Mapped[str] = mapped_column(String(20), default="thematique")
    # {"thematiques": [slug, …], "quartiers": [id, …]}; empty lists: every published fiche.
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[EditionStatus] = mapped_column(
        Enum(EditionStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=EditionStatus.DRAFT,
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    pdf_file: Mapped[str | None] = mapped_column(String(200))  # file name under <var_dir>/editions/
    page_count: Mapped[int | None] = mapped_column(Integer)
    data_date: Mapped[dt.date | None] = mapped_column(Date)  # when the fiche versions were frozen
    # What was frozen besides the fiche versions: {"helplines": [{label, number, description}, …],
    # "quartiers": [{id, code, nom, geometry, schematic}, …] (the map's), "agenda": [...] when printed}.
    snapshot: Mapped[dict[str, Any] | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # the last progress report
    generated_at: Mapped[dt.datetime | None]

    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[EditionItem]] = relationship(
        back_populates="edition",
        order_by="EditionItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def frozen(self) -> bool:
        return self.data_date is not None

    @property
    def status_label(self) -> str:
        return EDITION_STATUS_LABELS[self.status]

    @property
    def busy(self) -> bool:
        return self.status in (EditionStatus.QUEUED, EditionStatus.RUNNING)

    def __repr__(self) -> str:
        return f"<Edition {self.id} {self.year} {self.status}>"


class EditionItem(Base):
    """One fiche version printed by an edition, in its chapter, at its position (1, 2, … = its number)."""

    __tablename__ = "edition_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("fiche_version.id", ondelete="CASCADE"))
    chapter: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    # The organisation and the lieux as they were (they are not versioned): see guide.print.selection.
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)

    edition: Mapped[Edition] = relationship(back_populates="items")
    fiche: Mapped[Fiche] = relationship()
    version: Mapped[FicheVersion] = relationship()

    def __repr__(self) -> str:
        return f"<EditionItem {self.edition_id}#{self.position} v{self.version_id}>"


class Helpline(Base):
    """An emergency or national helpline number printed in the edition (kept by coordinators)."""

    __tablename__ = "helpline"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    number: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Helpline {self.number} {self.label}>"
