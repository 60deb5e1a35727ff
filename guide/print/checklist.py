"""The check list before printing: what would print badly in an edition, fiche by fiche (no hours, hours the
guide cannot describe, no address, no contact, not confirmed for a year, a summary too long for the
layout)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from sqlalchemy.orm import Session

from .. import hours
from ..models import Edition
from .selection import Entry, entries_for

# Résumés longer than this do not fit the compact fiche of the layout (characters).
SUMMARY_LIMITS = {"A5": 180, "A4": 240}
# A fiche not confirmed by its organisation for longer than this is flagged before printing.
STALE_AFTER = dt.timedelta(days=365)


@dataclass(frozen=True)
class Problem:
    fiche_id: int
    title: str
    organisation: str
    kind: str
    message: str


PROBLEM_LABELS = {
    "horaires": "Sans horaires",
    "horaires_illisibles": "Horaires difficiles à imprimer",
    "adresse": "Sans adresse",
    "contact": "Sans moyen de contact",
    "ancienne": "Non confirmée depuis plus de 12 mois",
    "resume": "Résumé trop long",
}


# Problems that stop the generation of the PDF (views/editions.py): hours printed as the raw string or as
# « semaine du … » would be wrong in every copy for a year.  The check list links each fiche to its page.
BLOCKING_KINDS = frozenset({"horaires_illisibles"})


def blocking(problems: list[Problem]) -> list[Problem]:
    """The problems to fix before generating an edition."""
    return [problem for problem in problems if problem.kind in BLOCKING_KINDS]


def _hours_problem(value: str) -> str | None:
    return hours.print_problem(value)


def preflight(db: Session, edition: Edition, today: dt.date | None = None) -> list[Problem]:
    """What would print badly, fiche by fiche, in the order of the edition."""
    today = today or hours.today()
    limit = SUMMARY_LIMITS.get(edition.page_format, SUMMARY_LIMITS["A5"])
    problems: list[Problem] = []
    for entry in entries_for(db, edition):
        version = entry.version
        organisation = entry.snapshot.get("organisation", {})

        def add(kind: str, message: str, entry: Entry = entry, organisation: dict = organisation) -> None:
            problems.append(
                Problem(entry.fiche_id, entry.version.nom, organisation.get("nom", ""), kind, message)
            )

        if not version.horaires.strip() and not version.horaires_precisions.strip():
            add("horaires", "Aucun horaire : la fiche imprimée dira « Horaires non renseignés ».")
        elif message := _hours_problem(version.horaires):
            add("horaires_illisibles", message)
        lieux = entry.snapshot.get("lieux", [])
        if not any((lieu.get("adresse") or "").strip() for lieu in lieux):
            add("adresse", "Aucune adresse : la fiche n'aura ni lieu ni point sur la carte.")
        if not (
            version.telephone
            or version.courriel
            or version.site_web
            or organisation.get("telephone")
            or organisation.get("courriel")
        ):
            add("contact", "Ni téléphone, ni courriel, ni site web.")
        if entry.confirmed_at is None or today - entry.confirmed_at > STALE_AFTER:
            when = format_date(entry.confirmed_at, "d MMMM y", locale="fr_FR") if entry.confirmed_at else None
            add(
                "ancienne",
                f"Dernière confirmation le {when}." if when else "Jamais confirmée par la structure.",
            )
        if len(version.resume) > limit:
            add(
                "resume",
                f"Résumé de {len(version.resume)} caractères : au-delà de {limit} il déborde de la fiche "
                f"compacte au format {edition.page_format}.",
            )
    return problems
