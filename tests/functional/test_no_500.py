"""Whatever a person (or a robot) sends, the answer is a page, never a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import csrf_token, post

FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TEXT = st.text(max_size=80) | st.sampled_from(
    ["", "0", "²", "-1", "9" * 30, "../../etc/passwd", "<script>", "\x00"]
)
NAMES = st.sampled_from(
    [
        "nom",
        "resume",
        "mots_simples",
        "description",
        "__start__",
        "__end__",
        "horaires:mapping",
        "mode",
        "raw",
        "Mo-0-start",
        "Mo-0-end",
        "ph_off",
        "age_min",
        "age_max",
        "thematiques",
        "fermetures:sequence",
        "debut",
        "telephone",
        "courriel",
        "site_web",
        "base_version",
        "save",
        "upload",
        "uid",
        "latitude",
        "email",
        "password",
    ]
)


@pytest.fixture
def owner_token(testapp, world, login):
    """Logged in as owner A once for all the examples; the session's CSRF token, which a refused form does
    not change (each answer is checked not to be the « Formulaire expiré » page)."""
    login("owner.a@test.fr")
    return csrf_token(testapp)


@FUZZ
@given(controls=st.lists(st.tuples(NAMES, TEXT), max_size=30))
def test_fiche_form_posts(testapp, world, owner_token, controls):
    token = owner_token
    fiche = world.fiches["draft_a"]
    for url in (
        f"/espace/fiches/{fiche.id}/modifier",
        f"/espace/structures/{world.orgs['a'].id}/lieux/nouveau",
        f"/espace/structures/{world.orgs['a'].id}/modifier",
    ):
        response = testapp.post(url, [("csrf_token", token), *controls, ("save", "save")], expect_errors=True)
        assert response.status_int < 500, response.text[-2000:]
        assert "Formulaire expiré" not in response.text, url  # the form itself answered


@FUZZ
@given(
    segment=TEXT,
    query=st.dictionaries(st.sampled_from(["de", "a", "next", "structure", "q", "simple"]), TEXT),
)
def test_urls(testapp, world, segment, query):
    from urllib.parse import quote

    part = quote(segment, safe="")
    fiche = world.fiches["published_a"].id
    for url in (
        f"/fiche/{part}",
        f"/structure/{part}",
        f"/mot-de-passe/{part}",
        f"/invitation/{part}",
        f"/espace/fiches/{part}",
        f"/espace/fiches/{fiche}/versions/{part}",
        f"/fiche/{fiche}-{part}",
    ):
        response = testapp.get(url, params=query, expect_errors=True)
        assert response.status_int < 500, (url, response.status)


@FUZZ
@given(email=TEXT, password=TEXT)
def test_login_form(testapp, world, email, password):
    testapp.reset()
    form = testapp.get("/connexion").forms["deform"]
    form["email"], form["password"] = email, password
    assert form.submit("login", expect_errors=True).status_int < 500


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "thematique",
                "public",
                "quartier",
                "gratuit",
                "accessible",
                "langue",
                "ouvert",
                "tri",
                "lat",
                "lon",
                "page",
                "par_page",
            ]
        ),
        TEXT,
    )
)
def test_search_parameters(testapp, world, query):
    """The results page and the API answer 200 or 400 (with a JSON message), never 500."""
    page = testapp.get("/recherche", params=query, expect_errors=True)
    assert page.status_int in (200, 400), page.status
    api = testapp.get("/api/v1/search", params=query, expect_errors=True)
    assert api.status_int in (200, 400), api.status
    if api.status_int == 400:
        assert api.json["erreur"]


def test_malformed_or_unknown_ids_in_coordination_urls_are_404(testapp, world, login):
    login("admin@test.fr")
    for url in (
        "/coordination/quartiers/abc",
        "/coordination/quartiers/99999",
        "/coordination/thematiques/%C2%B2",
        "/coordination/synonymes/99999",
        "/coordination/editions/999",
        "/coordination/numeros-utiles/x",
    ):
        assert testapp.get(url, expect_errors=True).status_int == 404, url
    assert post(testapp, "/admin/comptes/99999", {"role": "admin"}, expect_errors=True).status_int == 404
