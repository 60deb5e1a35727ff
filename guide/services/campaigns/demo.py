"""The demo guide's freshness: some fiches stale, one update campaign under way (:func:`seed_demo`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import (
    Campaign,
    CampaignRecipient,
    Fiche,
    Thematique,
    User,
    utcnow,
)
from ..freshness import add_months
from .mail import recipients_of
from .sending import target_organisations


def seed_demo(db: Session, coordinator: User | None, today: dt.date | None = None) -> Campaign | None:
    """Make the demo guide show freshness and a campaign under way (guide.services.demo calls this).

    A food thématique is checked every 3 months; among the published fiches (by id), one in three was
    confirmed 14 months ago (« à vérifier ») and one in seven 11 months and a half ago (« bientôt »); a
    campaign « Mise à jour d'automne » went 10 days ago to the organisations with fiches to check (no mail
    is sent by the demo), and the last of them has already answered.
    """
    today = today or dt.date.today()
    for thematique in db.scalars(select(Thematique).where(Thematique.slug.like("%aliment%"))):
        thematique.update_period_months = 3
    public = list(db.scalars(select(Fiche).where(Fiche.is_public).order_by(Fiche.id)))
    for index, fiche in enumerate(public):
        if index % 3 == 0:
            fiche.confirmed_at = add_months(today, -14)
        elif index % 7 == 1:
            fiche.confirmed_at = add_months(today, -11) - dt.timedelta(days=15)
    db.flush()
    sent_at = utcnow() - dt.timedelta(days=10)
    campaign = Campaign(
        title="Mise à jour d'automne",
        target={"mode": "stale", "ids": []},
        message="Le guide papier part à l'impression en janvier : merci de vérifier vos fiches.",
        created_by=coordinator,
        created_at=sent_at,
        sent_at=sent_at,
    )
    db.add(campaign)
    organisations = target_organisations(db, campaign.target, today)
    recipients = recipients_of(db, organisations)
    for organisation in organisations:
        emails = recipients.get(organisation.id, [])
        db.add(
            CampaignRecipient(
                campaign=campaign,
                organisation=organisation,
                emails=emails,
                sent_at=sent_at if emails else None,
            )
        )
    db.flush()
    answered = [o for o in organisations if recipients.get(o.id)][-1:]
    for organisation in answered:
        for fiche in db.scalars(
            select(Fiche).where(Fiche.organisation_id == organisation.id, Fiche.is_public)
        ):
            fiche.confirmed_at = today  # as « Tout est à jour » does (the demo's history stays as imported)
        row = next(r for r in campaign.recipients if r.organisation_id == organisation.id)
        row.answered_at = utcnow()
    db.flush()
    return campaign
