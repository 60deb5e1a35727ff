"""The OpenAPI 3.1 description of ``/api/v1/`` (served at ``/api/v1/openapi.json``) and its readable page
(``/api/v1/``, rendered on the server from the same document: no script, nothing to keep in step).

Built in code rather than kept as a file so that the server URL comes from ``site_url`` and the licence
from ``opendata.licence``. Validated by ``openapi-spec-validator`` and fuzzed by ``schemathesis`` against
the real application in tests/functional/test_api_schema.py: every answer must match what is written here.
"""

from __future__ import annotations

from typing import Any

from pyramid.view import view_config
from sqlalchemy import select

from guide.models import Quartier, Thematique
from guide.services import export
from guide.settings import settings_of
from guide.vocabulary import LANGUES, PUBLICS
from search_index.params import MAX_PAGE, WHEN_FACETS

from . import api_agenda
from .api import PAGE_DEFAULT, PAGE_MAX, check_rate


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
ERROR_RESPONSE = {"$ref": "#/components/responses/Erreur"}
FLAG = {"type": "string", "enum": ["0", "1"]}
LABEL_NOTE = "libellés des codes voisins, dans la langue de l'adresse (/en/api/v1/… : en anglais)"
LANGUAGE_NOTE = (
    " Langue : le préfixe de l'adresse, comme sur le site — /api/v1/… en français, /en/api/v1/… en anglais, "
    "/ar/ en arabe, /uk/ en ukrainien, /prs/ en dari, /es/ en espagnol (ni Accept-Language ni cookie : une "
    "réponse ne dépend que de son adresse). Elle choisit les libellés (champs *_libelle(s), libelle des "
    "filtres), les phrases d'horaires et d'ouverture et les messages d'erreur ; les codes (slugs, valeurs "
    "data·inclusion) ne changent jamais."
)


