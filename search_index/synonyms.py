"""Synonyms, and the query as the units a document must match.

One job: from the visitor's words and the coordinators' synonym groups (:class:`guide.models.Synonym`), the
units of a query — each word, or run of words that is an expression of a group, with its equivalents —
within the bounds of :mod:`.params` (words considered, expansions per word and per query).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import analysis
from .params import MAX_EXPANSIONS, MAX_QUERY_WORDS, MAX_SYNONYMS

SYNONYM_BOOST = 0.6

# One word of a query: its alternatives (analysed terms, boost), the word itself first, then its synonyms.
Unit = tuple[tuple[tuple[str, ...], float], ...]


class SynonymTable:
    """Groups of equivalent expressions, matched on analysed terms (so « IVG », « ivg » and the plural
    forms of an expression all match). A multi-word expression matches as a phrase."""

    def __init__(self, groups: Sequence[Sequence[str]] = ()) -> None:
        alternatives: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for group in groups:
            expressions = {tuple(analysis.analyse(e)) for e in group}
            expressions.discard(())
            for expression in expressions:
                alternatives.setdefault(expression, set()).update(expressions - {expression})
        self._by_first: dict[str, list[tuple[tuple[str, ...], frozenset[tuple[str, ...]]]]] = {}
        for expression, others in alternatives.items():
            if others:
                self._by_first.setdefault(expression[0], []).append((expression, frozenset(others)))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_first.values())

    def match(self, terms: Sequence[str], start: int) -> tuple[int, frozenset[tuple[str, ...]]] | None:
        """The longest expression starting at ``terms[start]``: (its length, its equivalents)."""
        for expression, others in self._by_first.get(terms[start], ()):
            if tuple(terms[start : start + len(expression)]) == expression:
                return len(expression), others
        return None


def parse_query(q: str, synonyms: SynonymTable) -> tuple[list[Unit], frozenset[str]]:
    """The words of ``q`` as units that must all match, and the terms to highlight.

    A unit is a word, or a run of words that is an expression of a synonym group; it matches any
    expression of its group (a multi-word expression as a phrase), in any field.
    """
    terms = analysis.analyse(q)
    units: list[Unit] = []
    highlight: set[str] = set()
    seen: set[tuple[str, ...]] = set()
    expansions = MAX_EXPANSIONS
    i = 0
    while i < len(terms) and len(units) < MAX_QUERY_WORDS:
        found = synonyms.match(terms, i)
        if found is None:
            literal, others = (terms[i],), frozenset()
            i += 1
        else:
            length, others = found
            literal = tuple(terms[i : i + length])
            i += length
        if literal in seen:  # a repeated word adds nothing
            continue
        seen.add(literal)
        kept = sorted(others)[: min(MAX_SYNONYMS, expansions)]
        expansions -= len(kept)
        units.append(((literal, 1.0), *((other, SYNONYM_BOOST) for other in kept)))
        highlight.update(literal)
        for other in kept:
            highlight.update(other)
    return units, frozenset(highlight)
