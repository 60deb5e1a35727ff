"""The public guide as an Open Referral HSDS 3.0 tabular data package: ``datapackage.json`` and one CSV
file per table (organization, service, location, address, phone, schedule, service_at_location, language,
accessibility, taxonomy, taxonomy_term, attribute).

HSDS identifiers are UUIDs: each is a UUID 5 of the row's stable key (``fiche:dora--42``), so the same row
has the same id in every export and a re-user can follow it from one day to the next. Opening hours become
weekly ``schedule`` rows (``freq`` WEEKLY, ``byday``, ``opens_at``, ``closes_at``) when the OpenStreetMap
string is a plain week; otherwise one row carries the hours in French in ``description``. The guide's
thématiques are a taxonomy of their own (``taxonomy_term``, linked to services by ``attribute``) and so are
data·inclusion's codes.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from ... import hours
from ...models import Fiche, Lieu, Organisation
from .datainclusion import di_thematiques, fiche_url, organisation_url
from .snapshot import PublicGuide, fiche_ref, last_update, organisation_ref

NAMESPACE = uuid.UUID("5b1f4a52-93f7-4d0c-9a57-6f1d1c1b2e11")  # this guide's namespace for UUID 5 ids
DAY_CODES = {"Mo": "MO", "Tu": "TU", "We": "WE", "Th": "TH", "Fr": "FR", "Sa": "SA", "Su": "SU"}
GUIDE_TAXONOMY = "guide-thematiques"
DI_TAXONOMY = "data-inclusion-thematiques"

# table -> its fields (HSDS 3.0 names, in the order of the specification); every field is a string in the
# CSV but for those typed here (Frictionless table schema types)
TABLES: dict[str, list[str]] = {
    "organization": [
        "id", "name", "alternate_name", "description", "email", "website", "tax_id", "legal_status", "uri",
    ],
    "service": [
        "id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
        "application_process", "fees_description", "eligibility_description", "minimum_age", "maximum_age",
        "last_modified",
    ],
    "location": [
        "id", "location_type", "organization_id", "name", "description", "latitude", "longitude",
        "external_identifier", "external_identifier_type",
    ],
    "address": [
        "id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
        "postal_code", "country", "address_type",
    ],
    "phone": ["id", "location_id", "service_id", "organization_id", "number", "type", "description"],
    "schedule": [
        "id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "timezone",
        "freq", "byday", "opens_at", "closes_at", "description", "notes",
    ],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "language": ["id", "service_id", "location_id", "name", "code", "note"],
    "accessibility": ["id", "location_id", "description", "details", "url"],
    "taxonomy": ["id", "name", "description", "uri", "version"],
    "taxonomy_term": [
        "id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id",
    ],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label"],
}  # fmt: skip
TYPES = {
    "latitude": "number",
    "longitude": "number",
    "minimum_age": "integer",
    "maximum_age": "integer",
    "last_modified": "datetime",
    "valid_from": "date",
    "valid_to": "date",
}
FOREIGN_KEYS = {
    "service": [("organization_id", "organization")],
    "location": [("organization_id", "organization")],
    "address": [("location_id", "location")],
    "schedule": [("service_id", "service")],
    "service_at_location": [("service_id", "service"), ("location_id", "location")],
    "language": [("service_id", "service")],
    "accessibility": [("location_id", "location")],
    "taxonomy_term": [("taxonomy_id", "taxonomy")],
    "attribute": [("taxonomy_term_id", "taxonomy_term")],
}
ACCESS_LABELS = {
    "acces_plain_pied": "Accès de plain-pied ou rampe",
    "toilettes_adaptees": "Toilettes adaptées",
    "boucle_magnetique": "Boucle magnétique",
    "langue_des_signes": "Accueil en langue des signes",
}


def uid(*key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(key)))


def _org_id(organisation: Organisation) -> str:
    return uid("organisation", *organisation_ref(organisation))


def _fiche_id(fiche: Fiche) -> str:
    return uid("fiche", *fiche_ref(fiche))


def _lieu_id(lieu: Lieu) -> str:
    return uid("lieu", str(lieu.id))


class _Tables:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self._seen: set[tuple[str, str]] = set()

    def add(self, table: str, **row: Any) -> None:
        if (table, row["id"]) in self._seen:
            return
        self._seen.add((table, row["id"]))
        self.rows[table].append(row)


def _taxonomies(tables: _Tables, guide: PublicGuide) -> None:
    tables.add(
        "taxonomy",
        id=uid("taxonomy", GUIDE_TAXONOMY),
        name=GUIDE_TAXONOMY,
        description="Thématiques du guide",
        version="1",
    )
    tables.add(
        "taxonomy",
        id=uid("taxonomy", DI_TAXONOMY),
        name=DI_TAXONOMY,
        description="Thématiques de data·inclusion (schéma v1)",
        uri="https://data-inclusion-schema.readthedocs.io/",
        version="1",
    )


def _schedules(tables: _Tables, fiche: Fiche, service_id: str, guide: PublicGuide) -> None:
    version = fiche.published_version
    if not version.horaires:
        return
    text = guide.describe(version.horaires)
    grid = guide.grid(version.horaires)
    if grid is None:
        tables.add(
            "schedule",
            id=uid("schedule", service_id, "texte"),
            service_id=service_id,
            timezone=str(hours.timezone()),
            description=text,
            notes=version.horaires,
        )
        return
    days, closed_on_holidays = grid
    for day, slots in days.items():
        for start, end in slots:
            tables.add(
                "schedule",
                id=uid("schedule", service_id, day, start, end),
                service_id=service_id,
                timezone=str(hours.timezone()),
                freq="WEEKLY",
                byday=DAY_CODES[day],
                opens_at=start,
                closes_at=end,
                description=text,
                notes="fermé les jours fériés" if closed_on_holidays else "",
            )


def _location(tables: _Tables, lieu: Lieu, organisation_id: str) -> str:
    location_id = _lieu_id(lieu)
    tables.add(
        "location",
        id=location_id,
        location_type="physical",
        organization_id=organisation_id,
        name=lieu.nom,
        description=lieu.quartier.nom if lieu.quartier is not None else "",
        latitude=lieu.latitude,
        longitude=lieu.longitude,
        external_identifier=lieu.code_insee,
        external_identifier_type="code INSEE de la commune" if lieu.code_insee else "",
    )
    if lieu.adresse or lieu.commune:
        tables.add(
            "address",
            id=uid("address", location_id),
            location_id=location_id,
            address_1=lieu.adresse,
            address_2=lieu.complement_adresse,
            city=lieu.commune,
            region="",
            state_province="Auvergne-Rhône-Alpes",
            postal_code=lieu.code_postal,
            country="FR",
            address_type="physical_address",
        )
    for name, label in ACCESS_LABELS.items():
        value = getattr(lieu, name).value
        if value != "inconnu":
            tables.add(
                "accessibility",
                id=uid("accessibility", location_id, name),
                location_id=location_id,
                description=label,
                details=value,
            )
    return location_id


def tables_of(guide: PublicGuide, site_url: str) -> dict[str, list[dict[str, Any]]]:
    tables = _Tables()
    _taxonomies(tables, guide)
    for organisation in guide.organisations:
        org_id = _org_id(organisation)
        tables.add(
            "organization",
            id=org_id,
            name=organisation.nom,
            alternate_name=organisation.sigle,
            description=organisation.description,
            email=organisation.courriel,
            website=organisation.site_web,
            tax_id=organisation.siret or "",
            legal_status="",
            uri=organisation_url(site_url, organisation),
        )
        if organisation.telephone:
            tables.add(
                "phone",
                id=uid("phone", org_id),
                organization_id=org_id,
                number=organisation.telephone,
                type="voice",
            )
        for fiche in guide.fiches[organisation.id]:
            _service(tables, fiche, org_id, site_url, guide)
    return tables.rows


def _service(tables: _Tables, fiche: Fiche, org_id: str, site_url: str, guide: PublicGuide) -> None:
    version = fiche.published_version
    service_id = _fiche_id(fiche)
    eligibility = "; ".join(filter(None, [", ".join(version.publics or []), version.publics_precisions]))
    tables.add(
        "service",
        id=service_id,
        organization_id=org_id,
        name=version.nom,
        alternate_name="",
        description=version.description or version.resume,
        url=version.site_web or fiche_url(site_url, fiche),
        email=version.courriel,
        status="active",
        application_process=version.conditions_precisions,
        fees_description="; ".join(filter(None, [version.frais or "", version.frais_precisions])),
        eligibility_description=eligibility,
        minimum_age=version.age_min,
        maximum_age=version.age_max,
        last_modified=f"{last_update(fiche).isoformat()}T00:00:00Z",
    )
    if version.telephone:
        tables.add(
            "phone",
            id=uid("phone", service_id),
            service_id=service_id,
            number=version.telephone,
            type="voice",
        )
    for lieu in version.lieux:
        location_id = _location(tables, lieu, org_id)
        tables.add(
            "service_at_location",
            id=uid("service_at_location", service_id, location_id),
            service_id=service_id,
            location_id=location_id,
        )
    _schedules(tables, fiche, service_id, guide)
    for code in version.langues or []:
        tables.add("language", id=uid("language", service_id, code), service_id=service_id, code=code)
    for thematique in version.thematiques:
        _attribute(tables, service_id, GUIDE_TAXONOMY, thematique.slug, thematique.label)
    for code in di_thematiques(fiche):
        _attribute(tables, service_id, DI_TAXONOMY, code, code)


def _attribute(tables: _Tables, service_id: str, taxonomy: str, code: str, label: str) -> None:
    term_id = uid("taxonomy_term", taxonomy, code)
    tables.add(
        "taxonomy_term",
        id=term_id,
        code=code,
        name=label,
        taxonomy=taxonomy,
        language="fr",
        taxonomy_id=uid("taxonomy", taxonomy),
    )
    tables.add(
        "attribute",
        id=uid("attribute", service_id, term_id),
        link_id=service_id,
        taxonomy_term_id=term_id,
        link_type="service",
        link_entity="service",
        label=label,
    )


def _csv(fields: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: "" if row.get(name) is None else row.get(name) for name in fields})
    return out.getvalue().encode("utf-8")


def package(guide: PublicGuide, site_url: str, metadata: dict[str, Any]) -> dict[str, bytes]:
    """The files of the data package: ``datapackage.json`` and ``<table>.csv``."""
    tables = tables_of(guide, site_url)
    files = {f"{name}.csv": _csv(TABLES[name], rows) for name, rows in tables.items()}
    licence = metadata["licence"]
    descriptor = {
        "profile": "tabular-data-package",
        "name": "guide-du-territoire-hsds",
        "title": f"{metadata['producteur']} — Open Referral HSDS 3.0",
        "homepage": metadata["url"],
        "version": "3.0",
        "created": metadata["date"],
        "licenses": [
            {
                k: v
                for k, v in {"name": licence["id"], "title": licence["titre"], "path": licence["url"]}.items()
                if v
            }
        ],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": field, "type": TYPES.get(field, "string")} for field in fields],
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": [column], "reference": {"resource": target, "fields": ["id"]}}
                        for column, target in FOREIGN_KEYS.get(name, [])
                    ],
                },
            }
            for name, fields in TABLES.items()
        ],
    }
    files["datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files
