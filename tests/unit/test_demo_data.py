"""The demo guide as shipped in guide/demo/: a valid data·inclusion export plus its accounts and states file.

These tests read the files alone (no database); loading them is tested in
tests/functional/test_demo_load.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from typing import Any

import opening_hours
import pytest
from data_inclusion.schema.v1 import Service, Structure
from data_inclusion.schema.v1 import Thematique as DiThematique
from shapely.geometry import Point, shape

from guide.models import MemberRole, SiteRole, State
from guide.services.accounts import MIN_PASSWORD_LENGTH
from guide.services.demo import (
    DEMO_ACCOUNTS_TEXT,
    DEMO_DIR,
    DEMO_PASSWORD,
    DEMO_QUARTIERS,
    DEMO_SOURCE,
    DEMO_SYNONYMS,
    DEMO_THEMATIQUES,
    DEMO_USERS,
    demo_accounts_lines,
    demo_export,
    demo_lieux,
    demo_settings,
    demo_state,
)
from guide.services.importer import GuideService, GuideStructure, quartier_key
from guide.text import slugify
from guide.vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, TYPES_SERVICE

STRUCTURES, SERVICES = demo_export()
BY_ID = {row["id"]: row for row in STRUCTURES}
LIEUX = {lieu["key"]: lieu for lieu in demo_lieux()}
QUARTIERS = {q["code"]: q for q in DEMO_QUARTIERS}
THEMATIQUE_SLUGS = {t["slug"] for t in DEMO_THEMATIQUES}
ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")
PHONE = re.compile(r"^0\d( \d\d){4}$")


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _guide(row: dict[str, Any]) -> dict[str, Any]:
    return row.get("guide") or {}


def _lieux_of(structure_id: str) -> list[str]:
    return [lieu["id"] for lieu in BY_ID[structure_id]["guide"]["lieux"]]


# --- the export -------------------------------------------------------------------------------------


def test_the_files_are_in_the_package() -> None:
    assert {p.name for p in DEMO_DIR.iterdir()} >= {"structures.json", "services.json", "demo.json"}


@pytest.mark.parametrize("row", STRUCTURES, ids=lambda row: row["id"])
def test_structures_are_valid_data_inclusion(row: dict[str, Any]) -> None:
    parsed = Structure.model_validate(row)
    assert parsed.source == DEMO_SOURCE
    GuideStructure.model_validate(row["guide"])


@pytest.mark.parametrize("row", SERVICES, ids=lambda row: row["id"])
def test_services_are_valid_data_inclusion(row: dict[str, Any]) -> None:
    parsed = Service.model_validate(row)
    assert parsed.source == DEMO_SOURCE
    GuideService.model_validate(row["guide"])


def test_sizes_are_those_of_the_demo() -> None:
    # The figures of the demo written as Python before it became an export (guide/demo_data.py).
    assert len(STRUCTURES) == 26
    assert len(SERVICES) == 73
    assert len(LIEUX) == 16
    assert len(DEMO_QUARTIERS) == 11
    assert len(DEMO_THEMATIQUES) == 16
    assert len(DEMO_USERS) == 7
    assert len(DEMO_SYNONYMS) == 14
    assert sum(len(_guide(s)["lieux"]) for s in SERVICES) == 83
    assert sum(len(_guide(s)["thematiques"]) for s in SERVICES) == 131
    assert sum(len(u["memberships"]) for u in DEMO_USERS) == 13


def test_every_demo_fiche_keeps_its_hours_and_contacts() -> None:
    def count(predicate: Any) -> int:
        return sum(1 for row in SERVICES if predicate(row))

    assert count(lambda r: r.get("horaires_accueil")) == 68
    assert count(lambda r: _guide(r).get("horaires_precisions")) == 23
    assert count(lambda r: _guide(r).get("fermetures")) == 20
    assert count(lambda r: _guide(r).get("age_min") is not None) == 20
    assert count(lambda r: _guide(r).get("age_max") is not None) == 13
    assert count(lambda r: r.get("telephone")) == 17
    assert count(lambda r: r.get("courriel")) == 4
    assert count(lambda r: r.get("lien_source")) == 9
    assert count(lambda r: r.get("contact_nom_prenom")) == 4
    assert all(_guide(r).get("resume") for r in SERVICES)


def test_ids_are_unique() -> None:
    for values in (
        [row["id"] for row in STRUCTURES],
        [row["id"] for row in SERVICES],
        [q["code"] for q in DEMO_QUARTIERS],
        [q["nom"] for q in DEMO_QUARTIERS],
        [quartier_key(q["nom"]) for q in DEMO_QUARTIERS],
        [slugify(q["nom"]) for q in DEMO_QUARTIERS],
        [t["slug"] for t in DEMO_THEMATIQUES],
        [t["position"] for t in DEMO_THEMATIQUES],
        [u["email"] for u in DEMO_USERS],
        [slugify(row["nom"]) for row in STRUCTURES],
        [(row["structure_id"], row["nom"]) for row in SERVICES],
    ):
        assert not [value for value, n in Counter(values).items() if n > 1]


def test_every_service_has_its_structure_and_its_lieux() -> None:
    for row in SERVICES:
        assert row["structure_id"] in BY_ID, row["id"]
        # The fiche form only offers the lieux of the fiche's organisation.
        assert set(_guide(row)["lieux"]) <= set(_lieux_of(row["structure_id"])), row["id"]
    assert {row["structure_id"] for row in SERVICES} == set(BY_ID), "every organisation has a fiche"


def test_a_lieu_is_described_alike_wherever_it_is_listed() -> None:
    for lieu_id, rows in itertools.groupby(
        sorted((lieu for s in STRUCTURES for lieu in s["guide"]["lieux"]), key=lambda lieu: lieu["id"]),
        key=lambda lieu: lieu["id"],
    ):
        descriptions = list(rows)
        assert all(d == descriptions[0] for d in descriptions), lieu_id


def test_the_data_inclusion_address_is_the_first_lieu() -> None:
    for row in [*STRUCTURES, *SERVICES]:
        ids = _guide(row)["lieux"]
        if not ids:
            assert "adresse" not in row, row["id"]
            continue
        first = LIEUX[ids[0]["id"] if isinstance(ids[0], dict) else ids[0]]
        assert (row["adresse"], row["latitude"], row["longitude"]) == (
            first["adresse"],
            first["latitude"],
            first["longitude"],
        )


def test_shared_lieu() -> None:
    sharing = {row["id"] for row in STRUCTURES if "25gh" in _lieux_of(row["id"])}
    assert {"25gh", "avec63", "planning63", "cidff63", "cdad63"} <= sharing


def test_states_are_varied_and_name_services() -> None:
    ids = {row["id"] for row in SERVICES}
    states = demo_settings()["states"]
    listed = [service_id for group in states.values() for service_id in group]
    assert set(listed) <= ids and len(listed) == len(set(listed))
    found = Counter(demo_state(row["id"]) for row in SERVICES)
    assert found == {State.PUBLISHED: 61, State.PENDING: 7, State.DRAFT: 4, State.ARCHIVED: 1}


def test_accounts_and_flags_name_structures() -> None:
    assert set(demo_settings()["direct_publication"]) == {"ccas", "cs-sud"}
    for user in DEMO_USERS:
        SiteRole(user["role"])
        for key, role in user["memberships"]:
            assert key in BY_ID
            MemberRole(role)


def test_every_thematique_is_used() -> None:
    assert {slug for row in SERVICES for slug in _guide(row)["thematiques"]} == THEMATIQUE_SLUGS


def test_data_inclusion_thematiques_match_the_guide_s() -> None:
    valid = {t.value for t in DiThematique}
    di_codes = {t["slug"]: set(t["di_codes"]) for t in DEMO_THEMATIQUES}
    for thematique in DEMO_THEMATIQUES:
        assert thematique["di_codes"] and set(thematique["di_codes"]) <= valid, thematique["slug"]
        assert thematique["icon"] and thematique["label"]
        assert thematique["slug"] == slugify(thematique["slug"])
    for row in SERVICES:
        expected = set().union(*(di_codes[slug] for slug in _guide(row)["thematiques"]))
        assert set(row["thematiques"]) == expected, row["id"]


@pytest.mark.parametrize("row", [r for r in SERVICES if r.get("horaires_accueil")], ids=lambda r: r["id"])
def test_opening_hours_are_valid(row: dict[str, Any]) -> None:
    assert opening_hours.validate(row["horaires_accueil"]), row["horaires_accueil"]


def test_opening_hours_are_varied() -> None:
    hours = {row["horaires_accueil"] for row in SERVICES if row.get("horaires_accueil")}
    assert len(hours) >= 30
    assert any("PH off" in h for h in hours)
    assert any("[" in h for h in hours), "some monthly rules (Th[2], We[1,3]…)"


def test_codes_are_in_the_vocabularies() -> None:
    for row in SERVICES:
        guide = _guide(row)
        assert guide["type_service"] in TYPES_SERVICE, row["id"]
        assert guide["publics"] and set(guide["publics"]) <= set(PUBLICS), row["id"]
        assert guide["conditions_acces"] and set(guide["conditions_acces"]) <= set(CONDITIONS_ACCES)
        assert row["frais"] in FRAIS, row["id"]
        assert row["langues"] and set(row["langues"]) <= set(LANGUES), row["id"]
    local = {"femmes-victimes-de-violences", "parents-isoles", "enfants", "personnes-sans-domicile"}
    assert local <= {p for row in SERVICES for p in _guide(row)["publics"]}
    for lieu in LIEUX.values():
        for name in ACCESS_FIELDS:
            assert lieu[name] in {"oui", "non", "inconnu"}


def test_text_lengths() -> None:
    for row in SERVICES:
        guide = _guide(row)
        assert 3 <= len(row["nom"]) <= 150, row["id"]
        assert 0 < len(guide["resume"]) <= 280, row["id"]
        assert len(row["description"]) > len(row["nom"]), row["id"]
        assert len(guide.get("horaires_precisions", "")) <= 500
        assert len(row.get("contact_nom_prenom", "")) <= 120
    for row in STRUCTURES:
        assert len(row["nom"]) <= 200
        assert len(row["guide"].get("sigle", "")) <= 40
        assert len(row["guide"].get("reseau_porteur", "")) <= 200


def test_sigles_and_networks_are_kept() -> None:
    assert sum(1 for row in STRUCTURES if row["guide"].get("sigle")) >= 15
    assert sum(1 for row in STRUCTURES if row["guide"].get("reseau_porteur")) >= 15


def test_ages_and_closures() -> None:
    for row in SERVICES:
        low, high = _guide(row).get("age_min"), _guide(row).get("age_max")
        if low is not None and high is not None:
            assert low <= high, row["id"]
    closures = [c for row in SERVICES for c in _guide(row).get("fermetures", [])]
    assert closures
    for closure in closures:
        assert dt.date.fromisoformat(closure["debut"]) <= dt.date.fromisoformat(closure["fin"])
        assert 0 < len(closure["message"]) <= 200


def test_contacts_are_fictional_or_public() -> None:
    phones = [row["telephone"] for row in [*STRUCTURES, *SERVICES] if row.get("telephone")]
    assert len(phones) == 26 + 17
    for phone in phones:
        assert PHONE.match(phone), phone
    for row in [*STRUCTURES, *SERVICES]:
        if row.get("courriel"):
            assert row["courriel"].endswith(".example"), row["courriel"]
        for name in ("site_web", "lien_source"):
            if row.get(name):
                assert row[name].startswith("https://"), row[name]


def test_sirets_are_valid() -> None:
    sirets = [row["siret"] for row in STRUCTURES if row.get("siret")]
    assert sirets
    for siret in sirets:
        assert re.fullmatch(r"\d{14}", siret) and _luhn(siret), siret
        assert _luhn(siret[:9]), "the SIREN is valid too"


def test_lieux() -> None:
    for lieu in LIEUX.values():
        assert lieu["code_insee"] == "63113"
        assert lieu["commune"] == "Clermont-Ferrand"
        assert re.fullmatch(r"63\d{3}", lieu["code_postal"])
        assert lieu["adresse"] and lieu["nom"]
    assert len({LIEUX[key]["quartier"] for row in SERVICES for key in _guide(row)["lieux"]}) >= 6


@pytest.mark.parametrize("lieu", demo_lieux(), ids=lambda lieu: lieu["key"])
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
    assert polygons["QU-CENTRE-JAUDE"].contains(Point(3.0819, 45.7772))  # Jaude is in the centre


def test_the_issue_examples_are_covered() -> None:
    published = [row for row in SERVICES if demo_state(row["id"]) == State.PUBLISHED]

    def text(row: dict) -> str:
        return f"{row['nom']} {_guide(row)['resume']} {row['description']}".lower()

    assert any("avocat" in text(r) and "gratuit" in text(r) for r in published)
    assert any("violences conjugales" in text(r) for r in published)
    assert any("devoirs" in text(r) and "espace-combaude" in _guide(r)["lieux"] for r in published)
    assert any(
        "français" in text(r) and "apprendre-le-francais" in _guide(r)["thematiques"] for r in published
    )
    assert any("ivg" in text(r) for r in published)
    assert any(r["structure_id"] == "pmi" for r in published)
    assert any(
        r["structure_id"] == "ccas" and _guide(r)["type_service"] == "aide-financiere" for r in published
    )


def test_demo_accounts() -> None:
    assert len(DEMO_PASSWORD) >= MIN_PASSWORD_LENGTH
    roles = Counter(user["role"] for user in DEMO_USERS)
    assert roles["admin"] == 1 and roles["coordinator"] == 1 and roles["partner"] >= 3
    emails = {user["email"] for user in DEMO_USERS}
    assert {"admin@guide.localhost", "coordination@guide.localhost", "partenaire@guide.localhost"} <= emails
    partner = next(u for u in DEMO_USERS if u["email"] == "partenaire@guide.localhost")
    assert ["25gh", "owner"] in partner["memberships"]
    lines = demo_accounts_lines()
    assert len(lines) == len(DEMO_USERS)
    for user, line in zip(DEMO_USERS, lines, strict=True):
        assert line.startswith(user["email"]) and DEMO_PASSWORD in line
    assert "Administration" in lines[0] and "Responsable : 25GH" in lines[2]
    assert all(f"  {line}" in DEMO_ACCOUNTS_TEXT for line in lines)
