"""The French analyzer of the search index: accents, elisions, plurals, case."""

from __future__ import annotations

import pytest

from search_index.analysis import (
    analyse,
    fold,
    french_analyzer,
    french_chain,
    spelling_analyzer,
    spelling_chain,
    words,
)
from search_index.highlight import mark, snippet
from search_index.suggestions import edit_distance
from search_index.synonyms import SynonymTable


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("santé", "sante"),
        ("Santé", "SANTE"),
        ("éducation", "education"),
        ("Gauthière", "gauthiere"),
        ("français", "francais"),
        ("œuvre", "oeuvre"),
        ("crèche", "creche"),
    ],
)
def test_accents_and_case_do_not_matter(one, other):
    assert analyse(one) == analyse(other)
    assert analyse(one)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'enfance", "enfance"),
        ("L'Enfance", "enfance"),
        ("d'accès", "accès"),
        ("qu'il faut", "faut"),
        ("j'habite", "habite"),
        ("n'oubliez", "oubliez"),
        ("s'inscrire", "inscrire"),
        ("c'est gratuit", "gratuit"),
        ("m'aider", "aider"),
        ("t'accompagner", "accompagner"),
        ("jusqu'à l'école", "école"),
        ("l’enfance", "enfance"),  # typographic apostrophe
    ],
)
def test_elisions_are_removed(text, expected):
    assert analyse(text) == analyse(expected)


def test_elided_letters_are_not_indexed_but_other_apostrophes_split_words():
    assert analyse("l'") == []
    assert analyse("aujourd'hui") == analyse("aujourd hui")
    assert analyse("Bala'bulles") == analyse("bala bulles")


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("atelier", "ateliers"),
        ("violence", "violences"),
        ("enfant", "enfants"),
        ("femme", "femmes"),
        ("avocat", "avocats"),
        ("droit", "droits"),
        ("jeune", "jeunes"),
        ("conjugale", "conjugales"),
        ("social", "sociaux"),
        ("juridique", "juridiques"),
        ("démarche", "démarches"),
        ("gratuit", "gratuite"),
    ],
)
def test_singular_and_plural_match(singular, plural):
    assert analyse(singular) == analyse(plural)


def test_stop_words_are_dropped():
    assert analyse("aide aux devoirs à la Gauthière") == analyse("aide devoirs Gauthière")
    assert analyse("de la") == []


def test_hyphens_separate_words_and_numbers_are_kept():
    assert analyse("Croix-de-Neyrat") == analyse("croix neyrat")
    assert analyse("16-25 ans")[:2] == ["16", "25"]


def test_fold():
    assert fold("Œuvre Épicée Ça") == "oeuvre epicee ca"


def test_spelling_words_keep_accents_and_offsets():
    text = "Violence conjugale à la Gauthière"
    assert [(w, text[s:e]) for w, s, e in words(text)] == [
        ("violence", "Violence"),
        ("conjugale", "conjugale"),
        ("gauthière", "Gauthière"),
    ]


def test_edit_distance():
    assert edit_distance("violance", "violence") == 1
    assert edit_distance("avocta", "avocat") == 1  # transposition
    assert edit_distance("", "abc") == 3


def test_synonyms_match_on_analysed_terms_longest_first():
    table = SynonymTable(
        [["IVG", "interruption volontaire de grossesse"], ["avocat", "permanence juridique"]]
    )
    terms = analyse("Interruptions volontaires de grossesse")
    length, others = table.match(terms, 0)
    assert length == 3
    assert others == {tuple(analyse("ivg"))}
    assert table.match(analyse("avocats"), 0)[1] == {tuple(analyse("permanence juridique"))}
    assert table.match(analyse("grossesse"), 0) is None


def test_highlighting_escapes_and_marks_inflected_forms():
    terms = frozenset(analyse("atelier"))
    assert (
        str(mark("Ateliers <b>& cours</b>", terms)) == "<mark>Ateliers</mark> &lt;b&gt;&amp; cours&lt;/b&gt;"
    )
    long_text = "Un texte. " * 40 + "Les ateliers du mercredi. " + "Encore du texte. " * 40
    extract = str(snippet("", long_text, terms))
    assert "<mark>ateliers</mark>" in extract
    assert extract.startswith("… ") and extract.endswith(" …")
    assert len(extract) < 300
    assert str(snippet("Résumé <court>", "", frozenset())) == "Résumé &lt;court&gt;"


def test_the_index_folds_words_as_the_rest_of_the_guide_does():
    # One fold for slugs, sorting and the index: ligatures spelt out, « ø » included.
    assert fold("Œuvre des cœurs Søren") == "oeuvre des coeurs soren"
    assert analyse("Søren") == analyse("soren")


TEXTS = [
    "L'accompagnement des Enfants à la Santé, jusqu'à l'école : aujourd'hui, qu'il pleuve ou non !",
    "Œuvre des cœurs — Bala'bulles, 12 rue de l’Église ; IVG, PMI, CCAS et CAF… Søren & Æsa",
    "a à de du le la les un une et ou est sont était cette cet aux ni or donc",
    "Permanence juridique gratuite avec un avocat : violences conjugales, droits des femmes",
    "",
    "   ",
    "e\u0301cole ÉCOLE école Ecole",
]


def _tokens(analyzer, text, **kwargs):
    return [
        (
            t.text,
            t.stopped,
            getattr(t, "pos", None),
            getattr(t, "startchar", None),
            getattr(t, "endchar", None),
        )
        for t in analyzer(text, **kwargs)
    ]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"positions": True, "chars": True},
        {"positions": True, "chars": True, "removestops": False},
        {"positions": True, "start_pos": 7, "start_char": 100, "chars": True},
        {"no_morph": True},
        {"tokenize": False},
    ],
)
@pytest.mark.parametrize(
    ("fused", "chain"), [(french_analyzer, french_chain), (spelling_analyzer, spelling_chain)]
)
def test_the_one_pass_analyzer_gives_the_tokens_of_the_filter_chain(text, kwargs, fused, chain):
    # Indexing uses the one-pass analyzer for speed: the index must hold exactly what the chain would give.
    reference = chain()
    if kwargs.get("no_morph"):
        reference = type(reference)(
            *[item for item in reference.items if not getattr(item, "is_morph", False)]
        )
        kwargs = {}
        assert _tokens(fused(), text, no_morph=True) == _tokens(reference, text)
        return
    assert _tokens(fused(), text, **kwargs) == _tokens(reference, text, **kwargs)
    assert _tokens(fused(), text, **kwargs) == _tokens(fused(), text, **kwargs)  # the cached outcomes
