"""Update campaigns: choose who, preview, send, follow the answers, resend, phone notes, close."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from guide.models import Campaign, CampaignRecipient, FicheEvent, Organisation
from guide.services import campaigns, fiches
from guide.services.freshness import add_months

from ..factories import content
from .helpers import choose, visible


def _stale(world, key, months=18):
    world.fiches[key].confirmed_at = add_months(dt.date.today(), -months)


def _new_campaign(testapp, mode="all", **extra):
    page = testapp.get("/coordination/campagnes/nouvelle")
    form = page.forms["deform"]
    form["title"] = "Printemps 2027"
    choose(form, mode)
    form["message"] = "Bonjour à toutes et à tous, c'est la mise à jour de printemps."
    for name, value in extra.items():
        form[name] = value
    return form.submit("preview")


def test_coordinator_previews_then_sends_and_partners_get_their_own_link(testapp, world, login, mailbox, db):
    _stale(world, "published_a")
    db.flush()
    login("coord@test.fr")
    page = _new_campaign(testapp, mode="stale").follow()
    text = visible(page)
    assert "Aperçu du courriel" in text and "mise à jour de printemps" in text
    assert "Structures concernées (1)" in text  # only Alpha has a stale fiche
    page = page.forms["send-campaign"].submit().follow()
    campaign = db.scalar(select(Campaign))
    assert campaign.sent_at is not None
    (recipient,) = campaign.recipients
    assert recipient.organisation.slug == "alpha"
    assert sorted(recipient.emails) == ["editor.a@test.fr", "owner.a@test.fr"]
    mail = mailbox.wait_for("owner.a@test.fr")
    body = mailbox.body(mail)
    assert "Fiche published a (à vérifier)" in body
    assert "mise à jour de printemps" in body
    assert re.search(r"http://localhost/mise-a-jour/\S+", body)
    assert not [m for m in mailbox.messages if "owner.b@test.fr" in m["To"]]


def test_validation_keeps_input_and_says_what_is_missing(testapp, world, login):
    login("coord@test.fr")
    page = _new_campaign(testapp, mode="thematique")
    assert page.status_int == 200
    assert "Cochez au moins une thématique" in visible(page)
    assert page.forms["deform"]["title"].value == "Printemps 2027"


def test_progress_shows_answers_and_unreachable_organisations_are_flagged(testapp, world, login, mailbox, db):
    orphan = Organisation(nom="Collectif sans contact", slug="sans-contact")
    db.add(orphan)
    db.flush()
    orphan_fiche = fiches.create_fiche(db, orphan, content(nom="Fiche orpheline"), world.users["admin"])
    fiches.transition(db, orphan_fiche, "publish", world.users["coord"])
    db.flush()
    login("coord@test.fr")
    page = _new_campaign(testapp, mode="all").follow()
    text = visible(page)
    assert "Collectif sans contact — inviter" in text
    assert "/coordination/inviter?structure=" in page.text
    page = page.forms["send-campaign"].submit().follow()
    campaign = db.scalar(select(Campaign))
    summary = visible(page)
    assert "Ont répondu : 0 / 4" in summary
    # Alpha answers through its link, Beta's partner edits a fiche after logging in
    alpha_link = campaigns.link_url(testapp.app.registry.settings, "x")  # the shape only
    assert alpha_link.startswith("http://localhost/mise-a-jour/")
    mail = mailbox.wait_for("owner.a@test.fr")
    link = re.search(r"http://localhost(/mise-a-jour/\S+)", mailbox.body(mail)).group(1)
    testapp.reset()
    testapp.get(link).forms[0].submit().follow()
    db.add(FicheEvent(fiche=world.fiches["published_b"], action="save", comment=""))
    db.flush()
    login("coord@test.fr")
    page = testapp.get(f"/coordination/campagnes/{campaign.id}")
    text = visible(page)
    assert "Ont répondu : 2 / 4" in text
    rows = {r.organisation.slug: a for r, a in campaigns.progress(db, campaign).rows}
    assert rows == {"alpha": "unchanged", "beta": "modified", "gamma": "none", "sans-contact": "unreachable"}
    assert "Accès aux droits" in text and "Quartier test" in text


def test_resend_and_phone_note(testapp, world, login, mailbox, db):
    login("coord@test.fr")
    _new_campaign(testapp, mode="all").follow().forms["send-campaign"].submit()
    campaign = db.scalar(select(Campaign))
    gamma = db.scalar(
        select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.organisation_id == world.orgs["c"].id,
        )
    )
    mailbox.wait_for("editor.c@test.fr")
    mailbox.messages.clear()
    page = testapp.get(f"/coordination/campagnes/{campaign.id}")
    page.forms[f"resend-{gamma.id}"].submit().follow()
    mailbox.wait_for("editor.c@test.fr")
    page = testapp.get(f"/coordination/campagnes/{campaign.id}")
    form = page.forms[f"phone-{gamma.id}"]
    form["note"] = "Appelé Mme R., elle regarde lundi"
    page = form.submit().follow()
    assert "Appelé Mme R., elle regarde lundi" in visible(page)
    db.refresh(gamma)
    assert gamma.phone_noted_at is not None


def test_only_coordinators_reach_campaigns(testapp, world, login):
    assert testapp.get("/coordination/campagnes", expect_errors=True).status_int in (303, 403)
    login("owner.a@test.fr")
    assert testapp.get("/coordination/campagnes/nouvelle", expect_errors=True).status_int == 403


def test_every_campaign_route_answers_without_a_server_error(testapp, world, login, db):
    campaign = campaigns.create_campaign(db, "Essai", {"mode": "all"}, "", world.users["coord"])
    db.flush()
    paths = [
        "/coordination/campagnes",
        "/coordination/campagnes/nouvelle",
        f"/coordination/campagnes/{campaign.id}",
        f"/coordination/campagnes/{campaign.id}/envoyer",
        f"/coordination/campagnes/{campaign.id}/clore",
        f"/coordination/campagnes/{campaign.id}/structures/1/renvoyer",
        f"/coordination/campagnes/{campaign.id}/structures/abc/telephone",
        "/coordination/campagnes/999999",
        "/coordination/campagnes/x%00y",
        "/coordination/urgents/1/vu",
        "/espace/signalements/abc",
        f"/espace/fiches/{world.fiches['published_a'].id}/delai",
        "/mise-a-jour/jeton-inconnu",
    ]
    for who in (None, "coord@test.fr"):
        if who:
            login(who)
        for path in paths:
            for response in (
                testapp.get(path, expect_errors=True),
                testapp.post(path, {"x": "1"}, expect_errors=True),
            ):
                assert response.status_int < 500, (who, path, response.status)


def test_the_organisations_table_is_filtered_by_answer_and_paged(
    testapp, world, login, mailbox, db, monkeypatch
):
    import views.campaigns

    monkeypatch.setattr(views.campaigns, "ROWS_PER_PAGE", 2)
    login("coord@test.fr")
    _new_campaign(testapp, mode="all").follow().forms["send-campaign"].submit()
    campaign = db.scalar(select(Campaign))
    page = testapp.get(f"/coordination/campagnes/{campaign.id}")
    assert "Page 1 / 2 (3 structures)" in visible(page)
    assert len(page.html.select("tr[id^=org-]")) == 2
    page = testapp.get(f"/coordination/campagnes/{campaign.id}", {"page": "2"})
    assert len(page.html.select("tr[id^=org-]")) == 1
    page = testapp.get(f"/coordination/campagnes/{campaign.id}", {"reponse": "none", "page": "99"})
    assert "Page 2 / 2" in visible(page)
    for odd in ({"reponse": "<script>"}, {"page": "-3"}, {"page": "9" * 40}):
        assert testapp.get(f"/coordination/campagnes/{campaign.id}", odd).status_int == 200
