"""Synonyms, and the query as the units a document must match.

One job: from the visitor's words and the coordinators' synonym groups (:class:`guide.models.Synonym`), the
units of a query — each word, or run of words that is an expression of a group, with its equivalents —
within the bounds of :mod:`.params` (words considered, expansions per word and per query).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from . import analysis
from .params import MAX_EXPANSIONS, MAX_QUERY_WORDS, MAX_SYNONYMS

SYNONYM_BOOST = 0.6
SHORT_WORD = 4  # letters: a shorter word (an acronym, « bus ») matches as written, not by its stem
EXACT = "="  # marks an alternative matched as written (:func:`exact_term`)
ACRONYM = "=="  # the same, never by its stem
LOOSE = (
    "~"  # marks a multi-word alternative matched by its words anywhere, not as a phrase (:func:`loosened`)
)

# One word of a query: its alternatives (analysed terms, boost), the word itself first, then its synonyms.
Unit = tuple[tuple[tuple[str, ...], float], ...]


class SynonymTable:
    """Groups of equivalent expressions, matched on analysed terms (so « IVG », « ivg » and the plural
    forms of an expression all match). A multi-word expression matches as a phrase."""

    def __init__(self, groups: Sequence[Sequence[str]] = ()) -> None:
        alternatives: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        # A short one-word expression (« CAF ») and the words it was written as, depluralised (« caf »):
        # « café » has the same stem but is another word, so it must not bring the CAF's group.
        self._written: dict[tuple[str, ...], set[str]] = {}
        # A word of a multi-word expression (« colis » of « colis alimentaire ») → the groups it is in.
        within: dict[str, set[int]] = {}
        self._groups: list[frozenset[tuple[str, ...]]] = []
        # Whole words of the expressions by their folded first letter: « Vouliez-vous dire » may correct a
        # typo into a word the synonyms know though no fiche says it (« avortemant » → « avortement »).
        self._words: dict[str, set[str]] = {}
        for group in groups:
            expressions: set[tuple[str, ...]] = set()
            for expression in group:
                for word, _s, _e in analysis.words(expression):
                    self._words.setdefault(analysis.fold(word[0]), set()).add(word)
                terms = tuple(analysis.analyse(expression))
                if not terms:
                    continue
                expressions.add(terms)
                written = [bare(analysis.fold(word)) for word, _s, _e in analysis._words(expression)]
                if len(terms) == 1 and len(written) == 1 and len(written[0]) <= SHORT_WORD:
                    self._written.setdefault(terms, set()).add(written[0])
            if len(expressions) < 2:
                continue
            self._groups.append(frozenset(expressions))
            for expression in expressions:
                alternatives.setdefault(expression, set()).update(expressions - {expression})
                if len(expression) > 1:
                    for term in expression:
                        within.setdefault(term, set()).add(len(self._groups) - 1)
        self._within = {term: next(iter(ids)) for term, ids in within.items() if len(ids) == 1}
        self._by_first: dict[str, list[tuple[tuple[str, ...], frozenset[tuple[str, ...]]]]] = {}
        for expression, others in alternatives.items():
            if others:
                self._by_first.setdefault(expression[0], []).append((expression, frozenset(others)))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_first.values())

    def match(
        self, terms: Sequence[str], start: int, words: Sequence[str] | None = None
    ) -> tuple[int, frozenset[tuple[str, ...]]] | None:
        """The longest expression starting at ``terms[start]``: (its length, its equivalents).

        ``words``, the folded words the terms come from, makes a short word match only what it is written
        as: « café » (stem « caf ») does not match the expression « CAF »."""
        for expression, others in self._by_first.get(terms[start], ()):
            if tuple(terms[start : start + len(expression)]) != expression:
                continue
            if words is not None and len(expression) == 1:
                written = self._written.get(expression)
                word = bare(words[start])
                if (written is not None or len(word) <= SHORT_WORD) and word not in (written or ()):
                    continue
            return len(expression), others
        return None

    def words_starting(self, letter: str) -> frozenset[str] | set[str]:
        """The whole words of the synonyms (lower case, accents kept) whose folded first letter is
        ``letter``."""
        return self._words.get(letter, frozenset())

    def group_of_word(self, term: str) -> frozenset[tuple[str, ...]]:
        """The expressions of the one group where ``term`` is a word of a multi-word expression (« colis »
        → « colis alimentaire », « banque alimentaire »…); empty when it is in none or in several."""
        group = self._within.get(term)
        return self._groups[group] if group is not None else frozenset()


@functools.lru_cache(maxsize=4)
def synonym_table(groups: tuple[tuple[str, ...], ...]) -> SynonymTable:
    """The table of ``groups``, built once per process for the same groups (a table never changes once
    built). Building one analyses every expression: ~80 ms for the demo guide's groups. A web process builds
    it again only when the synonyms change; a process that starts several search services on the same
    synonyms (the test suite starts one per test) builds it once."""
    return SynonymTable(groups)


def bare(folded: str) -> str:
    """A folded word without its plural mark: « cafes » → « cafe », « jeux » → « jeu »."""
    return folded[:-1] if len(folded) > 3 and folded[-1] in "sx" else folded


def exact_term(folded: str, acronym: bool = False) -> str:
    """The term of a unit's alternative that matches only the documents holding the word as written (up to
    accents, case and plural), scored with its stem: see :meth:`search_index.snapshot.Snapshot.unit`. An
    ``acronym`` (typed in capitals: « PASS ») never falls back to its stem (« passer »)."""
    return (ACRONYM if acronym else EXACT) + folded


def query_terms(q: str) -> tuple[list[str], list[str], list[bool]]:
    """The analysed terms of ``q`` and, aligned with them, the folded words they come from and whether
    each was typed in capitals (« CAF »)."""
    terms, words, capitals = [], [], []
    for token in analysis._ANALYZER(q or "", keeporiginal=True):
        terms.append(token.text)
        words.append(analysis.fold(token.original))
        capitals.append(token.original.isupper())
    return terms, words, capitals


def compounds(q: str, synonyms: SynonymTable) -> list[int]:
    """For each unit of :func:`parse_query`, the piece of ``q`` between spaces its first word is in: the
    words of « art-thérapie » or « Saint-Jacques » are one piece, that a partial match keeps together."""
    pieces = [i for i, piece in enumerate(q.split()) for _term in analysis.analyse(piece)]
    spans: list[int] = []
    parse_query(q, synonyms, starts=spans)
    return [pieces[start] if start < len(pieces) else start for start in spans]


def parse_query(
    q: str,
    synonyms: SynonymTable,
    present: Callable[[tuple[str, ...]], bool] | None = None,
    starts: list[int] | None = None,
) -> tuple[list[Unit], frozenset[str]]:
    """The words of ``q`` as units that must all match, and the terms to highlight.

    A unit is a word, or a run of words that is an expression of a synonym group; it matches any
    expression of its group (a multi-word expression as a phrase), in any field. A word of 2 to
    :data:`SHORT_WORD` letters (« CAF », « IST ») matches the word as written, not every word of its stem
    (« café »), when the index holds it. A word alone that belongs to a multi-word expression of one
    group (« colis » of « colis alimentaire ») brings that group. ``present`` (does the index hold an
    expression) puts first, within the bounds, the equivalents that can find something. ``starts``, when
    given, receives the position of each unit's first term.
    """
    terms, words, capitals = query_terms(q)
    units: list[Unit] = []
    highlight: set[str] = set()
    seen: set[tuple[str, ...]] = set()
    expansions = MAX_EXPANSIONS
    i = 0
    while i < len(terms) and len(units) < MAX_QUERY_WORDS:
        first = i
        found = synonyms.match(terms, i, words)
        if found is None:
            literal, others = (terms[i],), synonyms.group_of_word(terms[i]) - {(terms[i],)}
            i += 1
        else:
            length, others = found
            literal = tuple(terms[i : i + length])
            i += length
        if literal in seen:  # a repeated word adds nothing
            continue
        seen.add(literal)
        ordered = sorted(others, key=lambda e: (not present(e), e)) if present is not None else sorted(others)
        kept = ordered[: min(MAX_SYNONYMS, expansions)]
        expansions -= len(kept)
        word = words[i - 1]
        short = len(literal) == 1 and 2 <= len(word) <= SHORT_WORD
        matched = (exact_term(word, capitals[i - 1]),) if short else literal
        units.append(((matched, 1.0), *((other, SYNONYM_BOOST) for other in kept)))
        if starts is not None:
            starts.append(first)
        highlight.update(literal)
        for other in kept:
            highlight.update(other)
    return units, frozenset(highlight)


def loosened(unit: Unit) -> Unit:
    """``unit`` with its multi-word expressions matched by their words anywhere in a document rather than
    as a phrase (« hébergement d'urgence » in a fiche on « l'hébergement » for « les personnes en situation
    d'urgence »): the last resort of a search that found nothing."""
    return tuple(
        ((LOOSE + terms[0], *terms[1:]) if len(terms) > 1 else terms, boost) for terms, boost in unit
    )


def plain_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """An alternative's terms without the marks of :func:`exact_term` and :func:`loosened` — what a plain
    Whoosh query over the same fields would look for (``bench/bench_search.py`` compares with one)."""
    if len(terms) == 1 and terms[0].startswith(EXACT):
        folded = terms[0].lstrip(EXACT)
        return tuple(analysis.analyse(folded)) or (folded,)  # a short word's stem
    return (terms[0].lstrip(LOOSE), *terms[1:])
