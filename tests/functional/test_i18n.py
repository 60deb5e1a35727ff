"""Languages of the public guide (issue 12): the URL says the language, the first visit follows the
browser's language unless the visitor chose one, the partner space stays French."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from guide import i18n

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    """What ``make`` does before the tests: the .mo files are build artefacts (git-ignored)."""
    i18n.compile_catalogues()


def _internal_links(page) -> list[str]:
    return [
        a["href"]
        for a in page.html.select("a[href]")
        if a["href"].startswith("/") and not a["href"].startswith("//")
    ]


def test_the_prefix_says_the_language_and_links_keep_it(testapp, world):
    page = testapp.get("/en/")
    assert page.html.html["lang"] == "en" and page.html.html["dir"] == "ltr"
    links = _internal_links(page)
    search_links = [href for href in links if "recherche" in href]
    assert search_links and all(href.startswith("/en/recherche") for href in search_links)
    assert page.html.select_one('link[rel="stylesheet"]')["href"].startswith("/en/static/")
    fiche = testapp.get("/en/recherche?q=published")
    hit = fiche.html.select_one(".hit h2 a")["href"]
    assert hit.startswith("/en/fiche/")
    assert testapp.get(hit).html.html["lang"] == "en"
    french = testapp.get("/")
    assert french.html.html["lang"] == "fr"
    assert all(not href.startswith("/en/") for href in _internal_links(french))


@pytest.mark.parametrize(("segment", "tag"), [("ar", "ar"), ("prs", "fa-AF")])
def test_arabic_and_dari_are_right_to_left(testapp, world, segment, tag):
    page = testapp.get(f"/{segment}/recherche?q=published")
    assert page.html.html["dir"] == "rtl" and page.html.html["lang"] == tag
    for other in ("/uk/", "/es/", "/"):
        assert testapp.get(other).html.html["dir"] == "ltr"


def test_first_visit_follows_accept_language(testapp, world):
    response = testapp.get(
        "/recherche?q=aide&quartier=x", headers={"Accept-Language": "ar-MA,ar;q=0.9,fr;q=0.5"}
    )
    assert response.status_int == 302
    assert response.location == "http://localhost/ar/recherche?q=aide&quartier=x"
    assert "Accept-Language" in response.headers["Vary"]
    dari = testapp.get("/", headers={"Accept-Language": "prs"})
    assert dari.location == "http://localhost/prs/"
    french = testapp.get("/", headers={"Accept-Language": "fr-FR,en;q=0.5"})
    assert french.status_int == 200 and french.html.html["lang"] == "fr"
    assert "Accept-Language" in french.headers["Vary"]
    unknown = testapp.get("/", headers={"Accept-Language": "de-DE"})
    assert unknown.status_int == 200 and unknown.html.html["lang"] == "fr"


def test_a_prefixed_page_is_never_redirected_by_accept_language(testapp, world):
    page = testapp.get("/uk/", headers={"Accept-Language": "en"})
    assert page.status_int == 200 and page.html.html["lang"] == "uk"


def test_the_remembered_choice_wins_over_accept_language(testapp, world):
    testapp.set_cookie(i18n.COOKIE, "fr")
    page = testapp.get("/", headers={"Accept-Language": "en"})
    assert page.status_int == 200 and page.html.html["lang"] == "fr"
    testapp.set_cookie(i18n.COOKIE, "es")
    assert (
        testapp.get("/opendata", headers={"Accept-Language": "en"}).location == "http://localhost/es/opendata"
    )


def test_api_static_files_and_forms_are_not_redirected(testapp, world):
    english = {"Accept-Language": "en"}
    api = testapp.get("/api/v1/search?q=aide", headers=english)
    assert api.status_int == 200 and api.content_type == "application/json"
    assert testapp.get("/static/guide.css", headers=english).status_int == 200
    assert testapp.get("/sitemap.xml", headers=english).status_int == 200
    assert testapp.get("/connexion", headers=english).status_int == 200
    post = testapp.post("/selection/ajouter", {"fiche": "1"}, headers=english, expect_errors=True)
    assert post.status_int != 302 or "/en/" not in post.location


def test_the_switcher_keeps_the_page_and_remembers_the_choice(testapp, world):
    page = testapp.get("/en/recherche?q=published&page=1")
    switcher = page.html.select_one("nav.languages")
    names = [a.get_text() for a in switcher.select("a")]
    assert names == ["Français", "English", "العربية", "Українська", "دری", "Español"]
    arabic = switcher.select_one('a[hreflang="ar"]')
    assert arabic["lang"] == "ar" and arabic["dir"] == "rtl"
    assert switcher.select_one('a[aria-current="true"]')["hreflang"] == "en"
    response = testapp.get(arabic["href"])
    assert response.status_int == 303
    assert response.location == "http://localhost/ar/recherche?q=published&page=1"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{i18n.COOKIE}=ar;") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert response.follow().html.html["dir"] == "rtl"
    # French, chosen in the switcher, is remembered: no more Accept-Language redirect
    french_link = response.follow().html.select_one('nav.languages a[hreflang="fr"]')["href"]
    back = testapp.get(french_link)
    assert back.location == "http://localhost/recherche?q=published&page=1"
    assert testapp.get("/", headers={"Accept-Language": "ar"}).status_int == 200


@pytest.mark.parametrize("page", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_switcher_never_leaves_the_site(testapp, page):
    response = testapp.get("/langue/en", {"page": page})
    assert response.location == "http://localhost/en/"


def test_an_unknown_language_code_is_not_an_error(testapp):
    response = testapp.get("/langue/xx", {"page": "/opendata"})
    assert response.status_int == 303 and response.location == "http://localhost/opendata"


def test_alternate_languages_are_absolute(testapp, world):
    page = testapp.get("/es/recherche?q=aide")
    alternates = {
        link["hreflang"]: link["href"] for link in page.html.select('link[rel="alternate"][hreflang]')
    }
    assert alternates == {
        "fr": "http://localhost/recherche?q=aide",
        "en": "http://localhost/en/recherche?q=aide",
        "ar": "http://localhost/ar/recherche?q=aide",
        "uk": "http://localhost/uk/recherche?q=aide",
        "fa-AF": "http://localhost/prs/recherche?q=aide",
        "es": "http://localhost/es/recherche?q=aide",
    }


def test_french_prefix_goes_to_the_unprefixed_address(testapp, world):
    assert testapp.get("/fr/recherche?q=a").location == "http://localhost/recherche?q=a"


def test_partner_space_and_coordination_stay_french(testapp, world, login):
    assert testapp.get("/en/connexion").location == "http://localhost/connexion"
    assert testapp.get("/ar/coordination/structures").location == "http://localhost/coordination/structures"
    page = testapp.get("/connexion")
    assert page.html.html["lang"] == "fr" and page.html.select_one("nav.languages") is None
    assert not page.html.select('link[rel="alternate"][hreflang]')


def test_error_pages_speak_the_language_of_the_address(testapp, world):
    page = testapp.get("/ar/fiche/999999-rien", status=404)
    assert page.html.html["dir"] == "rtl"


def test_every_msgid_of_the_public_templates_is_in_the_pot():
    """A string wrapped for translation but not extracted is never translated: run ``make messages``."""
    with (ROOT / "guide" / "locale" / "guide.pot").open("rb") as source:
        pot = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(source)}
    missing = set()
    for name in PUBLIC_TEMPLATES:
        for _line, _function, message, _comments in extract_from_file(
            "jinja2", ROOT / "templates" / name, options={"extensions": "jinja2.ext.i18n"}
        ):
            msgid = message if isinstance(message, str) else next(iter(message), None)
            if msgid and msgid not in pot:
                missing.add((name, msgid))
    assert not missing


PUBLIC_PYTHON = [
    "search_index/params.py",
    "views/errors.py",
    "views/selection.py",
    "views/reports.py",
    "views/api.py",
    "views/public.py",
    "schemas/report.py",
    "guide/hours/open_status.py",
    "guide/hours/language.py",
    "guide/services/mapsvg/layers.py",
    "guide/vocabulary.py",
]


def test_every_msgid_of_the_public_python_messages_is_in_the_pot():
    """The same for the messages marked in Python (``make messages`` must look at every package)."""
    with (ROOT / "guide" / "locale" / "guide.pot").open("rb") as source:
        pot = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(source)}
    missing = set()
    for name in PUBLIC_PYTHON:
        for _line, _function, message, _comments in extract_from_file("python", ROOT / name):
            msgid = message if isinstance(message, str) else next(iter(message), None)
            if msgid and msgid not in pot:
                missing.add((name, msgid))
    assert not missing


PUBLIC_TEMPLATES = [
    "layout.jinja2",
    "macros.jinja2",
    "home.jinja2",
    "search_box.jinja2",
    "search_results.jinja2",
    "search_hit.jinja2",
    "fiche_public.jinja2",
    "organisation_public.jinja2",
    "quartier_public.jinja2",
    "map_partial.jinja2",
    "selection.jinja2",
    "selection_macros.jinja2",
    "selection_checkbox.jinja2",
    "report_form.jinja2",
    "public_freshness.jinja2",
    "error.jinja2",
    "widget.jinja2",
    "opendata.jinja2",
    "api_doc.jinja2",
]


# Interface words that must not remain in French on an English page (fiche content aside: it is marked
# lang="fr" or sits in the content blocks removed below).
FRENCH_WORDS = re.compile(
    r"\b(Rechercher|Accueil du|Horaires|Ouvert maintenant|Fermé|Aujourd'hui|Thématiques|Pour qui|"
    r"Comment y accéder|Langues parlées|Présentation|Téléphone|Courriel|Signaler une erreur|Imprimer|"
    r"Ma sélection|Trier par|Affiner|Suivante|Précédente|Aller au contenu|Dernière mise à jour|Proposé par|"
    r"Retour|fiches?|Chaque quartier|Contours schématiques|Carte des quartiers|Itinéraire|Partager|Appeler)\b"
)


def _interface_text(page) -> str:
    for node in page.html.select(
        '[lang="fr"], .brand, .snippet, .hit h2, .hit-meta, h1, .resume, .description'
    ):
        node.decompose()
    for node in page.html.select("script, style, nav.languages"):
        node.decompose()
    return page.html.body.get_text(" ")


@pytest.mark.parametrize("url", ["/en/", "/en/recherche?q=published", "fiche"])
def test_an_english_page_has_no_french_interface_words(testapp, world, url):
    if not (ROOT / "guide" / "locale" / "en" / "LC_MESSAGES" / "guide.po").exists():
        pytest.fail("the English catalogue guide/locale/en/LC_MESSAGES/guide.po is missing")
    if url == "fiche":
        url = testapp.get("/en/recherche?q=published").html.select_one(".hit h2 a")["href"]
    text = _interface_text(testapp.get(url))
    assert not FRENCH_WORDS.findall(text), text


def test_the_sitemap_lists_every_language_of_each_page(testapp, world):
    import xml.etree.ElementTree as ET

    fiche = world.fiches["published_a"]
    for address in ("/sitemap.xml", "/en/sitemap.xml"):
        root = ET.fromstring(testapp.get(address).body)  # noqa: S314 - the site's own sitemap
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
        locs = [e.text for e in root.findall("s:url/s:loc", ns)]
        for prefix in ("", "/en", "/ar", "/uk", "/prs", "/es"):
            assert any(loc.startswith(f"http://localhost{prefix}/fiche/{fiche.id}-") for loc in locs)
        first = root.find("s:url", ns)
        hreflangs = [link.get("hreflang") for link in first.findall("x:link", ns)]
        assert hreflangs == ["fr", "en", "ar", "uk", "fa-AF", "es"]


def test_links_in_a_prefixed_page_point_inside_the_site(testapp, world):
    page = testapp.get("/en/")
    for link in page.html.select('link[rel="alternate"][hreflang]'):
        assert urlsplit(link["href"]).netloc == "localhost"
