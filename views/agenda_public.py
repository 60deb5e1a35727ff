"""The public agenda's pages: the week's rendez-vous with the guide's filters (all, by thématique, by
quartier, by organisation), an event's page, and the agenda blocks of the home, organisation, fiche and
search pages. Its iCalendar feeds are ``views/agenda_feeds.py``. Rules live in
:mod:`guide.services.agenda_public` and :mod:`guide.services.agenda_ical`."""

from __future__ import annotations

import collections
import datetime as dt
import threading
from typing import Any
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import select

from guide import hours
from guide.models import Event, Quartier, Thematique
from guide.models.meta import utcnow
from guide.services import agenda
from guide.services import agenda_public as service
from guide.services.sharing import directions
from guide.settings import settings_of
from guide.text import slugify
from search_index import EventFilters

from .public import fiche_url
from .resources import as_id

HOME_WINDOW = dt.timedelta(days=62)  # the home page's « Agenda »: the next rendez-vous within two months
SEARCH_EVENTS = 3  # events shown above the fiches in the search results (a phone sees the fiches soon)


def event_path(request: Any, event: Event) -> str:
    return request.route_path("agenda_event", ref=f"{event.id}-{slugify(event.titre, 60)}")


def event_url(request: Any, event: Event) -> str:
    return request.route_url("agenda_event", ref=f"{event.id}-{slugify(event.titre, 60)}")


def translate(request: Any, message: Any) -> str:
    return request.localizer.translate(message)


def _plain(request: Any, name: str, value: Any, label: str, catalogue: Any = None) -> str:
    """A filter in the visitor's language: a public's plain label, a shipped thématique's translation
    (guide.services.public_labels), an event kind and « Gratuit » from the catalogue (service.Catalogue)."""
    if name == "public":
        return request.public_labels.public(str(value))
    if name == "thematique":
        return request.public_labels.thematique(str(value), label)
    if name in ("type", "gratuit") and catalogue is not None:
        return translate(request, catalogue.message(name, str(value)))
    return label


def _links(request: Any, base: str, filters: service.AgendaFilters, monday: Any, this_week: Any) -> Any:
    """Builds the page's links: ``link(**changes)`` keeps the filters and the week, changes some."""

    def link(**changes: Any) -> str:
        values: dict[str, Any] = dict(filters.values())
        if monday != this_week:
            values["semaine"] = monday.isoformat()
        values.update(changes)
        query = urlencode({k: v for k, v in values.items() if v not in (None, "", False)})
        return f"{base}?{query}" if query else base

    return link


def _agenda(
    request: Any, *, title: Any, feed_url: str, base: str, organisation: Any = None, fixed: Any = None
) -> Any:
    db = request.dbsession
    catalogue = service.Catalogue.load(db)
    today = hours.today()
    this_week = service.monday_of(today)
    params = dict(request.GET)
    if fixed:
        params = {**params, **fixed}
    try:
        filters = service.parse_filters(catalogue, params)
        monday = service.parse_week(request.GET.get("semaine"), today)
        page = service.parse_page(request.GET.get("page"))
    except service.AgendaParameterError as error:
        request.response.status = 400
        return {
            "error": translate(request, error.message),
            "title": title,
            "feed_url": feed_url,
            "week": None,
            "clear_url": base,
        }
    week = service.week_page(
        db,
        filters,
        monday,
        page=page,
        organisation_id=organisation.id if organisation is not None else None,
        catalogue=catalogue,
    )
    link = _links(request, base, filters, monday, this_week)
    facets = [
        {
            "name": facet.name,
            "label": translate(request, facet.label),
            "values": [
                {
                    "label": _plain(request, facet.name, value.value, value.label, catalogue),
                    "count": value.count,
                    "selected": value.selected,
                    "url": link(**{facet.name: None if value.selected else value.value}, page=None),
                }
                for value in facet.values
            ],
        }
        for facet in week.facets
    ]
    active = [
        {
            "label": _plain(request, name, value, catalogue.label(name, value), catalogue),
            "url": link(**{name: None}, page=None),
        }
        for name, value in filters.values().items()
    ]
    return {
        "error": None,
        "title": title,
        "organisation": organisation,
        "week": week,
        "facets": facets,
        "active": active,
        "clear_url": link(**dict.fromkeys(service.FILTER_NAMES), page=None),
        "page_url": lambda n: link(page=n if n > 1 else None),
        "week_url": lambda day: link(semaine=day.isoformat() if day != this_week else None, page=None),
        "this_week": this_week,
        "feed_url": feed_url,
        "h": helpers(request),
    }


def helpers(request: Any) -> dict[str, Any]:
    """What templates/agenda_macros.jinja2 needs to show an occurrence."""
    return {
        "event_path": lambda e: event_path(request, e),
        "time_label": service.time_label,
        "local_iso": service.local_iso,
        "year": hours.today().year,
    }


@view_config(route_name="agenda", renderer="agenda.jinja2", request_method=("GET", "HEAD"))
def agenda_page(request: Any) -> Any:
    return _agenda(
        request,
        title=translate(request, service._("Agenda")),
        feed_url=request.route_url("agenda_feed"),
        base=request.route_path("agenda"),
    )


