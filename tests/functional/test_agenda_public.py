"""The public agenda: the week's rendez-vous with the guide's filters, an event's page, past and unpublished
events never shown, « Prochains rendez-vous » on an organisation's and a fiche's page."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide import hours
from guide.formatting import date_fr
from guide.models import State
from guide.models.agenda import EventKind, Registration
from guide.models.meta import utcnow

from .agenda_helpers import local_start, make_event, tomorrow


def _titles(page):
    return [a.get_text(strip=True) for a in page.html.select(".agenda-item .agenda-title a")]


def _week(day):
    return {"semaine": day.isoformat()}


def test_week_lists_published_events_by_day_with_french_dates(testapp, world, db):
    day = tomorrow()
    make_event(db, world.orgs["a"], "Atelier budget", local_start(day, 14), lieu=world.lieux["a"])
    make_event(
        db, world.orgs["b"], "Café des parents", local_start(day, 9, 30), duration=dt.timedelta(minutes=90)
    )
    page = testapp.get("/agenda", params=_week(day))
    assert _titles(page) == ["Café des parents", "Atelier budget"]  # in time order
    heading = page.html.select_one(".agenda-day time")
    assert heading["datetime"] == day.isoformat()
    assert heading.get_text() == date_fr(day, "EEEE d MMMM")  # « mardi 1 décembre »
    when = page.html.select(".agenda-when")[0]
    assert when.get_text(" ", strip=True) == "9 h 30 – 11 h"
    assert when.select("time")[0]["datetime"].startswith(f"{day.isoformat()}T09:30")
    assert "Quartier test" in page.html.select(".agenda-meta")[1].get_text()
    assert page.html.select_one("h1").get_text(strip=True) == "Agenda"


def test_past_drafts_pending_and_archived_events_are_never_public(testapp, world, db):
    day = tomorrow()
    now = utcnow()
    past = make_event(
        db, world.orgs["a"], "Réunion passée", now - dt.timedelta(hours=3), duration=dt.timedelta(hours=1)
    )
    hidden = [
        make_event(db, world.orgs["a"], f"Rendez-vous {state.value}", local_start(day, 10), state=state)
        for state in (State.DRAFT, State.PENDING, State.ARCHIVED)
    ]
    shown = make_event(db, world.orgs["a"], "Rendez-vous publié", local_start(day, 10))
    titles = _titles(testapp.get("/agenda", params=_week(day))) + _titles(testapp.get("/agenda"))
    assert "Rendez-vous publié" in titles
    for event in [past, *hidden]:
        assert event.titre not in titles
        testapp.get(f"/agenda/rendez-vous/{event.id}", status=410 if event is past else 404)
        testapp.get(f"/agenda/rendez-vous/{event.id}.ics", status=404)
    gone = testapp.get(f"/agenda/rendez-vous/{past.id}", status=410)
    assert "Ce rendez-vous est passé." in gone.text and gone.html.select_one(
        "a[href='/agenda/structure/alpha']"
    )
    org_page = testapp.get("/agenda/structure/alpha", params=_week(day))
    assert _titles(org_page) == ["Rendez-vous publié"]
    testapp.get(f"/agenda/rendez-vous/{shown.id}", status=301)


def test_filters_are_the_guides_with_counts_and_a_link_that_removes_them(testapp, world, db):
    day = tomorrow()
    make_event(
        db, world.orgs["a"], "Atelier droits", local_start(day, 10), thematiques=("acces-aux-droits",),
        publics=("familles",), lieu=world.lieux["a"],
    )  # fmt: skip
    make_event(db, world.orgs["b"], "Dépistage", local_start(day, 11), thematiques=("sante",), gratuit=False)
    make_event(
        db,
        world.orgs["b"],
        "Conférence santé",
        local_start(day, 18),
        thematiques=("sante",),
        kind=EventKind.CONFERENCE,
    )
    page = testapp.get("/agenda", params=_week(day))
    facets = {d.select_one("summary").get_text(strip=True): d for d in page.html.select("details.facet")}
    assert set(facets) >= {"Thématique", "Public", "Quartier", "Gratuit", "Type de rendez-vous"}
    sante = next(a for a in facets["Thématique"].select("a") if "Santé" in a.get_text())
    assert "(2)" in sante.get_text()
    filtered = testapp.get(sante["href"])
    assert sorted(_titles(filtered)) == ["Conférence santé", "Dépistage"]
    free = testapp.get("/agenda", params={**_week(day), "thematique": "sante", "gratuit": "1"})
    assert _titles(free) == ["Conférence santé"]
    by_quartier = testapp.get("/agenda", params={**_week(day), "quartier": "quartier-test"})
    assert _titles(by_quartier) == ["Atelier droits"]
    by_public = testapp.get("/agenda", params={**_week(day), "public": "familles"})
    assert _titles(by_public) == ["Atelier droits"]
    by_type = testapp.get("/agenda", params={**_week(day), "type": "conference"})
    assert _titles(by_type) == ["Conférence santé"]
    remove = free.html.select(".active-filters a")
    assert len(remove) == 2
    assert sorted(_titles(testapp.get(remove[1]["href"]))) == ["Conférence santé", "Dépistage"]
    # the scoped pages: by thématique and by quartier, each with its own feed
    theme_page = testapp.get("/agenda/thematique/sante", params=_week(day))
    assert sorted(_titles(theme_page)) == ["Conférence santé", "Dépistage"]
    assert theme_page.html.select_one("h1").get_text(strip=True) == "Agenda : Santé"
    assert (
        theme_page.html.select_one(".agenda-subscribe a.btn")["href"]
        == "http://localhost/agenda/thematique/sante.ics"
    )
    quartier_page = testapp.get("/agenda/quartier/quartier-test", params=_week(day))
    assert _titles(quartier_page) == ["Atelier droits"]
    testapp.get("/agenda/quartier/nulle-part", status=404)
    testapp.get("/agenda/thematique/nulle-part.ics", status=404)


def test_odd_parameters_get_a_french_message_never_a_500(testapp, world):
    for params in (
        {"thematique": "inconnue"},
        {"quartier": "<script>"},
        {"semaine": "2026-13-45"},
        {"semaine": "9999-01-01"},
        {"page": "0"},
        {"page": "99999999999"},
        {"gratuit": "oui"},
        {"type": "x" * 500},
    ):
        page = testapp.get("/agenda", params=params, status=400)
        assert page.html.select_one(".flash-error").get_text(strip=True)
        assert "<script>" not in page.text
    # a past week is this week (past events are gone): not an error
    testapp.get("/agenda", params={"semaine": "2020-01-01"}, status=200)
    testapp.get("/agenda/rendez-vous/abc", status=404)
    testapp.get("/agenda/rendez-vous/99999999999999999999", status=404)


def test_weeks_are_paged_and_bounded(testapp, world, db):
    day = tomorrow()
    for n in range(35):
        make_event(db, world.orgs["c"], f"Permanence {n:02d}", local_start(day, 8) + dt.timedelta(minutes=n))
    first = testapp.get("/agenda", params=_week(day))
    assert len(_titles(first)) == 30
    assert "35 rendez-vous" in first.html.select_one(".agenda-count").get_text()
    second = testapp.get(first.html.select_one(".pagination a[rel=next]")["href"])
    assert _titles(second) == [f"Permanence {n:02d}" for n in range(30, 35)]
    next_week = testapp.get(first.html.select_one(".week-nav a[rel=next]")["href"])
    assert "Permanence 00" not in _titles(next_week)


def test_empty_week_shows_the_next_rendez_vous(testapp, world, db):
    later = hours.today() + dt.timedelta(days=30)
    make_event(db, world.orgs["a"], "Fête de quartier", local_start(later, 15))
    page = testapp.get("/agenda")
    assert "Aucun rendez-vous cette semaine." in page.text
    assert "Fête de quartier" in _titles(page)


def test_event_page_dates_series_place_registration_and_links(testapp, world, db):
    day = tomorrow()
    fiche = world.fiches["published_a"]
    byday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    series = make_event(
        db,
        world.orgs["a"],
        "Atelier numérique",
        local_start(day, 14),
        rrule=f"FREQ=WEEKLY;COUNT=6;BYDAY={byday}",
        cancelled=((day + dt.timedelta(days=7)).isoformat(),),
        lieu=world.lieux["a"],
        fiche=fiche,
        inscription=Registration.REQUIRED,
        thematiques=("acces-aux-droits",),
        description="Apprendre à utiliser sa messagerie.\n\nApportez votre téléphone.",
    )
    page = testapp.get(f"/agenda/rendez-vous/{series.id}").follow()
    html = page.html
    assert html.select_one("h1").get_text(strip=True) == "Atelier numérique"
    assert "tous les" in html.select_one(".agenda-series").get_text()
    dates = html.select(".agenda-dates li")
    assert len(dates) == 5  # six, one cancelled
    assert dates[0].get_text(" ", strip=True) == f"{date_fr(day, 'EEEE d MMMM')}, 14 h – 16 h"
    assert dates[1].get_text(" ", strip=True).startswith(date_fr(day + dt.timedelta(days=14), "EEEE d MMMM"))
    assert "Dates annulées" in page.text
    assert "Inscription obligatoire" in page.text and "au 04 73 00 00 00" in page.text
    assert html.select_one("a[href^='geo:']")
    assert html.select_one(f"a[href^='/fiche/{fiche.id}-']")
    assert html.select_one("a[href='/structure/alpha']")
    ics = html.select_one("a[download]")
    assert ics.get_text(strip=True) == "Ajouter à mon agenda"
    response = testapp.get(ics["href"])
    assert response.content_type == "text/calendar"
    data = json.loads(html.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "Event" and data["name"] == "Atelier numérique"
    assert data["startDate"].startswith(f"{day.isoformat()}T14:00") and data["location"]["@type"] == "Place"


def test_organisation_and_fiche_pages_show_their_coming_rendez_vous(testapp, world, db):
    day = tomorrow()
    fiche = world.fiches["published_a"]
    make_event(db, world.orgs["a"], "Atelier de la fiche", local_start(day, 10), fiche=fiche)
    make_event(db, world.orgs["a"], "Réunion de la structure", local_start(day, 16))
    make_event(db, world.orgs["a"], "Brouillon", local_start(day, 17), state=State.DRAFT)
    org_page = testapp.get("/structure/alpha")
    section = org_page.html.select_one(".agenda-upcoming")
    assert section.select_one("h2").get_text(strip=True) == "Prochains rendez-vous"
    assert _titles(org_page) == ["Atelier de la fiche", "Réunion de la structure"]
    fiche_page = testapp.get(f"/fiche/{fiche.id}").follow()
    assert _titles(fiche_page) == ["Atelier de la fiche"]
    assert testapp.get("/structure/beta").html.select_one(".agenda-upcoming") is None


def test_agenda_is_linked_from_the_home_page_and_the_navigation(testapp, world):
    home = testapp.get("/")
    assert home.html.select_one(".main-nav a[href='/agenda']")
    assert home.html.select_one("main a[href='/agenda']")


@given(
    params=st.dictionaries(
        st.sampled_from(["thematique", "public", "quartier", "gratuit", "type", "semaine", "page", "x"]),
        st.text(max_size=40) | st.sampled_from(["", "1", "sante", "2026-12-01", "9" * 20, "\x00", "<b>"]),
        max_size=4,
    ),
    ref=st.text(max_size=30),
)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(testapp, world, params, ref):
    for path in ("/agenda", "/agenda/structure/alpha", "/api/v1/evenements"):
        response = testapp.get(path, params=params, expect_errors=True)
        assert response.status_int < 500, (path, params)
    response = testapp.get(f"/agenda/rendez-vous/{quote(ref, safe='')}", expect_errors=True)
    assert response.status_int < 500, ref
