"""The demo guide (Clermont-Ferrand's social, health, legal and family services), loaded through the importer.

The data lives in ``guide/demo/`` (installed with the package):

* ``structures.json`` and ``services.json``: a data·inclusion v1 export, with the importer's ``guide``
  extension for what data·inclusion does not carry (sigle, lieux shared by several organisations and
  their accessibility, résumé, the guide's own codes, ages, closures…). It is read by
  :func:`guide.services.importer.import_inventory`, as any other export would be.
* ``demo.json``: what no export carries: the quartiers (schematic contours) and thématiques, the demo
  accounts and their memberships, the organisations that publish directly, the fiches that are drafts,
  pending or archived (the others are published), and the search synonyms.

Written for the demo from the City's public documents: the 25 Gisèle Halimi women's centre and its
resident associations, the centres sociaux (Nord, Sud, Mandela at La Gauthière), the CCAS and the City's
social services. Read it as a realistic example, not as a reference: quartier polygons are schematic
rectangles that tile the city, not the official QPV or IRIS boundaries; addresses come from the seed
documents where they give one, the others are approximate; telephone numbers other than the City's
published ones are in the 04 65 71 xx xx range that ARCEP reserves for fiction and every e-mail address
uses the reserved ``.example`` domain; the only SIRET is the commune's.

Fiches are created by the importer as drafts written by their organisation's owner (else an editor, else
the coordination), then brought to their state with :func:`guide.services.fiches.transition`, so their
versions, history and search-index change log are those of real fiches. The loader flushes but does not
commit: the caller owns the transaction.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    MEMBER_ROLE_LABELS,
    SITE_ROLE_LABELS,
    Fiche,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    Quartier,
    SiteRole,
    State,
    Synonym,
    Thematique,
    User,
)
from ..text import slugify
from .accounts import hash_password, normalise_email
from .fiches import transition
from .importer import import_inventory, quartier_key

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"

# The transitions that bring a new draft to each target state.
_PATH_TO_STATE: dict[State, tuple[str, ...]] = {
    State.DRAFT: (),
    State.PENDING: ("submit",),
    State.PUBLISHED: ("publish",),
    State.ARCHIVED: ("publish", "archive"),
}
_ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")


class DemoDataError(Exception):
    """The shipped demo export does not import whole (a bug in ``guide/demo/``)."""


def _read(name: str) -> Any:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


@cache
def demo_settings() -> dict[str, Any]:
    """The content of ``demo.json``."""
    return _read("demo.json")


@cache
def demo_export() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``structures.json`` and ``services.json``."""
    return _read("structures.json"), _read("services.json")


DEMO_SOURCE: str = demo_settings()["source"]
DEMO_PASSWORD: str = demo_settings()["password"]
DEMO_QUARTIERS: list[dict[str, Any]] = demo_settings()["quartiers"]
DEMO_THEMATIQUES: list[dict[str, Any]] = demo_settings()["thematiques"]
DEMO_USERS: list[dict[str, Any]] = demo_settings()["accounts"]
DEMO_SYNONYMS: list[str] = demo_settings()["synonyms"]


def demo_state(service_id: str) -> State:
    """The workflow state of a demo fiche (published unless ``demo.json`` lists it)."""
    for state, ids in demo_settings()["states"].items():
        if service_id in ids:
            return State(state)
    return State.PUBLISHED


def demo_lieux() -> list[dict[str, Any]]:
    """The demo lieux as plain data (``key``, address, coordinates, ``quartier`` code), each once."""
    codes = {quartier_key(q["nom"]): q["code"] for q in DEMO_QUARTIERS}
    found: dict[str, dict[str, Any]] = {}
    for structure in demo_export()[0]:
        for lieu in structure["guide"]["lieux"]:
            if lieu["id"] not in found:
                item = {"key": lieu["id"], **{k: v for k, v in lieu.items() if k != "id"}}
                item["quartier"] = codes[quartier_key(lieu["quartier"])]
                found[lieu["id"]] = item
    return list(found.values())


