"""Security headers on every response: pages, PDFs, the API, static files, errors and redirects.

The Content-Security-Policy allows scripts and style sheets from the site only: no inline ``<script>``, no
``on*=`` attribute, no ``style=`` attribute, no ``<style>`` element, no ``eval``. Had it been there, the
stored XSS through the map (issue 7: an ``<img onerror>`` in a lieu's name) would not have run even with the
bug in ``guide/static/map.js``. Images may also come from ``data:`` (the QR codes of the printable pages)
and from the origin of the ``map.tile_url`` setting when map tiles are configured.

PDFs get the same headers, with ``object-src 'self'`` (Chromium shows a PDF through an internal ``<embed>``
that ``object-src 'none'`` blocks, crbug.com/271452) and inline styles for the viewer's own page: a PDF is
never read as HTML (``nosniff``) and runs none of our scripts.

``includeme`` adds the tween, under the ingress so that it wraps every other tween and the exception views.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from pyramid.exceptions import ConfigurationError
from pyramid.tweens import INGRESS, MAIN

from .settings import Settings, coerce, settings_of

# Browser features the guide uses: geolocation, for « Autour de moi » on the results page; nothing else.
DISABLED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "sync-xhr",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(["geolocation=(self)", *(f"{name}=()" for name in DISABLED_FEATURES)])


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: its origin (``{s}`` as a ``*.`` subdomain), or None
    for tiles served by the site itself (a path) or no tiles at all."""
    tile_url = (tile_url or "").strip()
    if not tile_url or (tile_url.startswith("/") and not tile_url.startswith("//")):
        return None
    parts = urlsplit(tile_url if "://" in tile_url else "https:" + tile_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if parts.scheme not in ("http", "https") or not host or any(c in host for c in "{}; ,'\"\\"):
        raise ConfigurationError(
            f"map.tile_url {tile_url!r}: expected an http(s) URL template such as "
            "https://{s}.tile.example.org/{z}/{x}/{y}.png ({s} only as the first label of the host)"
        )
    return f"{parts.scheme}://{host}"


# The one page other sites may frame: the partners' widget (views/widget.py). Framing it is harmless (it is
# public, sets no cookie and has no form), so widget.frame_ancestors is "*" by default; a list of origins
# narrows it. Every other response keeps frame-ancestors 'none' and X-Frame-Options: DENY.
WIDGET_PATHS = frozenset({"/widget"})


def frame_ancestors(value: str) -> list[str]:
    """The CSP sources of the widget.frame_ancestors setting: "*" or http(s) origins."""
    sources = (value or "").split() or ["'none'"]
    for source in sources:
        parts = urlsplit(source)
        if source in ("*", "'none'", "'self'"):
            continue
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
            or any(c in source for c in ";,'\"\\")
        ):
            raise ConfigurationError(
                f"widget.frame_ancestors {value!r}: expected * or origins such as https://www.example.org"
            )
    return [s.rstrip("/") for s in sources]


def content_security_policy(
    settings: Settings | Mapping[str, Any], *, pdf: bool = False, widget: bool = False
) -> str:
    images = ["'self'", "data:"]
    source = tile_source(coerce(settings).map_tile_url)
    if source:
        images.append(source)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"] if pdf else ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],  # the service worker (guide/static/sw.js, served at the site's root)
        "manifest-src": ["'self'"],
        "object-src": ["'self'"] if pdf else ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": frame_ancestors(coerce(settings).widget_frame_ancestors) if widget else ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(
    settings: Settings | Mapping[str, Any], *, pdf: bool = False, widget: bool = False
) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(settings, pdf=pdf, widget=widget),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    }
    if widget:
        del headers["X-Frame-Options"]  # it cannot list origins; frame-ancestors says who may frame
    return headers


def security_headers_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    settings = settings_of(registry)
    pages = security_headers(settings)  # computed once: a bad map.tile_url stops the start-up
    pdfs = security_headers(settings, pdf=True)
    widgets = security_headers(settings, widget=True)

    def tween(request: Any) -> Any:
        response = handler(request)
        headers = pdfs if response.content_type == "application/pdf" else pages
        # the raw WSGI path: request.path_info decodes it and raises on an undecodable one (« %FF »)
        if request.environ.get("PATH_INFO", "") in WIDGET_PATHS and response.content_type == "text/html":
            headers = widgets
        for name, value in headers.items():
            if name not in response.headers:  # a view may set a stricter policy of its own
                response.headers[name] = value
        return response

    return tween


def includeme(config: Any) -> None:
    # The outermost tween: the responses of the request filters (guide.tweens) carry the headers too.
    config.add_tween(
        "guide.headers.security_headers_tween_factory",
        under=INGRESS,
        over=("guide.tweens.host_tween_factory", "guide.tweens.nul_byte_tween_factory", MAIN),
    )
