"""Validating a row with data·inclusion's models without losing it; formatted descriptions turned into text.

data·inclusion's pydantic models refuse a whole row for one bad value (a name of two letters, a date of
1970, a description "."). The guide keeps the row: :func:`lenient_validate` validates, and for each refused
field drops the value (or, in a list, the refused item), notes why, and validates again. Only the identity
of a row (its id, and a service's structure) can make it unusable.

Descriptions written in Markdown or HTML (DORA's ``**…**``, ``<br>``, ``<!-- -->``) are cleaned to plain text
at import: the guide shows, indexes, prints and exports its descriptions as text, so one text form serves
everywhere and nothing of a source's markup can reach a page. markdown-it-py (CommonMark) parses the Markdown
and its HTML; the standard library's HTML parser then keeps the text nodes, with line breaks for blocks and
« - » for list items (a text extractor, not a sanitiser: its output is escaped like any text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pydantic
from markdown_it import MarkdownIt

from .rows import ERROR_MESSAGES, FIELD_NAMES, Record, RowError

IDENTITY = ("source", "id", "structure_id")
MAX_PASSES = 6
OLDEST_DATE = dt.date(2000, 1, 1)

# Stand-ins that let the model validate the rest of a row once a required field was found unusable.
_STAND_INS = {"nom": "sans nom", "description": "(sans description)", "date_maj": "2000-01-01"}


def _label(name: str) -> str:
    return FIELD_NAMES.get(name, name.replace("_", " "))


def _reason(item: dict[str, Any]) -> str:
    kind = item["type"]
    if kind == "value_error":
        message = str(item.get("msg", "")).removeprefix("Value error, ").rstrip(".")
        return message[:1].lower() + message[1:]
    template = ERROR_MESSAGES.get(kind, "valeur invalide")
    try:
        return template.format(**(item.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split(" (")[0]


def _shown(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:80].rstrip() + "…"


def lenient_validate(
    model: type[pydantic.BaseModel], record: Record, warn: Callable[[str, str], None]
) -> tuple[Any, dict[str, Any]]:
    """The row validated by ``model`` after dropping what it refuses; and the fields to set over the result
    (a short name kept as given, a refused required field emptied). ``warn(field, message)`` is told each
    dropped value. :class:`RowError` when the row's identity is unusable."""
    if record.data is None or record.problem:
        raise RowError(record.problem or "ligne illisible")
    data = dict(record.data)
    overrides: dict[str, Any] = {}
    for _ in range(MAX_PASSES):
        try:
            parsed = model.model_validate(data)
        except pydantic.ValidationError as error:
            _repair(data, overrides, error.errors(), warn)
            continue
        return parsed, _check_date(parsed, overrides, warn)
    raise RowError("ligne inutilisable : trop de valeurs invalides")


def _repair(
    data: dict[str, Any],
    overrides: dict[str, Any],
    errors: list[dict[str, Any]],
    warn: Callable[[str, str], None],
) -> None:
    dropped_items: dict[str, set[int]] = {}
    for item in errors:
        loc = item["loc"]
        if not loc:
            raise RowError("ligne illisible")
        name = str(loc[0])
        value = data.get(name)
        if name in IDENTITY:
            if name == "structure_id":
                raise RowError("service sans structure : identifiant de la structure manquant ou invalide")
            raise RowError(f"{_label(name)} : {_reason(item)}")
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(value, list):
            if loc[1] not in dropped_items.setdefault(name, set()):
                dropped_items[name].add(loc[1])
                shown = _shown(value[loc[1]]) if loc[1] < len(value) else ""
                warn(
                    name,
                    f"{_label(name)} : valeur « {shown} » ignorée ({_reason(item)}), gardée dans la source",
                )
            continue
        if name == "nom" and isinstance(value, str) and value.strip():
            if item["type"] == "string_too_long":
                overrides["nom"] = value.strip()[:150]
                warn("nom", "nom : trop long, coupé à 150 caractères")
            else:
                overrides["nom"] = value.strip()  # « EI », « AI »: short names are names
            data["nom"] = _STAND_INS["nom"]
            continue
        if name == "publics" and isinstance(value, list) and "tous-publics" in value and len(value) > 1:
            data[name] = [v for v in value if v != "tous-publics"]
            warn(name, "publics : « tous-publics » ignoré, la ligne donne aussi des publics précis")
            continue
        if name == "publics" and item["type"] == "too_short":
            data[name] = None  # an empty list: publics not stated
            continue
        if name in _STAND_INS:
            overrides[name] = None if name == "date_maj" else ""
            data[name] = _STAND_INS[name]
        else:
            data[name] = None
        if value not in (None, "", []):
            warn(name, f"{_label(name)} : valeur « {_shown(value)} » ignorée ({_reason(item)})")
    for name, indexes in dropped_items.items():
        data[name] = [v for i, v in enumerate(data[name]) if i not in indexes]


def _check_date(parsed: Any, overrides: dict[str, Any], warn: Callable[[str, str], None]) -> dict[str, Any]:
    """data·inclusion's own check of ``date_maj`` runs on the day it was released: check it again today."""
    value = overrides.get("date_maj", parsed.date_maj)
    if value is not None and (value < OLDEST_DATE or value > dt.date.today()):
        warn("date_maj", f"date de mise à jour : valeur « {value.isoformat()} » ignorée (date impossible)")
        overrides["date_maj"] = None
    return overrides


# --- formatted text ---------------------------------------------------------------------------------

_FORMATTED = re.compile(
    r"<[A-Za-z!/][^>]*>|\*\*\S|__\S|\[[^\]\n]+\]\([^)\s]+\)|^#{1,6}\s|^\s*[-*+]\s+\S|&(?:[a-z]+|#\d+);",
    re.MULTILINE,
)
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote"}
    | {"hr"}
)
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str | None] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS and tag != "li":
            self.parts.append("\n")
        if tag == "a" and self.links:
            href = self.links.pop()
            text = "".join(self.parts).rsplit("\n", 1)[-1]
            if href and href.startswith(("http://", "https://")) and href not in text:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(value: str) -> str:
    """A description as plain text: Markdown and HTML reduced to their text, paragraphs kept."""
    if not value or not _FORMATTED.search(value):
        return value
    parser = _TextOf()
    parser.feed(_markdown.render(value))
    parser.close()
    text = "".join(parser.parts)
    # Markdown left inside an HTML block (CommonMark does not parse it there): its links and emphasis.
    text = re.sub(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)", r"\1 (\2)", text)
    text = re.sub(r"(\*\*|__)(\S(?:.*?\S)?)\1", r"\2", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    kept: list[str] = []
    for line in lines:  # paragraphs apart, the items of a list together
        if kept and not ((line.startswith("- ") and kept[-1].startswith("- ")) or kept[-1].endswith(":")):
            kept.append("")
        kept.append(line)
    lines = kept
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
