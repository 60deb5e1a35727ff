"""Host header poisoning: a request for another host is refused, and every absolute URL the site writes
(mails, API, manifest, redirects) comes from ``site_url``, whatever Host the client or a proxy sent."""

from __future__ import annotations

import time
from typing import Any

import pytest
import webtest

from guide import main
from guide.models import ErrorReport
from guide.services import reports
from tests.factories import PASSWORD
from tests.functional.helpers import choose

SITE = "https://guide.example.org"
EVIL = "evil.example.com"


@pytest.fixture
def proxied(app_settings: dict[str, Any]) -> webtest.TestApp:
    """The site as it runs behind an https proxy: site_url is https://guide.example.org, the proxy passes
    the public Host on and speaks plain http to the application."""
    settings = {**app_settings, "site_url": SITE, "session.secure": "false"}
    return webtest.TestApp(
        main({}, **settings),
        extra_environ={"HTTP_HOST": "guide.example.org", "REMOTE_ADDR": "127.0.0.1"},
    )


def _reset_form(testapp: webtest.TestApp) -> webtest.forms.Form:
    form = testapp.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = "owner.a@test.fr"
    return form


def test_reset_request_for_another_host_is_refused_and_mails_nothing(testapp, world, mailbox):
    form = _reset_form(testapp)
    page = form.submit("send", headers={"Host": EVIL}, expect_errors=True)
    assert page.status_int == 400
    assert "ne correspond pas au guide" in page.text
    # the same request from the site's own address is mailed: the only mail carries the site's link
    _reset_form(testapp).submit("send").follow()
    mail = mailbox.wait_for("owner.a@test.fr")
    assert len(mailbox.messages) == 1
    assert mailbox.link(mail).startswith("http://localhost/mot-de-passe/")
    assert EVIL not in mailbox.body(mail)


@pytest.mark.parametrize(
    "header",
    [
        "HTTP_X_FORWARDED_HOST",  # trusted by some proxies and frameworks
        "HTTP_FORWARDED",
    ],
)
def test_forwarded_host_naming_another_site_is_refused(testapp, world, mailbox, header):
    form = _reset_form(testapp)
    value = f"host={EVIL}" if header == "HTTP_FORWARDED" else EVIL
    page = form.submit("send", extra_environ={header: value}, expect_errors=True)
    assert page.status_int == 400
    assert mailbox.messages == []


@pytest.mark.parametrize(
    "host",
    [EVIL, "localhost:8080", "localhost.evil.example.com", "evil.example.com:80", "[::2]", "", "a b", "@x"],
)
def test_any_other_host_gets_a_french_400_on_every_page(testapp, world, host):
    page = testapp.get("/", extra_environ={"HTTP_HOST": host}, expect_errors=True)
    assert page.status_int == 400
    assert "Adresse inconnue" in page.text
    api = testapp.get("/api/v1/search", extra_environ={"HTTP_HOST": host}, expect_errors=True)
    assert api.status_int == 400
    assert "ne correspond pas au guide" in api.json["erreur"]


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost:80", "127.0.0.1", "[::1]", "[::1]:80"])
def test_a_loopback_site_answers_to_every_loopback_name_on_its_port(testapp, world, host):
    """A developer opening http://127.0.0.1:6543 for site_url http://localhost:6543 gets the guide."""
    assert testapp.get("/", extra_environ={"HTTP_HOST": host}).status_int == 200


def test_allowed_hosts_adds_names_but_links_still_name_site_url(app_settings, world):
    settings = {**app_settings, "site_url": SITE, "allowed_hosts": "backend.internal:6543"}
    testapp = webtest.TestApp(main({}, **settings), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    fiche = world.fiches["published_a"]
    data = testapp.get(f"/api/v1/fiches/{fiche.id}", extra_environ={"HTTP_HOST": "backend.internal:6543"})
    assert data.json["url"].startswith(SITE + "/fiche/")
    for host in ("backend.internal", "localhost", "127.0.0.1"):
        assert testapp.get("/", extra_environ={"HTTP_HOST": host}, expect_errors=True).status_int == 400


def test_reset_mail_behind_an_https_proxy_links_to_site_url(proxied, world, mailbox):
    form = _reset_form(proxied)
    form.submit("send", headers={"Origin": SITE}).follow()
    link = mailbox.link(mailbox.wait_for("owner.a@test.fr"))
    assert link.startswith(SITE + "/mot-de-passe/")


def test_invitation_mail_links_to_site_url(proxied, world, mailbox):
    page = proxied.get("/connexion")
    form = page.forms["deform"]
    form["email"], form["password"] = "coord@test.fr", PASSWORD
    assert form.submit("login", headers={"Origin": SITE}).status_int == 303
    form = proxied.get("/coordination/inviter").forms["partner"]
    form["email"] = "nouvelle@asso.fr"
    form["organisation"] = str(world.orgs["b"].id)
    choose(form, "owner")
    form.submit("invite", headers={"Origin": SITE}).follow()
    link = mailbox.link(mailbox.wait_for("nouvelle@asso.fr"))
    assert link.startswith(SITE + "/invitation/")


def test_error_report_from_another_host_is_refused_and_the_digest_links_to_site_url(
    proxied, world, mailbox, db
):
    fiche = world.fiches["published_a"]
    form = proxied.get(f"/fiche/{fiche.id}/signaler").forms["deform"]
    secret = proxied.app.registry.settings["secret"]
    form["stamp"] = reports.form_stamp(secret, time.time() - 10)
    form["message"] = "Le numéro de téléphone a changé."
    refused = form.submit("send", headers={"Host": EVIL, "Origin": SITE}, expect_errors=True)
    assert refused.status_int == 400
    assert db.query(ErrorReport).count() == 0
    form.submit("send", headers={"Origin": SITE}).follow()
    mail = mailbox.wait_for("coord@test.fr")
    assert mailbox.link(mail).startswith(SITE + "/coordination/signalements")


def test_api_urls_name_site_url(proxied, world):
    fiche = world.fiches["published_a"]
    data = proxied.get(f"/api/v1/fiches/{fiche.id}").json
    assert data["url"].startswith(SITE + "/fiche/")
    assert data["structure"]["url"] == SITE + "/structure/" + world.orgs["a"].slug
    hits = proxied.get("/api/v1/search").json
    urls = [hit["url"] for hit in hits["results"]]
    assert urls and all(url.startswith(SITE + "/fiche/") for url in urls)


def test_manifest_and_redirects_name_site_url(proxied, world):
    manifest = proxied.get("/manifest.webmanifest").json
    assert manifest["start_url"] == SITE + "/"
    assert all(icon["src"].startswith(SITE + "/static/") for icon in manifest["icons"])
    redirect = proxied.get("/espace")
    assert redirect.location.startswith(SITE + "/connexion")


def test_a_site_under_a_path_prefixes_its_urls(app_settings, world):
    """site_url https://guide.example.org/guide (a proxy passing /guide/… as /…): links keep /guide."""
    settings = {**app_settings, "site_url": SITE + "/guide/"}
    testapp = webtest.TestApp(main({}, **settings), extra_environ={"HTTP_HOST": "guide.example.org"})
    fiche = world.fiches["published_a"]
    assert testapp.get(f"/api/v1/fiches/{fiche.id}").json["url"].startswith(SITE + "/guide/fiche/")
    assert testapp.get("/espace").location.startswith(SITE + "/guide/connexion")
    assert testapp.get("/manifest.webmanifest").json["start_url"] == SITE + "/guide/"
