"""Fiche (what: an activity, a service, a permanence), its versions and its history.

A fiche's content lives in immutable :class:`FicheVersion` rows: every save adds one. The fiche points
at its latest version (what partners edit) and at its published version (what the public sees), so a
partner can rework a published fiche while residents keep reading the published text.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .directory import Lieu, Organisation, Thematique


class State(enum.StrEnum):
    DRAFT = "brouillon"
    PENDING = "a_valider"
    PUBLISHED = "publie"
    ARCHIVED = "archive"


STATE_ENUM = Enum(State, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])

version_thematique = Table(
    "fiche_version_thematique",
    Base.metadata,
    Column("version_id", ForeignKey("fiche_version.id", ondelete="CASCADE"), primary_key=True),
    Column("thematique_id", ForeignKey("thematique.id", ondelete="RESTRICT"), primary_key=True),
)

version_lieu = Table(
    "fiche_version_lieu",
    Base.metadata,
    Column("version_id", ForeignKey("fiche_version.id", ondelete="CASCADE"), primary_key=True),
    Column("lieu_id", ForeignKey("lieu.id", ondelete="RESTRICT"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Fiche(Base):
    __tablename__ = "fiche"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The stable public identifier: "source--id" for an imported fiche, "guide--<id>" otherwise.
    uid: Mapped[str | None] = mapped_column(String(220), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[State] = mapped_column(STATE_ENUM, default=State.DRAFT, index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("fiche_version.id", use_alter=True, ondelete="SET NULL")
    )
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("fiche_version.id", use_alter=True, ondelete="SET NULL")
    )
    source: Mapped[str | None] = mapped_column(String(60))
    source_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the state last changed: the review queue is ordered by it (oldest first).
    state_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    confirmed_at: Mapped[dt.date | None] = mapped_column(Date)
    # How often this fiche must be confirmed (months); None: its thématiques' period or the default.
    update_period_months: Mapped[int | None]
    # Optimistic lock: two saves based on the same version cannot both be applied.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    organisation: Mapped[Organisation] = relationship(back_populates="fiches")
    versions: Mapped[list[FicheVersion]] = relationship(
        back_populates="fiche",
        foreign_keys="FicheVersion.fiche_id",
        order_by="FicheVersion.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    current_version: Mapped[FicheVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    published_version: Mapped[FicheVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )
    events: Mapped[list[FicheEvent]] = relationship(
        back_populates="fiche", order_by="FicheEvent.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def title(self) -> str:
        return self.current_version.nom if self.current_version else ""

    @property
    def stable_id(self) -> str:
        return self.uid or str(self.id)

    @hybrid_property
    def is_public(self) -> bool:
        """What residents may see: a published version, and the fiche not archived (also usable in SQL)."""
        return self.published_version_id is not None and self.state != State.ARCHIVED

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return and_(cls.published_version_id.is_not(None), cls.state != State.ARCHIVED)

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published_version_id is not None and self.published_version_id != self.current_version_id

    def __repr__(self) -> str:
        return f"<Fiche {self.id} {self.state}>"


class FicheVersion(Base):
    """One saved state of a fiche's content. Never modified once written."""

    __tablename__ = "fiche_version"
    __table_args__ = (UniqueConstraint("fiche_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")

    # --- content (data·inclusion v1 shaped) ---
    nom: Mapped[str] = mapped_column(String(150))
    resume: Mapped[str] = mapped_column(String(280), default="")
    # « En mots simples »: the same service in easy-to-read French (FALC), guide.services.readability
    mots_simples: Mapped[str] = mapped_column(String(600), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    type_service: Mapped[str | None] = mapped_column(String(40))
    publics: Mapped[list[str]] = mapped_column(default=list)
    publics_precisions: Mapped[str] = mapped_column(Text, default="")
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    conditions_acces: Mapped[list[str]] = mapped_column(default=list)
    conditions_precisions: Mapped[str] = mapped_column(Text, default="")
    frais: Mapped[str | None] = mapped_column(String(20))
    frais_precisions: Mapped[str] = mapped_column(Text, default="")
    langues: Mapped[list[str]] = mapped_column(default=list)
    horaires: Mapped[str] = mapped_column(Text, default="")
    horaires_precisions: Mapped[str] = mapped_column(Text, default="")
    # [{"debut": "2026-12-24", "fin": "2027-01-02", "message": "…"}]
    fermetures: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    contact_nom: Mapped[str] = mapped_column(String(120), default="")
    telephone: Mapped[str] = mapped_column(String(20), default="")
    courriel: Mapped[str] = mapped_column(String(254), default="")
    site_web: Mapped[str] = mapped_column(String(500), default="")

    fiche: Mapped[Fiche] = relationship(back_populates="versions", foreign_keys=[fiche_id])
    author: Mapped[User | None] = relationship()
    thematiques: Mapped[list[Thematique]] = relationship(
        secondary=version_thematique, order_by="Thematique.position"
    )
    lieux: Mapped[list[Lieu]] = relationship(
        secondary=version_lieu, order_by=[version_lieu.c.position, version_lieu.c.lieu_id]
    )

    def __repr__(self) -> str:
        return f"<FicheVersion {self.fiche_id}#{self.number}>"


class FicheEvent(Base):
    """One line of a fiche's history: a save, a transition, a restore; who, when, why."""

    __tablename__ = "fiche_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[State | None] = mapped_column(STATE_ENUM)
    to_state: Mapped[State | None] = mapped_column(STATE_ENUM)
    version_number: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    fiche: Mapped[Fiche] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class IndexChange(Base):
    """Change log for the search index, written in the same transaction as the change itself."""

    __tablename__ = "index_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: survives the fiche's deletion
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
