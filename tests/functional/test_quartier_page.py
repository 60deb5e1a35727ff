"""A quartier page on a phone: one list, each fiche once with its thématiques as tags and whether it is open,
numbers matching the map's markers."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from guide.models import Quartier


def _busiest(db, testapp):
    best = None
    for quartier in db.scalars(select(Quartier)):
        page = testapp.get(f"/quartier/{quartier.slug}")
        items = page.html.select(".quartier-list > li")
        if best is None or len(items) > len(best[1]):
            best = (quartier, items, page)
    return best


def test_each_fiche_appears_once_with_its_thematiques_as_tags(testapp, demo_guide, db):
    _quartier, items, page = _busiest(db, testapp)
    assert len(items) >= 5
    names = Counter(li.select_one("a.name").get_text(strip=True) for li in items)
    assert all(n == 1 for n in names.values()), names
    assert page.html.select(".theme-section") == []  # no more one section per thématique
    tagged = [li for li in items if len(li.select(".tags li")) >= 2]
    assert tagged, "a fiche in two thématiques shows both as tags"
    for li in items:
        badge = li.select_one(".badge")
        assert badge is not None and {"open", "closed", "unknown"} & set(badge["class"])
    count = int(page.html.select_one("h1 + p").get_text().split()[0])
    assert count == len(items)


def _most_lieux(db, testapp):
    pages = [(q, testapp.get(f"/quartier/{q.slug}")) for q in db.scalars(select(Quartier))]
    quartier, page = max(pages, key=lambda item: len(item[1].html.select(".lieux-legend li")))
    return quartier, page.html.select(".quartier-list > li"), page


def test_numbers_in_the_list_match_the_numbered_map(testapp, demo_guide, db):
    quartier, items, page = _most_lieux(db, testapp)
    legend = page.html.select(".lieux-legend li")
    assert len(legend) >= 2
    assert [li["id"] for li in legend] == [f"lieu-{n}" for n in range(1, len(legend) + 1)]
    numbers = {
        int(x) for li in items if li.select_one(".num") for x in li.select_one(".num").text.split(", ")
    }
    assert numbers == set(range(1, len(legend) + 1))
    svg = page.html.select_one(".quartier-map-static svg")
    assert svg is not None
    for n in numbers:
        assert f">{n}<" in str(svg)  # each number drawn on its marker
    geojson = testapp.get("/carte.geojson", {"quartier": quartier.slug}).json
    markers = [f["properties"] for f in geojson["features"] if f["properties"]["kind"] == "marker"]
    assert sorted(m["number"] for m in markers) == sorted(numbers)
    polygons = [f for f in geojson["features"] if f["properties"]["kind"] == "quartier"]
    assert [p["properties"]["code"] for p in polygons] == [quartier.code]
    assert page.html.select_one(".leaflet-map")["data-geojson-url"].endswith(f"?quartier={quartier.slug}")


def test_unknown_quartier_in_the_map_data_gives_the_whole_city(testapp, demo_guide):
    whole = testapp.get("/carte.geojson").json
    odd = testapp.get("/carte.geojson", {"quartier": "n'existe-pas"}).json
    assert odd == whole
