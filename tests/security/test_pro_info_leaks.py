"""Issue 14: information for professionals never leaks. A unique marker goes into every pro field of a
published fiche, its organisation and its lieu; then every route of the app (from its route registry) is
fetched as an anonymous visitor, as a member of another organisation and as an administrator, plus the API,
the search (index rebuilt for the fiche), the open-data exports of each format, the fiche PDF, the selection
PDF, the widget, the sitemap and the JSON-LD: the marker appears only on the public fiche and organisation
pages of logged-in partners, and on the pro forms of those who may edit them. The same walk carries a card of
the professionals' directory (issue 14): it shows on the directory page of logged-in partners only."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pyramid.interfaces import IRoutesMapper

from guide.models import IndexChange
from guide.models.pro import PRO_FIELDS
from guide.services import export, pro_info, professionals
from guide.services.export import FORMATS
from search_index.indexer import build_document
from views.opendata import FILES as OPENDATA_FILES

from ..factories import PASSWORD
from ..functional.helpers import post
from ..pdftext import page_texts
from .test_headers import extra, fill  # noqa: F401 - extra is a fixture

MARK = "Zq7PRO"  # short: the direct line column holds 30 characters


def _markers(db: Any, world: Any) -> list[str]:
    fiche = world.fiches["published_a"]
    written = []
    for kind, target in (("F", fiche), ("O", world.orgs["a"]), ("L", world.lieux["a"])):
        values = {name: f"{MARK}{kind}{i}" for i, name in enumerate(PRO_FIELDS)}
        pro_info.save(db, target, values, world.users["admin"])
        written += values.values()
    # a listed member of the fiche's organisation: their card in the professionals' directory
    card = {
        "fonction": f"{MARK}D1",
        "missions": f"{MARK}D2",
        "presence": f"{MARK}D3",
        "courriel": "d@test.fr",
    }
    professionals.save_card(db, world.users["owner_a"], card, [], [world.lieux["a"].id])
    written += [card["fonction"], card["missions"], card["presence"]]
    db.add(IndexChange(fiche_id=fiche.id))  # the index rebuilds the fiche's document after this commit
    db.commit()
    return written


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "pdf.wait_seconds": "300"}  # the PDF is waited for, not « en préparation »


# Where a logged-in reader legitimately sees the information (the rest of the site never shows it).
SHOWN = {"fiche", "organisation", "fiche_pro_edit", "org_pro_edit", "lieu_pro_edit", "pro_directory"}


def _text(response: Any) -> str:
    if response.content_type == "application/pdf":  # PDFium: pypdf's extract_text cost more than the layout
        text = "".join(page_texts(response.body))
        return text + "\n" + re.sub(r"\s+", "", text)  # and squashed: a marker cut at the end of a line
    return response.body.decode("utf-8", "replace")


def _walk(testapp: Any, world: Any, values: dict[str, Any], who: str) -> dict[str, str]:
    """route name -> the text of its GET answer (redirects followed within the site)."""
    seen = {}
    routes = testapp.app.registry.getUtility(IRoutesMapper).get_routes()
    assert len(routes) > 60
    for route in routes:
        if "*subpath" in route.pattern:
            continue
        response = testapp.get(fill(route, world, values), expect_errors=True)
        if response.status_int in (301, 302, 303) and response.location.startswith("http://localhost/"):
            response = response.follow(expect_errors=True)
        assert response.status_int < 500, f"{who} {route.pattern}: {response.status}"
        seen[route.name] = _text(response)
    return seen


def _reuses_never_hold_it(testapp: Any, world: Any) -> None:
    fiche_id = world.fiches["published_a"].id
    paths = [
        f"/fiche/{fiche_id}/pdf",
        "/api/v1/fiches",
        f"/api/v1/fiches/{fiche_id}",
        "/widget?organisation=alpha",
        "/carte.geojson",
        *(f"/opendata/{fmt}/{name}" for fmt, names in OPENDATA_FILES.items() for name in names),
    ]
    for path in paths:
        response = testapp.get(path)
        assert MARK not in _text(response), path
    assert "Fiche published a" in testapp.get("/widget?organisation=alpha").text


def _leaks(seen: dict[str, str]) -> set[str]:
    return {name for name, text in seen.items() if MARK in text}


def test_the_public_never_gets_it_on_any_route(testapp, world, db, extra):  # noqa: F811
    _markers(db, world)
    seen = _walk(testapp, world, extra, "anonymous")
    assert {
        "fiche",
        "organisation",
        "fiche_pdf",
        "api_fiche",
        "widget",
        "sitemap",
        "pro_directory",
    } <= seen.keys()
    assert "Fiche published a" in seen["fiche"] and "Association Alpha" in seen["organisation"]
    assert _leaks(seen) == set()
    _reuses_never_hold_it(testapp, world)


@pytest.mark.parametrize("who", ["editor_c", "admin"])
def test_logged_in_readers_get_it_on_the_pages_only(testapp, world, db, extra, login, who):  # noqa: F811
    _markers(db, world)
    login(world.users[who].email, PASSWORD)
    seen = _walk(testapp, world, extra, who)
    # a partner of another organisation reads it on the public pages, never edits it
    expected = {"fiche", "organisation", "pro_directory"} | (
        {"fiche_pro_edit", "org_pro_edit", "lieu_pro_edit"} if who == "admin" else set()
    )
    assert _leaks(seen) == expected
    # nothing printed, exported or re-used carries it, even asked by someone who may read it
    _reuses_never_hold_it(testapp, world)


def test_search_index_snippets_and_api_search_never_hold_it(testapp, world, db):
    written = _markers(db, world)
    fiche = world.fiches["published_a"]
    document = build_document(fiche)
    assert document is not None and "Fiche published a" in json.dumps(
        document, ensure_ascii=False, default=str
    )
    assert MARK not in json.dumps(document, ensure_ascii=False, default=str)
    service = testapp.app.registry["search"]
    assert fiche.id in {
        hit.fiche_id for hit in service.search("Fiche published a", db=db, record_miss=False).hits
    }
    for marker in (MARK, written[0], written[-1]):
        assert not service.search(marker, db=db, record_miss=False).hits, marker
        api = testapp.get("/api/v1/search", {"q": marker}).json
        assert api["total"] == 0 and api["results"] == [], marker  # (the query itself is echoed back)
        page = testapp.get("/recherche", {"q": marker})
        assert "Fiche published a" not in page.text


def test_exports_of_every_format_never_hold_it(db, world):
    _markers(db, world)
    for fmt in FORMATS:
        files = export.build(db, fmt, site_name="Guide", site_url="http://localhost")
        assert files
        body = b"".join(files.values()).decode("utf-8")
        assert MARK not in body, fmt
    assert (
        "Fiche published a"
        in export.build(db, "csv", site_name="G", site_url="http://x")["fiches.csv"].decode()
    )


def test_the_selection_pdf_never_holds_it(testapp, world, db):
    _markers(db, world)
    fiche = world.fiches["published_a"]
    post(testapp, "/selection/ajouter", {"fiche_id": str(fiche.id)})
    text = _text(testapp.get("/selection.pdf"))
    assert "Fiche published a" in text.replace("\n", " ")
    assert MARK not in text


# Where the code may name the information for professionals. A new reader (an export, the API, the index,
# a print template…) must be added here knowingly, with a leak test beside it.
READERS = {
    "guide/migrations/versions/f1a70000000f_placeholder.py",
    "guide/models/__init__.py",
    "guide/models/pro.py",
    "guide/services/demo.py",  # seeds the demo guide's (guide/demo/pro_info.json)
    "guide/services/pro_info.py",
    "guide/services/professionals.py",  # the directory's readers are the pro info's (may_read)
    "schemas/directory.py",
    "templates/fiche_public.jinja2",
    "templates/organisation_public.jinja2",
    "templates/pro_info.jinja2",
    "views/__init__.py",
    "views/partner_pro.py",
}


def test_only_the_pro_pages_read_the_pro_table():
    root = Path(__file__).resolve().parents[2]
    readers = set()
    for folder in ("guide", "views", "search_index", "templates", "schemas"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".py", ".jinja2", ".pt", ".js") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                if re.search(r"pro_info|ProInfo|pro_blocks|PRO_FIELDS", text):
                    readers.add(path.relative_to(root).as_posix())
    assert "guide/services/pro_info.py" in readers
    assert readers <= READERS, readers - READERS


# Where the code may name the professionals' directory (issue 14): the same rule as the pro table's.
DIRECTORY_READERS = {
    "guide/migrations/versions/f1a700000011_placeholder.py",
    "guide/models/__init__.py",
    "guide/models/professionals.py",
    "guide/services/demo.py",  # seeds the demo guide's (guide/demo/professionals.json)
    "guide/services/professionals.py",
    "schemas/professionals.py",
    "templates/dashboard.jinja2",  # the member's own link: « Ma fiche dans l'annuaire »
    "templates/network.jinja2",  # the link to the directory
    "templates/professional_card.jinja2",
    "templates/professionals.jinja2",
    "views/__init__.py",
    "views/network.py",
    "views/professionals.py",
}


def test_only_the_directory_pages_read_the_directory():
    root = Path(__file__).resolve().parents[2]
    readers = set()
    for folder in ("guide", "views", "search_index", "templates", "schemas"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".py", ".jinja2", ".pt", ".js") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                if re.search(
                    r"professional_card|ProfessionalCard|professional_(?:thematique|lieu)|professionals\.\w+\(|pro_directory",
                    text,
                ):
                    readers.add(path.relative_to(root).as_posix())
    assert "guide/services/professionals.py" in readers
    assert readers <= DIRECTORY_READERS, readers - DIRECTORY_READERS
