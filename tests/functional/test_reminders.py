"""guide-remind: campaign reminders after 7 and 21 days, fiche reminders, never the same one twice."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select

from guide.db import make_engine, make_session_factory
from guide.models import Campaign, Fiche, ReminderSent, utcnow
from guide.scripts import remind
from guide.services import campaigns
from guide.services.freshness import add_months

from .test_scripts import _ini


class Collector:
    def __init__(self):
        self.sent = []

    def build(self, to, subject, body):
        return (to, subject, body)

    def deliver(self, message):
        self.sent.append(message)


SETTINGS = {"site_url": "http://localhost", "site_name": "Guide"}


def test_fiche_reminders_once_per_stage_and_confirmation(world, db):
    today = dt.date.today()
    a = world.fiches["published_a"]
    a.confirmed_at = add_months(today, -18)
    world.fiches["published_b"].confirmed_at = add_months(today, -11) - dt.timedelta(days=2)
    world.fiches["published_c"].confirmed_at = today
    db.flush()
    mailer = Collector()
    dry = campaigns.send_due_reminders(db, mailer, SETTINGS, dry_run=True)
    assert {r.organisation for r in dry} == {"Association Alpha", "Bêta Santé"}
    assert mailer.sent == [] and db.scalar(select(ReminderSent.id)) is None
    sent = campaigns.send_due_reminders(db, mailer, SETTINGS)
    assert {r.organisation for r in sent} == {"Association Alpha", "Bêta Santé"}
    to = sorted(m[0] for m in mailer.sent)
    assert to == ["editor.a@test.fr", "owner.a@test.fr", "owner.b@test.fr"]
    alpha = next(m for m in mailer.sent if m[0] == "owner.a@test.fr")
    assert "Fiche published a (à vérifier)" in alpha[2] and "http://localhost/mise-a-jour/" in alpha[2]
    # the next runs send nothing
    assert campaigns.send_due_reminders(db, mailer, SETTINGS) == []
    assert campaigns.send_due_reminders(db, mailer, SETTINGS, today=today + dt.timedelta(days=3)) == []
    assert len(mailer.sent) == 3
    # Bêta's fiche passes from « bientôt » to « à vérifier »: a new reminder, once
    later = today + dt.timedelta(days=40)
    sent = campaigns.send_due_reminders(db, mailer, SETTINGS, today=later)
    assert [r.organisation for r in sent] == ["Bêta Santé"]
    assert campaigns.send_due_reminders(db, mailer, SETTINGS, today=later) == []
    # confirmed again, then stale a year later: a new cycle
    a.confirmed_at = today
    db.flush()
    next_year = add_months(today, 13)
    assert "Association Alpha" in {
        r.organisation for r in campaigns.send_due_reminders(db, mailer, SETTINGS, today=next_year)
    }


def test_campaign_reminders_after_7_and_21_days_only_to_those_who_did_not_answer(world, db):
    mailer = Collector()
    sent_at = utcnow()
    campaign = campaigns.create_campaign(db, "Printemps", {"mode": "all"}, "Merci !", world.users["coord"])
    campaigns.send_campaign(db, campaign, mailer, SETTINGS, now=sent_at)
    assert len(mailer.sent) == 4  # alpha (2), beta, gamma
    # Alpha answers through its link
    token = campaigns.issue_link(db, world.orgs["a"].id, days=30, campaign_id=campaign.id)
    db.flush()
    campaigns.confirm_with_link(db, campaigns.resolve_link(db, token))
    # Gamma was called
    gamma = next(r for r in campaign.recipients if r.organisation_id == world.orgs["c"].id)
    campaigns.note_phone(gamma, "", world.users["coord"])
    db.flush()
    mailer.sent.clear()
    assert (
        campaigns.campaign_reminders(
            db, mailer, SETTINGS, now=sent_at + dt.timedelta(days=6), today=dt.date.today()
        )
        == []
    )
    week = sent_at + dt.timedelta(days=8)
    reminded = campaigns.campaign_reminders(db, mailer, SETTINGS, now=week, today=dt.date.today())
    assert [(r.organisation, r.detail) for r in reminded] == [("Bêta Santé", "Printemps, relance 1")]
    assert [m[0] for m in mailer.sent] == ["owner.b@test.fr"] and mailer.sent[0][1].startswith("Rappel")
    assert campaigns.campaign_reminders(db, mailer, SETTINGS, now=week, today=dt.date.today()) == []
    later = sent_at + dt.timedelta(days=22)
    reminded = campaigns.campaign_reminders(db, mailer, SETTINGS, now=later, today=dt.date.today())
    assert [r.detail for r in reminded] == ["Printemps, relance 2"]
    assert (
        campaigns.campaign_reminders(
            db, mailer, SETTINGS, now=later + dt.timedelta(days=30), today=dt.date.today()
        )
        == []
    )
    assert len(mailer.sent) == 2
    # a closed campaign reminds nobody
    campaigns.close(campaign)
    db.flush()
    assert db.scalar(select(Campaign.closed_at)) is not None


def test_guide_remind_command_prints_what_it_sent_and_never_twice(tmp_path):
    ini, url = _ini(tmp_path)
    from guide.models import Organisation
    from guide.services import fiches

    from ..factories import content

    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        org = Organisation(nom="Épicerie solidaire", slug="epicerie", courriel="contact@epicerie.fr")
        db.add(org)
        db.flush()
        fiche = fiches.create_fiche(
            db, org, content(nom="Distribution alimentaire", thematiques=[], lieux=[]), None
        )
        fiches.transition(db, fiche, "publish", None)
        fiche.confirmed_at = add_months(dt.date.today(), -14)
        db.commit()
    engine.dispose()
    settings = remind.load_settings(ini)
    out = io.StringIO()
    assert remind.run(settings, dry_run=True, out=out) == 1
    assert (
        "à envoyer [fiches] Épicerie solidaire → contact@epicerie.fr : Distribution alimentaire (à vérifier)"
        in out.getvalue()
    )
    out = io.StringIO()
    assert remind.run(settings, out=out) == 1
    assert "envoyé [fiches] Épicerie solidaire" in out.getvalue()
    out = io.StringIO()
    assert remind.run(settings, out=out) == 0
    assert "Total : 0 rappel(s)" in out.getvalue()
    assert remind.main([ini, "--dry-run"]) == 0
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        assert db.scalar(select(Fiche.confirmed_at)) < dt.date.today()
        assert len(list(db.scalars(select(ReminderSent)))) == 1
    engine.dispose()
