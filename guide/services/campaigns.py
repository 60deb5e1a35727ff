"""Update campaigns, password-less confirmation links and reminders (``guide-remind``).

Confirmation links
    :func:`issue_link` makes a random token for ONE organisation (and optionally a campaign), stores its
    SHA-256 only and returns the clear token for the mail. :func:`resolve_link` finds a valid link again:
    it is refused once expired (``token.confirmation_days``), revoked, or when its campaign is closed. It is
    usable many times until then (a partner clicks the mail again). A link only ever confirms the
    organisation's own fiches (:func:`confirm_with_link`) — editing needs an account.

Campaigns
    A coordinator chooses who (:data:`TARGET_MODES`: all organisations, by thématique, by quartier, only
    those with stale fiches), previews the mail (:func:`mail_for`), sends (:func:`send_campaign`): each
    organisation's active members get the mail, or its contact e-mail when it has no member; an
    organisation with neither is « à inviter ». Whether an organisation answered is derived from the fiche
    history (a confirmation or a save of one of its fiches after the mail) so that a partner who logs in
    and edits counts too (:func:`progress`).

Reminders
    :func:`send_due_reminders` (``guide-remind``): campaign reminders 7 and 21 days after the mail to
    organisations that have not answered, and fiche reminders when a fiche enters « à vérifier bientôt » or
    « à vérifier ». Each reminder is recorded under a unique key (:class:`~guide.models.ReminderSent`)
    before its mail leaves: never the same reminder twice, even for two runs at once.

Mail goes through the mailer given (``guide.mail``: after the commit in a request, or a command's own
outbox); nothing here speaks SMTP.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Campaign,
    CampaignRecipient,
    ConfirmationLink,
    Fiche,
    FicheEvent,
    FicheVersion,
    Lieu,
    Membership,
    Organisation,
    Quartier,
    ReminderSent,
    State,
    Thematique,
    User,
    lieu_organisation,
    utcnow,
    version_thematique,
)
from ..settings import Settings, coerce
from . import fiches as fiche_service
from .freshness import (
    FRESHNESS_LABELS,
    Freshness,
    add_months,
    freshness_expression,
    freshness_for,
    period_months,
)

CONFIRM_PATH = "/mise-a-jour/{token}"  # the route « confirm_link » (views/confirm.py)
REMINDER_DAYS = (7, 21)  # campaign reminders, days after the mail, to those who have not answered
MAX_FICHES_IN_MAIL = 30  # fiches listed in one mail; the link's page lists them all
TARGET_MODES = {
    "all": "Toutes les structures",
    "thematique": "Par thématique",
    "quartier": "Par quartier",
    "stale": "Seulement celles qui ont des fiches à vérifier",
}
# what counts as an answer in a fiche's history
CONFIRM_ACTIONS = ("confirm",)
MODIFY_ACTIONS = ("save", "restore", "create", "urgent")


class LinkError(Exception):
    """A confirmation link that cannot be used; ``message`` is for the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CampaignError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- mail plumbing --------------------------------------------------------------------------------


# transactions whose mail delivery is already triggered: with the mail outbox, one « deliver » after the
# commit sends every row the transaction queued, so the other mails are only queued (2 000 campaign mails
# would otherwise register 2 000 after-commit tasks)
_TRIGGERED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _send(db: Session, mailer: Any, transaction_manager: Any, to: str, subject: str, body: str) -> None:
    """After the commit with a transaction manager (a request); else into the mail outbox of ``db``'s
    transaction when the mailer has one (``Mailer.queue``); else straight into the mailer (a command passes
    a collector that it delivers after its own commit)."""
    if transaction_manager is not None:
        if hasattr(mailer, "queue"):
            try:
                transaction = transaction_manager.get()
                if _TRIGGERED.get(transaction):
                    mailer.queue(db, to, subject, body)
                    return
                _TRIGGERED[transaction] = True
            except TypeError:  # a transaction that cannot be weakly referenced: trigger each mail
                pass
        mailer.send_after_commit(transaction_manager, to, subject, body)
    elif hasattr(mailer, "queue"):
        mailer.queue(db, to, subject, body)
    else:
        mailer.deliver(mailer.build(to, subject, body))


