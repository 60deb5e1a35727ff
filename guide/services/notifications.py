"""Partners are told what happens to their work.

* a fiche published or sent back (with the coordinator's comment): a mail to the organisation's active
  members, except the person who made the decision;
* a resident's error report on one of their fiches: a mail to the organisation's members (the
  coordinators get theirs from ``guide.services.reports``' digest). Anonymous visitors trigger these, so
  they are bounded: at most one mail per organisation per :data:`REPORT_PERIOD` (recorded in
  ``ReminderSent`` under a key per organisation and period); the partner space lists every open report;
* the partner answers a report « corrigé » or « pas d'erreur » (:func:`answer_report`): the report is
  handled and leaves the coordinators' list, the answer stays with it.

Mail goes through the mailer given (``guide.mail``); nothing here speaks SMTP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import ErrorReport, Fiche, Organisation, ReminderSent, ReportAnswer, User, utcnow
from ..settings import Settings, coerce
from .campaigns.mail import member_emails, send_mail

REPORT_PERIOD = dt.timedelta(hours=1)
ANSWERS = {"corrige": "Corrigé", "pas_d_erreur": "Pas d'erreur"}


def _site(settings: Settings | Mapping[str, Any]) -> tuple[str, str]:
    typed = coerce(settings)
    return typed.site_name, typed.site_url.rstrip("/")


def reviewer_label(actor: User | None, site_name: str) -> str:
    """Who decided, as the partner reads it: the coordination, or the référent by name (a référent is
    often a partner of another organisation: the mail says who, so that the partner can answer them)."""
    if actor is None or actor.is_coordinator:
        return f"la coordination du {site_name}"
    return f"{actor.display_name}, référent·e du {site_name}"


def decision_recipients(db: Session, organisation_id: int, actor: User | None) -> list[str]:
    """Who hears of a decision on an organisation's fiche, event or translation: its active members, except
    the person who decided."""
    emails = member_emails(db, [organisation_id]).get(organisation_id, [])
    return [email for email in emails if actor is None or email != actor.email]


def send_to_all(
    db: Session, mailer: Any, transaction_manager: Any, emails: list[str], subject: str, body: str
) -> int:
    """One mail per address through the outbox; returns how many."""
    for email in emails:
        send_mail(db, mailer, transaction_manager, email, subject, body)
    return len(emails)


def fiche_decided(
    db: Session,
    fiche: Fiche,
    transition: str,
    comment: str,
    actor: User | None,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    transaction_manager: Any = None,
) -> int:
    """Mail the organisation's members that their fiche was published or sent back. Returns mails sent."""
    if transition not in ("publish", "send_back"):
        return 0
    site_name, site_url = _site(settings)
    emails = decision_recipients(db, fiche.organisation_id, actor)
    if not emails:
        return 0
    title = fiche.title
    manage = f"{site_url}/espace/fiches/{fiche.id}"
    reviewer = reviewer_label(actor, site_name)
    if transition == "publish":
        subject = f"Fiche publiée : {title}"
        body = (
            f"Bonjour,\n\nLa fiche « {title} » est publiée dans le {site_name} : le public la voit dès "
            f"maintenant.\n\n{site_url}/fiche/{fiche.id}\n"
        )
        if comment:
            body += f"\nCommentaire de {reviewer} :\n{comment}\n"
    else:
        subject = f"Fiche renvoyée : {title}"
        body = (
            f"Bonjour,\n\n{reviewer[0].upper()}{reviewer[1:]} vous renvoie la fiche « {title} » avec ce "
            f"commentaire :\n\n{comment}\n\nModifiez-la puis soumettez-la à nouveau :\n{manage}\n"
        )
    return send_to_all(db, mailer, transaction_manager, emails, subject, body)


def report_to_partners(
    db: Session,
    report: ErrorReport,
    mailer: Any,
    settings: Settings | Mapping[str, Any],
    *,
    transaction_manager: Any = None,
    now: dt.datetime | None = None,
) -> int:
    """Tell the fiche's organisation about a resident's report, at most once per organisation and period."""
    now = now or utcnow()
    fiche = report.fiche
    org_id = fiche.organisation_id
    emails = member_emails(db, [org_id]).get(org_id, [])
    if not emails:
        return 0
    period = int(now.timestamp() // REPORT_PERIOD.total_seconds())
    key = f"report:{org_id}:{period}"
    if db.scalar(select(ReminderSent.id).where(ReminderSent.key == key)) is not None:
        return 0
    try:
        with db.begin_nested():
            db.add(
                ReminderSent(key=key, kind="report", organisation_id=org_id, fiche_id=fiche.id, sent_at=now)
            )
    except IntegrityError:
        return 0
    site_name, site_url = _site(settings)
    version = fiche.published_version or fiche.current_version
    name = version.nom if version is not None else f"fiche {fiche.id}"
    message = report.message if len(report.message) <= 1000 else report.message[:1000] + "…"
    subject = f"Un signalement sur votre fiche « {name} »"
    body = (
        f"Bonjour,\n\nUne personne a signalé une erreur sur la fiche « {name} » du {site_name} :\n\n"
        f"{message}\n\nLa coordination en est informée aussi. Si c'est exact, corrigez la fiche ; "
        "dans votre espace, répondez « corrigé » ou « pas d'erreur » :\n\n"
        f"{site_url}/espace\n"
    )
    for email in emails:
        send_mail(db, mailer, transaction_manager, email, subject, body)
    return len(emails)


def open_reports_for(db: Session, organisation_ids: list[int], limit: int = 100) -> list[ErrorReport]:
    """Open reports on the organisations' fiches, oldest first."""
    if not organisation_ids:
        return []
    return list(
        db.scalars(
            select(ErrorReport)
            .join(Fiche, Fiche.id == ErrorReport.fiche_id)
            .where(Fiche.organisation_id.in_(organisation_ids), ErrorReport.handled_at.is_(None))
            .order_by(ErrorReport.created_at)
            .limit(limit)
        )
    )


class AnswerError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def answer_report(db: Session, report: ErrorReport, answer: str, user: User | None) -> ReportAnswer:
    """The partner's answer to a report: it is handled (« corrigé » or « pas d'erreur »)."""
    if answer not in ANSWERS:
        raise AnswerError("Réponse inconnue : choisissez « Corrigé » ou « Pas d'erreur ».")
    if report.handled_at is not None:
        raise AnswerError("Ce signalement est déjà traité.")
    now = utcnow()
    row = ReportAnswer(report_id=report.id, answer=answer, user=user, at=now)
    db.add(row)
    report.handled_at = now
    report.handled_by = user
    return row


def organisation_of(report: ErrorReport) -> Organisation:
    return report.fiche.organisation
