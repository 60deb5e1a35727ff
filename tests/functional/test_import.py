"""Importing a data·inclusion v1 export: counts, idempotence, versions, rejections, CSV, console script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from guide.db import make_engine, make_session_factory
from guide.models import Fiche, IndexChange, Lieu, Organisation, Quartier, State, Thematique
from guide.scripts import importer as importer_script
from guide.services import fiches
from guide.services.importer import Counts, ImportFailed, import_inventory, resume_of

from ..databases import migrated

DATA = Path(__file__).resolve().parent.parent / "data"
JSON_SAMPLE = DATA / "dora-sample"
CSV_SAMPLE = DATA / "csv-sample"

SAMPLE_SUMMARY = (
    "Structures : 4 créées, 0 mises à jour, 0 inchangées, 0 rejetées. "
    "Fiches : 7 créées, 0 mises à jour, 0 inchangées, 1 rejetée."
)


def _rect(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def seed(db: Session) -> None:
    """The guide's thématiques and a few quartiers (with and without a polygon)."""
    db.add_all(
        [
            Thematique(
                slug="acces-aux-droits",
                label="Accès aux droits",
                position=1,
                di_codes=[
                    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
                    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                ],
            ),
            # A whole data·inclusion category.
            Thematique(slug="numerique", label="Numérique", position=2, di_codes=["numerique"]),
            Thematique(
                slug="alimentation",
                label="Alimentation",
                position=3,
                di_codes=["equipement-et-alimentation--alimentation"],
            ),
            Thematique(slug="famille", label="Famille", position=4, di_codes=["famille"]),
            Quartier(
                code="QP-CHAMPRATEL",
                nom="Champratel",
                slug="champratel",
                geometry=_rect(3.062, 45.786, 3.094, 45.801),
            ),
            Quartier(
                code="QU-CENTRE-JAUDE",
                nom="Centre-ville - Jaude",
                slug="centre-ville-jaude",
                geometry=_rect(3.078, 45.771, 3.094, 45.786),
            ),
            Quartier(code="QP-GAUTHIERE", nom="La Gauthière", slug="la-gauthiere", geometry=None),
            Quartier(
                code="QP-VERGNES",
                nom="Les Vergnes",
                slug="les-vergnes",
                geometry=_rect(3.100, 45.801, 3.132, 45.818),
            ),
        ]
    )
    db.flush()


@pytest.fixture
def guide(db: Session) -> Session:
    seed(db)
    return db


def fiche(db: Session, source_id: str) -> Fiche:
    found = db.scalar(select(Fiche).where(Fiche.source == "dora", Fiche.source_id == source_id))
    assert found is not None, source_id
    return found


def organisation(db: Session, source_id: str) -> Organisation:
    found = db.scalar(
        select(Organisation).where(Organisation.source == "dora", Organisation.source_id == source_id)
    )
    assert found is not None, source_id
    return found


def count(db: Session, model: Any) -> int:
    return db.scalar(select(func.count()).select_from(model))


def copy_sample(tmp_path: Path, source: Path = JSON_SAMPLE) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def edit_json(path: Path, row_id: str, **changes: Any) -> None:
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        if row.get("id") == row_id:
            row.update(changes)
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


# --- first run ---------------------------------------------------------------------------------------


def test_first_import_counts_and_summary(guide: Session) -> None:
    report = import_inventory(guide, JSON_SAMPLE)
    assert report.organisations == Counts(created=4, updated=0, unchanged=0, rejected=0)
    assert report.fiches == Counts(created=7, updated=0, unchanged=0, rejected=1)
    assert report.summary() == SAMPLE_SUMMARY
    assert count(guide, Organisation) == 4
    assert count(guide, Fiche) == 7


