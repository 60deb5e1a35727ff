"""Référents par thématique: naming and removing them, their contact card, what they review and read.

The coordination names an account référent for one or more thématiques (``name``); the security policy
gives that account the review permissions on the fiches of those thématiques (``guide.security``). The
« Réseau » page lists the référents per thématique (``network``): members of the guide see every card,
anonymous visitors only the cards whose référent agreed (``ReferentCard.public``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import ErrorReport, Fiche, Membership, Referent, ReferentCard, State, Thematique, User
from ..models import version_thematique as vt
from .freshness import FreshnessCount, freshness_counts, stale_fiches_query

# A coordinator names a few people at a time; a forged form cannot ask for more rows than this.
MAX_THEMATIQUES_PER_NAMING = 50


class ReferentError(Exception):
    """A naming the guide refuses; ``field`` is the form field the message belongs beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def thematique_ids(user: User | None) -> set[int]:
    """The thématiques ``user`` is référent for (empty for anyone else)."""
    if user is None:
        return set()
    return {role.thematique_id for role in getattr(user, "referent_roles", None) or []}


def thematique_labels(db: Session, ids: Iterable[int]) -> list[str]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        db.scalars(
            select(Thematique.label)
            .where(Thematique.id.in_(wanted))
            .order_by(Thematique.position, Thematique.label)
        )
    )


def is_referent(user: User | None) -> bool:
    return bool(thematique_ids(user))


def name(db: Session, email: str, thematiques: Iterable[int], named_by: User | None) -> list[Referent]:
    """Name the active account of ``email`` référent for ``thematiques`` (those it already holds are
    kept as they were). Returns the new rows."""
    wanted = sorted({int(t) for t in thematiques})
    if not wanted:
        raise ReferentError("thematiques", "Choisissez au moins une thématique.")
    if len(wanted) > MAX_THEMATIQUES_PER_NAMING:
        raise ReferentError("thematiques", "Trop de thématiques à la fois.")
    user = db.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
    if user is None or not user.active:
        raise ReferentError(
            "email",
            "Aucun compte actif n'a cette adresse : invitez d'abord la personne (menu « Inviter »), "
            "puis nommez-la référente une fois son compte ouvert.",
        )
    known = set(db.scalars(select(Thematique.id).where(Thematique.id.in_(wanted))))
    if known != set(wanted):
        raise ReferentError("thematiques", "Une des thématiques choisies n'existe plus : rechargez la page.")
    held = thematique_ids(user)
    added = [
        Referent(user=user, thematique_id=thematique_id, named_by=named_by)
        for thematique_id in wanted
        if thematique_id not in held
    ]
    db.add_all(added)
    db.flush()
    return added


def remove(db: Session, referent: Referent) -> None:
    db.delete(referent)
    db.flush()


def card_of(user: User) -> ReferentCard | None:
    return getattr(user, "referent_card", None)


def save_card(
    db: Session,
    user: User,
    *,
    fonction: str,
    telephone: str,
    courriel: str,
    disponibilites: str,
    public: bool,
) -> ReferentCard:
    """The référent's own card: how to reach them, and whether anyone may read it."""
    card = card_of(user)
    if card is None:
        card = ReferentCard(user=user)
        db.add(card)
    card.fonction, card.telephone, card.courriel = fonction, telephone, courriel
    card.disponibilites, card.public = disponibilites, public
    db.flush()
    return card


@dataclass
class NetworkEntry:
    """One référent of one thématique as the « Réseau » page shows them."""

    referent: Referent
    organisations: list[str]
    card: ReferentCard | None  # None: nothing to show to this reader


@dataclass
class NetworkSection:
    thematique: Thematique
    entries: list[NetworkEntry] = field(default_factory=list)
    hidden: int = 0  # référents whose card this reader may not see (anonymous visitors)


def network(db: Session, *, member: bool) -> list[NetworkSection]:
    """The référents per thématique, in the guide's order. ``member``: the reader is logged in (every
    card shown); otherwise only the référents who agreed to be public are listed."""
    thematiques = db.scalars(select(Thematique).order_by(Thematique.position, Thematique.label)).all()
    rows = db.scalars(
        select(Referent)
        .join(User, User.id == Referent.user_id)
        .where(User.active.is_(True))
        .options(
            selectinload(Referent.user).selectinload(User.memberships).selectinload(Membership.organisation),
            selectinload(Referent.user).selectinload(User.referent_card),  # type: ignore[attr-defined]
        )
        .order_by(User.name, User.email)
    ).all()
    sections = {t.id: NetworkSection(t) for t in thematiques}
    for referent in rows:
        section = sections.get(referent.thematique_id)
        if section is None:
            continue
        card = card_of(referent.user)
        if not member and (card is None or not card.public):
            section.hidden += 1
            continue
        organisations = sorted(m.organisation.nom for m in referent.user.memberships)
        section.entries.append(NetworkEntry(referent, organisations, card))
    return [section for section in sections.values() if section.entries or section.hidden]


def all_referents(db: Session) -> list[Referent]:
    """Every naming, for the coordination's page (by thématique, then name)."""
    return list(
        db.scalars(
            select(Referent)
            .join(Thematique, Thematique.id == Referent.thematique_id)
            .join(User, User.id == Referent.user_id)
            .options(selectinload(Referent.user), selectinload(Referent.named_by))
            .order_by(Thematique.position, Thematique.label, User.name, User.email)
        )
    )


