"""The printed selection's « label : » in each language (issue 12): French puts a non-breaking space before
the colon, English and Arabic put the colon against the word (at the label's end in reading order)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from guide import i18n

from ..pdftext import page_texts
from .helpers import post


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    i18n.compile_catalogues()


def _words(testapp, path: str) -> str:
    """The PDF's text: PDFium's (tests/pdftext.py, pypdf's extract_text cost more than the layout), pypdf's
    for right-to-left pages (PDFium gives Arabic words in another order)."""
    pdf = testapp.get(path)
    assert pdf.content_type == "application/pdf"
    if path.startswith("/ar/"):
        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.body)).pages)
    return "".join(page_texts(pdf.body))


def test_large_print_labels_take_the_colon_of_their_language(testapp, world):
    post(testapp, "/selection/ajouter", {"fiche_id": str(world.fiches["published_a"].id)})
    french = _words(testapp, "/selection.pdf?gros=1")
    assert "Horaires\u00a0: " in french  # French typography
    english = _words(testapp, "/en/selection.pdf?gros=1")
    assert "Opening hours: " in english or "Hours: " in english, english[:400]
    assert "\u00a0:" not in english and " :" not in english
    arabic = _words(testapp, "/ar/selection.pdf?gros=1")
    assert "أوقات العمل" in arabic
    assert "\u00a0:" not in arabic and " : " not in arabic  # the colon against the word, no space before it


def test_a_fiche_s_pdf_speaks_the_page_s_language_and_keeps_the_fiche_s_french(testapp, world):
    """« Imprimer cette fiche » from /en/… or /ar/…: the page's headings and notes in that language, the
    fiche's own text as written (French), one PDF kept per language."""
    fiche = world.fiches["published_a"]
    title = fiche.published_version.nom
    french = _words(testapp, f"/fiche/{fiche.id}/pdf")
    assert "Horaires" in french and "Imprimé le" in french and title in french
    english = _words(testapp, f"/en/fiche/{fiche.id}/pdf")
    assert "Opening hours" in english or "Hours" in english, english[:500]
    assert "Printed on" in english and "Imprimé le" not in english and title in english
    assert "In an emergency: 112." in english.replace("\n", " ")
    arabic = _words(testapp, f"/ar/fiche/{fiche.id}/pdf")
    assert "طُبع في" in arabic and "Imprimé le" not in arabic and title in arabic
    assert _words(testapp, f"/fiche/{fiche.id}/pdf") == french  # the French one is still French
