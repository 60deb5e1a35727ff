"""Issue 7: a Content-Security-Policy that would have stopped the map XSS, and the other security headers, on
every response — every route of the app (taken from its route registry) as an anonymous visitor, and as an
admin wherever logging in changes the answer; static files, PDFs, the API, errors and redirects. Then, in
Chromium, the pages run with no CSP violation (the policy breaks nothing) and an injected inline script is
refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import IRoutesMapper

from guide.headers import content_security_policy, tile_source
from guide.models import Edition, Helpline, Quartier, Synonym, Thematique
from guide.services.demo import DEMO_PASSWORD
from tests.live import live_site, settle, track_requests

from ..factories import PASSWORD
from ..functional.helpers import post

DISABLED = ("camera", "microphone", "payment", "usb", "fullscreen", "autoplay")


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"{name} twice in {policy}"
        parsed[name] = values
    return parsed


def check_headers(response: Any, where: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy")
    assert policy, f"{where}: no Content-Security-Policy ({response.status})"
    csp = directives(policy)
    pdf = response.content_type == "application/pdf"
    assert csp["script-src"] == ["'self'"], where  # no inline script, no eval, no other origin
    assert csp["default-src"] == ["'self'"], where
    assert csp["style-src"] == (["'self'", "'unsafe-inline'"] if pdf else ["'self'"]), where
    assert csp["object-src"] == (["'self'"] if pdf else ["'none'"]), where
    # the partners' widget is the one page other sites may frame (widget.frame_ancestors, "*" by default)
    widget = response.request.path == "/widget" and response.content_type == "text/html"
    assert csp["frame-ancestors"] == (["*"] if widget else ["'none'"]), where
    assert csp["base-uri"] == ["'self'"], where
    assert csp["form-action"] == ["'self'"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "same-origin", "no-referrer")
    permissions = {p.strip() for p in headers.get("Permissions-Policy", "").split(",")}
    assert "geolocation=(self)" in permissions, where
    assert all(f"{name}=()" in permissions for name in DISABLED), where


def fill(route: Any, world: Any, extra: dict[str, Any]) -> str:
    """A path for ``route`` with real ids from the world (unknown placeholders: 1)."""
    fiche = world.fiches["published_a"]
    values = {
        "ref": f"{fiche.id}-fiche",
        "id": fiche.id,
        "fiche_id": fiche.id,
        "org_id": world.orgs["a"].id,
        "lieu_id": world.lieux["a"].id,
        "user_id": world.users["editor_a"].id,
        "membership_id": world.users["editor_a"].memberships[0].id,
        "name": "archive",
        "number": 1,
        "token": "jeton-inconnu",
        **extra,
    }
    if route.name == "organisation":
        values["slug"] = world.orgs["a"].slug
    elif route.name == "quartier":
        values["slug"] = extra["quartier_slug"]

    def value(match: re.Match[str]) -> str:
        return str(values.get(match.group(1), 1))

    return re.sub(
        r"\{(\w+)(?::[^}]*)?\}",
        value,
        route.pattern if route.pattern.startswith("/") else "/" + route.pattern,
    )


@pytest.fixture
def extra(db: Any, world: Any) -> dict[str, Any]:
    quartier = db.query(Quartier).first()
    thematique = db.query(Thematique).first()
    edition = Edition(title="Guide 2026", year=2026)
    helpline = Helpline(label="Samu social", number="115")
    synonym = Synonym(terms="ivg, interruption volontaire de grossesse")
    db.add_all([edition, helpline, synonym])
    db.commit()
    return {
        "quartier_slug": quartier.slug,
        "quartier_id": quartier.id,
        "thematique_id": thematique.id,
        "edition_id": edition.id,
        "helpline_id": helpline.id,
        "synonym_id": synonym.id,
    }


def walk(
    testapp: Any,
    app: Any,
    world: Any,
    extra: dict[str, Any],
    who: str,
    only: set[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], Any]:
    """Every route, GET and POST: the responses by (method, path); ``only``: just these requests."""
    seen = {}
    routes = app.registry.getUtility(IRoutesMapper).get_routes()
    assert len(routes) > 40  # the whole app, not a sample
    for route in routes:
        if "*subpath" in route.pattern:  # static views: checked below with real files
            continue
        path = fill(route, world, extra)
        for method in ("GET", "POST"):
            if (method, path) in seen or (only is not None and (method, path) not in only):
                continue  # routes told apart by a predicate share a path: the same request once
            if method == "GET":
                response = testapp.get(path, expect_errors=True)
            else:  # without a CSRF token: the 400 page, or the form's own answer
                response = testapp.post(path, {"x": "1"}, expect_errors=True)
            assert response.status_int < 500, f"{who} {method} {path}: {response.status}"
            check_headers(response, f"{who} {method} {path} {response.status}")
            seen[method, path] = response
    return seen


def test_every_route_anonymous_and_admin(testapp, app, world, extra, login):
    anonymous = walk(testapp, app, world, extra, "anonymous")
    # the PDFs (the module waits for them: a PDF, not the « being prepared » page): a fiche's, and the
    # selection's with that fiche in it (the walk's selection is empty)
    fiche = world.fiches["published_a"]
    pdf = anonymous["GET", f"/fiche/{fiche.id}-fiche/pdf"]
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")
    post(testapp, "/selection/ajouter", {"fiche_id": str(fiche.id)})
    selection = testapp.get("/selection.pdf")
    assert selection.content_type == "application/pdf" and selection.body.startswith(b"%PDF")
    assert len(selection.body) > len(anonymous["GET", "/selection.pdf"].body)  # the fiche is in it
    check_headers(selection, "/selection.pdf with a fiche")
    # The admin asks again for what the anonymous visitor was sent to log in for (303) or refused (403): there
    # the admin reaches the view (its page, or its CSRF refusal without a token). Elsewhere the answer is the
    # same for both (measured: the same status on every one of those requests) — a public page, or a
    # 400/404/410 given before any view — and the headers come from a tween that knows nothing of the user.
    # ~150 requests as the admin instead of ~300.
    login(world.users["admin"].email, PASSWORD)
    again = {request for request, response in anonymous.items() if response.status_int in (303, 403)}
    admin = walk(testapp, app, world, extra, "admin", only=again)
    assert len(admin) == len(again)
    assert {r.status_int for r in admin.values()} >= {200, 400}  # the admin did get the pages, and refusals
    statuses = {r.status_int for r in [*anonymous.values(), *admin.values()]}
    types = {r.content_type for r in [*anonymous.values(), *admin.values()]}
    # pages, redirects, errors and the JSON API were all among them
    assert {200, 303, 400, 404} <= statuses, statuses
    assert {"text/html", "application/json", "application/pdf"} <= types, types


def test_static_files_errors_and_redirects(testapp, world):
    for path in (
        "/static/guide.css",
        "/static/map.js",
        "/static/print/selection.css",
        "/static/icons/icon-192.png",
        "/static-leaflet/leaflet.js",
        "/static-deform/scripts/deform.js",
        "/static/absent.js",
        "/page-introuvable",
        "/manifest.webmanifest",
        "/api/v1/search?q=fiche",
        "/api/v1/fiches/999999",
        "/recherche?q=%00",  # refused by the NUL-byte filter
        "/espace",  # redirect to the login page
        "/admin/comptes",
    ):
        response = testapp.get(path, expect_errors=True)
        check_headers(response, f"{path} {response.status}")
    # refused before any view: another site's Host header, an undecodable query
    for environ in ({"HTTP_HOST": "autre-site.example"}, {"QUERY_STRING": "q=%ff%fe"}):
        response = testapp.get("/recherche", extra_environ=environ, expect_errors=True)
        check_headers(response, f"{environ} {response.status}")
    assert testapp.get("/espace").status_int == 303
    assert testapp.get("/page-introuvable", expect_errors=True).status_int == 404


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "pdf.wait_seconds": "300"}  # the request waits for the worker's PDF (the walk)


def test_tile_origin_is_allowed_for_images():
    assert tile_source("") is None
    assert tile_source("/tuiles/{z}/{x}/{y}.png") is None
    assert (
        tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
        == "https://*.tile.openstreetmap.org"
    )
    assert tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"
    csp = directives(content_security_policy({"map.tile_url": "https://tiles.example.org/{z}/{x}/{y}.png"}))
    assert csp["img-src"] == ["'self'", "data:", "https://tiles.example.org"]
    assert csp["connect-src"] == ["'self'"]
    with pytest.raises(ConfigurationError, match=r"map\.tile_url"):
        tile_source("https://tiles.example.org;script-src */{z}/{x}/{y}.png")


def test_tile_origin_in_the_served_policy(app_settings):
    import webtest

    from guide import main

    app = main({}, **{**app_settings, "map.tile_url": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"})
    response = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost"}).get("/static/guide.css")
    assert (
        "https://*.tile.openstreetmap.org"
        in directives(response.headers["Content-Security-Policy"])["img-src"]
    )


# --- in the real browser ------------------------------------------------------------------------------------

# Each page once: the home page, the results and a fiche are visited below (with their maps and buttons),
# the partner and coordinator land on /espace and /coordination when they log in, the edition form is
# filled below.
PAGES_ANONYMOUS = ["/connexion", "/mot-de-passe-oublie"]
PAGES_COORDINATOR = [
    "/coordination/structures",
    "/coordination/structures/nouvelle",
    "/coordination/inviter",
    "/coordination/signalements",
    "/coordination/quartiers",
    "/coordination/thematiques",
    "/coordination/synonymes",
    "/coordination/recherches-sans-resultat",
    "/coordination/editions",
    "/coordination/numeros-utiles",
    "/selection",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    # background tasks queued for a guide-worker, as on a real server (none runs beside this one): the
    # edition's generation page stays « running », polled by its script
    queued = {"tasks.immediate": "false"}
    with live_site(tmp_path_factory.mktemp("csp"), f"guide_csp_{worker_id}", **queued) as (url, _):
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = track_requests(context.new_page())
    page.violations = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.violations.append(f"{page.url}: {m.text}"),
    )
    page.on("pageerror", lambda e: page.violations.append(f"{page.url}: {e}"))
    yield page
    context.close()


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/(espace|coordination)$"))  # a coordinator lands on the queue
    settle(page)


def visit(page: Any, url: str) -> None:
    page.goto(url)
    settle(page)  # what the page's scripts do after load has run: their violations are in page.violations


@pytest.mark.browser
def test_pages_run_without_csp_violation(site, page):
    for path in PAGES_ANONYMOUS:
        visit(page, site + path)
    visit(page, site + "/")
    page.locator(".quartier-map-block").scroll_into_view_if_needed()  # map.js fetches Leaflet when it is seen
    page.wait_for_selector(".leaflet-map-ready")  # the Leaflet map replaced the SVG: map.js ran
    quartier = page.locator("a[href*='/quartier/']").first.get_attribute("href")
    visit(page, site + quartier)
    page.locator(".quartier-map-block").scroll_into_view_if_needed()
    page.wait_for_selector(".leaflet-map-ready")
    visit(page, site + "/recherche?q=logement")
    assert page.locator("[data-locate]").count() == 0 or page.locator("[data-locate]").is_visible()
    fiche = page.locator("a[href*='/fiche/']").first.get_attribute("href")
    visit(page, site + fiche)
    visit(page, site + "/selection/imprimer")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Imprimer").click()  # wired by toolbar.js, not by onclick
    assert page.evaluate("window.__printed") is True
    assert page.violations == []

    log_in(page, site, "partenaire@guide.localhost")
    assert page.url == site + "/espace"
    organisation = page.locator("a[href*='/espace/structures/']").first.get_attribute("href")
    page.locator("h3:has(.state-brouillon) + table a").first.click()
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.wait_for_url(re.compile(r"/modifier$"))
    settle(page)
    # the opening-hours grid: forms.js shows one mode at a time
    assert page.locator(".hours-widget.js-hours.mode-grid").count() == 1
    page.get_by_label("Saisie experte (format OpenStreetMap)").check()
    assert page.locator(".hours-widget.mode-raw").count() == 1
    page.get_by_label("Grille de la semaine").check()
    # closures: deform's sequence widget, wired by forms.js instead of inline scripts and onclick
    closures = page.locator(".deform-seq .deform-seq-item")
    before = closures.count()
    page.get_by_text("Ajouter une fermeture").click()
    page.get_by_text("Ajouter une fermeture").click()
    assert closures.count() == before + 2
    closures.last.locator(".deform-close-button").click()
    assert closures.count() == before + 1
    assert page.url.endswith("/modifier")  # removing a closure did not submit the form
    closures.last.get_by_label("Du").fill("2026-12-24")
    closures.last.get_by_label("Au (inclus)").fill("2027-01-02")
    closures.last.get_by_label("Message affiché").fill("Fermé pendant les fêtes")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector(".flash-ok")
    assert "Fermé pendant les fêtes" in page.content()
    visit(page, site + organisation)
    lieu = page.locator("a[href*='/espace/lieux/'][href*='/modifier']").first.get_attribute("href")
    visit(page, site + organisation + "/modifier")
    visit(page, site + lieu)
    visit(page, site + organisation + "/lieux/nouveau")
    assert page.violations == []

    page.context.clear_cookies()
    log_in(page, site, "admin@guide.localhost")
    assert page.url == site + "/coordination"  # the review queue
    for path in [*PAGES_COORDINATOR, "/admin/comptes"]:
        visit(page, site + path)
    # the print edition in A4, its check page and its preview (the page format from a static sheet)
    visit(page, site + "/coordination/editions/nouvelle")
    page.get_by_label("A4", exact=True).check()
    # one small thematique: the same pages, and the PDF made at the end is a few pages, not the whole guide
    page.get_by_label("Handicap", exact=True).check()
    page.get_by_role("button", name="Ouvrir l'édition").click()
    page.wait_for_url(re.compile(r"/coordination/editions/\d+$"))
    edition = page.url
    visit(page, edition + "/verification")
    visit(page, edition + "/apercu")
    assert page.locator("link[href$='/static/print/page-a4.css']").count() == 1
    # the generation page follows the worker with edition_progress.js (no inline script): its first poll
    # (a second after load; it polls every second) answered and written in the page as text. No worker runs
    # here, so no PDF is laid out: the PDF and the page that offers it are the edition tests' (that page runs
    # no script).
    visit(page, edition)
    page.get_by_role("button", name="Générer le PDF").click()
    page.wait_for_url(re.compile(r"/generation$"))
    progress = page.locator("#generation").get_attribute("data-url")
    assert page.locator("#generation").get_attribute("data-running") == "1"
    with page.expect_response(lambda response: response.url.endswith(progress)) as polled:
        pass
    assert polled.value.ok and polled.value.json()["done"] is False
    settle(page)
    assert page.locator("#etat strong").inner_text() == polled.value.json()["label"]
    assert page.violations == []


@pytest.mark.browser
def test_an_injected_inline_script_is_refused(site, page):
    """The policy itself, whatever the page: markup that slipped through is inert."""
    visit(page, site + "/")
    page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.innerHTML = '<img src=/xss.png onerror="window.__xss = 1">';
            document.body.appendChild(box);
            const script = document.createElement('script');
            script.textContent = 'window.__xss = 2';
            document.body.appendChild(script);
        }"""
    )
    settle(page)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert any("Content Security Policy" in v for v in page.violations)
