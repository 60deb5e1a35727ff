"""Sessions end when they should: a copied cookie replayed after logout, a password reset, a role
change or a deactivation is anonymous; sessions have an idle and an absolute lifetime; the cookie is
Secure on an https site; flash messages cannot overflow the cookie; ``next`` never leaves the site."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
import webtest
from pyramid.testing import DummyRequest
from webob import Response

from guide import main, security
from guide.models import SiteRole
from tests.factories import PASSWORD

from ..functional.helpers import post

COOKIE = "guide_session"


def _client(app: Any, ip: str = "127.0.0.1") -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": ip})


def _login(client: webtest.TestApp, email: str, password: str = PASSWORD) -> str:
    """Log in and return the session cookie, as a thief would copy it."""
    client.reset()
    form = client.get("/connexion").forms["deform"]
    form["email"], form["password"] = email, password
    assert form.submit("login").status_int == 303
    return client.cookies[COOKIE]


def _logged_in(client: webtest.TestApp) -> bool:
    """The partner space answers (200) or sends to the login page (303)."""
    status = client.get("/espace", expect_errors=True).status_int
    assert status in (200, 303)
    return status == 200


def _replay(app: Any, cookie: str) -> webtest.TestApp:
    thief = _client(app, "192.0.2.66")
    thief.set_cookie(COOKIE, cookie)
    return thief


def test_old_cookie_is_anonymous_after_logout(app, testapp, world):
    stolen = _login(testapp, "owner.a@test.fr")
    assert _logged_in(_replay(app, stolen))
    post(testapp, "/deconnexion")
    assert not _logged_in(testapp)
    assert not _logged_in(_replay(app, stolen))


def test_logout_ends_the_sessions_on_other_devices_too(app, world):
    laptop, phone = _client(app), _client(app, "198.51.100.7")
    _login(laptop, "owner.a@test.fr")
    _login(phone, "owner.a@test.fr")
    post(phone, "/deconnexion")
    assert not _logged_in(laptop)


def test_password_reset_from_another_client_ends_the_old_sessions(app, testapp, world, mailbox):
    stolen = _login(testapp, "owner.a@test.fr")
    owner = _client(app, "198.51.100.7")
    form = owner.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = "owner.a@test.fr"
    form.submit("send")
    link = mailbox.link(mailbox.wait_for("owner.a@test.fr")).replace("http://localhost", "")
    form = owner.get(link).forms["deform"]
    form["password"] = form["password-confirm"] = "une toute nouvelle phrase"
    assert form.submit("save").status_int == 303
    assert _logged_in(owner)  # the person who reset is logged in
    assert not _logged_in(_replay(app, stolen))
    assert not _logged_in(testapp)


def test_role_change_by_an_admin_ends_the_sessions(app, testapp, world):
    stolen = _login(testapp, "coord@test.fr")
    admin = _client(app, "198.51.100.9")
    _login(admin, "admin@test.fr")
    response = post(admin, f"/admin/comptes/{world.users['coord'].id}", {"role": SiteRole.PARTNER.value})
    assert response.status_int == 303
    assert not _logged_in(_replay(app, stolen))
    # logging in again gives the new role
    _login(testapp, "coord@test.fr")
    assert testapp.get("/coordination/inviter", expect_errors=True).status_int == 403


def test_deactivation_ends_the_sessions_even_after_reactivation(app, testapp, world):
    stolen = _login(testapp, "owner.a@test.fr")
    admin = _client(app, "198.51.100.9")
    _login(admin, "admin@test.fr")
    user_id = world.users["owner_a"].id
    post(admin, f"/admin/comptes/{user_id}", {"active": "0"})
    assert not _logged_in(_replay(app, stolen))
    post(admin, f"/admin/comptes/{user_id}", {"active": "1"})
    assert not _logged_in(_replay(app, stolen))
    _login(testapp, "owner.a@test.fr")  # the owner logs in again with the password
    assert _logged_in(testapp)


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0
        self.real = security.now

    def __call__(self) -> float:
        return self.real() + self.offset

    def advance(self, minutes: float) -> None:
        self.offset += minutes * 60


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(security, "now", clock)
    return clock


def test_idle_session_ends(testapp, world, clock):
    _login(testapp, "owner.a@test.fr")
    clock.advance(100)
    assert _logged_in(testapp)  # used within 120 minutes: still open, and renewed
    clock.advance(100)
    assert _logged_in(testapp)
    clock.advance(121)
    assert not _logged_in(testapp)


def test_session_ends_after_its_absolute_lifetime_even_in_use(testapp, world, clock):
    _login(testapp, "owner.a@test.fr")
    for _ in range(7):  # 11 h 40 of steady use
        clock.advance(100)
        assert _logged_in(testapp)
    clock.advance(30)  # 12 h 10 after the login
    assert not _logged_in(testapp)


def test_lifetimes_are_settings(app_settings, world, clock):
    client = _client(main({}, **{**app_settings, "session.idle_minutes": "5", "session.max_hours": "1"}))
    _login(client, "owner.a@test.fr")
    clock.advance(6)
    assert not _logged_in(client)


@pytest.mark.parametrize(
    ("site_url", "override", "secure"),
    [
        ("https://guide.example.org", None, True),
        ("http://localhost", None, False),
        ("https://guide.example.org", "false", False),
        ("http://localhost", "true", True),
    ],
)
def test_session_cookie_is_secure_on_an_https_site(app_settings, world, site_url, override, secure):
    settings = {**app_settings, "site_url": site_url}
    settings.pop("session.secure", None)
    if override is not None:
        settings["session.secure"] = override
    host = site_url.split("://")[1]
    client = webtest.TestApp(
        main({}, **settings), extra_environ={"HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1"}
    )
    response = client.get("/connexion")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(COOKIE + "=")
    assert ("; secure" in cookie.lower()) is secure


# --- flash messages cannot overflow the 4 KB cookie --------------------------------------------


def test_a_long_lieu_name_does_not_overflow_the_session_cookie(testapp, world, login):
    login("owner.a@test.fr")
    url = f"/espace/structures/{world.orgs['a'].id}/lieux/nouveau"
    # 200 characters outside the BMP weigh 12 bytes each in the JSON of the cookie
    name = "\U0001f3e0" * 200
    for _ in range(3):  # three lieux in a row, messages never displayed in between
        form = testapp.get(url).forms["deform"]
        form["nom"] = name
        form["adresse"] = "1 rue de la Paix"
        form["code_postal"] = "63000"
        form["commune"] = "Clermont-Ferrand"
        response = form.submit("save", expect_errors=True)
        assert response.status_int == 303, response.text[:500]
        assert len(response.headers["Set-Cookie"]) < 4096
    page = response.follow()
    assert page.status_int == 200
    assert "Le lieu « 🏠" in page.text and "…" in page.text  # shown, shortened


def test_flash_messages_are_shortened_and_capped_for_any_view(app):
    factory = app.registry.queryUtility(__import__("pyramid.interfaces").interfaces.ISessionFactory)
    request = DummyRequest()
    session = factory(request)
    session["_csrft_"] = "x" * 40
    for i in range(50):
        session.flash(f"Le lieu « {'é' * 3000} {i} » est ajouté.", "success")
        session.flash("\U0001f600" * 5000, "error")
    response = Response()
    session._set_cookie(response)
    assert len(response.headers["Set-Cookie"]) < 4096
    kept = session.peek_flash("success")
    assert kept and kept[-1].endswith("…")  # the newest kept, shortened
    assert all(len(json.dumps(m)) <= security.FLASH_MAX_BYTES for m in kept)
    assert session["_csrft_"] == "x" * 40  # the rest of the session is untouched


# --- next ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",  # browsers drop tabs and newlines: //evil.example
        "/\n/evil.example",
        "/espace\r\nSet-Cookie: pwned=1",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "http:/evil.example",
        "/é",
        "",
    ],
)
def test_next_parameter_outside_the_site_is_ignored(testapp, world, target):
    form = testapp.get("/connexion?next=" + quote(target, safe="")).forms["deform"]
    form["email"], form["password"] = "owner.a@test.fr", PASSWORD
    response = form.submit("login", expect_errors=True)
    assert response.status_int == 303
    assert response.location in ("http://localhost/espace", "/espace")
    assert "pwned" not in response.headers.get("Set-Cookie", "")


def test_next_parameter_inside_the_site_is_followed(testapp, world):
    path = f"/espace/structures/{world.orgs['a'].id}/membres?vue=1"
    form = testapp.get("/connexion?next=" + quote(path, safe="")).forms["deform"]
    form["email"], form["password"] = "owner.a@test.fr", PASSWORD
    response = form.submit("login")
    assert response.location.endswith(path)
