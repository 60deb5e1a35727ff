"""Opening hours written as OpenStreetMap ``opening_hours`` strings.

What this module offers:

* :func:`validate` — a French, non-expert explanation of why a string is not understood;
* :func:`describe` — the hours in plain French (« du lundi au vendredi de 9 h à 12 h ; fermé les jours
  fériés »);
* :func:`grid_to_osm`, :func:`osm_to_grid`, :func:`validate_grid` — the weekly grid of the edit form;
* :func:`status`, :func:`today_hours` — « Ouvert maintenant — ferme à 17 h » for residents.

Time zone: every wall-clock time is Europe/Paris, whatever the server's zone.  Public functions accept
naive datetimes (read as Paris time) and aware datetimes in any zone (converted).  The ``opening_hours``
library is only ever given Paris-aware datetimes: it reads naive datetimes in the expression's zone but
rejects aware ones whose ``tzinfo`` is not a ``ZoneInfo`` (``datetime.timezone.utc`` raises TypeError),
and Paris times that do not exist (the hour skipped in spring, often reached by « now + 8 days »):
every datetime goes through :func:`_existing` on its way to the library.

How :func:`describe` works: a small parser reads the common subset of the syntax into rules; the rules
are evaluated with the same override semantics as the library and the result is *checked against the
library* on sample days (one week per month, a public holiday on every weekday, the edges of date
ranges).  Only then is the French text written, from the evaluated week rather than from the syntax,
so that overridden rules (« Mo-Fr 08:00-12:00; Mo-Fr 14:00-18:00 » really means 14 h–18 h) are never
described wrongly.  When the string is outside that subset, the library's normalised form is tried;
failing that, the current week is sampled from the library and described day by day.
"""

from __future__ import annotations

import calendar
import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, ParserError, State

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
# Clermont-Ferrand: the library uses it only to compute sunrise and sunset times.
COORDINATES = (45.7772, 3.0870)

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_LABELS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_LABELS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

NO_HOURS = "Horaires non renseignés"
EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"

_DAY = 24 * 60  # minutes
_OPEN = "open"
_UNKNOWN = "unknown"
_CLOSED = "closed"
_NORMAL = "normal"
_ADDITIONAL = "additional"


@functools.lru_cache(maxsize=512)
def _compile(value: str) -> OpeningHours:
    """The library's object for ``value`` (raises ParserError), in Paris time with French holidays."""
    return OpeningHours(
        value,
        timezone=PARIS,
        country=COUNTRY,
        coords=COORDINATES,
        auto_country=False,
        # auto_timezone stays on: the library needs it to place sunrise and sunset at COORDINATES
        # (Clermont-Ferrand, whose zone is Paris anyway).
    )


def _existing(moment: datetime) -> datetime:
    """An aware ``moment`` as a Paris time that exists on the wall clock.

    Python adds a ``timedelta`` to an aware datetime on the wall clock, so « now + 8 days » can land in
    the hour skipped when the clocks go forward (2026-03-29 02:30 does not exist in Paris); the library
    raises TypeError for such a time.  Going through UTC moves it forward by the missing hour (03:30),
    as the clocks do; an existing time, ambiguous ones included (``fold``), is unchanged.
    """
    return moment.astimezone(UTC).astimezone(PARIS)


def _paris(moment: datetime | None) -> datetime:
    """``moment`` as a Paris-aware datetime; naive values are Paris wall-clock time; None is now."""
    if moment is None:
        return datetime.now(PARIS)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return _existing(moment.replace(tzinfo=PARIS))
    return _existing(moment)


def _midnight(day: date) -> datetime:
    return _existing(datetime.combine(day, time(), PARIS))


def _intervals(oh: OpeningHours, start: datetime, end: datetime) -> Iterable[tuple]:
    """``oh.intervals`` between two aware datetimes, normalised to existing Paris times first."""
    return oh.intervals(_existing(start), _existing(end))


@functools.lru_cache(maxsize=4096)
def _is_public_holiday(day: date) -> bool:
    return _compile("PH").is_open(_existing(datetime.combine(day, time(12), PARIS)))


# --------------------------------------------------------------------------------------------------
# French wording helpers
# --------------------------------------------------------------------------------------------------


def _hm(minutes: int) -> str:
    """540 → « 9 h », 510 → « 8 h 30 », 0 or 1440 → « minuit »."""
    minutes %= _DAY
    if minutes == 0:
        return "minuit"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _clock(moment: datetime) -> str:
    return _hm(moment.hour * 60 + moment.minute)


