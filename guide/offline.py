"""Versioned static files and what the service worker needs from the server (issue 12, offline and light).

* **One version for the static files**: a hash of every file under ``guide/static`` and of Leaflet's
  package version, computed once at start-up. Pyramid's cache buster adds it to every URL
  ``request.static_path``/``static_url`` makes (``?v=…``); a request that names the current version is
  answered ``Cache-Control: public, max-age=31536000, immutable`` (a new deployment changes the URLs, so
  nothing stale is ever served), a request without it keeps the static view's short policy. The service
  worker names its caches after the same version, so a deployment empties them.
* **What the service worker may keep**: it caches a page only when the server says so with the
  ``Guide-Offline: page`` header (:data:`OFFLINE_HEADER`), which this module sets on a successful GET of
  a public route of :data:`OFFLINE_ROUTES` — never the partner space, the coordination, a login form, the
  API, nor the selection (a visitor's own, kept in their session); the worker also refuses a response that
  is ``private`` or ``no-store`` (every response that carries or sets a session cookie is, see
  :mod:`guide.caching`). Nothing personal is cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import xstatic.pkg.leaflet
from pyramid.events import NewResponse
from pyramid.static import QueryStringConstantCacheBuster

from .settings import settings_of

STATIC_DIR = Path(__file__).parent / "static"
REGISTRY_KEY = "guide.static_version"
OFFLINE_HEADER = "Guide-Offline"
IMMUTABLE = "public, max-age=31536000, immutable"
# The public pages a visitor may find again offline (route names; views/__init__.py). The shared
# selection (/s/<token>) is a read-only copy anyone with the link sees, not a session's selection.
OFFLINE_ROUTES = frozenset(
    {
        "home",
        "search",
        "fiche",
        "organisation",
        "quartier",
        "selection_shared",
        "accessibility",
        "public_freshness",
    }
)


def compute_version(directory: Path = STATIC_DIR) -> str:
    """12 hex digits that change whenever a static file (or Leaflet's version) changes."""
    digest = hashlib.sha256(f"leaflet {xstatic.pkg.leaflet.VERSION}\n".encode())
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def static_version(request: Any) -> str:
    return str(request.registry[REGISTRY_KEY])


def site_root(request: Any) -> str:
    """The site's root URL without the final slash (``site_url``): the service worker's scope is the whole
    site, whatever language prefix the page's own URLs carry."""
    return settings_of(request.registry).site_url.rstrip("/")


def service_worker(request: Any) -> dict[str, str]:
    """What offline.js needs to register the worker: its URL (at the root, with the static version and the
    offline page to keep) and its scope."""
    root = site_root(request)
    offline = request.route_url("offline", _app_url=root)
    return {
        "url": request.route_url(
            "service_worker", _app_url=root, _query={"v": request.static_version, "offline": offline}
        ),
        "scope": root + "/",
    }


def generated_at(request: Any) -> dt.datetime:
    """When the page was made: the offline banner says « informations du » this date."""
    return dt.datetime.now(dt.UTC)


def _is_static(request: Any) -> bool:
    route = getattr(request, "matched_route", None)
    return route is not None and route.name.startswith("__")  # Pyramid names static views "__<name>/"


def set_offline_headers(event: NewResponse) -> None:
    request, response = event.request, event.response
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return
    if _is_static(request):
        if request.GET.get("v") == request.registry[REGISTRY_KEY]:
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers.pop("Expires", None)  # the static view's one-hour date: max-age says more
        return
    route = getattr(request, "matched_route", None)
    if route is not None and route.name in OFFLINE_ROUTES and response.content_type == "text/html":
        response.headers[OFFLINE_HEADER] = "page"


def includeme(config: Any) -> None:
    version = compute_version()
    config.registry[REGISTRY_KEY] = version
    buster = QueryStringConstantCacheBuster(version, param="v")
    config.add_cache_buster("guide:static/", buster)
    config.add_cache_buster(xstatic.pkg.leaflet.BASE_DIR + "/", buster)
    config.add_request_method(static_version, "static_version", reify=True)
    config.add_request_method(service_worker, "service_worker", reify=True)
    config.add_request_method(generated_at, "generated_at", reify=True)
    config.add_subscriber(set_offline_headers, NewResponse)
