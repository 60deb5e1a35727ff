"""The printed guide's optional « Agenda » section: the agenda's series only, only when the edition's box is
ticked, frozen with the edition, in the contents with its page."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from sqlalchemy import select

import guide.print as printing
from guide.models import Edition, Event, State

from ..pdftext import page_texts
from .agenda_helpers import local_start, make_event, tomorrow
from .helpers import visible

SITE = "http://localhost"


def _events(db, world):
    day = tomorrow()
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    make_event(
        db,
        world.orgs["a"],
        "Atelier couture du mardi",
        local_start(day, 14),
        rrule=f"FREQ=WEEKLY;BYDAY={weekday};UNTIL={day + dt.timedelta(days=180):%Y%m%d}T235959",
        lieu=world.lieux["a"],
    )
    make_event(db, world.orgs["b"], "Conférence unique", local_start(day, 18))
    make_event(
        db,
        world.orgs["b"],
        "Série en brouillon",
        local_start(day, 9),
        rrule="FREQ=WEEKLY;COUNT=5",
        state=State.DRAFT,
    )


def _edition(db, **filters):
    edition = Edition(title="Guide du territoire 2027", year=2027, page_format="A5", grouping="thematique",
                      filters={"thematiques": [], "quartiers": [], **filters}, message="")  # fmt: skip
    db.add(edition)
    db.flush()
    return edition


def test_section_only_when_ticked_with_series_only(db, world):
    _events(db, world)
    plain = printing.build_document(db, _edition(db), SITE)
    assert plain.agenda == []
    ticked = printing.build_document(db, _edition(db, agenda=True), SITE)
    assert [e.title for e in ticked.agenda] == ["Atelier couture du mardi"]
    event = ticked.agenda[0]
    assert event.when.startswith("Tous les")
    assert "Lieu Association Alpha" in event.where and event.quartier == "Quartier test"
    html = printing.render_edition_html(ticked, printing.stylesheet_files("edition.css"))
    assert "Agenda : les rendez-vous réguliers" in html and "Atelier couture du mardi" in html
    html_plain = printing.render_edition_html(plain, printing.stylesheet_files("edition.css"))
    assert "Agenda : les rendez-vous réguliers" not in html_plain


def test_section_is_frozen_with_the_edition_and_printed_in_the_pdf(db, world, tmp_path):
    _events(db, world)
    edition = _edition(db, agenda=True)
    result = printing.generate(db, edition, site_url=SITE)
    text = re.sub(r"\s+", "", "".join(page_texts(result)))  # PDFium: pypdf's extract_text cost more
    assert "Agenda:lesrendez-vousréguliers" in text and "Ateliercouturedumardi" in text
    assert "Conférenceunique" not in text and "Sérieenbrouillon" not in text
    assert [row["titre"] for row in edition.snapshot["agenda"]] == ["Atelier couture du mardi"]
    if os.environ.get("GUIDE_SAVE_PDF"):  # to look at it: GUIDE_SAVE_PDF=/tmp/dir pytest …
        Path(os.environ["GUIDE_SAVE_PDF"], "edition-agenda.pdf").write_bytes(result)
    # a later change of the event does not change the frozen edition's section
    event = db.scalar(select(Event).where(Event.titre == "Atelier couture du mardi"))
    event.titre = "Atelier renommé"
    db.flush()
    again = printing.build_document(db, edition, SITE)
    assert [e.title for e in again.agenda] == ["Atelier couture du mardi"]


def test_the_edition_form_has_the_box_off_by_default(testapp, world, login, db):
    login("coord@test.fr")
    form = testapp.get("/coordination/editions/nouvelle").forms["deform"]
    assert form["agenda"].checked is False
    form["agenda"] = True
    page = form.submit("save").follow()
    assert "avec la section « Agenda »" in visible(page)
    edition = db.scalars(select(Edition).order_by(Edition.id.desc())).first()
    assert edition.filters["agenda"] is True
