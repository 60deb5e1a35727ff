"""Requests no browser sends (undecodable paths, query strings and forms, multipart without boundary,
huge bodies, thousands of fields) get a French 400 or 413, on every route, never a 500; invisible
characters that could disguise text (bidi overrides and isolates) never reach the database."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import webtest
from pyramid.interfaces import IRoutesMapper

from guide.models import Fiche
from tests.functional.helpers import csrf_token, visible

BAD = "%ff%fe"  # not UTF-8 once decoded


def _values(world: Any) -> dict[str, str]:
    """A real id for each URL placeholder, so that the request reaches the view."""
    fiche = world.fiches["draft_a"]
    membership = world.users["editor_a"].memberships[0]
    return {
        "ref": str(world.fiches["published_a"].id),
        "slug": world.orgs["a"].slug,
        "id": str(world.fiches["published_a"].id),
        "token": "x" * 20,
        "org_id": str(world.orgs["a"].id),
        "membership_id": str(membership.id),
        "lieu_id": str(world.lieux["a"].id),
        "fiche_id": str(fiche.id),
        "name": "submit",
        "number": "1",
        "user_id": str(world.users["editor_a"].id),
        "subpath": "app.css",
    }


def _routes(app: Any) -> list[Any]:
    return app.registry.getUtility(IRoutesMapper).get_routes()


def _fill(pattern: str, values: dict[str, str], bad_last: bool = False) -> str:
    """The route's path with its placeholders filled in; with ``bad_last``, the last one (or the last
    segment when there is none) carries an invalid percent-encoding."""
    names = re.findall(r"\{(\w+)[^}]*\}|\*(\w+)", pattern)
    path = "/" + pattern.lstrip("/")
    for index, (name, star) in enumerate(names):
        key = name or star
        value = BAD if bad_last and index == len(names) - 1 else values.get(key, "1")
        path = re.sub(r"\{" + key + r"[^}]*\}|\*" + key, value, path, count=1)
    if bad_last and not names:
        path += BAD
    return path


def _assert_refused(response: webtest.TestResponse, status: int, words: str) -> None:
    assert response.status_int == status, (response.request.path_qs, response.status, response.text[:500])
    if response.request.environ["PATH_INFO"].startswith("/api/"):
        assert words in response.json["erreur"]
    else:
        assert words in visible(response)


def test_every_route_answers_400_to_an_invalid_percent_encoding(testapp, world):
    """(Anonymous: the router decodes the path before any view, and WebTest's cookie jar cannot.)"""
    values = _values(world)
    routes = _routes(testapp.app)
    assert len(routes) > 60
    for route in routes:
        url = _fill(route.pattern, values, bad_last=True)
        _assert_refused(testapp.get(url, expect_errors=True), 400, "caractères illisibles")


def test_every_route_answers_400_to_an_undecodable_query_string(testapp, world, login):
    login("admin@test.fr")
    values = _values(world)
    for route in _routes(testapp.app):
        url = _fill(route.pattern, values) + f"?q={BAD}&page=1"
        _assert_refused(testapp.get(url, expect_errors=True), 400, "caractères illisibles")


def _post_routes(app: Any) -> list[str]:
    """The routes with a view that accepts POST."""
    names = set()
    for item in app.registry.introspector.get_category("views"):
        view = item["introspectable"]
        methods = view["request_methods"]
        if view["route_name"] and (methods is None or "POST" in methods):
            names.add(view["route_name"])
    routes = {route.name: route for route in _routes(app)}
    return sorted(routes[name].pattern for name in names if not name.startswith("__"))


def _multipart_without_boundary(token: str) -> bytes:
    return (
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b'\r\n--x\r\nContent-Disposition: form-data; name="nom"\r\n\r\nCaf\xc3\xa9\r\n--x--\r\n'
    )


@pytest.mark.parametrize(
    "kind",
    ["multipart without boundary", "charset=latin-1", "latin-1 bytes", "latin-1 multipart part"],
)
def test_every_post_endpoint_answers_400_to_an_unreadable_form(testapp, world, login, kind):
    login("admin@test.fr")
    token = csrf_token(testapp)
    if kind == "multipart without boundary":
        body, content_type = _multipart_without_boundary(token), "multipart/form-data"
    elif kind == "charset=latin-1":
        body = f"csrf_token={token}&nom=Caf%E9&save=save".encode()
        content_type = "application/x-www-form-urlencoded; charset=latin-1"
    elif kind == "latin-1 bytes":
        body = f"csrf_token={token}&nom=Café&save=save".encode("latin-1")
        content_type = "application/x-www-form-urlencoded"
    else:
        body = _multipart_without_boundary(token).replace(b"Caf\xc3\xa9", b"Caf\xe9")
        content_type = "multipart/form-data; boundary=x"
    values = _values(world)
    patterns = _post_routes(testapp.app)
    assert len(patterns) > 40
    message = "n'a pas pu être lu" if kind == "multipart without boundary" else "caractères illisibles"
    for pattern in patterns:
        url = _fill(pattern, values)
        response = testapp.request(
            url, method="POST", body=body, content_type=content_type, expect_errors=True
        )
        _assert_refused(response, 400, message)


def test_a_well_formed_utf8_form_still_goes_through(testapp, world, login, db):
    """The checks refuse only what is malformed: the same form, well encoded, is saved."""
    login("owner.a@test.fr")
    fiche = world.fiches["draft_a"]
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Café des aidants — ouvert à tous"
    assert form.submit("save").status_int == 303
    db.expire_all()
    assert db.get(Fiche, fiche.id).current_version.nom == "Café des aidants — ouvert à tous"


# --------------------------------------------------------------------------------------------------
# Request size and number of fields
# --------------------------------------------------------------------------------------------------

TWENTY_MB = 20 * 1024 * 1024


def test_a_20_mb_body_gets_413_before_it_is_read(testapp, world):
    body = b"email=" + b"a" * TWENTY_MB
    response = testapp.post(
        "/mot-de-passe-oublie", body, content_type="application/x-www-form-urlencoded", expect_errors=True
    )
    _assert_refused(response, 413, "trop volumineux")
    api = testapp.request("/api/v1/search", method="POST", body=body, expect_errors=True)
    _assert_refused(api, 413, "trop volumineux")


def test_a_20_mb_chunked_body_without_length_gets_413(testapp, world):
    environ = {
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": io.BytesIO(b"email=" + b"a" * TWENTY_MB),
        "wsgi.input_terminated": True,  # as waitress says for a chunked body
    }
    request = webtest.TestRequest.blank("/mot-de-passe-oublie", environ=environ, method="POST")
    request.environ.pop("CONTENT_LENGTH", None)
    request.environ["HTTP_HOST"] = "localhost"
    response = testapp.do_request(request, status=None, expect_errors=True)
    _assert_refused(response, 413, "trop volumineux")


def test_5000_form_fields_get_a_400(testapp, world, login):
    login("admin@test.fr")
    token = csrf_token(testapp)
    fields = [("csrf_token", token)] + [(f"f{i}", "x") for i in range(5000)]
    response = testapp.post("/coordination/inviter", fields, expect_errors=True)
    _assert_refused(response, 400, "trop de champs")
    multipart = testapp.post(
        "/coordination/inviter", fields, content_type="multipart/form-data", expect_errors=True
    )
    _assert_refused(multipart, 400, "trop de champs")
    query = "&".join(f"thematique=t{i}" for i in range(5000))
    _assert_refused(testapp.get(f"/recherche?{query}", expect_errors=True), 400, "trop de champs")
    _assert_refused(testapp.get(f"/api/v1/search?{query}", expect_errors=True), 400, "trop de champs")


# --------------------------------------------------------------------------------------------------
# Invisible characters that disguise text
# --------------------------------------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\ufeff\u2060"


def test_bidi_overrides_and_invisible_characters_are_stripped_from_form_text(testapp, world, login, db):
    """« Aide ‮sreipap‬ » would read « Aide papiers » reversed on screen: what is saved is what is seen."""
    login("owner.a@test.fr")
    fiche = world.fiches["draft_a"]
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Aide \u202esreipap\u202c aux familles\u2066\u200b"
    form["description"] = "Un texte\u2067 ordinaire\u2069 avec\ufeff des pièges\u202d.\u200f"
    form["courriel"] = "contact\u202e@alpha.fr"
    page = form.submit("save")
    assert page.status_int == 303, visible(page)[:2000]
    db.expire_all()
    version = db.get(Fiche, fiche.id).current_version
    assert version.nom == "Aide sreipap aux familles"
    assert version.description == "Un texte ordinaire avec des pièges."
    assert version.courriel == "contact@alpha.fr"
    for text in (version.nom, version.description, version.courriel):
        assert not set(text) & set(BIDI)


def test_joiners_needed_by_emoji_and_scripts_are_kept(testapp, world, login, db):
    login("owner.a@test.fr")
    fiche = world.fiches["draft_a"]
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Accueil des familles 👨\u200d👩\u200d👧"
    assert form.submit("save").status_int == 303
    db.expire_all()
    assert db.get(Fiche, fiche.id).current_version.nom == "Accueil des familles 👨\u200d👩\u200d👧"


def test_importer_normalisers_strip_bidi_characters() -> None:
    from guide import normalize

    assert normalize.email("contact\u202e@alpha\u2066.fr") == "contact@alpha.fr"
    assert normalize.url("https://www.alpha\u202e.fr/\u2069") == "https://www.alpha.fr/"
    assert normalize.phone("04\u202e 73 98 07 81") == "04 73 98 07 81"
