"""The French analyzer: words, elisions removed, lower case, accents folded, stop words out, Snowball stems.

    >>> analyse("L'accompagnement des Enfants à la Santé")
    ['accompagn', 'enfant', 'sant']

The same analyzer reads the fiches and the visitors' queries, so « santé », « Santé » and « sante »
all become ``sant``, « ateliers » and « atelier » both ``ateli``, « l'enfance » ``enfanc``.

A second analyzer, :func:`spelling_analyzer`, keeps whole words (lower case, accents kept, no stems): its
terms are the vocabulary that « Vouliez-vous dire … » corrections are chosen from, so suggestions read
as real words (« violence », not the stem « violenc »).

The classes here are pickled by reference into the index's schema: keep their import path stable.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang import stopwords_for_language

from guide.text import fold as fold_text

APOSTROPHES = "'’ʼ`´"
# Words that lose their vowel before another word: l'école, d'accès, qu'il, jusqu'à, lorsqu'on…
ELIDED = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"}
)
_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """:func:`guide.text.fold` (lower case, accents and ligatures folded: « Œuvre Épicée » → « oeuvre
    epicee »), cached: the analyzer folds every word of every document and query, and words repeat."""
    return fold_text(word)


class FrenchTokenizer(Tokenizer):
    """Words made of letters and digits; an elided article or pronoun (« l' », « qu' ») is dropped.

    « l'enfance » gives « enfance »; « aujourd'hui » gives « aujourd » and « hui »; « Bala'bulles » gives
    « Bala » and « bulles ». Hyphens and other punctuation separate words.
    """

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        length = len(value)
        for match in _WORD.finditer(value):
            end = match.end()
            word = match.group(0)
            if (
                end + 1 < length
                and value[end] in APOSTROPHES
                and value[end + 1].isalnum()
                and word.lower() in ELIDED
            ):
                continue
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + end
            yield t


class FoldFilter(Filter):
    """Accents and ligatures folded (after lower-casing): « santé » → « sante », « œuvre » → « oeuvre »."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


STOPWORDS = frozenset(stopwords_for_language("fr")) | {"qu", "cet", "cette", "aux", "ni", "or", "donc"}
FOLDED_STOPWORDS = frozenset(fold(word) for word in STOPWORDS)


def french_analyzer() -> Any:
    """Words → lower case → folded → stop words out (positions renumbered) → French Snowball stems."""
    return (
        FrenchTokenizer()
        | LowercaseFilter()
        | FoldFilter()
        | StopFilter(stoplist=FOLDED_STOPWORDS, minsize=2)
        | StemFilter(lang="fr", cachesize=100_000)
    )


def spelling_analyzer() -> Any:
    """Whole words in lower case, accents kept: the vocabulary « Vouliez-vous dire » picks from."""
    return (
        FrenchTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOPWORDS | FOLDED_STOPWORDS, minsize=3)
    )


_ANALYZER = french_analyzer()
_SPELLING = spelling_analyzer()


def analyse(text: str) -> list[str]:
    """The index terms of ``text``, in order (stop words removed)."""
    return [t.text for t in _ANALYZER(text or "")]


@functools.lru_cache(maxsize=8192)
def analyse_with_offsets(text: str) -> tuple[tuple[str, int, int], ...]:
    """(term, start, end) for each word of ``text`` that is not a stop word: used for highlighting.

    Cached: the same summaries and descriptions come back in result after result."""
    return tuple((t.text, t.startchar, t.endchar) for t in _ANALYZER(text or "", chars=True))


def words(text: str) -> list[tuple[str, int, int]]:
    """(lower-case word, start, end) for each word of ``text`` kept by :func:`spelling_analyzer`."""
    return [(t.text, t.startchar, t.endchar) for t in _SPELLING(text or "", chars=True)]
