"""Issue 7: stored XSS through the map. An editor renamed a shared lieu to an <img onerror> that promoted a
partner to admin when an admin hovered its marker. Replayed in Chromium with a payload in every lieu, quartier
and organisation name: every marker and polygon is hovered and clicked, and nothing may run."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guide.db import make_engine, make_session_factory
from guide.models import Lieu, Organisation, Quartier, User
from guide.services.demo import DEMO_PASSWORD, DEMO_QUARTIERS, demo_lieux
from tests.live import live_site, settle, track_requests

ADMIN = "admin@guide.localhost"
VICTIM = "partenaire@guide.localhost"  # the partner the attacker wants to make admin
TITLE = "XSS"


def attack(tag: str, user_id: int) -> str:
    """The payload of the incident: promote ``user_id`` with the admin's session and CSRF token (under
    the 200 characters a lieu or organisation name holds in PostgreSQL)."""
    return (
        f"<img src=/xss-{tag}.png onerror=\"__xss='{tag}';"
        f"fetch('/admin/comptes/{user_id}',{{method:'POST',body:new URLSearchParams({{role:'admin',"
        "csrf_token:document.querySelector('[name=csrf_token]').value})})\">"
    )


def marker(tag: str) -> str:
    """A short payload (quartier names are limited to 120 characters)."""
    return f"<img src=/xss-{tag}.png onerror=\"__xss='{tag}';document.title='{TITLE}'\">"


def poison(db: Session) -> None:
    victim = db.scalar(select(User).where(User.email == VICTIM))
    assert victim is not None and victim.role != "admin"
    for i, lieu in enumerate(db.scalars(select(Lieu).order_by(Lieu.id))):
        lieu.nom = attack(f"l{i}", victim.id)
    for i, quartier in enumerate(db.scalars(select(Quartier).order_by(Quartier.id))):
        quartier.nom = marker(f"q{i}")
    for i, organisation in enumerate(db.scalars(select(Organisation).order_by(Organisation.id))):
        organisation.nom = attack(f"o{i}", victim.id)
    assert max(len(attack(f"o{i}", victim.id)) for i in range(100)) <= 200


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[tuple[str, str]]:
    with live_site(tmp_path_factory.mktemp("xss"), f"guide_xss_{worker_id}", poison) as site:
        yield site


def roles(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return {u.email: str(u.role) for u in db.scalars(select(User))}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def admin_page(browser: Any, poisoned_site: tuple[str, str]) -> Iterator[Any]:
    """One admin's page for the module's tests (logged in once): what any payload did stays on it."""
    base, _ = poisoned_site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = track_requests(context.new_page())
    page.xss_requests = []  # images the payloads would have created
    page.on("request", lambda r: "/xss-" in r.url and page.xss_requests.append(r.url))
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse électronique").fill(ADMIN)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/(espace|coordination)$"))  # a coordinator lands on the queue
    yield page
    context.close()


def assert_nothing_ran(page: Any) -> None:
    settle(page)  # frames drawn and requests answered since the last event: an image a payload made is seen
    assert page.evaluate("typeof window.__xss") == "undefined", page.evaluate("window.__xss")
    assert page.title() != TITLE
    assert page.locator("img[src^='/xss-']").count() == 0
    assert page.xss_requests == []


# Each feature's events, as Playwright's ``dispatch_event`` sends them (a MouseEvent that bubbles), dispatched
# in the page in one call: the same events in the same order as one Playwright round trip per event, and what
# each tooltip and popup then says, read as text. (One call per event was ~8 round trips per feature, ~10 s
# for the home page and three quartier pages.)
HOVER_AND_CLICK = """() => {
  const send = (element, type) => element.dispatchEvent(
    new MouseEvent(type, {bubbles: true, cancelable: true, composed: true, view: window}));
  const last = (selector) => {
    const all = document.querySelectorAll(selector);
    return all.length ? all[all.length - 1].innerText : null;
  };
  const seen = [];
  for (const feature of document.querySelectorAll('.leaflet-map-ready path.leaflet-interactive')) {
    send(feature, 'mouseover');
    send(feature, 'mousemove');
    const tooltip = last('.leaflet-tooltip');
    send(feature, 'click');
    seen.push({tooltip, popup: last('.leaflet-popup-content')});
    send(feature, 'mouseout');
  }
  return seen;
}"""


def hover_and_click_every_feature(page: Any) -> int:
    """Hover then click every Leaflet polygon and marker; returns how many tooltips showed a payload."""
    # map.js fetches Leaflet when the map comes near the screen
    page.locator(".quartier-map-block").first.scroll_into_view_if_needed()
    page.wait_for_selector(".leaflet-map-ready path.leaflet-interactive")
    seen = page.evaluate(HOVER_AND_CLICK)
    assert seen and all(feature["popup"] for feature in seen), seen  # every click opened its popup
    shown = sum(1 for feature in seen if "<img src=/xss-" in (feature["tooltip"] or ""))
    # and a real pointer on every feature in turn (the centre of its box; a marker drawn over a polygon's
    # centre gets it): the pointer events Chromium makes itself. Was a 9 x 9 grid over the map, 81 moves of
    # a frame each, that could pass between the 7 px markers.
    centres = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-map-ready path.leaflet-interactive')].map(f => {
          const r = f.getBoundingClientRect();
          return [r.x + r.width / 2, r.y + r.height / 2];
        })"""
    )
    assert len(centres) == len(seen)
    for x, y in centres:
        page.mouse.move(x, y)
    return shown


