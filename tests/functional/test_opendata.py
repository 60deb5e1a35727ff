"""/opendata (files built once per public change and per day), sitemap.xml, robots.txt, the fiche's JSON-LD,
and the widget page: what re-users, search engines and partners' sites get."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from data_inclusion.schema.v1 import Service, Structure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide.headers import frame_ancestors
from guide.models import Fiche, Quartier
from guide.services import fiches


def test_opendata_page_links_every_file_with_its_licence(testapp, demo_guide):
    page = testapp.get("/opendata")
    assert "Licence Ouverte / Open Licence version 2.0" in page.text
    for path in (
        "/opendata/data-inclusion/services.json",
        "/opendata/hsds/datapackage.json",
        "/opendata/csv/fiches.csv",
    ):
        assert f"http://localhost{path}" in page.text
    assert "http://localhost/widget.js" in page.text
    assert "http://localhost/api/v1/" in page.text


def test_opendata_files_are_valid_and_built_once(testapp, demo_guide, app):
    cache_before = app.registry.get("opendata_cache")
    builds = cache_before.builds if cache_before else 0
    services = testapp.get("/opendata/data-inclusion/services.json")
    assert services.content_type == "application/json"
    assert services.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=600" in services.headers["Cache-Control"]
    for row in services.json:
        Service.model_validate(row)
    for row in testapp.get("/opendata/data-inclusion/structures.json").json:
        Structure.model_validate(row)
    assert testapp.get("/opendata/csv/fiches.csv").content_type == "text/csv"
    assert testapp.get("/opendata/hsds/schedule.csv").body.startswith(b"id,service_id")
    for _ in range(5):
        testapp.get("/opendata/csv/fiches.csv")
    assert app.registry["opendata_cache"].builds == builds + 1


def test_a_publication_makes_a_new_generation_at_most_every_15_minutes(testapp, world, db, app):
    before = testapp.get("/opendata/csv/fiches.csv").text
    assert "Fiche pending a" not in before
    fiches.transition(db, world.fiches["pending_a"], "publish", world.users["coord"])
    db.flush()
    cache = app.registry["opendata_cache"]
    assert cache.min_interval == 15 * 60
    assert testapp.get("/opendata/csv/fiches.csv").text == before  # built a moment ago: served again
    cache.min_interval = 0
    try:
        after = testapp.get("/opendata/csv/fiches.csv").text
    finally:
        cache.min_interval = 15 * 60
    assert "Fiche pending a" in after


@pytest.mark.parametrize(
    "path",
    [
        "/opendata/xml/fiches.csv",
        "/opendata/csv/../../secret.key",
        "/opendata/csv/.partial",
        "/opendata/hsds/x.csv",
    ],
)
def test_unknown_files_are_404(testapp, path):
    testapp.get(path, status=404)


def test_sitemap_lists_public_pages_with_absolute_urls(testapp, world, db):
    body = testapp.get("/sitemap.xml").body
    root = ET.fromstring(body)  # noqa: S314 - the site's own sitemap
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    assert all(loc.startswith("http://localhost/") for loc in locs)
    published = world.fiches["published_a"]
    assert any(loc.startswith(f"http://localhost/fiche/{published.id}-") for loc in locs)
    for key in ("draft_a", "pending_a", "archived_a"):
        assert not any(loc.startswith(f"http://localhost/fiche/{world.fiches[key].id}-") for loc in locs)
    assert "http://localhost/structure/alpha" in locs or any("/structure/" in loc for loc in locs)
    quartier = db.query(Quartier).first()
    assert f"http://localhost/quartier/{quartier.slug}" in locs


def test_robots_txt_points_to_the_sitemap(testapp):
    text = testapp.get("/robots.txt").text
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /espace" in text and "Disallow: /coordination" in text


def _jsonld(page) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def test_fiche_page_carries_schema_org_jsonld(testapp, demo_guide, db):
    fiche = db.query(Fiche).filter(Fiche.uid == "demo--25gh-accueil").one()
    page = testapp.get(f"/fiche/{fiche.id}").follow()
    data = _jsonld(page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"  # the Ville's SIRET starts with 2
    assert data["provider"]["@type"] == "GovernmentOrganization"
    place = data["availableChannel"][0]["serviceLocation"]
    assert place["address"]["postalCode"] == "63100" and place["geo"]["latitude"] == pytest.approx(45.7812)
    monday = [
        s for s in place["openingHoursSpecification"] if "https://schema.org/Monday" in s.get("dayOfWeek", [])
    ]
    assert [(s["opens"], s["closes"]) for s in monday] == [("09:00", "12:30"), ("13:30", "17:00")]
    assert data["url"] == page.request.url


def test_a_name_cannot_close_the_jsonld_script(testapp, world, db):
    fiche = world.fiches["published_a"]
    data = fiches.content_of(fiche.current_version)
    data["nom"] = "</script><script>alert(1)</script> & ' \u2028"
    fiches.save(
        db, fiche, data, world.users["coord"], base_number=fiche.current_version.number, can_publish=True
    )
    db.flush()
    page = testapp.get(f"/fiche/{fiche.id}").maybe_follow()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    assert "\\u003c/script\\u003e" in block
    assert _jsonld(page)["name"] == data["nom"]
    assert page.text.count("<script>alert(1)") == 0


# --- the widget page ---------------------------------------------------------------------------


def test_widget_lists_an_organisations_fiches_without_cookie(testapp, world):
    page = testapp.get("/widget?organisation=alpha")
    assert "Fiche published a" in page.text and "Fiche draft a" not in page.text
    assert "Set-Cookie" not in page.headers
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert 'style="' not in page.text
    assert page.headers["Cache-Control"] == "public, max-age=60"


def test_widget_limit_keeps_the_first_fiches_by_name(testapp, world):
    names = testapp.get("/widget?thematique=acces-aux-droits").html.select(".widget-name")
    first = testapp.get("/widget?thematique=acces-aux-droits&limite=1").html.select(".widget-name")
    assert len(names) >= 2 and [a.get_text() for a in first] == [names[0].get_text()]
    assert [a.get_text() for a in names] == sorted((a.get_text() for a in names), key=str.lower)


def test_other_pages_still_refuse_framing(testapp, world):
    for path in ("/", "/widget.js", "/opendata", "/api/v1/"):
        response = testapp.get(path)
        assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'"), path
        assert response.headers["X-Frame-Options"] == "DENY"


def test_widget_by_thematique_and_quartier(testapp, world, db):
    quartier = db.query(Quartier).first()
    assert "Fiche published a" in testapp.get(f"/widget?quartier={quartier.slug}").text
    assert "Fiche published" in testapp.get("/widget?thematique=acces-aux-droits").text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "Indiquez une structure"),
        ("organisation=inconnue", 404, "pas dans le guide"),
        ("organisation=alpha&couleur=red", 400, "couleur invalide"),
        ("organisation=alpha&fond=%23ff00ff%3B%7Dbody%7Bx", 400, "couleur invalide"),
        ("organisation=alpha&limite=500", 400, "limite"),
        ("organisation=<b>", 400, "code invalide"),
        ("organisation=alpha&autre=1", 400, "Paramètre inconnu"),
    ],
)
def test_widget_refuses_bad_parameters_in_french(testapp, world, query, status, message):
    page = testapp.get(f"/widget?{query}", status=status)
    assert message in page.text
    assert "<b>" not in page.text


def test_widget_colours_come_from_a_validated_stylesheet(testapp, world):
    page = testapp.get("/widget?organisation=alpha&couleur=%23AA0000&fond=%23fff")
    assert "http://localhost/widget.css?couleur=%23aa0000&amp;fond=%23fff" in page.text
    css = testapp.get("/widget.css?couleur=%23aa0000&fond=%23fff")
    assert css.content_type == "text/css"
    assert "--widget-accent: #aa0000;" in css.text and "--widget-background: #fff;" in css.text
    assert testapp.get("/widget.css?couleur=expression(1)", status=400).text.startswith("/*")


def test_widget_script_is_served(testapp):
    script = testapp.get("/widget.js")
    assert script.content_type == "text/javascript"
    assert "innerHTML" not in script.text and "data-guide-widget" in script.text


def test_frame_ancestors_setting_is_checked():
    assert frame_ancestors("*") == ["*"]
    assert frame_ancestors("https://www.asso.fr https://mairie.example:8443/") == [
        "https://www.asso.fr",
        "https://mairie.example:8443",
    ]
    from pyramid.exceptions import ConfigurationError

    for bad in ("javascript:alert(1)", "https://a.fr; script-src *", "https://a.fr/page"):
        with pytest.raises(ConfigurationError):
            frame_ancestors(bad)


@given(
    params=st.dictionaries(
        st.sampled_from(["organisation", "thematique", "quartier", "couleur", "fond", "limite", "x"]),
        st.text(max_size=40) | st.sampled_from(["alpha", "#fff", "#12345g", "0", "51", "-1", "\x00"]),
        max_size=4,
    )
)
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_widget_or_opendata_input_gives_a_500(testapp, world, params):
    for path in ("/widget", "/widget.css"):
        response = testapp.get(path, params=params, expect_errors=True)
        assert response.status_int in (200, 400, 404), (path, params)
        assert "Set-Cookie" not in response.headers


def test_the_worker_task_builds_the_current_generation(app, world, db, tmp_path):
    from guide import tasks
    from guide.services.export.cache import build_opendata

    tasks.use_registry(app.registry)
    folder = build_opendata.call_local(str(tmp_path), "Guide", "https://guide.example.fr", "", "2026-11-30")
    written = (tmp_path / folder.rsplit("/", 1)[-1] / "csv" / "fiches.csv").read_text(encoding="utf-8")
    assert "Fiche published a" in written and "Fiche draft a" not in written
