"""What the imports keep of their sources: each source row as it came, and the other names of quartiers.

:class:`SourceRecord` is one row of a data·inclusion export (a structure or a service), attached to the
organisation or the fiche it became. It keeps the row untouched (``data``), the values the import last
wrote into the guide field by field (``imported``: a later import tells a partner's edit from a source
change with it), the source's update date and, typed, the data·inclusion fields the guide shows or an
exporter needs without reading ``data``. :class:`QuartierAlias` is another name of a quartier, kept by
the coordination, under which imports recognise it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .directory import Organisation, Quartier
from .fiche import Fiche
from .meta import Base, utcnow


class SourceRecord(Base):
    """One row of a source (``kind`` "structure" or "service"), as last imported."""

    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("kind", "source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(60))
    source_id: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    # The row as read (line endings as LF, CSV lists as lists), every field kept, even those refused.
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Field of the guide -> the value the last import wrote there (JSON-ready).
    imported: Mapped[dict[str, Any]] = mapped_column(default=dict)
    date_maj: Mapped[dt.date | None] = mapped_column(Date)
    lien_source: Mapped[str] = mapped_column(String(500), default="")
    accessibilite_lieu: Mapped[str] = mapped_column(String(500), default="")
    thematiques: Mapped[list[str]] = mapped_column(default=list)  # data·inclusion codes, as given
    publics: Mapped[list[str]] = mapped_column(default=list)
    modes_accueil: Mapped[list[str]] = mapped_column(default=list)
    zone_eligibilite: Mapped[list[str]] = mapped_column(default=list)
    mobilisable_par: Mapped[list[str]] = mapped_column(default=list)
    first_imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when an import of its source no longer carried the row (reported, never deleted).
    missing_since: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation | None] = relationship(
        backref=backref("source_record", uselist=False, passive_deletes=True)
    )
    fiche: Mapped[Fiche | None] = relationship(
        backref=backref("source_record", uselist=False, passive_deletes=True)
    )

    def __repr__(self) -> str:
        return f"<SourceRecord {self.kind} {self.source}--{self.source_id}>"


class QuartierAlias(Base):
    """Another name of a quartier (« Croix de Neyrat » for « La Croix-de-Neyrat »); ``key`` is the name
    reduced by :func:`guide.text.quartier_key`-like folding, unique across quartiers."""

    __tablename__ = "quartier_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    quartier_id: Mapped[int] = mapped_column(ForeignKey("quartier.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120), unique=True)

    quartier: Mapped[Quartier] = relationship(
        backref=backref(
            "aliases", cascade="all, delete-orphan", passive_deletes=True, order_by="QuartierAlias.label"
        )
    )

    def __repr__(self) -> str:
        return f"<QuartierAlias {self.label}>"
