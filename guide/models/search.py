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
    # The language of the expressions that are not French (ISO 639-1): "en" for « lawyer, avocat »; "fr" for a
    # group of French expressions only.
    language: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    # A group shipped with the lexicon (guide/data/lexicon.json, :mod:`guide.services.lexicon`): its key, and
    # its terms as last loaded. While ``terms == lexicon_terms`` no coordinator changed it and a newer lexicon
    # may update it; once they differ, the coordinator's version stays. None for a coordinator's own group.
    lexicon_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    lexicon_terms: Mapped[str | None] = mapped_column(Text)

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


class LexiconDismissal(Base):
    """A lexicon group a coordinator deleted: loading the lexicon again does not bring it back."""

    __tablename__ = "search_lexicon_dismissal"

    id: Mapped[int] = mapped_column(primary_key=True)
    lexicon_key: Mapped[str] = mapped_column(String(80), unique=True)
    dismissed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LexiconDismissal {self.lexicon_key!r}>"


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