def thematique_of(request: Any) -> Thematique:
    """The thématique of the address's slug (pages and feeds), else 404."""
    slug = request.matchdict["slug"]
    found = request.dbsession.scalar(select(Thematique).where(Thematique.slug == slug[:80]))
    if found is None:
        raise HTTPNotFound()
    return found


def quartier_of(request: Any) -> Quartier:
    """The quartier of the address's slug (pages and feeds), else 404."""
    slug = request.matchdict["slug"]
    found = request.dbsession.scalar(select(Quartier).where(Quartier.slug == slug[:140]))
    if found is None:
        raise HTTPNotFound()
    return found


def organisation_of(request: Any) -> Any:
    """The organisation of the address's slug (pages and feeds), else 404."""
    found = service.organisation_by_slug(request.dbsession, request.matchdict["slug"])
    if found is None:
        raise HTTPNotFound()
    return found


@view_config(route_name="agenda_thematique", renderer="agenda.jinja2", request_method=("GET", "HEAD"))
def agenda_thematique(request: Any) -> Any:
    thematique = thematique_of(request)
    return _agenda(
        request,
        title=translate(
            request,
            service._("Agenda : ${name}", mapping={"name": request.public_labels.thematique(thematique)}),
        ),
        feed_url=request.route_url("agenda_thematique_feed", slug=thematique.slug),
        base=request.route_path("agenda"),
        fixed={"thematique": thematique.slug},
    )


@view_config(route_name="agenda_quartier", renderer="agenda.jinja2", request_method=("GET", "HEAD"))
def agenda_quartier(request: Any) -> Any:
    quartier = quartier_of(request)
    return _agenda(
        request,
        title=translate(request, service._("Agenda du quartier ${name}", mapping={"name": quartier.nom})),
        feed_url=request.route_url("agenda_quartier_feed", slug=quartier.slug),
        base=request.route_path("agenda"),
        fixed={"quartier": quartier.slug},
    )


@view_config(route_name="agenda_organisation", renderer="agenda.jinja2", request_method=("GET", "HEAD"))
def agenda_organisation(request: Any) -> Any:
    organisation = organisation_of(request)
    return _agenda(
        request,
        title=translate(request, service._("Agenda : ${name}", mapping={"name": organisation.nom})),
        feed_url=request.route_url("agenda_organisation_feed", slug=organisation.slug),
        base=request.route_path("agenda_organisation", slug=organisation.slug),
        organisation=organisation,
    )


@view_config(route_name="agenda_event", renderer="agenda_event.jinja2", request_method=("GET", "HEAD"))
def event_page(request: Any) -> Any:
    ref = request.matchdict["ref"]
    number = ref.split("-", 1)[0]
    event_id = as_id(number)
    if event_id is None:
        raise HTTPNotFound()
    event = service.public_event(request.dbsession, event_id)
    if event is None:
        over = agenda.published_event(request.dbsession, event_id)
        if (
            over is not None
        ):  # published, and over: say so (an old link, a calendar) rather than « not found »
            return render_to_response(
                "agenda_over.jinja2",
                {
                    "event": over,
                    "organisation_agenda": request.route_path(
                        "agenda_organisation", slug=over.organisation.slug
                    ),
                },
                request=request,
                response=Response(status=410),
            )
        raise HTTPNotFound()
    canonical = event_path(request, event)
    if request.path != canonical:
        return HTTPMovedPermanently(location=canonical)
    lieu = event.lieu
    if lieu is not None:
        where = directions(lieu.latitude, lieu.longitude, lieu.nom, lieu.one_line_address)
    else:
        where = directions(None, None, event.adresse, event.adresse) if event.adresse else None
    fiche = service.public_fiche(event)
    occurrences = agenda.next_occurrences(event, limit=12)
    return {
        "event": event,
        "occurrences": occurrences,
        "jsonld": event_jsonld(request, event, occurrences[0] if occurrences else None),
        "series_text": agenda.describe(event) if event.is_series else "",
        "directions": where,
        "fiche": fiche,
        "fiche_url": fiche_url(request, fiche) if fiche is not None else None,
        "ics_url": request.route_path("agenda_event_ics", id=event.id),
        "organisation_agenda": request.route_path("agenda_organisation", slug=event.organisation.slug),
        "h": helpers(request),
        "tile_url": settings_of(request.registry).map_tile_url,
    }


