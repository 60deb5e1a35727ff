"""The importer beyond data·inclusion: the ``guide`` extension, tolerant quartier names, invisible characters,
short quotes of refused values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guide.models import Fiche, Lieu, Organisation, State
from guide.services.importer import QUOTE_MAX, import_inventory, quartier_key
from tests.functional.test_import import copy_sample, edit_json, seed


@pytest.fixture
def guide(db: Session) -> Session:
    seed(db)
    return db


def _fiche(db: Session, source_id: str) -> Fiche:
    found = db.scalar(select(Fiche).where(Fiche.source == "dora", Fiche.source_id == source_id))
    assert found is not None, source_id
    return found


def _reasons(report: Any) -> dict[str | None, str]:
    return {r.id: r.reason for r in report.rejected}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("La Fontaine-du-Bac", "fontaine du bac"),
        ("fontaine du bac", "fontaine du bac"),
        ("L'Oradou", "oradou"),
        ("LES  VERGNES", "vergnes"),
        ("Les Salins - La Glacière", "salins la glaciere"),
        ("La", "la"),
    ],
)
def test_quartier_key(given: str, expected: str) -> None:
    assert quartier_key(given) == expected


@pytest.mark.parametrize(
    "written", ["gauthiere", "GAUTHIÈRE", "la gauthiere", "La-Gauthière", "  Gauthière "]
)
def test_quartier_names_are_matched_tolerantly(guide: Session, tmp_path: Path, written: str) -> None:
    folder = copy_sample(tmp_path)
    edit_json(folder / "structures.json", "entraide-gauthiere", quartier=written)
    edit_json(folder / "structures.json", "ccas-clermont", quartier="Centre ville Jaude")
    report = import_inventory(guide, folder)
    assert "entraide-gauthiere" not in _reasons(report)
    by_source_id = {lieu.source_id: lieu for lieu in guide.scalars(select(Lieu))}
    assert by_source_id["entraide-gauthiere"].quartier.code == "QP-GAUTHIERE"
    assert by_source_id["ccas-clermont"].quartier.code == "QU-CENTRE-JAUDE"


def test_an_unknown_quartier_is_quoted_short(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    edit_json(folder / "structures.json", "entraide-gauthiere", quartier="Quartier " + "x" * 300)
    report = import_inventory(guide, folder)
    warning = next(w for w in report.warnings if w.id == "entraide-gauthiere" and w.field == "quartier")
    assert f"quartier « {('Quartier ' + 'x' * 300)[:QUOTE_MAX]}… » inconnu" in warning


def test_free_text_loses_its_invisible_characters(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    edit_json(
        folder / "services.json",
        "cs-nord-acces-aux-droits",
        nom="Accès\u200b aux droits\u202e",
        description="Une\u2066 aide\u2069 pour vos démarches.",
    )
    edit_json(folder / "structures.json", "ccas-clermont", nom="\u200fCCAS de Clermont")
    import_inventory(guide, folder)
    version = _fiche(guide, "cs-nord-acces-aux-droits").current_version
    assert version.nom == "Accès aux droits"
    assert version.description == "Une aide pour vos démarches."
    assert guide.scalar(select(Organisation.nom).where(Organisation.source_id == "ccas-clermont")) == (
        "CCAS de Clermont"
    )


def test_a_title_of_invisible_characters_only_gets_a_stand_in_and_a_warning(
    guide: Session, tmp_path: Path
) -> None:
    folder = copy_sample(tmp_path)
    edit_json(folder / "services.json", "cs-nord-acces-aux-droits", nom="\u200b\u200b\u200b")
    report = import_inventory(guide, folder)
    assert "cs-nord-acces-aux-droits" not in _reasons(report)
    warning = next(w for w in report.warnings if w.id == "cs-nord-acces-aux-droits" and w.field == "nom")
    assert "complétez-le dans le guide" in warning
    f = guide.scalar(select(Fiche).where(Fiche.source_id == "cs-nord-acces-aux-droits"))
    assert f.current_version.nom == "Sans nom (cs-nord-acces-aux-droits)"


def test_a_long_refused_opening_hours_string_is_quoted_short(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    long_hours = "Lundi au vendredi de 9 heures à midi " * 20
    edit_json(folder / "services.json", "cs-nord-acces-aux-droits", horaires_accueil=long_hours)
    report = import_inventory(guide, folder)
    warning = next(w for w in report.warnings if "cs-nord-acces-aux-droits" in w)
    quoted = warning.split("« ", 1)[1].split(" »", 1)[0]
    assert quoted.endswith("…") and len(quoted) <= QUOTE_MAX + 1
    assert " ".join(long_hours.split())[: QUOTE_MAX + 20] not in warning


def _with_guide_extension(folder: Path) -> None:
    structures = json.loads((folder / "structures.json").read_text(encoding="utf-8"))
    lieu = {
        "id": "maison-champratel",
        "nom": "Maison de quartier de Champratel",
        "adresse": "Rue de Champratel",
        "code_postal": "63100",
        "commune": "Clermont-Ferrand",
        "code_insee": "63113",
        "latitude": 45.7955,
        "longitude": 3.085,
        "quartier": "champratel",
        "acces_plain_pied": "oui",
        "boucle_magnetique": "non",
    }
    for row in structures:
        if isinstance(row, dict) and row.get("id") in ("cs-nord-champratel", "ccas-clermont"):
            row["guide"] = {"sigle": "CSN", "reseau_porteur": "Centres sociaux de la Ville", "lieux": [lieu]}
    (folder / "structures.json").write_text(json.dumps(structures, ensure_ascii=False), encoding="utf-8")
    edit_json(
        folder / "services.json",
        "cs-nord-acces-aux-droits",
        guide={
            "resume": "Un résumé écrit à la main.",
            "type_service": "permanence",
            "publics": ["femmes-victimes-de-violences", "public-inconnu"],
            "thematiques": ["famille"],
            "conditions_acces": ["sur-rendez-vous"],
            "age_min": 16,
            "age_max": 25,
            "horaires_precisions": "Sauf pendant les vacances.",
            "fermetures": [{"debut": "2027-08-01", "fin": "2027-08-15", "message": "Congés."}],
            "lieux": ["maison-champratel"],
        },
    )


def test_the_guide_extension_carries_what_data_inclusion_does_not(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    _with_guide_extension(folder)
    report = import_inventory(guide, folder)
    assert "cs-nord-acces-aux-droits" not in _reasons(report)
    # Two structures list one lieu: one building, two organisations, no lieu of their own address.
    lieu = guide.scalar(select(Lieu).where(Lieu.source_id == "maison-champratel"))
    assert lieu is not None and lieu.quartier.code == "QP-CHAMPRATEL"
    assert {o.source_id for o in lieu.organisations} == {"cs-nord-champratel", "ccas-clermont"}
    assert str(lieu.acces_plain_pied) == "oui" and str(lieu.toilettes_adaptees) == "inconnu"
    assert guide.scalar(select(Lieu).where(Lieu.source_id == "cs-nord-champratel")) is None
    organisation = guide.scalar(select(Organisation).where(Organisation.source_id == "cs-nord-champratel"))
    assert (organisation.sigle, organisation.reseau_porteur) == ("CSN", "Centres sociaux de la Ville")
    version = _fiche(guide, "cs-nord-acces-aux-droits").current_version
    assert version.resume == "Un résumé écrit à la main."
    assert version.type_service == "permanence"
    assert version.publics == ["femmes-victimes-de-violences"]
    assert [t.slug for t in version.thematiques] == ["famille"]
    assert version.conditions_acces == ["sur-rendez-vous"]
    assert (version.age_min, version.age_max) == (16, 25)
    assert version.horaires_precisions == "Sauf pendant les vacances."
    assert version.fermetures == [{"debut": "2027-08-01", "fin": "2027-08-15", "message": "Congés."}]
    assert [lieu.source_id for lieu in version.lieux] == ["maison-champratel"]
    assert any("public-inconnu" in w for w in report.warnings)
    # A second run finds everything again.
    again = import_inventory(guide, folder)
    assert again.fiches.created == 0 and again.organisations.created == 0
    assert _fiche(guide, "cs-nord-acces-aux-droits").current_version.number == 1


@pytest.mark.parametrize(
    ("extension", "reason"),
    [
        ({"lieux": ["nulle-part"]}, "lieu inconnu : « nulle-part » n'est le lieu d'aucune structure"),
        ({"age_min": 30, "age_max": 20}, "âges ignorés : l'âge minimum dépasse l'âge maximum"),
        (
            {"fermetures": [{"debut": "2027-08-15", "fin": "2027-08-01"}]},
            "fermeture(s) ignorée(s) : la fin précède le début",
        ),
        ({"age_min": "vingt"}, "champ guide : age min : nombre entier attendu (« vingt »)"),
        ("pas un objet", "champ guide : objet attendu (« pas un objet »)"),
    ],
)
def test_a_wrong_guide_extension_costs_the_value_not_the_row(
    guide: Session, tmp_path: Path, extension: Any, reason: str
) -> None:
    folder = copy_sample(tmp_path)
    edit_json(folder / "services.json", "cs-nord-acces-aux-droits", guide=extension)
    report = import_inventory(guide, folder)
    assert "cs-nord-acces-aux-droits" not in _reasons(report)
    warnings = [w for w in report.warnings if w.id == "cs-nord-acces-aux-droits" and w.field == "guide"]
    assert len(warnings) == 1 and reason in warnings[0]
    f = guide.scalar(select(Fiche).where(Fiche.source_id == "cs-nord-acces-aux-droits"))
    assert f.current_version.age_min is None and f.current_version.fermetures == []


def test_drafts_and_authors(guide: Session, tmp_path: Path) -> None:
    from guide.models import SiteRole, User

    author = User(email="auteur@example.org", name="Auteur", role=SiteRole.PARTNER)
    guide.add(author)
    guide.flush()
    import_inventory(guide, copy_sample(tmp_path), drafts=True, author=lambda organisation: author)
    fiche = _fiche(guide, "cs-nord-acces-aux-droits")
    assert fiche.state == State.DRAFT
    assert [(e.action, e.actor) for e in fiche.events] == [("create", author)]
