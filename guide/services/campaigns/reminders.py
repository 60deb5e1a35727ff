"""Reminders (``guide-remind``): campaign reminders and fiche reminders, each sent once.

:func:`send_due_reminders`: campaign reminders 7 and 21 days after the mail (:data:`REMINDER_DAYS`) to
organisations that have not answered, and fiche reminders when a fiche enters « à vérifier bientôt » or
« à vérifier ». Each reminder is recorded under a unique key (:class:`~guide.models.ReminderSent`) before its
mail leaves: never the same reminder twice, even for two runs at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...models import (
    Campaign,
    CampaignRecipient,
    Fiche,
    FicheVersion,
    Organisation,
    ReminderSent,
    utcnow,
)
from ...settings import Settings, coerce
from ..freshness import FRESHNESS_LABELS, Freshness, freshness_expression
from .links import issue_link, link_url
from .mail import fiche_lines, fiche_reminder_mail, recipients_of, send_mail
from .progress import answers
from .sending import mail_organisation

REMINDER_DAYS = (7, 21)  # campaign reminders, days after the mail, to those who have not answered


@dataclass
class SentReminder:
    key: str
    kind: str
    organisation: str
    emails: list[str]
    detail: str = ""


def _record(db: Session, key: str, kind: str, **ids: Any) -> bool:
    """Record the reminder; False when it was recorded already (by an earlier or a concurrent run)."""
    if db.scalar(select(ReminderSent.id).where(ReminderSent.key == key)) is not None:
        return False
    try:
        with db.begin_nested():
            db.add(ReminderSent(key=key, kind=kind, sent_at=utcnow(), **ids))
    except IntegrityError:
        return False
    return True


def _record_all(
    db: Session, groups: list[tuple[int, list[tuple[str, int, str, Freshness]]]]
) -> dict[int, list[tuple[int, str, Freshness]]]:
    """Record every organisation's fiche reminders in one statement (10 000 fiches: one round trip); when
    another run recorded some meanwhile (unique key), fall back to each organisation on its own."""
    now = utcnow()
    rows = [
        {
            "key": key,
            "kind": value.value,
            "organisation_id": org_id,
            "fiche_id": fid,
            "sent_at": now,
            "emails": [],
        }
        for org_id, items in groups
        for key, fid, _nom, value in items
    ]
    if not rows:
        return {}
    try:
        with db.begin_nested():
            db.execute(insert(ReminderSent), rows)
    except IntegrityError:
        return {org_id: _record_many(db, org_id, items) for org_id, items in groups}
    return {org_id: [(fid, nom, value) for _key, fid, nom, value in items] for org_id, items in groups}


def _record_many(
    db: Session, organisation_id: int, items: list[tuple[str, int, str, Freshness]]
) -> list[tuple[int, str, Freshness]]:
    """Record the fiche reminders of one organisation in one statement; when another run recorded some of
    them meanwhile (unique key), fall back to one by one and keep only those recorded here."""
    now = utcnow()
    rows = [
        {
            "key": key,
            "kind": value.value,
            "organisation_id": organisation_id,
            "fiche_id": fid,
            "sent_at": now,
            "emails": [],
        }
        for key, fid, _nom, value in items
    ]
    try:
        with db.begin_nested():
            db.execute(insert(ReminderSent), rows)
    except IntegrityError:
        return [
            (fid, nom, value)
            for key, fid, nom, value in items
            if _record(db, key, value.value, organisation_id=organisation_id, fiche_id=fid)
        ]
    return [(fid, nom, value) for _key, fid, nom, value in items]


def campaign_reminders(
    db: Session,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    now: dt.datetime,
    today: dt.date,
    dry_run: bool = False,
    transaction_manager: Any = None,
) -> list[SentReminder]:
    typed = coerce(settings)
    sent: list[SentReminder] = []
    campaigns = db.scalars(
        select(Campaign).where(Campaign.sent_at.is_not(None), Campaign.closed_at.is_(None))
    )
    for campaign in campaigns:
        answer = answers(db, campaign)
        waiting = [
            r
            for r in db.scalars(
                select(CampaignRecipient)
                .where(CampaignRecipient.campaign_id == campaign.id)
                .options(selectinload(CampaignRecipient.organisation))
            )
            if answer[r.organisation_id] == "none"
            and r.answered_at is None
            and not r.phone_noted_at
            and r.emails
        ]
        due: list[tuple[CampaignRecipient, int]] = []
        for r in waiting:
            assert campaign.sent_at is not None
            number = sum(1 for days in REMINDER_DAYS if now >= campaign.sent_at + dt.timedelta(days=days))
            if number > r.reminders:
                due.append((r, number))
        if not due:
            continue
        emails_now = recipients_of(db, [r.organisation for r, _ in due])
        lines = fiche_lines(db, [r.organisation_id for r, _ in due], today, campaign.target)
        for r, number in due:
            emails = emails_now.get(r.organisation_id) or []
            key = f"campaign:{campaign.id}:org:{r.organisation_id}:r{number}"
            if not emails:
                continue
            item = SentReminder(
                key, "campagne", r.organisation.nom, emails, f"{campaign.title}, relance {number}"
            )
            if dry_run:
                if db.scalar(select(ReminderSent.id).where(ReminderSent.key == key)) is None:
                    sent.append(item)
                continue
            if not _record(db, key, "campaign", organisation_id=r.organisation_id, campaign_id=campaign.id):
                continue
            r.reminders = number
            r.last_reminded_at = now
            mail_organisation(
                db, campaign, r.organisation, emails, lines.get(r.organisation_id, []), mailer,
                transaction_manager, typed, reminder=number, now=now,
            )  # fmt: skip
            sent.append(item)
    return sent


def fiche_reminders(
    db: Session,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    now: dt.datetime,
    today: dt.date,
    dry_run: bool = False,
    transaction_manager: Any = None,
) -> list[SentReminder]:
    """One mail per organisation listing its fiches that entered « bientôt » or « à vérifier » since the
    last reminder of the same kind for the same confirmation (key: fiche, freshness, confirmation day)."""
    typed = coerce(settings)
    status = freshness_expression(today)
    rows = db.execute(
        select(Fiche.id, Fiche.organisation_id, Fiche.confirmed_at, FicheVersion.nom, status)
        .join(FicheVersion, FicheVersion.id == Fiche.published_version_id)
        .where(Fiche.is_public, status.in_([Freshness.A_VERIFIER.value, Freshness.BIENTOT.value]))
        .order_by(Fiche.organisation_id, Fiche.id)
    ).all()
    keyed = [
        (f"fiche:{fid}:{value}:{confirmed or 'jamais'}", fid, org_id, nom, Freshness(value))
        for fid, org_id, confirmed, nom, value in rows
    ]
    already: set[str] = set()
    keys = [k for k, *_ in keyed]
    for start in range(0, len(keys), 500):
        already.update(
            db.scalars(select(ReminderSent.key).where(ReminderSent.key.in_(keys[start : start + 500])))
        )
    by_org: dict[int, list[tuple[str, int, str, Freshness]]] = defaultdict(list)
    for key, fid, org_id, nom, value in keyed:
        if key not in already:
            by_org[org_id].append((key, fid, nom, value))
    if not by_org:
        return []
    organisations = list(db.scalars(select(Organisation).where(Organisation.id.in_(list(by_org)))))
    recipients = recipients_of(db, organisations)
    sent: list[SentReminder] = []
    days = typed.token_confirmation_days
    reachable = [o for o in sorted(organisations, key=lambda o: o.nom.casefold()) if recipients.get(o.id)]
    # organisations nobody can be told about are left out: the coordinators see them on their pages
    if not dry_run:
        recorded = _record_all(db, [(o.id, by_org[o.id]) for o in reachable])
    for organisation in reachable:
        items = by_org[organisation.id]
        emails = recipients[organisation.id]
        detail = ", ".join(f"{nom} ({FRESHNESS_LABELS[value].lower()})" for _, _, nom, value in items[:5])
        if len(items) > 5:
            detail += f", … ({len(items)} fiches)"
        item = SentReminder(f"organisation:{organisation.id}", "fiches", organisation.nom, emails, detail)
        if dry_run:
            sent.append(item)
            continue
        mine = recorded.get(organisation.id)
        if not mine:
            continue
        token = issue_link(db, organisation.id, days=days, email=emails[0], now=now)
        subject, body = fiche_reminder_mail(typed, organisation.nom, mine, link_url(typed, token), days)
        for email in emails:
            send_mail(db, mailer, transaction_manager, email, subject, body)
        sent.append(item)
    return sent


def send_due_reminders(
    db: Session,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    transaction_manager: Any = None,
) -> list[SentReminder]:
    """Every reminder due now (campaign reminders first, then fiche reminders); what was (or, with
    ``dry_run``, would be) sent. Idempotent: a second run sends nothing new."""
    now = now or utcnow()
    today = today or dt.date.today()
    kwargs = {"now": now, "today": today, "dry_run": dry_run, "transaction_manager": transaction_manager}
    return campaign_reminders(db, mailer, settings, **kwargs) + fiche_reminders(
        db, mailer, settings, **kwargs
    )
