"""The shared agenda: events published by partners (ateliers, réunions d'information, permanences…).

An event belongs to an organisation, optionally to one of its fiches and to a lieu (or a free address, or
online). It happens once (``starts_at`` → ``ends_at``) or as a series: ``rrule`` holds an RFC 5545
recurrence rule (without DTSTART: the first occurrence is ``starts_at``, read in Europe/Paris wall time so
that « tous les mardis à 14 h » stays at 14 h across daylight saving changes), ``cancelled`` the local
dates (ISO ``YYYY-MM-DD``) of cancelled occurrences. ``last_ends_at`` is the end of the last occurrence
(computed by ``guide.services.agenda`` at each save) so that past events are left out in SQL.

Events are reviewed like fiches (same states; coordinators and the référents of the event's thématiques
publish; an organisation with direct publication publishes its own), but not versioned: a partner's edit
of a published event sends it back to review. Each step is a line of :class:`EventHistory`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .fiche import STATE_ENUM, State
from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .directory import Lieu, Organisation, Thematique
    from .fiche import Fiche


class EventKind(enum.StrEnum):
    ATELIER = "atelier"
    REUNION = "reunion-information"
    PERMANENCE = "permanence-exceptionnelle"
    FETE = "evenement"
    FORMATION = "formation"
    SORTIE = "sortie"
    CONFERENCE = "conference"


# French labels (the public side wraps them for gettext where it shows them).
EVENT_KIND_LABELS: dict[EventKind, str] = {
    EventKind.ATELIER: "Atelier",
    EventKind.REUNION: "Réunion d'information",
    EventKind.PERMANENCE: "Permanence exceptionnelle",
    EventKind.FETE: "Événement, fête",
    EventKind.FORMATION: "Formation",
    EventKind.SORTIE: "Sortie",
    EventKind.CONFERENCE: "Conférence, débat",
}


class Registration(enum.StrEnum):
    NONE = "aucune"
    RECOMMENDED = "conseillee"
    REQUIRED = "obligatoire"


REGISTRATION_LABELS: dict[Registration, str] = {
    Registration.NONE: "Sans inscription",
    Registration.RECOMMENDED: "Inscription conseillée",
    Registration.REQUIRED: "Inscription obligatoire",
}

EVENT_KIND_ENUM = Enum(
    EventKind, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e]
)
REGISTRATION_ENUM = Enum(
    Registration, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
)

event_thematique = Table(
    "agenda_event_thematique",
    Base.metadata,
    Column("event_id", ForeignKey("agenda_event.id", ondelete="CASCADE"), primary_key=True),
    Column("thematique_id", ForeignKey("thematique.id", ondelete="RESTRICT"), primary_key=True),
)


class Event(Base):
    __tablename__ = "agenda_event"
    __table_args__ = (Index("ix_agenda_event_state_last_ends_at", "state", "last_ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche.id", ondelete="SET NULL"), index=True)
    lieu_id: Mapped[int | None] = mapped_column(ForeignKey("lieu.id", ondelete="SET NULL"), index=True)
    # Where, when there is no lieu: a free address; ``en_ligne``: (also) online.
    adresse: Mapped[str] = mapped_column(String(300), default="")
    en_ligne: Mapped[bool] = mapped_column(default=False)

    titre: Mapped[str] = mapped_column(String(150))
    kind: Mapped[EventKind] = mapped_column(EVENT_KIND_ENUM, default=EventKind.ATELIER)
    description: Mapped[str] = mapped_column(Text, default="")
    publics: Mapped[list[str]] = mapped_column(default=list)  # codes of guide.vocabulary.PUBLICS
    gratuit: Mapped[bool] = mapped_column(default=True)
    tarif: Mapped[str] = mapped_column(String(200), default="")
    inscription: Mapped[Registration] = mapped_column(REGISTRATION_ENUM, default=Registration.NONE)
    inscription_modalites: Mapped[str] = mapped_column(String(300), default="")

    # The first occurrence (UTC); a series repeats it by ``rrule``.
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    rrule: Mapped[str | None] = mapped_column(String(200))
    cancelled: Mapped[list[str]] = mapped_column(default=list)
    last_ends_at: Mapped[dt.datetime]

    state: Mapped[State] = mapped_column(STATE_ENUM, default=State.DRAFT, index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    state_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    fiche: Mapped[Fiche | None] = relationship()
    lieu: Mapped[Lieu | None] = relationship()
    thematiques: Mapped[list[Thematique]] = relationship(
        secondary=event_thematique, order_by="Thematique.position"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    history: Mapped[list[EventHistory]] = relationship(
        back_populates="event", order_by="EventHistory.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_series(self) -> bool:
        return bool(self.rrule)

    @property
    def is_public(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def kind_label(self) -> str:
        return EVENT_KIND_LABELS.get(self.kind, str(self.kind))

    @property
    def inscription_label(self) -> str:
        return REGISTRATION_LABELS.get(self.inscription, str(self.inscription))

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.state}>"


class EventHistory(Base):
    """One line of an event's history: created, saved, submitted, published, sent back, cancelled date…"""

    __tablename__ = "agenda_event_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("agenda_event.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[State | None] = mapped_column(STATE_ENUM)
    to_state: Mapped[State | None] = mapped_column(STATE_ENUM)
    comment: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()
