"""Loading the demonstration data of :mod:`guide.demo_data` through the model and the services.

Everything goes through the same code as the application: fiches are created with
:func:`guide.services.fiches.create_fiche` and brought to their state with
:func:`guide.services.fiches.transition`, so their versions, history and search-index change log are
those of real fiches. The loader flushes but does not commit: the caller owns the transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import demo_data
from ..models import (
    MEMBER_ROLE_LABELS,
    SITE_ROLE_LABELS,
    Access,
    Fiche,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    Quartier,
    SiteRole,
    State,
    Thematique,
    User,
)
from ..text import slugify
from .accounts import hash_password, normalise_email
from .fiches import SCALAR_FIELDS, create_fiche, transition

DEMO_SOURCE = demo_data.DEMO_SOURCE
DEMO_PASSWORD = demo_data.DEMO_PASSWORD

# The transitions that bring a new draft to each target state.
_PATH_TO_STATE: dict[State, tuple[str, ...]] = {
    State.DRAFT: (),
    State.PENDING: ("submit",),
    State.PUBLISHED: ("publish",),
    State.ARCHIVED: ("publish", "archive"),
}
_ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")


def demo_accounts_lines() -> list[str]:
    """One line per demo account: e-mail, password, site role and organisations (for ``make serve``)."""
    names = {org["key"]: org["sigle"] or org["nom"] for org in demo_data.ORGANISATIONS}
    width = max(len(user["email"]) for user in demo_data.USERS)
    lines = []
    for user in demo_data.USERS:
        role = SITE_ROLE_LABELS[SiteRole(user["role"])]
        by_role: dict[str, list[str]] = {}
        for key, member_role in user["memberships"]:
            by_role.setdefault(MEMBER_ROLE_LABELS[MemberRole(member_role)], []).append(names[key])
        detail = " ; ".join(f"{label} : {', '.join(orgs)}" for label, orgs in by_role.items())
        line = f"{user['email']:<{width}}  {DEMO_PASSWORD}  {role}"
        lines.append(f"{line} ({detail})" if detail else line)
    return lines


DEMO_ACCOUNTS_TEXT = "\n".join(
    [
        f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})",
        *(f"  {line}" for line in demo_accounts_lines()),
    ]
)


def is_loaded(db: Session) -> bool:
    return db.scalar(select(Organisation.id).where(Organisation.source == DEMO_SOURCE).limit(1)) is not None


def load_demo(db: Session) -> dict[str, int] | None:
    """Create the demo quartiers, thématiques, organisations, lieux, fiches and accounts.

    Returns how many rows of each kind were created, or None (and does nothing) when the demo is
    already there. Quartiers, thématiques and accounts that already exist are reused, not duplicated.
    """
    if is_loaded(db):
        return None
    counts = dict.fromkeys(("quartiers", "thematiques", "organisations", "lieux", "fiches", "users"), 0)
    _ensure_thematiques(db, counts)
    quartiers = _ensure_quartiers(db, counts)
    lieux = _ensure_lieux(db, quartiers, counts)
    organisations = _create_organisations(db, lieux, counts)
    users = _ensure_users(db, organisations, counts)
    _create_fiches(db, organisations, lieux, users, counts)
    counts["synonymes"] = ensure_synonyms(db)
    from .editions import seed_helplines

    seed_helplines(db)  # emergency and helpline numbers printed at the back of the paper guide
    db.flush()
    return counts


def ensure_synonyms(db: Session) -> int:
    """Add the demo's synonym groups that are not there yet; returns how many were added."""
    from ..models import Synonym

    existing = {" ".join(t.lower().split()) for t in db.scalars(select(Synonym.terms))}
    added = [Synonym(terms=terms) for terms in demo_data.SYNONYMS if terms.lower() not in existing]
    db.add_all(added)
    db.flush()
    return len(added)


# --- steps ---------------------------------------------------------------------------------------


def _ensure_thematiques(db: Session, counts: dict[str, int]) -> None:
    existing = set(db.scalars(select(Thematique.slug)))
    for item in demo_data.THEMATIQUES:
        if item["slug"] in existing:
            continue
        db.add(
            Thematique(
                slug=item["slug"],
                label=item["label"],
                icon=item["icon"],
                position=item["position"],
                di_codes=list(item["di_codes"]),
            )
        )
        counts["thematiques"] += 1
    db.flush()


def _ensure_quartiers(db: Session, counts: dict[str, int]) -> dict[str, Quartier]:
    """Quartiers by demo code; an existing quartier with the same code, name or slug is reused."""
    found: dict[str, Quartier] = {}
    for item in demo_data.QUARTIERS:
        slug = slugify(item["nom"])
        quartier = db.scalar(
            select(Quartier)
            .where(or_(Quartier.code == item["code"], Quartier.nom == item["nom"], Quartier.slug == slug))
            .limit(1)
        )
        if quartier is None:
            quartier = Quartier(
                code=item["code"], nom=item["nom"], slug=slug, geometry=item["geometry"], schematic=True
            )
            db.add(quartier)
            counts["quartiers"] += 1
        found[item["code"]] = quartier
    db.flush()
    return found


