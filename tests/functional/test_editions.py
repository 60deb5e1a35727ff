"""The annual printed edition: the PDF itself (read back with pypdf), the check list, frozen versions, the
coordination pages, the emergency numbers, and the generation in a separate process."""

from __future__ import annotations

import collections
import datetime as dt
import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
import webtest
from pypdf import PdfReader
from sqlalchemy import delete, select

import guide.print as printing
from guide import main
from guide.db import make_engine, make_session_factory
from guide.models import (
    Access,
    Edition,
    EditionItem,
    EditionStatus,
    Fiche,
    Helpline,
    Organisation,
    Quartier,
    State,
    Thematique,
)
from guide.print import generation
from guide.scripts import edition as edition_script
from guide.services import fiches

from .. import factories
from ..databases import migrated
from ..pdftext import page_texts
from .helpers import post, visible

SITE = "http://localhost"


# --- helpers ----------------------------------------------------------------------------------------------


class Pdf:
    """A generated PDF read back: text per page, where each anchor (id) really is, metadata."""

    def __init__(self, data: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(data))
        self.texts = page_texts(data)  # PDFium: pypdf's extract_text took as long as the layout
        self.squashed = [re.sub(r"\s+", "", text) for text in self.texts]  # text(): once per page
        self.pages = {
            name: self.reader.get_destination_page_number(dest) + 1
            for name, dest in self.reader.named_destinations.items()
        }

    def __len__(self) -> int:
        return len(self.texts)

    def text(self, page: int) -> str:
        """The text of a page (numbered from 1, like the printed numbers), white space removed."""
        return self.squashed[page - 1]

    def numbers(self, first: int, last: int) -> list[int]:
        """The page numbers printed after leader dots on pages first..last (TOC and index entries)."""
        found = []
        for page in range(first, last + 1):
            for line in self.texts[page - 1].splitlines():
                match = re.search(r"(?:\.\s*){3,}(\d+)\s*$", line)
                if match:
                    found.append(int(match.group(1)))
        return found


