"""The core's own files: static files, the uploaded logos (served from the shared storage), the translations
of the form libraries.

Everything else the core offers (request session, security, mail…) is included one by one by the app
factory, ``guide.make_config``.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response

from . import storage


def serve_logo(request: Any) -> Response:
    """An organisation's logo from the shared storage (every app server sees it), with its sha256 as ETag:
    a browser asks again with If-None-Match and gets a 304."""
    stored = storage.get(request.dbsession, storage.LOGOS, request.matchdict.get("name", ""))
    if stored is None:
        raise HTTPNotFound()
    response = Response(body=stored.data, content_type=stored.content_type, conditional_response=True)
    response.etag = stored.sha256
    response.cache_control = "public, max-age=86400"
    return response


def includeme(config: Any) -> None:
    config.add_static_view("static", "guide:static", cache_max_age=3600)
    # uploaded logos, re-encoded on upload (guide.services.uploads), stored in the database (guide.storage)
    config.add_route("logo", "/media/logos/{name}")
    config.add_view(serve_logo, route_name="logo")  # a POST gets the CSRF check (400), like every view
    config.add_translation_dirs("colander:locale/", "deform:locale/")
