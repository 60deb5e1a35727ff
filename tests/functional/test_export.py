"""Open data out: data·inclusion v1, HSDS 3.0 and CSV exports of the public guide, and `guide-export`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from data_inclusion.schema.v1 import Service, Structure
from sqlalchemy import select
from sqlalchemy.orm import Session

from guide.db import make_engine, make_session_factory
from guide.models import Fiche, Lieu, Quartier, Thematique
from guide.scripts import export as export_script
from guide.scripts import importer as importer_script
from guide.scripts.migrate import upgrade
from guide.services import export, fiches
from guide.services.export import flat, hsds

SITE = {"site_name": "Guide de test", "site_url": "https://guide.example.fr"}


def _json(files: dict[str, bytes], name: str):
    return json.loads(files[name].decode("utf-8"))


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_data_inclusion_export_validates_with_the_schema_package(db, demo_guide):
    files = export.build(db, "data-inclusion", **SITE)
    structures, services = _json(files, "structures.json"), _json(files, "services.json")
    public = db.scalars(select(Fiche).where(Fiche.is_public)).all()
    assert len(services) == len(public) > 20
    for row in structures:
        Structure.model_validate(row)
    for row in services:
        Service.model_validate(row)
    ids = {(s["source"], s["id"]) for s in structures}
    assert all((s["source"], s["structure_id"]) in ids for s in services)
    accueil = next(s for s in services if s["id"] == "25gh-accueil")
    assert accueil["horaires_accueil"] == "Mo-Fr 09:00-12:30,13:30-17:00; PH off"
    assert accueil["guide"]["fermetures"][0]["debut"] == "2026-12-24"
    assert accueil["guide"]["lieux"] == ["25gh"]


def test_only_published_content_is_exported(db, world):
    fiche = world.fiches["published_a"]
    data = fiches.content_of(fiche.current_version)
    data["nom"] = "Brouillon secret"
    fiches.save(db, fiche, data, world.users["editor_a"], base_number=1, can_publish=False)
    db.flush()
    for fmt in export.FORMATS:
        blob = b"".join(export.build(db, fmt, **SITE).values()).decode("utf-8")
        assert "Fiche published a" in blob
        assert "Brouillon secret" not in blob
        for state in ("draft", "pending", "archived"):
            assert f"Fiche {state} a" not in blob, (fmt, state)


def test_licence_and_date_in_the_metadata(db, world):
    files = export.build(db, "data-inclusion", **SITE)
    meta = _json(files, "metadata.json")
    assert meta["licence"]["id"] == "etalab-2.0"
    assert meta["licence"]["url"].startswith("https://www.etalab.gouv.fr/")
    assert meta["date"].endswith("Z") and meta["url"] == "https://guide.example.fr"
    other = export.build(db, "hsds", licence_setting="ODbL-1.0", **SITE)
    package = _json(other, "datapackage.json")
    assert package["licenses"][0]["title"] == "Open Database License (ODbL) 1.0"
    assert package["created"] == _json(other, "datapackage.json")["created"]
    assert (
        export.build(db, "csv", licence_setting="Licence de la Ville", **SITE)["metadata.json"]
        .decode("utf-8")
        .count("Licence de la Ville")
    )


def test_hsds_package_is_consistent(db, demo_guide):
    files = export.build(db, "hsds", **SITE)
    package = _json(files, "datapackage.json")
    assert package["profile"] == "tabular-data-package"
    tables = {}
    for resource in package["resources"]:
        rows = list(csv.reader(io.StringIO(files[resource["path"]].decode("utf-8"))))
        assert rows[0] == [f["name"] for f in resource["schema"]["fields"]], resource["name"]
        tables[resource["name"]] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for resource in package["resources"]:
        ids = [row["id"] for row in tables[resource["name"]]]
        assert len(ids) == len(set(ids)), resource["name"]
        for key in resource["schema"]["foreignKeys"]:
            targets = {row["id"] for row in tables[key["reference"]["resource"]]}
            column = key["fields"][0]
            assert {row[column] for row in tables[resource["name"]] if row[column]} <= targets
    services = {row["name"]: row for row in tables["service"]}
    accueil = services["Accueil, écoute et orientation des femmes"]
    monday = [s for s in tables["schedule"] if s["service_id"] == accueil["id"] and s["byday"] == "MO"]
    assert sorted((s["opens_at"], s["closes_at"]) for s in monday) == [("09:00", "12:30"), ("13:30", "17:00")]
    assert all(s["freq"] == "WEEKLY" and s["timezone"] == "Europe/Paris" for s in monday)
    # the same ids from one export to the next
    assert _json(export.build(db, "hsds", **SITE), "datapackage.json")["resources"] == package["resources"]
    assert export.build(db, "hsds", **SITE)["service.csv"] == files["service.csv"]


def test_csv_columns_are_the_documented_ones(db, demo_guide):
    files = export.build(db, "csv", **SITE)
    assert files["fiches.csv"].startswith("\ufeff".encode())
    rows = _csv(files["fiches.csv"])
    assert list(rows[0]) == list(flat.COLUMNS)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert flat.columns_doc() in readme
    accueil = next(r for r in rows if r["nom"] == "Accueil, écoute et orientation des femmes")
    assert accueil["id"] == "demo--25gh-accueil"
    assert accueil["langues"] == "fr|en|ar"
    assert accueil["horaires_texte"].startswith("du lundi au vendredi")
    assert accueil["url"].startswith("https://guide.example.fr/fiche/")


def _public_guide(db: Session) -> dict[str, dict]:
    """What residents see, keyed by the fiche's stable id (nothing of the database's own ids)."""
    result = {}
    for fiche in db.scalars(select(Fiche).where(Fiche.is_public)):
        version = fiche.published_version
        content = fiches.content_of(version)
        content.pop("lieux")
        organisation = fiche.organisation
        content["organisation"] = {
            name: getattr(organisation, name)
            for name in ("nom", "sigle", "description", "siret", "reseau_porteur", "telephone", "courriel")
        }
        # sorted: version_lieu.position is never written (always 0), so the database gives any order
        content["lieux"] = sorted(
            [
                {
                    name: getattr(lieu, name)
                    for name in ("nom", "adresse", "complement_adresse", "code_postal", "commune", "latitude")
                }
                | {"quartier": lieu.quartier.nom if lieu.quartier else None, "acces": lieu.acces_plain_pied}
                for lieu in version.lieux
            ],
            key=lambda lieu: lieu["nom"],
        )
        result[fiche.uid] = content
    return result


def test_round_trip_export_then_import_into_a_fresh_guide(db, demo_guide, tmp_path, capsys):
    """export → guide-import --publish into a fresh guide → the same public guide (rows from a source)."""
    assert any(len(lieu.organisations) > 1 for lieu in db.scalars(select(Lieu)))
    _round_trip(db, tmp_path, capsys)


def test_round_trip_of_what_partners_wrote_in_the_guide(db, world, tmp_path, capsys):
    """The same for organisations and fiches created in the guide (source « guide », ids kept)."""
    assert all(f.source is None for f in world.fiches.values())
    _round_trip(db, tmp_path, capsys)


def _round_trip(db, tmp_path, capsys):
    export.write(export.build(db, "data-inclusion", **SITE), tmp_path / "export")
    before = _public_guide(db)
    assert before
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    upgrade(url)
    ini = tmp_path / "fresh.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as fresh:
            # what a coordinator sets up first: the taxonomy (when the migrations did not) and the quartiers
            known = set(fresh.scalars(select(Thematique.slug)))
            for t in db.scalars(select(Thematique)):
                if t.slug not in known:
                    fresh.add(Thematique(slug=t.slug, label=t.label, icon=t.icon, position=t.position,
                                         di_codes=t.di_codes))  # fmt: skip
            for q in db.scalars(select(Quartier)):
                fresh.add(Quartier(code=q.code, nom=q.nom, slug=q.slug, geometry=q.geometry))
            fresh.commit()
        assert importer_script.main([str(ini), str(tmp_path / "export"), "--publish"]) == 0
        out = capsys.readouterr().out
        assert "Lignes rejetées" not in out and "0 rejetée" in out
        with make_session_factory(engine)() as fresh:
            after = _public_guide(fresh)
            assert after.keys() == before.keys()
            for uid, content in before.items():
                assert after[uid] == content, uid
            # a lieu shared by several organisations stays one lieu
            shared = [lieu.nom for lieu in db.scalars(select(Lieu)) if len(lieu.organisations) > 1]
            assert sorted(shared) == sorted(
                lieu.nom for lieu in fresh.scalars(select(Lieu)) if len(lieu.organisations) > 1
            )
    finally:
        engine.dispose()


def test_guide_export_command_writes_each_format(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    upgrade(url)
    ini = tmp_path / "test.ini"
    ini.write_text(
        f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n"
        "opendata.licence = cc-by-4.0\n"
    )
    for fmt, expected in (
        ("data-inclusion", {"structures.json", "services.json", "metadata.json"}),
        ("hsds", {"datapackage.json", "service.csv", "schedule.csv"}),
        ("csv", {"fiches.csv", "metadata.json"}),
    ):
        out = tmp_path / fmt
        assert export_script.main([str(ini), "--format", fmt, "-o", str(out)]) == 0
        assert expected <= {p.name for p in out.iterdir()}
    assert json.loads((tmp_path / "csv" / "metadata.json").read_text())["licence"]["id"] == "cc-by-4.0"
    assert json.loads((tmp_path / "data-inclusion" / "services.json").read_text()) == []
    assert "fichier(s) écrit(s)" in capsys.readouterr().out
    assert export_script.main([str(ini), "--format", "xml", "-o", str(tmp_path)]) == 2
    assert export_script.main([str(tmp_path / "absent.ini"), "--format", "csv", "-o", str(tmp_path)]) == 2


@pytest.mark.parametrize("value", ["", "etalab-2.0", "Etalab-2.0"])
def test_default_licence_is_licence_ouverte(value):
    assert export.licence(value)["titre"] == "Licence Ouverte / Open Licence version 2.0"


def test_hsds_ids_are_uuids():
    import uuid

    assert uuid.UUID(hsds.uid("fiche", "demo", "x")).version == 5
