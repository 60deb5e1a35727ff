"""Read-only JSON API (``/api/v1/``), for the site's own scripts, partners and re-users. Only published
versions. Described by an OpenAPI 3.1 document (views/openapi.py) served at ``/api/v1/openapi.json`` and
read as a page at ``/api/v1/``.

* Listing ``/api/v1/fiches`` with ``updated_since`` (fiches whose public content changed since then, from the
  search index's change log, which every public change writes in its own transaction) and keyset paging:
  ``after`` is the cursor given by the previous page (the number of its last fiche; fiches are ordered by
  number), so a page never repeats nor skips a fiche when others are published meanwhile, and costs the
  same at page 1 and page 1,000 (no OFFSET).
* ``ETag`` / ``If-None-Match`` (304) on every answer, from guide.caching like any public page.
* CORS for GET: ``Access-Control-Allow-Origin: *`` without credentials (the API answers the same to
  everyone, no cookie is read); preflights (``OPTIONS``) answered for ``If-None-Match``.
* A per-client rate limit (``ratelimit.api``) answered ``429`` with ``Retry-After``.
* Errors are JSON with a French message: ``{"erreur": "…"}``, unknown ``/api/`` addresses included.
* Language: the address's prefix, as on the HTML pages (``/en/api/v1/fiches``; no prefix: French; never
  ``Accept-Language`` nor the switcher's cookie, so that an answer depends on its URL only). It chooses the
  language of the *labels* beside the codes (``publics`` → ``publics_libelles``…: the guide's plain labels,
  not the coordination's renaming of them, which is for the guide's pages; a shipped thématique translated
  by slug, a thématique the coordination renamed as written), of the hours
  sentences and of the error messages; the codes (slugs, data·inclusion values) never change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.events import NewResponse, subscriber
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import exception_view_config, notfound_view_config, view_config
from sqlalchemy import func, or_, select

from guide import hours
from guide.hours import language as hours_language
from guide.i18n import _, ngettext
from guide.models import Fiche, FicheVersion, IndexChange
from guide.ratelimit import client_ip
from guide.services import public_labels, translations
from guide.services.export.datainclusion import di_publics, source_thematiques
from guide.services.fiches import public_fiches_query
from guide.vocabulary import ACCESSIBILITY_FIELDS

from .public import fiche_url
from .rendering import spoken_language
from .resources import MAX_ID, as_id

PAGE_DEFAULT = 50
PAGE_MAX = 100
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After",
}


class APIError(Exception):
    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@exception_view_config(APIError, renderer="json")
def api_error(error: APIError, request: Any) -> Any:
    request.response.status = error.status
    if error.retry_after is not None:
        request.response.headers["Retry-After"] = str(error.retry_after)
    return {"erreur": request.translate(error.message)}  # the language of the address (« /en/api/… »)


@notfound_view_config(path_info=r"^/api(/|$)", renderer="json")
def api_not_found(request: Any) -> Any:
    # no append_slash here: Pyramid would check a CSRF token in its wrapper, and a POST would fail with it
    if request.path_info == "/api/v1" and request.method in ("GET", "HEAD"):
        return HTTPSeeOther(request.route_url("api_doc"))
    request.response.status = 404
    return {
        "erreur": request.translate(
            _("Cette adresse ne correspond à aucune ressource de l'API. Voir /api/v1/openapi.json.")
        )
    }


@subscriber(NewResponse)
def cors_headers(event: NewResponse) -> None:
    """CORS on every answer of the API (errors and 304 included): readable by any site's scripts."""
    # the raw WSGI path: path_info decodes it, and raises on the undecodable ones the tweens refuse (400)
    if event.request.environ.get("PATH_INFO", "").startswith("/api/"):
        for name, value in CORS_HEADERS.items():
            event.response.headers.setdefault(name, value)


@view_config(route_name="api_fiches", request_method="OPTIONS")
@view_config(route_name="api_fiche", request_method="OPTIONS")
@view_config(route_name="api_search", request_method="OPTIONS")
@view_config(route_name="api_openapi", request_method="OPTIONS")
def preflight(request: Any) -> Any:
    response = Response(status=204)
    response.headers.update(
        {
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "If-None-Match",
            "Access-Control-Max-Age": "86400",
            "Cache-Control": "public, max-age=86400",
        }
    )
    return response


def check_rate(request: Any) -> None:
    """Count one API call of this client; 429 with Retry-After past ``ratelimit.api``."""
    limiter = request.ratelimiter
    address = client_ip(request)
    if not limiter.hit("api", address):
        wait = max(1, limiter.retry_after("api", address))
        raise APIError(
            429,
            ngettext(
                "Trop de requêtes : réessayez dans ${count} seconde.",
                "Trop de requêtes : réessayez dans ${count} secondes.",
                wait,
                request,
            ),
            retry_after=wait,
        )


