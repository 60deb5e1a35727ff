"""gzip for text responses: pages, style sheets, scripts, JSON, SVG — a phone on a slow connection
downloads a third of the bytes (issue 12, « léger »: home page and fiche ≤ 100 KB transferred).

waitress does not compress and no proxy is assumed in front of it. WebOb's own ``encode_content`` compresses
at level 9 (slow for what it gains) and leaves the ETag alone, so the tween calls the standard library's
:func:`gzip.compress` itself (level 6, ``mtime=0``: the same body always gives the same bytes, so the ETag
computed afterwards by :mod:`guide.caching` is stable). What is compressed:

* only when the client says it accepts gzip (``Accept-Encoding``, q-values honoured by WebOb);
* only text types (:data:`COMPRESSIBLE`), bodies of at least :data:`MIN_SIZE` bytes and at most
  :data:`MAX_SIZE` (a bound on the CPU an anonymous request can ask for), never a ``Range`` request, never a
  body already encoded, never a streamed body of unknown length;
* every compressible response says ``Vary: Accept-Encoding``, compressed or not, so that a shared cache
  keeps the two variants apart.

The tween sits just under the security headers (outermost), so that the request filters' own error pages and
the exception views are compressed too.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

from webob.acceptparse import AcceptEncodingValidHeader

MIN_SIZE = 1024  # below this, gzip's header and the CPU cost more than the bytes saved
MAX_SIZE = 1024 * 1024  # the largest body compressed (~20 ms of CPU); bigger files (open data) go as they are
LEVEL = 6  # zlib's default: most of level 9's gain at a third of its time
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "text/plain",
        "text/csv",
        "text/xml",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "application/manifest+json",
        "application/xml",
        "application/ld+json",
        "image/svg+xml",
    }
)


def _accepts_gzip(request: Any) -> bool:
    """True when the client named gzip (or ``*``) in a well-formed Accept-Encoding without ``q=0``; no
    header, or a malformed one, gets the identity bytes."""
    accept = request.accept_encoding
    if not isinstance(accept, AcceptEncodingValidHeader):
        return False
    try:
        return bool(accept.acceptable_offers(["gzip"]))
    except (ValueError, TypeError):
        return False


def _body_size(response: Any) -> int | None:
    """The body's size when it is known without reading a stream, else None."""
    if isinstance(response.app_iter, list | tuple):
        return sum(len(chunk) for chunk in response.app_iter)
    return response.content_length


def compress(request: Any, response: Any) -> Any:
    """``response`` gzipped in place when the rules of the module's docstring allow it."""
    if response.content_type not in COMPRESSIBLE:
        return response
    response.vary = tuple(dict.fromkeys([*(response.vary or ()), "Accept-Encoding"]))
    if (
        response.content_encoding
        or response.status_code not in (200, 203, 400, 403, 404, 410, 429, 500, 503)
        or request.method == "HEAD"
        or "Range" in request.headers
        or not _accepts_gzip(request)
    ):
        return response
    size = _body_size(response)
    if size is None or size < MIN_SIZE or size > MAX_SIZE:
        return response
    body = response.body  # reads a file response (a static file) once
    response.body = gzip.compress(body, compresslevel=LEVEL, mtime=0)
    response.content_encoding = "gzip"
    if response.etag:  # a static file's or a view's own ETag names the identity bytes
        response.etag = response.etag + "-gzip"
    return response


def compression_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    def tween(request: Any) -> Any:
        return compress(request, handler(request))

    return tween


def includeme(config: Any) -> None:
    config.add_tween(
        "guide.compression.compression_tween_factory",
        under="guide.headers.security_headers_tween_factory",
        over="guide.tweens.host_tween_factory",
    )
