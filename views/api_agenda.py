"""The agenda in the read-only API: ``GET /api/v1/evenements`` (published events not over yet, by number, a
page at a time, with the guide's filters) and ``GET /api/v1/evenements/{id}``. Same rules as the fiches'
API (views/api.py): JSON, French errors, ETag/304, CORS, the per-client rate limit. Described in the OpenAPI
document by :data:`PATHS` and :data:`SCHEMAS` (merged by views/openapi.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pyramid.view import view_config
from sqlalchemy import select

from guide import hours
from guide.models import Event, Quartier, Thematique
from guide.models.meta import utcnow
from guide.services import agenda, public_labels
from guide.services import agenda_public as service

from .agenda_public import event_url
from .api import PAGE_DEFAULT, PAGE_MAX, APIError, check_rate, parse_after, parse_limit, preflight
from .public import fiche_url
from .resources import as_id

NEXT_DATES = 10
SLUG = re.compile(r"^[a-z0-9-]{0,160}$")  # an organisation's slug (guide.text.slugify)
KNOWN_PARAMS = frozenset({"thematique", "quartier", "structure", "gratuit", "after", "limit"})


def _iso(moment: dt.datetime) -> str:
    return hours.local(moment).isoformat(timespec="seconds")


def event_json(request: Any, event: Event) -> dict[str, Any]:
    lieu = event.lieu
    fiche = service.public_fiche(event)
    return {
        "id": str(event.id),
        "titre": event.titre,
        "type": event.kind.value,
        "type_libelle": request.translate(event.kind_label),  # the address's language, as in views/api.py
        "description": event.description,
        "url": event_url(request, event),
        "ical": request.route_url("agenda_event_ics", id=event.id),
        "structure": {
            "nom": event.organisation.nom,
            "url": request.route_url("organisation", slug=event.organisation.slug),
        },
        "fiche": (
            request.route_url("fiche", ref=fiche_url(request, fiche).rsplit("/", 1)[-1])
            if fiche is not None
            else None
        ),
        "lieu": (
            {
                "nom": lieu.nom,
                "adresse": lieu.one_line_address,
                "quartier": lieu.quartier.nom if lieu.quartier else None,
                "latitude": lieu.latitude,
                "longitude": lieu.longitude,
            }
            if lieu is not None
            else None
        ),
        "adresse": event.adresse,
        "en_ligne": event.en_ligne,
        "thematiques": [t.slug for t in event.thematiques],
        "thematiques_libelles": public_labels.for_api(request).thematiques(event.thematiques),
        "publics": list(event.publics or []),
        "publics_libelles": public_labels.for_api(request).publics(event.publics or []),
        "gratuit": event.gratuit,
        "tarif": event.tarif,
        "inscription": event.inscription.value,
        "inscription_modalites": event.inscription_modalites,
        "debut": _iso(event.starts_at),
        "fin": _iso(event.ends_at),
        "recurrence": event.rrule or None,
        "recurrence_texte": agenda.describe(event) if event.rrule else None,
        "dates_annulees": sorted(event.cancelled or []),
        "prochaines_dates": [
            {"debut": _iso(o.start), "fin": _iso(o.end)}
            for o in agenda.next_occurrences(event, limit=NEXT_DATES)
        ],
    }


def _slug_filter(request: Any, name: str, model: Any, column: Any) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    found = request.dbsession.scalar(select(model.id).where(column == value[:200]))
    if found is None:
        raise APIError(400, f"{name} : code inconnu « {value[:60]} ».")
    return found


@view_config(route_name="api_events", request_method="OPTIONS")
@view_config(route_name="api_event", request_method="OPTIONS")
def events_preflight(request: Any) -> Any:
    return preflight(request)


@view_config(route_name="api_events", renderer="json", request_method=("GET", "HEAD"))
def api_events(request: Any) -> Any:
    """GET /api/v1/evenements?thematique=&quartier=&structure=&gratuit=&after=&limit="""
    check_rate(request)
    unknown = sorted(set(request.GET) - KNOWN_PARAMS)
    if unknown:
        names = ", ".join(name[:40] for name in unknown[:3])
        raise APIError(400, f"Paramètre inconnu : {names} (attendus : {', '.join(sorted(KNOWN_PARAMS))}).")
    thematique = _slug_filter(request, "thematique", Thematique, Thematique.slug)
    quartier = _slug_filter(request, "quartier", Quartier, Quartier.slug)
    organisation = None
    structure = request.GET.get("structure")
    if structure not in (None, ""):
        if not SLUG.fullmatch(structure):
            raise APIError(
                400, "structure : un code de 160 caractères au plus (lettres a-z, chiffres, tirets)."
            )
        found = service.organisation_by_slug(request.dbsession, structure)
        organisation = found.id if found is not None else -1  # no such structure: no event (documented)
    gratuit = request.GET.get("gratuit")
    if gratuit not in (None, "0", "1"):
        raise APIError(400, "gratuit : 1 (gratuits seulement) ou 0 (payants seulement).")
    limit = parse_limit(request.GET.get("limit"))
    now = utcnow()
    query = agenda.public_events_query(
        start=now,
        end=now + agenda.MAX_WINDOW,
        thematique=thematique,
        quartier=quartier,
        organisation=organisation,
        free=None if gratuit is None else gratuit == "1",
    )
    query = query.order_by(None).order_by(Event.id).limit(limit + 1)
    after = request.GET.get("after")
    if after is not None:
        query = query.where(Event.id > parse_after(after))
    page = list(request.dbsession.scalars(query))
    more = len(page) > limit
    page = page[:limit]
    cursor = str(page[-1].id) if more and page else None
    next_url = None
    if cursor:
        kept = {k: v for k, v in request.GET.items() if k != "after"}
        next_url = request.route_url("api_events", _query={**kept, "after": cursor})
        request.response.headers["Link"] = f'<{next_url}>; rel="next"'
    return {
        "evenements": [event_json(request, event) for event in page],
        "nombre": len(page),
        "curseur_suivant": cursor,
        "suivant": next_url,
    }


@view_config(route_name="api_event", renderer="json", request_method=("GET", "HEAD"))
def api_event(request: Any) -> Any:
    check_rate(request)
    ref = request.matchdict["id"]
    event = None
    number = as_id(ref)
    if number is not None:
        event = service.public_event(request.dbsession, number)
    if event is None:
        raise APIError(404, "Aucun événement publié et à venir ne porte ce numéro.")
    return event_json(request, event)


# --- the OpenAPI description (merged into views/openapi.py's document) -----------------------------------

STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_ERRORS = {
    "400": {"$ref": "#/components/responses/Erreur"},
    "404": {"$ref": "#/components/responses/Erreur"},
    "429": {"$ref": "#/components/responses/TropDeRequetes"},
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "l'ETag d'une réponse précédente : 304 si rien n'a changé",
    "schema": STRING,
}


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _enum(values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values}


def paths(thematiques: list[str], quartiers: list[str]) -> dict[str, Any]:
    """The agenda's operations, for the OpenAPI document."""
    return {
        "/evenements": {
            "get": {
                "operationId": "listeEvenements",
                "summary": "Les événements publiés de l'agenda, pas encore terminés (par numéro croissant)",
                "description": (
                    "Ateliers, réunions d'information, permanences exceptionnelles… Une série garde sa règle "
                    "de récurrence (RFC 5545) et ses prochaines dates. Pagination par curseur comme /fiches. "
                    "Les mêmes événements en iCalendar : /agenda.ics."
                ),
                "parameters": [
                    _param("thematique", "code d'une thématique du guide", _enum(["", *thematiques])),
                    _param("quartier", "code (slug) d'un quartier", _enum(["", *quartiers])),
                    _param(
                        "structure",
                        "code (slug) d'une structure, comme dans /structure/… (inconnu : liste vide)",
                        {"type": "string", "pattern": SLUG.pattern},
                    ),
                    _param("gratuit", "1 : gratuits seulement ; 0 : payants seulement", _enum(["0", "1"])),
                    _param(
                        "after",
                        "curseur_suivant de la page précédente",
                        {"type": "integer", "minimum": 0, "maximum": 999_999_999_999},
                    ),
                    _param(
                        "limit",
                        f"événements par page (1 à {PAGE_MAX}, {PAGE_DEFAULT} par défaut)",
                        {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
                    ),
                    _IF_NONE_MATCH,
                ],
                "responses": {
                    "200": {
                        "description": "Une page d'événements",
                        "content": _json("ListeEvenements"),
                    },
                    "304": {"description": "Inchangé depuis l'ETag donné dans If-None-Match"},
                    **_ERRORS,
                },
            }
        },
        "/evenements/{id}": {
            "get": {
                "operationId": "evenement",
                "summary": "Un événement publié et pas encore terminé, par son numéro",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": STRING, "example": "1"},
                    _IF_NONE_MATCH,
                ],
                "responses": {
                    "200": {
                        "description": "L'événement",
                        "content": _json("Evenement"),
                    },
                    "304": {"description": "Inchangé depuis l'ETag donné dans If-None-Match"},
                    **_ERRORS,
                },
            }
        },
    }


