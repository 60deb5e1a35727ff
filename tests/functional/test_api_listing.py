"""The listing of the API for re-users: stable paging, updated_since, ETag, CORS, rate limit, JSON errors."""

from __future__ import annotations

import datetime as dt

import pytest

from guide.models import Fiche, IndexChange
from guide.services import fiches


def _all_pages(testapp, url):
    ids, pages = [], 0
    while url:
        data = testapp.get(url).json
        ids += [f["id"] for f in data["fiches"]]
        url = data["suivant"]
        pages += 1
        assert pages < 100
    return ids, pages


def test_paging_lists_every_public_fiche_once(testapp, demo_guide, db):
    public = {f.uid for f in db.query(Fiche).filter(Fiche.is_public)}
    ids, pages = _all_pages(testapp, "/api/v1/fiches?limit=7")
    assert sorted(ids) == sorted(public) and len(ids) == len(set(ids))
    assert pages == -(-len(public) // 7)


def test_a_fiche_published_between_two_pages_is_neither_repeated_nor_skipped(testapp, world, db):
    first = testapp.get("/api/v1/fiches?limit=1").json
    assert first["nombre"] == 1 and first["curseur_suivant"]
    assert testapp.get("/api/v1/fiches?limit=1").headers["Link"] == f'<{first["suivant"]}>; rel="next"'
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    last_seen = int(first["curseur_suivant"])
    pending = sorted((f for k, f in world.fiches.items() if k.startswith("pending")), key=lambda f: f.id)
    before, after = pending[0], pending[-1]
    assert before.id < last_seen < after.id
    for fiche in (before, after):
        fiches.transition(db, fiche, "publish", world.users["coord"])
    db.flush()
    rest, _pages = _all_pages(testapp, first["suivant"])
    seen = [f["id"] for f in first["fiches"]] + rest
    assert len(seen) == len(set(seen))
    assert after.uid in seen  # published behind the cursor: on a later page of the same walk
    # published ahead of the cursor: the next synchronisation (updated_since the walk's start) gets it
    since = started.strftime("%Y-%m-%dT%H:%M:%SZ")
    synced = testapp.get(f"/api/v1/fiches?updated_since={since}").json["fiches"]
    assert before.uid in [f["id"] for f in synced]


def test_updated_since_lists_only_what_changed(testapp, world, db):
    assert testapp.get("/api/v1/fiches?updated_since=2099-01-01").json["fiches"] == []
    everything = testapp.get("/api/v1/fiches").json["fiches"]
    assert len(everything) >= 2
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    fiche = world.fiches["published_b"]
    db.add(IndexChange(fiche_id=fiche.id, at=later))  # what the public sees of it changed then
    db.flush()
    since = (later - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = testapp.get(f"/api/v1/fiches?updated_since={since}").json["fiches"]
    assert [f["id"] for f in changed] == [fiche.uid]
    assert changed[0]["modifie_le"].startswith(later.strftime("%Y-%m-%dT%H:%M"))


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("updated_since=hier", "updated_since"),
        ("updated_since=2026-13-01", "updated_since"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("limit=abc", "limit"),
        ("after=xyz", "after"),
        ("page=2", "Paramètre inconnu"),
    ],
)
def test_bad_parameters_get_a_french_json_400(testapp, world, query, words):
    response = testapp.get(f"/api/v1/fiches?{query}", status=400)
    assert response.content_type == "application/json"
    assert words in response.json["erreur"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_far_dates_are_read_not_refused(testapp, world):
    assert testapp.get("/api/v1/fiches?updated_since=0001-01-01T00:00:00%2B05:00").json["nombre"] >= 2
    assert testapp.get("/api/v1/fiches?updated_since=9999-12-31T23:59:59-05:00").json["nombre"] == 0


def test_etag_gives_304(testapp, world):
    first = testapp.get("/api/v1/fiches")
    etag = first.headers["ETag"]
    again = testapp.get("/api/v1/fiches", headers={"If-None-Match": etag}, status=304)
    assert again.body == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    fiche = world.fiches["published_a"]
    assert testapp.get(f"/api/v1/fiches/{fiche.uid}", headers={"If-None-Match": etag}).status_int == 200


def test_cors_for_get_without_credentials(testapp, world):
    response = testapp.get("/api/v1/fiches", headers={"Origin": "https://partenaire.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers
    preflight = testapp.options(
        "/api/v1/fiches",
        headers={"Origin": "https://partenaire.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "if-none-match"},
    )  # fmt: skip
    assert preflight.status_int == 204
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "If-None-Match"


def test_unknown_api_address_is_a_json_404(testapp):
    assert testapp.get("/api/v1", status=303).location == "http://localhost/api/v1/"
    for method in (testapp.post, testapp.put, testapp.delete):
        assert method("/api/v1/fiches/1", status=404).json["erreur"]
    response = testapp.get("/api/v1/rien", status=404)
    assert response.json["erreur"].startswith("Cette adresse ne correspond à aucune ressource")
    assert testapp.get("/api/v1/fiches/%01%02", status=404).json["erreur"]
    assert testapp.get("/api/v1/fiches/" + "x" * 300, status=404).json["erreur"]


def test_structure_id_does_not_double_the_source_prefix(testapp, world, db):
    fiche = world.fiches["published_a"]
    organisation = fiche.organisation
    organisation.source, organisation.source_id = "mediation-numerique", "mediation-numerique--42"
    db.flush()
    data = testapp.get(f"/api/v1/fiches/{fiche.uid}").json
    assert data["structure"]["id"] == "mediation-numerique--42"


def test_unknown_addresses_answer_404_to_any_method(testapp):
    for method in (testapp.post, testapp.put, testapp.delete):
        page = method("/nexiste-pas", status=404)
        assert "Page introuvable" in page.text
    assert testapp.get("/fiche", status=404)


def test_a_synchronisation_learns_which_fiches_were_withdrawn(testapp, world, db):
    since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # after the world's own archiving
    assert testapp.get(f"/api/v1/fiches?updated_since={since}").json["retirees"] == []
    fiche = world.fiches["published_b"]
    fiches.transition(db, fiche, "archive", world.users["coord"])
    db.flush()
    data = testapp.get(f"/api/v1/fiches?updated_since={since}").json
    assert data["retirees"] == [fiche.uid]
    assert fiche.uid not in [f["id"] for f in data["fiches"]]
    assert "retirees" not in testapp.get("/api/v1/fiches").json