def last_form(page: webtest.TestResponse) -> webtest.forms.Form:
    return page.forms[len(page.forms) - 1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def new_edition(db: Any, **kw: Any) -> Edition:
    values = {
        "title": "Guide du territoire 2027",
        "year": 2027,
        "page_format": "A5",
        "grouping": "thematique",
        "filters": {},
        "message": "",
    }
    values.update(kw)
    edition = Edition(**values)
    db.add(edition)
    db.flush()
    return edition


def generate(db: Any, edition: Edition, tmp_path: Path) -> Pdf:
    return Pdf(printing.generate(db, edition, site_url=SITE))


@pytest.fixture
def demo(db, demo_guide):
    """The demo guide (loaded once per run, tests/conftest.py) and the emergency numbers."""
    printing.seed_helplines(db)
    db.commit()


def fiche_numbers(db: Any, edition: Edition) -> dict[int, int]:
    """fiche id -> its number in the edition (its position)."""
    return dict(
        db.execute(
            select(EditionItem.fiche_id, EditionItem.position).where(EditionItem.edition_id == edition.id)
        ).all()
    )


# --- the PDF of the demo guide ----------------------------------------------------------------------------


def test_demo_edition_pdf(db, demo, tmp_path, monkeypatch):
    """The demo guide as an A5 booklet: a multiple of 4 pages; every published fiche once, whole, on the
    page that the table of contents and both indexes announce; metadata for the print shop."""
    built = []  # the print model generate() laid out (not built a second time: 61 QR codes and all)

    def build_document(*args, **kwargs):
        built.append(real_build(*args, **kwargs))
        return built[-1]

    real_build = generation.build_document
    monkeypatch.setattr(generation, "build_document", build_document)
    edition = new_edition(db)
    pdf = generate(db, edition, tmp_path)
    [document] = built
    published = db.scalars(
        select(Fiche).where(Fiche.published_version_id.is_not(None), Fiche.state != State.ARCHIVED)
    ).all()
    assert len(published) == 61

    assert len(pdf) % 4 == 0
    assert edition.page_count == len(pdf)
    assert edition.status == EditionStatus.DONE and edition.pdf_file

    # Every fiche of the selection is present once, and never split across two pages.
    numbers = fiche_numbers(db, edition)
    assert sorted(numbers) == sorted(f.id for f in published)
    assert sorted(numbers.values()) == list(range(1, 62))
    for fiche in published:
        anchor = f"fiche-{fiche.id}"
        page = pdf.pages[anchor]
        assert pdf.pages[f"{anchor}-fin"] == page, f"fiche {fiche.id} split across pages"
        title = squash(fiche.published_version.nom)
        assert title in pdf.text(page)
        # printed once in the fiches (the indexes name it again, after the map)
        occurrences = [p for p in range(1, pdf.pages["carte"]) if title in pdf.text(p)]
        assert occurrences == [page], (fiche.published_version.nom, occurrences)

    # The table of contents (page 3) points to the pages where the chapters really start.
    toc_page = pdf.pages["sommaire"]
    assert toc_page == 3
    chapters = db.execute(
        select(EditionItem.chapter)
        .where(EditionItem.edition_id == edition.id)
        .group_by(EditionItem.chapter)
        .order_by(EditionItem.chapter)
    ).all()
    expected = [pdf.pages["mode-emploi"]]
    expected += [pdf.pages[f"chapitre-{i}"] for i in range(1, len(chapters) + 1)]
    expected += [pdf.pages["carte"], pdf.pages["index-structures"], pdf.pages["index-quartiers"]]
    assert pdf.numbers(toc_page, toc_page) == expected
    for i in range(1, len(chapters) + 1):
        page = pdf.pages[f"chapitre-{i}"]
        assert pdf.texts[page - 1].strip(), "chapter page is empty"

    # The indexes give, entry after entry, the page where each fiche really is.
    org_expected = [pdf.pages[f.anchor] for group in document.organisations for f in group.fiches]
    quartier_expected = [pdf.pages[f.anchor] for group in document.quartiers for f in group.fiches]
    assert len(org_expected) == 61
    first, middle = pdf.pages["index-structures"], pdf.pages["index-quartiers"]
    assert pdf.numbers(first, middle - 1) == org_expected
    last = pdf.pages["credits"] - 1
    assert pdf.numbers(middle, last) == quartier_expected
    for group in document.organisations:
        assert any(squash(group.title) in pdf.text(p) for p in range(first, middle))

    # The map page has numbered markers; the emergency numbers are on the back cover.
    assert "Cartedesquartiers" in pdf.text(pdf.pages["carte"])
    back = pdf.text(len(pdf))
    for number in ("17", "112", "115", "119", "3919"):
        assert number in back
    assert pdf.pages["numeros-utiles"] == len(pdf)
    assert pdf.pages["credits"] == len(pdf) - 1
    assert "Informationsàjourau" in pdf.text(len(pdf) - 1)

    # Running header with the chapter, page numbers printed from page 2.
    chapter_page = pdf.pages["chapitre-1"]
    chapter_title = document.chapters[0].title
    assert pdf.texts[chapter_page - 1].count(chapter_title) >= 2  # heading and running header
    assert re.search(rf"\b{chapter_page}\s*$", pdf.texts[chapter_page - 1].strip())

    metadata = pdf.reader.metadata
    assert metadata.title == "Guide du territoire 2027"
    assert metadata.author == "Ville de Clermont-Ferrand"
    assert "2027" in metadata.subject and "Clermont-Ferrand" in (metadata.get("/Keywords") or "")
    assert metadata.creation_date is not None
    fonts = set()
    for page in pdf.reader.pages[:6]:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, "font not embedded"
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert any(name.startswith("DejaVu") for name in fonts)


def test_edition_by_quartier_in_a4_with_a_selection(db, world, tmp_path):
    """A4 is not a booklet (no padding); a selection by quartier keeps only the fiches located there."""
    other = Quartier(code="Q-AUTRE", nom="Autre quartier", slug="autre-quartier")
    db.add(other)
    db.flush()
    quartier_id = world.lieux["a"].quartier_id
    world.lieux["a"].acces_plain_pied = Access.YES  # printed under the address (print-shop papercut)
    world.lieux["a"].boucle_magnetique = Access.YES
    world.lieux["a"].toilettes_adaptees = Access.NO
    db.flush()
    edition = new_edition(db, page_format="A4", grouping="quartier", filters={"quartiers": [quartier_id]})
    pdf = generate(db, edition, tmp_path)
    first = pdf.reader.pages[0]
    assert first.trimbox.width == pytest.approx(595.28, abs=1)  # A4, trimmed
    # print-ready: 3 mm (8.5 pt) of bleed on every side, the cover's colour running into it
    assert first.bleedbox.width == pytest.approx(595.28 + 2 * 8.5, abs=0.5)
    assert first.mediabox.height == pytest.approx(841.89 + 2 * 8.5, abs=0.5)
    titles = {f.published_version.nom for f in world.fiches.values() if f.is_public}
    assert titles == {"Fiche published a", "Fiche published b", "Fiche published c"}
    for title in titles:
        assert sum(squash(title) in pdf.text(p) for p in range(1, pdf.pages["carte"])) == 1
    assert "Quartiertest" in pdf.text(pdf.pages["chapitre-1"])
    chapter = "".join(pdf.text(p) for p in range(pdf.pages["chapitre-1"], pdf.pages["carte"])).casefold()
    assert squash("Accessibilité Accès de plain-pied ou rampe · Boucle magnétique").casefold() in chapter
    assert squash("Toilettes adaptées").casefold() not in chapter
    edition_other = new_edition(db, filters={"quartiers": [other.id]})
    with pytest.raises(ValueError, match="Aucune fiche"):
        printing.generate(db, edition_other, site_url=SITE)


def test_selection_by_thematique_puts_each_fiche_once(db, world):
    fiche = world.fiches["published_a"]
    fiches.save(
        db,
        fiche,
        {**fiches.content_of(fiche.current_version), "thematiques": ["sante", "acces-aux-droits"]},
        world.users["coord"],
        base_number=fiche.current_version.number,
        can_publish=True,
    )
    entries = printing.select_entries(db, "thematique", {})
    assert [e.fiche_id for e in entries].count(fiche.id) == 1
    # its first thématique by position (accès aux droits, 1) is its chapter
    assert next(e.chapter for e in entries if e.fiche_id == fiche.id) == "Accès aux droits"
    only_sante = printing.select_entries(db, "thematique", {"thematiques": ["sante"]})
    assert [(e.fiche_id, e.chapter) for e in only_sante] == [(fiche.id, "Santé")]


# --- frozen versions --------------------------------------------------------------------------------------


def test_regenerating_a_past_edition_prints_the_same_text(db, world, tmp_path):
    printing.seed_helplines(db)
    edition = new_edition(db)
    first = generate(db, edition, tmp_path)
    frozen = {item.fiche_id: item.version_id for item in edition.items}

    # Everything changes afterwards: a fiche's text, an organisation's name, a lieu, the helplines; a new
    # fiche is published and another one archived.
    fiche = world.fiches["published_a"]
    fiches.save(
        db,
        fiche,
        {**fiches.content_of(fiche.current_version), "nom": "Titre tout neuf", "horaires": ""},
        world.users["coord"],
        base_number=fiche.current_version.number,
        can_publish=True,
    )
    db.get(Organisation, world.orgs["b"].id).nom = "Bêta Santé renommée"
    world.lieux["c"].adresse = "99 avenue Ailleurs"
    db.scalars(select(Helpline)).first().label = "Numéro renommé"
    fiches.transition(db, world.fiches["published_c"], "archive", world.users["coord"])
    fiches.transition(db, world.fiches["pending_a"], "publish", world.users["coord"])
    db.flush()
    assert "Titre tout neuf" in [e.version.nom for e in printing.select_entries(db)]

    edition.status = EditionStatus.QUEUED
    second = generate(db, edition, tmp_path)
    assert {item.fiche_id: item.version_id for item in edition.items} == frozen
    assert second.texts == first.texts
    joined = "".join(second.texts)
    assert "Titre tout neuf" not in joined and "renommée" not in joined and "Ailleurs" not in joined

    # A new edition prints the fiches as they are now: the whole of what it would lay out (the HTML handed to
    # WeasyPrint, whose layout of such HTML the two generations above checked; a third layout would show
    # nothing more).
    fresh = new_edition(db, title="Guide 2028", year=2028)
    printing.freeze(db, fresh)
    document = printing.build_document(db, fresh, SITE)
    joined = printing.render_edition_html(
        document,
        parts=["front", "chapters", "map", "indexes", "end"],
        start_page=1,
        page_of=collections.defaultdict(lambda: 1),
        pieces=[piece for part in printing.chapter_parts(document.chapters) for piece in part],
    )
    assert "Titre tout neuf" in joined and "Bêta Santé renommée" in joined and "Fiche pending a" in joined
    assert "Fiche published c" not in joined


def test_an_archived_edition_keeps_the_quartier_map_it_was_printed_with(db, world):
    """A contour loaded later, a quartier renamed or removed, does not change the reprint of an edition."""
    edition = new_edition(db)
    printing.freeze(db, edition)
    quartier = db.scalar(select(Quartier).where(Quartier.code == "Q-TEST"))
    before = printing.build_document(db, edition, SITE).map_svg
    assert "Quartier test" in before and 'data-quartier="Q-TEST"' in before
    quartier.nom, quartier.schematic = "Quartier renommé", False
    quartier.geometry = {
        "type": "Polygon",
        "coordinates": [[[3.0, 45.7], [3.2, 45.7], [3.2, 45.9], [3.0, 45.9], [3.0, 45.7]]],
    }
    db.add(Quartier(code="Q-NEW", nom="Quartier ajouté", slug="quartier-ajoute", geometry=factories.SQUARE))
    db.flush()
    assert printing.build_document(db, edition, SITE).map_svg == before
    assert db.scalar(select(Quartier).where(Quartier.code == "Q-TEST")).nom == "Quartier renommé"  # untouched
    # a new edition draws the quartiers of today
    fresh = new_edition(db, title="Guide 2028", year=2028)
    printing.freeze(db, fresh)
    now = printing.build_document(db, fresh, SITE).map_svg
    assert "Quartier renommé" in now and "Quartier ajouté" in now and "Quartier test" not in now
    # an edition frozen before quartiers were frozen with editions draws today's
    edition.snapshot = {key: value for key, value in edition.snapshot.items() if key != "quartiers"}
    assert "Quartier renommé" in printing.build_document(db, edition, SITE).map_svg


# --- check list -------------------------------------------------------------------------------------------


def _published(db, world, **content):
    fiche = fiches.create_fiche(db, world.orgs["a"], factories.content(**content), world.users["coord"])
    fiches.transition(db, fiche, "publish", world.users["coord"])
    return fiche


def test_preflight_lists_what_would_print_badly(db, world):
    lieu = world.lieux["a"].id
    no_hours = _published(db, world, nom="Sans horaires", horaires="", lieux=[lieu])
    no_address = _published(db, world, nom="Sans adresse", lieux=[])
    stale = _published(db, world, nom="Ancienne", lieux=[lieu])
    stale.confirmed_at = dt.date.today() - dt.timedelta(days=400)
    long_summary = _published(db, world, nom="Bavarde", resume="Très long résumé. " * 12, lieux=[lieu])
    no_contact = _published(db, world, nom="Injoignable", telephone="", lieux=[lieu])
    fine = world.fiches["published_a"]
    db.flush()
    edition = new_edition(db)
    problems = printing.preflight(db, edition)
    kinds = {(p.fiche_id, p.kind) for p in problems}
    assert (no_hours.id, "horaires") in kinds
    assert (no_address.id, "adresse") in kinds
    assert (stale.id, "ancienne") in kinds
    assert (long_summary.id, "resume") in kinds
    assert (no_contact.id, "contact") in kinds
    assert not [p for p in problems if p.fiche_id == fine.id]
    # In A4 the compact fiche has room for the long summary (216 characters).
    assert (long_summary.id, "resume") not in {
        (p.fiche_id, p.kind) for p in printing.preflight(db, new_edition(db, page_format="A4"))
    }


# --- coordination pages -----------------------------------------------------------------------------------


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "editions.run_inline": "true"}


