"""« État du guide »: every number matches the list its link opens; CSV exports; the public freshness page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from guide.models import ErrorReport, Membership
from guide.services import fiches, quality
from guide.services.freshness import add_months

from .helpers import visible


def _numbers_and_lists(testapp, page):
    """Each link of the page to a list, with the number it shows and the list's own total."""
    out = []
    for link in page.html.select('a[href*="/coordination/etat-du-guide/"]'):
        href = link["href"]
        if href.endswith(".csv") or "/delais/" in href:
            continue
        shown = int(link.get_text(strip=True))
        listing = testapp.get(href)
        total = int(re.match(r"\s*(\d+) ligne", listing.html.select_one("p.intro").get_text()).group(1))
        out.append((href, shown, total, listing))
    return out


def _make_stale(db, world, today):
    a = world.fiches["published_a"]
    a.confirmed_at = add_months(today, -14)  # past its 12 months
    b = world.fiches["published_b"]
    b.confirmed_at = add_months(today, -12) + dt.timedelta(days=10)  # in its last month
    c = world.fiches["published_c"]
    c.confirmed_at = today
    version = b.published_version
    version.horaires = ""
    version.telephone = version.courriel = version.site_web = ""
    db.flush()


def test_every_number_matches_the_list_it_links_to(testapp, world, db, login):
    from guide import hours

    today = hours.today()
    _make_stale(db, world, today)
    db.add(ErrorReport(fiche_id=world.fiches["published_a"].id, message="Le numéro a changé."))
    db.flush()
    login("coord@test.fr")
    page = testapp.get("/coordination/etat-du-guide")
    pairs = _numbers_and_lists(testapp, page)
    assert len(pairs) >= 9 + 3 * 3  # the figures, and three per group row
    for href, shown, total, _listing in pairs:
        assert shown == total, href
    by_href = {href: (shown, listing) for href, shown, _total, listing in pairs}
    shown, listing = by_href["/coordination/etat-du-guide/a-verifier"]
    assert shown == 1 and "Fiche published a" in visible(listing)
    assert by_href["/coordination/etat-du-guide/bientot"][0] == 1
    assert by_href["/coordination/etat-du-guide/sans-horaires"][0] == 1
    assert by_href["/coordination/etat-du-guide/sans-contact"][0] == 1
    assert by_href["/coordination/etat-du-guide/signalements"][0] == 1
    assert by_href["/coordination/etat-du-guide/relecture"][0] == 3  # one pending fiche per organisation
    text = visible(page)
    assert "67 %" in text  # two of the three published fiches are within their period


def test_organisations_without_members_and_csv(testapp, world, db, login):
    org = world.orgs["c"]
    db.query(Membership).filter(Membership.organisation_id == org.id).delete()
    db.flush()
    login("coord@test.fr")
    listing = testapp.get("/coordination/etat-du-guide/structures-sans-membre")
    assert "Service municipal Gamma" in visible(listing)
    assert "Association Alpha" not in visible(listing)
    csv = testapp.get("/coordination/etat-du-guide/structures-sans-membre.csv")
    assert csv.content_type == "text/csv"
    assert "attachment" in csv.headers["Content-Disposition"]
    lines = csv.body.decode("utf-8-sig").splitlines()
    assert lines[0] == "N°;Structure;Courriel;Téléphone;Fiches publiées"
    assert len(lines) == 2 and "Service municipal Gamma" in lines[1]


def test_csv_cells_cannot_become_spreadsheet_formulas(testapp, world, db, login):
    version = world.fiches["published_a"].published_version
    version.nom = '=HYPERLINK("http://evil")'
    version.horaires = ""
    db.flush()
    login("coord@test.fr")
    body = testapp.get("/coordination/etat-du-guide/sans-horaires.csv").body.decode("utf-8-sig")
    assert ";\"'=HYPERLINK" in body
    assert ";=" not in body and ';"=' not in body


def test_lists_filtered_by_group_and_bad_filters(testapp, world, db, login):
    from guide import hours

    _make_stale(db, world, hours.today())
    login("coord@test.fr")
    org = world.orgs["a"]
    listing = testapp.get(f"/coordination/etat-du-guide/a-verifier?organisation={org.id}")
    assert "Fiche published a" in visible(listing) and "Association Alpha" in visible(listing)
    other = testapp.get(f"/coordination/etat-du-guide/a-verifier?organisation={world.orgs['b'].id}")
    assert "Rien dans cette liste" in visible(other)
    for bad in ("organisation=abc", "organisation=99999999", "thematique=-1", "page=999"):
        assert (
            testapp.get(f"/coordination/etat-du-guide/a-verifier?{bad}", expect_errors=True).status_int == 404
        )
    assert testapp.get("/coordination/etat-du-guide/inconnue", expect_errors=True).status_int == 404
    assert testapp.get("/coordination/etat-du-guide/inconnue.csv", expect_errors=True).status_int == 404
    groups = testapp.get("/coordination/etat-du-guide/delais/thematique.csv").body.decode("utf-8-sig")
    assert groups.splitlines()[0].startswith("Thématique;Fiches publiées;Dans leur délai")
    assert testapp.get("/coordination/etat-du-guide/delais/autre.csv", expect_errors=True).status_int == 404


def test_state_is_for_coordinators_only(testapp, world, login):
    login("owner.a@test.fr")
    assert testapp.get("/coordination/etat-du-guide", expect_errors=True).status_int == 403
    assert testapp.get("/coordination/etat-du-guide/a-verifier.csv", expect_errors=True).status_int == 403


def test_public_freshness_page_is_linked_from_every_page(testapp, world, db):
    from guide import hours

    today = hours.today()
    _make_stale(db, world, today)
    home = testapp.get("/")
    page = home.click(description="Ce guide est-il à jour ?")
    text = visible(page)
    # a: 14 months old; b: 11 months; c: today → 2 of 3 checked within a year
    assert "67 % des fiches vérifiées depuis moins d'un an" in text
    assert page.headers["Cache-Control"].startswith("public")


def test_public_freshness_without_fiches(testapp, db):
    assert "aucune fiche publiée" in visible(testapp.get("/fraicheur-du-guide"))


def test_queue_age_counts_days_waiting(db, world):
    from guide.models import utcnow

    pending = world.fiches["pending_a"]
    pending.state_changed_at = utcnow() - dt.timedelta(days=9)
    db.flush()
    state = quality.guide_state(db, dt.date.today(), utcnow())
    assert state.queue.count == 3
    assert state.queue.oldest_days == 9


@pytest.mark.parametrize("slug", sorted(quality.LISTS))
def test_every_list_renders_and_exports(testapp, world, login, slug):
    login("coord@test.fr")
    assert testapp.get(f"/coordination/etat-du-guide/{slug}").status_int == 200
    assert testapp.get(f"/coordination/etat-du-guide/{slug}.csv").status_int == 200


def test_a_confirmation_moves_a_fiche_out_of_the_list(testapp, world, db, login):
    from guide import hours

    _make_stale(db, world, hours.today())
    fiches.confirm(world.fiches["published_a"], world.users["owner_a"])
    db.flush()
    login("coord@test.fr")
    assert "Rien dans cette liste" in visible(testapp.get("/coordination/etat-du-guide/a-verifier"))


def test_public_freshness_is_computed_once_a_minute(testapp, world, db):
    from guide import hours

    first = visible(testapp.get("/fraicheur-du-guide?x=1"))
    _make_stale(db, world, hours.today())
    assert visible(testapp.get("/fraicheur-du-guide?x=2")) == first  # a query string does not recompute
