"""Printing on demand: any published fiche as a one-page A4 PDF, and the agents' selection (kept in the
session, no account) as a printable page or a PDF, in large print on request."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from pyramid.renderers import render
from pyramid.request import Request, apply_request_extensions

import guide.print as printing
from guide.services import fiches

from .. import factories
from ..pdftext import page_texts
from .helpers import csrf_token, post, visible


@pytest.fixture
def app_settings(app_settings):
    # PDFs are laid out by a worker process: here each request waits for its PDF instead of answering
    # « en préparation » (that page is tested in tests/security/test_pdf_flood.py).
    return {**app_settings, "pdf.wait_seconds": "300"}


def pdf_texts(body: bytes) -> list[str]:
    return page_texts(body)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- one fiche --------------------------------------------------------------------------------------------


def test_anyone_prints_a_published_fiche_on_one_a4_page(testapp, world, db):
    """The published version on one A4 page, never the working copy its partner is editing (one layout for
    both: the same fiche's PDF)."""
    fiche = world.fiches["published_a"]
    fiches.save(
        db,
        fiche,
        {**fiches.content_of(fiche.current_version), "nom": "Brouillon pas encore relu"},
        world.users["editor_a"],
        base_number=fiche.current_version.number,
        can_publish=False,
    )
    db.commit()
    response = testapp.get(f"/fiche/{fiche.id}-fiche-published-a/pdf")
    assert response.content_type == "application/pdf"
    assert f'filename="fiche-{fiche.id}.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.body))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=1)  # A4
    text = squash(page_texts(response.body)[0])
    for expected in ("Fichepublisheda", "AssociationAlpha", "0473980781", "1rueTest", "Quartiertest"):
        assert expected in text
    assert "Brouillon" not in text
    assert "dulundiauvendredi" in text.lower()  # hours in plain French
    assert f"localhost/fiche/{fiche.id}" in text  # the QR code's address, spelled out
    assert reader.metadata.title.startswith("Fiche published a")
    assert reader.metadata.author == "Ville de Clermont-Ferrand"


def test_what_the_public_cannot_see_has_no_pdf(testapp, world, login):
    for key in ("draft_a", "pending_a", "archived_a"):
        fiche = world.fiches[key]
        assert testapp.get(f"/fiche/{fiche.id}/pdf", expect_errors=True).status_int == 404, key
    assert testapp.get("/fiche/999999/pdf", expect_errors=True).status_int == 404
    assert testapp.get("/fiche/pas-un-numero/pdf", expect_errors=True).status_int == 404
    # Not even for its own organisation: the PDF is the public page on paper.
    login("owner.a@test.fr")
    assert testapp.get(f"/fiche/{world.fiches['draft_a'].id}/pdf", expect_errors=True).status_int == 404


def test_a_long_fiche_still_fits_on_one_page(testapp, world, db):
    long_text = "\n\n".join(["Une présentation très détaillée du service et de son fonctionnement. " * 8] * 9)
    fiche = fiches.create_fiche(
        db,
        world.orgs["a"],
        factories.content(nom="Fiche très longue", description=long_text, lieux=[world.lieux["a"].id]),
        world.users["coord"],
    )
    fiches.transition(db, fiche, "publish", world.users["coord"])
    db.commit()
    texts = pdf_texts(testapp.get(f"/fiche/{fiche.id}/pdf").body)
    assert len(texts) == 1
    assert "Fichetrèslongue" in squash(texts[0]) and "suitesurlaficheenligne" in squash(texts[0])


# --- the selection ----------------------------------------------------------------------------------------


def _add(testapp, fiche_id, **data):
    return post(testapp, "/selection/ajouter", {"fiche_id": str(fiche_id), **data})


def test_selection_add_remove_clear_without_an_account(testapp, world):
    a, b = world.fiches["published_a"], world.fiches["published_b"]
    assert "Votre sélection est vide" in visible(testapp.get("/selection"))
    response = _add(testapp, a.id, next=f"/fiche/{a.id}")
    assert response.status_int == 303 and response.location.endswith(f"/fiche/{a.id}")
    _add(testapp, b.id)
    _add(testapp, a.id)  # twice: kept once
    page = testapp.get("/selection")
    text = visible(page)
    assert "Fiche published a" in text and "Fiche published b" in text
    items = [li.a.get_text() for li in page.html.select(".selection-list li")]
    assert items == ["Fiche published a", "Fiche published b"]
    post(testapp, "/selection/retirer", {"fiche_id": str(a.id)})
    text = visible(testapp.get("/selection"))
    assert "Fiche published a" not in text and "Fiche published b" in text
    post(testapp, "/selection/vider")
    assert "Votre sélection est vide" in visible(testapp.get("/selection"))


def test_selection_takes_published_fiches_only(testapp, world, db):
    for key in ("draft_a", "pending_b", "archived_c"):
        response = _add(testapp, world.fiches[key].id).follow()
        assert "n'est pas publiée" in visible(response)
    _add(testapp, "abc")
    _add(testapp, world.fiches["published_c"].id)
    assert "Fiche published c" in visible(testapp.get("/selection"))
    # A fiche archived after it was chosen leaves the selection and is never printed.
    fiches.transition(db, world.fiches["published_c"], "archive", world.users["coord"])
    db.commit()
    assert "Votre sélection est vide" in visible(testapp.get("/selection"))
    assert "Fiche published c" not in squash("".join(pdf_texts(testapp.get("/selection.pdf").body)))


def test_selection_is_limited_to_50_fiches(testapp, world, db):
    extra = []
    for n in range(printing.MAX_SELECTION):
        fiche = fiches.create_fiche(db, world.orgs["b"], factories.content(nom=f"Service {n}"), None)
        fiches.transition(db, fiche, "publish", None)
        extra.append(fiche.id)
    db.commit()
    token = csrf_token(testapp)  # the session's token, asked once (post() asks a page for it each time)
    for fiche_id in extra:
        testapp.post("/selection/ajouter", {"csrf_token": token, "fiche_id": str(fiche_id)})
    response = _add(testapp, world.fiches["published_a"].id).follow()
    assert "le maximum" in visible(response)
    page = visible(testapp.get("/selection"))
    assert "Service 49" in page and "Fiche published a" not in page


def test_selection_never_redirects_elsewhere(testapp, world):
    fiche_id = world.fiches["published_a"].id
    for target in ("https://ailleurs.example/", "//ailleurs.example/x", "javascript:alert(1)"):
        response = _add(testapp, fiche_id, next=target)
        assert response.location.endswith("/selection"), target


def test_selection_needs_a_csrf_token(testapp, world):
    response = testapp.post(
        "/selection/ajouter", {"fiche_id": str(world.fiches["published_a"].id)}, expect_errors=True
    )
    assert response.status_int == 400


def test_selection_printable_page_and_pdf(testapp, world):
    chosen = [world.fiches[k] for k in ("published_a", "published_b", "published_c")]
    for fiche in chosen:
        _add(testapp, fiche.id)
    page = testapp.get("/selection/imprimer")
    assert page.content_type == "text/html"
    assert "/static/print/selection.css" in page.text and "/static/print/toolbar.js" in page.text
    for fiche in chosen:
        assert fiche.published_version.nom in page.text
    response = testapp.get("/selection.pdf")
    assert response.content_type == "application/pdf"
    text = squash("".join(pdf_texts(response.body)))
    for fiche in chosen:
        assert text.count(squash(fiche.published_version.nom)) == 1
    assert "Desservicespourvous" in text and "Encasd'urgence" not in text  # no helplines seeded here


def test_selection_in_large_print(testapp, world, db):
    printing.seed_helplines(db)
    db.commit()
    chosen = [world.fiches[k] for k in ("published_a", "published_b")]
    for fiche in chosen:
        _add(testapp, fiche.id)
    page = testapp.get("/selection/imprimer", {"gros": "1"})
    assert "/static/print/selection-large.css" in page.text
    assert 'class="selection-print large"' in page.text
    for pictogram in ("icon-adresse", "icon-horaires", "icon-telephone"):
        assert pictogram in page.text
    normal = pdf_texts(testapp.get("/selection.pdf").body)
    large = pdf_texts(testapp.get("/selection.pdf", {"gros": "1"}).body)
    assert len(large) > len(normal)  # bigger type, one service per page
    text = squash("".join(large))
    for label in ("Adresse", "Horaires", "Téléphone", "Pourqui?"):
        assert label in text
    for fiche in chosen:
        assert text.count(squash(fiche.published_version.nom)) == 1
    assert "0473980781" in text
    # each service starts on its own page, its hours one rule per line
    assert squash(chosen[1].published_version.nom) in squash(large[-1])
    assert "Dulundiauvendredi" in text and "Fermélesjoursfériés" in text


def test_selection_checkbox_partial(app, testapp, world):
    fiche_id = world.fiches["published_a"].id
    request = Request.blank(f"/fiche/{fiche_id}")
    request.registry = app.registry
    apply_request_extensions(request)
    html = render("selection_checkbox.jinja2", {"fiche_id": fiche_id}, request=request)
    assert "Ajouter à ma sélection" in html and "Ma sélection (0)" in html
    # no session yet: no token either (it would create the session), the view checks the Origin instead
    assert 'name="csrf_token"' not in html and f'value="{fiche_id}"' in html
    assert f'name="next" value="/fiche/{fiche_id}"' in html
    request = Request.blank(f"/fiche/{fiche_id}", headers={"Cookie": "guide_session=x"})
    request.registry = app.registry
    apply_request_extensions(request)
    request.session[editions_selection_key()] = [fiche_id]
    html = render("selection_checkbox.jinja2", {"fiche_id": fiche_id}, request=request)
    assert "Dans ma sélection" in html and "Ma sélection (1)" in html and "/selection/retirer" in html
    assert 'name="csrf_token"' in html


def editions_selection_key() -> str:
    from views.selection import SELECTION_KEY

    return SELECTION_KEY
