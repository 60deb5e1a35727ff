"""How easy a text « En mots simples » is to read: the FALC rules (facile à lire et à comprendre) a partner
can check while writing.

One job: measure a short French text and give plain French advice. Pure Python, no database:
:func:`analyse` counts sentences and words (average and longest sentence, those over :data:`MAX_WORDS`
words), finds rare words (French word frequency from ``wordfreq``, the maintained library the search already
uses: a Zipf frequency under :data:`RARE_ZIPF` is a word read less than about 3 times per million words),
acronyms not explained in brackets (the guide's lexicon, ``guide/data/lexicon.json``, says what most of them
mean), common abbreviations (« rdv », « etc. ») and numbers written in letters.

Sentences and words are cut with two regular expressions rather than a language-processing library: the
texts are at most a few hundred characters, written to be simple, and the rules only need sentence ends
(. ! ? … or a line break) and words (letters, with their apostrophes and hyphens); a tokenizer such as
spaCy would cost hundreds of megabytes for no better advice. The abbreviations are a short hand-kept list
(no library lists the French abbreviations FALC forbids).

The advice are :class:`pyramid.i18n.TranslationString` (French by default, with a mapping): translate them
with ``request.localizer.translate`` before showing them.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pyramid.i18n import TranslationString, TranslationStringFactory

logger = logging.getLogger(__name__)
_ = TranslationStringFactory("guide")

MAX_LENGTH = 600  # the longest « En mots simples » text (characters); longer input is cut before analysis
MAX_WORDS = 15  # a FALC sentence has at most this many words
RARE_ZIPF = 3.5  # wordfreq's Zipf scale: 3.5 ≈ 3 times per million words
MAX_LISTED = 8  # words listed per kind of advice

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon.json"

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-ZÀ-Ý]{2,6}[0-9]*")

# Abbreviations a FALC text spells out: written alone (« rdv ») or only with their dot (« etc. »: « ex » and
# « tel » are also words).
ABBREVIATIONS = frozenset({"rdv", "tél", "mme", "mr", "qqn", "qqch", "ds", "pb", "bd", "nb", "hab"})
_DOTTED = re.compile(r"(?<![\w.])(etc|ex|env|cf|tel|tél|max|min|av|bd|hab|mme)\.", re.IGNORECASE)
# Numbers a FALC text writes in digits (« un », « une » are also articles: not listed).
NUMBER_WORDS = frozenset(
    {"deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize"}
    | {"quatorze", "quinze", "seize", "vingt", "trente", "quarante", "cinquante", "soixante", "cent"}
    | {"cents", "mille"}
)
# Words addressing the reader (« vous pouvez venir », « tu peux venir » for the young): FALC speaks to them.
_YOU = frozenset({"vous", "votre", "vos", "tu", "ton", "ta", "tes", "toi"})
# Inflected forms are rarer than their word (« habitez » 2.9, « habiter » 3.9): a rare form is looked up
# again as the infinitive or singular these endings suggest. A lemmatizer would do it better (simplemma: a
# 67 MB wheel, tens of MB of dictionaries in memory per process); for a hint, these few rules are enough.
_ENDINGS = (
    ("aient", ("er",)),
    ("ions", ("er", "re", "ir")),
    ("iez", ("er", "re", "ir")),
    ("ent", ("er", "re", "ir", "")),
    ("ons", ("er", "re", "ir")),
    ("ait", ("er",)),
    ("ais", ("er",)),
    ("ées", ("er",)),
    ("ée", ("er",)),
    ("és", ("er",)),
    ("ez", ("er", "re", "ir")),
    ("é", ("er",)),
    ("es", ("er", "e", "")),
    ("e", ("er",)),
    ("s", ("",)),
    ("x", ("",)),
)


@dataclass(frozen=True)
class Readability:
    """What :func:`analyse` found in a text."""

    sentences: int = 0
    words: int = 0
    average: float = 0.0  # words per sentence
    longest: int = 0  # words in the longest sentence
    long_sentences: tuple[str, ...] = ()  # the sentences over MAX_WORDS words (their start)
    rare_words: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()  # not explained in the text
    abbreviations: tuple[str, ...] = ()
    number_words: tuple[str, ...] = ()
    addresses_reader: bool = True
    advice: tuple[TranslationString, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when nothing needs changing (an empty text is not « ok »: there is nothing to read)."""
        return self.words > 0 and not self.advice

    def as_dict(self, translate: object = None) -> dict[str, object]:
        """A JSON-ready summary; ``translate`` (``request.localizer.translate``) renders the advice."""
        render = translate if callable(translate) else _interpolate
        return {
            "sentences": self.sentences,
            "words": self.words,
            "average": self.average,
            "longest": self.longest,
            "long_sentences": list(self.long_sentences),
            "rare_words": list(self.rare_words),
            "acronyms": list(self.acronyms),
            "abbreviations": list(self.abbreviations),
            "number_words": list(self.number_words),
            "ok": self.ok,
            "advice": [str(render(a)) for a in self.advice],
        }


def _interpolate(message: TranslationString) -> str:
    return message.interpolate()


@functools.cache
def lexicon_acronyms() -> dict[str, str]:
    """Acronyms of the guide's lexicon and what they stand for: {"CAF": "caisse d'allocations familiales"}."""
    try:
        groups = json.loads(LEXICON.read_text(encoding="utf-8")).get("groups", [])
    except (OSError, ValueError):
        logger.exception("the lexicon %s could not be read", LEXICON)
        return {}
    found: dict[str, str] = {}
    for group in groups:
        terms = [t for t in group.get("terms", []) if isinstance(t, str)]
        acronyms = [t for t in terms if t.isupper() and len(t) >= 2 and " " not in t]
        words = [t for t in terms if not t.isupper() and " " in t]
        for acronym in acronyms:
            if words:
                found.setdefault(acronym, words[0])
    return found


