"""Loading the demo guide (guide/demo/) through the importer into a database: the same guide as the export."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

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
    Synonym,
    Thematique,
    User,
)
from guide.scripts import demo as demo_script
from guide.services import demo
from guide.services.accounts import verify_password
from guide.services.demo import (
    DEMO_PASSWORD,
    DEMO_QUARTIERS,
    DEMO_SYNONYMS,
    DEMO_THEMATIQUES,
    DEMO_USERS,
    demo_export,
    demo_lieux,
    demo_state,
    load_demo,
)
from guide.services.fiches import review_queue
from guide.text import slugify

from ..databases import migrated

# Every database here is SQLite (in memory, or a file for the console script): the PostgreSQL run does not
# repeat the file (the demo guide is loaded on PostgreSQL there by tests/conftest.py's demo database).
pytestmark = pytest.mark.no_database

STRUCTURES, SERVICES = demo_export()


def _session() -> Iterator[Session]:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


@pytest.fixture(scope="module")
def loaded() -> Iterator[tuple[Session, dict[str, int] | None]]:
    """One database with the demo loaded, shared by the tests that only read it."""
    for session in _session():
        counts = load_demo(session)
        session.commit()
        yield session, counts


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_load_creates_everything_once(loaded: tuple[Session, dict[str, int] | None]) -> None:
    db, counts = loaded
    expected = {
        "quartiers": len(DEMO_QUARTIERS),
        "thematiques": len(DEMO_THEMATIQUES),
        "organisations": len(STRUCTURES),
        "lieux": len(demo_lieux()),
        "fiches": len(SERVICES),
        "users": len(DEMO_USERS),
        "synonymes": len(DEMO_SYNONYMS),
    }
    assert counts == expected
    assert expected == {
        "quartiers": 11,
        "thematiques": 16,
        "organisations": 26,
        "lieux": 16,
        "fiches": 73,
        "users": 7,
        "synonymes": 14,
    }
    for model, key in (
        (Quartier, "quartiers"),
        (Thematique, "thematiques"),
        (Organisation, "organisations"),
        (Lieu, "lieux"),
        (Fiche, "fiches"),
        (Synonym, "synonymes"),
    ):
        assert _count(db, model) == expected[key]
    # the demo accounts, and the 12 colleagues of the professionals' directory (no password, one organisation)
    assert _count(db, User) == expected["users"] + 12
    assert _count(db, Membership) == 13 + 12
    # creation and transitions, as the demo always had, and the reviews of the demo's 7 translations
    events = db.scalars(select(FicheEvent.action)).all()
    assert len(events) - events.count("translation_publish") == 143
    assert events.count("translation_publish") == 7


def test_every_fiche_is_its_service(loaded: tuple[Session, dict[str, int] | None]) -> None:
    db, _counts = loaded
    fiches = {f.source_id: f for f in db.scalars(select(Fiche))}
    assert set(fiches) == {row["id"] for row in SERVICES}
    for row in SERVICES:
        fiche, guide = fiches[row["id"]], row["guide"]
        version = fiche.current_version
        assert fiche.uid == f"demo--{row['id']}"
        assert fiche.organisation.source_id == row["structure_id"]
        assert fiche.state == demo_state(row["id"]), row["id"]
        assert version is not None and version.number == 1
        assert (version.nom, version.resume, version.description) == (
            row["nom"],
            guide["resume"],
            row["description"],
        )
        assert version.horaires == row.get("horaires_accueil", "")
        assert version.horaires_precisions == guide.get("horaires_precisions", "")
        assert version.fermetures == guide.get("fermetures", [])
        assert (version.age_min, version.age_max) == (guide.get("age_min"), guide.get("age_max"))
        assert version.type_service == guide["type_service"]
        assert version.publics == guide["publics"]
        assert version.conditions_acces == guide["conditions_acces"]
        assert sorted(version.langues) == sorted(row["langues"])
        assert (version.telephone, version.courriel, version.site_web) == (
            row.get("telephone", ""),
            row.get("courriel", ""),
            row.get("lien_source", ""),
        )
        assert sorted(t.slug for t in version.thematiques) == sorted(guide["thematiques"])
        assert [lieu.source_id for lieu in version.lieux] == guide["lieux"]


def test_states_and_history(loaded: tuple[Session, dict[str, int] | None]) -> None:
    db, _counts = loaded
    for fiche in db.scalars(select(Fiche)):
        version = fiche.current_version
        if fiche.state == State.PUBLISHED:
            assert fiche.is_public and fiche.published_version_id == version.id
        elif fiche.state == State.ARCHIVED:
            assert not fiche.is_public and fiche.published_version_id == version.id
        else:
            assert not fiche.is_public and fiche.published_version_id is None
    pending = {f.source_id for f in review_queue(db)}
    assert pending == {row["id"] for row in SERVICES if demo_state(row["id"]) == State.PENDING}
    archived = db.scalar(select(Fiche).where(Fiche.state == State.ARCHIVED))
    assert [(e.action, e.actor.email) for e in archived.events] == [
        ("create", "partenaire@guide.localhost"),
        ("publish", "coordination@guide.localhost"),
        ("archive", "coordination@guide.localhost"),
    ]
    # A fiche of an organisation that publishes directly is published by its own author.
    direct = db.scalar(
        select(Fiche)
        .join(Organisation)
        .where(Organisation.source_id == "ccas", Fiche.state == State.PUBLISHED)
        .limit(1)
    )
    assert [(e.action, e.actor.email) for e in direct.events] == [
        ("create", "ccas@guide.localhost"),
        ("publish", "ccas@guide.localhost"),
    ]


def test_directory(loaded: tuple[Session, dict[str, int] | None]) -> None:
    db, _counts = loaded
    lieu = db.scalar(select(Lieu).where(Lieu.source_id == "25gh"))
    assert lieu is not None and lieu.quartier is not None and lieu.quartier.code == "QU-ESTAING"
    assert lieu.complement_adresse == "Résidence Estaing, bâtiment C"
    assert str(lieu.boucle_magnetique) == "oui" and str(lieu.langue_des_signes) == "inconnu"
    sharing = {o.source_id for o in lieu.organisations}
    assert {"25gh", "avec63", "planning63", "cidff63", "cdad63"} <= sharing
    for item in demo_lieux():
        found = db.scalar(select(Lieu).where(Lieu.source == "demo", Lieu.source_id == item["key"]))
        assert found is not None and found.quartier.code == item["quartier"], item["key"]
        assert (found.nom, found.latitude, found.longitude) == (
            item["nom"],
            item["latitude"],
            item["longitude"],
        )
    for row in STRUCTURES:
        organisation = db.scalar(select(Organisation).where(Organisation.source_id == row["id"]))
        assert organisation is not None and organisation.nom == row["nom"]
        assert organisation.sigle == row["guide"].get("sigle", "")
        assert organisation.reseau_porteur == row["guide"].get("reseau_porteur", "")
        assert {lieu.source_id for lieu in organisation.lieux} == {
            lieu["id"] for lieu in row["guide"]["lieux"]
        }
    for quartier in db.scalars(select(Quartier)):
        assert quartier.schematic and quartier.geometry["type"] == "Polygon"
        assert quartier.slug == slugify(quartier.nom)
    sante = db.scalar(select(Thematique).where(Thematique.slug == "sante"))
    assert sante is not None and "sante--acces-aux-soins" in sante.di_codes
    direct = {o.source_id for o in db.scalars(select(Organisation).where(Organisation.direct_publication))}
    assert direct == {"ccas", "cs-sud"}
    ccas = db.scalar(select(Organisation).where(Organisation.source_id == "ccas"))
    assert ccas is not None and ccas.source == "demo" and ccas.slug == slugify(ccas.nom)


def test_accounts(loaded: tuple[Session, dict[str, int] | None]) -> None:
    db, _counts = loaded
    admin = db.scalar(select(User).where(User.email == "admin@guide.localhost"))
    coordinator = db.scalar(select(User).where(User.email == "coordination@guide.localhost"))
    partner = db.scalar(select(User).where(User.email == "partenaire@guide.localhost"))
    assert admin is not None and admin.role == SiteRole.ADMIN
    assert coordinator is not None and coordinator.role == SiteRole.COORDINATOR
    assert partner is not None and partner.role == SiteRole.PARTNER
    assert verify_password(partner, DEMO_PASSWORD)
    assert not verify_password(partner, "not-the-password")
    roles = {m.organisation.source_id: m.role for m in partner.memberships}
    assert roles == {"25gh": MemberRole.OWNER, "cidff63": MemberRole.EDITOR, "avec63": MemberRole.EDITOR}


def test_a_second_load_does_nothing(loaded: tuple[Session, dict[str, int] | None]) -> None:
    db, _counts = loaded
    assert load_demo(db) is None
    db.commit()
    assert _count(db, Fiche) == len(SERVICES)
    assert _count(db, Organisation) == len(STRUCTURES)


def _ini(tmp_path: Path) -> tuple[str, Path]:
    url = migrated(f"sqlite:///{tmp_path / 'guide.sqlite'}")  # a copy of the run's migrated template
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    return url, ini


def test_guide_demo_on_a_fresh_var_dir_reuses_the_guides_taxonomy_and_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``guide-demo`` on a guide that has its taxonomy (the migrations installed it), a quartier under
    another name and an account already (one load of the demo for what were two tests, and a third in
    test_scripts: the same script run twice)."""
    url, ini = _ini(tmp_path)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as db:
            db.execute(update(Thematique).where(Thematique.slug == "sante").values(label="Santé (existante)"))
            # Another name for La Gauthière: the importer matches « La Gauthière » to it all the same.
            db.add(Quartier(code="QP-GAUTHIERE", nom="GAUTHIERE", slug="gauthiere", geometry=None))
            db.add(
                User(email="admin@guide.localhost", name="Déjà là", role=SiteRole.ADMIN, password_hash=None)
            )
            db.commit()
            thematiques = set(db.scalars(select(Thematique.slug)))
        assert {item["slug"] for item in DEMO_THEMATIQUES} <= thematiques
        assert demo_script.main([str(ini)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(
            # the migrations installed the guide's taxonomy: the demo reuses it, and the existing quartier
            # and account
            f"Guide de démonstration chargé : {len(DEMO_QUARTIERS) - 1} quartiers, 0 thematiques, "
            f"26 organisations, 16 lieux, 73 fiches, {len(DEMO_USERS) - 1} users"
        )
        assert "partenaire@guide.localhost" in out and "admin@guide.localhost" in out and DEMO_PASSWORD in out
        assert demo_script.main([str(ini)]) == 0
        assert capsys.readouterr().out.startswith("Le guide de démonstration est déjà chargé.")
        with make_session_factory(engine)() as db:
            assert set(db.scalars(select(Thematique.slug))) == thematiques
            assert (
                db.scalar(select(Thematique.label).where(Thematique.slug == "sante")) == "Santé (existante)"
            )
            assert _count(db, Quartier) == len(DEMO_QUARTIERS)
            lieu = db.scalar(select(Lieu).where(Lieu.source_id == "espace-combaude"))
            assert lieu is not None and lieu.quartier is not None and lieu.quartier.nom == "GAUTHIERE"
            admin = db.scalar(select(User).where(User.email == "admin@guide.localhost"))
            assert admin is not None and admin.password_hash is None, "an existing password is left alone"
            assert _count(db, Organisation) == len(STRUCTURES)
            published = db.scalar(
                select(func.count()).select_from(Fiche).where(Fiche.state == State.PUBLISHED)
            )
            assert published >= 40
    finally:
        engine.dispose()


def test_a_broken_demo_export_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo.DEMO_DIR, folder)
    services = json.loads((folder / "services.json").read_text(encoding="utf-8"))
    services[0]["guide"]["lieux"] = ["nulle-part"]
    (folder / "services.json").write_text(json.dumps(services, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(demo, "DEMO_DIR", folder)
    url, ini = _ini(tmp_path)
    assert demo_script.main([str(ini)]) == 1  # load_demo raised DemoDataError: the script reports it
    error = capsys.readouterr().err
    assert "25gh-accueil" in error and "lieu inconnu : « nulle-part »" in error
    engine = make_engine(url)
    with make_session_factory(engine)() as check:
        assert _count(check, Organisation) == 0 and _count(check, User) == 0
    engine.dispose()
