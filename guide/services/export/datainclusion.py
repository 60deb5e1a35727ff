"""The public guide as a data·inclusion v1 export: ``structures.json`` and ``services.json``.

Each row is a data·inclusion v1 structure or service (validated with the ``data-inclusion-schema`` package
in the tests), plus what data·inclusion does not carry in the extension object ``guide`` that
``guide-import`` reads back (the same shape as the demo guide in ``guide/demo/``): lieux with their
accessibility and quartier, closures, ages, the guide's own publics, thématiques and conditions of access.
So an export imported into a fresh guide gives the same public guide, and a data·inclusion consumer that
ignores ``guide`` still gets valid rows.

A row that came from a source (its ``source_record``, kept by ``guide-import``) is given back as the source
wrote it: every field the guide does not keep (``modes_accueil``, ``zone_eligibilite``, ``mobilisable_par``,
``accessibilite_lieu``, ``lien_source``…) untouched, and each field the guide keeps with the source's own
value as long as nobody edited it in the guide since the import (the value the import wrote is still
there), the guide's value otherwise; ``date_maj`` is the source's while nothing was edited. A source value
that data·inclusion's schema refuses (the import keeps such rows and flags the value) is replaced by the
guide's, so that the export always validates.

Values are mapped to data·inclusion's closed lists: a local public becomes its nearest data·inclusion public
(``LOCAL_PUBLIC_TO_DI``), a type of service that data·inclusion does not list is left out (kept in ``guide``),
a thématique gives the data·inclusion codes it is mapped to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from data_inclusion.schema.v1 import Frais, Public, Service, Structure, Thematique, TypeService

from ...models import Fiche, Lieu, Organisation
from ...vocabulary import LOCAL_PUBLIC_TO_DI
from .snapshot import PublicGuide, fiche_ref, last_update, lieu_ref, main_lieu, organisation_ref

DI_THEMATIQUES = frozenset(t.value for t in Thematique)
DI_PUBLICS = frozenset(p.value for p in Public)
DI_TYPES = frozenset(t.value for t in TypeService)
DI_FRAIS = frozenset(f.value for f in Frais)
ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")
ADDRESS_FIELDS = ("adresse", "complement_adresse", "code_postal", "commune", "code_insee")


def _text(value: str | None) -> str | None:
    """data·inclusion writes an absent value as null, not as an empty string."""
    value = (value or "").strip()
    return value or None


def organisation_url(site_url: str, organisation: Organisation) -> str:
    return f"{site_url.rstrip('/')}/structure/{organisation.slug}"


def fiche_url(site_url: str, fiche: Fiche) -> str:
    """The fiche's public page (``/fiche/<id>`` redirects to its canonical address with the slug)."""
    return f"{site_url.rstrip('/')}/fiche/{fiche.id}"


def _address(lieu: Lieu | None) -> dict[str, Any]:
    if lieu is None:
        return dict.fromkeys((*ADDRESS_FIELDS, "latitude", "longitude"))
    return {
        **{name: _text(getattr(lieu, name)) for name in ADDRESS_FIELDS},
        "latitude": lieu.latitude,
        "longitude": lieu.longitude,
    }


def lieu_extension(lieu: Lieu, source: str) -> dict[str, Any]:
    return {
        "id": lieu_ref(lieu, source),
        "nom": lieu.nom,
        **{name: getattr(lieu, name) or "" for name in ADDRESS_FIELDS},
        "latitude": lieu.latitude,
        "longitude": lieu.longitude,
        "quartier": lieu.quartier.nom if lieu.quartier is not None else None,
        **{name: getattr(lieu, name).value for name in ACCESS_FIELDS},
    }


