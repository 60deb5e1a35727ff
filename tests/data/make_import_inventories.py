"""Writes the realistic inventories of tests/functional/test_import_inventories.py (run once; the JSON files
are committed): ``import-fresh`` — 24 structures and 46 services of Clermont-Ferrand in data·inclusion v1 with
the ``quartier`` extension spelt as partners write it; ``import-dora`` — DORA-like rows (Markdown and HTML in
descriptions, empty publics, "." descriptions, dates of 1970, placeholder SIRETs, a place outside the
territory, CRLF line endings, unknown codes).

    python tests/data/make_import_inventories.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (quartier label as written by the source, a point inside the demo's schematic quartier)
QUARTIERS = [
    ("Croix de Neyrat", 45.809, 3.085),
    ("CROIX-DE-NEYRAT", 45.810, 3.086),
    ("la croix de neyrat", 45.811, 3.087),
    ("Fontaine du Bac", 45.762, 3.070),
    ("La Fontaine-du-Bac", 45.763, 3.071),
    ("Gauthiere", 45.793, 3.100),
    ("Quartier de la Gauthière", 45.794, 3.101),
    ("Les Vergnes", 45.809, 3.115),
    ("vergnes", 45.808, 3.116),
    ("St-Jacques", 45.760, 3.100),
    ("Saint Jacques", 45.761, 3.101),
    ("Champratel", 45.792, 3.080),
    ("champratel", 45.793, 3.081),
    ("Centre-ville Jaude", 45.777, 3.085),
    ("Jaude", 45.778, 3.086),  # an alias: no tolerance makes it « Centre-ville - Jaude »
    ("Montferrand", 45.793, 3.120),
    ("Salins", 45.760, 3.085),  # an alias of « Les Salins - La Glacière »
    ("Fontgiève", 45.778, 3.068),
    ("Estaing - République", 45.778, 3.100),
    ("Quartier Nord", 45.805, 3.090),  # no quartier of that name: from the coordinates
    ("Les Salins - La Glacière", 45.762, 3.087),
    ("LA GAUTHIERE", 45.795, 3.102),
    ("Croix-de-Neyrat", 45.812, 3.088),
    ("Saint-Jacques", 45.762, 3.102),
]
KINDS = [
    ("Centre social", "centre-social", ["remobilisation--lien-social"], ["familles", "tous-publics"]),
    (
        "Association d'entraide",
        "association",
        ["equipement-et-alimentation--alimentation"],
        ["personnes-en-situation-durgence"],
    ),
    (
        "Point d'accès numérique",
        "numerique",
        ["numerique--acceder-a-des-services-en-ligne"],
        ["tous-publics"],
    ),
    (
        "Permanence juridique",
        "juridique",
        ["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"],
        ["tous-publics"],
    ),
]
SERVICES = [
    (
        "Accueil et orientation",
        "accueil",
        ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"],
        ["tous-publics"],
        "accompagnement",
    ),
    (
        "Atelier numérique",
        "atelier-numerique",
        ["numerique--maitriser-les-fondamentaux-du-numerique", "mobilite--preparer-un-permis"],
        ["seniors"],
        "atelier",
    ),
]


def fresh() -> tuple[list[dict], list[dict]]:
    structures, services = [], []
    for number, (label, lat, lon) in enumerate(QUARTIERS, start=1):
        kind, slug, thematiques, publics = KINDS[number % len(KINDS)]
        sid = f"{slug}-{number:02d}"
        structures.append(
            {
                "source": "ville-clermont",
                "id": sid,
                "nom": f"{kind} {label.title()} n° {number}",
                "date_maj": f"2025-0{1 + number % 9}-1{number % 10}",
                "description": f"{kind} du quartier {label} : accueil, écoute et orientation des habitants.",
                "adresse": f"{number} rue des Tests",
                "code_postal": "63100",
                "commune": "Clermont-Ferrand",
                "code_insee": "63113",
                "latitude": lat,
                "longitude": lon,
                "telephone": f"04 73 {number:02d} 10 20",
                "courriel": f"contact@{sid}.example",
                "lien_source": f"https://ville.example/structures/{sid}",
                "accessibilite_lieu": f"https://acceslibre.beta.gouv.fr/app/63-clermont-ferrand/a/lieu/erp/{sid}/",
                "horaires_accueil": "Mo-Fr 09:00-12:00,14:00-17:00",
                "reseaux_porteurs": ["ccas-cias"] if slug == "centre-social" else None,
                "quartier": label,
            }
        )
        count = 2 if number <= 22 else 1
        for index in range(count):
            nom, sslug, sthem, spublics, stype = SERVICES[index]
            services.append(
                {
                    "source": "ville-clermont",
                    "id": f"{sid}--{sslug}",
                    "structure_id": sid,
                    "nom": nom,
                    "description": f"{nom} proposé par la structure n° {number}, sans rendez-vous le matin.",
                    "date_maj": "2025-03-01",
                    "type": stype,
                    "thematiques": sthem + thematiques[:1],
                    "publics": spublics if index == 0 else publics,
                    "frais": "gratuit",
                    "modes_accueil": ["en-presentiel"],
                    "zone_eligibilite": ["63113"],
                    "mobilisable_par": ["usagers", "professionnels"],
                    "lien_source": f"https://ville.example/services/{sid}--{sslug}",
                    "quartier": label,
                }
            )
    return structures, services


def dora() -> tuple[list[dict], list[dict]]:
    structures = [
        {
            "source": "dora",
            "id": "ei-clermont",
            "nom": "EI",
            "siret": "00000000000000",
            "date_maj": "1970-01-01",
            "description": ".",
            "adresse": "3 rue du Port",
            "code_postal": "63000",
            "commune": "Clermont-Ferrand",
            "code_insee": "63113",
            "lien_source": "https://dora.inclusion.beta.gouv.fr/structures/ei-clermont",
        },
        {
            "source": "dora",
            "id": "asso-markdown",
            "nom": "Association Solidarité Auvergne",
            "siret": "11111111111111",
            "date_maj": "2020-02-01",
            "description": "**Accueil de jour** pour les personnes sans domicile.<br>Douches, laverie."
            "\r\n\r\n"
            "<!-- note interne -->Voir [notre site](https://solidarite.example).",
            "adresse": "12 avenue de la République",
            "code_postal": "63100",
            "commune": "Clermont-Ferrand",
            "code_insee": "63113",
            "accessibilite_lieu": "https://acceslibre.beta.gouv.fr/app/63-clermont-ferrand/a/lieu/erp/asso/",
        },
        {
            "source": "dora",
            "id": "mission-locale-riom",
            "nom": "Mission locale de Riom",
            "date_maj": "2031-05-01",
            "adresse": "5 rue de l'Hôtel de Ville",
            "code_postal": "63200",
            "commune": "Riom",
            "code_insee": "63300",
        },
        {"source": "dora", "nom": "", "date_maj": "2024-01-01"},  # nothing usable: no name, no id
    ]
    services = [
        {
            "source": "dora",
            "id": "ei-chantier",
            "structure_id": "ei-clermont",
            "nom": "Chantier d'insertion",
            "description": ".",
            "date_maj": "1970-01-01",
            "publics": [],
            "thematiques": ["trouver-un-emploi--repondre-a-des-offres-demploi", "thematique-inventee"],
        },
        {
            "source": "dora",
            "id": "accueil-de-jour",
            "structure_id": "asso-markdown",
            "nom": "Accueil de jour",
            "description": "Un **accueil** inconditionnel :\r\n- douches\r\n- petit-déjeuner\r\n"
            "- domiciliation",
            "date_maj": "2020-02-01",
            "publics": [],
            "thematiques": [
                "equipement-et-alimentation--alimentation",
                "sante--acces-aux-soins",
                "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
                "numerique--acceder-a-une-connexion-internet",
            ],
            "modes_accueil": ["en-presentiel"],
            "mobilisable_par": ["travailleurs-sociaux"],
            "zone_eligibilite": ["63"],
        },
        {
            "source": "dora",
            "id": "garantie-jeunes",
            "structure_id": "mission-locale-riom",
            "nom": "Contrat d'engagement jeune",
            "description": "Accompagnement intensif des 16-25 ans vers l'emploi.",
            "date_maj": "2024-06-30",
            "publics": ["jeunes", "public-inconnu"],
        },
        {
            "source": "dora",
            "id": "orphelin",
            "structure_id": "structure-absente",
            "nom": "Service orphelin",
            "description": "Un service dont la structure n'est pas dans l'export.",
            "date_maj": "2024-01-01",
        },
        {
            "source": "dora",
            "id": "sans-structure",
            "nom": "Sans structure",
            "description": "Aucune structure.",
            "date_maj": "2024-01-01",
        },
    ]
    return structures, services


def write(folder: str, rows: tuple[list[dict], list[dict]]) -> None:
    for name, items in zip(("structures", "services"), rows, strict=True):
        items = [{k: v for k, v in item.items() if v is not None} for item in items]
        text = json.dumps(items, ensure_ascii=False, indent=1) + "\n"
        (HERE / folder / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write("import-fresh", fresh())
    write("import-dora", dora())
