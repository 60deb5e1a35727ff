"""Update campaigns: choose who (:data:`TARGET_MODES`), create, preview, send, resend, phone notes, close.

A coordinator chooses who (all organisations, by thématique, by quartier, only those with stale fiches),
previews the mail (:func:`preview`), sends (:func:`send_campaign`): one confirmation link and one mail per
reachable organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import (
    Campaign,
    CampaignRecipient,
    Fiche,
    Lieu,
    Organisation,
    Quartier,
    Thematique,
    User,
    lieu_organisation,
    utcnow,
    version_thematique,
)
from ...settings import Settings, coerce
from ..freshness import Freshness, freshness_expression
from .links import issue_link, link_url
from .mail import FicheLine, fiche_lines, mail_for, recipients_of, send_mail

TARGET_MODES = {
    "all": "Toutes les structures",
    "thematique": "Par thématique",
    "quartier": "Par quartier",
    "stale": "Seulement celles qui ont des fiches à vérifier",
}


class CampaignError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def target_organisations(db: Session, target: Mapping[str, Any], today: dt.date) -> list[Organisation]:
    """The organisations a campaign reaches: those with at least one public fiche matching the target."""
    mode = target.get("mode", "all")
    ids = [int(i) for i in target.get("ids") or []]
    stmt = select(Fiche.organisation_id).where(Fiche.is_public)
    if mode == "thematique":
        stmt = stmt.join(
            version_thematique, version_thematique.c.version_id == Fiche.published_version_id
        ).where(version_thematique.c.thematique_id.in_(ids))
    elif mode == "quartier":
        lieux = select(lieu_organisation.c.organisation_id).join(Lieu, Lieu.id == lieu_organisation.c.lieu_id)
        stmt = stmt.where(Fiche.organisation_id.in_(lieux.where(Lieu.quartier_id.in_(ids))))
    elif mode == "stale":
        stmt = stmt.where(
            freshness_expression(today).in_([Freshness.A_VERIFIER.value, Freshness.BIENTOT.value])
        )
    elif mode != "all":
        raise CampaignError("Choisissez à qui envoyer la campagne.")
    org_ids = stmt.distinct().scalar_subquery()
    return list(
        db.scalars(select(Organisation).where(Organisation.id.in_(org_ids)).order_by(Organisation.nom))
    )


def describe_target(db: Session, target: Mapping[str, Any]) -> str:
    mode = target.get("mode", "all")
    ids = [int(i) for i in target.get("ids") or []]
    if mode == "thematique":
        names = db.scalars(select(Thematique.label).where(Thematique.id.in_(ids)).order_by(Thematique.label))
        return "Thématiques : " + ", ".join(names)
    if mode == "quartier":
        names = db.scalars(select(Quartier.nom).where(Quartier.id.in_(ids)).order_by(Quartier.nom))
        return "Quartiers : " + ", ".join(names)
    return TARGET_MODES.get(mode, TARGET_MODES["all"])


def create_campaign(
    db: Session, title: str, target: Mapping[str, Any], message: str, author: User | None
) -> Campaign:
    mode = target.get("mode", "all")
    if mode not in TARGET_MODES:
        raise CampaignError("Choisissez à qui envoyer la campagne.")
    ids = sorted({int(i) for i in target.get("ids") or []})
    if mode in ("thematique", "quartier") and not ids:
        raise CampaignError(
            "Choisissez au moins une thématique."
            if mode == "thematique"
            else "Choisissez au moins un quartier."
        )
    campaign = Campaign(
        title=title.strip()[:150],
        target={"mode": mode, "ids": ids},
        message=message.strip(),
        created_by=author,
        created_at=utcnow(),
    )
    db.add(campaign)
    db.flush()
    return campaign


@dataclass
class Preview:
    organisations: list[Organisation]
    recipients: dict[int, list[str]]
    subject: str = ""
    body: str = ""

    @property
    def reachable(self) -> list[Organisation]:
        return [o for o in self.organisations if self.recipients.get(o.id)]

    @property
    def unreachable(self) -> list[Organisation]:
        """Organisations nobody can update: no member and no contact e-mail (« inviter »)."""
        return [o for o in self.organisations if not self.recipients.get(o.id)]


def preview(
    db: Session, campaign: Campaign, settings: Settings | Mapping[str, Any], today: dt.date
) -> Preview:
    typed = coerce(settings)
    organisations = target_organisations(db, campaign.target, today)
    recipients = recipients_of(db, organisations)
    result = Preview(organisations, recipients)
    example = next(iter(result.reachable), None) or next(iter(organisations), None)
    if example is not None:
        lines = fiche_lines(db, [example.id], today, campaign.target).get(example.id, [])
        url = link_url(typed, "…")
        result.subject, result.body = mail_for(
            typed.site_name, example.nom, campaign.message, lines, url, typed.token_confirmation_days
        )
    return result


def mail_organisation(
    db: Session,
    campaign: Campaign,
    organisation: Organisation,
    emails: list[str],
    lines: list[FicheLine],
    mailer: Any,
    transaction_manager: Any,
    typed: Settings,
    *,
    reminder: int = 0,
    now: dt.datetime,
) -> None:
    days = typed.token_confirmation_days
    token = issue_link(db, organisation.id, days=days, campaign_id=campaign.id, email=emails[0], now=now)
    subject, body = mail_for(
        typed.site_name,
        organisation.nom,
        campaign.message,
        lines,
        link_url(typed, token),
        days,
        reminder=reminder,
    )
    for email in emails:
        send_mail(db, mailer, transaction_manager, email, subject, body)


def send_campaign(
    db: Session,
    campaign: Campaign,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    transaction_manager: Any = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Send the campaign: one link and one mail per reachable organisation. Returns mails queued."""
    if campaign.sent_at is not None:
        raise CampaignError("Cette campagne est déjà envoyée.")
    typed = coerce(settings)
    now = now or utcnow()
    today = today or dt.date.today()
    organisations = target_organisations(db, campaign.target, today)
    if not organisations:
        raise CampaignError("Aucune structure ne correspond à ce choix : la campagne n'est pas envoyée.")
    recipients = recipients_of(db, organisations)
    lines = fiche_lines(db, [o.id for o in organisations], today, campaign.target)
    campaign.sent_at = now
    sent = 0
    for organisation in organisations:
        emails = recipients.get(organisation.id, [])
        row = CampaignRecipient(campaign=campaign, organisation=organisation, emails=emails)
        db.add(row)
        if emails:
            row.sent_at = now
            mail_organisation(
                db, campaign, organisation, emails, lines.get(organisation.id, []), mailer,
                transaction_manager, typed, now=now,
            )  # fmt: skip
            sent += len(emails)
    db.flush()
    return sent


