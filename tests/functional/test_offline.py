"""Offline, light and accessible (issue 12): compressed responses, versioned static files, the service
worker's script and what it may keep, the offline page, the accessibility statement."""

from __future__ import annotations

import gzip
import re

import pytest
from webob import Request

from guide.offline import IMMUTABLE, OFFLINE_HEADER

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def raw(app, path, **headers):
    """The response as a browser receives it (WebTest would decode the gzip body)."""
    request = Request.blank(path, headers={"Host": "localhost", **headers})
    request.remote_addr = "127.0.0.1"
    return request.get_response(app)


def fiche_path(world):
    fiche = world.fiches["published_a"]
    return f"/fiche/{fiche.id}-fiche-published-a"


def test_pages_are_compressed_for_a_browser_that_accepts_gzip(app, world):
    plain = raw(app, "/")
    assert "Content-Encoding" not in plain.headers  # a client that did not ask gets the identity bytes
    assert "Accept-Encoding" in plain.headers["Vary"]
    packed = raw(app, "/", **GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Cookie" in packed.headers["Vary"]
    html = gzip.decompress(packed.body).decode()
    assert "Trouver un service" in html
    assert len(packed.body) < len(plain.body) / 2
    assert packed.headers["ETag"] != plain.headers["ETag"]  # two variants, two validators
    # the compressed variant revalidates too
    again = raw(app, "/", **GZIP, **{"If-None-Match": packed.headers["ETag"]})
    assert again.status_int == 304 and again.body == b""
    refused = raw(app, "/", **{"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_static_files_are_versioned_immutable_and_compressed(app, testapp, world):
    home = testapp.get("/")
    css = home.html.select_one('link[rel="stylesheet"]')["href"]
    assert re.search(r"/static/guide\.css\?v=[0-9a-f]{12}$", css)
    response = raw(app, css, **GZIP)
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Encoding"] == "gzip"
    assert b".skip-link" in gzip.decompress(response.body)
    # an old or missing version is not promised forever
    unversioned = testapp.get(css.split("?")[0])
    assert "immutable" not in unversioned.headers["Cache-Control"]
    stale = testapp.get(css.split("?")[0] + "?v=000000000000")
    assert "immutable" not in stale.headers["Cache-Control"]


def test_small_and_binary_responses_are_left_alone(app, testapp, world):
    icon = testapp.get("/manifest.webmanifest").json["icons"][0]["src"]
    png = raw(app, icon, **GZIP)
    assert png.status_int == 200 and "Content-Encoding" not in png.headers  # a PNG is compressed already
    robots = raw(app, "/robots.txt", **GZIP)
    assert len(robots.body) < 1024 and "Content-Encoding" not in robots.headers
    # a malformed Accept-Encoding is not an error: the identity bytes
    odd = raw(app, "/", **{"Accept-Encoding": ";;q=é,,"})
    assert odd.status_int == 200 and "Content-Encoding" not in odd.headers


def test_service_worker_is_served_at_the_root_with_its_scope(testapp, world):
    home = testapp.get("/")
    script = home.html.select_one("script[data-sw]")
    assert script["data-scope"] == "http://localhost/"
    sw_url = script["data-sw"]
    assert sw_url.startswith("http://localhost/sw.js?v=")
    assert "offline=http%3A%2F%2Flocalhost%2Fhors-connexion" in sw_url
    assert script["data-offline-url"] == "/hors-connexion"
    assert re.fullmatch(r"Hors connexion — informations du \d{1,2} \w+", script["data-banner"])
    worker = testapp.get(sw_url.replace("http://localhost", ""))
    assert worker.content_type == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "self.addEventListener('fetch'" in worker.text
    policy = worker.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


@pytest.mark.parametrize("route", ["home", "fiche", "search", "organisation", "quartier", "statement"])
def test_public_pages_may_be_kept_offline(testapp, world, route):
    path = {
        "home": "/",
        "fiche": fiche_path(world),
        "search": "/recherche?q=fiche",
        "organisation": "/structure/alpha",
        "quartier": "/quartier/quartier-test",
        "statement": "/accessibilite",
    }[route]
    response = testapp.get(path)
    assert response.headers[OFFLINE_HEADER] == "page"
    assert response.headers["Cache-Control"].startswith("public")


def test_nothing_personal_is_marked_for_offline(testapp, world, login):
    assert OFFLINE_HEADER not in testapp.get("/connexion").headers
    assert OFFLINE_HEADER not in testapp.get("/api/v1/search?q=fiche").headers
    assert OFFLINE_HEADER not in testapp.get("/hors-connexion").headers  # kept apart, never listed
    testapp.get("/espace", status=303)
    login("owner.a@test.fr")
    for path in ("/espace", "/coordination", "/selection"):
        response = testapp.get(path, expect_errors=True)
        assert OFFLINE_HEADER not in response.headers, path
    # a logged-in partner's public page is theirs (private, no-store): the worker refuses it
    home = testapp.get("/")
    assert "no-store" in home.headers["Cache-Control"]


def test_offline_page_lists_kept_pages_from_its_script(testapp, world):
    page = testapp.get("/hors-connexion")
    assert page.html.select_one("h1").get_text() == "Vous êtes hors connexion"
    assert page.html.select_one("#offline-pages") is not None
    assert "Aucune page n'est encore gardée" in page.html.select_one("#offline-empty").get_text()


def test_accessibility_statement_is_linked_from_every_public_page(testapp, world):
    for path in ("/", fiche_path(world), "/recherche?q=fiche", "/hors-connexion"):
        footer = testapp.get(path).html.select_one("footer")
        assert footer.select_one('a[href="/accessibilite"]') is not None, path


@pytest.fixture
def app_settings(app_settings):
    return {
        **app_settings,
        "coordination.email": "guide@example.org",
        "coordination.address": "Hôtel de ville, 10 rue Philippe-Marcombes, 63000 Clermont-Ferrand",
    }


def test_accessibility_statement_has_what_the_law_asks(testapp, world):
    page = testapp.get("/accessibilite")
    text = " ".join(page.html.select_one("main").get_text().split())
    assert "partiellement conforme" in text
    assert re.search(r"\d+ % des critères vérifiés sont respectés \(\d+ sur \d+ critères applicables\)", text)
    for heading in (
        "État de conformité",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Environnement de test",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert heading in text, heading
    assert "Défenseur des droits" in text
    assert "30 novembre 2026" in text
    assert "NVDA" in text and "axe-core" in text and "Chromium" in text
    assert page.html.select_one('a[href="mailto:guide@example.org"]') is not None
    assert "Hôtel de ville, 10 rue Philippe-Marcombes" in text
    rows = page.html.select("table tbody tr")
    numbers = [row.select_one("th").get_text() for row in rows]
    assert {"10.4", "10.7", "10.11", "12.7"} <= set(numbers)


@pytest.mark.parametrize("path", ["/", "/quartier/quartier-test"])
def test_the_maps_content_is_also_a_list_reachable_before_the_map(testapp, world, path):
    page = testapp.get(path).html
    block = page.select_one(".quartier-map-block")
    skip = block.select_one(".map-alt a")  # before the map: a keyboard user skips it
    assert "liste des" in skip.get_text()
    heading = page.find(id=skip["href"].removeprefix("#"))
    assert heading is not None and heading.get("tabindex") == "-1"  # the link moves the focus there
    assert heading.find_next(["ul", "ol"]).select("li")  # the quartiers, or the quartier's lieux
    assert block.select_one(".map-alt").find_next(class_="quartier-map-visual") is not None
    region = block.select_one(".leaflet-map")
    if region is not None:
        assert region["aria-describedby"] == skip.parent["id"]


def test_a_shared_selection_may_be_kept_offline(testapp, world, db):
    from guide.services import selection

    token = selection.share(db, [world.fiches["published_a"].id], {})
    db.flush()
    page = testapp.get(f"/s/{token}")
    assert page.headers[OFFLINE_HEADER] == "page"  # a read-only copy anyone with the link sees
    assert "no-store" not in page.headers["Cache-Control"] and "Set-Cookie" not in page.headers