def _json_of(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


LIEU = {
    "type": "object",
    "required": ["nom", "adresse", "code_postal", "commune", "latitude", "longitude", "quartier"],
    "properties": {
        "nom": STRING,
        "adresse": STRING,
        "complement_adresse": STRING,
        "code_postal": STRING,
        "commune": STRING,
        "code_insee": STRING,
        "latitude": _nullable("number"),
        "longitude": _nullable("number"),
        "quartier": _nullable("string"),
        "accessibilite": {
            "type": "object",
            "description": "« oui », « non » ou « inconnu » pour chaque critère",
            "additionalProperties": {"type": "string", "enum": ["oui", "non", "inconnu"]},
        },
    },
}
FICHE = {
    "type": "object",
    "required": ["id", "nom", "structure", "thematiques", "publics", "horaires_accueil", "lieux", "url"],
    "properties": {
        "id": {"type": "string", "description": "identifiant stable : « source--id » ou « guide--<numéro> »"},
        "nom": STRING,
        "presentation_resume": STRING,
        "mots_simples": {
            "type": "string",
            "description": "« En mots simples » : le service en français facile à lire (FALC) ; vide s'il "
            "n'est pas encore écrit",
        },
        "presentation_detail": STRING,
        "type": _nullable("string"),
        "type_libelle": _nullable("string", description=LABEL_NOTE),
        "structure": {
            "type": "object",
            "required": ["id", "nom", "url"],
            "properties": {
                "id": STRING,
                "nom": STRING,
                "siret": _nullable("string"),
                "telephone": STRING,
                "courriel": STRING,
                "site_web": STRING,
                "url": {"type": "string", "format": "uri"},
            },
        },
        "thematiques": {**STRINGS, "description": "thématiques du guide (codes)"},
        "thematiques_libelles": {**STRINGS, "description": LABEL_NOTE},
        "thematiques_data_inclusion": STRINGS,
        "publics": STRINGS,
        "publics_libelles": {**STRINGS, "description": LABEL_NOTE},
        "publics_data_inclusion": STRINGS,
        "publics_precisions": STRING,
        "age_min": _nullable("integer"),
        "age_max": _nullable("integer"),
        "conditions_acces": STRINGS,
        "conditions_acces_libelles": {**STRINGS, "description": LABEL_NOTE},
        "conditions_precisions": STRING,
        "frais": _nullable("string"),
        "frais_libelle": _nullable("string", description=LABEL_NOTE),
        "frais_precisions": STRING,
        "langues": STRINGS,
        "langues_libelles": {
            **STRINGS,
            "description": "les langues parlées, nommées dans la langue de l'adresse",
        },
        "horaires_accueil": {
            "type": "string",
            "description": "horaires au format OpenStreetMap opening_hours",
        },
        "horaires_texte": {
            "type": "string",
            "description": "les mêmes horaires en phrase, dans la langue de l'adresse",
        },
        "horaires_precisions": STRING,
        "fermetures": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "debut": {"type": "string", "format": "date"},
                    "fin": {"type": "string", "format": "date"},
                    "message": STRING,
                },
            },
        },
        "ouvert_maintenant": _nullable("boolean", description="null : horaires inconnus ou sur rendez-vous"),
        "statut_ouverture": STRING,
        "quartier": _nullable("string"),
        "lieux": {"type": "array", "items": {"$ref": "#/components/schemas/Lieu"}},
        "contact_nom_prenom": STRING,
        "telephone": STRING,
        "courriel": STRING,
        "site_web": STRING,
        "url": {"type": "string", "format": "uri"},
        "date_maj": _nullable("string", format="date"),
        "date_confirmation": _nullable("string", format="date"),
        "modifie_le": _nullable(
            "string", format="date-time", description="dernier changement public (liste seulement)"
        ),
        "traductions": {
            "type": "object",
            "description": "traductions relues du titre, du résumé et des précisions sur l'accès, par langue "
            "(en, ar, uk, fa_AF, es) ; fiche seule, pas la liste",
            "additionalProperties": {
                "type": "object",
                "required": ["nom", "resume", "conditions"],
                "properties": {"nom": STRING, "resume": STRING, "conditions": STRING},
            },
        },
    },
}
SEARCH_HIT = {
    "type": "object",
    "required": ["id", "nom", "url"],
    "properties": {
        "id": STRING,
        "nom": STRING,
        "resume": _nullable("string"),
        "structure": _nullable("string"),
        "quartier": _nullable("string"),
        "url": {"type": "string", "format": "uri"},
        "thematiques": STRINGS,
        "thematiques_libelles": {**STRINGS, "description": LABEL_NOTE},
        "horaires": _nullable("string"),
        "aujourd_hui": _nullable("string"),
        "ouvert_maintenant": _nullable("boolean"),
        "statut_ouverture": _nullable("string"),
        "distance_km": _nullable("number"),
        "latitude": _nullable("number"),
        "longitude": _nullable("number"),
    },
}


def _param(name: str, description: str, schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or STRING, **extra}  # fmt: skip


COMMON_ERRORS = {
    "400": ERROR_RESPONSE,
    "404": ERROR_RESPONSE,
    "429": {"$ref": "#/components/responses/TropDeRequetes"},
}
NOT_MODIFIED = {"description": "Inchangé depuis l'ETag donné dans If-None-Match"}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "l'ETag d'une réponse précédente : 304 si rien n'a changé",
    "schema": STRING,
}


def _enum(values: list[str]) -> dict[str, Any]:
    """One of ``values``, or empty (no filter)."""
    return {"type": "string", "enum": ["", *values]}


