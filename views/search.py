"""The public search: the results page and the JSON search API (both over request.search)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

from pyramid.response import Response
from pyramid.view import view_config

from guide.i18n import _
from guide.models import utcnow
from guide.print import helplines
from guide.services import public_labels, translations
from search_index import FACETS, SORTS, SearchParameterError, SearchParams, SearchResults
from search_index.understanding import parse_when

from .agenda_public import search_events_json
from .api import APIError
from .rendering import spoken_language

FLAG_FACETS = {"gratuit", "accessible", "ouvert"}


def _query(params: SearchParams, **changes: Any) -> str:
    """The query string of the results page with some parameters changed (None removes one)."""
    values: dict[str, Any] = {"q": params.q, **params.filters()}
    if not params.corriger:
        values["corriger"] = "0"
    if params.sort != "pertinence":
        values["tri"] = params.sort
    if params.position:
        values["lat"], values["lon"] = params.position
    values.update(changes)
    values.pop("page", None) if "page" not in changes else None
    return urlencode({k: v for k, v in values.items() if v not in (None, "", False)})


def _facet_label(request: Any, name: str, value: Any, labels: Any = None) -> str:
    """A filter in the visitor's language: a public's plain label and a shipped thématique's translation
    (guide.services.public_labels), an opening time told again for this request (the index's facets may come
    from the search cache, shared by every language), a spoken language by Babel's name (the API's labels
    too: :func:`_api_label`, with the API's ``labels``)."""
    labels = labels or request.public_labels
    if name == "public":
        return labels.public(value.value)
    if name == "thematique":
        return labels.thematique(value.value, value.label)
    if name == "quand":
        when = parse_when(value.value)
        return when.label if when is not None else value.label
    if name == "langue":
        return spoken_language(request.locale_name, value.value, value.label)
    return value.label


def facet_links(request: Any, params: SearchParams, results: SearchResults) -> list[dict[str, Any]]:
    """Each facet with its values: label, count, selected, and the link that toggles it."""
    base = request.route_path("search")
    out = []
    for name, label in FACETS.items():
        values = []
        for value in results.facets.get(name, []):
            selected = value.selected
            if name in FLAG_FACETS:
                change = {name: None if selected else "1"}
            elif name == "quand":
                change = {name: None if selected else value.value}
            else:
                change = {name: None if selected else value.value}
            values.append(
                {
                    "label": _facet_label(request, name, value),
                    "count": value.count,
                    "selected": selected,
                    "url": f"{base}?{_query(params, **change)}",
                }
            )
        if values:
            out.append({"name": name, "label": label, "values": values})
    return out


@view_config(route_name="search", renderer="search_results.jinja2")
def search_page(request: Any) -> Any:
    try:
        params = request.search.parse_params(request.GET)
    except SearchParameterError as error:
        request.response.status = 400
        return {
            "error": error.message,
            "params": SearchParams(q=str(request.GET.get("q", ""))[:200]),
            "results": None,
            "facets": [],
            "sorts": SORTS,
            "page_url": lambda n: "",
            "query": _query,
        }
    results = request.search.search_params(params)
    # names and summaries in the visitor's language where a reviewed translation exists (a copy: the
    # results may be the search cache's)
    language = request.locale_name if request.locale_name in translations.LANGUAGES else None
    if language is not None:
        results = dataclasses.replace(results, hits=[hit.in_language(language) for hit in results.hits])
    base = request.route_path("search")
    typed = params
    params = understood_params(params, results)
    return {
        "error": None,
        "params": params,
        "typed": typed,
        "results": results,
        "facets": facet_links(request, params, results),
        "active": active_filters(request, params, results),
        "sorts": SORTS,
        "page_url": lambda n: f"{base}?{_query(params, page=n)}",
        "sort_url": lambda s: f"{base}?{_query(params, tri=None if s == 'pertinence' else s)}",
        "suggestion_url": (f"{base}?{_query(params, q=results.suggestion)}" if results.suggestion else None),
        "original_url": (f"{base}?{_query(params, corriger='0')}" if results.corrected else None),
        "clear_url": f"{base}?{urlencode({'q': params.q})}" if params.q else base,
        "hit_languages": translations.LANGUAGES,
        # nothing found: the emergency and listening numbers the coordination keeps (those of the printed
        # guide's back cover) — at night or on a Sunday the CCAS's reception does not answer, the 115 does
        "helplines": helplines(request.dbsession) if not results.hits else [],
    }


def understood_params(params: SearchParams, results: SearchResults) -> SearchParams:
    """The parameters as the search understood them: the text without the time words, the filters read
    from the query's words (« ouvert le samedi » → quand=samedi) set, so that every link of the page (a
    facet, a page, removing a filter) keeps them."""
    return dataclasses.replace(
        params,
        q=results.text,
        quand=results.filters.get("quand"),
        ouvert="ouvert" in results.filters,
    )