def test_partners_and_anonymous_cannot_open_edition_pages(testapp, world, login, db):
    edition = new_edition(db)
    db.commit()
    urls = [
        "/coordination/editions",
        "/coordination/editions/nouvelle",
        f"/coordination/editions/{edition.id}",
        f"/coordination/editions/{edition.id}/apercu",
        f"/coordination/editions/{edition.id}/verification",
        f"/coordination/editions/{edition.id}/generation",
        f"/coordination/editions/{edition.id}/progression",
        f"/coordination/editions/{edition.id}/pdf",
        "/coordination/numeros-utiles",
    ]
    for url in urls:
        response = testapp.get(url)
        assert response.status_int == 303 and "/connexion" in response.location, url
    assert post(testapp, f"/coordination/editions/{edition.id}/generer", expect_errors=True).status_int == 303
    login("owner.a@test.fr")
    for url in urls:
        assert testapp.get(url, expect_errors=True).status_int == 403, url
    assert post(testapp, f"/coordination/editions/{edition.id}/generer", expect_errors=True).status_int == 403
    assert db.get(Edition, edition.id).status == EditionStatus.DRAFT


def test_coordinator_opens_checks_previews_and_generates_an_edition(testapp, world, login, db, monkeypatch):
    login("coord@test.fr")
    page = testapp.get("/coordination/editions")
    assert "Aucune édition" in visible(page)
    form = page.click("Nouvelle édition").forms["deform"]
    assert form["title"].value.startswith("Guide du territoire")
    form["title"] = "Guide du territoire 2027"
    form["year"] = "2027"
    response = form.submit("save")
    assert response.status_int == 303
    page = response.follow()
    text = visible(page)
    assert "Brouillon" in text and "3 (toutes les fiches publiées)" in text

    preview = testapp.get(page.html.find("a", string="Aperçu de l'édition")["href"])
    assert preview.content_type == "text/html"
    for key in ("published_a", "published_b", "published_c"):
        assert world.fiches[key].published_version.nom in preview.text
    assert "Fiche draft a" not in preview.text and "/static/print/edition.css" in preview.text

    check = testapp.get(page.html.find("a", string="Voir la liste des points à revoir")["href"])
    assert "Rien à signaler" in visible(check) or "À revoir" in visible(check)

    response = last_form(page).submit()
    assert response.status_int == 303 and response.location.endswith("/generation")
    progress_page = response.follow()
    assert "Télécharger le PDF" in visible(progress_page)
    edition = db.scalars(select(Edition)).one()
    data = testapp.get(f"/coordination/editions/{edition.id}/progression").json
    assert data["done"] and data["progress"] == 100 and data["status"] == "terminee"
    pdf = testapp.get(data["pdf_url"])
    assert pdf.content_type == "application/pdf"
    assert 'filename="guide-2027-' in pdf.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(pdf.body)).pages) % 4 == 0

    listing = visible(testapp.get("/coordination/editions"))
    assert "Guide du territoire 2027" in listing and "Terminée" in listing and "PDF" in listing
    # Once generated, the choices are frozen: the form is closed, regenerating is offered.
    assert testapp.get(f"/coordination/editions/{edition.id}/modifier").status_int == 303
    view = testapp.get(f"/coordination/editions/{edition.id}")
    assert "Régénérer le PDF" in visible(view)
    # Regenerating runs the generation again on the frozen fiches (what a regeneration prints:
    # test_regenerating_a_past_edition_prints_the_same_text; its layout here would be the one above again).
    runs = generations_run(monkeypatch)
    again = last_form(view).submit()
    assert again.status_int == 303 and again.location.endswith("/generation")
    assert runs == [(edition.id, True)]
    assert "3 fiches figées le" in visible(again.follow())


