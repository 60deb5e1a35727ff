"""French words for the hours: day and month names (from Babel), times, dates and lists of phrases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import get_day_names, get_month_names

DAY_MINUTES = 24 * 60
# A comment meaning « by appointment only »: « sur rendez-vous », « Sur RDV uniquement »…
BY_APPOINTMENT = re.compile(r"^\s*(?:uniquement\s+)?sur (?:rendez-vous|rdv)\b", re.IGNORECASE)

# Babel's French names (its day index 0 is Monday, as ``date.weekday()``): no hand-written table.
DAY_LABELS: tuple[str, ...] = tuple(get_day_names("wide", locale="fr")[day] for day in range(7))
MONTH_LABELS: tuple[str, ...] = tuple(get_month_names("wide", locale="fr")[month] for month in range(1, 13))


def hm(minutes: int) -> str:
    """540 → « 9 h », 510 → « 8 h 30 », 0 or 1440 → « minuit »."""
    minutes %= DAY_MINUTES
    if minutes == 0:
        return "minuit"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def clock(moment: datetime) -> str:
    return hm(moment.hour * 60 + moment.minute)


def join(items: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def day_number(day: int) -> str:
    return "1er" if day == 1 else str(day)


def date_fr(day: date, reference: date | None = None) -> str:
    """« 2 janvier », « 1er mai »; with the year when ``day`` is not within the months after ``reference``.

    Not Babel's ``format_date``: it writes « 1 mai », and French writes « 1er mai ».
    """
    text = f"{day_number(day.day)} {MONTH_LABELS[day.month - 1]}"
    if reference is not None and not 0 <= (day - reference).days < 300:
        text += f" {day.year}"
    return text


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def shorten(text: str, limit: int = 30) -> str:
    """``text`` cut to about ``limit`` characters after a space, a comma or a semicolon, never mid-word
    (a single word up to twice the limit is kept whole)."""
    if len(text) <= limit:
        return text
    cut = max(text.rfind(separator, 0, limit) for separator in " ,;")
    if cut >= limit // 3:
        return text[: cut + (1 if text[cut] in ",;" else 0)].rstrip() + "…"
    if len(text) <= 2 * limit:
        return text
    return text[: 2 * limit - 1] + "…"
