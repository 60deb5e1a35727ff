"""The index's own field classes (search_index.schema): what they index is exactly what Whoosh's fields
would index from the same text — they only do it faster, and an index they write is read by Whoosh."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import TEXT, FieldType

from search_index.schema import FrenchText, Words, build_schema

TEXTS = [
    "L'accueil des enfants et l’enfance : jusqu'à 18 ans, la santé des enfants",
    "Qu'il pleuve ou non, aujourd'hui Bala'bulles ouvre ; lorsqu'on vient, c'est gratuit",
    "LA SANTÉ, l'ÉCOLE, D'ACCÈS, JUSQU'À, QU'ON, S'INSCRIRE",
    "e\u0301cole ÉCOLE école Ecole œuvre Œuvre",
    "l' d'' l'_x l'1 l'é x'l'y d'l'accueil ʼl´l`l",
    "cʼest lʼécole dʼaccès cʼ0",  # « ʼ » is a letter to the tokenizer: no elision
    "Юридичні консультації — legal advice, asesoría jurídica — مشورة قانونية",
    "",
    "   ",
    "la le les des",
]
# letters that make elisions and stop words, apostrophes of every kind, an underscore, accents, the Kelvin
# sign (lower case « k ») and a dotted capital I (lower case: two characters)
ALPHABET = "lLdDjJqQuUsSnNmMtTcCeaiorpéÉœ'’ʼ`´ _-.,09\u212a\u0130"


def _whoosh_text(value):
    field = build_schema()["nom"]
    return sorted(TEXT.index(field, value))  # Whoosh's own: a token per word, then Positions' grouping


def _whoosh_words(value):
    field = build_schema()["vocab"]
    return sorted(FieldType.index(field, value))


@pytest.mark.parametrize("text", TEXTS)
def test_the_text_fields_index_what_whooshs_text_field_does(text):
    field = build_schema()["nom"]
    assert isinstance(field, FrenchText)
    assert sorted(field.index(text)) == _whoosh_text(text)


def test_positions_are_renumbered_past_stop_words_as_whoosh_does():
    field = build_schema()["nom"]
    indexed = {
        term: freq for term, freq, _weight, _value in field.index("la santé des enfants et des enfants")
    }
    assert indexed == {b"sant": 1, b"enfant": 2}
    assert sorted(field.index("la santé des enfants et des enfants")) == _whoosh_text(
        "la santé des enfants et des enfants"
    )


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_any_text_is_indexed_as_whoosh_would(text):
    assert sorted(build_schema()["nom"].index(text)) == _whoosh_text(text)
    assert sorted(build_schema()["vocab"].index(text)) == _whoosh_words(text)


@pytest.mark.parametrize("text", TEXTS)
def test_the_vocabulary_holds_each_whole_word_once_without_frequency(text):
    field = build_schema()["vocab"]
    assert isinstance(field, Words)
    assert not field.scorable
    assert sorted(field.index(text)) == _whoosh_words(text)
    assert all(freq == 1 and value == b"" for _term, freq, _weight, value in field.index(text))


def test_the_vocabulary_of_several_texts_is_the_vocabulary_of_their_words_put_together():
    field = build_schema()["vocab"]
    parts = ["Écoute des familles", "l'écoute, des familles et l'accueil", "", "Accueil"]
    assert sorted(field.index(parts)) == _whoosh_words(" ".join(parts))
    assert sorted(term.decode() for term, *_ in field.index(parts)) == ["accueil", "familles", "écoute"]