def active_filters(request: Any, params: SearchParams, results: SearchResults) -> list[dict[str, str]]:
    """The filters in force, each with its label and the link that removes it."""
    base = request.route_path("search")
    out = []
    for name, values in results.facets.items():
        for value in values:
            if value.selected:
                out.append(
                    {
                        "label": _facet_label(request, name, value),
                        "url": f"{base}?{_query(params, **{name: None})}",
                        "without": results.without.get(name, 0),
                    }
                )
    return out


def _api_label(request: Any, name: str, value: Any) -> str:
    """A facet value's label in the API: the page's label (:func:`_facet_label`) from the API's labels (the
    guide's plain labels, not the coordination's renaming), the index's French labels of the flags
    (« Gratuit », « Ouvert maintenant »…) translated by the catalogue as the page does."""
    label = _facet_label(request, name, value, public_labels.for_api(request))
    return request.translate(label) if label and name in FLAG_FACETS else label


def _api_message(request: Any, results: SearchResults) -> str | None:
    """What the results page tells the visitor about these results (:attr:`SearchResults.message`), in the
    request's language."""
    if results.corrected is not None and results.partial:
        message = _(
            "Résultats pour « ${q} » : aucun service ne correspond à tous les mots ; voici les plus proches.",
            mapping={"q": results.corrected},
        )
    elif results.corrected is not None:
        message = _("Résultats pour « ${q} »", mapping={"q": results.corrected})
    elif results.partial:
        message = _("Aucun service ne correspond à tous les mots ; voici les plus proches.")
    else:
        return None
    return request.translate(message)


def _thematique_labels(request: Any, hits: list[Any]) -> dict[str, str]:
    """The labels of the thématiques of these hits by slug, in the request's language (from the search
    service's catalogue of facet labels, kept in step with the database by its polls: no query per
    request; a hit carries its thématiques' slugs only)."""
    slugs = {slug for hit in hits for slug in hit.thematiques}
    if not slugs:
        return {}
    known = request.search.catalogue(request.dbsession).thematiques
    return {
        slug: public_labels.for_api(request).thematique(slug, known[slug][0])
        for slug in sorted(slugs)
        if slug in known
    }


def _hit_json(hit: Any, request: Any, thematiques: dict[str, str]) -> dict[str, Any]:
    return {
        "id": hit.uid,
        "nom": hit.nom,
        "resume": hit.resume,
        "structure": hit.structure,
        "quartier": hit.quartier or None,
        "url": request.application_url + hit.url,
        "thematiques": hit.thematiques,
        "thematiques_libelles": [thematiques.get(slug, slug) for slug in hit.thematiques],
        "horaires": hit.horaires,
        "aujourd_hui": hit.today,
        "ouvert_maintenant": hit.status.is_open,
        "statut_ouverture": hit.status.label,
        "distance_km": hit.distance_km,
        "latitude": hit.latitude,
        "longitude": hit.longitude,
    }


@view_config(route_name="api_search")
def api_search(request: Any) -> Any:
    """GET /api/v1/search?q=&thematique=&public=&quartier=&ouvert=1&page= — results by relevance.

    The answer is serialized once per cached search, minute and language (:meth:`SearchService.derived`):
    a repeated search (real traffic repeats itself) costs neither the labels nor the JSON again."""
    try:
        params = request.search.parse_params(request.GET)
    except SearchParameterError as error:
        raise APIError(400, error.message) from None
    results = request.search.search_params(params)
    minute = utcnow().replace(second=0, microsecond=0)  # the events' block is kept for the minute
    key = ("api", request.locale_name, request.application_url, request.search.events_version(), minute)
    body = request.search.service.derived(results, key, lambda: _api_body(request, params, results))
    return Response(body=body, content_type="application/json")


def _api_body(request: Any, params: SearchParams, results: SearchResults) -> bytes:
    language = request.locale_name if request.locale_name in translations.LANGUAGES else None
    if language is not None:  # reviewed translations of the names and summaries, as on the results page
        results = dataclasses.replace(results, hits=[hit.in_language(language) for hit in results.hits])
    thematiques = _thematique_labels(request, results.hits)
    answer = {
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "tri": results.sort,
        "suggestion": results.suggestion,
        # How the query was understood (issue 9): the words searched, the correction whose results these
        # are, whether no fiche has every word (the closest are given), the filters read from the words.
        "recherche": results.text,
        "correction": results.corrected,
        "correspondance_partielle": results.partial,
        "message": _api_message(request, results),
        "mots_ignores": list(results.ignored),
        "filtres": {
            name: {
                "valeur": value,
                "libelle": next(
                    (_api_label(request, name, v) for v in results.facets.get(name, []) if v.selected), value
                ),
                "lu_dans_la_recherche": name in results.from_query,
            }
            for name, value in results.filters.items()
        },
        "results": [_hit_json(hit, request, thematiques) for hit in results.hits],
        # the agenda's published events not over whose words match (first page only): views/agenda_public.py
        "evenements": search_events_json(request, params),
        "facets": {
            name: [
                {
                    "valeur": v.value,
                    "libelle": _api_label(request, name, v),
                    "nombre": v.count,
                    "choisi": v.selected,
                }
                for v in values
            ]
            for name, values in results.facets.items()
        },
    }
    return json.dumps(answer).encode()
