"""What a resident means: the words to search, and the time they want the service open.

One job: from the query as typed (« je cherche une aide alimentaire ouverte le samedi près de chez moi »),
the text to search (« aide alimentaire ») and the filters it implies (:class:`TimeFilter` « Ouvert samedi »,
« ouvert maintenant »).

* **Time words** (« ouvert le samedi », « le soir », « ce week-end », « ouvert à 18 h », « le matin »,
  « ouvert aujourd'hui », « ouvert maintenant ») become filters and leave the text. A small grammar over the
  query's folded words, written here: day names, parts of the day and clock times, with the little words
  that go with them (« ouvert », « le », « à », « en »…). The same grammar reads the ``quand`` parameter of
  the results page (« samedi-soir »), so a filter read from the query and one chosen in the facets are one.
  Hand-written because the libraries that read French dates (dateparser, Duckling) turn « samedi » into one
  date, not into « opens on Saturdays », and do not say which words of a longer query they used.
* **Filler words** (« je cherche », « j'ai besoin d' », « près de chez moi », « où trouver »…) are a list
  kept as data (``data/fillers_fr.txt``), removed only when other words remain.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from guide.hours import language as hours_language
from guide.hours.wording import hm
from guide.i18n import _

from . import analysis

FILLERS_FILE = Path(__file__).parent / "data" / "fillers_fr.txt"
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAYS = {name: i for i, name in enumerate(DAY_NAMES)} | {f"{name}s": i for i, name in enumerate(DAY_NAMES)}
# Little words that belong to a time expression when they stand just before it (« ouvert le », « à »).
_CONNECTORS = frozenset(
    {
        "ouvert",
        "ouverte",
        "ouverts",
        "ouvertes",
        "open",
        "le",
        "les",
        "la",
        "ce",
        "cette",
        "en",
        "du",
        "de",
        "a",
        "au",
        "des",
        "dans",
        "jusqu",
        "pendant",
        "tous",
        "toutes",
        "chaque",
        "et",
        "ou",
        "aussi",
        "meme",
    }
)
_PARTS = {
    "matin": "matin",
    "matins": "matin",
    "matinee": "matin",
    "soir": "soir",
    "soirs": "soir",
    "soiree": "soir",
    "soirees": "soir",
    "tard": "soir",
}
# (window start, window end, minutes of opening needed within it), in minutes from midnight.
_WINDOWS = {"matin": (0, 720, 30), "apres-midi": (720, 1080, 30), "soir": (1080, 1440, 30)}
_TIME_LABELS = {
    "matin": _("le matin"),
    "apres-midi": _("l'après-midi"),
    "soir": _("en soirée (après 18 h)"),
}
_AT_CLOCK = {"apres": _("après ${time}"), "avant": _("avant ${time}")}
_AT = _("à ${time}")
# « Ouvert … » by kind of day, without and with a time of day (the weekday's name is ``${day}``)
_OPEN_ON = {
    None: (None, _("Ouvert ${time}")),
    "weekday": (_("Ouvert ${day}"), _("Ouvert ${day} ${time}")),
    "week-end": (_("Ouvert le week-end"), _("Ouvert le week-end ${time}")),
    "aujourd-hui": (_("Ouvert aujourd'hui"), _("Ouvert aujourd'hui ${time}")),
    "demain": (_("Ouvert demain"), _("Ouvert demain ${time}")),
}
_CLOCK = re.compile(r"^(\d{1,2})h(\d{2})?$")
_HOUR_WORDS = frozenset({"h", "heure", "heures", "hr", "hrs"})


@dataclass(frozen=True)
class TimeFilter:
    """When the service must be open: on a day (``day``: a day name, « week-end », « aujourd-hui » or
    « demain »), at a time of day (``time``: « matin », « apres-midi », « soir », « 18h30 », « apres-18h »,
    « avant-9h »), or both. Read from the query or from the ``quand`` parameter (:func:`parse_when`)."""

    day: str | None = None
    time: str | None = None

    @property
    def code(self) -> str:
        """The value of the ``quand`` parameter: « samedi », « soir », « samedi-soir », « week-end-18h »."""
        return "-".join(part for part in (self.day, self.time) if part)

    def days(self) -> frozenset[int] | None:
        """The weekdays it accepts (Monday is 0), None for any; relative days are :meth:`offset`."""
        if self.day is None or self.day in ("aujourd-hui", "demain"):
            return None
        if self.day == "week-end":
            return frozenset({5, 6})
        return frozenset({DAY_NAMES.index(self.day)})

    def offset(self) -> int | None:
        """For « aujourd'hui » and « demain », the day counted from today; None otherwise."""
        return {"aujourd-hui": 0, "demain": 1}.get(self.day or "")

    def window(self) -> tuple[int, int, int]:
        """(start, end, minutes needed): the part of the day when it must be open, and for how long."""
        if self.time is None:
            return 0, 1440, 1
        if self.time in _WINDOWS:
            return _WINDOWS[self.time]
        mode, _, clock = self.time.rpartition("-")
        minutes = _clock_minutes(clock)
        assert minutes is not None
        if mode == "apres":
            return minutes, 1440, 30
        if mode == "avant":
            return 0, minutes, 30
        return minutes, minutes + 1, 1

    @property
    def label(self) -> str:
        """For the active filters, in the reader's language (:mod:`guide.hours.language`, set by the
        request; French outside a request): « Ouvert samedi en soirée (après 18 h) », « Open on Saturday in
        the evening (after 18:00) ». A sentence per kind of day, so that each language orders its words."""
        say = hours_language.say
        time = None
        if self.time in _TIME_LABELS:
            time = say(_TIME_LABELS[self.time])
        elif self.time:
            mode, _sep, clock = self.time.rpartition("-")
            minutes = (_clock_minutes(clock) or 0) % 1440
            moment = dt.datetime(2000, 1, 3, minutes // 60, minutes % 60)
            told = hours_language.clock(moment, lambda _moment: hm(minutes))
            time = say(_AT_CLOCK.get(mode, _AT), time=told)
        if self.day in DAY_NAMES:
            alone, with_time = _OPEN_ON["weekday"]
            day = hours_language.day_name(DAY_NAMES.index(self.day), DAY_NAMES)
        else:
            alone, with_time = _OPEN_ON.get(self.day, _OPEN_ON[None])
            day = ""
        if time is None:
            return say(alone, day=day) if alone is not None else say(_("Ouvert"))
        return say(with_time, day=day, time=time)


def _clock_minutes(text: str) -> int | None:
    match = _CLOCK.match(text)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def _clock_code(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


@dataclass(frozen=True)
class Understanding:
    """The query as understood: ``text`` to search, ``when`` it must be open, ``open_now`` (« ouvert
    maintenant »), and ``ignored``, the filler words left out."""

    text: str
    when: TimeFilter | None = None
    open_now: bool = False
    ignored: tuple[str, ...] = ()


def _folded_words(q: str) -> list[tuple[str, str]]:
    """(word as typed, folded word) for each word of ``q`` (elided articles out, as the search reads it)."""
    return [(word, analysis.fold(word)) for word, _start, _end in analysis._words(q)]


@functools.cache
def fillers() -> tuple[tuple[str, ...], ...]:
    """The filler expressions as folded words, longest first (read once from :data:`FILLERS_FILE`)."""
    expressions = set()
    for line in FILLERS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words = tuple(folded for _word, folded in _folded_words(line))
            if words:
                expressions.add(words)
    return tuple(sorted(expressions, key=lambda e: (-len(e), e)))


@functools.cache
def _fillers_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    """:func:`fillers` by their first word (longest first): a query's word is compared with a few."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for expression in fillers():
        by_first.setdefault(expression[0], []).append(expression)
    return {first: tuple(expressions) for first, expressions in by_first.items()}


def _time_at(words: list[str], i: int) -> tuple[int, str, str | None] | None:
    """A time word or expression starting at ``words[i]``: (its length, « day » or « time », its code)."""
    word = words[i]
    following = words[i + 1] if i + 1 < len(words) else ""
    if word in _DAYS:
        return 1, "day", DAY_NAMES[_DAYS[word]]
    if (word == "week" and following == "end") or word in ("weekend", "weekends"):
        return (2 if word == "week" else 1), "day", "week-end"
    if (word == "aujourd" and following == "hui") or word == "aujourdhui":
        return (2 if word == "aujourd" else 1), "day", "aujourd-hui"
    if word == "demain":
        return 1, "day", "demain"
    if word == "maintenant":
        return 1, "now", None
    if word in _PARTS:
        return 1, "time", _PARTS[word]
    if word == "apres" and following in ("midi", "midis"):
        return 2, "time", "apres-midi"
    if word in ("apres", "avant") and following:
        found = _clock_at(words, i + 1)
        if found is not None:
            length, minutes = found
            return 1 + length, "time", f"{word}-{_clock_code(minutes)}"
        return None
    found = _clock_at(words, i)
    if found is not None:
        return found[0], "time", _clock_code(found[1])
    return None


def _clock_at(words: list[str], i: int) -> tuple[int, int] | None:
    """A clock time at ``words[i]``: « 18h », « 18h30 », « 18 h », « 18 heures », « 18 h 30 »."""
    word = words[i]
    minutes = _clock_minutes(word)
    if minutes is not None:
        return 1, minutes
    if word.isdigit() and len(word) <= 2 and i + 1 < len(words) and words[i + 1] in _HOUR_WORDS:
        minutes = _clock_minutes(f"{word}h")
        if minutes is None:
            return None
        rest = words[i + 2] if i + 2 < len(words) else ""
        if rest.isdigit() and len(rest) == 2 and int(rest) < 60:
            return 3, minutes + int(rest)
        return 2, minutes
    return None


def _read_time(words: list[str]) -> tuple[set[int], TimeFilter | None, bool]:
    """The positions of time words (with their connectors), the filter they say, and « maintenant »."""
    consumed: set[int] = set()
    day = time = None
    now = False
    i = 0
    while i < len(words):
        found = _time_at(words, i)
        if found is None:
            i += 1
            continue
        length, kind, code = found
        if kind == "day" and day is None:
            day = code
        elif kind == "day" and {day, code} == {"samedi", "dimanche"}:
            day = "week-end"
        elif kind == "time" and time is None:
            time = code
        elif kind == "now":
            now = True
        consumed.update(range(i, i + length))
        j = i - 1
        while j >= 0 and j not in consumed and words[j] in _CONNECTORS:
            consumed.add(j)
            j -= 1
        i += length
    when = TimeFilter(day, time) if day or time else None
    return consumed, when, now


def parse_when(code: str) -> TimeFilter | None:
    """The ``quand`` parameter (« samedi », « soir », « week-end-18h ») as a filter; None if it is not a
    time expression of this grammar, word for word."""
    words = [folded for _word, folded in _folded_words(code)]
    if not words:
        return None
    consumed, when, now = _read_time(words)
    if now or when is None or len(consumed) != len(words):
        return None
    return when


def understand(q: str) -> Understanding:
    """Time words out of the text as a filter, then filler words out when other words remain."""
    typed = _folded_words(q)
    words = [folded for _word, folded in typed]
    consumed, when, now = _read_time(words)
    kept = [i for i in range(len(words)) if i not in consumed]
    kept_words = [words[i] for i in kept]
    dropped: set[int] = set()
    position = 0
    while position < len(kept_words):
        for expression in _fillers_by_first().get(kept_words[position], ()):
            if tuple(kept_words[position : position + len(expression)]) == expression:
                dropped.update(range(position, position + len(expression)))
                position += len(expression)
                break
        else:
            position += 1
    meaningful = [
        i
        for position, i in enumerate(kept)
        if position not in dropped and words[i] not in analysis.FOLDED_STOPWORDS
    ]
    if not meaningful:
        dropped = set()  # nothing but fillers: search them as they are
    if not consumed and not dropped:
        return Understanding(q)
    remaining = [typed[i] for position, i in enumerate(kept) if position not in dropped]
    # the little words left at either end (« une » of « je cherche une aide ») say nothing once alone
    while remaining and remaining[0][1] in analysis.FOLDED_STOPWORDS:
        remaining.pop(0)
    while remaining and remaining[-1][1] in analysis.FOLDED_STOPWORDS:
        remaining.pop()
    ignored = tuple(typed[kept[position]][0] for position in sorted(dropped))
    return Understanding(" ".join(word for word, _folded in remaining), when, now, ignored)
