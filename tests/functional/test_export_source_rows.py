"""An imported row comes back out as its source wrote it: import → export gives the same rows for what
nobody edited, the guide's value for what a partner edited."""

from __future__ import annotations

import json

from data_inclusion.schema.v1 import Service, Structure
from sqlalchemy import select

from guide.models import Fiche, Thematique
from guide.services import export, fiches
from guide.services.importer import import_inventory

STRUCTURE = {
    "source": "dora",
    "id": "dora--s1",
    "nom": "Association Solidarité Nord",
    "date_maj": "2020-02-01",
    "description": "Aide alimentaire et accompagnement social.",
    "lien_source": "https://dora.inclusion.beta.gouv.fr/structures/s1",
    "siret": None,
    "adresse": "12 rue du Nord",
    "code_postal": "63100",
    "commune": "Clermont-Ferrand",
    "code_insee": "63113",
    "latitude": 45.79,
    "longitude": 3.09,
    "telephone": "0473000000",
    "courriel": "contact@solidarite-nord.example",
    "site_web": "https://solidarite-nord.example",
    "horaires_accueil": "Mo-Fr 09:00-12:00",
    "accessibilite_lieu": "https://acceslibre.beta.gouv.fr/app/63-clermont-ferrand/a/association/erp/s1/",
    "reseaux_porteurs": None,
}
SERVICE = {
    "source": "dora",
    "structure_id": "dora--s1",
    "id": "dora--svc1",
    "nom": "Épicerie solidaire",
    "description": "Produits à petit prix pour les personnes orientées par un travailleur social.",
    "lien_source": "https://dora.inclusion.beta.gouv.fr/services/svc1",
    "date_maj": "2020-02-01",
    "type": "aide-materielle",
    "thematiques": [
        "equipement-et-alimentation--alimentation",
        "equipement-et-alimentation--habillement",
        "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    ],
    "frais": "payant",
    "frais_precisions": "10 % du prix",
    "publics": ["familles", "beneficiaires-des-minimas-sociaux"],
    "publics_precisions": None,
    "conditions_acces": "Sur orientation",
    "adresse": "12 rue du Nord",
    "code_postal": "63100",
    "commune": "Clermont-Ferrand",
    "code_insee": "63113",
    "latitude": 45.79,
    "longitude": 3.09,
    "telephone": "0473000000",
    "courriel": None,
    "modes_accueil": ["en-presentiel"],
    "zone_eligibilite": ["63113"],
    "contact_nom_prenom": None,
    "lien_mobilisation": None,
    "modes_mobilisation": ["telephoner"],
    "mobilisable_par": ["professionnels"],
    "mobilisation_precisions": None,
    "volume_horaire_hebdomadaire": None,
    "nombre_semaines": None,
    "horaires_accueil": "Mo-Fr 09:00-12:00",
}
SITE = {"site_name": "Guide", "site_url": "https://guide.example.fr"}


def _import(db, tmp_path):
    if not db.scalar(select(Thematique.id).limit(1)):
        db.add(Thematique(slug="alimentation", label="Alimentation", di_codes=["equipement-et-alimentation"]))
        db.flush()
    (tmp_path / "structures.json").write_text(json.dumps([STRUCTURE]), encoding="utf-8")
    (tmp_path / "services.json").write_text(json.dumps([SERVICE]), encoding="utf-8")
    report = import_inventory(db, tmp_path, publish=True)
    assert report.rejected == []


def _rows(db):
    files = export.build(db, "data-inclusion", **SITE)
    structures = json.loads(files["structures.json"])
    services = json.loads(files["services.json"])
    return (
        next(r for r in structures if r["id"] == "dora--s1"),
        next(r for r in services if r["id"] == "dora--svc1"),
    )


def test_what_nobody_edited_comes_back_unchanged(db, tmp_path):
    _import(db, tmp_path)
    structure, service = _rows(db)
    Structure.model_validate(structure)
    Service.model_validate(service)
    for key, value in SERVICE.items():
        assert service[key] == value, key
    for key in ("lien_source", "accessibilite_lieu", "date_maj", "nom", "telephone", "description"):
        assert structure[key] == STRUCTURE[key], key


def test_a_partners_edit_wins_and_the_date_moves(db, tmp_path):
    _import(db, tmp_path)
    fiche = db.scalar(select(Fiche).where(Fiche.uid == "dora--svc1"))
    data = fiches.content_of(fiche.current_version)
    data["nom"] = "Épicerie solidaire du Nord"
    fiches.save(db, fiche, data, None, base_number=fiche.current_version.number, can_publish=True)
    db.flush()
    _structure, service = _rows(db)
    assert service["nom"] == "Épicerie solidaire du Nord"
    assert service["modes_accueil"] == ["en-presentiel"]  # what the guide does not keep is still given back
    assert service["thematiques"] == SERVICE["thematiques"]  # not edited: the source's own codes
    assert service["date_maj"] != "2020-02-01"


def test_the_api_lists_the_codes_the_source_gave(db, tmp_path, testapp):
    _import(db, tmp_path)
    data = testapp.get("/api/v1/fiches/dora--svc1").json
    assert data["thematiques_data_inclusion"] == sorted(SERVICE["thematiques"])
    assert data["structure"]["id"] == "dora--s1"
