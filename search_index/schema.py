"""The Whoosh schema of the guide's index: one document per public fiche.

Text fields are searched with a weight each (:data:`FIELD_WEIGHTS`); keyword fields hold the facet codes;
``payload`` holds, as JSON, everything a results list and the facet counts need, so that a search never
goes back to the database.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .analysis import french_analyzer, spelling_analyzer

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
# 2: terms folded by guide.text.fold (« ø » → « o »); 3: the « traductions » field. An older index is rebuilt.
SCHEMA_VERSION = 3


def build_schema() -> Schema:
    analyzer = french_analyzer()
    fields = {name: TEXT(analyzer=analyzer, phrase=True) for name in FIELD_WEIGHTS}
    fields.update({name: KEYWORD(lowercase=False, commas=False) for name in FACET_FIELDS})
    return Schema(
        id=ID(stored=True, unique=True),
        flags=KEYWORD(lowercase=False, commas=False),  # "gratuit", "accessible"
        vocab=TEXT(analyzer=spelling_analyzer(), phrase=False),  # whole words, for corrections
        payload=STORED(),
        **fields,
    )
