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


def test_a_coordinator_invites_an_address_at_guide_localhost(testapp, world, login, mailbox):
    login("coord@test.fr")
    form = testapp.get("/coordination/inviter").forms["partner"]
    form["email"] = "essai@guide.localhost"
    form["name"] = "Compte d'essai"
    form["organisation"] = str(world.orgs["b"].id)
    page = form.submit("invite").follow()
    assert "Une invitation est envoyée à essai@guide.localhost" in page.text
    assert "Bêta Santé" in mailbox.body(mailbox.wait_for("essai@guide.localhost"))


def test_addresses_at_guide_localhost_are_accepted_other_special_domains_are_not():
    assert email("Partenaire@Guide.Localhost") == "Partenaire@guide.localhost"
    for refused in ("jean@localhost", "jean@exemple.test", "jean@exemple.invalid"):
        with pytest.raises(NormalizeError):
            email(refused)
