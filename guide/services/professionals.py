"""The professionals' directory (issue 14): who works where, on what, so that a social worker finds the
person to call, not only the service.

Rules:
- Any active account that may read the information for professionals (a member of a partner
  organisation, a référent, the coordination: ``guide.services.pro_info.may_read``) may agree to be
  listed and write their card; withdrawing deletes the card at once, with its thématiques and lieux.
- Only those same people read the directory. Nothing public (pages, API, search index, exports, print,
  widget, sitemap) reads ``professional_card`` (``tests/security/test_pro_info_leaks.py``).
- A card shows only while its account is active and still belongs to an organisation, names a
  référent or coordinates: someone who left every organisation leaves the directory with it.
- The search is a ``LIKE`` on a folded copy of what the member wrote (``ProfessionalCard.search_text``)
  or, for the names of their organisations, thématiques and lieux, the ids whose folded name holds the
  word (``_Names``: their current names, a rename is found at once), in SQL, ``PAGE_SIZE`` cards a page. The
  directory is a few hundred people at most: Whoosh would be more machinery for nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import Fiche, Lieu, Membership, Organisation, Referent, SiteRole, Thematique, User
from ..models.professionals import ProfessionalCard, professional_lieu, professional_thematique
from ..text import fold
from . import pro_info

PAGE_SIZE = 20
MAX_PAGE = 100  # 2,000 cards: far more than the territory's professionals
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200
MAX_THEMATIQUES = 50
MAX_LIEUX = 50
FICHES_PER_ORGANISATION = 5  # the card names a few of the organisation's fiches, then links to the rest

CARD_FIELDS = ("fonction", "missions", "telephone", "courriel", "presence")


class DirectoryError(Exception):
    """A card the directory refuses; ``field`` is the form field the message belongs beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def may_view(user: User | None) -> bool:
    """Who reads the directory and may be listed in it: the readers of the information for professionals."""
    return pro_info.may_read(user)


def card_of(user: User | None) -> ProfessionalCard | None:
    return getattr(user, "professional_card", None) if user is not None else None


def organisations_of(user: User) -> list[Organisation]:
    return sorted((m.organisation for m in user.memberships), key=lambda o: o.nom.lower())


def lieu_choices(db: Session, user: User) -> list[Lieu]:
    """The lieux a member may say they work at: those of their organisations."""
    org_ids = [m.organisation_id for m in user.memberships]
    if not org_ids:
        return []
    return list(
        db.scalars(
            select(Lieu)
            .where(Lieu.organisations.any(Organisation.id.in_(org_ids)))
            .order_by(Lieu.nom, Lieu.id)
            .limit(200)
        )
    )


def thematique_choices(db: Session) -> list[Thematique]:
    return list(db.scalars(select(Thematique).order_by(Thematique.position, Thematique.label)))


def _search_text(card: ProfessionalCard, user: User) -> str:
    """What the member wrote, folded. Their own name and the names of their organisations, thématiques
    and lieux are matched where they live (``_Names``), so that a rename is found at once."""
    parts = [card.fonction, card.missions, card.presence, card.courriel]
    return fold(" ".join(p for p in parts if p))


def save_card(
    db: Session,
    user: User,
    values: Mapping[str, Any],
    thematique_ids: Iterable[int] = (),
    lieu_ids: Iterable[int] = (),
) -> ProfessionalCard:
    """List ``user`` in the directory (or update their card) with ``values`` (``CARD_FIELDS``)."""
    if not may_view(user):
        raise DirectoryError(
            "fonction", "Seuls les membres d'une structure partenaire peuvent figurer dans l'annuaire."
        )
    wanted_thematiques = sorted({int(t) for t in thematique_ids})
    wanted_lieux = sorted({int(lieu) for lieu in lieu_ids})
    if len(wanted_thematiques) > MAX_THEMATIQUES:
        raise DirectoryError("thematiques", "Trop de thématiques à la fois.")
    if len(wanted_lieux) > MAX_LIEUX:
        raise DirectoryError("lieux", "Trop de lieux à la fois.")
    thematiques = (
        list(db.scalars(select(Thematique).where(Thematique.id.in_(wanted_thematiques))))
        if wanted_thematiques
        else []
    )
    if len(thematiques) != len(wanted_thematiques):
        raise DirectoryError("thematiques", "Une des thématiques choisies n'existe plus : rechargez la page.")
    allowed = {lieu.id: lieu for lieu in lieu_choices(db, user)}
    if any(lieu_id not in allowed for lieu_id in wanted_lieux):
        raise DirectoryError("lieux", "Ce lieu n'est pas un lieu de vos structures : rechargez la page.")
    card = card_of(user)
    if card is None:
        card = ProfessionalCard(user=user)
        db.add(card)
    for name in CARD_FIELDS:
        setattr(card, name, str(values.get(name) or "").strip())
    card.thematiques = sorted(thematiques, key=lambda t: (t.position, t.label))
    card.lieux = [allowed[lieu_id] for lieu_id in wanted_lieux]
    card.search_text = _search_text(card, user)
    card.sort_name = fold(user.name or user.email)[:120]
    db.flush()
    return card