# data·inclusion field -> the guide's field it was imported into (organisation, its lieu, or fiche content)
STRUCTURE_FIELDS = {
    "nom": "nom",
    "description": "description",
    "siret": "siret",
    "telephone": "telephone",
    "courriel": "courriel",
    "site_web": "site_web",
    **{name: f"lieu.{name}" for name in (*ADDRESS_FIELDS, "latitude", "longitude")},
}
SERVICE_FIELDS = {
    "nom": "nom",
    "description": "description",
    "type": "type_service",
    "thematiques": "thematiques",
    "frais": "frais",
    "frais_precisions": "frais_precisions",
    "publics": "publics",
    "publics_precisions": "publics_precisions",
    "conditions_acces": "conditions_precisions",
    "telephone": "telephone",
    "courriel": "courriel",
    "contact_nom_prenom": "contact_nom",
    "lien_mobilisation": "site_web",
    "horaires_accueil": "horaires",
    "langues": "langues",
}
OWN_KEYS = frozenset({"source", "id", "structure_id", "guide", "date_maj"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return None if value in ("", [], None) else value


def _same(left: Any, right: Any) -> bool:
    left, right = _plain(left), _plain(right)
    if isinstance(left, float) and isinstance(right, float):
        return abs(left - right) <= 1e-9
    return left == right


def with_source(
    row: dict[str, Any],
    record: Any,
    current: dict[str, Any],
    fields: dict[str, str],
    model: type[pydantic.BaseModel],
) -> dict[str, Any]:
    """``row`` (from the guide's models) with what the source row of ``record`` said; see the module."""
    data = getattr(record, "data", None)
    if not isinstance(data, dict) or not data:
        return row
    imported = getattr(record, "imported", None) or {}
    merged = dict(row)
    edited = False
    for key, value in data.items():
        if key in OWN_KEYS:
            continue
        field = fields.get(key)
        if field is None:  # a field the guide does not keep (or only for its own pages, lien_source)
            if value not in (None, "", []) or merged.get(key) in (None, "", []):
                merged[key] = value
        elif field in imported and _same(imported[field], current.get(field)):
            merged[key] = value  # nobody edited it since the import: the source's own value
        elif field in imported:
            edited = True
    source_date = getattr(record, "date_maj", None)
    if source_date is not None and not edited:
        merged["date_maj"] = source_date.isoformat()
    # A value the schema refuses: a refused code is dropped from its list (the source's other codes stay);
    # another value becomes the guide's, then nothing; a value that nothing can make valid (a two-letter
    # name) is left as it is rather than losing the source's other fields.
    tried: dict[str, int] = {}
    for _attempt in range(6):
        try:
            model.model_validate(merged)
            return merged
        except pydantic.ValidationError as error:
            refused_items: dict[str, set[int]] = {}
            changed = False
            for item in error.errors():
                if not item["loc"]:
                    continue
                name = str(item["loc"][0])
                position = item["loc"][1] if len(item["loc"]) > 1 else None
                if isinstance(position, int) and isinstance(merged.get(name), list):
                    refused_items.setdefault(name, set()).add(position)
                    continue
                stage = tried.get(name, 0)
                tried[name] = stage + 1
                if stage == 0 and merged.get(name) != row.get(name):
                    merged[name], changed = row.get(name), True
                elif stage <= 1 and merged.get(name) is not None:
                    merged[name], changed = None, True  # an optional field left out
                elif merged.get(name) != row.get(name):
                    merged[name], changed = row.get(name), True  # a required one: the guide's, as it is
            for name, positions in refused_items.items():
                kept = [value for i, value in enumerate(merged[name]) if i not in positions]
                merged[name], changed = kept or row.get(name), True
            if not changed:
                break
    return merged


def structure_row(guide: PublicGuide, organisation: Organisation, site_url: str) -> dict[str, Any]:
    row = _structure_row(guide, organisation, site_url)
    lieu = main_lieu(organisation, guide.lieux.get(organisation.id, []))
    current = {name: getattr(organisation, name) for name in ("nom", "description", "siret", "telephone")}
    current |= {"courriel": organisation.courriel, "site_web": organisation.site_web}
    if lieu is not None:
        current |= {
            f"lieu.{name}": getattr(lieu, name) for name in (*ADDRESS_FIELDS, "latitude", "longitude")
        }
    return with_source(
        row, getattr(organisation, "source_record", None), current, STRUCTURE_FIELDS, Structure
    )


def _structure_row(guide: PublicGuide, organisation: Organisation, site_url: str) -> dict[str, Any]:
    source, identifier = organisation_ref(organisation)
    lieux = guide.lieux.get(organisation.id, [])
    dates = [last_update(f) for f in guide.fiches.get(organisation.id, [])]
    dates.append(organisation.updated_at.date())
    return {
        "source": source,
        "id": identifier,
        "nom": organisation.nom,
        "date_maj": max(dates).isoformat(),
        "description": _text(organisation.description),
        "lien_source": organisation_url(site_url, organisation),
        "siret": organisation.siret or None,
        **_address(main_lieu(organisation, lieux)),
        "telephone": _text(organisation.telephone),
        "courriel": _text(organisation.courriel),
        "site_web": _text(organisation.site_web),
        "horaires_accueil": None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": None,
        "guide": {
            "sigle": organisation.sigle or None,
            "reseau_porteur": organisation.reseau_porteur or None,
            "lieux": [lieu_extension(lieu, source) for lieu in lieux],
        },
    }


def di_thematiques(fiche: Fiche) -> list[str]:
    version = fiche.published_version
    return sorted({code for t in version.thematiques for code in t.di_codes or [] if code in DI_THEMATIQUES})


def source_thematiques(fiche: Fiche) -> list[str]:
    """The data·inclusion codes of a fiche: those its source gave while its thématiques are still the ones
    the import wrote, else those of its thématiques (the import keeps every code, even unmapped ones)."""
    record = getattr(fiche, "source_record", None)
    slugs = [t.slug for t in fiche.published_version.thematiques]
    imported = getattr(record, "imported", None) or {}
    given = getattr(record, "thematiques", None)
    if given and "thematiques" in imported and _same(imported["thematiques"], slugs):
        return sorted(given)
    return di_thematiques(fiche)


def di_publics(publics: list[str]) -> list[str]:
    """data·inclusion publics of the guide's: « tous-publics » only alone (the schema refuses it with others;
    a local public mapped to it, « aidants », adds nothing to a narrower list)."""
    codes = {LOCAL_PUBLIC_TO_DI.get(code, code) for code in publics} & DI_PUBLICS
    if len(codes) > 1:
        codes.discard("tous-publics")
    return sorted(codes)


def service_row(fiche: Fiche, site_url: str) -> dict[str, Any]:
    row = _service_row(fiche, site_url)
    version = fiche.published_version
    current = {name: getattr(version, name) for name in set(SERVICE_FIELDS.values()) - {"thematiques"}}
    current["thematiques"] = [t.slug for t in version.thematiques]
    return with_source(row, getattr(fiche, "source_record", None), current, SERVICE_FIELDS, Service)


def _service_row(fiche: Fiche, site_url: str) -> dict[str, Any]:
    version = fiche.published_version
    source, identifier = fiche_ref(fiche)
    _source, structure_id = organisation_ref(fiche.organisation)
    lieux = list(version.lieux)
    return {
        "source": source,
        "structure_id": structure_id,
        "id": identifier,
        "nom": version.nom,
        "description": version.description or version.resume or "",
        # No lien_source: guide-import reads it as the service's web site when there is none, so an export
        # imported elsewhere would gain a link the partner never gave. The page is in guide.url.
        "lien_source": None,
        "date_maj": last_update(fiche).isoformat(),
        "type": version.type_service if version.type_service in DI_TYPES else None,
        "thematiques": di_thematiques(fiche) or None,
        "frais": version.frais if version.frais in DI_FRAIS else None,
        "frais_precisions": _text(version.frais_precisions),
        "publics": di_publics(version.publics) or None,
        "publics_precisions": _text(version.publics_precisions),
        "conditions_acces": _text(version.conditions_precisions),
        **_address(lieux[0] if lieux else None),
        "telephone": _text(version.telephone),
        "courriel": _text(version.courriel),
        "contact_nom_prenom": _text(version.contact_nom),
        "lien_mobilisation": _text(version.site_web),
        "horaires_accueil": _text(version.horaires),
        "langues": list(version.langues or []),
        "guide": {
            "url": fiche_url(site_url, fiche),
            "resume": version.resume,
            "type_service": version.type_service,
            "publics": list(version.publics or []),
            "thematiques": [t.slug for t in version.thematiques],
            "conditions_acces": list(version.conditions_acces or []),
            "age_min": version.age_min,
            "age_max": version.age_max,
            "horaires_precisions": version.horaires_precisions,
            "mots_simples": version.mots_simples,
            "fermetures": [dict(closure) for closure in version.fermetures or []],
            "lieux": [lieu_ref(lieu, source) for lieu in lieux],
        },
    }


def rows(guide: PublicGuide, site_url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(structures, services) of the public guide."""
    structures = [structure_row(guide, org, site_url) for org in guide.organisations]
    services = [service_row(fiche, site_url) for org in guide.organisations for fiche in guide.fiches[org.id]]
    return structures, services
