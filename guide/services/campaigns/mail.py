"""The campaign mail: who receives it, the fiches it lists, its text, and how it leaves.

An organisation's active members get the mail, or its contact e-mail when it has no member
(:func:`recipients_of`); an organisation with neither is « à inviter ». :func:`send_mail` hands a mail to
the mailer given (``guide.mail``: after the commit in a request, or into the mail outbox of the transaction,
or a command's own collector); nothing here speaks SMTP.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ...models import (
    Fiche,
    FicheVersion,
    Membership,
    Organisation,
    User,
    version_thematique,
)
from ...settings import Settings
from ..freshness import FRESHNESS_LABELS, Freshness, freshness_expression

MAX_FICHES_IN_MAIL = 30  # fiches listed in one mail; the link's page lists them all


# --- how it leaves --------------------------------------------------------------------------------


# transactions whose mail delivery is already triggered: with the mail outbox, one « deliver » after the
# commit sends every row the transaction queued, so the other mails are only queued (2 000 campaign mails
# would otherwise register 2 000 after-commit tasks)
_TRIGGERED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def send_mail(db: Session, mailer: Any, transaction_manager: Any, to: str, subject: str, body: str) -> None:
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


# --- who gets it ----------------------------------------------------------------------------------


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


def fiche_reminder_mail(
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
