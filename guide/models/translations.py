"""A fiche's title, summary and access conditions in another language, reviewed before the public sees them.

One row per fiche and language. It holds two texts:

- the *working copy* (``nom``, ``resume``, ``conditions``) that a partner or a coordinator writes, with its
  ``state`` (draft, submitted, sent back, published) — reviewed like a change to the fiche;
- the *reviewed text* (``published_*``), copied from the working copy when a coordinator or a référent of the
  fiche's thématiques publishes it, with who reviewed it and when. The public only ever reads these columns,
  so reworking a published translation never shows unreviewed words.

``based_on_version`` is the number of the French version the translator had in front of them (the fiche's
latest version when the working copy was saved); ``published_based_on`` is that number for the reviewed text.
When the French title, summary or access conditions of the fiche's published version differ from those of the
version a reviewed translation was based on, the translation is « à revoir » (``guide.services.translations``
decides): the public page still shows it, saying it translates an earlier version of the fiche.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .meta import Base, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .fiche import Fiche


class TranslationState(enum.StrEnum):
    DRAFT = "brouillon"
    SUBMITTED = "a_relire"
    PUBLISHED = "publiee"
    SENT_BACK = "renvoyee"


TRANSLATION_STATE_ENUM = Enum(
    TranslationState, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
)


class FicheTranslation(Base):
    __tablename__ = "fiche_translation"
    __table_args__ = (UniqueConstraint("fiche_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"), index=True)
    # The locale name of the public guide: en, ar, uk, fa_AF (Dari), es.
    language: Mapped[str] = mapped_column(String(8))

    # --- the working copy ---
    nom: Mapped[str] = mapped_column(String(150), default="")
    resume: Mapped[str] = mapped_column(String(280), default="")
    conditions: Mapped[str] = mapped_column(Text, default="")  # FicheVersion.conditions_precisions
    state: Mapped[TranslationState] = mapped_column(TRANSLATION_STATE_ENUM, default=TranslationState.DRAFT)
    based_on_version: Mapped[int | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When it was submitted: the review queue is ordered by it (oldest first).
    submitted_at: Mapped[dt.datetime | None]
    # The reviewer's comment when it was sent back.
    comment: Mapped[str] = mapped_column(Text, default="")

    # --- the reviewed text, the only one the public reads ---
    published_nom: Mapped[str | None] = mapped_column(String(150))
    published_resume: Mapped[str | None] = mapped_column(String(280))
    published_conditions: Mapped[str | None] = mapped_column(Text)
    published_based_on: Mapped[int | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]

    # ``Fiche.translations`` is declared from here, so that the fiche's module does not grow.
    fiche: Mapped[Fiche] = relationship(
        backref=backref(
            "translations",
            order_by="FicheTranslation.language",
            cascade="all, delete-orphan",
            passive_deletes=True,
        )
    )
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def is_reviewed(self) -> bool:
        """A reviewed text exists (what the public may read)."""
        return self.reviewed_at is not None and self.published_nom is not None

    def __repr__(self) -> str:
        return f"<FicheTranslation {self.fiche_id} {self.language} {self.state}>"
