"""Emailed links do not outlive their purpose: a deactivated account's links are refused, using a link
or setting a password revokes the account's other links, and inviting an address tells the inviter
nothing about whether it has an account (the existing account is asked, not added)."""

from __future__ import annotations

import re
from typing import Any

import webtest

from guide.models import Membership, User
from tests.factories import PASSWORD

from ..functional.helpers import choose, post, visible

NEW_PASSWORD = "une toute nouvelle phrase"


def _client(app: Any, ip: str) -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": ip})


def _path(link: str) -> str:
    return link.replace("http://localhost", "")


def _login(client: webtest.TestApp, email: str, password: str = PASSWORD) -> webtest.TestResponse:
    form = client.get("/connexion").forms["deform"]
    form["email"], form["password"] = email, password
    return form.submit("login", expect_errors=True)


def _request_reset(client: webtest.TestApp, mailbox: Any, email: str) -> str:
    before = len([m for m in mailbox.messages if email in m["To"]])
    form = client.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = email
    form.submit("send")
    from views.auth import wait_for_mail

    wait_for_mail()
    mails = [m for m in mailbox.messages if email in m["To"]]
    assert len(mails) == before + 1
    return _path(mailbox.link(mails[-1]))


def _set_password(client: webtest.TestApp, path: str, password: str = NEW_PASSWORD) -> webtest.TestResponse:
    form = client.get(path).forms["deform"]
    form["password"] = form["password-confirm"] = password
    return form.submit("save")


def _admin(app: Any) -> webtest.TestApp:
    admin = _client(app, "198.51.100.9")
    assert _login(admin, "admin@test.fr").status_int == 303
    return admin


# --- deactivated accounts ----------------------------------------------------------------------


def test_old_reset_link_does_not_reactivate_a_deactivated_account(app, testapp, world, mailbox, db):
    link = _request_reset(testapp, mailbox, "owner.a@test.fr")
    post(_admin(app), f"/admin/comptes/{world.users['owner_a'].id}", {"active": "0"})
    testapp.reset()
    page = testapp.get(link, expect_errors=True)
    assert page.status_int == 410
    assert testapp.post(link, {"password": NEW_PASSWORD}, expect_errors=True).status_int in (400, 410)
    db.expire_all()
    assert db.get(User, world.users["owner_a"].id).active is False
    assert _login(testapp, "owner.a@test.fr", NEW_PASSWORD).status_int == 200
    assert _login(testapp, "owner.a@test.fr").status_int == 200  # deactivated: no login at all


def test_old_invitation_link_does_not_reactivate_a_deactivated_account(
    app, testapp, world, mailbox, db, login
):
    login("coord@test.fr")
    form = testapp.get("/coordination/inviter").forms["partner"]
    form["email"], form["name"] = "partie@asso.fr", "Partie"
    form["organisation"] = str(world.orgs["b"].id)
    choose(form, "editor")
    form.submit("invite")
    link = _path(mailbox.link(mailbox.wait_for("partie@asso.fr")))
    user = db.query(User).filter_by(email="partie@asso.fr").one()
    post(_admin(app), f"/admin/comptes/{user.id}", {"active": "0"})
    testapp.reset()
    assert testapp.get(link, expect_errors=True).status_int == 410
    db.expire_all()
    assert db.get(User, user.id).active is False
    # only an administrator reactivates; the link stays dead even then
    post(_admin(app), f"/admin/comptes/{user.id}", {"active": "1"})
    testapp.reset()
    assert testapp.get(link, expect_errors=True).status_int == 410


def test_a_deactivated_account_is_not_invited_again(app, testapp, world, mailbox, login):
    post(_admin(app), f"/admin/comptes/{world.users['editor_c'].id}", {"active": "0"})
    login("owner.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/membres").forms["deform"]
    form["email"] = "editor.c@test.fr"
    page = form.submit("invite").follow()
    assert "Une invitation est envoyée à editor.c@test.fr." in visible(page)
    assert "Invitations en attente" in page.text and "editor.c@test.fr" in page.text  # like any other
    from views.auth import wait_for_mail

    wait_for_mail()
    assert [m["To"] for m in mailbox.messages if "editor.c" in m["To"]] == []


# --- a link used, a password set: the other links die -------------------------------------------


def test_using_a_reset_link_revokes_the_older_one(testapp, world, mailbox):
    first = _request_reset(testapp, mailbox, "owner.a@test.fr")
    second = _request_reset(testapp, mailbox, "owner.a@test.fr")
    assert _set_password(testapp, second).status_int == 303
    testapp.reset()
    assert testapp.get(first, expect_errors=True).status_int == 410


def test_setting_the_password_by_invitation_revokes_the_reset_links(testapp, world, mailbox, login):
    login("coord@test.fr")
    form = testapp.get("/coordination/inviter").forms["partner"]
    form["email"], form["name"] = "double@asso.fr", "Double"
    form["organisation"] = str(world.orgs["b"].id)
    choose(form, "editor")
    form.submit("invite")
    invitation = _path(mailbox.link(mailbox.wait_for("double@asso.fr")))
    testapp.reset()
    reset = _request_reset(testapp, mailbox, "double@asso.fr")
    assert _set_password(testapp, invitation).status_int == 303
    testapp.reset()
    assert testapp.get(reset, expect_errors=True).status_int == 410
    assert testapp.get(invitation, expect_errors=True).status_int == 410


