"""Public labels in plain words (issue 12, « Easy to read »): the coordination's own French wording of a
public, an access condition, a type of service or a fee code. The data·inclusion code stays what fiches,
the API and the exports carry; this row only changes what the public pages say
(``guide.services.public_labels``). No row: the guide's default plain label."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base, utcnow


class PublicLabel(Base):
    __tablename__ = "public_label"
    __table_args__ = (UniqueConstraint("kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "public", "condition", "type", "frais"
    code: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(120))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<PublicLabel {self.kind}:{self.code}>"
