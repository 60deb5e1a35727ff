"""The fiche on a phone: phone, address and today's hours at the top; Appeler, Itinéraire and Partager as
plain links (with stable data-action names); the map shows the lieu."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import select

from guide.models import Fiche, FicheVersion

from .helpers import visible


def _fiche(db, name):
    return db.scalar(select(Fiche).join(Fiche.published_version).where(FicheVersion.nom == name))


def _page(testapp, fiche):
    return testapp.get(f"/fiche/{fiche.id}").maybe_follow()


ACCUEIL = "Accueil de jour pour les femmes victimes de violences conjugales"


def test_the_first_screen_holds_phone_address_and_todays_hours(testapp, demo_guide, db):
    fiche = _fiche(db, ACCUEIL)
    page = _page(testapp, fiche)
    header = page.html.select_one("article.fiche-page > header")
    text = " ".join(header.get_text(" ").split())
    assert "04 65 71 10 63" in text
    assert "25 rue Lucie-et-Raymond-Aubrac" in text
    assert "Aujourd'hui" in text  # today's hours, whatever the day
    assert header.select_one(".key-phone a")["href"] == "tel:+33465711063"
    assert header.select_one(".key-phone a")["data-action"] == "appeler"


def test_actions_call_directions_share_are_plain_links(testapp, demo_guide, db):
    fiche = _fiche(db, ACCUEIL)
    page = _page(testapp, fiche)
    bar = page.html.select_one("nav.actionbar")
    actions = {a["data-action"]: a.get("href") for a in bar.select("[data-action]")}
    assert actions["appeler"] == "tel:+33465711063"
    lieu = fiche.published_version.lieux[0]
    geo = actions["itineraire-geo"]
    assert geo.startswith(f"geo:{lieu.latitude:.6f}".rstrip("0")[:10])
    assert "(Le 25 Gisèle Halimi)" in unquote(geo)
    osm = urlsplit(actions["itineraire-osm"])
    assert osm.netloc == "www.openstreetmap.org" and osm.path == "/directions"
    assert parse_qs(osm.query)["route"][0].startswith(";45.")
    canonical = f"http://localhost/fiche/{fiche.id}-"
    sms = actions["partager-sms"]
    assert sms.startswith("sms:?&body=") and canonical in unquote(sms)
    mail = urlsplit(actions["partager-courriel"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query)["subject"] == [ACCUEIL]
    assert bar.select_one("input#lien-fiche")["value"].startswith(canonical)
    # the enhancement comes from a file of the site (no inline or external script; JSON-LD is data)
    scripts = [s.get("src") for s in page.html.select("script") if s.get("type") != "application/ld+json"]
    assert all(src and src.startswith(("/static/", "/leaflet")) for src in scripts), scripts
    assert any(src.split("?")[0].endswith("/fiche.js") for src in scripts)  # ?v=: the static version


def test_the_map_centres_on_the_lieu_with_its_marker(testapp, demo_guide, db):
    fiche = _fiche(db, ACCUEIL)
    figure = _page(testapp, fiche).html.select_one("figure.locator")
    assert figure.select_one("svg") is not None
    assert "Le 25 Gisèle Halimi" in figure.get_text(" ")  # the marker's label
    link = figure.select_one("a[data-action=carte-osm]")["href"]
    assert "mlat=45." in link and "#map=18/" in link


def test_a_fiche_without_phone_or_lieu_still_shares(testapp, world):
    page = testapp.get(f"/fiche/{world.fiches['published_a'].id}").maybe_follow()
    bar = page.html.select_one("nav.actionbar")
    names = [a["data-action"] for a in bar.select("[data-action]")]
    assert "partager" in names and "partager-sms" in names
    assert "Partager" in visible(page)


def test_home_offers_autour_de_moi_from_a_script_file(testapp, demo_guide):
    page = testapp.get("/")
    button = page.html.select_one("button[data-nearby]")
    assert button.get_text(strip=True) == "Autour de moi"
    assert button.has_attr("hidden")  # shown by nearby.js only where the browser can run it
    assert button["data-search-url"] == "/recherche"
    assert page.html.select_one("[data-nearby-message][role=status]") is not None
    assert any(
        s.get("src", "").split("?")[0].endswith("/static/nearby.js") for s in page.html.select("script")
    )
    # what the script leads to: results sorted by distance from the position
    results = testapp.get("/recherche", {"lat": "45.7772", "lon": "3.0870", "tri": "distance"})
    assert results.status_int == 200 and "km" in visible(results)


class TestWithMapTiles:
    @pytest.fixture
    def app_settings(self, app_settings):
        return {**app_settings, "map.tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}

    def test_the_lieu_gets_a_leaflet_map_from_the_sites_own_files(self, testapp, demo_guide, db):
        fiche = _fiche(db, ACCUEIL)
        page = _page(testapp, fiche)
        lieu = fiche.published_version.lieux[0]
        box = page.html.select_one("figure.locator .lieu-map")
        assert box.has_attr("hidden")  # fiche.js shows it where Leaflet runs; the SVG plan stays otherwise
        assert float(box["data-lat"]) == pytest.approx(lieu.latitude)
        assert box["data-tiles"].startswith("https://tile.openstreetmap.org/")
        assert box["data-label"] == "Le 25 Gisèle Halimi"
        scripts = [s.get("src", "") for s in page.html.select("script[src]")]
        assert scripts.index(next(s for s in scripts if "leaflet" in s)) < scripts.index(
            next(s for s in scripts if s.split("?")[0].endswith("/fiche.js"))
        )
