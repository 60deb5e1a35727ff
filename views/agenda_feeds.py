"""The public agenda's iCalendar feeds (all, per thématique, quartier, organisation) and one event's
« Ajouter à mon agenda » file, cached in the process while the published events are unchanged. The
calendar itself is written by :mod:`guide.services.agenda_ical`."""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections import OrderedDict
from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from guide.services import agenda_ical
from guide.services import agenda_public as service
from guide.settings import settings_of
from search_index.events import EventIndex

from .agenda_public import event_url, organisation_of, quartier_of, thematique_of, translate
from .resources import as_id

FEED_MAX_AGE = 900  # seconds a calendar application or a shared cache may keep a feed
FEED_CACHE_SIZE = 64  # feeds kept in this process (FeedCache)


class FeedCache:
    """The feeds this process rendered lately, by address, kept while the published events are unchanged
    (their stamp, as for the search: :class:`search_index.events.EventIndex`) and at most ``FEED_MAX_AGE``
    seconds (a renamed lieu or organisation shows after that): a feed of 500 series takes about 2 s to
    write, and calendar applications poll. Bounded: ``FEED_CACHE_SIZE`` feeds of at most 2 MB."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._feeds: OrderedDict[str, tuple[Any, float, bytes]] = OrderedDict()

    def get(self, key: str, stamp: Any) -> bytes | None:
        with self._lock:
            found = self._feeds.get(key)
            if found is None or found[0] != stamp or time.monotonic() - found[1] > FEED_MAX_AGE:
                return None
            self._feeds.move_to_end(key)
            return found[2]

    def put(self, key: str, stamp: Any, body: bytes) -> None:
        if len(body) > 2_000_000:
            return
        with self._lock:
            self._feeds[key] = (stamp, time.monotonic(), body)
            self._feeds.move_to_end(key)
            while len(self._feeds) > FEED_CACHE_SIZE:
                self._feeds.popitem(last=False)


_FEED_CACHES: weakref.WeakKeyDictionary[Any, FeedCache] = weakref.WeakKeyDictionary()


def feed_cache(request: Any) -> FeedCache:
    """The process's cache, one per search service (as the events' index: search_index.BoundSearch.events)."""
    owner = request.registry["search"]
    cache = _FEED_CACHES.get(owner)
    if cache is None:
        cache = _FEED_CACHES.setdefault(owner, FeedCache())
    return cache


def _ics(request: Any, load: Any, *, name: str, filename: str, attachment: bool = False) -> Response:
    """The feed of the events ``load()`` returns, from the cache while the published events are unchanged."""
    key = request.path_url  # the query string is not read: it must not make new entries
    stamp = EventIndex.stamp(request.dbsession)
    cache = feed_cache(request)
    body = cache.get(key, stamp)
    if body is None:
        body = agenda_ical.calendar(
            load(),
            name=name,
            url_for=lambda e: event_url(request, e),
            site_url=settings_of(request.registry).site_url,
            description=translate(
                request, service._("Les rendez-vous du Guide du territoire de Clermont-Ferrand")
            ),
        )
        cache.put(key, stamp, body)
    response = Response(body=body, content_type="text/calendar", charset="utf-8")
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.cache_control = f"public, max-age={FEED_MAX_AGE}"
    response.etag = hashlib.sha256(body).hexdigest()[:32]
    response.conditional_response = True
    return response


@view_config(route_name="agenda_feed", request_method=("GET", "HEAD"))
def feed_all(request: Any) -> Response:
    return _ics(
        request,
        lambda: service.feed_events(request.dbsession),
        name=translate(request, service._("Agenda du Guide du territoire")),
        filename="agenda.ics",
    )


@view_config(route_name="agenda_thematique_feed", request_method=("GET", "HEAD"))
def feed_thematique(request: Any) -> Response:
    thematique = thematique_of(request)
    events = lambda: service.feed_events(request.dbsession, thematique_id=thematique.id)  # noqa: E731
    name = translate(
        request, service._("Agenda : ${name}", mapping={"name": request.public_labels.thematique(thematique)})
    )
    return _ics(request, events, name=name, filename=f"agenda-{thematique.slug}.ics")


@view_config(route_name="agenda_quartier_feed", request_method=("GET", "HEAD"))
def feed_quartier(request: Any) -> Response:
    quartier = quartier_of(request)
    events = lambda: service.feed_events(request.dbsession, quartier_id=quartier.id)  # noqa: E731
    name = translate(request, service._("Agenda du quartier ${name}", mapping={"name": quartier.nom}))
    return _ics(request, events, name=name, filename=f"agenda-{quartier.slug}.ics")


@view_config(route_name="agenda_organisation_feed", request_method=("GET", "HEAD"))
def feed_organisation(request: Any) -> Response:
    organisation = organisation_of(request)
    events = lambda: service.feed_events(request.dbsession, organisation_id=organisation.id)  # noqa: E731
    name = translate(request, service._("Agenda : ${name}", mapping={"name": organisation.nom}))
    return _ics(request, events, name=name, filename=f"agenda-{organisation.slug[:60]}.ics")


@view_config(route_name="agenda_event_ics", request_method=("GET", "HEAD"))
def event_ics(request: Any) -> Response:
    number = request.matchdict["id"]
    event_id = as_id(number)
    event = service.public_event(request.dbsession, event_id) if event_id is not None else None
    if event is None:
        raise HTTPNotFound()
    return _ics(
        request, lambda: [event], name=event.titre, filename=f"rendez-vous-{event.id}.ics", attachment=True
    )