def _ensure_lieux(db: Session, quartiers: dict[str, Quartier], counts: dict[str, int]) -> dict[str, Lieu]:
    existing = {lieu.source_id: lieu for lieu in db.scalars(select(Lieu).where(Lieu.source == DEMO_SOURCE))}
    found: dict[str, Lieu] = {}
    for item in demo_data.LIEUX:
        lieu = existing.get(item["key"])
        if lieu is None:
            lieu = Lieu(
                nom=item["nom"],
                adresse=item["adresse"],
                complement_adresse=item.get("complement_adresse", ""),
                code_postal=item["code_postal"],
                commune=item["commune"],
                code_insee=item["code_insee"],
                latitude=item["latitude"],
                longitude=item["longitude"],
                quartier=quartiers[item["quartier"]],
                source=DEMO_SOURCE,
                source_id=item["key"],
                **{name: Access(item[name]) for name in _ACCESS_FIELDS},
            )
            db.add(lieu)
            counts["lieux"] += 1
        found[item["key"]] = lieu
    db.flush()
    return found


def _unique_slug(db: Session, nom: str) -> str:
    base = slugify(nom)
    slug, n = base, 1
    while db.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


def _create_organisations(
    db: Session, lieux: dict[str, Lieu], counts: dict[str, int]
) -> dict[str, Organisation]:
    created: dict[str, Organisation] = {}
    for item in demo_data.ORGANISATIONS:
        organisation = Organisation(
            slug=_unique_slug(db, item["nom"]),
            nom=item["nom"],
            sigle=item["sigle"],
            description=item["description"],
            siret=item["siret"],
            reseau_porteur=item["reseau_porteur"],
            telephone=item["telephone"],
            courriel=item["courriel"],
            site_web=item["site_web"],
            direct_publication=item["direct_publication"],
            source=DEMO_SOURCE,
            source_id=item["key"],
        )
        organisation.lieux = [lieux[key] for key in item["lieux"]]
        db.add(organisation)
        db.flush()
        created[item["key"]] = organisation
        counts["organisations"] += 1
    return created


def _ensure_users(
    db: Session, organisations: dict[str, Organisation], counts: dict[str, int]
) -> dict[str, User]:
    """Demo accounts by e-mail; an existing account keeps its password and gains the memberships."""
    users: dict[str, User] = {}
    for item in demo_data.USERS:
        email = normalise_email(item["email"])
        user = db.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=item["name"],
                role=SiteRole(item["role"]),
                password_hash=hash_password(DEMO_PASSWORD),
                active=True,
            )
            db.add(user)
            counts["users"] += 1
        for key, role in item["memberships"]:
            organisation = organisations[key]
            if not any(m.organisation is organisation for m in user.memberships):
                user.memberships.append(Membership(organisation=organisation, role=MemberRole(role)))
        users[email] = user
    db.flush()
    return users


def _author_for(organisation_key: str, users: dict[str, User]) -> User | None:
    """The demo account that writes an organisation's fiches: its owner, else an editor."""
    for wanted in ("owner", "editor"):
        for item in demo_data.USERS:
            if (organisation_key, wanted) in item["memberships"]:
                return users[normalise_email(item["email"])]
    return None


def _content(item: dict[str, Any], lieux: dict[str, Lieu]) -> dict[str, Any]:
    data: dict[str, Any] = {name: item.get(name) for name in SCALAR_FIELDS}
    for name in ("publics", "conditions_acces", "langues"):
        data[name] = list(item.get(name) or [])
    data["fermetures"] = [dict(closure) for closure in item.get("fermetures") or []]
    data["thematiques"] = list(item["thematiques"])
    data["lieux"] = [lieux[key].id for key in item.get("lieux") or []]
    return data


def _create_fiches(
    db: Session,
    organisations: dict[str, Organisation],
    lieux: dict[str, Lieu],
    users: dict[str, User],
    counts: dict[str, int],
) -> list[Fiche]:
    coordinator = users.get(normalise_email("coordination@guide.localhost"))
    fiches = []
    for item in demo_data.FICHES:
        organisation = organisations[item["organisation"]]
        author = _author_for(item["organisation"], users) or coordinator
        # The services build FicheVersion/FicheEvent rows through their many-to-one side before adding
        # them to the session; an autoflush in between only warns (SAWarning), so keep it out of the way.
        with db.no_autoflush:
            fiche = create_fiche(
                db, organisation, _content(item, lieux), author, note="Fiche de démonstration"
            )
            for name in _PATH_TO_STATE[State(item["state"])]:
                if name == "publish" and not organisation.direct_publication:
                    actor, comment = coordinator, "Relue et publiée par la coordination."
                elif name == "archive":
                    actor, comment = coordinator, "Action terminée ; fiche conservée pour l'historique."
                else:
                    actor, comment = author, ""
                transition(db, fiche, name, actor, comment)
        fiches.append(fiche)
        counts["fiches"] += 1
    db.flush()
    return fiches
