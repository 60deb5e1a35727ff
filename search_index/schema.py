"""The Whoosh schema of the guide's index: one document per public fiche.

Text fields are searched with a weight each (:data:`FIELD_WEIGHTS`); keyword fields hold the facet codes;
``payload`` holds, as JSON, everything a results list and the facet counts need, so that a search never
goes back to the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.fields import ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence

from .analysis import FrenchAnalyzer, french_analyzer, spelling_analyzer

# Searched text fields and their weight: title > summary, thématiques, publics > description >
# organisation and lieu; « autres » holds the labels of languages, fees, type and access conditions.
FIELD_WEIGHTS: dict[str, float] = {
    "nom": 6.0,
    "resume": 3.0,
    "thematiques": 3.0,
    "publics": 3.0,
    "description": 1.5,
    "organisation": 1.0,
    "lieu": 1.0,
    "autres": 0.8,
    # the reviewed translations of the title, summary and access conditions, every language in one field
    # (searched whatever the visitor's language: « legal advice » or « консультація » finds the fiche).
    # Decision: it goes through the same analyser as the French fields. The ranking (snapshot.Snapshot.unit)
    # analyses a query once for every field, and its corrections (suggestions.py) ask whether the index holds
    # a word's analysed form: a second analyser would need both per field. On Cyrillic, Arabic and Dari the
    # French chain is exactly lower case + Unicode folding (no French stop word nor suffix matches those
    # scripts: « Юридичні консультації » → юридичні, консультаціі); on English and Spanish it stems the
    # document and the query alike (« legal advice » → legal, advic), so they still meet.
    "traductions": 3.0,
}
FACET_FIELDS = ("thematique", "public", "quartier", "langue")
# The text fields whose whole words make the vocabulary (« vocab »: corrections, short words as written),
# in the order of the vocabulary's list of texts.
VOCABULARY = ("nom", "resume", "thematiques", "publics", "description", "organisation", "lieu", "traductions")
# 2: terms folded by guide.text.fold (« ø » → « o »); 3: the « traductions » field; 4: « vocab » holds which
# documents have a word, without frequencies nor lengths (:class:`Words`). An older index is rebuilt.
SCHEMA_VERSION = 4

# The two field classes below are pickled by reference into the index's table of contents: keep their
# import path stable. Each gives exactly what Whoosh's own field would (tests/unit/test_search_fields.py),
# faster: a rebuild indexes every word of every fiche, and Whoosh's way — a token object per word through
# the analyser, then the format's grouping — cost about half of it in Python calls per word.


_ENCODED: dict[tuple[int, ...], bytes] = {}  # positions → Whoosh's encoding of them (most repeat)
ENCODED = 100_000  # encodings remembered; emptied when full


class FrenchText(TEXT):
    """Whoosh's ``TEXT(phrase=True)`` (positions, for phrases) indexed in one pass by
    :meth:`.analysis.FrenchAnalyzer.positions`."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs or not isinstance(value, str) or type(self.analyzer) is not FrenchAnalyzer:
            yield from super().index(value, **kwargs)
            return
        yield from self.postings(value)

    def postings(self, value: str | list[str]) -> list[tuple[bytes, int, float, bytes]]:
        """What :meth:`index` yields, for a text or its words (:meth:`.analysis.FrenchAnalyzer.tokens`);
        equal encodings of positions are one bytes object."""
        boost = self.format.field_boost
        encode = self.format.encode
        out = []
        for term, positions in self.analyzer.positions(value).items():
            key = tuple(positions)
            encoded = _ENCODED.get(key)
            if encoded is None:
                encoded = encode(positions)
                if len(_ENCODED) >= ENCODED:
                    _ENCODED.clear()
                _ENCODED[key] = encoded
            count = len(positions)
            out.append((term, count, count * boost, encoded))
        return out


class Words(FieldType):
    """Which documents hold a word — no frequency, position nor length: the vocabulary of « Vouliez-vous
    dire » (:mod:`.suggestions`: its words and how many documents hold each) and the documents holding a
    short word as written (:meth:`.snapshot.Snapshot.exact_docs`). The value may be a list of texts."""

    def __init__(self, analyzer: Any) -> None:
        super().__init__(Existence(), analyzer, scorable=False, stored=False)

    def term_set(self, text: str) -> set[bytes]:
        """The distinct terms of one text, as UTF-8 bytes."""
        if type(self.analyzer) is FrenchAnalyzer:
            return self.analyzer.term_set(text)
        return {term for term, *_ in FieldType.index(self, text)}

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        terms: set[bytes] = set()
        for part in [value] if isinstance(value, str) else value:
            terms |= self.term_set(part)
        for term in terms:
            yield term, 1, boost, b""


def build_schema() -> Schema:
    analyzer = french_analyzer()
    fields: dict[str, Any] = {name: FrenchText(analyzer=analyzer, phrase=True) for name in FIELD_WEIGHTS}
    fields.update({name: KEYWORD(lowercase=False, commas=False) for name in FACET_FIELDS})
    return Schema(
        id=ID(stored=True, unique=True),
        flags=KEYWORD(lowercase=False, commas=False),  # "gratuit", "accessible"
        vocab=Words(spelling_analyzer()),  # whole words, for corrections and short words as written
        payload=STORED(),
        **fields,
    )
