"""French formats shared by the web pages and the printed guide (Jinja2 filters): dates, phone numbers,
addresses shown to a reader, and French typography (the non-breaking spaces a printed line needs)."""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from . import hours, normalize


def date_fr(value: dt.date | dt.datetime | str | None, fmt: str = "d MMMM y", locale: str = "fr_FR") -> str:
    """« 22 novembre 2026 »; datetimes in the guide's zone; ISO strings (closures stored as JSON) accepted.
    In another ``locale`` (« en », « ar »…) Babel writes the month and the digits of that language."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return format_datetime(value.astimezone(hours.timezone()), fmt, locale=locale)
    return format_date(value, fmt, locale=locale)


def datetime_fr(value: dt.datetime | None, locale: str = "fr_FR") -> str:
    """« 22 novembre 2026 à 14:05 »; another language gets its own date, then the 24-hour time."""
    if not value:
        return ""
    return date_fr(value, "d MMMM y 'à' HH:mm" if locale.startswith("fr") else "d MMMM y, HH:mm", locale)


def number(value: float | int | None, fmt: str | None = None, locale: str = "fr_FR") -> str:
    """A number as the reader's language writes it (« 1,5 » in French, « 1.5 » in English, « ١٫٥ » in
    Arabic): Babel's ``format_decimal``."""
    if value is None:
        return ""
    return format_decimal(value, fmt, locale=locale)


def tel_uri(value: str) -> str:
    """A ``tel:`` link for a phone number, or "" when it is not one."""
    try:
        return normalize.phone_uri(value)
    except normalize.NormalizeError:
        return ""


def paragraphs(value: str | None) -> Markup:
    """Plain text with blank lines → escaped paragraphs."""
    if not value:
        return Markup("")
    blocks = [b.strip() for b in value.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(Markup("<br>").join(b.split("\n"))) for b in blocks)


# A time or a range of times as the guide writes them: « 14 h », « 9 h 30 », « 14:00 », « 08:30–12:00 »,
# « 14 h – 17 h » (not inside a word or another number).
_TIME = r"\d{1,2}(?::\d{2}|\u00a0?\s?h(?:\s?\d{2})?(?!\w))"
_TIMES = re.compile(rf"(?<![\w:]){_TIME}(?:\s?[–-]\s?{_TIME})?")


def isolate_times(value: str | None) -> Markup:
    """Escaped text whose times and ranges of times are left-to-right islands (``<bdi dir="ltr">``): on a
    right-to-left page « اليوم: 08:30 – 12:00 » would otherwise show « 12:00 – 08:30 » (the bidirectional
    algorithm orders the numbers of a range by the paragraph's direction). Harmless on a French page."""
    if not value:
        return Markup("")
    parts, last = [], 0
    for match in _TIMES.finditer(value):
        parts.append(Markup.escape(value[last : match.start()]))
        parts.append(Markup('<bdi dir="ltr">{}</bdi>').format(match.group(0)))
        last = match.end()
    parts.append(Markup.escape(value[last:]))
    return Markup("").join(parts)


def bdi(value: str | None) -> Markup:
    """``value`` escaped inside ``<bdi>``: a visitor's words (a query) keep their own direction whatever the
    page's (a Latin query on an Arabic page, an Arabic one on a French page)."""
    return Markup("<bdi>{}</bdi>").format(value or "")


def ltr_island(value: str | None, lang: str | None = None) -> Markup:
    """``value`` escaped inside ``<bdi dir="ltr">`` (with ``lang`` when given): a phone number, an e-mail
    address or a postal address keeps its left-to-right order on a right-to-left page — « 04 73 98 07 81 »
    would otherwise read « 81 07 98 73 04 » and « 22 rue…, 63000 Clermont » put its numbers on the wrong side
    (the bidirectional algorithm orders groups of digits by the paragraph's direction)."""
    if not value:
        return Markup("")
    if lang:
        return Markup('<bdi dir="ltr" lang="{}">{}</bdi>').format(lang, value)
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def upper_first(value: str | None) -> str:
    """« du lundi au vendredi » → « Du lundi au vendredi » (the rest unchanged, unlike ``capitalize``)."""
    return value[:1].upper() + value[1:] if value else ""


def format_phone(value: str) -> str:
    """A phone number as the French write it (« 04 73 42 63 63 »); what does not parse is left as it is."""
    if not value:
        return ""
    try:
        return normalize.phone(value)
    except normalize.NormalizeError:
        return value


def display_url(url: str) -> str:
    """An address as printed for a reader: no scheme, no « www. », no trailing slash."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


# --- French typography ----------------------------------------------------------------------------------

NBSP = "\u00a0"
_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([:;!?%»])")
_AFTER_QUOTE = re.compile(r"«[ \t]+")
_CLOCK = re.compile(r"(\d) h( \d\d)?")


def french_spaces(text: str) -> str:
    """French typography: a non-breaking space before « : ; ! ? % » » and after « « », so that a line
    never starts with them."""
    if not text:
        return text
    return _AFTER_QUOTE.sub(f"«{NBSP}", _BEFORE_PUNCTUATION.sub(f"{NBSP}\\1", text))


def unbreakable_times(text: str) -> str:
    """« 13 h 30 » with non-breaking spaces, so that a time is never cut at the end of a line."""
    return _CLOCK.sub(
        lambda m: f"{m.group(1)}{NBSP}h" + (f"{NBSP}{m.group(2)[1:]}" if m.group(2) else ""), text
    )