def withdraw(db: Session, user: User) -> bool:
    """Take ``user`` out of the directory at once: the card and what it said are deleted. True if listed."""
    card = card_of(user)
    if card is None:
        return False
    db.delete(card)
    db.flush()
    db.expire(user, ["professional_card"])
    return True


def _words(query: str) -> list[str]:
    words = re.findall(r"\w+", fold(query[:MAX_QUERY_LENGTH]))
    unique = list(dict.fromkeys(w[:MAX_WORD_LENGTH] for w in words if len(w) > 1 or w.isdigit()))
    return unique[:MAX_QUERY_WORDS]


def _still_a_member() -> Any:
    """The card's account is active and belongs to an organisation, is a référent or coordinates."""
    return and_(
        User.active.is_(True),
        or_(
            User.role.in_([SiteRole.COORDINATOR, SiteRole.ADMIN]),
            exists().where(Membership.user_id == User.id),
            exists().where(Referent.user_id == User.id),
        ),
    )


@dataclass
class _Names:
    """The folded names of the listed members and of the organisations, thématiques and lieux they name
    (a few hundred rows, read once per search): accents are ignored in Python, where ``guide.text.fold``
    lives, rather than with a database extension (PostgreSQL's unaccent, nothing in SQLite)."""

    people: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    thematiques: list[tuple[int, str]]
    lieux: list[tuple[int, str]]

    @classmethod
    def load(cls, db: Session) -> _Names:
        listed = select(ProfessionalCard.user_id)
        organisations = db.execute(
            select(Organisation.id, Organisation.nom, Organisation.sigle).where(
                Organisation.id.in_(select(Membership.organisation_id).where(Membership.user_id.in_(listed)))
            )
        )
        lieux = db.execute(select(Lieu.id, Lieu.nom).where(Lieu.id.in_(select(professional_lieu.c.lieu_id))))
        people = db.execute(select(User.id, User.name).where(User.id.in_(listed)))
        return cls(
            [(id_, fold(name or "")) for id_, name in people],
            [(id_, fold(f"{nom} {sigle or ''}")) for id_, nom, sigle in organisations],
            [(id_, fold(label)) for id_, label in db.execute(select(Thematique.id, Thematique.label))],
            [(id_, fold(nom)) for id_, nom in lieux],
        )

    @staticmethod
    def having(rows: list[tuple[int, str]], word: str) -> list[int]:
        return [id_ for id_, text in rows if word in text]


def _matches(word: str, names: _Names) -> Any:
    conditions = [ProfessionalCard.search_text.contains(word, autoescape=True)]
    if ids := names.having(names.people, word):
        conditions.append(ProfessionalCard.user_id.in_(ids))
    if ids := names.having(names.organisations, word):
        conditions.append(
            exists().where(
                Membership.user_id == ProfessionalCard.user_id, Membership.organisation_id.in_(ids)
            )
        )
    if ids := names.having(names.thematiques, word):
        conditions.append(
            exists().where(
                professional_thematique.c.user_id == ProfessionalCard.user_id,
                professional_thematique.c.thematique_id.in_(ids),
            )
        )
    if ids := names.having(names.lieux, word):
        conditions.append(
            exists().where(
                professional_lieu.c.user_id == ProfessionalCard.user_id, professional_lieu.c.lieu_id.in_(ids)
            )
        )
    return or_(*conditions)


