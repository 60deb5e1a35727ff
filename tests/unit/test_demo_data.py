"""The demonstration data: checks on the data alone, then the loader on an in-memory database."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterator

import opening_hours
import pytest
from data_inclusion.schema.v1 import Thematique as DiThematique
from shapely.geometry import Point, shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guide import demo_data
from guide.db import make_engine, make_session_factory
from guide.models import (
    Base,
    Fiche,
    FicheEvent,
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
from guide.services.accounts import MIN_PASSWORD_LENGTH, verify_password
from guide.services.demo import DEMO_ACCOUNTS_TEXT, demo_accounts_lines, load_demo
from guide.services.fiches import review_queue
from guide.text import slugify
from guide.vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, TYPES_SERVICE

FICHES = demo_data.FICHES
ORGANISATIONS = {o["key"]: o for o in demo_data.ORGANISATIONS}
LIEUX = {lieu["key"]: lieu for lieu in demo_data.LIEUX}
QUARTIERS = {q["code"]: q for q in demo_data.QUARTIERS}
THEMATIQUE_SLUGS = {t["slug"] for t in demo_data.THEMATIQUES}
ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")
PHONE = re.compile(r"^0\d( \d\d){4}$")


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _ids(items: list[dict], key: str = "key") -> list[str]:
    return [item[key] for item in items]


# --- the data alone -----------------------------------------------------------------------------


def test_keys_are_unique() -> None:
    for values in (
        _ids(demo_data.ORGANISATIONS),
        _ids(demo_data.LIEUX),
        _ids(FICHES),
        _ids(demo_data.QUARTIERS, "code"),
        _ids(demo_data.QUARTIERS, "nom"),
        [slugify(q["nom"]) for q in demo_data.QUARTIERS],
        _ids(demo_data.THEMATIQUES, "slug"),
        [t["position"] for t in demo_data.THEMATIQUES],
        _ids(demo_data.USERS, "email"),
        [slugify(o["nom"]) for o in demo_data.ORGANISATIONS],
        [(f["organisation"], f["nom"]) for f in FICHES],
    ):
        duplicates = [value for value, n in Counter(values).items() if n > 1]
        assert not duplicates


def test_sizes() -> None:
    assert len(demo_data.ORGANISATIONS) >= 15
    assert len(FICHES) >= 45
    assert 10 <= len(demo_data.QUARTIERS) <= 12
    assert 12 <= len(demo_data.THEMATIQUES) <= 16
    used = {LIEUX[key]["quartier"] for fiche in FICHES for key in fiche["lieux"]}
    assert len(used) >= 6
    assert {f["organisation"] for f in FICHES} == set(ORGANISATIONS), "every organisation has a fiche"


def test_states_are_varied() -> None:
    states = Counter(State(f["state"]) for f in FICHES)
    assert states[State.PUBLISHED] > len(FICHES) // 2
    assert states[State.PENDING] >= 3
    assert states[State.DRAFT] >= 3
    assert states[State.ARCHIVED] == 1


def test_references_exist() -> None:
    for lieu in demo_data.LIEUX:
        assert lieu["quartier"] in QUARTIERS
    used_lieux = set()
    for organisation in demo_data.ORGANISATIONS:
        assert organisation["lieux"], organisation["key"]
        assert set(organisation["lieux"]) <= set(LIEUX)
        used_lieux.update(organisation["lieux"])
    assert used_lieux == set(LIEUX), "every lieu belongs to an organisation"
    for fiche in FICHES:
        assert fiche["organisation"] in ORGANISATIONS
        assert fiche["thematiques"] and set(fiche["thematiques"]) <= THEMATIQUE_SLUGS, fiche["key"]
        # The fiche form only offers the lieux of the fiche's organisation.
        assert set(fiche["lieux"]) <= set(ORGANISATIONS[fiche["organisation"]]["lieux"]), fiche["key"]
    for user in demo_data.USERS:
        for key, _role in user["memberships"]:
            assert key in ORGANISATIONS


def test_shared_lieu() -> None:
    sharing = [o["key"] for o in demo_data.ORGANISATIONS if "25gh" in o["lieux"]]
    assert {"25gh", "avec63", "planning63", "cidff63"} <= set(sharing)


def test_every_thematique_is_used() -> None:
    assert {slug for f in FICHES for slug in f["thematiques"]} == THEMATIQUE_SLUGS


@pytest.mark.parametrize("fiche", [f for f in FICHES if f["horaires"]], ids=lambda f: f["key"])
def test_opening_hours_are_valid(fiche: dict) -> None:
    assert opening_hours.validate(fiche["horaires"]), fiche["horaires"]


def test_opening_hours_are_varied() -> None:
    hours = {f["horaires"] for f in FICHES if f["horaires"]}
    assert len(hours) >= 30
    assert any("PH off" in h for h in hours)
    assert any("[" in h for h in hours), "some monthly rules (Th[2], We[1,3]…)"
    assert any(not f["horaires"] for f in FICHES), "some fiches have no fixed hours"


def test_codes_are_in_the_vocabularies() -> None:
    for fiche in FICHES:
        assert fiche["type_service"] in TYPES_SERVICE, fiche["key"]
        assert fiche["publics"] and set(fiche["publics"]) <= set(PUBLICS), fiche["key"]
        assert fiche["conditions_acces"] and set(fiche["conditions_acces"]) <= set(CONDITIONS_ACCES)
        assert fiche["frais"] in FRAIS, fiche["key"]
        assert fiche["langues"] and set(fiche["langues"]) <= set(LANGUES), fiche["key"]
    local = {"femmes-victimes-de-violences", "parents-isoles", "enfants", "personnes-sans-domicile"}
    assert local <= {p for f in FICHES for p in f["publics"]}
    for lieu in demo_data.LIEUX:
        for name in ACCESS_FIELDS:
            assert lieu[name] in {"oui", "non", "inconnu"}
    for user in demo_data.USERS:
        SiteRole(user["role"])
        for _key, role in user["memberships"]:
            MemberRole(role)


def test_di_codes_are_data_inclusion_thematiques() -> None:
    valid = {t.value for t in DiThematique}
    for thematique in demo_data.THEMATIQUES:
        assert thematique["di_codes"], thematique["slug"]
        assert set(thematique["di_codes"]) <= valid, set(thematique["di_codes"]) - valid
        assert thematique["icon"] and thematique["label"]
        assert thematique["slug"] == slugify(thematique["slug"])


def test_text_lengths() -> None:
    for fiche in FICHES:
        assert 3 <= len(fiche["nom"]) <= 150, fiche["key"]
        assert 0 < len(fiche["resume"]) <= 280, (fiche["key"], len(fiche["resume"]))
        assert len(fiche["description"]) > len(fiche["nom"]), fiche["key"]
        for name in ("publics_precisions", "conditions_precisions", "frais_precisions"):
            assert len(fiche.get(name, "")) <= 1000
        assert len(fiche.get("horaires_precisions", "")) <= 500
        assert len(fiche.get("contact_nom", "")) <= 120
    for organisation in demo_data.ORGANISATIONS:
        assert len(organisation["nom"]) <= 200
        assert len(organisation["sigle"]) <= 40
        assert len(organisation["reseau_porteur"]) <= 200


def test_ages() -> None:
    for fiche in FICHES:
        low, high = fiche.get("age_min"), fiche.get("age_max")
        for age in (low, high):
            assert age is None or 0 <= age <= 120
        if low is not None and high is not None:
            assert low <= high, fiche["key"]


def test_fermetures() -> None:
    closures = [c for f in FICHES for c in f.get("fermetures", [])]
    assert closures
    for closure in closures:
        assert dt.date.fromisoformat(closure["debut"]) <= dt.date.fromisoformat(closure["fin"])
        assert 0 < len(closure["message"]) <= 200


def test_contacts() -> None:
    phones = [o["telephone"] for o in demo_data.ORGANISATIONS] + [
        f["telephone"] for f in FICHES if f.get("telephone")
    ]
    for phone in phones:
        assert PHONE.match(phone), phone
    for item in [*demo_data.ORGANISATIONS, *FICHES]:
        if item.get("courriel"):
            assert re.match(r"^[^@\s]+@[^@\s]+\.[a-z]+$", item["courriel"]), item["courriel"]
        if item.get("site_web"):
            assert item["site_web"].startswith("https://"), item["site_web"]


def test_sirets_are_valid() -> None:
    sirets = [o["siret"] for o in demo_data.ORGANISATIONS]
    assert any(sirets)
    for siret in filter(None, sirets):
        assert re.fullmatch(r"\d{14}", siret) and _luhn(siret), siret
        assert _luhn(siret[:9]), "the SIREN is valid too"


def test_lieux() -> None:
    for lieu in demo_data.LIEUX:
        assert lieu["code_insee"] == "63113"
        assert lieu["commune"] == "Clermont-Ferrand"
        assert re.fullmatch(r"63\d{3}", lieu["code_postal"])
        assert lieu["adresse"] and lieu["nom"]


@pytest.mark.parametrize("lieu", demo_data.LIEUX, ids=lambda lieu: lieu["key"])
def test_every_lieu_is_inside_its_quartier(lieu: dict) -> None:
    polygon = shape(QUARTIERS[lieu["quartier"]]["geometry"])
    assert polygon.contains(Point(lieu["longitude"], lieu["latitude"]))


def test_quartier_polygons_tile_clermont_without_overlapping() -> None:
    polygons = {code: shape(q["geometry"]) for code, q in QUARTIERS.items()}
    for code, polygon in polygons.items():
        assert QUARTIERS[code]["geometry"]["type"] == "Polygon"
        assert polygon.is_valid and polygon.area > 0, code
        centroid = polygon.centroid
        # WGS84 lon/lat around Clermont-Ferrand (45.7772 N, 3.0870 E), not lat/lon swapped.
        assert abs(centroid.y - 45.7772) < 0.05 and abs(centroid.x - 3.0870) < 0.06, code
    for (a, pa), (b, pb) in itertools.combinations(polygons.items(), 2):
        assert pa.intersection(pb).area < 1e-12, (a, b)
    # Jaude is in the centre-ville quartier.
    assert polygons["QU-CENTRE-JAUDE"].contains(Point(3.0819, 45.7772))


def test_the_issue_examples_are_covered() -> None:
    published = [f for f in FICHES if f["state"] == "publie"]

    def text(fiche: dict) -> str:
        return f"{fiche['nom']} {fiche['resume']} {fiche['description']}".lower()

    assert any("avocat" in text(f) and "gratuit" in text(f) for f in published)
    assert any("violences conjugales" in text(f) for f in published)
    assert any("devoirs" in text(f) and "espace-combaude" in f["lieux"] for f in published)
    assert any("français" in text(f) and "apprendre-le-francais" in f["thematiques"] for f in published)
    assert any("ivg" in text(f) for f in published)
    assert any(f["organisation"] == "pmi" for f in published)
    assert any(f["organisation"] == "ccas" and f["type_service"] == "aide-financiere" for f in published)


def test_demo_accounts() -> None:
    assert len(demo_data.DEMO_PASSWORD) >= MIN_PASSWORD_LENGTH
    roles = Counter(user["role"] for user in demo_data.USERS)
    assert roles["admin"] == 1 and roles["coordinator"] == 1 and roles["partner"] >= 3
    emails = {user["email"] for user in demo_data.USERS}
    assert {"admin@guide.localhost", "coordination@guide.localhost", "partenaire@guide.localhost"} <= emails
    partner = next(u for u in demo_data.USERS if u["email"] == "partenaire@guide.localhost")
    assert ("25gh", "owner") in partner["memberships"]
    lines = demo_accounts_lines()
    assert len(lines) == len(demo_data.USERS)
    for user, line in zip(demo_data.USERS, lines, strict=True):
        assert line.startswith(user["email"]) and demo_data.DEMO_PASSWORD in line
    assert "Administration" in lines[0] and "Responsable : 25GH" in lines[2]
    assert all(f"  {line}" in DEMO_ACCOUNTS_TEXT for line in lines)


# --- the loader on a database ------------------------------------------------------------------------


@pytest.fixture
def db() -> Iterator[Session]:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_load_demo_creates_everything_once(db: Session) -> None:
    counts = load_demo(db)
    db.commit()
    expected = {
        "quartiers": len(demo_data.QUARTIERS),
        "thematiques": len(demo_data.THEMATIQUES),
        "organisations": len(demo_data.ORGANISATIONS),
        "lieux": len(demo_data.LIEUX),
        "fiches": len(FICHES),
        "users": len(demo_data.USERS),
        "synonymes": len(demo_data.SYNONYMS),
    }
    assert counts == expected
    for model, key in (
        (Quartier, "quartiers"),
        (Thematique, "thematiques"),
        (Organisation, "organisations"),
        (Lieu, "lieux"),
        (Fiche, "fiches"),
        (User, "users"),
    ):
        assert _count(db, model) == expected[key]

    # Idempotent: a second run does nothing.
    assert load_demo(db) is None
    db.commit()
    assert _count(db, Fiche) == len(FICHES)
    assert _count(db, Organisation) == len(demo_data.ORGANISATIONS)


def test_loaded_states_and_versions(db: Session) -> None:
    load_demo(db)
    db.commit()
    by_title = {f.title: f for f in db.scalars(select(Fiche))}
    for item in FICHES:
        fiche = by_title[item["nom"]]
        assert fiche.state == State(item["state"]), item["key"]
        assert fiche.organisation.source_id == item["organisation"]
        assert fiche.uid == f"guide--{fiche.id}"
        version = fiche.current_version
        assert version is not None and version.number == 1
        assert sorted(t.slug for t in version.thematiques) == sorted(item["thematiques"])
        assert [lieu.source_id for lieu in version.lieux] == item["lieux"]
        assert version.horaires == item["horaires"]
        assert version.fermetures == item.get("fermetures", [])
        if fiche.state == State.PUBLISHED:
            assert fiche.is_public and fiche.published_version_id == version.id
        elif fiche.state == State.ARCHIVED:
            assert not fiche.is_public and fiche.published_version_id == version.id
        else:
            assert not fiche.is_public and fiche.published_version_id is None
    pending = {f.title for f in review_queue(db)}
    assert pending == {f["nom"] for f in FICHES if f["state"] == "a_valider"}
    # Every fiche has its history: creation, then one event per transition.
    archived = next(f for f in by_title.values() if f.state == State.ARCHIVED)
    actions = [e.action for e in db.scalars(select(FicheEvent).where(FicheEvent.fiche_id == archived.id))]
    assert actions == ["create", "publish", "archive"]


def test_loaded_directory(db: Session) -> None:
    load_demo(db)
    db.commit()
    lieu = db.scalar(select(Lieu).where(Lieu.source_id == "25gh"))
    assert lieu is not None and lieu.quartier is not None and lieu.quartier.code == "QU-ESTAING"
    sharing = {o.source_id for o in lieu.organisations}
    assert {"25gh", "avec63", "planning63", "cidff63", "cdad63"} <= sharing
    for quartier in db.scalars(select(Quartier)):
        assert quartier.schematic and quartier.geometry["type"] == "Polygon"
        assert quartier.slug == slugify(quartier.nom)
    sante = db.scalar(select(Thematique).where(Thematique.slug == "sante"))
    assert sante is not None and "sante--acces-aux-soins" in sante.di_codes
    direct = {o.source_id for o in db.scalars(select(Organisation).where(Organisation.direct_publication))}
    assert 1 <= len(direct) <= 2
    ccas = db.scalar(select(Organisation).where(Organisation.source_id == "ccas"))
    assert ccas is not None and ccas.source == "demo" and ccas.slug == slugify(ccas.nom)


def test_loaded_accounts(db: Session) -> None:
    load_demo(db)
    db.commit()
    admin = db.scalar(select(User).where(User.email == "admin@guide.localhost"))
    coordinator = db.scalar(select(User).where(User.email == "coordination@guide.localhost"))
    partner = db.scalar(select(User).where(User.email == "partenaire@guide.localhost"))
    assert admin is not None and admin.role == SiteRole.ADMIN
    assert coordinator is not None and coordinator.role == SiteRole.COORDINATOR
    assert partner is not None and partner.role == SiteRole.PARTNER
    assert verify_password(partner, demo_data.DEMO_PASSWORD)
    assert not verify_password(partner, "not-the-password")
    roles = {m.organisation.source_id: m.role for m in partner.memberships}
    assert roles["25gh"] == MemberRole.OWNER and roles["cidff63"] == MemberRole.EDITOR
    assert _count(db, Membership) == sum(len(u["memberships"]) for u in demo_data.USERS)


def test_existing_taxonomy_and_accounts_are_reused(db: Session) -> None:
    db.add(Thematique(slug="sante", label="Santé (existante)", icon="x", position=1, di_codes=[]))
    db.add(Quartier(code="QP-GAUTHIERE", nom="Gauthière", slug="gauthiere", geometry=None))
    db.add(User(email="admin@guide.localhost", name="Déjà là", role=SiteRole.ADMIN, password_hash=None))
    db.commit()
    counts = load_demo(db)
    db.commit()
    assert counts is not None
    assert counts["thematiques"] == len(demo_data.THEMATIQUES) - 1
    assert counts["quartiers"] == len(demo_data.QUARTIERS) - 1
    assert counts["users"] == len(demo_data.USERS) - 1
    assert _count(db, Thematique) == len(demo_data.THEMATIQUES)
    assert db.scalar(select(Thematique.label).where(Thematique.slug == "sante")) == "Santé (existante)"
    lieu = db.scalar(select(Lieu).where(Lieu.source_id == "espace-combaude"))
    assert lieu is not None and lieu.quartier is not None and lieu.quartier.nom == "Gauthière"
    admin = db.scalar(select(User).where(User.email == "admin@guide.localhost"))
    assert admin is not None and admin.password_hash is None, "an existing password is left alone"