def test_a_reset_revokes_a_pending_invitation(testapp, world, mailbox, login):
    login("coord@test.fr")
    form = testapp.get("/coordination/inviter").forms["partner"]
    form["email"], form["name"] = "triple@asso.fr", "Triple"
    form["organisation"] = str(world.orgs["b"].id)
    choose(form, "owner")
    form.submit("invite")
    invitation = _path(mailbox.link(mailbox.wait_for("triple@asso.fr")))
    testapp.reset()
    reset = _request_reset(testapp, mailbox, "triple@asso.fr")
    assert _set_password(testapp, reset).status_int == 303
    testapp.reset()
    assert testapp.get(invitation, expect_errors=True).status_int == 410


# --- inviting an address tells nothing about its account ----------------------------------------


def _flash(page: webtest.TestResponse) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page.text, re.S)]


def _invite_member(testapp: webtest.TestApp, org_id: int, email: str) -> webtest.TestResponse:
    form = testapp.get(f"/espace/structures/{org_id}/membres").forms["deform"]
    form["email"] = email
    form["name"] = "Quelqu'un"
    return form.submit("invite").follow()


def test_owner_inviting_an_existing_account_learns_nothing_and_adds_nobody(
    app, testapp, world, mailbox, db, login
):
    login("owner.a@test.fr")
    org_a = world.orgs["a"].id
    existing = _invite_member(testapp, org_a, "editor.c@test.fr")
    new = _invite_member(testapp, org_a, "personne.nouvelle@test.fr")
    assert _flash(existing) == ["Une invitation est envoyée à editor.c@test.fr."]
    assert _flash(new) == ["Une invitation est envoyée à personne.nouvelle@test.fr."]
    assert "Editor.c" not in existing.text + new.text  # their name is not shown to the inviter
    # both wait, alike, among the pending invitations
    rows = re.findall(r"<tr><td>([^<]+@test\.fr)</td>\s*<td>Rédacteur·rice</td>", new.text)
    assert rows == ["editor.c@test.fr", "personne.nouvelle@test.fr"]
    editor_c = world.users["editor_c"]
    assert db.query(Membership).filter_by(user_id=editor_c.id, organisation_id=org_a).count() == 0

    # the existing account receives a mail asking to accept; the link needs their login
    mail = mailbox.wait_for("editor.c@test.fr")
    assert "déjà un compte" in mailbox.body(mail)
    link = _path(mailbox.link(mail))
    invited = _client(app, "203.0.113.5")
    page = invited.get(link)
    assert page.status_int == 303 and "/connexion" in page.location
    form = invited.get(link).follow().forms["deform"]
    form["email"], form["password"] = "editor.c@test.fr", PASSWORD
    page = form.submit("login")
    assert page.location.endswith(link)
    page = page.follow()
    assert "Association Alpha" in page.text or "rejoindre la structure" in page.text
    assert db.query(Membership).filter_by(user_id=editor_c.id, organisation_id=org_a).count() == 0
    page.forms["deform"].submit("accept").follow()
    db.expire_all()
    assert db.query(Membership).filter_by(user_id=editor_c.id, organisation_id=org_a).count() == 1
    # used once
    assert invited.get(link, expect_errors=True).status_int == 410


def test_invitation_link_of_an_existing_account_is_useless_to_someone_else(
    app, testapp, world, mailbox, db, login
):
    login("owner.a@test.fr")
    _invite_member(testapp, world.orgs["a"].id, "editor.c@test.fr")
    link = _path(mailbox.link(mailbox.wait_for("editor.c@test.fr")))
    other = _client(app, "203.0.113.6")
    assert _login(other, "owner.b@test.fr").status_int == 303
    page = other.get(link, expect_errors=True)
    assert page.status_int == 403
    assert "deform" not in page.forms
    assert db.query(Membership).filter_by(user_id=world.users["editor_c"].id).count() == 1


def test_coordinator_inviting_an_existing_account_learns_nothing(testapp, world, mailbox, db, login):
    login("coord@test.fr")
    pages = []
    for email in ("owner.b@test.fr", "inconnue@test.fr"):
        form = testapp.get("/coordination/inviter").forms["partner"]
        form["email"], form["name"] = email, "Quelqu'un"
        form["organisation"] = str(world.orgs["c"].id)
        choose(form, "owner")
        pages.append(form.submit("invite").follow())
    assert _flash(pages[0]) == ["Une invitation est envoyée à owner.b@test.fr."]
    assert _flash(pages[1]) == ["Une invitation est envoyée à inconnue@test.fr."]
    assert pages[0].text.replace("owner.b@test.fr", "X") == pages[1].text.replace("inconnue@test.fr", "X")
    owner_b = world.users["owner_b"]
    assert db.query(Membership).filter_by(user_id=owner_b.id, organisation_id=world.orgs["c"].id).count() == 0
    assert "déjà un compte" in mailbox.body(mailbox.wait_for("owner.b@test.fr"))


def test_staff_invitation_of_an_existing_account_grants_the_role_on_acceptance(
    app, testapp, world, mailbox, db, login
):
    login("admin@test.fr")
    form = testapp.get("/coordination/inviter").forms["staff"]
    form["email"], form["name"] = "owner.b@test.fr", "X"
    choose(form, "coordinator")
    page = form.submit("invite_staff").follow()
    assert _flash(page) == ["Une invitation est envoyée à owner.b@test.fr."]
    db.expire_all()
    assert db.get(User, world.users["owner_b"].id).role == "partner"
    link = _path(mailbox.link(mailbox.wait_for("owner.b@test.fr")))
    invited = _client(app, "203.0.113.7")
    assert _login(invited, "owner.b@test.fr").status_int == 303
    invited.get(link).forms["deform"].submit("accept")
    db.expire_all()
    assert db.get(User, world.users["owner_b"].id).role == "coordinator"
    assert invited.get("/coordination/inviter").status_int == 200  # this session goes on
