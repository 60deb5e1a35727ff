"""Usage counters for the city's indicators: how often fiches are read, searches made, phones called.

Nothing about a person is ever stored: no address, no user agent, no cookie, no time within the day.
A row is a count of one kind of event for one key (a fiche's id, a thématique's or a quartier's slug,
or "" for the whole guide) on one day (:class:`UsageDaily`, written in batches off the request by
:class:`guide.services.indicators.UsageRecorder`) or one month (:class:`UsageMonthly`, into which
``guide-housekeeping`` rolls the daily rows of whole months once they are old enough, deleting them).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class UsageKind(enum.StrEnum):
    FICHE = "fiche"  # a public fiche page read (key: the fiche's id)
    THEMATIQUE = "thematique"  # a fiche of this thématique read (key: its slug)
    QUARTIER = "quartier"  # a fiche of a lieu in this quartier read (key: its slug)
    SEARCH = "search"  # a search made on the public results page (key: "")
    SEARCH_EMPTY = "search_empty"  # ... that found nothing (key: "")
    CALL = "call"  # a click on a fiche's telephone number (key: the fiche's id)
    DIRECTIONS = "directions"  # a click on a fiche's itinerary link (key: the fiche's id)


class UsageDaily(Base):
    """One kind of event counted for one key on one day."""

    __tablename__ = "usage_daily"
    __table_args__ = (UniqueConstraint("kind", "key", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80), default="")
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<UsageDaily {self.kind} {self.key!r} {self.day} ×{self.count}>"


class UsageMonthly(Base):
    """The daily counts of a whole month, summed (``month`` is the month's first day)."""

    __tablename__ = "usage_monthly"
    __table_args__ = (UniqueConstraint("kind", "key", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80), default="")
    month: Mapped[dt.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<UsageMonthly {self.kind} {self.key!r} {self.month} ×{self.count}>"
