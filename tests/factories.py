"""Builders for test data, going through the same services as the application."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from guide.models import (
    Fiche,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    Quartier,
    SiteRole,
    Thematique,
    User,
    version_thematique,
)
from guide.services import fiches
from guide.services.accounts import hash_password

PASSWORD = "mot-de-passe-de-test"
PASSWORD_HASH = hash_password(PASSWORD)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[3.05, 45.76], [3.10, 45.76], [3.10, 45.80], [3.05, 45.80], [3.05, 45.76]]],
}


def content(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nom": "Permanence d'accès aux droits",
        "resume": "Aide pour les démarches administratives, sans rendez-vous.",
        "description": "Une juriste vous reçoit et vous aide à faire valoir vos droits.",
        "type_service": "permanence",
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "thematiques": ["acces-aux-droits"],
        "lieux": [],
        "telephone": "04 73 98 07 81",
    }
    data.update(overrides)
    return data


def user(db: Session, email: str, role: SiteRole = SiteRole.PARTNER, **memberships: Any) -> User:
    u = User(email=email, name=email.split("@")[0].capitalize(), role=role, password_hash=PASSWORD_HASH)
    db.add(u)
    return u


def organisation(db: Session, nom: str, slug: str, *, direct: bool = False) -> Organisation:
    org = Organisation(nom=nom, slug=slug, direct_publication=direct)
    db.add(org)
    return org


def member(db: Session, u: User, org: Organisation, role: MemberRole = MemberRole.EDITOR) -> Membership:
    m = Membership(user=u, organisation=org, role=role)
    db.add(m)
    return m


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    fiches: dict[str, Fiche] = field(default_factory=dict)
    lieux: dict[str, Lieu] = field(default_factory=dict)

    def ids(self) -> dict[str, dict[str, int]]:
        """The primary keys of the world's objects, to load them again in another session."""
        return {kind: {key: obj.id for key, obj in getattr(self, kind).items()} for kind in _WORLD_MODELS}


_WORLD_MODELS: dict[str, type] = {"users": User, "orgs": Organisation, "fiches": Fiche, "lieux": Lieu}


def load_world(db: Session, ids: dict[str, dict[str, int]]) -> World:
    """The world committed once (``build_world`` then ``World.ids``), loaded in ``db``: one query per kind."""
    world = World()
    for kind, model in _WORLD_MODELS.items():
        rows = {obj.id: obj for obj in db.scalars(select(model).where(model.id.in_(ids[kind].values())))}
        getattr(world, kind).update({key: rows[pk] for key, pk in ids[kind].items()})
    return world


def build_world(db: Session) -> World:
    w = World()
    # The world brings its own thématiques: the taxonomy the migrations install in a fresh database goes.
    db.execute(delete(Thematique).where(Thematique.id.not_in(select(version_thematique.c.thematique_id))))
    db.add_all(
        [
            Thematique(
                slug="acces-aux-droits",
                label="Accès aux droits",
                position=1,
                di_codes=["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"],
            ),
            Thematique(slug="sante", label="Santé", position=2, di_codes=["sante--acces-aux-soins"]),
        ]
    )
    quartier = Quartier(
        code="Q-TEST", nom="Quartier test", slug="quartier-test", geometry=SQUARE, schematic=True
    )
    db.add(quartier)
    w.orgs["a"] = organisation(db, "Association Alpha", "alpha")
    w.orgs["b"] = organisation(db, "Bêta Santé", "beta")
    w.orgs["c"] = organisation(db, "Service municipal Gamma", "gamma", direct=True)
    for key, org in w.orgs.items():
        lieu = Lieu(
            nom=f"Lieu {org.nom}",
            adresse="1 rue Test",
            code_postal="63000",
            commune="Clermont-Ferrand",
            code_insee="63113",
            latitude=45.78,
            longitude=3.08,
            quartier=quartier,
        )
        lieu.organisations.append(org)
        db.add(lieu)
        w.lieux[key] = lieu
    w.users["admin"] = user(db, "admin@test.fr", SiteRole.ADMIN)
    w.users["coord"] = user(db, "coord@test.fr", SiteRole.COORDINATOR)
    w.users["owner_a"] = user(db, "owner.a@test.fr")
    w.users["editor_a"] = user(db, "editor.a@test.fr")
    w.users["owner_b"] = user(db, "owner.b@test.fr")
    w.users["editor_c"] = user(db, "editor.c@test.fr")
    w.users["nobody"] = user(db, "nobody@test.fr")
    member(db, w.users["owner_a"], w.orgs["a"], MemberRole.OWNER)
    member(db, w.users["editor_a"], w.orgs["a"], MemberRole.EDITOR)
    member(db, w.users["owner_b"], w.orgs["b"], MemberRole.OWNER)
    member(db, w.users["editor_c"], w.orgs["c"], MemberRole.EDITOR)
    db.flush()
    coord = w.users["coord"]
    for org_key in ("a", "b", "c"):
        org, lieu = w.orgs[org_key], w.lieux[org_key]
        for state in ("draft", "pending", "published", "archived"):
            fiche = fiches.create_fiche(
                db, org, content(nom=f"Fiche {state} {org_key}", lieux=[lieu.id]), w.users["admin"]
            )
            if state == "pending":
                fiches.transition(db, fiche, "submit", coord)
            elif state in ("published", "archived"):
                fiches.transition(db, fiche, "publish", coord)
                if state == "archived":
                    fiches.transition(db, fiche, "archive", coord)
            w.fiches[f"{state}_{org_key}"] = fiche
    db.flush()
    return w