def event_jsonld(request: Any, event: Event, next_date: Any) -> dict[str, Any] | None:
    """schema.org's Event for search engines and re-users (the next date of a series)."""
    if next_date is None:
        return None
    lieu = event.lieu
    places: list[dict[str, Any]] = []
    if lieu is not None:
        places.append(
            {
                "@type": "Place",
                "name": lieu.nom,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": lieu.adresse,
                    "postalCode": lieu.code_postal,
                    "addressLocality": lieu.commune,
                    "addressCountry": "FR",
                },
            }
        )
    elif event.adresse:
        places.append({"@type": "Place", "name": event.adresse, "address": event.adresse})
    if event.en_ligne:
        places.append({"@type": "VirtualLocation", "url": event_url(request, event)})
    mode = "Mixed" if event.en_ligne and len(places) > 1 else ("Online" if event.en_ligne else "Offline")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.titre,
        "description": event.description[:500],
        "url": event_url(request, event),
        "startDate": service.local_iso(next_date.start),
        "endDate": service.local_iso(next_date.end),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "isAccessibleForFree": event.gratuit,
        "organizer": {
            "@type": "Organization",
            "name": event.organisation.nom,
            "url": request.route_url("organisation", slug=event.organisation.slug),
        },
    }
    if places:
        data["location"] = places[0] if len(places) == 1 else places
    return data


# --- « Prochains rendez-vous » on an organisation's and a fiche's page ------------------------------------


def upcoming_events(request: Any, organisation: Any, fiche: Any = None) -> dict[str, Any]:
    """For templates/agenda_upcoming.jinja2: the coming occurrences of an organisation (or one of its
    fiches), and the link to the organisation's agenda."""
    found = service.upcoming_for(
        request.dbsession, organisation_id=organisation.id, fiche_id=fiche.id if fiche is not None else None
    )
    return {
        "occurrences": found,
        "h": helpers(request),
        "agenda_url": request.route_path("agenda_organisation", slug=organisation.slug),
    }


def next_rendez_vous(request: Any, limit: int = 3) -> dict[str, Any]:
    """For the home page: the next occurrences of the whole agenda."""
    now = utcnow()  # the next two months only: the home page must not expand a year of every series
    found = agenda.upcoming_occurrences(
        request.dbsession, start=now, end=now + HOME_WINDOW, limit=max(1, min(limit, 10)), now=now
    )
    return {"occurrences": found, "h": helpers(request), "agenda_url": request.route_path("agenda")}


# --- the « Agenda » block of the search results ------------------------------------------------------------


def search_events(request: Any, params: Any) -> dict[str, Any]:
    """For templates/agenda_search.jinja2: the events whose words match the search, on the first page of
    results, with the filters that apply to events (a language, an access or opening hours filter are the
    fiches' own: no event then)."""
    empty: dict[str, Any] = {"items": []}
    if (
        not params.q
        or params.page != 1
        or params.langue
        or params.accessible
        or params.ouvert
        or params.quand
    ):
        return empty
    filters = EventFilters(
        thematique=params.thematique, public=params.public, quartier=params.quartier, gratuit=params.gratuit
    )
    events = request.search.events(params.q, filters, limit=SEARCH_EVENTS)
    items = []
    for event in events:
        coming = agenda.next_occurrences(event, limit=1)
        if coming:
            items.append({"event": event, "next": coming[0]})
    return {"items": items, "h": helpers(request), "agenda_url": request.route_path("agenda")}


# The search API's « evenements » by (events' index, parameters, minute, language, site): the same searches
# come back (a page and its facets), and reading the events from the database is most of a cached search's
# time. Bounded; an entry is at most SEARCH_EVENTS small dictionaries.
_EVENTS_JSON: collections.OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = collections.OrderedDict()
_EVENTS_JSON_LOCK = threading.Lock()
EVENTS_JSON_CACHE = 256


def search_events_json(request: Any, params: Any) -> list[dict[str, Any]]:
    """The same events for the search API (``evenements``), kept for the minute."""
    if not params.q or params.page != 1:
        return []
    minute = utcnow().replace(second=0, microsecond=0)
    key = (request.search.events_version(), params, minute, request.locale_name, request.application_url)
    with _EVENTS_JSON_LOCK:
        cached = _EVENTS_JSON.get(key)
        if cached is not None:
            _EVENTS_JSON.move_to_end(key)
            return cached
    built = _events_json(request, params)
    with _EVENTS_JSON_LOCK:
        _EVENTS_JSON[key] = built
        while len(_EVENTS_JSON) > EVENTS_JSON_CACHE:
            _EVENTS_JSON.popitem(last=False)
    return built


def _events_json(request: Any, params: Any) -> list[dict[str, Any]]:
    found = search_events(request, params)
    return [
        {
            "id": str(item["event"].id),
            "titre": item["event"].titre,
            "url": event_url(request, item["event"]),
            "structure": item["event"].organisation.nom,
            "quartier": (
                item["event"].lieu.quartier.nom
                if item["event"].lieu is not None and item["event"].lieu.quartier is not None
                else None
            ),
            "prochaine_date": {
                "debut": hours.local(item["next"].start).isoformat(timespec="seconds"),
                "fin": hours.local(item["next"].end).isoformat(timespec="seconds"),
            },
            "recurrence_texte": agenda.describe(item["event"]) if item["event"].rrule else None,
        }
        for item in found["items"]
    ]


def includeme(config: Any) -> None:
    config.add_request_method(upcoming_events, "upcoming_events")
    config.add_request_method(search_events, "search_events")
    config.add_request_method(next_rendez_vous, "next_rendez_vous")
