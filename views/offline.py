"""The service worker's script at the site's root, the offline page and the accessibility statement
(issue 12). What may be kept offline is decided in guide/offline.py; the statement's facts are in
guide/services/accessibility.py."""

from __future__ import annotations

from functools import cache
from typing import Any

from pyramid.response import Response
from pyramid.view import view_config

from guide.offline import STATIC_DIR
from guide.services import accessibility
from guide.settings import settings_of
from guide.tweens import site_address


@cache
def _service_worker_source() -> bytes:
    return (STATIC_DIR / "sw.js").read_bytes()


@view_config(route_name="service_worker", request_method="GET")
def service_worker(request: Any) -> Response:
    """guide/static/sw.js at the root, so that its scope is the whole site (every language prefix)."""
    response = Response(
        body=_service_worker_source(),
        content_type="text/javascript",
        charset="utf-8",
        conditional_response=True,
    )
    response.headers["Service-Worker-Allowed"] = (
        site_address(settings_of(request.registry).site_url).path + "/"
    )
    response.cache_control = "no-cache"  # the browser asks each time; a deployment is seen at once
    response.md5_etag()
    return response


@view_config(route_name="offline", renderer="offline.jinja2", request_method="GET")
def offline_page(request: Any) -> dict[str, Any]:
    """Shown by the service worker for a page that was never opened, when there is no network."""
    return {}


@view_config(route_name="accessibility", renderer="accessibility.jinja2", request_method="GET")
def accessibility_statement(request: Any) -> dict[str, Any]:
    settings = settings_of(request.registry)
    return {
        "statement": accessibility.STATEMENT,
        "criteria": accessibility.CRITERIA,
        "rate": accessibility.conformity_rate(),
        "contact_email": settings.coordination_email,
        "contact_address": settings.coordination_address,
    }
