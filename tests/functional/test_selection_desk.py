"""The agents' selection at the front desk: a note under each fiche, the order, a short link that keeps
working without an account (bounded), the discreet print and the large print that never splits a fiche."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from guide.models import Fiche, FicheVersion, SharedSelection
from guide.services import selection

from ..pdftext import page_texts
from .helpers import csrf_token, limit_rate, post, visible


@pytest.fixture
def app_settings(app_settings):
    # the settings of the other PDF tests (test_print_on_demand, test_pro_info_leaks…): one cached app for
    # all of them, its templates compiled once (the share limit is set by its test)
    return {**app_settings, "pdf.wait_seconds": "300"}


def _add(testapp, *fiches):
    for fiche in fiches:
        post(testapp, "/selection/ajouter", {"fiche_id": str(fiche.id)})


def _order(testapp):
    return [li.a.get_text() for li in testapp.get("/selection").html.select(".selection-list > li")]


def _note(testapp, fiche, text, **kw):
    return post(testapp, "/selection/note", {"fiche_id": str(fiche.id), "note": text}, **kw)


def _squash(text):
    return re.sub(r"\s+", "", text)


def test_a_note_is_saved_kept_escaped_and_printed_under_its_fiche(testapp, world):
    a, b = world.fiches["published_a"], world.fiches["published_b"]
    _add(testapp, a, b)
    note = "RDV mardi 14 h <b>Mme Martin</b> & co"
    assert _note(testapp, a, note).status_int == 303
    page = testapp.get("/selection")
    assert page.html.select_one(f"#note-{a.id}").get_text() == note
    assert "<b>Mme" not in page.text and "&lt;b&gt;Mme Martin&lt;/b&gt; &amp; co" in page.text
    assert page.html.select_one(f"#note-{b.id}").get_text() == ""
    # kept through other changes, printed under its fiche only
    _add(testapp, world.fiches["published_c"])
    printed = testapp.get("/selection/imprimer")
    notes = printed.html.select("article.fiche .note")
    assert [n.get_text(" ", strip=True) for n in notes] == [f"Note {note}"]
    assert (
        notes[0].find_parent("article").select_one(".fiche-title").get_text(strip=True) == "Fiche published a"
    )
    assert "<b>Mme" not in printed.text
    large = testapp.get("/selection/imprimer", {"gros": "1"})
    assert note in visible(large)
    assert "RDVmardi14h" in _squash("".join(page_texts(testapp.get("/selection.pdf").body)))
    # emptied
    _note(testapp, a, "   ")
    assert testapp.get("/selection").html.select_one(f"#note-{a.id}").get_text() == ""


def test_a_note_too_long_is_refused_beside_the_field_and_kept_as_typed(testapp, world):
    a = world.fiches["published_a"]
    _add(testapp, a)
    typed = "Rendez-vous " + "x" * selection.NOTE_MAX
    page = _note(testapp, a, typed, expect_errors=True)
    assert page.status_int == 400
    error = page.html.select_one(f"#note-{a.id}-error").get_text()
    assert f"{selection.NOTE_MAX} au plus" in error
    field = page.html.select_one(f"#note-{a.id}")
    assert field.get_text() == typed and field["aria-describedby"] == f"note-{a.id}-error"
    assert testapp.get("/selection").html.select_one(f"#note-{a.id}").get_text() == ""  # nothing saved


def test_notes_together_stay_within_the_session_cookie(testapp, world, db):
    from guide.services import fiches

    from .. import factories

    chosen = []
    for n in range(8):
        fiche = fiches.create_fiche(db, world.orgs["b"], factories.content(nom=f"Service {n}"), None)
        fiches.transition(db, fiche, "publish", None)
        chosen.append(fiche)
    db.commit()
    _add(testapp, *chosen)
    refused = 0
    for fiche in chosen:
        response = _note(testapp, fiche, "é" * selection.NOTE_MAX, expect_errors=True)
        refused += response.status_int == 400
        assert response.status_int in (303, 400)
    assert refused and "trop longues au total" in visible(
        _note(testapp, chosen[-1], "é" * 150, expect_errors=True)
    )
    assert len(testapp.cookies["guide_session"]) < 4000


def test_reorder_up_and_down_without_javascript(testapp, world):
    a, b, c = (world.fiches[k] for k in ("published_a", "published_b", "published_c"))
    _add(testapp, a, b, c)
    response = post(testapp, "/selection/deplacer", {"fiche_id": str(c.id), "sens": "haut"})
    assert response.status_int == 303 and response.location.endswith(f"/selection#choix-{c.id}")
    assert _order(testapp) == ["Fiche published a", "Fiche published c", "Fiche published b"]
    post(testapp, "/selection/deplacer", {"fiche_id": str(a.id), "sens": "bas"})
    assert _order(testapp) == ["Fiche published c", "Fiche published a", "Fiche published b"]
    post(testapp, "/selection/deplacer", {"fiche_id": str(c.id), "sens": "haut"})  # already first
    post(testapp, "/selection/deplacer", {"fiche_id": "nimporte", "sens": "bas"})
    post(testapp, "/selection/deplacer", {"fiche_id": str(a.id), "sens": "côté"})
    assert _order(testapp) == ["Fiche published c", "Fiche published a", "Fiche published b"]
    printed = testapp.get("/selection/imprimer").html.select(".fiche-title")
    assert [t.get_text(strip=True) for t in printed] == _order(testapp)
    page = testapp.get("/selection").html
    first, last = page.select(".selection-list > li")[0], page.select(".selection-list > li")[-1]
    assert "Monter" not in first.get_text() and "Descendre" in first.get_text()
    assert "Descendre" not in last.get_text()


def test_short_link_opens_a_read_only_copy_without_an_account(app, testapp, world, db):
    import webtest

    a, b = world.fiches["published_a"], world.fiches["published_b"]
    _add(testapp, b, a)
    _note(testapp, b, "Demander Karim, lundi 9 h 30")
    response = post(testapp, "/selection/partager")
    assert response.status_int == 303 and response.location.endswith("/selection#partage")
    box = testapp.get("/selection").html.select_one(".share-box")
    url = box.select_one("a.short-url")["href"]
    assert re.fullmatch(r"http://localhost/s/[A-Za-z0-9_-]{11}", url)
    assert unquote(box.select_one("[data-action=selection-sms]")["href"]).endswith(url)
    assert url in unquote(box.select_one("[data-action=selection-courriel]")["href"])
    assert box.select_one("img.qr")["src"].startswith("data:image/png;base64,")
    # someone else, no cookie: the list in its order with the note, printable, nothing to change
    stranger = webtest.TestApp(app)
    copy = stranger.get(url.replace("http://localhost", ""))
    assert "Set-Cookie" not in copy.headers
    titles = [t.get_text(strip=True) for t in copy.html.select(".fiche-title")]
    assert titles == ["Fiche published b", "Fiche published a"]
    assert "Demander Karim, lundi 9 h 30" in visible(copy)
    assert copy.html.select("form") == []
    assert "gros=1" in copy.html.select_one(".toolbar-print").decode()
    pdf = stranger.get(url.replace("http://localhost", "") + ".pdf")
    assert pdf.content_type == "application/pdf"
    assert "DemanderKarim" in _squash("".join(page_texts(pdf.body)))
    # the agent's selection goes on changing; the link keeps what it shared
    _note(testapp, a, "Apporter un justificatif de domicile")
    page = testapp.get("/selection")
    assert page.html.select_one(
        ".share-box"
    ) is None and "ce lien montre toujours l'ancienne liste" in visible(page)
    post(testapp, "/selection/vider")
    assert [t.get_text(strip=True) for t in stranger.get(url[16:]).html.select(".fiche-title")] == titles
    # sharing the same list again gives the same link
    _add(testapp, b, a)
    _note(testapp, b, "Demander Karim, lundi 9 h 30")
    post(testapp, "/selection/partager")
    assert testapp.get("/selection").html.select_one("a.short-url")["href"] == url
    assert db.scalar(select(func.count()).select_from(SharedSelection)) == 1


def test_short_links_are_bounded(app, testapp, world, db, monkeypatch):
    a, b = world.fiches["published_a"], world.fiches["published_b"]
    assert "rien à partager" in visible(post(testapp, "/selection/partager").follow())
    _add(testapp, a, b)
    # ``ratelimit.selection_share = 3/hour`` for this test, set on the app's rate limiter (the setting would
    # make an app of its own, templates compiled again; tests/functional/test_api_ratelimit checks that a
    # ``ratelimit.*`` setting is read)
    allowed = 3
    limit_rate(app, monkeypatch, "selection_share", f"{allowed}/hour")
    token = csrf_token(testapp)  # asked once (post() asks a page for it each time)
    for n in range(allowed):
        testapp.post("/selection/note", {"csrf_token": token, "fiche_id": str(a.id), "note": f"version {n}"})
        testapp.post("/selection/partager", {"csrf_token": token})
    _note(testapp, a, "une de trop")
    page = post(testapp, "/selection/partager").follow()
    assert "beaucoup de liens en peu de temps" in visible(page)
    assert db.scalar(select(func.count()).select_from(SharedSelection)) == allowed
    for token in ("inconnu-123", "x", "a" * 200, "..%2F..%2Fetc", "%E2%80%AE"):
        assert testapp.get(f"/s/{token}", expect_errors=True).status_int == 404
        assert testapp.get(f"/s/{token}.pdf", expect_errors=True).status_int == 404
    # an expired link answers 404, and is deleted when the next link is made
    import datetime as dt

    row = db.scalars(select(SharedSelection)).first()
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    db.commit()
    expired = testapp.get(f"/s/{row.token}", expect_errors=True)
    assert expired.status_int == 404 and "a expiré" in visible(expired)
    selection.share(db, [a.id], {})
    assert db.scalar(select(func.count()).select_from(SharedSelection)) == allowed


def test_the_page_says_what_the_link_keeps(testapp, world):
    _add(testapp, world.fiches["published_a"])
    text = visible(testapp.get("/selection"))
    assert "aucune autre donnée personnelle" in text and "365 jours" in text


def _demo(db, name):
    return db.scalar(select(Fiche).join(Fiche.published_version).where(FicheVersion.nom == name))


SENSITIVE = "Accueil de jour pour les femmes victimes de violences conjugales"
PLAIN = "Permanence juridique gratuite"


def test_discreet_print_leaves_sensitive_titles_out(testapp, demo_guide, db):
    sensitive = _demo(db, SENSITIVE)
    plain = _demo(db, "Santé scolaire : bilans de santé dans les écoles publiques")
    assert not selection.is_sensitive(plain.published_version, plain.organisation.nom)
    _add(testapp, sensitive, plain)
    full = visible(testapp.get("/selection/imprimer"))
    assert SENSITIVE in full and "AVEC France Victimes 63" in full
    for response in (
        testapp.get("/selection/imprimer", {"discret": "1"}),
        testapp.get("/selection/imprimer", {"discret": "1", "gros": "1"}),
    ):
        text = visible(response)
        lowered = text.lower()
        for word in ("violence", "victime", "conjugal", "3919", "femmes"):
            assert word not in lowered, word
        assert "Accueil et accompagnement" in text and "Adresses utiles" in text
        assert "25 rue Lucie-et-Raymond-Aubrac" in text and "04 65 71 10 63" in text
        assert plain.published_version.nom in text  # the other fiche stays as it is
    pdf = testapp.get("/selection.pdf", {"discret": "1"})
    text = _squash("".join(page_texts(pdf.body))).lower()
    assert "violence" not in text and "victime" not in text and "accueiletaccompagnement" in text


def test_large_print_never_splits_a_fiche(testapp, demo_guide, db):
    """Three long fiches in large print: each on its own page at most, the QR code with its fiche."""
    names = [
        SENSITIVE,
        "Consultation gratuite d'un avocat au 25 Gisèle Halimi",
        "Atelier cybersexisme pour les adolescents",
    ]
    chosen = [_demo(db, name) for name in names]
    assert all(chosen)
    _add(testapp, *chosen)
    _note(testapp, chosen[0], "Rendez-vous lundi 7 décembre à 10 h, demander Mme Roux")
    texts = [_squash(text).lower() for text in page_texts(testapp.get("/selection.pdf", {"gros": "1"}).body)]
    assert len(texts) <= 3
    for name, text in zip(names, texts, strict=False):
        assert _squash(name).lower()[:30] in text  # each fiche starts its own page...
    for text in texts:
        assert text.count("photographiezcecarré") <= 1  # ...and its QR code is on the same page
    assert all("photographiezcecarré" in t for t in texts)


def test_odd_input_never_breaks_the_selection(testapp, world):
    _add(testapp, world.fiches["published_a"])
    for fiche_id in ("", "-1", "99999999999999999999999", "1e3", "١٢", "a" * 5000):
        for url, data in (
            ("/selection/note", {"fiche_id": fiche_id, "note": "\x00\u202e<script>" * 50}),
            ("/selection/deplacer", {"fiche_id": fiche_id, "sens": "bas"}),
            ("/selection/retirer", {"fiche_id": fiche_id}),
        ):
            response = post(testapp, url, data, expect_errors=True)
            assert response.status_int in (303, 400), (url, fiche_id, response.status_int)
    fiche = world.fiches["published_a"]
    page = _note(testapp, fiche, "\x00\u202e<script>" * 50, expect_errors=True)
    assert (
        page.status_int == 400 and "<script>" not in page.text.split("</textarea>")[0].split("<textarea")[-1]
    )
    for query in ({"gros": "x" * 3000}, {"discret": ["1", "0"]}, {"gros": "\x00"}):
        assert testapp.get("/selection/imprimer", query, expect_errors=True).status_int in (200, 400)