def _zipf(word: str) -> float:
    import wordfreq  # imported on first use (the search loads it too)

    try:
        return float(wordfreq.zipf_frequency(word, "fr"))
    except Exception:  # a broken word list must not break a form
        logger.exception("wordfreq could not score %r", word)
        return 10.0


def _is_rare(word: str) -> bool:
    if _zipf(word) >= RARE_ZIPF:
        return False
    for ending, replacements in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            if any(_zipf(stem + r) >= RARE_ZIPF for r in replacements):
                return False
    return True


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and _WORD.search(s)]


def _words(sentence: str) -> list[str]:
    return _WORD.findall(sentence)


def _bare(word: str) -> str:
    """« l'accueil » → « accueil », « jusqu'au » → « au »."""
    return _ELISION.sub("", word)


def _explained(acronym: str, text: str) -> bool:
    """« CAF (caisse d'allocations familiales) » or « la caisse d'allocations familiales (CAF) »."""
    escaped = re.escape(acronym)
    return bool(re.search(rf"{escaped}\s*\(|\(\s*{escaped}\s*\)", text))


def _listed(values: list[str]) -> tuple[str, ...]:
    """The first :data:`MAX_LISTED` distinct values, each cut to 30 characters."""
    return tuple(dict.fromkeys(v if len(v) <= 30 else v[:29] + "…" for v in values))[:MAX_LISTED]


def _start(sentence: str, words: int = 8) -> str:
    parts = sentence.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def analyse(text: str) -> Readability:
    """Measure ``text`` (at most :data:`MAX_LENGTH` characters are read) and give the FALC advice."""
    text = unicodedata.normalize("NFC", (text or "")[:MAX_LENGTH])
    sentences = split_sentences(text)
    if not sentences:
        return Readability()
    counts = [len(_words(s)) for s in sentences]
    total = sum(counts)
    long_sentences = tuple(_start(s) for s, n in zip(sentences, counts, strict=True) if n > MAX_WORDS)

    rare: list[str] = []
    abbreviations: list[str] = []
    numbers: list[str] = []
    acronyms: list[str] = []
    addresses = False
    for sentence in sentences:
        for position, raw in enumerate(_words(sentence)):
            word = _bare(raw)
            lower = word.lower()
            if lower in _YOU:
                addresses = True
            if _ACRONYM.fullmatch(word) and not word.isdigit():
                if not _explained(word, text):
                    acronyms.append(word)
                continue
            if lower in ABBREVIATIONS:
                abbreviations.append(lower)
                continue
            if lower in NUMBER_WORDS:
                numbers.append(lower)
                continue
            if len(word) < 4 or any(c.isdigit() for c in word):
                continue
            if position > 0 and word[0].isupper():
                continue  # a proper name: Clermont-Ferrand, Gisèle Halimi
            if _is_rare(lower):
                rare.append(lower)
    abbreviations.extend(m.group(1).lower() for m in _DOTTED.finditer(text))

    report = Readability(
        sentences=len(sentences),
        words=total,
        average=round(total / len(sentences), 1),
        longest=max(counts),
        long_sentences=long_sentences,
        rare_words=_listed(rare),
        acronyms=_listed(acronyms),
        abbreviations=_listed(abbreviations),
        number_words=_listed(numbers),
        addresses_reader=addresses,
    )
    return _with_advice(report)


def _with_advice(report: Readability) -> Readability:
    advice: list[TranslationString] = []
    if len(report.long_sentences) == 1:
        advice.append(
            _(
                "Une phrase a ${longest} mots : coupez-la en phrases de ${max} mots au plus, "
                "une idée par phrase.",
                mapping={"max": MAX_WORDS, "longest": report.longest},
            )
        )
    elif report.long_sentences:
        advice.append(
            _(
                "${count} phrases ont plus de ${max} mots (la plus longue : ${longest}) : coupez-les "
                "en phrases courtes, une idée par phrase.",
                mapping={"count": len(report.long_sentences), "max": MAX_WORDS, "longest": report.longest},
            )
        )
    if report.rare_words:
        advice.append(
            _(
                "Mots peu courants : ${words}. Utilisez des mots de tous les jours, ou expliquez-les.",
                mapping={"words": ", ".join(report.rare_words)},
            )
        )
    for acronym in report.acronyms:
        meaning = lexicon_acronyms().get(acronym)
        if meaning:
            advice.append(
                _(
                    "« ${acronym} » : écrivez ce que c'est, par exemple « ${meaning} (${acronym}) ».",
                    mapping={"acronym": acronym, "meaning": meaning},
                )
            )
        else:
            advice.append(
                _(
                    "« ${acronym} » : écrivez le sigle en entier, ou expliquez-le entre parenthèses.",
                    mapping={"acronym": acronym},
                )
            )
    if report.abbreviations:
        advice.append(
            _(
                "Abréviations : ${words}. Écrivez les mots en entier (« rendez-vous », pas « rdv »).",
                mapping={"words": ", ".join(report.abbreviations)},
            )
        )
    if report.number_words:
        advice.append(
            _(
                "Écrivez les nombres en chiffres : « 3 » plutôt que « trois » (${words}).",
                mapping={"words": ", ".join(report.number_words)},
            )
        )
    if not report.addresses_reader and report.sentences >= 2:
        advice.append(
            _(
                "Parlez à la personne qui lit : « Vous pouvez venir », « Vous pouvez appeler ».",
            )
        )
    return Readability(**{**report.__dict__, "advice": tuple(advice)})