def generations_run(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, bool]]:
    """Generations the site starts from now on, as (edition id, frozen already), without their layout."""
    runs: list[tuple[int, bool]] = []

    def generate(db: Any, edition: Edition, **kwargs: Any) -> bytes:
        runs.append((edition.id, edition.frozen))
        return b""

    monkeypatch.setattr(printing, "generate", generate)
    return runs


def test_edition_form_rejects_bad_values(testapp, world, login):
    login("coord@test.fr")
    form = testapp.get("/coordination/editions/nouvelle").forms["deform"]
    form["title"] = ""
    form["year"] = "1850"
    page = form.submit("save")
    assert page.status_int == 200
    assert "obligatoire" in visible(page) and "après 2000" in visible(page)


def test_helplines_are_managed_by_coordinators(testapp, world, login, db):
    printing.seed_helplines(db)
    db.commit()
    assert printing.seed_helplines(db) == 0  # seeded once
    login("coord@test.fr")
    page = testapp.get("/coordination/numeros-utiles")
    for number in ("17", "112", "115", "119", "3919"):
        assert number in visible(page)
    form = page.forms["deform"]
    form["number"] = "116 006"
    form["label"] = "France Victimes"
    form["description"] = "Aide aux victimes"
    page = form.submit("add").follow()
    assert "116 006" in visible(page)
    helpline = db.scalars(select(Helpline).where(Helpline.number == "116 006")).one()
    edit = testapp.get(f"/coordination/numeros-utiles/{helpline.id}").forms["deform"]
    edit["label"] = "France Victimes 63"
    edit.submit("save").follow()
    db.refresh(helpline)
    assert helpline.label == "France Victimes 63"
    helpline_id = helpline.id
    post(testapp, f"/coordination/numeros-utiles/{helpline_id}/supprimer").follow()
    db.expire_all()
    assert db.get(Helpline, helpline_id) is None
    bad = testapp.get("/coordination/numeros-utiles").forms["deform"]
    bad["number"] = "pas un numéro"
    bad["label"] = "X"
    assert "Numéro de téléphone non reconnu" in visible(bad.submit("add"))


