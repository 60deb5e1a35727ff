"""The agents' selection: the fiches chosen for the person at the desk, a note under each, their order, a
short link that shares a read-only copy, and the « discret » print that leaves sensitive titles out.

The working selection lives in the visitor's signed session cookie (no account, nothing stored on the
server): ids and notes must fit in it, hence the bounds below (a cookie holds about 4 KB; the flash
messages keep 1.5 KB of it, guide.security). Sharing stores a copy in ``shared_selection`` under a random
token, for a year, and nothing else: no account, no address, only what the agent typed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from translationstring import TranslationString, TranslationStringFactory

from ..models import FicheVersion, utcnow
from ..models.selection import SharedSelection
from ..text import fold

_ = TranslationStringFactory("guide")

NOTE_MAX = 200  # characters of one note
NOTES_BUDGET = 900  # bytes of all notes, JSON-encoded as the session cookie stores them
SHARE_DAYS = 365
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,24}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


class SelectionError(ValueError):
    """A note or a move the selection refuses; ``message`` is French, ``translation`` its catalogue entry
    (``request.translate(error)`` says it in the page's language), for beside the field."""

    def __init__(self, message: Any) -> None:
        text = message.interpolate() if isinstance(message, TranslationString) else str(message)
        super().__init__(text)
        self.message = text
        self.translation = message


def clean_note(text: Any) -> str:
    """The note as kept: one line, no control characters, at most NOTE_MAX characters (else an error)."""
    value = unicodedata.normalize("NFC", str(text or ""))
    value = " ".join(_CONTROL.sub(" ", value).split())
    if len(value) > NOTE_MAX:
        raise SelectionError(
            _(
                "La note fait ${length} caractères : ${max} au plus. Raccourcissez-la "
                "(le rendez-vous, la personne à demander).",
                mapping={"length": len(value), "max": NOTE_MAX},
            )
        )
    return value


def _notes_size(notes: Mapping[str, str]) -> int:
    return len(json.dumps(dict(notes)))


def with_note(notes: Mapping[str, str], fiche_id: int, text: Any) -> dict[str, str]:
    """``notes`` with the note of ``fiche_id`` replaced (removed when empty); SelectionError when too long,
    alone or with the others."""
    note = clean_note(text)
    updated = {k: v for k, v in notes.items() if k != str(fiche_id)}
    if note:
        updated[str(fiche_id)] = note
    if _notes_size(updated) > NOTES_BUDGET:
        raise SelectionError(
            _(
                "Les notes de la sélection sont trop longues au total : raccourcissez celle-ci ou une autre "
                "(une ligne par fiche suffit : le rendez-vous, la personne à demander)."
            )
        )
    return updated


def clean_notes(value: Any, ids: Iterable[int]) -> dict[str, str]:
    """The session's notes, kept for the fiches still selected only (whatever the session holds)."""
    if not isinstance(value, dict):
        return {}
    wanted = {str(i) for i in ids}
    return {k: v for k, v in value.items() if k in wanted and isinstance(v, str) and v}


def moved(ids: Sequence[int], fiche_id: int, direction: str) -> list[int]:
    """``ids`` with ``fiche_id`` one place up (``haut``) or down (``bas``); unchanged at either end."""
    order = list(ids)
    if fiche_id not in order or direction not in ("haut", "bas"):
        return order
    i = order.index(fiche_id)
    j = i - 1 if direction == "haut" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order


# --- the short link ---------------------------------------------------------------------------------------


def _items(ids: Sequence[int], notes: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"fiche_id": int(i), "note": notes.get(str(i), "")} for i in ids]


def digest(ids: Sequence[int], notes: Mapping[str, str]) -> str:
    payload = json.dumps(_items(ids, notes), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def share(db: Session, ids: Sequence[int], notes: Mapping[str, str], now: dt.datetime | None = None) -> str:
    """The token of a read-only copy of the selection (the same list shared again gives the same token and
    a year more); expired copies are deleted on the way."""
    now = now or utcnow()
    db.execute(delete(SharedSelection).where(SharedSelection.expires_at < now))
    key = digest(ids, notes)
    expires = now + dt.timedelta(days=SHARE_DAYS)
    existing = db.scalar(select(SharedSelection).where(SharedSelection.digest == key).limit(1))
    if existing is not None:
        existing.expires_at = expires
        return existing.token
    token = secrets.token_urlsafe(8)  # 11 characters, 64 random bits
    db.add(
        SharedSelection(token=token, digest=key, items=_items(ids, notes), created_at=now, expires_at=expires)
    )
    db.flush()
    return token


@dataclass
class Shared:
    ids: list[int]
    notes: dict[str, str]
    expires_at: dt.datetime


def shared(db: Session, token: Any, now: dt.datetime | None = None) -> Shared | None:
    """The shared copy behind ``token`` (None when unknown, malformed or expired)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    row = db.scalar(select(SharedSelection).where(SharedSelection.token == token))
    if row is None or row.expires_at < (now or utcnow()):
        return None
    ids: list[int] = []
    notes: dict[str, str] = {}
    for item in row.items or []:
        if not isinstance(item, dict) or not isinstance(item.get("fiche_id"), int):
            continue
        ids.append(item["fiche_id"])
        if isinstance(item.get("note"), str) and item["note"]:
            notes[str(item["fiche_id"])] = item["note"]
    return Shared(ids, notes, row.expires_at)


# --- the discreet print -----------------------------------------------------------------------------------


@functools.cache
def sensitive_terms() -> dict[str, Any]:
    """The data file guide/data/sensitive.json: sensitive thématiques, publics, words, the neutral title."""
    text = resources.files("guide").joinpath("data/sensitive.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {
        "thematiques": frozenset(data.get("thematiques", [])),
        "publics": frozenset(data.get("publics", [])),
        "words": tuple(fold(w) for w in data.get("words", [])),
        "neutral_title": data.get("neutral_title") or "Accueil et accompagnement",
    }


def is_sensitive(version: FicheVersion, organisation_name: str = "") -> bool:
    """Whether a fiche's title, thématiques, publics or organisation tell what it is about (violences…)."""
    terms = sensitive_terms()
    if any(t.slug in terms["thematiques"] for t in version.thematiques):
        return True
    if any(p in terms["publics"] for p in version.publics or []):
        return True
    words = f" {fold(f'{version.nom} {organisation_name}')} "
    words = re.sub(r"[^a-z0-9]+", " ", words)
    return any(f" {w} " in words for w in terms["words"])
