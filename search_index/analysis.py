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

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

from guide.text import fold as fold_text

APOSTROPHES = "'’ʼ`´"
# Words that lose their vowel before another word: l'école, d'accès, qu'il, jusqu'à, lorsqu'on…
ELIDED = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"}
)
_WORD = re.compile(r"\w+", re.UNICODE)
# An elided word and its apostrophe, when a letter or digit follows (what :func:`_words` leaves out), for
# :meth:`FrenchAnalyzer.positions`: each letter in both cases, written out (no IGNORECASE: « K », the
# Kelvin sign, would match « k »); ``[^\W_]`` is ``str.isalnum``. Only the apostrophes that end a word: « ʼ »
# is a letter (« cʼest » is one word to the tokenizer).
_ELISION = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        "".join(f"[{c}{c.upper()}]" for c in word) for word in sorted(ELIDED, key=lambda w: (-len(w), w))
    )
    + ")["
    + "".join(c for c in APOSTROPHES if not _WORD.match(c))
    + "](?=[^\\W_])"
)


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
_SPELLING_STOPS = STOPWORDS | FOLDED_STOPWORDS
_stem = stemmer_for_language("fr")
# word → (the word as a stop word would read, its term or None for a stop word, the term's UTF-8 bytes)
_OUTCOMES: dict[bool, dict[str, tuple[str, str | None, bytes | None]]] = {True: {}, False: {}}


def french_chain() -> Any:
    """Words → lower case → folded → stop words out (positions renumbered) → French Snowball stems, as a
    chain of Whoosh filters: the reference :class:`FrenchAnalyzer` is checked against (tests)."""
    return (
        FrenchTokenizer()
        | LowercaseFilter()
        | FoldFilter()
        | StopFilter(stoplist=FOLDED_STOPWORDS, minsize=2)
        | StemFilter(lang="fr", cachesize=100_000)
    )


def spelling_chain() -> Any:
    """Whole words in lower case, accents kept, stop words out, as a chain of Whoosh filters (reference)."""
    return (
        FrenchTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOPWORDS | FOLDED_STOPWORDS, minsize=3)
    )


class FrenchAnalyzer(Analyzer):
    """The tokens of :func:`french_chain` (or :func:`spelling_chain` with ``stem=False``), in one pass.

    Why not the chain: a rebuild analyses every word of every fiche, and a chain of five generators costs
    about half of Whoosh's indexing time in Python calls per word. Words repeat, so each distinct word's
    outcome (its term, or that it is a stop word) is computed once and kept in a bounded table. Same
    arguments as a Whoosh analyzer (positions renumbered past stop words, characters, ``removestops``,
    ``no_morph``)."""

    CACHE = 200_000  # distinct words remembered; the table is emptied when full

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and other.stem == self.stem  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self.stem))

    def __getstate__(self) -> dict[str, Any]:
        return {"stem": self.stem}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.stem = state["stem"]

    def has_morph(self) -> bool:
        return self.stem

    def _outcome(self, word: str) -> tuple[str, str | None, bytes | None]:
        """(the word as a stop word would read, its term — None for a stop word —, the term's bytes)."""
        table = _OUTCOMES[self.stem]
        found = table.get(word)
        if found is None:
            lower = word.lower()
            if self.stem:
                folded = fold(lower)
                term = _stem(folded) if len(folded) >= 2 and folded not in FOLDED_STOPWORDS else None
                stopped = folded
            else:
                term = lower if len(lower) >= 3 and lower not in _SPELLING_STOPS else None
                stopped = lower
            found = (stopped, term, None if term is None else term.encode("utf-8"))
            if len(table) >= self.CACHE:
                table.clear()
            table[word] = found
        return found

    @staticmethod
    def tokens(value: str) -> list[str]:
        """The words of ``value`` as :class:`FrenchTokenizer` gives them (elided articles left out), for
        :meth:`positions` and :meth:`term_set`: one regular expression, no token object per word."""
        return _WORD.findall(_ELISION.sub(" ", value))

    def positions(self, value: str | list[str]) -> dict[bytes, list[int]]:
        """Each term of ``value`` (a text or its :meth:`tokens`) as UTF-8 bytes, with its positions: what
        ``__call__(value, positions=True)`` yields (stop words out, positions renumbered), grouped by term,
        without a token per word — the index's fields call it for every document (:mod:`.schema`)."""
        known = _OUTCOMES[self.stem].get
        outcome = self._outcome
        found: dict[bytes, list[int]] = {}
        renumbered = -1
        for pos, word in enumerate(self.tokens(value) if isinstance(value, str) else value):
            term = (known(word) or outcome(word))[2]
            if term is None:
                continue
            renumbered = pos if renumbered < 0 else renumbered + 1
            positions = found.get(term)
            if positions is None:
                found[term] = [renumbered]
            else:
                positions.append(renumbered)
        return found

    def term_set(self, value: str | list[str]) -> set[bytes]:
        """The distinct terms of ``value`` (a text or its :meth:`tokens`), as UTF-8 bytes (stop words
        out)."""
        known = _OUTCOMES[self.stem].get
        outcome = self._outcome
        words = set(self.tokens(value) if isinstance(value, str) else value)
        terms = {(known(word) or outcome(word))[2] for word in words}
        terms.discard(None)
        return terms  # type: ignore[return-value]

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
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = value
            spans: Iterator[tuple[str, int, int]] = iter([(value, 0, len(value))])
        else:
            spans = _words(value)
        pos = start_pos
        renumbered: int | None = None
        known = _OUTCOMES[self.stem].get
        for word, start, end in spans:
            stopped_text, term, _bytes = known(word) or self._outcome(word)
            if positions:
                t.pos = pos
                pos += 1
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            t.boost = 1.0
            if term is None:
                if removestops:
                    continue
                t.text, t.stopped = stopped_text, True
            else:
                if positions:
                    renumbered = t.pos if renumbered is None else renumbered + 1
                    t.pos = renumbered
                t.text = stopped_text if no_morph else term
                t.stopped = False
            yield t


def _words(value: str) -> Iterator[tuple[str, int, int]]:
    """The words :class:`FrenchTokenizer` yields: (word, start, end), elided articles left out."""
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
        yield word, match.start(), end


def french_analyzer() -> Any:
    """Words → lower case → folded → stop words out (positions renumbered) → French Snowball stems."""
    return FrenchAnalyzer(stem=True)


def spelling_analyzer() -> Any:
    """Whole words in lower case, accents kept: the vocabulary « Vouliez-vous dire » picks from."""
    return FrenchAnalyzer(stem=False)


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
