"""The public guide as one CSV file, ``fiches.csv``: a row per published fiche, for a spreadsheet.

The columns are listed (and documented in the README) by :data:`COLUMNS`; lists are joined with « | »;
a fiche at several lieux gives the address of the first one (all of them are in the data·inclusion and
HSDS exports). Written in UTF-8 with a BOM and CRLF line ends, which spreadsheets open without asking.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...models import Fiche
from .datainclusion import di_publics, di_thematiques, fiche_url
from .snapshot import PublicGuide, fiche_ref, last_update, organisation_ref

LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class _Context:
    site_url: str
    describe: Callable[[str], str]


# column name -> (value of a fiche in an export's context, French description for the README)
COLUMNS: dict[str, tuple[Callable[[Fiche, _Context], Any], str]] = {
    "id": (lambda f, _u: "--".join(fiche_ref(f)), "identifiant stable de la fiche (source--id)"),
    "nom": (lambda f, _u: f.published_version.nom, "nom du service"),
    "structure_id": (
        lambda f, _u: "--".join(organisation_ref(f.organisation)),
        "identifiant de la structure",
    ),
    "structure_nom": (lambda f, _u: f.organisation.nom, "nom de la structure"),
    "structure_siret": (lambda f, _u: f.organisation.siret or "", "SIRET de la structure"),
    "resume": (lambda f, _u: f.published_version.resume, "résumé (280 caractères au plus)"),
    "description": (lambda f, _u: f.published_version.description, "description"),
    "type_service": (lambda f, _u: f.published_version.type_service or "", "type de service"),
    "thematiques": (
        lambda f, _u: [t.label for t in f.published_version.thematiques],
        "thématiques du guide (libellés)",
    ),
    "thematiques_data_inclusion": (lambda f, _u: di_thematiques(f), "codes data·inclusion des thématiques"),
    "publics": (lambda f, _u: f.published_version.publics, "publics (codes du guide)"),
    "publics_data_inclusion": (
        lambda f, _u: di_publics(f.published_version.publics),
        "publics (codes data·inclusion)",
    ),
    "publics_precisions": (
        lambda f, _u: f.published_version.publics_precisions,
        "précisions sur les publics",
    ),
    "age_min": (lambda f, _u: f.published_version.age_min, "âge minimum"),
    "age_max": (lambda f, _u: f.published_version.age_max, "âge maximum"),
    "conditions_acces": (lambda f, _u: f.published_version.conditions_acces, "conditions d'accès (codes)"),
    "conditions_precisions": (
        lambda f, _u: f.published_version.conditions_precisions,
        "précisions sur les conditions d'accès",
    ),
    "frais": (lambda f, _u: f.published_version.frais or "", "gratuit ou payant"),
    "frais_precisions": (lambda f, _u: f.published_version.frais_precisions, "précisions sur les frais"),
    "langues": (lambda f, _u: f.published_version.langues, "langues parlées (codes ISO 639)"),
    "horaires_osm": (lambda f, _u: f.published_version.horaires, "horaires au format OpenStreetMap"),
    "horaires_texte": (lambda f, c: c.describe(f.published_version.horaires), "horaires en clair"),
    "horaires_precisions": (
        lambda f, _u: f.published_version.horaires_precisions,
        "précisions sur les horaires",
    ),
    "lieu_nom": (lambda f, _u: _lieu(f, "nom"), "nom du premier lieu d'accueil"),
    "adresse": (lambda f, _u: _lieu(f, "adresse"), "adresse"),
    "complement_adresse": (lambda f, _u: _lieu(f, "complement_adresse"), "complément d'adresse"),
    "code_postal": (lambda f, _u: _lieu(f, "code_postal"), "code postal"),
    "commune": (lambda f, _u: _lieu(f, "commune"), "commune"),
    "code_insee": (lambda f, _u: _lieu(f, "code_insee"), "code INSEE de la commune"),
    "latitude": (lambda f, _u: _lieu(f, "latitude"), "latitude (WGS 84)"),
    "longitude": (lambda f, _u: _lieu(f, "longitude"), "longitude (WGS 84)"),
    "quartier": (lambda f, _u: _quartier(f), "quartier"),
    "telephone": (lambda f, _u: f.published_version.telephone or f.organisation.telephone, "téléphone"),
    "courriel": (lambda f, _u: f.published_version.courriel or f.organisation.courriel, "courriel"),
    "site_web": (lambda f, _u: f.published_version.site_web or f.organisation.site_web, "site web"),
    "url": (lambda f, c: fiche_url(c.site_url, f), "page de la fiche dans le guide"),
    "date_maj": (lambda f, _u: last_update(f).isoformat(), "date de dernière mise à jour (AAAA-MM-JJ)"),
}


def _lieu(fiche: Fiche, name: str) -> Any:
    lieux = fiche.published_version.lieux
    return getattr(lieux[0], name) if lieux else ""


def _quartier(fiche: Fiche) -> str:
    lieux = fiche.published_version.lieux
    return lieux[0].quartier.nom if lieux and lieux[0].quartier is not None else ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def fiches_csv(guide: PublicGuide, site_url: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    context = _Context(site_url, guide.describe)
    for fiche in guide.all_fiches:
        writer.writerow([_cell(get(fiche, context)) for get, _doc in COLUMNS.values()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def columns_doc() -> str:
    """The README's table of the CSV columns."""
    lines = ["| colonne | contenu |", "|---|---|"]
    lines += [f"| `{name}` | {doc} |" for name, (_get, doc) in COLUMNS.items()]
    return "\n".join(lines)