_DATES = {
    "type": "object",
    "required": ["debut", "fin"],
    "properties": {
        "debut": {"type": "string", "format": "date-time"},
        "fin": {"type": "string", "format": "date-time"},
    },
}
SEARCH_EVENT = {
    "type": "object",
    "required": ["id", "titre", "url", "prochaine_date"],
    "properties": {
        "id": STRING,
        "titre": STRING,
        "url": {"type": "string", "format": "uri"},
        "structure": STRING,
        "quartier": _NULLABLE_STRING,
        "prochaine_date": _DATES,
        "recurrence_texte": _NULLABLE_STRING,
    },
}
SCHEMAS: dict[str, Any] = {
    "Evenement": {
        "type": "object",
        "required": ["id", "titre", "type", "url", "ical", "structure", "debut", "fin", "prochaines_dates"],
        "properties": {
            "id": STRING,
            "titre": STRING,
            "type": STRING,
            "type_libelle": {**STRING, "description": "le type, dans la langue de l'adresse (/en/api/v1/…)"},
            "description": STRING,
            "url": {"type": "string", "format": "uri"},
            "ical": {"type": "string", "format": "uri", "description": "l'événement en iCalendar (.ics)"},
            "structure": {
                "type": "object",
                "required": ["nom", "url"],
                "properties": {"nom": STRING, "url": {"type": "string", "format": "uri"}},
            },
            "fiche": {"type": ["string", "null"], "format": "uri"},
            "lieu": {
                "type": ["object", "null"],
                "properties": {
                    "nom": STRING,
                    "adresse": STRING,
                    "quartier": _NULLABLE_STRING,
                    "latitude": {"type": ["number", "null"]},
                    "longitude": {"type": ["number", "null"]},
                },
            },
            "adresse": STRING,
            "en_ligne": {"type": "boolean"},
            "thematiques": {"type": "array", "items": STRING},
            "publics": {"type": "array", "items": STRING},
            "thematiques_libelles": {"type": "array", "items": STRING},
            "publics_libelles": {"type": "array", "items": STRING},
            "gratuit": {"type": "boolean"},
            "tarif": STRING,
            "inscription": {"type": "string", "enum": ["aucune", "conseillee", "obligatoire"]},
            "inscription_modalites": STRING,
            "debut": {
                "type": "string",
                "format": "date-time",
                "description": "première date (heure de Paris)",
            },
            "fin": {"type": "string", "format": "date-time"},
            "recurrence": {
                **_NULLABLE_STRING,
                "description": "règle RRULE (RFC 5545), heure locale de Paris",
            },
            "recurrence_texte": _NULLABLE_STRING,
            "dates_annulees": {"type": "array", "items": {"type": "string", "format": "date"}},
            "prochaines_dates": {"type": "array", "items": _DATES, "maxItems": NEXT_DATES},
        },
    },
    "ListeEvenements": {
        "type": "object",
        "required": ["evenements", "nombre", "curseur_suivant", "suivant"],
        "properties": {
            "evenements": {"type": "array", "items": {"$ref": "#/components/schemas/Evenement"}},
            "nombre": {"type": "integer", "minimum": 0},
            "curseur_suivant": {"type": ["string", "null"], "pattern": "^[0-9]+$"},
            "suivant": {"type": ["string", "null"], "format": "uri"},
        },
    },
}