def test_only_unusable_rows_are_rejected_the_others_come_with_warnings(guide: Session) -> None:
    report = import_inventory(guide, JSON_SAMPLE)
    reasons = {r.id: r for r in report.rejected}
    assert set(reasons) == {"mjc-accueil-jeunes"}  # a service without any structure
    assert "service sans structure" in reasons["mjc-accueil-jeunes"].reason
    # A bad SIRET costs the SIRET, not the organisation (nor its services).
    siret = next(w for w in report.warnings if w.id == "epicerie-solidaire-saint-jacques")
    assert (siret.file, siret.row, siret.field) == ("structures.json", 4, "siret")
    assert str(siret).startswith("structures.json, n° 4 (id epicerie-solidaire-saint-jacques) : SIRET")
    epicerie = organisation(guide, "epicerie-solidaire-saint-jacques")
    assert epicerie.siret is None
    assert fiche(guide, "epicerie-courses").organisation is epicerie
    # « tous-publics » beside precise publics: the precise ones are kept.
    sorties = next(w for w in report.warnings if w.id == "gauthiere-sorties")
    assert "tous-publics" in sorties and sorties.field == "publics"
    assert fiche(guide, "gauthiere-sorties").current_version.publics


def test_mapping_of_a_service(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    f = fiche(guide, "cs-nord-acces-aux-droits")
    version = f.current_version
    assert f.uid == "dora--cs-nord-acces-aux-droits"
    assert f.organisation is organisation(guide, "cs-nord-champratel")
    assert version.nom == "Accueil et accompagnement aux démarches administratives"
    assert version.type_service == "accompagnement"
    assert version.publics == ["tous-publics"]
    assert version.frais == "gratuit"
    assert version.conditions_precisions.startswith("Sans rendez-vous le matin")
    assert version.contact_nom == "Samia Benali"
    assert version.courriel == "droits@cs-nord.example"
    assert version.telephone
    assert version.horaires == "Mo-Fr 09:00-12:00,14:00-17:30; PH off"
    assert version.site_web.startswith("https://dora.inclusion.beta.gouv.fr/services/")
    assert [t.slug for t in version.thematiques] == ["acces-aux-droits"]
    # The résumé: whole sentences, at most 280 characters.
    assert len(version.resume) <= 280
    assert version.resume.endswith(".")
    assert version.description.startswith(version.resume)
    assert version.resume.count(".") == 2
    # At the structure's lieu.
    assert [lieu.source_id for lieu in version.lieux] == ["cs-nord-champratel"]

    atelier = fiche(guide, "cs-nord-atelier-numerique").current_version
    assert [t.slug for t in atelier.thematiques] == ["numerique"]  # by the category prefix
    assert atelier.langues == ["fr", "ar"]
    assert atelier.publics == ["personnes-exilees", "seniors"]
    assert atelier.frais == "payant" and atelier.frais_precisions


def test_uid_is_source_dash_dash_id(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    assert fiche(guide, "cs-nord-atelier-numerique").uid == "dora--cs-nord-atelier-numerique"
    # An id already prefixed by its source is kept as it is.
    assert fiche(guide, "dora--ccas-domiciliation").uid == "dora--ccas-domiciliation"


def test_invalid_opening_hours_are_dropped_with_a_warning(guide: Session) -> None:
    report = import_inventory(guide, JSON_SAMPLE)
    domiciliation = fiche(guide, "dora--ccas-domiciliation")
    assert domiciliation.current_version.horaires == ""
    warnings = [w for w in report.warnings if "dora--ccas-domiciliation" in w]
    assert len(warnings) == 1
    assert "Lundi au vendredi 9h-12h" in warnings[0] and "ignorés" in warnings[0]


def test_service_without_matching_thematique_is_imported(guide: Session) -> None:
    report = import_inventory(guide, JSON_SAMPLE)
    francais = fiche(guide, "gauthiere-francais")
    assert francais.current_version.thematiques == []
    assert any("gauthiere-francais" in w and "thématique" in w for w in report.warnings)


def test_organisation_and_lieu(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    ccas = organisation(guide, "ccas-clermont")
    assert ccas.nom == "CCAS de Clermont-Ferrand"
    assert ccas.siret == "21630113500010"
    assert ccas.courriel == "ccas@clermont.example"
    assert ccas.telephone
    assert "CCAS" in ccas.reseau_porteur or "ommune" in ccas.reseau_porteur
    lieux = {lieu.source_id: lieu for lieu in ccas.lieux}
    assert set(lieux) == {"ccas-clermont", "service:ccas-aide-alimentaire"}
    main = lieux["ccas-clermont"]
    assert (main.adresse, main.complement_adresse, main.code_postal, main.code_insee) == (
        "22 rue Georges-Clemenceau",
        "Rez-de-chaussée",
        "63000",
        "63113",
    )
    assert main.latitude == pytest.approx(45.7755)


def test_quartier_from_coordinates_and_from_the_extension_field(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    by_source_id = {lieu.source_id: lieu for lieu in guide.scalars(select(Lieu))}
    # By coordinates (the quartier's polygon holds the point).
    assert by_source_id["cs-nord-champratel"].quartier.code == "QP-CHAMPRATEL"
    assert by_source_id["ccas-clermont"].quartier.code == "QU-CENTRE-JAUDE"
    # By the extension field: a name on a structure, a code on a service with its own address.
    assert by_source_id["entraide-gauthiere"].quartier.code == "QP-GAUTHIERE"
    alimentation = by_source_id["service:ccas-aide-alimentaire"]
    assert alimentation.quartier.code == "QP-VERGNES"
    assert alimentation.adresse == "5 rue de Vienne"
    assert fiche(guide, "ccas-aide-alimentaire").current_version.lieux == [alimentation]


def test_unknown_quartier_imports_the_row_without_quartier(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    edit_json(folder / "structures.json", "entraide-gauthiere", quartier="Quartier imaginaire")
    report = import_inventory(guide, folder)
    assert "entraide-gauthiere" not in {r.id for r in report.rejected}
    warning = next(w for w in report.warnings if w.id == "entraide-gauthiere" and w.field == "quartier")
    assert "« Quartier imaginaire » inconnu : importé sans quartier" in warning
    assert "alias" in warning  # what to do about it
    lieu = guide.scalar(select(Lieu).where(Lieu.source_id == "entraide-gauthiere"))
    assert lieu is not None and lieu.quartier is None
    assert fiche(guide, "gauthiere-francais").organisation.source_id == "entraide-gauthiere"


def test_a_place_without_quartier_nor_coordinates_is_imported_with_what_to_do(
    guide: Session, tmp_path: Path
) -> None:
    folder = copy_sample(tmp_path)
    edit_json(folder / "structures.json", "entraide-gauthiere", quartier=None, latitude=None, longitude=None)
    report = import_inventory(guide, folder)
    assert "entraide-gauthiere" not in {r.id for r in report.rejected}
    warning = next(w for w in report.warnings if w.id == "entraide-gauthiere" and w.field == "quartier")
    assert "sans quartier" in warning and "coordonnées" in warning  # what to do about it
    lieu = guide.scalar(select(Lieu).where(Lieu.source_id == "entraide-gauthiere"))
    assert lieu is not None and lieu.quartier is None


# --- workflow ----------------------------------------------------------------------------------------


def test_default_import_awaits_review(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    for f in guide.scalars(select(Fiche)):
        assert f.state == State.PENDING
        assert f.published_version_id is None
        assert len(f.versions) == 1


def test_publish_makes_fiches_public(guide: Session) -> None:
    report = import_inventory(guide, JSON_SAMPLE, publish=True)
    assert report.fiches.created == 7
    published = list(guide.scalars(select(Fiche)))
    assert len(published) == 7
    for f in published:
        assert f.state == State.PUBLISHED
        assert f.published_version_id == f.current_version_id
        assert f.is_public
    changed = set(guide.scalars(select(IndexChange.fiche_id)))
    assert changed == {f.id for f in published}


# --- idempotence -------------------------------------------------------------------------------------


def test_second_run_changes_nothing(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    lieux = count(guide, Lieu)
    report = import_inventory(guide, JSON_SAMPLE)
    assert report.organisations == Counts(created=0, updated=0, unchanged=4, rejected=0)
    assert report.fiches == Counts(created=0, updated=0, unchanged=7, rejected=1)
    assert report.summary() == (
        "Structures : 0 créées, 0 mises à jour, 4 inchangées, 0 rejetées. "
        "Fiches : 0 créées, 0 mises à jour, 7 inchangées, 1 rejetée."
    )
    assert report.missing == [] and report.conflicts == []
    assert count(guide, Organisation) == 4
    assert count(guide, Fiche) == 7
    assert count(guide, Lieu) == lieux
    assert all(len(f.versions) == 1 for f in guide.scalars(select(Fiche)))


def test_changed_service_gets_a_new_version(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    import_inventory(guide, folder)
    edit_json(
        folder / "services.json",
        "gauthiere-francais",
        description="Cours de français à l'oral et à l'écrit, trois fois par semaine.",
    )
    report = import_inventory(guide, folder)
    assert report.fiches == Counts(created=0, updated=1, unchanged=6, rejected=1)
    assert report.organisations.unchanged == 4
    f = fiche(guide, "gauthiere-francais")
    assert [v.number for v in f.versions] == [1, 2]
    assert f.current_version.description == "Cours de français à l'oral et à l'écrit, trois fois par semaine."
    assert f.versions[0].description.startswith("Cours de français à l'oral et à l'écrit, deux fois")
    assert f.state == State.PENDING
    assert [e.action for e in f.events][-1] == "save"


def test_changed_service_of_a_published_fiche_is_republished_with_publish(
    guide: Session, tmp_path: Path
) -> None:
    folder = copy_sample(tmp_path)
    import_inventory(guide, folder, publish=True)
    edit_json(folder / "services.json", "cs-nord-atelier-numerique", horaires_accueil="Tu,Th 14:00-17:00")
    report = import_inventory(guide, folder, publish=True)
    assert report.fiches.updated == 1
    f = fiche(guide, "cs-nord-atelier-numerique")
    assert f.state == State.PUBLISHED
    assert f.published_version.number == 2
    assert f.published_version.horaires == "Tu,Th 14:00-17:00"


def test_changed_service_without_publish_keeps_the_published_version(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    import_inventory(guide, folder, publish=True)
    edit_json(folder / "services.json", "cs-nord-atelier-numerique", nom="Atelier numérique du jeudi")
    report = import_inventory(guide, folder)
    assert report.fiches.updated == 1
    f = fiche(guide, "cs-nord-atelier-numerique")
    assert f.state == State.PENDING  # awaits review…
    assert f.published_version.number == 1  # …while the public keeps reading the published text
    assert f.current_version.nom == "Atelier numérique du jeudi"


def test_changed_structure_is_updated(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    import_inventory(guide, folder)
    edit_json(folder / "structures.json", "entraide-gauthiere", telephone="04 65 71 00 99")
    report = import_inventory(guide, folder)
    assert report.organisations == Counts(created=0, updated=1, unchanged=3, rejected=0)
    assert "99" in organisation(guide, "entraide-gauthiere").telephone


def test_local_fields_unknown_to_data_inclusion_are_kept(guide: Session) -> None:
    import_inventory(guide, JSON_SAMPLE)
    f = fiche(guide, "gauthiere-francais")
    data = fiches.content_of(f.current_version)
    data["fermetures"] = [{"debut": "2026-07-14", "fin": "2026-08-31", "message": "Vacances d'été"}]
    data["age_min"] = 16
    fiches.save(guide, f, data, None, base_number=1, can_publish=False)
    report = import_inventory(guide, JSON_SAMPLE)
    assert report.fiches.unchanged == 7
    assert f.current_version.age_min == 16


def test_archived_fiche_is_not_updated(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    import_inventory(guide, folder)
    f = fiche(guide, "gauthiere-francais")
    fiches.transition(guide, f, "archive", None)
    edit_json(folder / "services.json", "gauthiere-francais", nom="Cours de français du soir")
    report = import_inventory(guide, folder)
    reasons = {r.id: r.reason for r in report.rejected}
    assert "archivée" in reasons["gauthiere-francais"]
    assert f.state == State.ARCHIVED and len(f.versions) == 1


def test_a_failing_row_leaves_nothing_behind(guide: Session, db: Session) -> None:
    # Another fiche already holds the uid the aide alimentaire would get: its row fails after its own
    # lieu was written, and that lieu must go with it.
    other = Organisation(nom="Autre", slug="autre")
    db.add(other)
    db.flush()
    fiches.create_fiche(db, other, {"nom": "Homonyme"}, None, uid="dora--ccas-aide-alimentaire")
    report = import_inventory(guide, JSON_SAMPLE)
    reasons = {r.id: r.reason for r in report.rejected}
    assert "déjà celui d'une autre fiche" in reasons["ccas-aide-alimentaire"]
    assert report.fiches.created == 6
    assert db.scalar(select(Lieu).where(Lieu.source_id == "service:ccas-aide-alimentaire")) is None
    assert db.scalar(select(Fiche).where(Fiche.source_id == "ccas-aide-alimentaire")) is None


# --- formats -----------------------------------------------------------------------------------------


def _snapshot(db: Session) -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    for f in db.scalars(select(Fiche).order_by(Fiche.uid)):
        data = fiches.content_of(f.current_version)
        data["lieux"] = [lieu.source_id for lieu in f.current_version.lieux]
        snapshot[f.uid] = (f.organisation.source_id, f.state, data)
    for org in db.scalars(select(Organisation)):
        snapshot[org.source_id] = (
            org.nom,
            org.description,
            org.siret,
            org.telephone,
            org.courriel,
            org.site_web,
            org.reseau_porteur,
            sorted((lieu.source_id, lieu.adresse, lieu.latitude, lieu.quartier_id) for lieu in org.lieux),
        )
    return snapshot


def test_csv_variant_gives_the_same_result(guide: Session) -> None:
    savepoint = guide.begin_nested()
    json_report = import_inventory(guide, JSON_SAMPLE)
    json_snapshot = _snapshot(guide)
    savepoint.rollback()
    assert count(guide, Fiche) == 0

    csv_report = import_inventory(guide, CSV_SAMPLE)
    assert csv_report.summary() == json_report.summary() == SAMPLE_SUMMARY
    assert [(r.id, r.reason) for r in csv_report.rejected] == [(r.id, r.reason) for r in json_report.rejected]
    assert {r.file for r in csv_report.rejected} == {"services.csv"}
    assert [w.split(" : ", 1)[1] for w in csv_report.warnings] == [
        w.split(" : ", 1)[1] for w in json_report.warnings
    ]
    assert _snapshot(guide) == json_snapshot
    # The JSON export of the same data then changes nothing.
    again = import_inventory(guide, JSON_SAMPLE)
    assert (again.organisations.unchanged, again.fiches.unchanged) == (4, 7)


def test_csv_rows_are_reported_by_line(guide: Session) -> None:
    report = import_inventory(guide, CSV_SAMPLE)
    warning = next(w for w in report.warnings if w.id == "epicerie-solidaire-saint-jacques")
    assert str(warning).startswith("structures.csv, ligne 5 (id epicerie-solidaire-saint-jacques)")


def test_path_to_a_structures_file(guide: Session) -> None:
    report = import_inventory(guide, JSON_SAMPLE / "structures.json")
    assert report.summary() == SAMPLE_SUMMARY


def test_malformed_json_aborts_and_creates_nothing(guide: Session, tmp_path: Path) -> None:
    folder = copy_sample(tmp_path)
    text = (folder / "services.json").read_text(encoding="utf-8")
    (folder / "services.json").write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_inventory(guide, folder)
    assert failure.value.message.startswith("services.json : JSON invalide (ligne ")
    assert count(guide, Organisation) == 0
    assert count(guide, Fiche) == 0
    assert count(guide, Lieu) == 0


def test_missing_files_abort(guide: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="n'existe pas"):
        import_inventory(guide, tmp_path / "nowhere")
    (tmp_path / "structures.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"ni services\.json ni services\.csv"):
        import_inventory(guide, tmp_path)
    (tmp_path / "services.json").write_text('{"not": "a list"}', encoding="utf-8")
    with pytest.raises(ImportFailed, match="une liste"):
        import_inventory(guide, tmp_path)


def test_resume_is_cut_cleanly() -> None:
    assert resume_of("Court.") == "Court."
    long_sentence = "Une très longue phrase " + "sans point " * 40
    resume = resume_of(long_sentence)
    assert len(resume) <= 280 and resume.endswith("…") and not resume.endswith(" …")
    two = "Première phrase. " + "Deuxième phrase bien plus longue " * 10 + "."
    assert resume_of(two) == "Première phrase."


# --- the console script ------------------------------------------------------------------------------


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    url = migrated(f"sqlite:///{tmp_path / 'x.sqlite'}")  # a copy of the run's migrated template
    engine = make_engine(url)
    with make_session_factory(engine)() as db, db.begin():
        db.execute(delete(Thematique))  # the taxonomy the migrations install: replaced by seed()'s
        seed(db)
    engine.dispose()
    path = tmp_path / "test.ini"
    path.write_text(
        f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n"
    )
    return path


def test_cli_end_to_end(ini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert importer_script.main([str(ini), str(JSON_SAMPLE)]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[-1] == SAMPLE_SUMMARY
    assert lines[0] == "Lignes rejetées (1) :"
    assert "Avertissements (" in out
    assert "  - structures.json, n° 4 (id epicerie-solidaire-saint-jacques) : SIRET" in out
    assert "Lundi au vendredi 9h-12h" in out  # the warning about the opening hours

    # Committed: a second run finds everything again.
    assert importer_script.main([str(ini), str(JSON_SAMPLE), "--publish"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == (
        "Structures : 0 créées, 0 mises à jour, 4 inchangées, 0 rejetées. "
        "Fiches : 0 créées, 7 mises à jour, 0 inchangées, 1 rejetée."
    )


def test_cli_failure_and_usage(ini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "structures.json").write_text("[{", encoding="utf-8")
    (broken / "services.json").write_text("[]", encoding="utf-8")
    assert importer_script.main([str(ini), str(broken)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Import impossible : structures.json : JSON invalide")
    assert captured.out == ""
    assert importer_script.main([str(ini)]) == 2
    assert importer_script.main([str(tmp_path / "absent.ini"), str(JSON_SAMPLE)]) == 2


def test_services_of_a_structure_imported_earlier(guide: Session, tmp_path: Path) -> None:
    import_inventory(guide, JSON_SAMPLE)
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "structures.json").write_text("[]", encoding="utf-8")
    services = json.loads((JSON_SAMPLE / "services.json").read_text(encoding="utf-8"))
    kept = [s for s in services if s["id"] == "gauthiere-francais"]
    kept[0]["nom"] = "Cours de français pour adultes (niveau A1)"
    (partial / "services.json").write_text(json.dumps(kept), encoding="utf-8")
    report = import_inventory(guide, partial)
    assert report.fiches == Counts(created=0, updated=1, unchanged=0, rejected=0)
    f = fiche(guide, "gauthiere-francais")
    assert [lieu.source_id for lieu in f.current_version.lieux] == ["entraide-gauthiere"]
