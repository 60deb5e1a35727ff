"""Small text helpers shared by the core."""

from __future__ import annotations

import re
import unicodedata


def fold(value: str) -> str:
    """Lower-case, accents removed."""
    normalized = unicodedata.normalize("NFKD", value)
    return "".join(c for c in normalized if not unicodedata.combining(c)).lower()


def slugify(value: str, max_length: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    return slug[:max_length].strip("-") or "sans-titre"
