"""Validation of an opening_hours string, with French advice a non-expert can follow.

:func:`complexity_problem` refuses strings too long or too detailed before anything parses them;
:func:`validate` then asks the library and, when it refuses, :func:`explain` turns its error position
into a sentence that names the likely mistake (French day names, « 9h-12h », a missing semicolon…).
"""

from __future__ import annotations

import re

from opening_hours import ParserError

from . import library
from .wording import shorten

EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"

_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_FRENCH_DAYS = {
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lun", "mer", "jeu", "ven", "dim", "lu", "ma", "me", "je", "ve", "di",
}  # fmt: skip
_ENGLISH_DAYS = {
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_FRENCH_MONTHS = {
    "janvier", "janv", "février", "fevrier", "févr", "fevr", "fév", "fev", "avril", "avr", "mai", "juin",
    "juillet", "juil", "août", "aout", "septembre", "sept", "octobre", "novembre", "décembre", "decembre",
    "déc",
}  # fmt: skip
_CLOSED_WORDS = {"fermé", "ferme", "fermée", "fermee", "fermés", "fermes", "fermeture", "fermer"}
_HOLIDAY_WORDS = {"férié", "ferie", "fériés", "feries", "jf", "jours", "jour"}
_WORD_BOUNDARY = " \t\n;"
_VALID_CODES = {"mo", "tu", "we", "th", "fr", "sa", "su", "ph", "sh"}


# Limits on what a fiche's opening hours may hold.  OpenStreetMap itself stores at most 255 characters
# per tag, so every real-world string fits with room to spare; the structured reader behind describe()
# grows faster than linearly with the number of time spans in a day (a 34 KB string of 2 800 spans
# took 46 s to describe), so the limits are checked, with cheap linear scans, before any parsing.
MAX_LENGTH = 1000  # characters
MAX_RULES = 50  # rules separated by « ; », « || » or « , » followed by a space
MAX_TIME_SPANS = 50  # time spans such as 09:00-12:00 over the whole string (7 days × 2 seasons × 3 fit)

_COMMENT = re.compile(r'"[^"]*"')
_RULE_SEPARATOR = re.compile(r";|\|\||,\s")
_TIME_TOKEN = re.compile(r"[0-9]{1,2}:[0-9]{2}|sunrise|sunset|dawn|dusk", re.IGNORECASE)
_SHORTER = (
    "Regroupez les jours qui ont les mêmes horaires (par exemple Mo-Fr 09:00-12:00) et écrivez les cas "
    "particuliers dans « Précisions sur les horaires »."
)


def complexity_problem(value: str) -> str | None:
    """A French message when ``value`` is too long or has too many rules or time spans, else None.

    Linear in the length of ``value`` and independent of the opening_hours library: call it before
    anything that parses the string.
    """
    text = (value or "").strip()
    if len(text) > MAX_LENGTH:
        return (
            f"Horaires trop longs : {MAX_LENGTH} caractères au plus "
            f"(vous en avez écrit {len(text)}). {_SHORTER}"
        )
    bare = _COMMENT.sub('""', text)
    rules = len(_RULE_SEPARATOR.findall(bare)) + 1
    if rules > MAX_RULES:
        return (
            f"Horaires trop détaillés : {MAX_RULES} règles au plus (vous en avez écrit {rules}). {_SHORTER}"
        )
    spans = (len(_TIME_TOKEN.findall(bare)) + 1) // 2
    if spans > MAX_TIME_SPANS:
        return (
            f"Horaires trop détaillés : {MAX_TIME_SPANS} créneaux horaires au plus "
            f"(vous en avez écrit {spans}). {_SHORTER}"
        )
    return None


def validate(value: str) -> str | None:
    """None when ``value`` is a valid opening_hours string (or empty), else a French explanation."""
    text = (value or "").strip()
    if not text:
        return None
    problem = complexity_problem(text)
    if problem:
        return problem
    try:
        library.compile_hours(text)
    except ParserError as exc:
        return explain(text, str(exc))
    return None


def _error_index(value: str, error: str) -> int:
    """The character index the parser complains about (its message gives line:column, 1-based)."""
    match = _POSITION.search(error)
    if not match:
        return 0
    line, column = int(match.group(1)), int(match.group(2))
    lines = value.split("\n")
    index = sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
    return min(max(index, 0), len(value))


def _word_around(value: str, index: int) -> str:
    """The space- or semicolon-delimited word at ``index`` (skipping spaces forward)."""
    while index < len(value) and value[index] in " \t":
        index += 1
    if index >= len(value) or value[index] in "\n;":
        return ""
    start = index
    while start > 0 and value[start - 1] not in _WORD_BOUNDARY:
        start -= 1
    end = index
    while end < len(value) and value[end] not in _WORD_BOUNDARY:
        end += 1
    return value[start:end]


def explain(value: str, error: str) -> str:
    """The French message for ``value``, which the library refused with ``error``."""
    index = _error_index(value, error)
    word = _word_around(value, index)
    if len(word) > 30 and "," in word:
        # « 09:00-12:00,14:00-17:00,18:00-19:00x »: quote the slot at fault, not the whole list
        start = value.rfind(",", 0, index) + 1
        end = value.find(",", index)
        piece = value[max(start, value.find(word, max(0, index - len(word)))) : end if end > 0 else None]
        word = _word_around(piece, 0) or word
    advice, quote = _advice(value, index, word)
    if quote is None:
        return f"Horaires non reconnus : {advice}"
    if not quote:
        return f"Horaires non reconnus à la fin du texte : {advice}"
    return f"Horaires non reconnus près de « {shorten(quote)} » : {advice}"


def _advice(value: str, index: int, word: str) -> tuple[str, str | None]:
    """What to tell the person, and what to quote ("" = end of text, None = no location)."""
    if "\n" in value.strip():
        return (
            "écrivez les horaires sur une seule ligne, en séparant les règles par un point-virgule, "
            f"par exemple {EXAMPLE}.",
            None,
        )
    if value.count('"') % 2:
        quote = value[value.rfind('"') :]
        return (
            "un commentaire entre guillemets n'est pas refermé : ajoutez le guillemet (\") manquant.",
            quote,
        )
    if '""' in value:
        return "un commentaire entre guillemets ne peut pas être vide.", '""'
    tokens = [token for token in re.split(r"[-,:/\s]+", word.lower()) if token]
    before = value[:index].rstrip()
    if re.search(r"24\s*h?\s*/\s*24", word, re.IGNORECASE):
        return "pour une ouverture permanente, écrivez 24/7.", word
    if any(token in _FRENCH_DAYS for token in tokens):
        return (
            "écrivez les jours avec leurs abréviations anglaises : Mo (lundi), Tu (mardi), We (mercredi), "
            "Th (jeudi), Fr (vendredi), Sa (samedi), Su (dimanche) ; par exemple Mo-Fr pour "
            "« du lundi au vendredi ».",
            word,
        )
    if any(token in _ENGLISH_DAYS for token in tokens):
        return (
            "les jours s'écrivent avec deux lettres : Mo, Tu, We, Th, Fr, Sa, Su (par exemple Mo-Fr).",
            word,
        )
    if any(token in _FRENCH_MONTHS for token in tokens):
        return (
            "écrivez les mois avec leurs abréviations anglaises : Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, "
            "Sep, Oct, Nov, Dec (par exemple Jul-Aug pour juillet et août).",
            word,
        )
    if any(token in _CLOSED_WORDS for token in tokens):
        return "pour indiquer une fermeture, écrivez off, par exemple « We off » ou « PH off ».", word
    if any(token in _HOLIDAY_WORDS for token in tokens):
        return "les jours fériés s'écrivent PH, par exemple « PH off » pour « fermé les jours fériés ».", word
    previous_is_time = bool(re.search(r"\d{1,2}:\d{2}\+?$", before))
    if previous_is_time and tokens and tokens[0] in _VALID_CODES:
        return "séparez les règles par un point-virgule, par exemple Mo-Fr 09:00-12:00; Sa 09:00-12:00.", word
    typed = [token for token in re.split(r"[-,:/\s]+", word) if token]
    if any(token.lower() in ("ph", "sh") and token not in ("PH", "SH") for token in typed):
        return "écrivez PH (jours fériés) et SH (vacances scolaires) en majuscules, par exemple PH off.", word
    if typed and typed[0] in ("PH", "SH") and re.search(r"\b(?:PH|SH|Mo|Tu|We|Th|Fr|Sa|Su) $", value[:index]):
        pair = re.search(r"\b(?:PH|SH|Mo|Tu|We|Th|Fr|Sa|Su) $", value[:index])
        assert pair is not None
        return (
            "séparez les jours par une virgule, sans espace, par exemple "
            f"« {pair.group(0).strip()},{typed[0]} off ».",
            f"{pair.group(0)}{typed[0]}",
        )
    if word.lower() in {"et", "&", "+"}:
        return (
            "séparez les créneaux d'une même journée par une virgule, par exemple 09:00-12:00,14:00-17:00.",
            word,
        )
    if word.lower() == "sauf":
        return (
            "pour une exception, ajoutez une règle après un point-virgule, "
            "par exemple Mo-Fr 09:00-17:00; We off.",
            word,
        )
    if word.lower() in {"à", "a", "au", "de", "du"}:
        return "utilisez un tiret, par exemple Mo-Fr ou 09:00-12:00.", word
    if any(dash in word for dash in "–—−‐‑"):
        return "utilisez le tiret simple (-) du clavier, par exemple 09:00-12:00.", word
    if re.search(r"\d\s*[hH]|\d\.\d{2}", word):
        return "écrivez les heures avec deux-points, par exemple 09:00-12:00 (et non 9h-12h).", word
    for hour_text, minute_text in re.findall(r"(\d{1,2}):(\d{2})", word):
        if int(minute_text) > 59 or int(hour_text) > 48:
            return (
                f"l'heure « {hour_text}:{minute_text} » n'existe pas : "
                "écrivez une heure entre 00:00 et 24:00.",
                word,
            )
    first = re.match(r"(\d{1,2}):(\d{2})", word)
    if first and int(first.group(1)) > 24:
        return (
            f"l'heure « {first.group(0)} » n'existe pas : écrivez une heure entre 00:00 et 24:00.",
            word,
        )
    bare = re.fullmatch(r"(\d{1,2}(?::\d{2})?)-(\d{1,2}(?::\d{2})?)\+?", word)
    if (bare and not (":" in bare.group(1) and ":" in bare.group(2))) or re.fullmatch(r"\d{1,2}", word):
        return "écrivez les heures et les minutes sur deux chiffres, par exemple 09:00-12:00.", word
    if not value[index:].strip():
        if before.endswith((";", ",", "|")):
            return f"supprimez le « {before[-1]} » en trop à la fin.", ""
        return (
            "le texte s'arrête trop tôt : vérifiez qu'il ne manque rien "
            "(par exemple l'heure de fin d'un créneau).",
            "",
        )
    if value[index] in ";," and before.endswith((";", ",")):
        return "deux séparateurs se suivent : supprimez-en un.", value[index]
    if value[index] == ":":
        return "n'ajoutez pas de deux-points après les jours : écrivez par exemple Mo-Fr 09:00-12:00.", word
    if value[index] == "-" and index > 0 and value[index - 1] == " ":
        match = re.search(r"[A-Za-z]{2}\s*-\s*[A-Za-z]{2}", value[max(0, index - 4) : index + 5])
        return (
            "n'ajoutez pas d'espace autour du tiret : écrivez Mo-Fr ou 09:00-12:00.",
            match.group(0) if match else word,
        )
    if value[index] == " " and index > 0 and value[index - 1] == " ":
        return "n'utilisez qu'une seule espace entre deux éléments.", word
    glued = re.match(r"[^\s,;\"]+", value[index:])
    if glued and value[index - 1 : index].isdigit() and previous_is_time and not value[index].isdigit():
        time_text = re.search(r"\d{1,2}:\d{2}$", before)
        return (
            f"« {glued.group(0)} » est collé à l'heure {time_text.group(0) if time_text else ''} : "
            "supprimez-le ou séparez-le par un point-virgule.",
            word,
        )
    if previous_is_time and re.match(r"\d{1,2}:\d{2}", value[index:]):
        return (
            "séparez les créneaux d'une même journée par une virgule, sans espace, "
            "par exemple 09:00-12:00,14:00-17:00.",
            word,
        )
    return f"vérifiez l'écriture. Exemple valide : {EXAMPLE}.", word or value[index:].strip()
