"""Campaign progress: whether each organisation answered since the mail, tallied by thématique and quartier.

Whether an organisation answered is derived from the fiche history (a confirmation or a save of one of its
fiches after the mail) so that a partner who logs in and edits counts too (:func:`progress`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...models import (
    Campaign,
    CampaignRecipient,
    Fiche,
    FicheEvent,
    Lieu,
    Quartier,
    Thematique,
    lieu_organisation,
    version_thematique,
)

# what counts as an answer in a fiche's history
CONFIRM_ACTIONS = ("confirm",)
MODIFY_ACTIONS = ("save", "restore", "create", "urgent")

ANSWER_LABELS = {
    "unchanged": "Confirmé sans changement",
    "modified": "Modifié",
    "none": "Pas de réponse",
    "unreachable": "Personne à contacter",
}


def answers(db: Session, campaign: Campaign) -> dict[int, str]:
    """Each recipient organisation's answer since the mail: "modified" (a fiche saved), "unchanged" (only
    confirmations), "none" — from the fiche history, one grouped query."""
    rows = {r.organisation_id: r for r in campaign.recipients}
    result = {
        org_id: ("unchanged" if r.answered_at else "none" if r.emails else "unreachable")
        for org_id, r in rows.items()
    }
    if campaign.sent_at is None or not rows:
        return result
    stmt = (
        select(Fiche.organisation_id, FicheEvent.action, func.count())
        .join(FicheEvent, FicheEvent.fiche_id == Fiche.id)
        .join(CampaignRecipient, CampaignRecipient.organisation_id == Fiche.organisation_id)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            FicheEvent.at >= campaign.sent_at,
            FicheEvent.action.in_(CONFIRM_ACTIONS + MODIFY_ACTIONS),
        )
        .group_by(Fiche.organisation_id, FicheEvent.action)
    )
    for org_id, action, _count in db.execute(stmt):
        if action in MODIFY_ACTIONS:
            result[org_id] = "modified"
        elif result.get(org_id) != "modified":
            result[org_id] = "unchanged"
    return result


@dataclass
class Tally:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ANSWER_LABELS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def answered(self) -> int:
        return self.counts["unchanged"] + self.counts["modified"]


@dataclass
class Progress:
    rows: list[tuple[CampaignRecipient, str]]
    overall: Tally
    by_thematique: list[Tally]
    by_quartier: list[Tally]


def progress(db: Session, campaign: Campaign) -> Progress:
    """Answers by organisation, and tallied by thématique and quartier (an organisation counts in each
    thématique of its public fiches and each quartier of its lieux)."""
    answer = answers(db, campaign)
    loaded = db.scalars(
        select(CampaignRecipient)
        .where(CampaignRecipient.campaign_id == campaign.id)
        .options(selectinload(CampaignRecipient.organisation))
    ).all()  # one query for the organisations, not one each
    recipients = sorted(loaded, key=lambda r: r.organisation.nom.casefold())
    overall = Tally("Toutes")
    for r in recipients:
        overall.counts[answer[r.organisation_id]] += 1
    org_ids = [r.organisation_id for r in recipients]
    by_them: dict[str, Tally] = {}
    by_quartier: dict[str, Tally] = {}
    for start in range(0, len(org_ids), 500):
        chunk = org_ids[start : start + 500]
        them_rows = db.execute(
            select(Fiche.organisation_id, Thematique.label)
            .join(version_thematique, version_thematique.c.version_id == Fiche.published_version_id)
            .join(Thematique, Thematique.id == version_thematique.c.thematique_id)
            .where(Fiche.is_public, Fiche.organisation_id.in_(chunk))
            .distinct()
        )
        for org_id, label in them_rows:
            by_them.setdefault(label, Tally(label)).counts[answer[org_id]] += 1
        quartier_rows = db.execute(
            select(lieu_organisation.c.organisation_id, Quartier.nom)
            .join(Lieu, Lieu.id == lieu_organisation.c.lieu_id)
            .join(Quartier, Quartier.id == Lieu.quartier_id)
            .where(lieu_organisation.c.organisation_id.in_(chunk))
            .distinct()
        )
        for org_id, label in quartier_rows:
            by_quartier.setdefault(label, Tally(label)).counts[answer[org_id]] += 1
    return Progress(
        rows=[(r, answer[r.organisation_id]) for r in recipients],
        overall=overall,
        by_thematique=sorted(by_them.values(), key=lambda t: t.label.casefold()),
        by_quartier=sorted(by_quartier.values(), key=lambda t: t.label.casefold()),
    )