def _carries(thematiques: Iterable[int]):  # type: ignore[no-untyped-def]
    """SQL: the fiche's version under review or its published version carries one of ``thematiques``
    (the same rule as ``guide.security.fiche_thematique_ids``)."""
    ids = sorted(set(thematiques))
    return exists().where(
        vt.c.thematique_id.in_(ids),
        or_(vt.c.version_id == Fiche.current_version_id, vt.c.version_id == Fiche.published_version_id),
    )


def review_queue(db: Session, thematiques: Iterable[int]) -> list[Fiche]:
    """The fiches awaiting review in ``thematiques``, oldest request first (a référent's queue)."""
    ids = set(thematiques)
    if not ids:
        return []
    return list(
        db.scalars(
            select(Fiche)
            .where(Fiche.state == State.PENDING, _carries(ids))
            .order_by(Fiche.state_changed_at, Fiche.id)
        )
    )


def state_counts(db: Session, thematiques: Iterable[int]) -> dict[State, int]:
    """How many fiches of ``thematiques`` are in each state."""
    ids = set(thematiques)
    counts: dict[State, int] = dict.fromkeys(State, 0)
    if ids:
        for state, count in db.execute(
            select(Fiche.state, func.count()).where(_carries(ids)).group_by(Fiche.state)
        ).all():
            counts[state] = count
    return counts


def report_recipients(db: Session, reports: list[ErrorReport]) -> dict[int, tuple[User, list[ErrorReport]]]:
    """For the reports' digest: each active référent (not coordinator: they already get every report)
    with the reports on fiches of their thématiques."""
    fiche_ids = {report.fiche_id for report in reports if report.fiche_id is not None}
    if not fiche_ids:
        return {}
    fiche_thematiques: dict[int, set[int]] = {}
    for fiche_id, thematique_id in db.execute(
        select(Fiche.id, vt.c.thematique_id)
        .join(
            vt,
            or_(vt.c.version_id == Fiche.current_version_id, vt.c.version_id == Fiche.published_version_id),
        )
        .where(Fiche.id.in_(fiche_ids))
    ).all():
        fiche_thematiques.setdefault(fiche_id, set()).add(thematique_id)
    wanted = set().union(*fiche_thematiques.values()) if fiche_thematiques else set()
    if not wanted:
        return {}
    recipients: dict[int, tuple[User, list[ErrorReport]]] = {}
    rows = db.execute(
        select(Referent.thematique_id, User)
        .join(User, User.id == Referent.user_id)
        .where(Referent.thematique_id.in_(wanted), User.active.is_(True))
    ).all()
    held: dict[int, set[int]] = {}
    users: dict[int, User] = {}
    for thematique_id, user in rows:
        if user.is_coordinator:
            continue
        held.setdefault(user.id, set()).add(thematique_id)
        users[user.id] = user
    for user_id, thematiques in held.items():
        mine = [r for r in reports if fiche_thematiques.get(r.fiche_id, set()) & thematiques]
        if mine:
            recipients[user_id] = (users[user_id], mine)
    return recipients


def open_reports(db: Session, thematiques: Iterable[int], limit: int = 100) -> list[ErrorReport]:
    """Residents' reports not yet handled on fiches of ``thematiques``, newest first."""
    ids = set(thematiques)
    if not ids:
        return []
    return list(
        db.scalars(
            select(ErrorReport)
            .join(Fiche, Fiche.id == ErrorReport.fiche_id)
            .where(ErrorReport.handled_at.is_(None), _carries(ids))
            .order_by(ErrorReport.created_at.desc(), ErrorReport.id.desc())
            .limit(limit)
        )
    )


def seed_demo(db: Session, data: dict[str, Any], coordinator: User | None) -> int:
    """The demo guide's référents (``guide/demo/referents.json``): accounts and thématiques that exist
    are named, with their card. Returns how many namings were added."""
    added = 0
    slugs = {t.slug: t.id for t in db.scalars(select(Thematique))}
    for item in data["referents"]:
        user = db.scalars(select(User).where(User.email == item["email"])).one_or_none()
        wanted = [slugs[slug] for slug in item["thematiques"] if slug in slugs]
        if user is None or not wanted:
            continue
        added += len(name(db, user.email, wanted, coordinator))
        if card_of(user) is None and item.get("card"):
            save_card(db, user, **item["card"])
    return added


def freshness(db: Session, thematiques: Iterable[int], today: dt.date) -> list[FreshnessCount]:
    """How up to date the public fiches of ``thematiques`` are, one line per thématique."""
    ids = set(thematiques)
    rows = freshness_counts(db, today, by="thematique")
    assert isinstance(rows, list)
    return [row for row in rows if row.key in ids]


def stale_fiches(db: Session, thematiques: Iterable[int], today: dt.date, limit: int = 50) -> list[Fiche]:
    """The public fiches of ``thematiques`` « À vérifier », most overdue first (at most ``limit``)."""
    ids = set(thematiques)
    if not ids:
        return []
    return list(db.scalars(stale_fiches_query(today=today).where(_carries(ids)).limit(limit)))


def may_follow_campaign(user: User | None, campaign: Any) -> bool:
    """A référent runs the update campaigns they created, aimed at their own thématiques only."""
    target = campaign.target or {}
    ids = {int(i) for i in target.get("ids") or []}
    return (
        user is not None
        and campaign.created_by_id == user.id
        and target.get("mode") == "thematique"
        and bool(ids)
        and ids <= thematique_ids(user)
    )