def demo_accounts_lines() -> list[str]:
    """One line per demo account: e-mail, password, site role and organisations (for ``make serve``)."""
    names = {row["id"]: row["guide"].get("sigle") or row["nom"] for row in demo_export()[0]}
    width = max(len(user["email"]) for user in DEMO_USERS)
    lines = []
    for user in DEMO_USERS:
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
    _ensure_quartiers(db, counts)
    users = _ensure_users(db, counts)
    lieux_before = _count_lieux(db)
    coordinator = users.get(normalise_email("coordination@guide.localhost"))
    report = import_inventory(
        db,
        DEMO_DIR,
        actor=coordinator,
        drafts=True,
        author=lambda org: _author_for(org, users) or coordinator,
    )
    if report.rejected or report.warnings:
        problems = [str(r) for r in report.rejected] + report.warnings
        raise DemoDataError("Le guide de démonstration ne s'importe pas entier : " + " ; ".join(problems))
    counts["organisations"] = report.organisations.created
    counts["lieux"] = _count_lieux(db) - lieux_before
    counts["fiches"] = report.fiches.created
    organisations = {
        o.source_id: o for o in db.scalars(select(Organisation).where(Organisation.source == DEMO_SOURCE))
    }
    _add_memberships(db, users, organisations)
    for key in demo_settings()["direct_publication"]:
        organisations[key].direct_publication = True
    _bring_to_states(db, users, coordinator)
    db.flush()
    from .campaigns.demo import seed_demo as seed_demo_freshness

    seed_demo_freshness(db, coordinator)  # some fiches stale, one update campaign under way (campaigns/)
    from .indicators import seed_demo_usage

    seed_demo_usage(db, _read("indicators.json"))  # a few months of indicators (views/quality.py)
    counts["synonymes"] = ensure_synonyms(db)
    from ..print import seed_helplines

    seed_helplines(db)  # emergency and helpline numbers printed at the back of the paper guide
    from .referents import seed_demo as seed_demo_referents

    seed_demo_referents(db, _read("referents.json"), coordinator)  # référents (views/network.py)
    from .pro_info import seed_demo as seed_demo_pro_info

    seed_demo_pro_info(db, _read("pro_info.json"), DEMO_SOURCE)  # information for professionals only
    from .easy_read import seed_demo as seed_demo_mots_simples

    # « En mots simples » (FALC) texts of 15 fiches, for the visitors' « Mots simples » mode
    seed_demo_mots_simples(db, _read("mots_simples.json"), DEMO_SOURCE)
    from .professionals import seed_demo as seed_demo_professionals

    # a dozen colleagues listed in the professionals' directory (accounts without a password)
    seed_demo_professionals(db, _read("professionals.json"), DEMO_SOURCE)
    from .agenda.demo import seed_demo as seed_demo_agenda

    # a month of events from the load day (views/agenda_partner.py, views/agenda_public.py)
    seed_demo_agenda(db, _read("agenda.json"), DEMO_SOURCE, coordinator)
    from .translations import seed_demo as seed_demo_translations

    # reviewed translations (en, ar, uk) of a few fiches: the public pages and search in those languages
    seed_demo_translations(db, _read("translations.json"), DEMO_SOURCE, coordinator)
    db.flush()
    return counts


def ensure_synonyms(db: Session) -> int:
    """Add the demo's synonym groups that are not there yet; returns how many were added."""
    existing = {" ".join(t.lower().split()) for t in db.scalars(select(Synonym.terms))}
    added = [Synonym(terms=terms) for terms in DEMO_SYNONYMS if terms.lower() not in existing]
    db.add_all(added)
    db.flush()
    return len(added)


# --- steps ---------------------------------------------------------------------------------------


def _count_lieux(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Lieu).where(Lieu.source == DEMO_SOURCE)) or 0


def _ensure_thematiques(db: Session, counts: dict[str, int]) -> None:
    existing = set(db.scalars(select(Thematique.slug)))
    for item in DEMO_THEMATIQUES:
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


def _ensure_quartiers(db: Session, counts: dict[str, int]) -> None:
    """The demo quartiers; an existing quartier with the same code, name or slug is reused (the
    importer finds it again by the name the export gives, compared tolerantly)."""
    for item in DEMO_QUARTIERS:
        slug = slugify(item["nom"])
        quartier = db.scalar(
            select(Quartier)
            .where(or_(Quartier.code == item["code"], Quartier.nom == item["nom"], Quartier.slug == slug))
            .limit(1)
        )
        if quartier is None:
            db.add(
                Quartier(
                    code=item["code"], nom=item["nom"], slug=slug, geometry=item["geometry"], schematic=True
                )
            )
            counts["quartiers"] += 1
    db.flush()


def _ensure_users(db: Session, counts: dict[str, int]) -> dict[str, User]:
    """Demo accounts by e-mail; an existing account keeps its password."""
    users: dict[str, User] = {}
    for item in DEMO_USERS:
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
        users[email] = user
    db.flush()
    return users


def _add_memberships(db: Session, users: dict[str, User], organisations: dict[str, Organisation]) -> None:
    for item in DEMO_USERS:
        user = users[normalise_email(item["email"])]
        for key, role in item["memberships"]:
            organisation = organisations[key]
            if not any(m.organisation is organisation for m in user.memberships):
                user.memberships.append(Membership(organisation=organisation, role=MemberRole(role)))
    db.flush()


def _author_for(organisation: Organisation, users: dict[str, User]) -> User | None:
    """The demo account that writes an organisation's fiches: its owner, else an editor."""
    for wanted in ("owner", "editor"):
        for item in DEMO_USERS:
            if [organisation.source_id, wanted] in item["memberships"]:
                return users[normalise_email(item["email"])]
    return None


def _bring_to_states(db: Session, users: dict[str, User], coordinator: User | None) -> None:
    """Each new demo fiche, a draft, brought to the state ``demo.json`` gives it."""
    for row in demo_export()[1]:
        fiche = db.scalar(select(Fiche).where(Fiche.source == DEMO_SOURCE, Fiche.source_id == row["id"]))
        if fiche is None or fiche.state != State.DRAFT:
            continue
        organisation = fiche.organisation
        author = _author_for(organisation, users) or coordinator
        # The services build FicheEvent rows through their many-to-one side before adding them to the
        # session; an autoflush in between only warns (SAWarning), so keep it out of the way.
        with db.no_autoflush:
            for name in _PATH_TO_STATE[demo_state(row["id"])]:
                if name == "publish" and not organisation.direct_publication:
                    actor, comment = coordinator, "Relue et publiée par la coordination."
                elif name == "archive":
                    actor, comment = coordinator, "Action terminée ; fiche conservée pour l'historique."
                else:
                    actor, comment = author, ""
                transition(db, fiche, name, actor, comment)
    db.flush()
