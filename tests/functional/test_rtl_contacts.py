"""Phone numbers, e-mail addresses and postal addresses on a right-to-left page (issue 12): each is a
left-to-right island (``<bdi dir="ltr">``), so that « 04 73 98 07 81 » is not shown « 81 07 98 73 04 » and
« 22 rue…, 63000 Clermont-Ferrand » keeps its numbers in place; French pages are left as they were."""

from __future__ import annotations

import re

import pytest

from guide import i18n

from .helpers import post

PHONE = re.compile(r"\b0\d(?:[\s.]\d\d){4}\b")
MAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
POSTAL = re.compile(r"\b63\d{3}\b")
NOT_SHOWN = {"script", "style", "title", "desc"}  # an SVG's <desc> is read, never laid out


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    i18n.compile_catalogues()


def _direction(node) -> str | None:
    """The direction the nearest ``dir`` attribute gives ``node`` (None: the page's own)."""
    element = node.parent
    while element is not None and getattr(element, "name", None):
        if element.get("dir"):
            return element["dir"]
        element = element.parent
    return None


def unisolated(page) -> list[str]:
    """The phone numbers, e-mails and postal codes of ``page`` shown in the page's direction."""
    found = []
    for node in page.html.find_all(string=True):
        if node.parent.name in NOT_SHOWN:
            continue
        for pattern in (PHONE, MAIL, POSTAL):
            for match in pattern.finditer(str(node)):
                if _direction(node) != "ltr":
                    found.append(f"{node.parent.name}: {match.group(0)}")
    return found


def _pages(testapp) -> list[str]:
    hits = testapp.get("/ar/api/v1/search", params={"q": "aide"}).json["results"]
    fiche = next(hit["url"] for hit in hits if "aide-a-domicile" in hit["url"])
    pages = [fiche.replace("http://localhost", ""), "/ar/agenda"]
    page = testapp.get(pages[0])
    pages += [a["href"] for a in page.html.select("a[href*='/structure/'], a[href*='/quartier/']")][:2]
    pages += [a["href"] for a in testapp.get("/ar/agenda").html.select("a[href*='/agenda/rendez-vous/']")][:1]
    return pages


def test_contacts_and_addresses_read_left_to_right_on_arabic_pages(testapp, demo_guide):
    pages = _pages(testapp)
    assert any("/structure/" in page for page in pages) and any("/rendez-vous/" in page for page in pages)
    seen = 0
    for path in pages:
        page = testapp.get(path)
        assert unisolated(page) == [], path
        seen += len(page.html.select('bdi[dir="ltr"]'))
    fiche = testapp.get(pages[0])
    phones = [
        node.get_text() for node in fiche.html.select('.key-phone bdi[dir="ltr"], .contact bdi[dir="ltr"]')
    ]
    assert "04 73 98 07 81" in phones, phones
    address = fiche.html.select_one('.key-address bdi[dir="ltr"]')
    assert address["lang"] == "fr" and "63000 Clermont-Ferrand" in address.get_text()
    assert seen > len(pages)


def test_in_mots_simples_and_in_the_selection_too(testapp, demo_guide):
    hits = testapp.get("/ar/api/v1/search", params={"q": "aide"}).json["results"]
    fiche = next(hit["url"] for hit in hits if "aide-a-domicile" in hit["url"]).replace(
        "http://localhost", ""
    )
    simple = testapp.get(fiche, params={"simple": "1"})
    assert unisolated(simple) == []
    assert simple.html.select(".fact-telephone bdi[dir='ltr']")
    number = fiche.split("/fiche/")[1].split("-")[0]
    post(testapp, "/selection/ajouter", {"fiche_id": number})
    selection = testapp.get("/ar/selection/imprimer")  # the printable sheet, with the fiches' details
    assert "04 73 98 07 81" in selection.text
    assert unisolated(selection) == []


def test_french_pages_keep_their_contacts_as_plain_text(testapp, demo_guide):
    hits = testapp.get("/api/v1/search", params={"q": "aide"}).json["results"]
    fiche = testapp.get(next(hit["url"] for hit in hits if "aide-a-domicile" in hit["url"]))
    assert not fiche.html.select("bdi[dir='ltr']")
    assert "04 73 98 07 81" in fiche.html.select_one(".key-phone a").get_text()
