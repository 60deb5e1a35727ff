"""A guide whose index holds no fiche yet (a new city, a rebuild under way) answers every search."""

from __future__ import annotations

import time

import pytest

from search_index import SearchService
from search_index.params import Catalogue


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"gratuit": True},
        {"accessible": True},
        {"ouvert": True},
        {"thematique": "sante", "public": "familles", "quartier": "centre", "langue": "ar"},
    ],
)
def test_an_empty_index_finds_nothing_whatever_the_filters(tmp_path, filters):
    service = SearchService(tmp_path / "index", poll_seconds=3600)
    service._catalogue = Catalogue({"sante": ("Santé", 1)}, {"centre": "Centre"})  # no database here
    service._last_poll = time.monotonic()
    results = service.search("santé", record_miss=False, **filters)
    assert results.total == 0
    assert results.hits == []
    assert results.suggestion is None
    assert [value.count for value in results.facets["gratuit"]] == [0]