def structure_id(fiche: Fiche) -> str:
    """The structure's stable id, « source--id » (the source's prefix never doubled), « guide--<id> »."""
    organisation = fiche.organisation
    if organisation.source and organisation.source_id:
        prefix = f"{organisation.source}--"
        sid = organisation.source_id
        return sid if sid.startswith(prefix) else prefix + sid
    return f"guide--{organisation.id}"


def hours_sentence(value: str) -> str:
    """The hours as a sentence in the request's language (guide.hours.language: « Monday: 09:00–12:00… »),
    the French description where the week cannot be told in it (French itself, unreadable hours)."""
    return hours_language.week(value) or hours.describe_safe(value)


def fiche_json(request: Any, fiche: Fiche, version: FicheVersion) -> dict[str, Any]:
    organisation = fiche.organisation
    labels = public_labels.for_api(request)  # the plain labels of the request's language beside the codes
    status = hours.status(version.horaires, version.fermetures)
    quartiers = [lieu.quartier.nom for lieu in version.lieux if lieu.quartier is not None]
    return {
        "id": fiche.stable_id,
        "nom": version.nom,
        "presentation_resume": version.resume,
        "mots_simples": version.mots_simples,  # « En mots simples » (FALC), "" when not written
        "presentation_detail": version.description,
        "type": version.type_service,
        "type_libelle": labels.type(version.type_service) or None,
        "structure": {
            "id": structure_id(fiche),
            "nom": organisation.nom,
            "siret": organisation.siret,
            "telephone": organisation.telephone,
            "courriel": organisation.courriel,
            "site_web": organisation.site_web,
            "url": request.route_url("organisation", slug=organisation.slug),
        },
        "thematiques": [t.slug for t in version.thematiques],
        "thematiques_libelles": labels.thematiques(version.thematiques),
        "thematiques_data_inclusion": source_thematiques(fiche)
        if version is fiche.published_version
        else sorted({code for t in version.thematiques for code in t.di_codes}),
        "publics": version.publics,
        "publics_libelles": labels.publics(version.publics),
        "publics_data_inclusion": di_publics(version.publics),
        "publics_precisions": version.publics_precisions,
        "age_min": version.age_min,
        "age_max": version.age_max,
        "conditions_acces": version.conditions_acces,
        "conditions_acces_libelles": labels.conditions(version.conditions_acces),
        "conditions_precisions": version.conditions_precisions,
        "frais": version.frais,
        "frais_libelle": labels.frais(version.frais) or None,
        "frais_precisions": version.frais_precisions,
        "langues": version.langues,
        "langues_libelles": [spoken_language(request.locale_name, code) for code in version.langues or []],
        "horaires_accueil": version.horaires,
        "horaires_texte": hours_sentence(version.horaires),
        "horaires_precisions": version.horaires_precisions,
        "fermetures": version.fermetures,
        "ouvert_maintenant": status.is_open,
        "statut_ouverture": status.label,
        "quartier": quartiers[0] if quartiers else None,
        "lieux": [
            {
                "nom": lieu.nom,
                "adresse": lieu.adresse,
                "complement_adresse": lieu.complement_adresse,
                "code_postal": lieu.code_postal,
                "commune": lieu.commune,
                "code_insee": lieu.code_insee,
                "latitude": lieu.latitude,
                "longitude": lieu.longitude,
                "quartier": lieu.quartier.nom if lieu.quartier else None,
                "accessibilite": {name: getattr(lieu, name).value for name in ACCESSIBILITY_FIELDS},
            }
            for lieu in version.lieux
        ],
        "contact_nom_prenom": version.contact_nom,
        "telephone": version.telephone or organisation.telephone,
        "courriel": version.courriel or organisation.courriel,
        "site_web": version.site_web or organisation.site_web,
        "url": request.route_url("fiche", ref=fiche_url(request, fiche).rsplit("/", 1)[-1]),
        "date_maj": (fiche.published_at.date().isoformat() if fiche.published_at else None),
        "date_confirmation": fiche.confirmed_at.isoformat() if fiche.confirmed_at else None,
    }


@view_config(route_name="api_fiche", renderer="json", request_method=("GET", "HEAD"))
def api_fiche(request: Any) -> Any:
    check_rate(request)
    ref = request.matchdict["id"]
    fiche = None
    if len(ref) <= 220 and ref.isprintable():
        fiche = request.dbsession.scalar(select(Fiche).where(Fiche.uid == ref))
    number = as_id(ref)
    if fiche is None and number is not None:
        fiche = request.dbsession.get(Fiche, number)
    if fiche is None or not fiche.is_public or fiche.published_version is None:
        raise APIError(404, _("Aucune fiche publiée ne porte cet identifiant."))
    data = fiche_json(request, fiche, fiche.published_version)
    # reviewed translations only (guide.services.translations): a draft is never public
    data["traductions"] = translations.public_texts(fiche)
    return data


