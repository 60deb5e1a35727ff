"""The server-drawn quartier map (SVG), its GeoJSON for Leaflet, Leaflet's static files and the partial."""

from __future__ import annotations

import functools
import json
import os
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.renderers import render
from shapely.geometry import Point, Polygon

from guide.maps import geojson_feature_collection
from guide.models import Lieu, Quartier
from guide.services.mapsvg import MapMarker, fiches_label, lieu_markers, render_locator, render_map
from guide.text import slugify

from ..pdftext import page_texts

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
DATA = Path(__file__).parent.parent / "data" / "mapsvg"
# The demo guide's quartiers and lieux, frozen here so that these tests do not follow the demo data.
DEMO = json.loads((DATA / "demo.json").read_text(encoding="utf-8"))
DEMO_QUARTIERS: list[dict[str, Any]] = DEMO["quartiers"]


def demo_lieux() -> list[dict[str, Any]]:
    return DEMO["lieux"]


def demo_quartiers(*, schematic: bool = True) -> list[Quartier]:
    return [
        Quartier(
            id=rank,
            code=item["code"],
            nom=item["nom"],
            slug=slugify(item["nom"]),
            geometry=item["geometry"],
            schematic=schematic,
        )
        for rank, item in enumerate(DEMO_QUARTIERS, start=1)
    ]


def demo_markers(numbered: bool = False) -> list[MapMarker]:
    return [
        MapMarker(item["latitude"], item["longitude"], item["nom"], number=rank if numbered else None)
        for rank, item in enumerate(demo_lieux(), start=1)
    ]


def parse(svg: Any) -> ET.Element:
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    return root


