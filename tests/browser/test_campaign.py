"""Issue 8's walk: a coordinator sends an update campaign, a partner opens the link of the mail caught by
the test SMTP server, clicks « Tout est à jour » (no password), and the campaign page and the « État du
guide » page show the answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from sqlalchemy import select

from guide.models import Fiche, Membership, User
from guide.services.freshness import add_months
from guide.settings import Settings
from tests.live import live_site

from .conftest import shot
from .test_walkthrough import COORDINATOR, PARTNER, log_in

PARTNER_ORGS: dict[int, str] = {}  # id -> name of the partner's organisations that have public fiches
PARTNER_FICHES: dict[int, int] = {}  # fiche id -> organisation id


def _partner_fiches_stale(db):
    """Every published fiche of the demo partner's organisations was confirmed 18 months ago."""
    PARTNER_ORGS.clear()
    PARTNER_FICHES.clear()
    user = db.scalar(select(User).where(User.email == PARTNER))
    org_ids = [m.organisation_id for m in db.scalars(select(Membership).where(Membership.user_id == user.id))]
    for fiche in db.scalars(select(Fiche).where(Fiche.organisation_id.in_(org_ids), Fiche.is_public)):
        fiche.confirmed_at = add_months(dt.date.today(), -18)
        PARTNER_ORGS[fiche.organisation.id] = fiche.organisation.nom
        PARTNER_FICHES[fiche.id] = fiche.organisation.id


def _hrefs(links):
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def _guide_state(page, base):
    """(fiches confirmed within their period, published fiches, names of the organisations to check)."""
    page.goto(f"{base}/coordination/etat-du-guide")
    figures = page.locator("ul.figures li").first.inner_text()
    within, total = map(int, re.search(r"\((\d+) sur (\d+)\)", figures).groups())
    to_check = page.locator("#delais-organisation + p + table tbody th").all_inner_texts()
    return within, total, to_check


def test_coordinator_sends_a_campaign_and_the_partner_confirms_in_one_click(
    browser, smtp_server, tmp_path, worker_id
):
    controller, mailbox = smtp_server
    mailbox.messages.clear()
    settings = {"mail.backend": "smtp", "mail.host": "127.0.0.1", "mail.port": str(controller.port)}
    if any(f.metadata.get("key") == "tasks.immediate" for f in dataclasses.fields(Settings)):
        settings["tasks.immediate"] = "true"  # the mail outbox is delivered in the process (no worker here)
    with live_site(tmp_path, f"guide_campaign_{worker_id}", _partner_fiches_stale, **settings) as (base, _db):
        coordinator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
        log_in(coordinator, base, COORDINATOR)
        assert PARTNER_ORGS and PARTNER_FICHES
        within_before, total, to_check = _guide_state(coordinator, base)
        for name in PARTNER_ORGS.values():  # the partner's stale fiches are counted among those to check
            assert name in to_check
        coordinator.goto(f"{base}/coordination/campagnes/nouvelle")
        coordinator.get_by_label("Nom de la campagne").fill("Mise à jour de printemps")
        coordinator.get_by_label("Seulement celles qui ont des fiches à vérifier").check()
        coordinator.get_by_label("Votre message").fill(
            "Bonjour, le guide papier part à l'impression en mars."
        )
        coordinator.get_by_role("button", name="Prévisualiser le courriel").click()
        coordinator.wait_for_selector(".mail-preview")
        assert "le guide papier part à l'impression" in coordinator.inner_text(".mail-preview")
        shot(coordinator, "campaign-01-preview")
        coordinator.get_by_role("button", name="Envoyer la campagne").click()
        coordinator.wait_for_selector("#campaign-summary")
        assert re.search(r"Ont répondu : 0 / \d+", coordinator.inner_text("#campaign-summary"))

        # the partner's mail, caught by the test SMTP server
        mail = mailbox.wait_for(PARTNER, timeout=20)
        link = mailbox.link(mail)
        assert "/mise-a-jour/" in link
        partner_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
        partner = partner_context.new_page()
        partner.goto(link)
        heading = partner.inner_text("h1")
        assert "Vos fiches dans le guide" in heading
        # the mail's link is scoped to one of the partner's organisations
        (org_id,) = [o for o, name in PARTNER_ORGS.items() if heading.endswith(f"— {name}")]
        confirmed = {f for f, o in PARTNER_FICHES.items() if o == org_id}
        shot(partner, "campaign-02-partner-link")
        partner.get_by_role("button", name="Tout est à jour").click()
        partner.wait_for_selector(".flash-ok")
        assert "confirmées à jour" in partner.inner_text(".flash-ok")
        assert "À vérifier" not in partner.inner_text("table.list")
        assert not [c for c in partner_context.cookies() if c["name"] == "guide_session"]  # never logged in
        shot(partner, "campaign-03-partner-confirmed")
        # « Modifier » still asks to log in
        partner.get_by_role("link", name=re.compile("^Modifier")).first.click()
        partner.wait_for_url(re.compile(r"/connexion"))

        coordinator.reload()
        summary = coordinator.inner_text("#campaign-summary")
        assert re.search(r"Ont répondu : [1-9]\d* / \d+", summary), summary
        assert "Confirmé sans changement" in coordinator.inner_text("table.list")
        shot(coordinator, "campaign-04-progress")

        # « État du guide »: the organisation's fiches now count as confirmed within their period
        within_after, total_after, to_check = _guide_state(coordinator, base)
        assert total_after == total
        assert within_after == within_before + len(confirmed), (within_before, within_after, confirmed)
        assert PARTNER_ORGS[org_id] not in to_check
        for other, name in PARTNER_ORGS.items():  # the link confirmed nothing of the others
            assert other == org_id or name in to_check
        shot(coordinator, "campaign-05-guide-state")
        # the list behind the figure, for this organisation, names each of its fiches
        coordinator.goto(f"{base}/coordination/etat-du-guide/a-jour?organisation={org_id}")
        assert PARTNER_ORGS[org_id] in coordinator.inner_text("h1")
        links = coordinator.locator("table.list tbody tr td:nth-child(2) a")
        listed = {int(re.search(r"/fiches/(\d+)$", h).group(1)) for h in _hrefs(links)}
        assert listed == confirmed
        partner_context.close()
        coordinator.context.close()