# --- the console script -----------------------------------------------------------------------------------


def _file_database(tmp_path: Path) -> tuple[str, Any]:
    url = migrated(f"sqlite:///{tmp_path / 'guide.sqlite'}")  # a copy of the run's migrated template
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        session.execute(delete(Thematique))  # the world brings its own (a fresh guide has the taxonomy)
        factories.build_world(session)
        printing.seed_helplines(session)
        session.commit()
    return url, engine


def test_guide_edition_command_runs_a_generation_that_meets_a_locked_database_again(
    tmp_path, capsys, monkeypatch
):
    """``guide-edition`` generates an edition from the command line and writes its PDF. SQLite refuses at once
    to upgrade a reading transaction when another connection has committed since it began (« database is
    locked »): the generation is then run again instead of being reported failed. (One test: one database
    and one layout for both, where two tests laid out the same small guide twice.)"""
    import sqlite3

    from sqlalchemy import Engine, event

    url, engine = _file_database(tmp_path)
    real_generate, calls = printing.generate, []

    def locked_once(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO edition_item") and len(calls) == 1:
            calls.append("locked")
            raise sqlite3.OperationalError("database is locked")

    def generate_once_locked(db, edition, **kwargs):
        calls.append(edition.id)
        if len(calls) == 1:  # the first run meets the lock in a flush, as guide-worker met it (1 December)
            event.listen(Engine, "before_cursor_execute", locked_once)
            try:
                return real_generate(db, edition, **kwargs)
            finally:
                event.remove(Engine, "before_cursor_execute", locked_once)
        return real_generate(db, edition, **kwargs)

    monkeypatch.setattr(printing, "generate", generate_once_locked)
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    output = tmp_path / "guide-2027.pdf"
    code = edition_script.main([str(ini), "--year", "2027", "--group", "quartier", "-o", str(output)])
    assert code == 0 and calls[1:] == ["locked", calls[0]]  # run again after the lock
    err = capsys.readouterr().err
    assert "100 %" in err and "Guide enregistré" in err
    reader = PdfReader(str(output))
    assert len(reader.pages) % 4 == 0 and reader.metadata.title == "Guide du territoire 2027"
    with make_session_factory(engine)() as session:
        edition = session.scalars(select(Edition)).one()
        assert edition.status == EditionStatus.DONE and edition.grouping == "quartier"
        assert len(edition.items) == 3
    assert edition_script.main([str(ini), "--edition", "999"]) == 2
    # an error that is not lock contention is not retried: the edition is « Échec » with its message
    monkeypatch.setattr(printing, "generate", lambda *a, **k: 1 / 0)
    assert edition_script.main([str(ini), "--year", "2028", "-o", str(tmp_path / "b.pdf")]) == 1
    with make_session_factory(engine)() as session:
        failed = session.scalars(select(Edition).where(Edition.year == 2028)).one()
        assert failed.status == EditionStatus.FAILED and "division by zero" in failed.message
    engine.dispose()


def test_the_site_generates_in_a_separate_process_and_reports_progress(tmp_path):
    """The real thing: the web app queues the generation, the ``guide-worker`` process does it and the
    progress endpoint follows it until the PDF is there."""
    from .test_worker import running_worker, write_ini

    url, engine = _file_database(tmp_path)
    worker = running_worker(
        write_ini(tmp_path / "worker.ini", url, tmp_path / "worker-var"), tmp_path / "worker.log"
    )
    app = main(
        {},
        database_url=url,
        var_dir=str(tmp_path / "var"),
        secret="test-secret-" + "x" * 32,
        site_url=SITE,
        **{"mail.backend": "file", "pyramid.reload_templates": "false"},
    )
    testapp = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    form = testapp.get("/connexion").forms["deform"]
    form["email"] = "coord@test.fr"
    form["password"] = factories.PASSWORD
    form.submit("login")
    form = testapp.get("/coordination/editions/nouvelle").forms["deform"]
    edition_page = form.submit("save").follow()
    response = last_form(edition_page).submit()
    assert response.status_int == 303
    progress_url = response.location.replace("/generation", "/progression")
    assert testapp.get(progress_url).json["status"] == "en_attente"  # queued: nothing runs in the web app
    with worker:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            data = testapp.get(progress_url).json
            if data["done"] or data["failed"]:
                break
            # each look is a request to the in-process app: tens of ms of this test's CPU under coverage, and
            # the generation takes seconds (as the page itself looks every second or so)
            time.sleep(0.25)
    assert data["done"], (data, (tmp_path / "worker.log").read_text()[-3000:])
    pdf = testapp.get(data["pdf_url"])
    assert len(PdfReader(io.BytesIO(pdf.body)).pages) % 4 == 0
    assert "100 %" in (tmp_path / "worker.log").read_text()  # the generation's progress, in the worker's log
    engine.dispose()


def test_unknown_editions_and_interrupted_generations(testapp, world, login, db, monkeypatch):
    login("coord@test.fr")
    for url in (
        "/coordination/editions/999999",
        "/coordination/editions/abc/apercu",
        "/coordination/editions/-1/progression",
        "/coordination/editions/1%00/pdf",
        "/coordination/numeros-utiles/xyz",
    ):
        assert testapp.get(url, expect_errors=True).status_int in (400, 404), url  # NUL bytes: 400
    edition = new_edition(db, status=EditionStatus.RUNNING, progress=40)
    edition.updated_at = edition.updated_at - dt.timedelta(minutes=30)  # its process died long ago
    db.commit()
    data = testapp.get(f"/coordination/editions/{edition.id}/progression").json
    assert data["failed"] and "interrompue" in data["message"]
    assert testapp.get(f"/coordination/editions/{edition.id}/pdf", expect_errors=True).status_int == 404
    # relaunching it starts its generation again (inline here; a generation's outcome: the tests above)
    runs = generations_run(monkeypatch)
    response = post(testapp, f"/coordination/editions/{edition.id}/generer")
    assert response.status_int == 303 and runs == [(edition.id, False)]
    data = testapp.get(f"/coordination/editions/{edition.id}/progression").json
    assert data["status"] == "en_cours" and not data["failed"]
