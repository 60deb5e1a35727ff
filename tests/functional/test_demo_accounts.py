"""The demo accounts (@guide.localhost) can do what a real account does: « mot de passe oublié », being
invited by typing their address."""

from __future__ import annotations

import pytest

from guide.normalize import NormalizeError, email


def test_a_demo_account_gets_its_password_reset_mail(testapp, demo_guide, mailbox):
    form = testapp.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = "partenaire@guide.localhost"
    page = form.submit("send").follow()
    assert "Si un compte existe" in page.text
    mail = mailbox.wait_for("partenaire@guide.localhost")
    page = testapp.get(mailbox.link(mail).replace("http://localhost", ""))
    form = page.forms["deform"]
    form["password"] = "un nouveau mot de passe"
    form["password-confirm"] = "un nouveau mot de passe"
    assert "Votre mot de passe est enregistré" in form.submit("save").follow().text


def test_addresses_at_guide_localhost_are_accepted_other_special_domains_are_not():
    assert email("Partenaire@Guide.Localhost") == "Partenaire@guide.localhost"
    for refused in ("jean@localhost", "jean@exemple.test", "jean@exemple.invalid"):
        with pytest.raises(NormalizeError):
            email(refused)
