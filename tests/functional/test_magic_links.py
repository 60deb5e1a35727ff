"""Password-less update links: one organisation, confirm only, many uses until expiry, no session."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from guide.models import AccountToken, Campaign, ConfirmationLink, utcnow
from guide.services import campaigns
from guide.services.freshness import add_months

from .helpers import visible

OLD = dt.date(2024, 1, 15)


def _link(db, world, org="a", **kwargs):
    token = campaigns.issue_link(db, world.orgs[org].id, days=30, **kwargs)
    db.flush()
    return token


def test_the_link_lists_the_fiches_and_tout_est_a_jour_confirms_them_without_a_session(testapp, world, db):
    fiche = world.fiches["published_a"]
    fiche.confirmed_at = add_months(dt.date.today(), -18)
    token = _link(db, world, email="owner.a@test.fr")
    page = testapp.get(f"/mise-a-jour/{token}")
    assert "Set-Cookie" not in page.headers
    assert page.headers["Cache-Control"] == "private, no-store"
    text = visible(page)
    assert "Association Alpha" in text and "Fiche published a" in text and "À vérifier" in text
    assert "Fiche published b" not in text  # another organisation's fiche
    assert "Fiche archived a" not in text
    page = page.forms[0].submit()
    assert "Set-Cookie" not in page.headers
    page = page.follow()
    assert "Toutes vos fiches publiées sont confirmées" in visible(page)
    db.refresh(fiche)
    assert fiche.confirmed_at == dt.date.today()
    assert fiche.events[-1].action == "confirm" and fiche.events[-1].actor_id is None
    assert "Set-Cookie" not in page.headers


def test_a_link_confirms_one_fiche_and_never_another_organisations(testapp, world, db):
    a, b = world.fiches["published_a"], world.fiches["published_b"]
    a.confirmed_at = b.confirmed_at = OLD
    token = _link(db, world)
    # a hand-made POST naming another organisation's fiche does nothing
    testapp.post(f"/mise-a-jour/{token}", {"action": "fiche", "fiche": str(b.id)})
    db.refresh(b)
    assert b.confirmed_at == OLD
    page = testapp.get(f"/mise-a-jour/{token}")
    form = next(f for f in page.forms.values() if f.get("fiche", default=None) is not None)
    form.submit().follow()
    db.refresh(a)
    assert a.confirmed_at == dt.date.today()
    # odd input never breaks the page
    for data in (
        {"action": "fiche", "fiche": "abc"},
        {"action": "x"},
        {},
        {"action": "fiche", "fiche": "9" * 40},
    ):
        assert testapp.post(f"/mise-a-jour/{token}", data).status_int == 303


def test_the_link_cannot_edit_nor_open_the_partner_space(testapp, world, db):
    token = _link(db, world)
    page = testapp.get(f"/mise-a-jour/{token}")
    edit = page.html.find("a", string="Modifier")["href"]
    response = testapp.get(edit)
    assert response.status_int == 303 and "/connexion" in response.headers["Location"]
    assert testapp.get("/espace").status_int == 303
    # the link's own POST cannot save content either
    response = testapp.post(
        f"/espace/fiches/{world.fiches['published_a'].id}/modifier", {"nom": "Piraté"}, expect_errors=True
    )
    assert response.status_int in (303, 400, 403)


def test_expired_revoked_closed_and_unknown_links_are_refused(testapp, world, db):
    fiche = world.fiches["published_a"]
    fiche.confirmed_at = OLD
    token = _link(db, world)
    link = db.scalar(
        select(ConfirmationLink).where(
            ConfirmationLink.token_hash == hashlib.sha256(token.encode()).hexdigest()
        )
    )
    assert link is not None and token not in (link.token_hash, link.email)  # only the hash is stored
    # usable many times while valid
    for _ in range(3):
        assert testapp.get(f"/mise-a-jour/{token}").status_int == 200
    link.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.flush()
    page = testapp.get(f"/mise-a-jour/{token}", expect_errors=True)
    assert page.status_int == 410 and "a expiré" in visible(page)
    testapp.post(f"/mise-a-jour/{token}", {"action": "tout"}, expect_errors=True)
    db.refresh(fiche)
    assert fiche.confirmed_at == OLD
    campaign = Campaign(title="Close", target={"mode": "all"}, sent_at=utcnow(), closed_at=utcnow())
    db.add(campaign)
    db.flush()
    closed = _link(db, world, campaign_id=campaign.id)
    assert "campagne de mise à jour est terminée" in visible(
        testapp.get(f"/mise-a-jour/{closed}", expect_errors=True)
    )
    assert testapp.get("/mise-a-jour/n-importe-quoi", expect_errors=True).status_int == 404
    assert testapp.get("/mise-a-jour/%C3%A9%C3%A9" + "x" * 200, expect_errors=True).status_int == 404


def test_a_contact_without_account_asks_for_an_invitation_once_an_hour(testapp, world, db, mailbox):
    from guide.models import Organisation

    org = Organisation(nom="Amicale sans membre", slug="amicale", courriel="contact@amicale.fr")
    db.add(org)
    db.flush()
    token = campaigns.issue_link(db, org.id, days=30, email="contact@amicale.fr")
    db.flush()
    page = testapp.get(f"/mise-a-jour/{token}")
    assert "Recevoir le lien pour créer mon accès" in visible(page)
    form = next(f for f in page.forms.values() if f.get("action").value == "invitation")
    page = form.submit().follow()
    assert "Un courriel vous est envoyé" in visible(page)
    mail = mailbox.wait_for("contact@amicale.fr")
    assert "/invitation/" in mailbox.body(mail)
    testapp.post(f"/mise-a-jour/{token}", {"action": "invitation"})
    assert db.scalar(select(AccountToken).where(AccountToken.organisation_id == org.id).limit(1)) is not None
    assert len(list(db.scalars(select(AccountToken).where(AccountToken.organisation_id == org.id)))) == 1
    # a member's link offers no invitation
    assert "créer mon accès" not in visible(
        testapp.get(f"/mise-a-jour/{_link(db, world, email='owner.a@test.fr')}")
    )


def test_housekeeping_purges_links_expired_long_ago(world, db):
    recent = _link(db, world)
    old = _link(db, world)
    links = {
        t: db.scalar(
            select(ConfirmationLink).where(
                ConfirmationLink.token_hash == hashlib.sha256(t.encode()).hexdigest()
            )
        )
        for t in (recent, old)
    }
    links[recent].expires_at = utcnow() - dt.timedelta(days=10)  # still says « expiré »
    links[old].expires_at = utcnow() - dt.timedelta(days=100)
    db.flush()
    assert campaigns.purge_expired_links(db) == 1
    with pytest.raises(campaigns.LinkError, match="expiré"):
        campaigns.resolve_link(db, recent)
    with pytest.raises(campaigns.LinkError, match="pas valable"):
        campaigns.resolve_link(db, old)
