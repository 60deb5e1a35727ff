"""What coordinators tell the search engine (synonyms) and what it tells them (queries without results)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base, utcnow


class Synonym(Base):
    """One group of equivalent expressions, comma-separated: « ivg, interruption volontaire de grossesse »."""

    __tablename__ = "search_synonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def expressions(self) -> list[str]:
        return split_terms(self.terms)

    def __repr__(self) -> str:
        return f"<Synonym {self.id} {self.terms!r}>"


def split_terms(value: str) -> list[str]:
    """The expressions of a synonym group, trimmed, without duplicates (case-insensitive), in order."""
    seen: dict[str, str] = {}
    for part in value.replace(";", ",").replace("\n", ",").split(","):
        expression = " ".join(part.split())
        if expression and expression.lower() not in seen:
            seen[expression.lower()] = expression
    return list(seen.values())


class SearchMiss(Base):
    """Public searches that found nothing, counted per normalised query (lower case, single spaces) and
    day: nothing about who searched, nor when within the day. Written in batches off the request (see
    :mod:`search_index.misses`)."""

    __tablename__ = "search_miss"
    __table_args__ = (UniqueConstraint("query", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<SearchMiss {self.query!r} {self.day} ×{self.count}>"


def normalise_query(q: str) -> str:
    """The form a query without results is counted under: lower case, single spaces, 200 characters."""
    return " ".join(q.lower().split())[:200].rstrip()
