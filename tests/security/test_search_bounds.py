"""Issue 7, item 4: one anonymous search must not stall the server.

« Vouliez-vous dire » used to look up every misspelt word of the query and build every combination of their
corrections (3 ** 15 for 15 misspelt words: 28 s and 2.5 GB in-process). These tests replay such queries and
check that the work of a search is bounded whatever the input — words considered, vocabulary lookups,
corrected queries tried, synonym expansions — and that the attacker still gets an ordinary results page.
Speed itself is measured by bench/bench_search.py (« worst case » table), not here.
"""

from __future__ import annotations

import itertools

import pytest
from whoosh import reading

from guide.models import Synonym
from search_index.params import (
    MAX_CORRECTED_WORDS,
    MAX_CORRECTION_TRIES,
    MAX_EXPANSIONS,
    MAX_QUERY_WORDS,
    MAX_SYNONYMS,
)
from search_index.suggestions import closest_combinations

ATTACK = "aidr aidee aidei aideo aideu aidey aidet aidel aiden caas ceas cias cuas cyas"
EVERY_FILTER = {
    "thematique": "sante",
    "quartier": "quartier-test",
    "public": "familles",
    "langue": "ar",
    "gratuit": "1",
    "accessible": "1",
    "ouvert": "1",
    "tri": "distance",
    "lat": "45.78",
    "lon": "3.08",
    "page": "500",
    "par_page": "100",
}


@pytest.fixture
def lookups(monkeypatch):
    """Counts the searches for close words in the index's vocabulary (Whoosh ``terms_within``)."""
    calls: list[str] = []
    for cls in (reading.IndexReader, reading.SegmentReader):
        original = cls.terms_within

        def counting(self, fieldname, text, maxdist, prefix=0, _original=original):
            calls.append(text)
            return _original(self, fieldname, text, maxdist, prefix)

        monkeypatch.setattr(cls, "terms_within", counting)
    return calls


def test_the_typo_attack_answers_a_results_page_after_a_bounded_number_of_lookups(testapp, world, lookups):
    api = testapp.get("/api/v1/search", params={"q": ATTACK})
    assert api.status_int == 200
    assert api.json["total"] == 0 and api.json["results"] == []
    # each distinct unknown word used to be looked up (14 here), each combination of corrections built
    assert 0 < len(lookups) <= 2 * MAX_CORRECTED_WORDS  # a word and its unaccented form at most
    lookups.clear()
    page = testapp.get("/recherche", params={"q": ATTACK, **EVERY_FILTER})
    assert page.status_int == 200
    assert "Aucun service trouvé" in page.text
    assert len(lookups) <= 2 * MAX_CORRECTED_WORDS


def test_the_suggester_tries_a_bounded_number_of_corrected_queries(testapp, world, db, lookups):
    service = testapp.app.registry["search"]
    # 12 misspelt words, each close to several words of the index: 3 ** 12 combinations
    words = ["fichx", "publishex", "juristx", "droitx", "alphx", "lieux", "gammx", "betx", "aidx", "sanxe"]
    results = service.search(" ".join(words * 3), db=db, record_miss=False)
    assert results.total == 0
    assert results.work["words"] <= MAX_QUERY_WORDS
    assert results.work["lookups"] <= MAX_CORRECTED_WORDS
    assert results.work["corrections"] <= MAX_CORRECTION_TRIES
    assert len(lookups) <= 2 * MAX_CORRECTED_WORDS


def test_a_suggestion_still_corrects_a_misspelt_word_among_repeated_ones(testapp, world, db):
    service = testapp.app.registry["search"]
    results = service.search("juristte " * 20, db=db, record_miss=False, corriger=False)  # as typed
    assert results.total == 0
    assert results.suggestion == " ".join(["juriste"] * 20)
    assert results.work["lookups"] == 1  # a repeated word is looked up once


def test_only_the_first_words_of_a_long_query_count_and_a_repeated_word_counts_once(testapp, world):
    service = testapp.app.registry["search"]
    many = " ".join(f"mot{a}{b}" for a, b in itertools.product("abcdefgh", repeat=2))[:200]
    units, _highlight = service.parse_query(many)
    assert len(units) == MAX_QUERY_WORDS
    units, _highlight = service.parse_query("violence " * 22)
    assert len(units) == 1


def test_synonym_expansions_are_capped_per_word_and_per_query(testapp, world, db):
    heads = ["logement", "emploi", "famille", "jeunesse"]
    for head in heads:
        db.add(Synonym(terms=", ".join([head, *(f"{head} aide numero{i}" for i in range(50))])))
    db.commit()
    service = testapp.app.registry["search"]
    service.invalidate()
    results = service.search(" ".join(heads * 3), db=db, record_miss=False)  # reloads the synonyms
    assert results.work["expansions"] <= MAX_EXPANSIONS
    units, _highlight = service.parse_query(" ".join(heads))
    assert [len(unit) - 1 for unit in units] == [
        MAX_SYNONYMS,
        MAX_SYNONYMS,
        MAX_EXPANSIONS - 2 * MAX_SYNONYMS,
        0,
    ]
    page = testapp.get("/api/v1/search", params={"q": " ".join(heads * 3), **EVERY_FILTER})
    assert page.status_int == 200


@pytest.mark.parametrize(
    "q",
    [
        "a" * 200,
        "é" * 200,
        "violance" + "e" * 192,
        ("\ufdfd\U0001f600\u0301\u00e9\u4e2d\u0416\u05d0\u0e01" * 25)[:200],
        "e\u0301" * 100,
        " ".join(["zz", "qu'", "l'", "d'"] * 40)[:200],
    ],
)
def test_junk_queries_answer_a_results_page(testapp, world, q, lookups):
    for params in ({"q": q}, {"q": q, **EVERY_FILTER}):
        page = testapp.get("/recherche", params=params)
        assert page.status_int == 200
        assert testapp.get("/api/v1/search", params=params).status_int == 200
    assert len(lookups) <= 2 * 2 * MAX_CORRECTED_WORDS


def test_a_query_longer_than_the_limit_is_refused_in_french_before_any_work(testapp, world, lookups):
    api = testapp.get("/api/v1/search", params={"q": "a" * 1000}, expect_errors=True)
    assert api.status_int == 400
    assert "trop longue" in api.json["erreur"]
    page = testapp.get("/recherche", params={"q": "violance " * 120}, expect_errors=True)
    assert page.status_int == 400
    assert "trop longue" in page.text
    assert lookups == []


def test_closest_combinations_are_those_of_the_full_product_without_building_it():
    choices = [
        [(0, "a"), (1, "b"), (2, "c")],
        [(0, "d")],
        [(1, "e"), (1, "f"), (2, "g")],
        [(0, "h"), (2, "i")],
    ]
    expected = sorted(itertools.product(*choices), key=lambda combo: sum(d for d, _w in combo))
    assert list(closest_combinations(choices, 12)) == [list(combo) for combo in expected[:12]]
    # 3 ** 40 combinations: only the requested ones are ever made
    many = [[(0, f"w{i}"), (1, f"x{i}"), (2, f"y{i}")] for i in range(40)]
    best = list(closest_combinations(many, MAX_CORRECTION_TRIES))
    assert len(best) == MAX_CORRECTION_TRIES
    assert best[0] == [(0, f"w{i}") for i in range(40)]