def _join(items: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def _day_number(day: int) -> str:
    return "1er" if day == 1 else str(day)


def _date_fr(day: date, reference: date | None = None) -> str:
    """« 2 janvier », « 1er mai »; with the year when ``day`` is not within the months after ``reference``."""
    text = f"{_day_number(day.day)} {MONTH_LABELS[day.month - 1]}"
    if reference is not None and not 0 <= (day - reference).days < 300:
        text += f" {day.year}"
    return text


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------

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
        _compile(text)
    except ParserError as exc:
        return _explain(text, str(exc))
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


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _explain(value: str, error: str) -> str:
    index = _error_index(value, error)
    word = _word_around(value, index)
    advice, quote = _advice(value, index, word)
    if quote is None:
        return f"Horaires non reconnus : {advice}"
    if not quote:
        return f"Horaires non reconnus à la fin du texte : {advice}"
    return f"Horaires non reconnus près de « {_shorten(quote)} » : {advice}"


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
    if "ph" in tokens or "sh" in tokens:
        return "écrivez PH (jours fériés) et SH (vacances scolaires) en majuscules, par exemple PH off.", word
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
    previous_is_time = bool(re.search(r"\d{1,2}:\d{2}\+?$", before))
    if previous_is_time and re.match(r"\d{1,2}:\d{2}", word):
        return (
            "séparez les créneaux d'une même journée par une virgule, sans espace, "
            "par exemple 09:00-12:00,14:00-17:00.",
            word,
        )
    if previous_is_time and tokens and tokens[0] in _VALID_CODES:
        return "séparez les règles par un point-virgule, par exemple Mo-Fr 09:00-12:00; Sa 09:00-12:00.", word
    return f"vérifiez l'écriture. Exemple valide : {EXAMPLE}.", word or value[index:].strip()


# --------------------------------------------------------------------------------------------------
# Model: rules, evaluated days
# --------------------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """The structured formatter does not handle this string (an internal signal, never escapes)."""


@dataclass(frozen=True, order=True)
class _Piece:
    """An open (or unknown) span of a day, in minutes after its midnight; ``end`` may pass 1440."""

    start: int
    end: int
    state: str = _OPEN
    comment: str = ""
    open_end: bool = False

    def same_kind(self, other: _Piece) -> bool:
        return (self.state, self.comment, self.open_end) == (other.state, other.comment, other.open_end)


@dataclass(frozen=True)
class _Day:
    """What a day looks like: its open pieces (sorted) and, when closed on purpose, a comment."""

    pieces: tuple[_Piece, ...] = ()
    closed_comment: str = ""

    @property
    def closed(self) -> bool:
        return not self.pieces

    def display_key(self) -> tuple[tuple[_Piece, ...], str]:
        return _merge_adjacent(self.pieces), self.closed_comment


_CLOSED_DAY = _Day()


def _paint(pieces: Iterable[_Piece], new: _Piece) -> tuple[_Piece, ...]:
    """``pieces`` with ``new`` laid over them; overlapping pieces of the same kind are united."""
    kept: list[_Piece] = []
    for piece in pieces:
        overlaps = piece.start < new.end and new.start < piece.end
        if not overlaps:
            kept.append(piece)
        elif piece.same_kind(new):
            new = replace(new, start=min(new.start, piece.start), end=max(new.end, piece.end))
        else:
            if piece.start < new.start:
                kept.append(replace(piece, end=new.start, open_end=False))
            if piece.end > new.end:
                kept.append(replace(piece, start=new.end))
    kept.append(new)
    return tuple(sorted(kept))


def _subtract(pieces: Iterable[_Piece], start: int, end: int) -> tuple[_Piece, ...]:
    kept: list[_Piece] = []
    for piece in pieces:
        if piece.end <= start or piece.start >= end:
            kept.append(piece)
            continue
        if piece.start < start:
            kept.append(replace(piece, end=start, open_end=False))
        if piece.end > end:
            kept.append(replace(piece, start=end))
    return tuple(sorted(kept))


def _merge_adjacent(pieces: Iterable[_Piece]) -> tuple[_Piece, ...]:
    merged: list[_Piece] = []
    for piece in sorted(pieces):
        if merged and merged[-1].same_kind(piece) and not piece.open_end and merged[-1].end >= piece.start:
            merged[-1] = replace(merged[-1], end=max(merged[-1].end, piece.end))
        else:
            merged.append(piece)
    return tuple(merged)


@dataclass(frozen=True)
class _PeriodItem:
    """A month range (``first_day`` and ``last_day`` are None) or a date range, both inclusive."""

    first_month: int
    first_day: int | None
    last_month: int
    last_day: int | None

    def days(self) -> set[tuple[int, int]]:
        if self.first_day is None or self.last_day is None:
            months = [
                (self.first_month - 1 + i) % 12 + 1
                for i in range((self.last_month - self.first_month) % 12 + 1)
            ]
            return {(m, d) for m in months for d in range(1, calendar.monthrange(2024, m)[1] + 1)}
        try:
            start = date(2024, self.first_month, self.first_day)  # a leap year: 29 February exists
            end = date(2024, self.last_month, self.last_day)
        except ValueError as exc:
            raise _Unsupported("impossible date") from exc
        if end < start:
            end = end.replace(year=2025) if (end.month, end.day) != (2, 29) else date(2025, 3, 1)
        result = set()
        while start <= end:
            result.add((start.month, start.day))
            start += timedelta(days=1)
        return result

    def edges(self, year: int) -> list[date]:
        """Days on both sides of the range's limits, for checking the model against the library."""
        first = (self.first_month, self.first_day or 1)
        last_day = self.last_day or calendar.monthrange(year, self.last_month)[1]
        result = []
        for month, day in (first, (self.last_month, last_day)):
            try:
                limit = date(year, month, day)
            except ValueError:
                continue
            result.extend([limit - timedelta(days=1), limit, limit + timedelta(days=1)])
        return result

    def text(self) -> str:
        months = MONTH_LABELS
        if self.first_day is None or self.last_day is None:
            first, last = months[self.first_month - 1], months[self.last_month - 1]
            if self.first_month == self.last_month:
                return f"en {first}"
            if (self.last_month - self.first_month) % 12 == 1:
                return f"en {first} et en {last}"
            article = "d'" if first[0] in "aeiouéâ" else "de "
            return f"{article}{first} à {last}"
        first_text = f"{_day_number(self.first_day)} {months[self.first_month - 1]}"
        last_text = f"{_day_number(self.last_day)} {months[self.last_month - 1]}"
        if (self.first_month, self.first_day) == (self.last_month, self.last_day):
            return f"le {first_text}"
        if self.first_month == self.last_month and self.first_day < self.last_day:
            return f"du {_day_number(self.first_day)} au {last_text}"
        return f"du {first_text} au {last_text}"


@dataclass(frozen=True)
class _Period:
    items: tuple[_PeriodItem, ...]
    days: frozenset[tuple[int, int]]

    def text(self) -> str:
        return _join(list(dict.fromkeys(item.text() for item in self.items)))


@dataclass(frozen=True)
class _Rule:
    operator: str
    period: _Period | None
    weekdays: frozenset[int] | None  # None: no weekday selector
    holidays: frozenset[str]  # "PH", "SH"
    spans: tuple[tuple[int, int, bool], ...] | None  # (start, end, open end); None: the whole day
    state: str
    comment: str

    def matches(self, weekday: int, is_holiday: bool, period_ok: Callable[[_Period | None], bool]) -> bool:
        if not period_ok(self.period):
            return False
        if self.weekdays is None and not self.holidays:
            return True
        return (self.weekdays is not None and weekday in self.weekdays) or (
            "PH" in self.holidays and is_holiday
        )

    def pieces(self) -> tuple[_Piece, ...]:
        if self.spans is None:
            return (_Piece(0, _DAY, self.state, self.comment),)
        result: tuple[_Piece, ...] = ()
        for start, end, open_end in self.spans:
            result = _paint(result, _Piece(start, end, self.state, self.comment, open_end))
        return result


def _fold(
    rules: Sequence[_Rule], weekday: int, is_holiday: bool, period_ok: Callable[[_Period | None], bool]
) -> _Day:
    """The day, by applying the matching rules in order, as the library does.

    A normal rule replaces the whole day, except a closing rule with times, which only closes those
    times; an additional rule (after « , ») adds its times to the day.
    """
    day = _CLOSED_DAY
    for rule in rules:
        if not rule.matches(weekday, is_holiday, period_ok):
            continue
        if rule.state == _CLOSED:
            if rule.spans is None:
                day = _Day((), rule.comment)
            else:
                pieces = day.pieces
                for start, end, _open_end in rule.spans:
                    pieces = _subtract(pieces, start, end)
                day = _Day(pieces, day.closed_comment)
        elif rule.operator == _NORMAL:
            day = _Day(rule.pieces())
        else:
            pieces = day.pieces
            for piece in rule.pieces():
                pieces = _paint(pieces, piece)
            day = _Day(pieces)
    return day


def _base(period: _Period | None) -> bool:
    return period is None


def _in(days: frozenset[tuple[int, int]]) -> Callable[[_Period | None], bool]:
    return lambda period: period is None or period.days == days


def _on(day: date) -> Callable[[_Period | None], bool]:
    return lambda period: period is None or (day.month, day.day) in period.days


# --------------------------------------------------------------------------------------------------
# Parser for the common subset of the syntax
# --------------------------------------------------------------------------------------------------

_WEEKDAY_INDEX = {code.lower(): index for index, code in enumerate(DAYS)}
_MONTH_INDEX = {
    name: index + 1
    for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DAYNUM = re.compile(r"([0-9]{1,2})(?![0-9:])")
_MODIFIERS = {"open": _OPEN, "closed": _CLOSED, "off": _CLOSED, "unknown": _UNKNOWN}


class _Parser:
    """Reads rules; raises _Unsupported for anything outside the handled subset.

    The string has already been accepted by the library, so this parser may be lenient about spaces,
    except where they change the meaning (« 09:00-12:00,14:00-17:00 » is one rule, « 09:00-12:00 ,
    14:00-17:00 » two).  Its reading is checked against the library afterwards anyway.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    # low-level helpers

    def _rest(self) -> str:
        return self.text[self.pos :]

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def _word(self, at: int, length: int) -> str | None:
        """The lower-cased ``length`` letters at ``at`` when they form a whole word."""
        chunk = self.text[at : at + length]
        following = self.text[at + length : at + length + 1]
        if len(chunk) == length and chunk.isalpha() and not following.isalpha():
            return chunk.lower()
        return None

    def _weekday_at(self, at: int) -> int | None:
        word = self._word(at, 2)
        return _WEEKDAY_INDEX.get(word) if word else None

    def _holiday_at(self, at: int) -> str | None:
        chunk = self.text[at : at + 2]
        if chunk in ("PH", "SH") and not self.text[at + 2 : at + 3].isalpha():
            return chunk
        return None

    def _month_at(self, at: int) -> int | None:
        word = self._word(at, 3)
        return _MONTH_INDEX.get(word) if word else None

    # grammar

    def rules(self) -> tuple[_Rule, ...]:
        rules = []
        operator = _NORMAL
        self._skip_spaces()
        while True:
            rules.append(self.rule(operator))
            self._skip_spaces()
            if self.pos >= len(self.text):
                return tuple(rules)
            if self.text.startswith("||", self.pos):
                raise _Unsupported("fallback rule")
            separator = self.text[self.pos]
            if separator == ";":
                operator = _NORMAL
            elif separator == ",":
                operator = _ADDITIONAL
            else:
                raise _Unsupported(f"unexpected {separator!r}")
            self.pos += 1
            self._skip_spaces()

    def rule(self, operator: str) -> _Rule:
        start = self.pos
        period = None
        weekdays: frozenset[int] | None = None
        holidays: frozenset[str] = frozenset()
        spans = None
        if self.text.startswith("24/7", self.pos):
            self.pos += 4
        else:
            period = self.period()
            if period is not None:
                if self.text.startswith(":", self.pos):
                    self.pos += 1
                self._skip_spaces()
            weekdays, holidays = self.weekday_selector()
            if weekdays is not None or holidays:
                save = self.pos
                self._skip_spaces()
                if self._at_time():
                    spans = self.times()
                else:
                    self.pos = save
            elif self._at_time():
                spans = self.times()
        state, comment = self.modifier()
        if self.pos == start:
            raise _Unsupported("empty rule")
        return _Rule(operator, period, weekdays, holidays, spans, state, comment)

    def period(self) -> _Period | None:
        rest = self._rest().lower()
        if re.match(r"[0-9]{4}", rest) or rest.startswith(("week", "easter")):
            raise _Unsupported("years, weeks and Easter")
        if self._month_at(self.pos) is None:
            return None
        items = []
        while True:
            items.append(self.period_item())
            if self.text.startswith(",", self.pos) and self._month_at(self.pos + 1) is not None:
                self.pos += 1
                continue
            break
        days: set[tuple[int, int]] = set()
        for item in items:
            days |= item.days()
        return _Period(tuple(items), frozenset(days))

    def period_item(self) -> _PeriodItem:
        first_month = self._month_at(self.pos)
        assert first_month is not None
        self.pos += 3
        first_day = self.day_number(allow_space=True)
        if first_day is None:
            if self.text.startswith("-", self.pos) and self._month_at(self.pos + 1) is not None:
                last_month = self._month_at(self.pos + 1)
                assert last_month is not None
                self.pos += 4
                return _PeriodItem(first_month, None, last_month, None)
            return _PeriodItem(first_month, None, first_month, None)
        if re.match(r"\+|-[A-Za-z]{2}(?![A-Za-z])| [+-][0-9]", self._rest()):
            raise _Unsupported("date offsets")  # « Dec 25+ », « Sep 01-Mo », « Dec 25 +1 day »
        save = self.pos
        self._skip_spaces()
        if not self.text.startswith("-", self.pos):
            self.pos = save
            return _PeriodItem(first_month, first_day, first_month, first_day)
        self.pos += 1
        self._skip_spaces()
        last_month = self._month_at(self.pos)
        if last_month is not None:
            self.pos += 3
            last_day = self.day_number(allow_space=True)
        else:
            last_month = first_month
            last_day = self.day_number(allow_space=False)
        if last_day is None:
            raise _Unsupported("incomplete date range")
        return _PeriodItem(first_month, first_day, last_month, last_day)

    def day_number(self, allow_space: bool) -> int | None:
        at = self.pos + 1 if allow_space and self.text.startswith(" ", self.pos) else self.pos
        match = _DAYNUM.match(self.text, at)
        if not match or not 1 <= int(match.group(1)) <= 31:
            return None
        self.pos = match.end()
        return int(match.group(1))

    def weekday_selector(self) -> tuple[frozenset[int] | None, frozenset[str]]:
        days: set[int] = set()
        holidays: set[str] = set()
        seen_weekday = False
        previous_is_holiday = False
        while True:
            holiday = self._holiday_at(self.pos)
            weekday = self._weekday_at(self.pos)
            if holiday:
                holidays.add(holiday)
                self.pos += 2
                if re.match(r" [+-][0-9]", self._rest()):
                    raise _Unsupported("holiday offsets")
                previous_is_holiday = True
            elif weekday is not None:
                seen_weekday = True
                self.pos += 2
                if self.text.startswith("[", self.pos):
                    raise _Unsupported("nth weekday of the month")
                last = self._weekday_at(self.pos + 1) if self.text.startswith("-", self.pos) else None
                if last is not None:
                    self.pos += 3
                    days.update((weekday + i) % 7 for i in range((last - weekday) % 7 + 1))
                else:
                    days.add(weekday)
                previous_is_holiday = False
            else:
                break
            # « Mo,We », « Su,PH », « PH Mo » (a union, as the library reads it)
            following = self.pos + 1
            next_is_holiday = bool(self._holiday_at(following))
            next_is_weekday = self._weekday_at(following) is not None
            comma = self.text.startswith(",", self.pos) and (next_is_holiday or next_is_weekday)
            space = self.text.startswith(" ", self.pos) and (
                next_is_holiday or (previous_is_holiday and next_is_weekday)
            )
            if not (comma or space):
                break
            self.pos += 1
        return (frozenset(days) if seen_weekday else None), frozenset(holidays)

    def _at_time(self) -> bool:
        rest = self._rest()
        return (
            bool(_CLOCK.match(rest))
            or rest.startswith("(")
            or rest.lower().startswith(("sunrise", "sunset", "dawn", "dusk"))
        )

    def clock(self, limit: int) -> int:
        match = _CLOCK.match(self.text, self.pos)
        if not match:
            raise _Unsupported("sunrise, sunset and other variable times")
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes > 59 or hours * 60 + minutes > limit:
            raise _Unsupported("time out of range")
        self.pos = match.end()
        return hours * 60 + minutes

    def times(self) -> tuple[tuple[int, int, bool], ...]:
        spans = [self.timespan()]
        while self.text.startswith(",", self.pos):
            save = self.pos
            self.pos += 1
            if self.text.startswith(" ", self.pos):
                self.pos += 1
            if self._at_time():
                spans.append(self.timespan())
            else:
                self.pos = save
                break
        return tuple(spans)

    def timespan(self) -> tuple[int, int, bool]:
        start = self.clock(limit=_DAY)
        if start == _DAY:
            raise _Unsupported("24:00 as a start")
        if self.text.startswith("+", self.pos):
            self.pos += 1
            return start, _DAY, True
        self._skip_spaces()
        if not self.text.startswith("-", self.pos):
            raise _Unsupported("point in time")
        self.pos += 1
        self._skip_spaces()
        end = self.clock(limit=2 * _DAY)
        if self.text.startswith(("+", "/"), self.pos) or re.match(r" */", self._rest()):
            raise _Unsupported("open ends and repetitions")
        if end <= start:
            end += _DAY  # « 22:00-02:00 » and « 09:00-09:00 » run into the next day
        return start, end, False

    def modifier(self) -> tuple[str, str]:
        save = self.pos
        self._skip_spaces()
        state, found = _OPEN, False
        for length in (7, 6, 4, 3):
            word = self._word(self.pos, length)
            if word in _MODIFIERS:
                state, found = _MODIFIERS[word], True
                self.pos += length
                break
        after_word = self.pos
        if found:
            self._skip_spaces()
        if self.text.startswith('"', self.pos):
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                raise _Unsupported("unclosed comment")
            comment = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return state, comment
        self.pos = after_word if found else save
        return state, ""


# --------------------------------------------------------------------------------------------------
# Checking the model against the library
# --------------------------------------------------------------------------------------------------

_REFERENCE_YEAR = 2025


def _flatten(pieces: Iterable[_Piece]) -> list[tuple[int, int, str, str]]:
    """Pieces as comparable tuples, touching pieces of the same state and comment joined."""
    merged: list[tuple[int, int, str, str]] = []
    for piece in sorted(pieces):
        if piece.end <= piece.start:
            continue
        if merged and merged[-1][2:] == (piece.state, piece.comment) and merged[-1][1] >= piece.start:
            start, end, state, comment = merged[-1]
            merged[-1] = (start, max(end, piece.end), state, comment)
        else:
            merged.append((piece.start, piece.end, piece.state, piece.comment))
    return merged


def _realize(rules: Sequence[_Rule], first: date, count: int) -> list[tuple[int, int, str, str]]:
    """The model's open pieces over ``count`` days from ``first``, in minutes from its midnight."""
    timeline: tuple[_Piece, ...] = ()
    limit = count * _DAY
    for offset in range(-1, count):
        day = first + timedelta(days=offset)
        evaluated = _fold(rules, day.weekday(), _is_public_holiday(day), _on(day))
        for piece in evaluated.pieces:
            start, end = max(offset * _DAY + piece.start, 0), min(offset * _DAY + piece.end, limit)
            if start < end:
                timeline = _paint(timeline, _Piece(start, end, piece.state, piece.comment))
    return _flatten(timeline)


def _minutes_from(moment: datetime, first: date) -> int:
    return (moment.date() - first).days * _DAY + moment.hour * 60 + moment.minute


def _observe(oh: OpeningHours, first: date, count: int) -> list[tuple[int, int, str, str]]:
    """The library's open pieces over the same days."""
    pieces = []
    for start, end, state, comment in _intervals(
        oh, _midnight(first), _midnight(first + timedelta(days=count))
    ):
        if state == State.CLOSED:
            continue
        kind = _OPEN if state == State.OPEN else _UNKNOWN
        pieces.append(_Piece(_minutes_from(start, first), _minutes_from(end, first), kind, comment))
    return _flatten(pieces)


@functools.lru_cache(maxsize=1)
def _holiday_samples() -> tuple[date, ...]:
    """One French public holiday falling on each day of the week."""
    found: dict[int, date] = {}
    day = date(_REFERENCE_YEAR, 1, 1)
    while len(found) < 7 and day.year < _REFERENCE_YEAR + 12:
        if _is_public_holiday(day):
            found.setdefault(day.weekday(), day)
        day += timedelta(days=1)
    return tuple(sorted(found.values()))


def _sample_windows(rules: Sequence[_Rule]) -> list[tuple[date, int]]:
    windows: set[tuple[date, int]] = set()
    for month in range(1, 13):
        day = date(_REFERENCE_YEAR, month, 8)
        windows.add((day + timedelta(days=-day.weekday() % 7), 7))
    windows.update((day, 1) for day in _holiday_samples())
    for rule in rules:
        if rule.period is not None:
            for item in rule.period.items:
                windows.update((day, 1) for day in item.edges(_REFERENCE_YEAR))
    return sorted(windows)


def _check(rules: Sequence[_Rule], oh: OpeningHours) -> None:
    for first, count in _sample_windows(rules):
        if _realize(rules, first, count) != _observe(oh, first, count):
            raise _Unsupported("the model differs from the library")


@functools.lru_cache(maxsize=512)
def _checked_rules(text: str, reference: str) -> tuple[_Rule, ...] | None:
    """The rules read from ``text``, if they mean exactly what the library makes of ``reference``."""
    try:
        rules = _Parser(text).rules()
        _check(rules, _compile(reference))
    except _Unsupported as exc:
        logger.debug("Opening hours %r not handled by the structured reader: %s", text, exc)
        return None
    return rules


# --------------------------------------------------------------------------------------------------
# French description
# --------------------------------------------------------------------------------------------------


def _runs(days: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _days_text(days: Sequence[int]) -> str:
    """« tous les jours », « du lundi au vendredi », « le lundi, le mardi et le jeudi »…"""
    labels = DAY_LABELS
    days = sorted(set(days))
    if len(days) == 7:
        return "tous les jours"
    runs = _runs(days)
    if len(runs) == 2 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs = [runs[1] + runs[0]]  # a range over the weekend, « du vendredi au lundi »
    if len(runs) == 1:
        run = runs[0]
        if len(run) == 1:
            return f"le {labels[run[0]]}"
        if len(run) == 2:
            return f"le {labels[run[0]]} et le {labels[run[1]]}"
        return f"du {labels[run[0]]} au {labels[run[-1]]}"
    first, last = days[0], days[-1]
    holes = [day for day in range(first, last + 1) if day not in days]
    if len(holes) == 1 and last - first >= 4:
        return f"du {labels[first]} au {labels[last]} (sauf le {labels[holes[0]]})"
    items = []
    for run in runs:
        if len(run) >= 3:
            items.append(f"du {labels[run[0]]} au {labels[run[-1]]}")
        else:
            items.extend(f"le {labels[day]}" for day in run)
    return _join(items)


def _annotation(piece: _Piece) -> str:
    if piece.comment:
        return piece.comment
    return "à confirmer" if piece.state == _UNKNOWN else ""


def _span_text(piece: _Piece) -> str:
    if piece.open_end:
        return f"à partir de {_hm(piece.start)}"
    if piece.end > _DAY:
        return f"de {_hm(piece.start)} à {_hm(piece.end - _DAY)} le lendemain"
    return f"de {_hm(piece.start)} à {_hm(piece.end)}"


def _pieces_text(pieces: Sequence[_Piece]) -> str:
    notes = [_annotation(piece) for piece in pieces]
    if len(set(notes)) == 1:
        text = _join([_span_text(piece) for piece in pieces])
        return f"{text} ({notes[0]})" if notes[0] else text
    return _join(
        [
            f"{_span_text(piece)} ({note})" if note else _span_text(piece)
            for piece, note in zip(pieces, notes, strict=True)
        ]
    )


def _day_phrase(label: str, day: _Day) -> str:
    """« du lundi au vendredi de 9 h à 12 h », « fermé le mercredi (réunion d'équipe) »…"""
    if day.closed:
        return f"fermé {label} ({day.closed_comment})" if day.closed_comment else f"fermé {label}"
    pieces = _merge_adjacent(day.pieces)
    if len(pieces) == 1 and pieces[0].start == 0 and pieces[0].end == _DAY and not pieces[0].open_end:
        piece = pieces[0]
        if piece.comment:
            return f"{label} : {piece.comment}"
        if piece.state == _UNKNOWN:
            return f"{label} : ouverture à confirmer"
        return f"{label}, 24 h/24"
    return f"{label} {_pieces_text(pieces)}"


def _week_phrases(week: Sequence[_Day], reference: Sequence[_Day] | None) -> list[str]:
    """Phrases for the days of ``week`` that differ from ``reference`` (or are not closed, without one).

    With a reference, a group of changed days also takes the unchanged days with the same hours:
    « en juillet, tous les jours, 24 h/24 » reads better than « en juillet, du jeudi au mardi, 24 h/24 »
    when Wednesday already had those hours.
    """
    groups: dict[tuple, list[int]] = {}
    for index, day in enumerate(week):
        if reference is None and day == _CLOSED_DAY:
            continue
        if reference is not None and day.display_key() == reference[index].display_key():
            continue
        groups.setdefault(day.display_key(), []).append(index)
    if reference is not None:
        for key, days in groups.items():
            days.extend(
                index for index, day in enumerate(week) if day.display_key() == key and index not in days
            )
            days.sort()
    phrases = []
    for days in sorted(groups.values()):
        day = week[days[0]]
        pieces = day.display_key()[0]
        whole_day_note = (
            len(pieces) == 1 and pieces[0].start == 0 and pieces[0].end == _DAY and pieces[0].comment
        )
        if len(days) == 7 and reference is None and whole_day_note:
            phrases.append(pieces[0].comment)  # « "sur rendez-vous" » alone
        else:
            phrases.append(_day_phrase(_days_text(days), day))
    return phrases


def _describe_rules(rules: Sequence[_Rule]) -> str:
    periods: dict[frozenset[tuple[int, int]], _Period] = {}
    school: list[_Rule] = []
    for rule in rules:
        if "SH" in rule.holidays:
            if (
                rule.holidays != {"SH"}
                or rule.weekdays is not None
                or rule.period
                or rule.operator != _NORMAL
            ):
                raise _Unsupported("school holidays mixed with other selectors")
            if rule.state == _CLOSED and rule.spans is not None:
                raise _Unsupported("partial closing during school holidays")
            school.append(rule)
        if rule.period is not None:
            periods.setdefault(rule.period.days, rule.period)
    keys = list(periods)
    for index, key in enumerate(keys):
        if any(key & other for other in keys[index + 1 :]):
            raise _Unsupported("overlapping periods")
    covered = frozenset().union(*keys) if keys else frozenset()
    has_base = len(covered) < 366

    contexts: list[frozenset[tuple[int, int]] | None] = ([None] if has_base else []) + keys

    def week(context: frozenset[tuple[int, int]] | None, holiday: bool) -> list[_Day]:
        period_ok = _base if context is None else _in(context)
        return [_fold(rules, weekday, holiday, period_ok) for weekday in range(7)]

    normal = {context: week(context, False) for context in contexts}
    holiday = {context: week(context, True) for context in contexts}

    parts: list[str] = []
    reference = normal[None] if has_base else [_CLOSED_DAY] * 7
    if has_base:
        parts.extend(_week_phrases(normal[None], None))
    for key in keys:
        days = normal[key]
        if all(days[i].display_key() == reference[i].display_key() for i in range(7)):
            continue  # a period that changes nothing
        text = periods[key].text()
        if all(day == _CLOSED_DAY for day in days):
            parts.append(f"fermé {text}")
        else:
            parts.extend(f"{text}, {phrase}" for phrase in _week_phrases(days, reference))
    for rule in school:
        label = "pendant les vacances scolaires"
        day = _Day((), rule.comment) if rule.state == _CLOSED else _Day(rule.pieces())
        parts.append(_day_phrase(label, day))
    parts.extend(_holiday_phrases(contexts, periods, normal, holiday))
    return " ; ".join(parts) or "fermé"


def _holiday_phrases(
    contexts: Sequence[frozenset[tuple[int, int]] | None],
    periods: Mapping[frozenset[tuple[int, int]], _Period],
    normal: Mapping[frozenset[tuple[int, int]] | None, list[_Day]],
    holiday: Mapping[frozenset[tuple[int, int]] | None, list[_Day]],
) -> list[str]:
    """« fermé les jours fériés », possibly « …, sauf en juillet et en août »."""
    holiday_dates = {(day.month, day.day) for day in _public_holidays_between(2024, 2031)}
    relevant = [c for c in contexts if c is None or c & holiday_dates]
    special = [c for c in relevant if holiday[c] != normal[c]]
    if not special:
        return []
    first = relevant[0]
    same = holiday[first][0]
    if any(day != same for day in holiday[first]):
        raise _Unsupported("public holidays depending on the day of the week")
    exceptions = [c for c in relevant[1:] if any(day != same for day in holiday[c])]
    for context in exceptions:
        if holiday[context] != normal[context]:
            raise _Unsupported("public holidays with their own hours in a period")
    phrase = _day_phrase("les jours fériés", same)
    if exceptions:
        phrase += ", sauf " + _join([periods[c].text() for c in exceptions if c is not None])
    return [phrase]


@functools.lru_cache(maxsize=8)
def _public_holidays_between(first_year: int, last_year: int) -> frozenset[date]:
    days = set()
    start, end = _midnight(date(first_year, 1, 1)), _midnight(date(last_year + 1, 1, 1))
    for begin, finish, state, _comment in _intervals(_compile("PH"), start, end):
        if state == State.OPEN:
            day = begin.date()
            while day < finish.date() or (day == finish.date() and finish.time() != time()):
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)


@functools.lru_cache(maxsize=512)
def _describe_structured(text: str) -> str | None:
    candidates = [text]
    normalized = str(_compile(text).normalize())
    if normalized != text:
        candidates.append(normalized)
    for candidate in candidates:
        rules = _checked_rules(candidate, text)
        if rules is None:
            continue
        try:
            return _describe_rules(rules)
        except _Unsupported as exc:
            logger.debug("Opening hours %r not described from rules: %s", candidate, exc)
    return None


def _sampled_week(oh: OpeningHours, monday: date) -> list[_Day]:
    """The week starting ``monday`` as the library sees it; spans are attached to the day they start."""
    pieces: list[list[_Piece]] = [[] for _ in range(7)]
    start, end = _midnight(monday - timedelta(days=1)), _midnight(monday + timedelta(days=8))
    for begin, finish, state, comment in _intervals(oh, start, end):
        if state == State.CLOSED:
            continue
        kind = _OPEN if state == State.OPEN else _UNKNOWN
        current = begin
        while current < finish:
            day = current.date()
            next_midnight = _midnight(day + timedelta(days=1))
            overnight = current > _midnight(day) and next_midnight < finish <= _midnight(
                day + timedelta(days=2)
            )
            piece_end = finish if overnight or finish <= next_midnight else next_midnight
            index = (day - monday).days
            if 0 <= index < 7:
                minutes = current.hour * 60 + current.minute
                pieces[index].append(_Piece(minutes, _minutes_from(piece_end, day), kind, comment))
            current = piece_end
    return [_Day(tuple(sorted(day))) for day in pieces]


def _describe_week(oh: OpeningHours, now: datetime | None) -> str:
    today = _paris(now).date()
    monday = today - timedelta(days=today.weekday())
    phrases = _week_phrases(_sampled_week(oh, monday), None)
    return f"semaine du {_date_fr(monday)} {monday.year} : {' ; '.join(phrases) or 'fermé'}"


def describe(value: str, *, now: datetime | None = None) -> str:
    """The opening hours in plain French; "" for an empty string; ValueError for an invalid one.

    « Mo-Fr 09:00-12:00,14:00-17:00; PH off » → « du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ;
    fermé les jours fériés ».  Strings outside the common subset are described as the current week
    (« semaine du 7 juillet 2025 : … »); ``now`` chooses that week (default: today, in Paris).
    """
    text = (value or "").strip()
    if not text:
        return ""
    problem = complexity_problem(text)
    if problem:
        raise ValueError(problem)  # stored before the limits existed: never worth minutes of work
    try:
        oh = _compile(text)
    except ParserError as exc:
        raise ValueError(_explain(text, str(exc))) from exc
    structured = _describe_structured(text)
    if structured is not None:
        return structured
    return _describe_week(oh, now)


def describe_safe(value: str | None) -> str:
    """Like :func:`describe` but never raises: "" for no hours, the raw string when not describable."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    if not value.strip():
        return ""
    try:
        return describe(value)
    except ValueError:
        return value
    except Exception:
        logger.exception("Could not describe opening hours %r", value)
        return value


# --------------------------------------------------------------------------------------------------
# Weekly grid of the edit form
# --------------------------------------------------------------------------------------------------

_GRID_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d|24:00")


def _grid_minutes(text: object) -> int | None:
    if not isinstance(text, str) or not _GRID_TIME.fullmatch(text):
        return None
    return int(text[:2]) * 60 + int(text[3:])


def _grid_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _grid_day_error(slots: object) -> str | None:
    if not isinstance(slots, list | tuple):
        return "créneaux mal formés."
    parsed = []
    for slot in slots:
        if not isinstance(slot, list | tuple) or len(slot) != 2:
            return "chaque créneau doit avoir une heure de début et une heure de fin."
        start_text, end_text = slot
        start, end = _grid_minutes(start_text), _grid_minutes(end_text)
        if start is None or start == _DAY:
            return (
                f"l'heure de début « {start_text} » n'est pas valide : "
                "écrivez-la sous la forme HH:MM, par exemple 09:00."
            )
        if end is None:
            return (
                f"l'heure de fin « {end_text} » n'est pas valide : "
                "écrivez-la sous la forme HH:MM, par exemple 12:00."
            )
        if start == end:
            return f"le créneau de {start_text} à {end_text} commence et finit à la même heure."
        if start > end:
            return (
                f"le créneau de {start_text} à {end_text} finit avant de commencer "
                "(pour une ouverture de nuit, utilisez la saisie experte)."
            )
        parsed.append((start, end, start_text, end_text))
    parsed.sort()
    for previous, current in itertools.pairwise(parsed):
        if current[0] < previous[1]:
            return (
                f"les créneaux de {previous[2]} à {previous[3]} et de {current[2]} à {current[3]} "
                "se chevauchent."
            )
    return None


def validate_grid(grid: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, str]:
    """Day code → French message, for bad times, slots ending before they start and overlapping slots.

    Times are "HH:MM" (00:00 to 23:59; 24:00 is allowed as an end).  Missing days count as closed.
    """
    errors = {}
    for index, code in enumerate(DAYS):
        message = _grid_day_error(grid.get(code) or [])
        if message:
            errors[code] = f"{_capitalize(DAY_LABELS[index])} : {message}"
    return errors


def _osm_days(days: Sequence[int]) -> str:
    return ",".join(
        DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}" for run in _runs(days)
    )


def grid_to_osm(grid: Mapping[str, Sequence[tuple[str, str]]], closed_on_public_holidays: bool) -> str:
    """The OSM string for a weekly grid: « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off ».

    Days with the same slots are grouped; "" when there is no slot at all (and then no « PH off »).
    Raises ValueError (French message) for an invalid grid or an unknown day code.
    """
    unknown = sorted(set(grid) - set(DAYS))
    if unknown:
        raise ValueError(f"Jour inconnu : {', '.join(map(str, unknown))}.")
    errors = validate_grid(grid)
    if errors:
        raise ValueError(next(iter(errors.values())))
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for index, code in enumerate(DAYS):
        slots = tuple(sorted((start, end) for start, end in grid.get(code) or []))
        if slots:
            groups.setdefault(slots, []).append(index)
    rules = [
        f"{_osm_days(days)} {','.join(f'{start}-{end}' for start, end in slots)}"
        for slots, days in groups.items()
    ]
    if not rules:
        return ""
    if closed_on_public_holidays:
        rules.append("PH off")
    return "; ".join(rules)


def osm_to_grid(
    value: str, *, max_slots: int | None = None
) -> tuple[dict[str, list[tuple[str, str]]], bool] | None:
    """The weekly grid and « closed on public holidays » for ``value``, or None if the grid cannot show it.

    The grid shows weekday selectors with time spans within the day and an optional « PH off »; months,
    comments, overnight spans, « unknown », special public-holiday hours… need the expert field.  The
    string's meaning is checked against the library, so the grid never changes the hours silently.
    ``max_slots`` (the form's number of slot columns) turns days with more slots into None as well.
    """
    text = (value or "").strip()
    if not text:
        return {code: [] for code in DAYS}, False
    if complexity_problem(text):
        return None
    try:
        _compile(text)
    except ParserError:
        return None
    rules = _checked_rules(text, text)
    if rules is None or any(rule.period is not None or rule.holidays - {"PH"} for rule in rules):
        return None
    normal = [_fold(rules, weekday, False, _base) for weekday in range(7)]
    holiday = [_fold(rules, weekday, True, _base) for weekday in range(7)]
    for day in normal:
        if day.closed_comment or any(
            piece.state != _OPEN or piece.comment or piece.open_end or piece.end > _DAY
            for piece in day.pieces
        ):
            return None
        if max_slots is not None and len(day.pieces) > max_slots:
            return None
    if holiday == normal:
        closed_on_public_holidays = False
    elif all(day == _CLOSED_DAY for day in holiday):
        closed_on_public_holidays = True
    else:
        return None
    grid = {
        code: [(_grid_time(piece.start), _grid_time(piece.end)) for piece in normal[index].pieces]
        for index, code in enumerate(DAYS)
    }
    return grid, closed_on_public_holidays


# --------------------------------------------------------------------------------------------------
# Status for residents
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenStatus:
    """Whether a place is open now: ``is_open`` is None when unknown (no hours, « sur rendez-vous »…)."""

    is_open: bool | None
    label: str
    closure_message: str | None = None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _closure_ranges(closures: Iterable[Mapping[str, object]] | None) -> list[tuple[date, date, str]]:
    """Valid temporary closures as (first day, last day, message); malformed entries are ignored."""
    ranges = []
    for closure in closures or []:
        if not isinstance(closure, Mapping):
            continue
        first, last = _as_date(closure.get("debut")), _as_date(closure.get("fin"))
        if first is None or last is None or last < first:
            logger.debug("Ignoring malformed closure %r", closure)
            continue
        message = closure.get("message")
        ranges.append((first, last, message.strip() if isinstance(message, str) else ""))
    return ranges


def _closed_until(ranges: Sequence[tuple[date, date, str]], day: date) -> tuple[date, str] | None:
    """When ``day`` falls in a closure: its last day (following back-to-back closures) and message."""
    active = [closure for closure in ranges if closure[0] <= day <= closure[1]]
    if not active:
        return None
    last = max(closure[1] for closure in active)
    extended = True
    while extended:
        extended = False
        for first, end, _message in ranges:
            if first <= last + timedelta(days=1) and end > last:
                last, extended = end, True
    message = next((closure[2] for closure in active if closure[2]), "")
    return last, message


def _skip_closures(moment: datetime, ranges: Sequence[tuple[date, date, str]]) -> datetime:
    closed = _closed_until(ranges, moment.date())
    return moment if closed is None else _midnight(closed[0] + timedelta(days=1))


def _when(moment: datetime, now: datetime) -> str:
    """« aujourd'hui », « demain », « lundi » (within the week) or « le lundi 2 septembre »."""
    days = (moment.date() - now.date()).days
    if days == 0:
        return "aujourd'hui"
    if days == 1:
        return "demain"
    name = DAY_LABELS[moment.weekday()]
    if 1 < days < 7:
        return name
    return f"le {name} {_date_fr(moment.date(), now.date())}"


def _covers_day(start: datetime, end: datetime, day: date) -> bool:
    return start <= _midnight(day) and end >= _midnight(day + timedelta(days=1))


UNAVAILABLE = "Horaires non disponibles"


def status(value: str, closures: list[dict] | None = None, now: datetime | None = None) -> OpenStatus:
    """Open or closed now, with a French label (« Ouvert maintenant — ferme à 17 h »).

    A temporary closure covering today wins over the hours.  French public holidays are honoured.
    ``now`` defaults to the current time; naive values are Paris time, aware ones are converted.

    Never raises: the search facet « ouvert maintenant » asks this of every fiche, and one fiche whose
    hours the library chokes on must not break the page for everybody.  Such a fiche is logged and
    shown as « Horaires non disponibles » (unknown).
    """
    try:
        return _status(value, closures, now)
    except Exception:
        logger.exception("Could not compute the open status of %s at %s", _shorten(repr(value), 200), now)
        return OpenStatus(None, UNAVAILABLE)


def _status(value: str, closures: list[dict] | None, now: datetime | None) -> OpenStatus:
    now = _paris(now)
    ranges = _closure_ranges(closures)
    closed = _closed_until(ranges, now.date())
    if closed is not None:
        last, message = closed
        return OpenStatus(
            False, f"Fermeture exceptionnelle jusqu'au {_date_fr(last, now.date())}", message or None
        )
    text = (value or "").strip()
    if not text:
        return OpenStatus(None, NO_HOURS)
    try:
        oh = _compile(text)
    except ParserError:
        return OpenStatus(None, NO_HOURS)
    state, comment = oh.state(_existing(now))
    if state == State.UNKNOWN:
        return OpenStatus(None, _capitalize(comment) if comment else "Horaires à confirmer")
    if state == State.OPEN:
        return _open_status(oh, now, comment, ranges)
    return _closed_status(oh, now, ranges)


def _open_status(
    oh: OpeningHours, now: datetime, comment: str, ranges: Sequence[tuple[date, date, str]]
) -> OpenStatus:
    today = now.date()
    tomorrow = _midnight(today + timedelta(days=1))
    for start, end, state, _comment in _intervals(oh, _midnight(today), tomorrow):
        if state == State.OPEN and start <= now < end and comment and _covers_day(start, end, today):
            return OpenStatus(None, _capitalize(comment))  # « "sur rendez-vous" » is not « open all day »
    closing = next(
        (
            start
            for start, _end, state, _comment in _intervals(oh, now, now + timedelta(days=8))
            if state != State.OPEN
        ),
        None,
    )
    upcoming = [first for first, _last, _message in ranges if first > today]
    if upcoming:
        closure_start = _midnight(min(upcoming))
        closing = closure_start if closing is None else min(closing, closure_start)
    label = "Ouvert maintenant" + (f" ({comment})" if comment else "")
    if closing is None:
        return OpenStatus(True, f"{label} — 24 h/24")
    if closing == tomorrow:
        return OpenStatus(True, f"{label} — ferme à minuit")
    if closing.date() == today:
        return OpenStatus(True, f"{label} — ferme à {_clock(closing)}")
    return OpenStatus(True, f"{label} — ferme {_when(closing, now)} à {_clock(closing)}")


def _closed_status(oh: OpeningHours, now: datetime, ranges: Sequence[tuple[date, date, str]]) -> OpenStatus:
    label = "Fermé (jour férié)" if _is_public_holiday(now.date()) else "Fermé"
    for start, end, state, comment in _intervals(oh, now, now + timedelta(days=366)):
        if state != State.OPEN:
            continue
        opening = _skip_closures(max(start, now), ranges)
        if opening >= end:
            continue
        if comment and opening == _midnight(opening.date()) and _covers_day(opening, end, opening.date()):
            return OpenStatus(False, f"{label} — {_when(opening, now)} : {comment}")
        return OpenStatus(False, f"{label} — ouvre {_when(opening, now)} à {_clock(opening)}")
    return OpenStatus(False, label)


def today_hours(value: str, now: datetime | None = None, closures: list[dict] | None = None) -> str:
    """« Aujourd'hui : 9 h – 12 h, 14 h – 17 h », « Aujourd'hui : fermé »; "" when there are no hours.

    Never raises (see :func:`status`): "" when the hours cannot be computed, after logging why.
    """
    try:
        return _today_hours(value, now, closures)
    except Exception:
        logger.exception("Could not compute today's hours of %s at %s", _shorten(repr(value), 200), now)
        return ""


def _today_hours(value: str, now: datetime | None, closures: list[dict] | None) -> str:
    now = _paris(now)
    today = now.date()
    if _closed_until(_closure_ranges(closures), today) is not None:
        return "Aujourd'hui : fermeture exceptionnelle"
    text = (value or "").strip()
    if not text:
        return ""
    try:
        oh = _compile(text)
    except ParserError:
        return ""
    day_start, next_day = _midnight(today), _midnight(today + timedelta(days=1))
    day_after = _midnight(today + timedelta(days=2))
    parts = []
    for start, end, state, comment in _intervals(oh, _midnight(today - timedelta(days=1)), day_after):
        if state == State.CLOSED or end <= day_start or start >= next_day:
            continue
        note = comment or ("à confirmer" if state == State.UNKNOWN else "")
        if _covers_day(start, end, today):
            if comment:
                return f"Aujourd'hui : {comment}"
            return "Aujourd'hui : 24 h/24" + (f" ({note})" if note else "")
        if start < day_start:
            continue  # the end of yesterday evening's opening
        if end >= day_after:
            span = f"à partir de {_clock(start)}"
        else:
            span = f"{_clock(start)} – {'minuit' if end == next_day else _clock(end)}"
        parts.append(f"{span} ({note})" if note else span)
    return f"Aujourd'hui : {', '.join(parts)}" if parts else "Aujourd'hui : fermé"