@pytest.mark.browser
def test_names_on_the_map_are_text_for_an_admin_hovering_every_feature(admin_page, poisoned_site):
    base, database_url = poisoned_site
    before = roles(database_url)
    page = admin_page
    page.goto(f"{base}/")
    shown = hover_and_click_every_feature(page)
    assert_nothing_ran(page)
    assert roles(database_url) == before
    # the tooltips did show the names, as text: the test did reach the payloads
    assert shown >= page.locator(".leaflet-map-ready path.leaflet-interactive").count() // 2
    assert "<img src=/xss-" in page.locator(".leaflet-popup-content").last.inner_text()

    slugs = page.locator(".quartier-map-list a").evaluate_all("links => links.map(a => a.href)")
    for url in slugs[:3]:  # quartier pages: their map highlights the quartier
        page.goto(url)
        hover_and_click_every_feature(page)
        assert_nothing_ran(page)
    assert roles(database_url) == before


@pytest.mark.browser
def test_names_elsewhere_are_text(admin_page, poisoned_site):
    """The server-drawn SVG maps, results, fiche and organisation pages carry the same names."""
    base, database_url = poisoned_site
    before = roles(database_url)
    page = admin_page
    page.goto(f"{base}/recherche?q=")
    assert_nothing_ran(page)
    fiche = page.locator("a[href*='/fiche/']").first.get_attribute("href")
    page.goto(f"{base}{fiche}")
    assert page.locator("svg.quartier-map").count() >= 1  # the locator map, with the lieu's name
    page.locator("svg.quartier-map a, svg.quartier-map g[data-quartier]").first.hover()
    assert_nothing_ran(page)
    organisation = page.locator("a[href*='/structure/']").first.get_attribute("href")
    page.goto(f"{base}{organisation}")
    assert_nothing_ran(page)
    assert roles(database_url) == before


def test_svg_maps_draw_names_as_text_without_style():
    """The server-drawn maps (home, quartier and fiche pages, print edition) with the payloads as names: the
    names are text of <title>/<text>, nothing else; no style attribute or element (the CSP refuses them)."""
    from guide.services.mapsvg import MapMarker, render_locator, render_map

    quartiers = [
        Quartier(id=rank, code=f"Q{rank}", nom=marker(f"q{rank}"), slug=f"q{rank}", geometry=item["geometry"])
        for rank, item in enumerate(DEMO_QUARTIERS, start=1)
    ]
    markers = [
        MapMarker(item["latitude"], item["longitude"], attack(f"l{rank}", 4), url=f"/fiche/{rank}")
        for rank, item in enumerate(demo_lieux(), start=1)
    ]
    lieu = Lieu(nom=attack("l0", 4), latitude=markers[0].latitude, longitude=markers[0].longitude)
    lieu.quartier_id = 1
    maps = [
        render_map(quartiers, markers, counts={}, link_for=lambda q: f"/quartier/{q.slug}"),
        render_map(quartiers, markers, numbered=True, title=marker("t")),
        render_locator([lieu], quartiers, title=marker("t2")),
    ]
    for svg in maps:
        root = ET.fromstring(str(svg))  # noqa: S314 - our own output
        names = {element.tag.split("}")[1] for element in root.iter()}
        assert names <= {"svg", "title", "desc", "g", "a", "path", "text", "circle", "rect", "line"}, names
        assert all("style" not in element.attrib for element in root.iter())
        assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
        texts = " ".join(element.text or "" for element in root.iter())
        assert "<img src=/xss-" in texts  # the payloads are there, as text