def link_url(settings: Settings | Mapping[str, Any], token: str) -> str:
    return coerce(settings).site_url.rstrip("/") + CONFIRM_PATH.format(token=token)


# --- confirmation links ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    db: Session,
    organisation_id: int,
    *,
    days: int,
    campaign_id: int | None = None,
    email: str = "",
    now: dt.datetime | None = None,
) -> str:
    """A new link for the organisation; returns the clear token (only its hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(
        ConfirmationLink(
            token_hash=_hash(token),
            organisation_id=organisation_id,
            campaign_id=campaign_id,
            email=email[:254],
            created_at=now,
            expires_at=now + dt.timedelta(days=max(days, 1)),
        )
    )
    return token


EXPIRED = (
    "Ce lien de mise à jour a expiré. Connectez-vous à votre espace partenaire, ou demandez un nouveau "
    "lien à la coordination du guide."
)
UNKNOWN = "Ce lien de mise à jour n'est pas valable : vérifiez qu'il est complet (copiez-le en entier)."
CLOSED = (
    "Cette campagne de mise à jour est terminée. Connectez-vous à votre espace partenaire pour vos fiches."
)


def resolve_link(db: Session, token: str, now: dt.datetime | None = None) -> ConfirmationLink:
    """The valid link for this clear token; raises :class:`LinkError` with a French message otherwise."""
    now = now or utcnow()
    if not token or len(token) > 100 or not token.isascii():
        raise LinkError(UNKNOWN)
    link = db.scalar(select(ConfirmationLink).where(ConfirmationLink.token_hash == _hash(token)))
    if link is None:
        raise LinkError(UNKNOWN)
    if link.revoked_at is not None or link.expires_at <= now:
        raise LinkError(EXPIRED)
    if link.campaign is not None and link.campaign.closed_at is not None:
        raise LinkError(CLOSED)
    return link


def link_fiches(db: Session, link: ConfirmationLink) -> list[Fiche]:
    """The fiches the link may show: its organisation's, not archived."""
    return list(
        db.scalars(
            select(Fiche).where(Fiche.organisation_id == link.organisation_id, Fiche.state != State.ARCHIVED)
        )
    )