# --- the listing ---------------------------------------------------------------------------------


def parse_after(value: str) -> int:
    """``after``: the ``curseur_suivant`` of the previous page, the number of the last fiche it listed."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise APIError(400, _("after : nombre entier attendu (le curseur_suivant de la page précédente)."))
    return min(int(text), MAX_ID)  # past the largest possible id: an empty last page


def parse_since(value: str) -> dt.datetime:
    """``updated_since`` as an aware UTC datetime: a date (its midnight, UTC) or an ISO 8601 date-time
    (without zone: UTC)."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC)
        elif 10 < len(text) <= 40:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        else:
            raise ValueError(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:  # 0001-01-01T00:00:00+05:00 or 9999-12-31T23:59:59-05:00
            return (
                dt.datetime.min.replace(tzinfo=dt.UTC)
                if moment.year == 1
                else dt.datetime.max.replace(tzinfo=dt.UTC)
            )
    except ValueError:
        raise APIError(
            400,
            _(
                "updated_since : date invalide ; format attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ "
                "(ISO 8601), par exemple 2026-11-01 ou 2026-11-01T08:00:00Z."
            ),
        ) from None


def parse_limit(value: str | None) -> int:
    if value is None:
        return PAGE_DEFAULT
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= PAGE_MAX:
        raise APIError(400, _("limit : nombre entier entre 1 et ${max} attendu.", mapping={"max": PAGE_MAX}))
    return int(text)


KNOWN_LISTING_PARAMS = frozenset({"updated_since", "after", "limit"})


@view_config(route_name="api_fiches", renderer="json", request_method=("GET", "HEAD"))
def api_fiches(request: Any) -> Any:
    """GET /api/v1/fiches?updated_since=&after=&limit= — public fiches by id, a page at a time."""
    check_rate(request)
    params = request.GET
    unknown = sorted(set(params) - KNOWN_LISTING_PARAMS)
    if unknown:
        names = ", ".join(name[:40] for name in unknown[:3])
        raise APIError(
            400,
            _(
                "Paramètre inconnu : ${names} (attendus : updated_since, after, limit).",
                mapping={"names": names},
            ),
        )
    limit = parse_limit(params.get("limit"))
    conditions = []
    since_text = params.get("updated_since")
    if since_text is not None:
        since = parse_since(since_text)
        changed = select(IndexChange.fiche_id).where(IndexChange.at >= since)
        conditions.append(or_(Fiche.id.in_(changed), Fiche.published_at >= since))
    after = params.get("after")
    if after is not None:
        conditions.append(Fiche.id > parse_after(after))
    page = request.dbsession.scalars(
        public_fiches_query(*conditions).order_by(Fiche.id).limit(limit + 1)
    ).all()
    more = len(page) > limit
    page = page[:limit]
    changed_at = _changed_at(request, [f.id for f in page])
    items = []
    for fiche in page:
        item = fiche_json(request, fiche, fiche.published_version)
        moment = changed_at.get(fiche.id) or fiche.published_at
        item["modifie_le"] = moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None
        items.append(item)
    next_cursor = str(page[-1].id) if more and page else None
    next_url = None
    if next_cursor:
        query = {"after": next_cursor, "limit": str(limit)}
        if since_text is not None:
            query["updated_since"] = since_text
        next_url = request.route_url("api_fiches", _query=query)
        request.response.headers["Link"] = f'<{next_url}>; rel="next"'
    result = {"fiches": items, "nombre": len(items), "curseur_suivant": next_cursor, "suivant": next_url}
    if since_text is not None and after is None:
        result["retirees"] = _withdrawn_since(request, since)
    return result


WITHDRAWN_MAX = 1000


def _withdrawn_since(request: Any, since: dt.datetime) -> list[str]:
    """Ids of fiches public before and no longer public (archived, unpublished) that changed since ``since``:
    what a re-user's copy must drop. On the first page of a synchronisation only, at most WITHDRAWN_MAX."""
    changed = select(IndexChange.fiche_id).where(IndexChange.at >= since)
    rows = request.dbsession.scalars(
        select(Fiche).where(Fiche.id.in_(changed), ~Fiche.is_public).order_by(Fiche.id).limit(WITHDRAWN_MAX)
    )
    return [fiche.stable_id for fiche in rows]


def _changed_at(request: Any, ids: list[int]) -> dict[int, dt.datetime]:
    if not ids:
        return {}
    rows = request.dbsession.execute(
        select(IndexChange.fiche_id, func.max(IndexChange.at))
        .where(IndexChange.fiche_id.in_(ids))
        .group_by(IndexChange.fiche_id)
    ).all()
    result = {}
    for fiche_id, moment in rows:
        if isinstance(moment, str):  # SQLite gives max() of a column as its stored text
            moment = dt.datetime.fromisoformat(moment)
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        result[fiche_id] = moment
    return result
