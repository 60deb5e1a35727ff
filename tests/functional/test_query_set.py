"""The query set of issue 9 (tests/data/queries.json) on the demo guide: what residents type, and whether the
fiche a social worker would point to comes first.

The figures are computed by :func:`tests.query_set.measure`; ``bench/bench_search.py`` prints them too.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from guide.services.demo import DEMO_DIR
from search_index import SearchService
from tests.query_set import QUERIES_FILE, TARGET_NO_RESULT, TARGET_TOP, load_queries, measure

CATEGORIES = {"mots", "phrase", "faute", "sigle", "langue", "horaire"}
LANGUAGES = {"en", "ar", "uk", "ru", "es", "pt", "tr", "fa", "ps"}


def _demo_fiches() -> tuple[set[str], set[str]]:
    """The demo's fiche ids, and those that are not published (drafts, to review, archived)."""
    services = json.loads((DEMO_DIR / "services.json").read_text(encoding="utf-8"))
    states = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))["states"]
    return {s["id"] for s in services}, {i for ids in states.values() for i in ids}


# --- the data itself ---------------------------------------------------------------------------------


def test_the_query_set_is_large_and_varied():
    queries = load_queries()
    assert len(queries) >= 150
    categories = Counter(q.category for q in queries)
    assert set(categories) == CATEGORIES
    assert all(n >= 15 for n in categories.values()), categories
    assert {q.lang for q in queries if q.category == "langue"} == LANGUAGES
    folded = [" ".join(q.q.lower().split()) for q in queries]
    assert len(set(folded)) == len(folded), "a query is listed twice"


def test_every_expected_fiche_is_a_published_demo_fiche():
    known, hidden = _demo_fiches()
    for query in load_queries():
        assert query.expected, query.q
        for identifier in query.expected:
            assert identifier in known, f"{query.q!r}: no demo fiche {identifier!r}"
            assert identifier not in hidden, f"{query.q!r}: {identifier!r} is not published in the demo"


def test_the_file_is_plain_json_a_reviewer_can_read():
    text = QUERIES_FILE.read_text(encoding="utf-8")
    assert "\\u" not in text  # the Arabic, Cyrillic… queries are readable as typed
    assert len(text.splitlines()) >= len(load_queries())  # one query per line: diffs stay readable


# --- the engine on it --------------------------------------------------------------------------------


@pytest.fixture
def service(demo_guide, session_factory, tmp_path):
    shutil.copytree(demo_guide, tmp_path / "index")  # the demo's index, built once (tests/conftest.py)
    return SearchService(tmp_path / "index", session_factory)


def test_query_set_meets_the_targets(db, service):
    """Issue 9: no result for at most 3 % of the queries, an expected fiche in the top 5 for at least 90 %."""
    figures = measure(service, db)
    assert figures.total == len(load_queries())
    lawyer = next(o for o in figures.outcomes if o.query.q == "avocat gratuit")
    assert lawyer.hit and "Consultation gratuite d'un avocat au 25 Gisèle Halimi" in lawyer.shown
    print(figures.report())  # pytest -s: the figures, and each query that misses
    assert figures.share_no_result <= TARGET_NO_RESULT, figures.report()
    assert figures.share_top >= TARGET_TOP, figures.report()
