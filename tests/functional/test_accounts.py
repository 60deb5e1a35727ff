"""Login, logout, rate limit, password reset and invitations by mail (real SMTP on the loopback)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from guide.models import AccountToken, Membership, User
from guide.services import memberships
from tests.factories import PASSWORD

from .helpers import choose, csrf_token, field_error, post


def _login_form(testapp, email, password):
    form = testapp.get("/connexion").forms["deform"]
    form["email"], form["password"] = email, password
    return form.submit("login", expect_errors=True)


def test_login_sets_a_safe_session_cookie(testapp, world):
    response = _login_form(testapp, "owner.a@test.fr", PASSWORD)
    assert response.status_int == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Mon espace" in response.follow().text


def test_wrong_password_keeps_the_email_and_explains(testapp, world):
    page = _login_form(testapp, "owner.a@test.fr", "mauvais")
    assert page.status_int == 200
    assert "Adresse électronique ou mot de passe incorrect." in field_error(page, "password")
    assert page.forms["deform"]["email"].value == "owner.a@test.fr"


def test_login_is_rate_limited(testapp, world):
    for _ in range(5):
        _login_form(testapp, "owner.a@test.fr", "mauvais")
    page = _login_form(testapp, "owner.a@test.fr", PASSWORD)
    assert page.status_int == 429
    assert "Trop de tentatives" in page.text


def test_post_without_csrf_token_is_refused(testapp, world, login):
    login("owner.a@test.fr")
    response = testapp.post(
        f"/espace/fiches/{world.fiches['draft_a'].id}/etat/submit", {}, expect_errors=True
    )
    assert response.status_int == 400
    assert "Formulaire expiré" in response.text


def test_logout(testapp, world, login):
    login("owner.a@test.fr")
    post(testapp, "/deconnexion")
    assert testapp.get("/espace").status_int == 303


def test_password_reset_by_mail(testapp, world, mailbox, db):
    form = testapp.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = "Owner.A@test.fr"
    page = form.submit("send").follow()
    assert "Si un compte existe" in page.text
    mail = mailbox.wait_for("owner.a@test.fr")
    link = mailbox.link(mail)
    page = testapp.get(link.replace("http://localhost", ""))
    form = page.forms["deform"]
    form["password"] = "un nouveau mot de passe"
    form["password-confirm"] = "un nouveau mot de passe"
    page = form.submit("save").follow()
    assert "Votre mot de passe est enregistré" in page.text
    testapp.reset()
    assert _login_form(testapp, "owner.a@test.fr", "un nouveau mot de passe").status_int == 303
    # the link works once
    testapp.reset()
    assert testapp.get(link.replace("http://localhost", ""), expect_errors=True).status_int == 410


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(testapp, world, mailbox):
    form = testapp.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = "inconnu@test.fr"
    page = form.submit("send").follow()
    assert "Si un compte existe" in page.text
    assert mailbox.messages == []


def test_expired_reset_link_is_refused(testapp, world, mailbox, db):
    form = testapp.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = "owner.a@test.fr"
    form.submit("send")
    link = mailbox.link(mailbox.wait_for("owner.a@test.fr"))
    for token in db.query(AccountToken).all():
        token.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.commit()
    page = testapp.get(link.replace("http://localhost", ""), expect_errors=True)
    assert page.status_int == 410
    assert "Lien expiré" in page.text


def test_coordinator_invites_a_partner_who_joins_by_mail(testapp, world, login, mailbox, db):
    login("coord@test.fr")
    form = testapp.get("/coordination/inviter").forms["partner"]
    form["email"] = "nouvelle@asso.fr"
    form["name"] = "Nadia Nouvelle"
    form["organisation"] = str(world.orgs["b"].id)
    choose(form, "owner")
    page = form.submit("invite").follow()
    assert "Une invitation est envoyée à nouvelle@asso.fr" in page.text
    mail = mailbox.wait_for("nouvelle@asso.fr")
    assert "Bêta Santé" in mailbox.body(mail)
    testapp.reset()
    page = testapp.get(mailbox.link(mail).replace("http://localhost", ""))
    form = page.forms["deform"]
    assert form["name"].value == "Nadia Nouvelle"
    form["password"] = form["password-confirm"] = "phrase de passe solide"
    dashboard = form.submit("save").follow()
    assert "Bêta Santé" in dashboard.text
    user = db.query(User).filter_by(email="nouvelle@asso.fr").one()
    assert [(m.organisation.nom, m.role.value) for m in user.memberships] == [("Bêta Santé", "owner")]


def test_owner_invites_a_member_of_their_organisation(testapp, world, login, mailbox, db):
    login("owner.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/membres").forms["deform"]
    form["email"] = "benevole@alpha.fr"
    form.submit("invite").follow()
    mail = mailbox.wait_for("benevole@alpha.fr")
    user = db.query(User).filter_by(email="benevole@alpha.fr").one()
    assert user.memberships == []  # nothing is granted before the invited person follows the link
    testapp.reset()
    form = testapp.get(mailbox.link(mail).replace("http://localhost", "")).forms["deform"]
    form["password"] = form["password-confirm"] = "phrase de passe solide"
    form.submit("save")
    db.expire_all()
    assert [m.organisation_id for m in user.memberships] == [world.orgs["a"].id]


def test_owner_removes_a_member(testapp, world, login, db):
    login("owner.a@test.fr")
    membership_id = db.query(Membership).filter_by(user_id=world.users["editor_a"].id).one().id
    page = post(testapp, f"/espace/structures/{world.orgs['a'].id}/membres/{membership_id}/retirer").follow()
    assert "ne fait plus partie de la structure" in page.text
    db.expunge_all()
    assert db.query(Membership).filter_by(id=membership_id).count() == 0


def test_invitation_form_errors_are_in_french_beside_the_field(testapp, world, login):
    login("coord@test.fr")
    form = testapp.get("/coordination/inviter").forms["partner"]
    form["email"] = "pas une adresse"
    page = form.submit("invite")
    assert page.status_int == 200
    assert "adresse" in field_error(page, "email").lower()
    assert page.forms["partner"]["email"].value == "pas une adresse"
    assert "Choisissez la structure" in field_error(page, "organisation")


def test_next_parameter_cannot_redirect_elsewhere(testapp, world):
    form = testapp.get("/connexion?next=//evil.example/").forms["deform"]
    form["email"], form["password"] = "owner.a@test.fr", PASSWORD
    response = form.submit("login")
    assert response.location.endswith("/espace")


def test_csrf_token_changes_on_login(testapp, world, login):
    before = csrf_token(testapp)
    login("owner.a@test.fr")
    assert csrf_token(testapp) != before


def test_the_last_owner_stays_unless_the_coordination_removes_them(testapp, world, login, db):
    owner = db.query(Membership).filter_by(user_id=world.users["owner_a"].id).one()
    url = f"/espace/structures/{world.orgs['a'].id}/membres/{owner.id}/retirer"
    login("owner.a@test.fr")
    page = post(testapp, url).follow()
    assert "La structure doit garder au moins un·e responsable." in page.text
    db.expunge_all()
    assert db.query(Membership).filter_by(id=owner.id).count() == 1
    login("coord@test.fr")
    assert "ne fait plus partie de la structure" in post(testapp, url).follow().text
    db.expunge_all()
    assert db.query(Membership).filter_by(id=owner.id).count() == 0


def test_remove_member_service_refuses_the_last_owner(world, db):
    owner = db.query(Membership).filter_by(user_id=world.users["owner_a"].id).one()
    with pytest.raises(memberships.LastOwnerError):
        memberships.remove_member(db, world.orgs["a"], owner, world.users["owner_a"])


def test_a_coordinator_lands_on_the_review_queue_and_a_partner_on_their_space(testapp, world):
    """Papercut: a coordinator who belongs to no structure landed on « Votre compte n'est rattaché à aucune
    structure »."""
    for email, landing in (("coord@test.fr", "/coordination"), ("owner.a@test.fr", "/espace")):
        testapp.reset()
        form = testapp.get("/connexion").forms["deform"]
        form["email"] = email
        form["password"] = PASSWORD
        response = form.submit("login")
        assert response.status_int == 303
        assert urlsplit(response.location).path.rstrip("/") == landing, email
        assert "aucune structure" not in response.follow().text
