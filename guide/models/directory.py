"""Who (Organisation), where (Lieu, Quartier) and the guide's taxonomy (Thematique)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Enum, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import Membership, User
    from .fiche import Fiche


class Access(enum.StrEnum):
    """Tri-state answer for an accessibility feature."""

    YES = "oui"
    NO = "non"
    UNKNOWN = "inconnu"


ACCESS_ENUM = Enum(Access, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])

lieu_organisation = Table(
    "lieu_organisation",
    Base.metadata,
    Column("lieu_id", ForeignKey("lieu.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(Base):
    """A structure (data·inclusion): an association, a city service, a health centre…"""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    sigle: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    siret: Mapped[str | None] = mapped_column(String(14))
    reseau_porteur: Mapped[str] = mapped_column(String(200), default="")
    telephone: Mapped[str] = mapped_column(String(20), default="")
    courriel: Mapped[str] = mapped_column(String(254), default="")
    site_web: Mapped[str] = mapped_column(String(500), default="")
    direct_publication: Mapped[bool] = mapped_column(default=False)
    logo: Mapped[str | None] = mapped_column(String(64))  # file name under var/uploads/logos
    source: Mapped[str | None] = mapped_column(String(60))
    source_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    lieux: Mapped[list[Lieu]] = relationship(
        secondary=lieu_organisation, back_populates="organisations", order_by="Lieu.nom"
    )
    fiches: Mapped[list[Fiche]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Quartier(Base):
    __tablename__ = "quartier"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    nom: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    # GeoJSON geometry (Polygon or MultiPolygon, WGS84); None when only the name is known.
    geometry: Mapped[dict[str, Any] | None]
    schematic: Mapped[bool] = mapped_column(default=False)

    lieux: Mapped[list[Lieu]] = relationship(back_populates="quartier")

    def __repr__(self) -> str:
        return f"<Quartier {self.code} {self.nom}>"


class Lieu(Base):
    """A place where services happen; several organisations may share it."""

    __tablename__ = "lieu"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(200))
    adresse: Mapped[str] = mapped_column(String(300), default="")
    complement_adresse: Mapped[str] = mapped_column(String(300), default="")
    code_postal: Mapped[str] = mapped_column(String(5), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    code_insee: Mapped[str] = mapped_column(String(5), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    quartier_id: Mapped[int | None] = mapped_column(
        ForeignKey("quartier.id", ondelete="SET NULL"), index=True
    )
    acces_plain_pied: Mapped[Access] = mapped_column(ACCESS_ENUM, default=Access.UNKNOWN)
    toilettes_adaptees: Mapped[Access] = mapped_column(ACCESS_ENUM, default=Access.UNKNOWN)
    boucle_magnetique: Mapped[Access] = mapped_column(ACCESS_ENUM, default=Access.UNKNOWN)
    langue_des_signes: Mapped[Access] = mapped_column(ACCESS_ENUM, default=Access.UNKNOWN)
    source: Mapped[str | None] = mapped_column(String(60))
    source_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    quartier: Mapped[Quartier | None] = relationship(back_populates="lieux")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=lieu_organisation, back_populates="lieux"
    )

    @property
    def one_line_address(self) -> str:
        parts = [self.adresse, self.complement_adresse, f"{self.code_postal} {self.commune}".strip()]
        return ", ".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"<Lieu {self.id} {self.nom}>"


class Thematique(Base):
    """A term of the guide's own taxonomy, mapped to data·inclusion thematique codes."""

    __tablename__ = "thematique"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    icon: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    di_codes: Mapped[list[str]] = mapped_column(default=list)
    # How often the fiches of this thématique must be confirmed (months); None: the guide's default.
    update_period_months: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<Thematique {self.slug}>"


class ChangeState(enum.StrEnum):
    """Where a proposed change of an organisation or a lieu stands."""

    PENDING = "a_valider"
    APPLIED = "publiee"
    REJECTED = "renvoyee"


CHANGE_STATE_ENUM = Enum(
    ChangeState, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
)


class DirectoryChange(Base):
    """A change of an organisation's or a lieu's public data: proposed, then published or sent back.

    The live Organisation and Lieu rows are what the public sees. A partner whose organisation has no
    direct publication proposes a change (one open change per object, updated by later saves); a
    coordinator publishes it (the values are applied to the live row) or sends it back with a comment.
    Staff and direct-publication organisations apply at once: the row is written as already applied, so
    every change of public data is in the history.

    ``values`` holds only the fields that differ from the live row, ``previous`` their values on the
    live row when the change was last saved, published or sent back (the history shows previous → values).
    """

    __tablename__ = "directory_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    lieu_id: Mapped[int | None] = mapped_column(ForeignKey("lieu.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20), default="edit")  # "edit" or "create"
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    previous: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[ChangeState] = mapped_column(CHANGE_STATE_ENUM, default=ChangeState.PENDING, index=True)
    direct: Mapped[bool] = mapped_column(default=False)  # applied without review
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation | None] = relationship()
    lieu: Mapped[Lieu | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    @property
    def target(self) -> Organisation | Lieu | None:
        return self.organisation if self.organisation_id is not None else self.lieu

    @property
    def kind(self) -> str:
        return "organisation" if self.organisation_id is not None else "lieu"

    def __repr__(self) -> str:
        return f"<DirectoryChange {self.id} {self.kind} {self.state}>"