@dataclass
class DirectoryPage:
    query: str
    thematique: Thematique | None
    cards: list[ProfessionalCard]
    total: int
    page: int
    pages: int
    fiches: dict[int, list[Fiche]] = field(default_factory=dict)  # organisation id -> a few public fiches
    fiche_counts: dict[int, int] = field(default_factory=dict)  # organisation id -> its public fiches


def search(db: Session, query: str = "", thematique_slug: str = "", page: int = 1) -> DirectoryPage:
    """A page of the directory: the listed members matching every word of ``query`` (in their name, job,
    organisations, thématiques, free text; accents and case ignored), optionally of one thématique,
    ordered by name."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    thematique = None
    if thematique_slug:
        thematique = db.scalar(select(Thematique).where(Thematique.slug == thematique_slug[:80]))
    words = _words(query)
    names = _Names.load(db) if words else None
    conditions = [_still_a_member(), *(_matches(word, names) for word in words if names is not None)]
    if thematique is not None:
        conditions.append(ProfessionalCard.thematiques.any(Thematique.id == thematique.id))
    base = select(ProfessionalCard).join(User, User.id == ProfessionalCard.user_id).where(*conditions)
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages, MAX_PAGE)
    cards = list(
        db.scalars(
            base.options(
                selectinload(ProfessionalCard.user)
                .selectinload(User.memberships)
                .selectinload(Membership.organisation),
                selectinload(ProfessionalCard.thematiques),
                selectinload(ProfessionalCard.lieux),
            )
            .order_by(ProfessionalCard.sort_name, User.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    result = DirectoryPage(query, thematique, cards, total, page, pages)
    org_ids = {m.organisation_id for card in cards for m in card.user.memberships}
    if org_ids:
        public = (
            select(Fiche)
            .where(Fiche.organisation_id.in_(org_ids), Fiche.is_public)
            .options(selectinload(Fiche.published_version))
        )
        counts = db.execute(
            select(Fiche.organisation_id, func.count())
            .where(Fiche.organisation_id.in_(org_ids), Fiche.is_public)
            .group_by(Fiche.organisation_id)
        )
        result.fiche_counts = {org_id: int(count) for org_id, count in counts.all()}
        ranked = (
            select(
                Fiche.id,
                func.row_number().over(partition_by=Fiche.organisation_id, order_by=Fiche.id).label("rank"),
            )
            .where(Fiche.organisation_id.in_(org_ids), Fiche.is_public)
            .subquery()
        )
        first = select(ranked.c.id).where(ranked.c.rank <= FICHES_PER_ORGANISATION)
        for fiche in db.scalars(public.where(Fiche.id.in_(first)).order_by(Fiche.id)):
            result.fiches.setdefault(fiche.organisation_id, []).append(fiche)
        for fiches in result.fiches.values():
            fiches.sort(key=lambda f: f.published_version.nom.lower() if f.published_version else "")
    return result


def seed_demo(db: Session, data: Mapping[str, Any], source: str) -> int:
    """The demo guide's listed professionals (``guide/demo/professionals.json``): an account per person
    (without a password: nobody logs in as them), a membership (editor) of their organisations (the demo's
    source ids), their card. Returns how many."""
    from ..models import MemberRole

    added = 0
    lieux_by_source = {lieu.source_id: lieu for lieu in db.scalars(select(Lieu).where(Lieu.source == source))}
    for item in data.get("professionals", []):
        email = item["email"].strip().lower()
        user = db.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=item["name"], password_hash=None, active=True)
            db.add(user)
        for org_key in item["organisations"]:
            organisation = db.scalar(
                select(Organisation).where(Organisation.source == source, Organisation.source_id == org_key)
            )
            if organisation is not None and not any(
                m.organisation_id == organisation.id for m in user.memberships
            ):
                user.memberships.append(Membership(organisation=organisation, role=MemberRole.EDITOR))
        db.flush()
        thematiques = db.scalars(
            select(Thematique.id).where(Thematique.slug.in_(item.get("thematiques", [])))
        )
        lieu_ids = [lieux_by_source[key].id for key in item.get("lieux", []) if key in lieux_by_source]
        save_card(db, user, item["card"], thematiques, lieu_ids)
        added += 1
    return added
