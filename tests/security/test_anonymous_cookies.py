"""Anonymous visitors get no cookie on public pages, which a shared cache may keep for a minute; the
selection still works (and still refuses cross-site forms); pages of logged-in users are never cached."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from guide.models import Base

from ..functional.helpers import visible


def _public_urls(testapp, world) -> list[str]:
    fiche = world.fiches["published_a"]
    canonical = testapp.get(f"/fiche/{fiche.id}").location  # the short address redirects to the named one
    return [
        "/",
        f"/fiche/{fiche.id}",
        canonical,
        "/structure/alpha",
        "/quartier/quartier-test",
        "/recherche",
        "/recherche?q=fiche",
        "/recherche?quartier=quartier-test&tri=nom",
        "/carte.geojson",
        "/manifest.webmanifest",
        "/api/v1/search?q=fiche",
        f"/api/v1/fiches/{fiche.id}",
        "/selection",
        "/page-qui-n-existe-pas",
        "/fiche/999999",
    ]


def _row_counts(db) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_public_pages_set_no_cookie_write_nothing_and_are_briefly_cacheable(testapp, world, db):
    """Each public URL asked once (and once more with its ETag): no cookie, nothing written in the database,
    cacheable by a shared cache for a minute and revalidated with its ETag."""
    db.expire_all()
    before = _row_counts(db)
    for url in _public_urls(testapp, world):
        response = testapp.get(url, expect_errors=True)
        assert response.status_int in (200, 301, 404), url
        assert "Set-Cookie" not in response.headers, url
        assert not testapp.cookies, url
        if response.status_int != 200:
            continue
        assert response.headers["Cache-Control"] == "public, max-age=60", url
        assert "Cookie" in response.headers.get("Vary", ""), url
        etag = response.headers["ETag"]
        again = testapp.get(url, headers={"If-None-Match": etag}, status=304)
        assert again.body == b"", url
        assert "Set-Cookie" not in again.headers, url
    db.expire_all()
    after = _row_counts(db)
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    changed.pop("search_miss", None)  # queries without results are counted on purpose (another item)
    assert changed == {}
    fiche_page = testapp.get(f"/fiche/{world.fiches['published_a'].id}").follow()
    # the « ajouter à ma sélection » button is there, without a token (that would need a session)
    assert fiche_page.html.select_one("form.selection-toggle button") is not None
    assert 'name="csrf_token"' not in fiche_page.text
    home = testapp.get("/")
    changed = testapp.get("/", headers={"If-None-Match": '"not-the-same"'})
    assert changed.status_int == 200 and changed.body == home.body


def _selection_form(page):
    return next(f for f in page.forms.values() if f.action.startswith("/selection/"))


def test_adding_to_the_selection_sets_the_cookie_and_keeps_working(testapp, world):
    a, b = world.fiches["published_a"], world.fiches["published_b"]
    page = testapp.get(f"/fiche/{a.id}").follow()
    assert not testapp.cookies
    response = _selection_form(page).submit(headers={"Origin": "http://localhost"})
    assert response.status_int == 303
    assert "guide_session" in testapp.cookies
    page = response.follow()
    assert "Fiche ajoutée à votre sélection (1 fiche)" in visible(page)
    assert "private" in page.headers["Cache-Control"] and "no-store" in page.headers["Cache-Control"]
    # now that there is a session, the buttons carry its token; with it, no Origin header is needed
    results = testapp.get("/recherche?q=fiche")
    form = next(
        f
        for f in results.forms.values()
        if f.action.endswith("/selection/ajouter") and f["fiche_id"].value == str(b.id)
    )
    assert form["csrf_token"].value
    form.submit().follow()
    selection = visible(testapp.get("/selection"))
    assert "Fiche published a" in selection and "Fiche published b" in selection
    # and removing, from the same page, with a token or with the Origin header
    page = testapp.get(f"/fiche/{a.id}").follow()
    remove = _selection_form(page)
    assert remove.action.endswith("/selection/retirer")
    remove.submit(headers={"Referer": page.request.url}).follow()
    selection = visible(testapp.get("/selection"))
    assert "Fiche published a" not in selection and "Fiche published b" in selection


def test_a_cross_site_post_to_the_selection_is_refused(testapp, world):
    fiche_id = str(world.fiches["published_a"].id)
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "http://localhost.evil.example"},
        {},  # no Origin, no Referer, no session: nothing shows where the form came from
    ):
        for action in ("ajouter", "retirer", "vider"):
            response = testapp.post(
                f"/selection/{action}", {"fiche_id": fiche_id}, headers=headers, expect_errors=True
            )
            assert response.status_int == 400, (action, headers)
            assert "Set-Cookie" not in response.headers
    assert not testapp.cookies
    # a visitor with a session: a cross-site form is refused even with the cookie, token or not
    testapp.post("/selection/ajouter", {"fiche_id": fiche_id}, headers={"Origin": "http://localhost"})
    token = next(
        f for f in testapp.get("/recherche?q=fiche").forms.values() if f.action.startswith("/selection/")
    )["csrf_token"].value
    for data in ({"fiche_id": fiche_id}, {"fiche_id": fiche_id, "csrf_token": "forged"}):
        response = testapp.post("/selection/retirer", data, expect_errors=True)  # no Origin: token needed
        assert response.status_int == 400
    response = testapp.post(
        "/selection/vider",
        {"csrf_token": token},
        headers={"Origin": "https://evil.example"},
        expect_errors=True,
    )
    assert response.status_int == 400
    assert "Fiche published a" in visible(testapp.get("/selection"))


def test_pages_of_logged_in_users_are_not_publicly_cacheable(testapp, world, login):
    login("owner.a@test.fr")
    for url in ("/espace", "/", f"/fiche/{world.fiches['published_a'].id}", "/api/v1/search?q=fiche"):
        response = testapp.get(url)
        if response.status_int == 301:
            response = response.follow()
        cache = response.headers.get("Cache-Control", "")
        assert "private" in cache and "no-store" in cache and "public" not in cache, url
        assert "ETag" not in response.headers, url


# --- in a real browser: Chromium sends Origin on its own, the selection works without a token -------------


@pytest.mark.browser
def test_a_visitor_browses_without_cookie_then_uses_the_selection_in_chromium(browser, live_url):
    base = live_url  # the session's demo site: only this visitor's selection changes, and is emptied
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(base + "/")
        page.goto(base + "/recherche?q=aide")
        page.locator("ol.hits a").first.click()
        page.wait_for_load_state()
        assert context.cookies() == []
        name = page.locator("h1").first.inner_text()
        page.locator("form.selection-toggle button").first.click()
        page.wait_for_selector(".flash-ok")
        assert "Fiche ajoutée à votre sélection" in page.locator(".flash-ok").inner_text()
        assert [c["name"] for c in context.cookies()] == ["guide_session"]
        page.goto(base + "/selection")
        assert name in page.locator(".selection-list").inner_text()
        page.locator(".selection-list form button").first.click()
        page.wait_for_selector(".flash-ok")
        assert "Votre sélection est vide" in page.locator("main").inner_text()
    finally:
        context.close()