def resend(
    db: Session,
    recipient: CampaignRecipient,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    transaction_manager: Any = None,
    now: dt.datetime | None = None,
) -> int:
    """Send the campaign's mail again to one organisation (a new link; the old one stays valid)."""
    campaign = recipient.campaign
    if not campaign.is_open:
        raise CampaignError("Cette campagne est terminée.")
    typed = coerce(settings)
    now = now or utcnow()
    organisation = recipient.organisation
    emails = recipients_of(db, [organisation])[organisation.id]
    if not emails:
        raise CampaignError(
            f"« {organisation.nom} » n'a ni membre ni adresse de contact : invitez quelqu'un d'abord."
        )
    recipient.emails = emails
    recipient.sent_at = now
    lines = fiche_lines(db, [organisation.id], dt.date.today(), campaign.target).get(organisation.id, [])
    mail_organisation(db, campaign, organisation, emails, lines, mailer, transaction_manager, typed, now=now)
    return len(emails)


def note_phone(recipient: CampaignRecipient, note: str, author: User | None) -> None:
    recipient.phone_note = (note or "").strip()[:2000] or "Contacté par téléphone"
    recipient.phone_noted_at = utcnow()
    recipient.phone_noted_by = author


def close(campaign: Campaign) -> None:
    """Close the campaign: its links stop working, no more reminders."""
    if campaign.closed_at is None:
        campaign.closed_at = utcnow()