def view_box(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    return width, height


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The rings of a path written as "M x y L x y … Z" (what the renderer writes)."""
    result = []
    for ring in re.findall(r"M([^Z]+)Z", d):
        points = [tuple(float(v) for v in pair.split()) for pair in ring.split("L")]
        result.append(points)
    return result


def link(quartier: Quartier) -> str:
    return f"/quartiers/{quartier.slug}"


def test_valid_accessible_svg_with_one_link_per_quartier() -> None:
    quartiers = demo_quartiers()
    counts = {q.id: q.id % 4 for q in quartiers}
    svg = render_map(quartiers, demo_markers(), counts=counts, link_for=link)
    root = parse(svg)

    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Carte des quartiers"
    assert "Nombre de fiches par quartier" in root.find(f"svg:desc[@id='{desc_id}']", NS).text
    # Links inside: a group (role="img" would hide the links from screen readers).
    assert root.get("role") == "group"

    anchors = [a for a in root.iter(f"{SVG}a") if a.get("data-quartier")]
    assert len(anchors) == len(quartiers)
    by_code = {a.get("data-quartier"): a for a in anchors}
    for quartier in quartiers:
        anchor = by_code[quartier.code]
        assert anchor.get("href") == f"/quartiers/{quartier.slug}"
        assert anchor.find("svg:title", NS).text == f"{quartier.nom} — {fiches_label(counts[quartier.id])}"
        assert anchor.find("svg:path", NS).get("fill-rule") == "evenodd"
    labels = " ".join(text.text for text in root.iter(f"{SVG}text"))
    assert "aucune fiche" in labels and "1 fiche" in labels and "3 fiches" in labels


def test_without_links_it_is_an_image() -> None:
    root = parse(render_map(demo_quartiers(), counts={}))
    assert root.get("role") == "img"
    assert not list(root.iter(f"{SVG}a"))
    assert root.find("svg:style", NS) is None


def test_markers_inside_the_view_box() -> None:
    markers = [*demo_markers(), MapMarker(45.83, 3.20, "Loin, hors des quartiers")]
    root = parse(render_map(demo_quartiers(), markers))
    width, height = view_box(root)
    spots = root.findall(".//svg:circle[@class='spot']", NS)
    assert len(spots) == len({(m.latitude, m.longitude) for m in markers})
    for circle in spots:
        cx, cy, r = (float(circle.get(name)) for name in ("cx", "cy", "r"))
        assert r <= cx <= width - r and r <= cy <= height - r
    titles = {t.text for t in root.findall(".//svg:g[@class='markers']/svg:g/svg:title", NS)}
    assert "Loin, hors des quartiers" in titles


def test_projection_keeps_geography() -> None:
    """North is up, east is right, and one degree of longitude is cos(latitude) of one of latitude."""
    square = Quartier(
        id=1,
        code="C",
        nom="Carré",
        slug="carre",
        geometry={
            "type": "Polygon",
            "coordinates": [[[3.0, 45.7], [3.1, 45.7], [3.1, 45.8], [3.0, 45.8], [3.0, 45.7]]],
        },
        schematic=False,
    )
    root = parse(render_map([square], with_labels=False))
    (points,) = rings(root.find(".//svg:path", NS).get("d"))
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert ratio == pytest.approx(0.6985, abs=0.01)  # cos(45.75°)
    west_south = points[0]  # the first vertex, (3.0, 45.7): left and bottom
    assert west_south[0] == min(xs) and west_south[1] == max(ys)


def test_multipolygon_and_holes() -> None:
    outer = [[3.00, 45.70], [3.10, 45.70], [3.10, 45.80], [3.00, 45.80], [3.00, 45.70]]
    hole = [[3.02, 45.72], [3.08, 45.72], [3.08, 45.78], [3.02, 45.78], [3.02, 45.72]]
    island = [[3.12, 45.70], [3.14, 45.70], [3.14, 45.72], [3.12, 45.72], [3.12, 45.70]]
    quartier = Quartier(
        id=7,
        code="Q7",
        nom="Anneau",
        slug="anneau",
        geometry={"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]},
        schematic=False,
    )
    root = parse(render_map([quartier], counts={7: 5}))
    path = root.find(".//svg:path", NS)
    assert path.get("fill-rule") == "evenodd"
    ring_list = rings(path.get("d"))
    assert len(ring_list) == 3
    ring = Polygon(ring_list[0], [ring_list[1]])
    # The label is drawn on the ring itself, not in the hole nor on the island.
    label = next(t for t in root.iter(f"{SVG}text") if t.text == "Anneau")
    assert ring.contains(Point(float(label.get("x")), float(label.get("y"))))
    assert "Contours schématiques" not in str(render_map([quartier]))


def test_numbered_markers_for_the_print_edition() -> None:
    quartiers = demo_quartiers()
    place = demo_lieux()[0]
    markers = [
        MapMarker(place["latitude"], place["longitude"], f"Fiche {n}", number=n) for n in (1, 2, 3, 5)
    ] + [MapMarker(45.7640, 3.0985, "Fiche 4", number=4)]
    root = parse(render_map(quartiers, markers, numbered=True))
    marker_texts = [t.text for t in root.findall(".//svg:g[@class='markers']//svg:text", NS)]
    assert "1–3, 5" in marker_texts  # one spot for the four fiches at the same place
    assert "4" in marker_texts
    titles = [t.text for t in root.findall(".//svg:g[@class='markers']/svg:g/svg:title", NS)]
    assert "1. Fiche 1 ; 2. Fiche 2 ; 3. Fiche 3 ; 5. Fiche 5" in titles
    # Not numbered: dots only, the numbers stay in the titles.
    plain = parse(render_map(quartiers, markers))
    assert not plain.findall(".//svg:g[@class='markers']//svg:text", NS)


def test_schematic_note() -> None:
    assert "Contours schématiques" in str(render_map(demo_quartiers()))
    assert "Contours schématiques" not in str(render_map(demo_quartiers(schematic=False)))
    # A narrow map gets the short note.
    narrow = parse(render_map(demo_quartiers(), width=240))
    assert any(t.text == "Contours schématiques" for t in narrow.iter(f"{SVG}text"))


def test_deterministic() -> None:
    quartiers = demo_quartiers()
    counts = {q.id: q.id for q in quartiers}
    first = render_map(quartiers, demo_markers(numbered=True), counts=counts, numbered=True, link_for=link)
    shuffled = quartiers[:]
    random.Random(4).shuffle(shuffled)
    again = render_map(
        shuffled, demo_markers(numbered=True), counts=dict(counts), numbered=True, link_for=link
    )
    assert str(first) == str(again)
    # Two different maps on one page get different ids.
    other = render_map(quartiers, counts=counts, title="Autre carte")
    assert parse(first).get("id") != parse(other).get("id")


def test_text_is_escaped_and_highlight() -> None:
    quartier = demo_quartiers()[0]
    quartier.nom = "Quartier <\"&'>"
    root = parse(
        render_map([quartier], [MapMarker(45.76, 3.07, "<script>", url="/a?b=1&c=2")], highlight=quartier)
    )
    assert root.find(".//svg:path", NS).get("fill") == "#ffe08a"
    marker_link = next(a for a in root.iter(f"{SVG}a"))
    assert marker_link.get("href") == "/a?b=1&c=2"
    assert marker_link.find("svg:title", NS).text == "<script>"


def test_nothing_to_draw() -> None:
    assert str(render_map([])) == ""
    nameless = Quartier(id=1, code="X", nom="Sans contour", slug="x", geometry=None, schematic=False)
    assert str(render_map([nameless])) == ""


def test_locator() -> None:
    quartiers = demo_quartiers()
    by_code = {q.code: q for q in quartiers}
    lieu = Lieu(
        nom="Le 25 Gisèle Halimi",
        adresse="25 rue Lucie-et-Raymond-Aubrac",
        code_postal="63100",
        commune="Clermont-Ferrand",
        latitude=45.7812,
        longitude=3.1005,
    )
    lieu.quartier_id = by_code["QU-ESTAING"].id
    root = parse(render_locator([lieu, Lieu(nom="Sans coordonnées")], quartiers))
    assert root.find("svg:title", NS).text == "Situation du lieu"
    assert root.get("role") == "img"
    width, height = view_box(root)
    assert (width, height) == (320, 220)
    (spot,) = root.findall(".//svg:g[@class='markers']/svg:g", NS)
    assert spot.find("svg:title", NS).text.startswith("Le 25 Gisèle Halimi, 25 rue Lucie-et-Raymond-Aubrac")
    highlighted = [
        g
        for g in root.iter(f"{SVG}g")
        if g.find("svg:path", NS) is not None and g.find("svg:path", NS).get("fill") == "#ffe08a"
    ]
    assert [g.get("data-quartier") for g in highlighted] == ["QU-ESTAING"]
    # Every drawn polygon lies within the view (outlines around are clipped).
    for path in root.findall(".//svg:path", NS):
        for ring in rings(path.get("d")):
            for x, y in ring:
                assert -3 <= x <= width + 3 and -3 <= y <= height + 3
    assert str(render_locator([Lieu(nom="Sans coordonnées")], quartiers)) == ""
    two = [lieu, Lieu(nom="Mille formes", latitude=45.7752, longitude=3.0820)]
    assert [m.number for m in lieu_markers(two, numbered=True)] == [1, 2]
    assert parse(render_locator(two, quartiers)).find("svg:title", NS).text == "Situation des lieux"


@functools.cache
def printed_maps() -> dict[str, str]:
    """The text WeasyPrint draws of two maps, each on a page of ONE layout (white space normalised): the
    print map of the demo quartiers with numbered markers, and a map of official contours (IRIS)."""
    weasyprint = pytest.importorskip("weasyprint")
    quartiers = demo_quartiers()
    markers = [
        MapMarker(45.7625, 3.0705, "Une fiche", number=7),
        MapMarker(45.7948, 3.0990, "Autre", number=12),
    ]
    maps = {
        "print": render_map(quartiers, markers, counts={q.id: 2 for q in quartiers}, numbered=True),
        "iris": render_map(iris_quartiers()),
    }
    pages = "".join(f"<section>{svg}</section>" for svg in maps.values())
    html = f"<html><head><style>section {{ break-after: page }}</style></head><body>{pages}</body></html>"
    texts = page_texts(weasyprint.HTML(string=html).write_pdf())  # PDFium: pypdf's took as long as the layout
    assert len(texts) == len(maps)
    return {name: " ".join(text.split()) for name, text in zip(maps, texts, strict=True)}


def test_weasyprint_draws_the_print_map() -> None:
    """WeasyPrint draws the map without links (its SVG renderer treats <a> as text): every label and
    number must reach the PDF."""
    text = printed_maps()["print"]
    for expected in ("Champratel", "2 fiches", "Contours schématiques", "7", "12"):
        assert expected in text


# --- GeoJSON for Leaflet, Leaflet's files, the partial ----------------------------------------------------


def test_geojson_feature_collection() -> None:
    quartiers = demo_quartiers()
    quartiers.append(Quartier(id=99, code="X", nom="Sans contour", slug="x", geometry=None, schematic=False))
    data = geojson_feature_collection(
        quartiers, [MapMarker(45.7758123456, 3.0810987654, "Médiathèque", url="/f/1", number=3)], link, {1: 4}
    )
    json.dumps(data)  # serialisable as is
    assert data["type"] == "FeatureCollection"
    polygons = [f for f in data["features"] if f["properties"]["kind"] == "quartier"]
    assert len(polygons) == len(DEMO_QUARTIERS)
    fdb = next(f for f in polygons if f["properties"]["code"] == "QP-FONTAINE-DU-BAC")
    assert fdb["properties"] == {
        "kind": "quartier",
        "code": "QP-FONTAINE-DU-BAC",
        "nom": "La Fontaine-du-Bac",
        "url": "/quartiers/la-fontaine-du-bac",
        "schematic": True,
        "label": "La Fontaine-du-Bac — 4 fiches",
        "count": 4,
    }
    (point,) = [f for f in data["features"] if f["properties"]["kind"] == "marker"]
    assert point["geometry"] == {"type": "Point", "coordinates": [3.081099, 45.775812]}
    assert point["properties"] == {"kind": "marker", "label": "Médiathèque", "url": "/f/1", "number": 3}


@pytest.fixture
def map_app() -> webtest.TestApp:
    """A small app: Jinja2 on the templates folder, static views, guide.maps, a page with the partial."""
    config = Configurator(settings={"pyramid.reload_templates": "false"})
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    config.add_jinja2_search_path("templates:", name=".jinja2")
    config.add_static_view("static", "guide:static")
    config.include("guide.maps")
    quartiers = demo_quartiers()

    def page(request: Any) -> Any:
        html = render(
            "map_partial.jinja2",
            {
                "svg": render_map(quartiers, counts={1: 3}, link_for=link),
                "quartier_list": [(q.nom, link(q), 3 if q.id == 1 else 0) for q in quartiers],
                "geojson_url": request.route_path("carte_json"),
                "tile_url": "",
            },
            request=request,
        )
        request.response.text = f"<!doctype html><html><body>{html}</body></html>"
        return request.response

    config.add_route("carte", "/carte")
    config.add_route("carte_json", "/carte.geojson")
    config.add_view(page, route_name="carte")
    config.add_view(
        lambda request: geojson_feature_collection(quartiers, [], link),
        route_name="carte_json",
        renderer="json",
    )
    return webtest.TestApp(config.make_wsgi_app())


def test_leaflet_files_and_partial(map_app: webtest.TestApp) -> None:
    page = map_app.get("/carte")
    soup = page.html
    block = soup.select_one("section.quartier-map-block")
    assert block.select_one("figure.quartier-map-static svg[role=group]") is not None
    items = [li.get_text(" ", strip=True) for li in block.select("nav.quartier-map-list li")]
    assert items[0] == "La Fontaine-du-Bac (3 fiches)" and "Champratel (aucune fiche)" in items
    leaflet = block.select_one("div.leaflet-map")
    assert leaflet.has_attr("hidden") and leaflet["data-geojson-url"] == "/carte.geojson"
    assert leaflet["data-tiles"] == ""
    # Leaflet is not loaded with the page: map.js fetches these files when the map comes near the screen
    css, script = leaflet["data-leaflet-css"], leaflet["data-leaflet-js"]
    assert css == "/static-leaflet/leaflet.css" and script == "/static-leaflet/leaflet.js"
    assert block.select_one("link[rel=stylesheet]") is None
    scripts = [script["src"] for script in block.select("script")]
    assert scripts == ["/static/map.js"]
    assert "IntersectionObserver" in map_app.get("/static/map.js").text
    for url in (css, script, *scripts):
        assert map_app.get(url).status_int == 200
    assert "L.geoJSON" in map_app.get("/static/map.js").text
    assert map_app.get("/carte.geojson").json["type"] == "FeatureCollection"


# --- Labels that fit, sources of official contours ----------------------------------------------------

# Advance widths of DejaVu Sans and DejaVu Sans Bold (thousandths of an em), read from the fonts with
# fontTools: an oracle independent of the renderer's own estimate.
_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'.,()éèêàâçôûîïÉ–"
_REGULAR = (
    "613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 "
    "684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 695 635 611 732 684 989 685 611 685 "
    "636 636 636 636 636 636 636 636 636 636 318 361 275 318 318 390 390 615 615 615 613 613 550 612 634 278 "
    "278 632 500"
)
_BOLD = (
    "675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 "
    "582 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850 770 720 682 812 774 1103 771 "
    "724 725 696 696 696 696 696 696 696 696 696 696 348 415 306 380 380 457 457 678 678 678 675 675 593 "
    "687 712 343 343 683 500"
)
ADVANCE = {
    False: dict(zip(_CHARS, (int(v) / 1000 for v in _REGULAR.split()), strict=True)),
    True: dict(zip(_CHARS, (int(v) / 1000 for v in _BOLD.split()), strict=True)),
}


def drawn_labels(root: ET.Element) -> list[tuple[str, float, float, float, bool]]:
    """(text, x, baseline y, font size, bold) of every quartier label line."""
    group = root.find(".//svg:g[@class='labels']", NS)
    if group is None:
        return []
    size = float(group.get("font-size"))
    ink = group.findall("svg:g", NS)[1]
    return [
        (
            text.text,
            float(text.get("x")),
            float(text.get("y")),
            float(text.get("font-size", size)),
            text.get("font-weight") == "bold",
        )
        for text in ink.findall("svg:text", NS)
    ]


def quartier_polygons(root: ET.Element) -> dict[str, Polygon]:
    result = {}
    for group in root.findall(".//svg:g[@class='quartiers']/*", NS):
        (ring, *_) = sorted(rings(group.find("svg:path", NS).get("d")), key=lambda r: -Polygon(r).area)
        result[group.get("data-quartier")] = Polygon(ring)
    return result


@pytest.mark.parametrize(
    "svg",
    [
        pytest.param(lambda: render_map(iris_quartiers(), counts={1: 4, 2: 0, 3: 12, 4: 1}), id="small-iris"),
        pytest.param(
            lambda: render_map(demo_quartiers(), demo_markers(), counts={}, width=300, height=320),
            id="narrow",
        ),
        pytest.param(lambda: render_map(demo_quartiers(), width=200), id="tiny"),
        pytest.param(
            lambda: render_locator(
                [_lieu(p["nom"], p["latitude"], p["longitude"], None) for p in demo_lieux()[:3]],
                demo_quartiers(),
            ),
            id="locator",
        ),
    ],
)
def test_every_label_lies_within_its_quartier_bounding_box(svg: Any) -> None:
    root = parse(svg())
    polygons = quartier_polygons(root)
    labels = drawn_labels(root)
    assert labels
    for text, x, y, size, bold in labels:
        middle = Point(x, y - size * 0.35)
        (polygon,) = [p for p in polygons.values() if p.contains(middle)]
        minx, miny, maxx, maxy = polygon.bounds
        half = sum(ADVANCE[bold].get(char, 1.0) for char in text) * size / 2
        assert minx <= x - half and x + half <= maxx, text
        assert miny <= y - size * 0.8 and y + size * 0.25 <= maxy, text


def test_a_label_that_does_not_fit_is_shrunk_then_left_out() -> None:
    root = parse(render_map(iris_quartiers(), counts={1: 4, 2: 0, 3: 12, 4: 1}))
    by_text = {text: (size, bold) for text, _, _, size, bold in drawn_labels(root)}
    regular = by_text["Jaude - Gaillard - Lecoq"][0]
    # The narrow quartier keeps its name and count, in a smaller font.
    assert {"Jardin", "Lecoq -", "Bargoin", "12 fiches"} <= set(by_text)
    assert by_text["12 fiches"][0] < regular
    # The smallest keeps only its count; its name stays in its <title> (and in the list beside the map).
    assert "1 fiche" in by_text
    assert not any("Cité" in text for text in by_text)
    titles = [t.text for t in root.findall(".//svg:g[@class='quartiers']//svg:title", NS)]
    assert "Cité administrative du Puy-de-Dôme — 1 fiche" in titles
    # On a small map only the large quartiers keep a label; on a tiny one, none.
    small = [text for text, *_ in drawn_labels(parse(render_map(iris_quartiers(), counts={1: 4}, width=160)))]
    assert "Lecoq" in small and "Jardin" not in small and "1 fiche" not in small
    assert drawn_labels(parse(render_map(iris_quartiers(), width=100))) == []


def notes(root: ET.Element) -> list[str]:
    return [t.text for t in root.findall("svg:text", NS)]


def test_official_contours_carry_their_source() -> None:
    iris = parse(render_map(iris_quartiers()))
    assert notes(iris) == ["Source : IGN, contours IRIS"]
    assert iris.find("svg:desc", NS).text.endswith("Source : IGN, contours IRIS.")
    # Priority quartiers (QPV) come from the ANCT; both in one map name both.
    qpv = iris_quartiers()
    qpv[0].code, qpv[1].code = "QP063001", "QN06301M"
    assert notes(parse(render_map(qpv))) == ["Sources : IGN, contours IRIS ; ANCT, quartiers prioritaires"]
    assert notes(parse(render_map(qpv[:2]))) == ["Source : ANCT, quartiers prioritaires"]
    # Codes of no known source: the contours are still said to be official.
    assert notes(parse(render_map(demo_quartiers(schematic=False)))) == [
        "Source : contours officiels chargés dans le guide"
    ]
    # Schematic contours have their note and no source; a map of both has both lines.
    assert notes(parse(render_map(demo_quartiers()))) == [
        "Contours schématiques : les limites des quartiers sont approximatives."
    ]
    mixed = parse(render_map([*iris_quartiers(), *demo_quartiers()[:1]]))
    assert notes(mixed) == [
        "Contours schématiques : les limites des quartiers sont approximatives.",
        "Source : IGN, contours IRIS",
    ]
    # A narrow map gets the short form.
    assert notes(parse(render_map(iris_quartiers(), width=100))) == ["Source : IGN"]
    # The source is printed too: WeasyPrint draws it into the PDF.
    assert "Source : IGN, contours IRIS" in printed_maps()["iris"]


# --- Golden files: the exact SVG of a few maps -------------------------------------------------------
# Regenerate after a deliberate change with GUIDE_REGENERATE_MAPS=1, then look at the diff (and at the maps:
# ``rsvg-convert tests/data/mapsvg/NAME.svg -o NAME.png``).


def _lieu(nom: str, latitude: float, longitude: float, quartier_id: int | None) -> Lieu:
    lieu = Lieu(nom=nom, adresse="1 rue de l'Exemple", code_postal="63000", commune="Clermont-Ferrand")
    lieu.latitude, lieu.longitude, lieu.quartier_id = latitude, longitude, quartier_id
    return lieu


def _square(west: float, south: float, size_lon: float, size_lat: float) -> dict[str, Any]:
    east, north = west + size_lon, south + size_lat
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def iris_quartiers() -> list[Quartier]:
    """Official IRIS contours (9-digit codes): two large ones, a small one and a very small one."""
    items = [
        ("631130101", "Jaude - Gaillard - Lecoq", _square(3.070, 45.770, 0.020, 0.012)),
        ("631130102", "Saint-Pierre - Les Carmes", _square(3.090, 45.770, 0.020, 0.012)),
        ("631130103", "Jardin Lecoq - Bargoin", _square(3.080, 45.764, 0.004, 0.006)),
        ("631130104", "Cité administrative du Puy-de-Dôme", _square(3.084, 45.764, 0.003, 0.0025)),
    ]
    return [
        Quartier(id=rank, code=code, nom=nom, slug=slugify(nom), geometry=geometry, schematic=False)
        for rank, (code, nom, geometry) in enumerate(items, start=1)
    ]


def _golden_maps() -> dict[str, Callable[[], str]]:
    """Each golden map's name and how to draw it (drawn by its own test only: not all of them for each)."""
    counts = {q.id: (q.id * 7) % 12 for q in demo_quartiers()}

    def numbered() -> list[MapMarker]:
        return [
            MapMarker(item["latitude"], item["longitude"], item["nom"], number=rank)
            for rank, item in enumerate([*demo_lieux(), *demo_lieux()[:5]], start=1)
        ]

    return {
        "demo": lambda: render_map(demo_quartiers(), demo_markers(), counts=counts, link_for=link),
        "demo-print": lambda: render_map(
            demo_quartiers(), numbered(), counts=counts, numbered=True, width=480
        ),
        "demo-official-narrow": lambda: render_map(
            demo_quartiers(schematic=False), demo_markers(), counts=counts, width=300, height=320
        ),
        "demo-highlight-no-labels": lambda: render_map(
            demo_quartiers(),
            highlight=[2, 5],
            with_labels=False,
            title="Deux quartiers",
            id_prefix="carte-deux",
        ),
        "iris-small": lambda: render_map(iris_quartiers(), counts={1: 4, 2: 0, 3: 12, 4: 1}, link_for=link),
        "locator-one": lambda: render_locator(
            [_lieu("Le 25", 45.7812, 3.1005, 6)], demo_quartiers(), link_for=link
        ),
        "locator-three": lambda: render_locator(
            [_lieu(p["nom"], p["latitude"], p["longitude"], None) for p in demo_lieux()[:3]], demo_quartiers()
        ),
    }


@pytest.mark.parametrize("name", sorted(_golden_maps()))
def test_golden_maps(name: str) -> None:
    svg = str(_golden_maps()[name]())
    path = DATA / f"{name}.svg"
    if os.environ.get("GUIDE_REGENERATE_MAPS"):
        path.write_text(svg + "\n", encoding="utf-8")
    assert svg + "\n" == path.read_text(encoding="utf-8")