def confirm_with_link(
    db: Session,
    link: ConfirmationLink,
    fiche_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> list[Fiche]:
    """Confirm the link's organisation's public fiches (all, or those of ``fiche_ids`` that belong to it:
    another organisation's fiche is never touched). Returns the fiches confirmed."""
    now = now or utcnow()
    wanted = None if fiche_ids is None else set(fiche_ids)
    done = []
    for fiche in link_fiches(db, link):
        if not fiche.is_public or (wanted is not None and fiche.id not in wanted):
            continue
        fiche_service.confirm(fiche, None)
        fiche.events[-1].comment = "Confirmée depuis le lien reçu par courriel"
        done.append(fiche)
    link.last_used_at = now
    link.use_count = (link.use_count or 0) + 1
    if done and link.campaign_id is not None:
        recipient = db.scalar(
            select(CampaignRecipient).where(
                CampaignRecipient.campaign_id == link.campaign_id,
                CampaignRecipient.organisation_id == link.organisation_id,
            )
        )
        if recipient is not None and recipient.answered_at is None:
            recipient.answered_at = now
    return done


def note_link_opened(link: ConfirmationLink, now: dt.datetime | None = None) -> None:
    link.last_used_at = now or utcnow()
    link.use_count = (link.use_count or 0) + 1


# --- who gets the mail ----------------------------------------------------------------------------


def member_emails(db: Session, organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """The active members' addresses of each organisation (one query per 500 organisations)."""
    ids = list(organisation_ids)
    out: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = db.execute(
            select(Membership.organisation_id, User.email)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id.in_(ids[start : start + 500]), User.active.is_(True))
            .order_by(Membership.organisation_id, User.email)
        )
        for org_id, email in rows:
            out[org_id].append(email)
    return out


def recipients_of(db: Session, organisations: Iterable[Organisation]) -> dict[int, list[str]]:
    """Where each organisation's mail goes: its members, else its contact e-mail, else nowhere ([])."""
    orgs = list(organisations)
    members = member_emails(db, [o.id for o in orgs])
    return {o.id: members.get(o.id) or ([o.courriel] if o.courriel else []) for o in orgs}


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


# --- the mail -------------------------------------------------------------------------------------


@dataclass
class FicheLine:
    fiche_id: int
    nom: str
    freshness: Freshness


def fiche_lines(
    db: Session,
    organisation_ids: Iterable[int],
    today: dt.date,
    target: Mapping[str, Any] | None = None,
) -> dict[int, list[FicheLine]]:
    """Each organisation's public fiches with their freshness, most urgent first (rows, not objects). For a
    campaign on some thématiques (``target``, often a référent's), only the fiches of those thématiques:
    the mail is about them."""
    ids = list(organisation_ids)
    status = freshness_expression(today)
    out: dict[int, list[FicheLine]] = defaultdict(list)
    thematiques = None
    if target is not None and target.get("mode") == "thematique":
        thematiques = [int(i) for i in target.get("ids") or []]
    for start in range(0, len(ids), 500):
        stmt = (
            select(Fiche.organisation_id, Fiche.id, FicheVersion.nom, status)
            .join(FicheVersion, FicheVersion.id == Fiche.published_version_id)
            .where(Fiche.is_public, Fiche.organisation_id.in_(ids[start : start + 500]))
        )
        if thematiques is not None:
            in_thematiques = select(version_thematique.c.version_id).where(
                version_thematique.c.version_id == Fiche.published_version_id,
                version_thematique.c.thematique_id.in_(thematiques),
            )
            stmt = stmt.where(exists(in_thematiques))
        rows = db.execute(stmt)
        for org_id, fiche_id, nom, value in rows:
            out[org_id].append(FicheLine(fiche_id, nom, Freshness(value)))
    for lines in out.values():
        lines.sort(key=lambda line: (line.freshness.rank, line.nom.casefold()))
    return out


def mail_for(
    site_name: str,
    organisation_name: str,
    message: str,
    lines: list[FicheLine],
    url: str,
    days: int,
    *,
    reminder: int = 0,
) -> tuple[str, str]:
    """(subject, body) of a campaign mail or reminder, plain text."""
    subject = f"{site_name} : vos fiches sont-elles à jour ? ({organisation_name})"
    if reminder:
        subject = "Rappel — " + subject
    parts = ["Bonjour,", ""]
    if reminder:
        parts += [
            "Nous n'avons pas encore eu de réponse de votre part : pouvez-vous prendre une minute pour "
            "vérifier vos fiches ?",
            "",
        ]
    if message.strip():
        parts += [message.strip(), ""]
    if lines:
        parts.append(f"Les fiches de « {organisation_name} » dans le guide :")
        for line in lines[:MAX_FICHES_IN_MAIL]:
            parts.append(f"  - {line.nom} ({FRESHNESS_LABELS[line.freshness].lower()})")
        if len(lines) > MAX_FICHES_IN_MAIL:
            parts.append(f"  … et {len(lines) - MAX_FICHES_IN_MAIL} autre(s).")
        parts.append("")
    parts += [
        "Si rien n'a changé, un clic suffit : ouvrez ce lien puis « Tout est à jour ». Aucun mot de passe "
        f"n'est demandé ; le lien est valable {days} jours et ne sert qu'à vos fiches :",
        "",
        url,
        "",
        "Si quelque chose a changé, le même lien vous mène à chaque fiche (« Modifier » vous demandera de "
        "vous connecter).",
        "",
        f"Merci ! La coordination du {site_name}",
    ]
    return subject, "\n".join(parts) + "\n"


# --- campaigns ------------------------------------------------------------------------------------


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


def _mail_organisation(
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
        _send(db, mailer, transaction_manager, email, subject, body)


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
            _mail_organisation(
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
    _mail_organisation(db, campaign, organisation, emails, lines, mailer, transaction_manager, typed, now=now)
    return len(emails)


def note_phone(recipient: CampaignRecipient, note: str, author: User | None) -> None:
    recipient.phone_note = (note or "").strip()[:2000] or "Contacté par téléphone"
    recipient.phone_noted_at = utcnow()
    recipient.phone_noted_by = author


def close(campaign: Campaign) -> None:
    """Close the campaign: its links stop working, no more reminders."""
    if campaign.closed_at is None:
        campaign.closed_at = utcnow()


# --- progress -------------------------------------------------------------------------------------

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


# --- reminders ------------------------------------------------------------------------------------


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
            _mail_organisation(
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
        subject, body = _fiche_reminder_mail(typed, organisation.nom, mine, link_url(typed, token), days)
        for email in emails:
            _send(db, mailer, transaction_manager, email, subject, body)
        sent.append(item)
    return sent


def _fiche_reminder_mail(
    typed: Settings, organisation_name: str, items: list[tuple[int, str, Freshness]], url: str, days: int
) -> tuple[str, str]:
    stale = [nom for _, nom, value in items if value is Freshness.A_VERIFIER]
    subject = (
        f"{typed.site_name} : {len(items)} fiche(s) à vérifier ({organisation_name})"
        if stale
        else f"{typed.site_name} : vos fiches seront bientôt à vérifier ({organisation_name})"
    )
    parts = ["Bonjour,", "", f"Des fiches de « {organisation_name} » doivent être vérifiées :", ""]
    for _, nom, value in items[:MAX_FICHES_IN_MAIL]:
        parts.append(f"  - {nom} ({FRESHNESS_LABELS[value].lower()})")
    if len(items) > MAX_FICHES_IN_MAIL:
        parts.append(f"  … et {len(items) - MAX_FICHES_IN_MAIL} autre(s).")
    parts += [
        "",
        "Les habitant·es comptent sur des informations justes. Si rien n'a changé, ouvrez ce lien (valable "
        f"{days} jours, sans mot de passe) et cliquez « Tout est à jour » :",
        "",
        url,
        "",
        f"Merci ! La coordination du {typed.site_name}",
    ]
    return subject, "\n".join(parts) + "\n"


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


# --- for pages ------------------------------------------------------------------------------------


def freshness_rows(fiches: Iterable[Fiche], today: dt.date) -> list[tuple[Fiche, Freshness | None, int]]:
    """(fiche, freshness, period) for pages, most urgent first."""
    rows = []
    for fiche in fiches:
        freshness = (
            freshness_for(fiche.confirmed_at, period_months(fiche), today) if fiche.is_public else None
        )
        rows.append((fiche, freshness, period_months(fiche)))
    return sorted(rows, key=lambda r: (r[1].rank if r[1] else 3, r[0].title.casefold()))


# --- the demo guide -------------------------------------------------------------------------------


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


# --- housekeeping ---------------------------------------------------------------------------------

EXPIRED_LINKS_KEPT = dt.timedelta(days=90)  # an old link still says « expiré » rather than « pas valable »


def purge_expired_links(db: Session, now: dt.datetime | None = None) -> int:
    """Delete the confirmation links expired for more than :data:`EXPIRED_LINKS_KEPT` (guide-housekeeping)."""
    cutoff = (now or utcnow()) - EXPIRED_LINKS_KEPT
    result = db.execute(delete(ConfirmationLink).where(ConfirmationLink.expires_at < cutoff))
    return result.rowcount or 0
