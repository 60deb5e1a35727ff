"""Small text helpers shared by the core."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O"})


def fold(value: str) -> str:
    """Lower-case, accents removed, ligatures spelt out (« cœur » → « coeur »)."""
    normalized = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    return "".join(c for c in normalized if not unicodedata.combining(c)).lower()


def slugify(value: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    return slug[:max_length].strip("-") or "sans-titre"
