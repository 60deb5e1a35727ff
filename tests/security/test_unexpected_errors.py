"""An unexpected error (a bug) gives a French page with the site's security headers, never a trace."""

from __future__ import annotations

import webtest

from guide import make_config


def _app_with_a_bug(app_settings):
    config = make_config({}, **app_settings)

    def broken(request):
        raise RuntimeError("secret internal detail")

    config.add_route("boom", "/boum")
    config.add_view(broken, route_name="boom")
    config.add_route("api_boom", "/api/v1/boum")
    config.add_view(broken, route_name="api_boom")
    return webtest.TestApp(
        config.make_wsgi_app(), extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"}
    )


def test_a_bug_gives_a_french_page_with_the_headers_and_no_trace(app_settings, db):
    app = _app_with_a_bug(app_settings)
    page = app.get("/boum", status=500)
    assert "Erreur inattendue" in page.text
    assert "secret internal detail" not in page.text and "Traceback" not in page.text
    assert "default-src" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    api = app.get("/api/v1/boum", status=500)
    assert api.json == {"erreur": "Une erreur inattendue s'est produite. Réessayez dans un instant."}
    assert "secret" not in api.text


def test_not_found_and_redirects_keep_their_own_answer(app_settings, db):
    app = _app_with_a_bug(app_settings)
    assert app.get("/pas-une-page", status=404)
    assert app.get("/espace", status=303).location.endswith("/connexion?next=%2Fespace")
