"""An agent's selection shared as a short link: the fiches and the agent's notes, read-only, no account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base, utcnow


class SharedSelection(Base):
    """``items`` is ``[{"fiche_id": 12, "note": "RDV mardi 14 h"}, …]`` in the agent's order; nothing else
    is kept (no account, no address of the agent). ``digest`` names the content, so sharing the same list
    twice gives the same link; the row is deleted once ``expires_at`` is past."""

    __tablename__ = "shared_selection"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(24), unique=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