def openapi_document(
    server_url: str,
    licence: dict[str, str],
    *,
    thematiques: list[str] | None = None,
    quartiers: list[str] | None = None,
) -> dict[str, Any]:
    """The document; ``thematiques`` and ``quartiers`` are the codes the search knows (from the database)."""
    licence_object = {"name": licence["titre"]}
    if licence["url"]:
        licence_object["url"] = licence["url"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API du Guide du territoire",
            "version": "1.0.0",
            "description": (
                "Les fiches publiées du guide (services, permanences, activités), en lecture seule. "
                "Réponses JSON ; les erreurs sont un objet {\"erreur\": \"message en français\"}. "
                "ETag et If-None-Match (304) sur chaque réponse ; CORS ouvert en lecture "
                "(Access-Control-Allow-Origin: *, sans cookie) ; limite de débit par client (429 et "
                "Retry-After). Les mêmes données en fichiers : /opendata."
                + LANGUAGE_NOTE
            ),
            "license": licence_object,
        },
        "servers": [{"url": server_url.rstrip("/") + "/api/v1"}],
        "paths": {
            "/fiches": {
                "get": {
                    "operationId": "listeFiches",
                    "summary": "Les fiches publiées, page par page (par identifiant croissant)",
                    "description": (
                        "Pagination stable par curseur : suivez « suivant » (ou l'en-tête Link rel=next) "
                        "jusqu'à ce qu'il vaille null. Pour une synchronisation, gardez la date de votre "
                        "dernier passage et demandez updated_since : seules les fiches dont ce que voit le "
                        "public a changé depuis (contenu publié, structure, lieux, thématiques) sont listées."
                    ),
                    "parameters": [
                        _param(
                            "updated_since",
                            "date (AAAA-MM-JJ) ou date-heure ISO 8601 (UTC par défaut)",
                            {"anyOf": [{"type": "string", "format": "date"},
                                       {"type": "string", "format": "date-time"}]},
                            example="2026-11-01",
                        ),
                        _param("after", "curseur_suivant de la page précédente (numéro de sa dernière fiche)",
                               {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}),
                        _param("limit", f"fiches par page (1 à {PAGE_MAX}, {PAGE_DEFAULT} par défaut)",
                               {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}),
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": {
                            "description": "Une page de fiches",
                            "headers": {"ETag": {"schema": STRING}},
                            "content": _json_of("ListeFiches"),
                        },
                        "304": NOT_MODIFIED,
                        **COMMON_ERRORS,
                    },
                }
            },
            "/fiches/{id}": {
                "get": {
                    "operationId": "fiche",
                    "summary": "Une fiche publiée, par son identifiant stable (ou son numéro)",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                         "example": "demo--25gh-accueil"},
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": {
                            "description": "La fiche",
                            "content": _json_of("Fiche"),
                        },
                        "304": NOT_MODIFIED,
                        **COMMON_ERRORS,
                    },
                }
            },
            "/search": {
                "get": {
                    "operationId": "recherche",
                    "summary": "Recherche plein texte en français, avec filtres et compteurs",
                    "parameters": [
                        _param("q", "les mots cherchés (200 caractères au plus)",
                               {"type": "string", "maxLength": 200},
                               example="aide alimentaire"),
                        _param("thematique", "code d'une thématique du guide", _enum(thematiques or [])),
                        _param("public", "code d'un public", _enum(list(PUBLICS))),
                        _param("quartier", "code (slug) d'un quartier", _enum(quartiers or [])),
                        _param("langue", "code d'une langue parlée", _enum(list(LANGUES))),
                        _param("gratuit", "1 : gratuit seulement", FLAG),
                        _param("accessible", "1 : accès de plain-pied", FLAG),
                        _param("ouvert", "1 : ouvert maintenant", FLAG),
                        _param("quand", "samedi, soir ou week-end", _enum(list(WHEN_FACETS))),
                        _param("tri", "pertinence, nom ou distance",
                               {"type": "string", "enum": ["pertinence", "nom", "distance"]}),
                        _param("lat", "latitude, avec lon (tri par distance)",
                               {"type": "number", "minimum": -90, "maximum": 90}),
                        _param("lon", "longitude, avec lat (tri par distance)",
                               {"type": "number", "minimum": -180, "maximum": 180}),
                        _param("page", "numéro de page (à partir de 1)",
                               {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
                        _param("par_page", "résultats par page (100 au plus)",
                               {"type": "integer", "minimum": 1, "maximum": 100}),
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": {
                            "description": "Les résultats",
                            "content": _json_of("Resultats"),
                        },
                        "304": NOT_MODIFIED,
                        **COMMON_ERRORS,
                    },
                }
            },
            **api_agenda.paths(thematiques or [], quartiers or []),  # the agenda (views/api_agenda.py)
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "Ce document",
                    "responses": {
                        "200": {"description": "Le document OpenAPI 3.1",
                                "content": {"application/json": {"schema": {"type": "object"}}}},
                        "304": NOT_MODIFIED,
                        "429": {"$ref": "#/components/responses/TropDeRequetes"},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Erreur": {
                    "type": "object",
                    "required": ["erreur"],
                    "properties": {"erreur": {"type": "string", "description": "message en français"}},
                },
                "Lieu": LIEU,
                "Fiche": FICHE,
                **api_agenda.SCHEMAS,
                "ListeFiches": {
                    "type": "object",
                    "required": ["fiches", "nombre", "curseur_suivant", "suivant"],
                    "properties": {
                        "fiches": {"type": "array", "items": {"$ref": "#/components/schemas/Fiche"}},
                        "nombre": {"type": "integer", "minimum": 0},
                        "curseur_suivant": _nullable("string", pattern="^[0-9]+$"),
                        "suivant": _nullable("string", format="uri"),
                        "retirees": {
                            **STRINGS,
                            "description": "avec updated_since, en première page : les fiches retirées du "
                            "guide public depuis (archivées, dépubliées), à supprimer de votre copie "
                            "(1 000 au plus)",
                        },
                    },
                },
                "Resultats": {
                    "type": "object",
                    "required": ["total", "page", "pages", "results", "facets"],
                    "properties": {
                        "total": {"type": "integer", "minimum": 0},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "tri": STRING,
                        "suggestion": _nullable("string"),
                        "results": {"type": "array", "items": SEARCH_HIT},
                        "evenements": {
                            "type": "array",
                            "description": "les rendez-vous de l'agenda, publiés et pas encore terminés, "
                            "dont les mots correspondent (première page, 3 au plus) ; détail : "
                            "/evenements/{id}",
                            "items": api_agenda.SEARCH_EVENT,
                        },
                        "facets": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "valeur": STRING,
                                        "libelle": STRING,
                                        "nombre": {"type": "integer"},
                                        "choisi": {"type": "boolean"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
            "responses": {
                "Erreur": {
                    "description": "Erreur, expliquée en français",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}},
                },
                "TropDeRequetes": {
                    "description": "Limite de débit atteinte : réessayer après Retry-After secondes",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}},
                },
            },
        },
    }  # fmt: skip


def document(request: Any) -> dict[str, Any]:
    settings = settings_of(request.registry)
    db = request.dbsession
    return openapi_document(
        request.route_url("home"),
        export.licence(settings.opendata_licence),
        thematiques=list(db.scalars(select(Thematique.slug).order_by(Thematique.position, Thematique.slug))),
        quartiers=list(db.scalars(select(Quartier.slug).order_by(Quartier.slug))),
    )


@view_config(route_name="api_openapi", renderer="json", request_method=("GET", "HEAD"))
def api_openapi(request: Any) -> Any:
    check_rate(request)
    return document(request)


@view_config(route_name="api_doc", renderer="api_doc.jinja2", request_method=("GET", "HEAD"))
def api_doc(request: Any) -> Any:
    spec = document(request)
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "url": spec["servers"][0]["url"] + path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "parameters": [p for p in operation.get("parameters", []) if p["in"] != "header"],
            "responses": sorted(operation["responses"]),
        }
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]
    return {
        "spec": spec,
        "operations": operations,
        "openapi_url": request.route_url("api_openapi"),
        "opendata_url": request.route_url("opendata"),
        "example": request.route_url("api_fiches", _query={"updated_since": "2026-11-01", "limit": "20"}),
    }
