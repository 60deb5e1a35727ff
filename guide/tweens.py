"""Request filters that protect every view at once.

From the outside in (see guide/core.py): ``host_tween_factory`` refuses a request addressed to another site
and makes every absolute URL ``site_url``-based; ``malformed_request_tween_factory`` refuses what no browser
sends (undecodable paths, query strings and bodies, multipart without boundary, too large bodies, too many
fields); ``nul_byte_tween_factory`` refuses NUL bytes. Each answers 400 (or 413) with a French page, or a
JSON ``{"erreur": …}`` under /api/, never a 500.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from markupsafe import escape
from pyramid.response import Response
from pyramid.tweens import INGRESS

from .settings import settings_of

FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def _is_api(request: Any) -> bool:
    # the raw PATH_INFO: it may not decode, and this must never raise
    return str(request.environ.get("PATH_INFO", "")).startswith("/api/")


def refuse(request: Any, status: int, title: str, message: str) -> Response:
    """A French error page (JSON under /api/) that needs nothing of the request but its raw path."""
    if _is_api(request):
        return Response(json_body={"erreur": message}, status=status, charset="utf-8")
    home = site_address(settings_of(request.registry).site_url).path + "/"
    html = (
        f"<!doctype html><html lang=fr><meta charset=utf-8><title>{escape(title)}</title>"
        f"<h1>{escape(title)}</h1><p>{escape(message)}</p>"
        f'<p><a href="{escape(home)}">Revenir à l\'accueil du guide</a></p></html>'
    )
    return Response(html, status=status, content_type="text/html", charset="utf-8")


# --------------------------------------------------------------------------------------------------
# Host header: only site_url's host; absolute URLs from site_url
# --------------------------------------------------------------------------------------------------

HOST_MESSAGE = (
    "Cette adresse ne correspond pas au guide : l'en-tête Host de la requête désigne un autre site. "
    "Utilisez l'adresse officielle du guide."
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_PORT = re.compile(r"(\[[0-9a-fA-F:.]+\]|[^\[\]:/@\s]+)(?::([0-9]{1,5}))?")


class SiteAddress(NamedTuple):
    scheme: str
    host: str  # lower case, IPv6 without brackets
    port: int
    path: str  # the script name: "" or "/guide"
    accepted: frozenset[tuple[str, int]]  # (host, port) pairs a request may be addressed to


@functools.lru_cache(maxsize=16)
def site_address(site_url: str, allowed_hosts: str = "") -> SiteAddress:
    """Where ``site_url`` points, and which Host headers name it.

    A loopback site (localhost, 127.0.0.1, [::1]) also answers to the other loopback names on its port;
    ``allowed_hosts`` adds space-separated ``host[:port]`` names (port: site_url's by default).
    """
    parts = urlsplit(site_url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "localhost").lower().rstrip(".")
    port = parts.port or _DEFAULT_PORTS.get(scheme, 80)
    accepted = {(host, port)}
    if host in LOOPBACK_NAMES:
        accepted.update((name, port) for name in LOOPBACK_NAMES)
    for item in allowed_hosts.split():
        parsed = _parse_host(item, port)
        if parsed is not None:
            accepted.add(parsed)
    return SiteAddress(scheme, host, port, parts.path.rstrip("/"), frozenset(accepted))


def _parse_host(value: str, default_port: int) -> tuple[str, int] | None:
    """``host[:port]`` as (lower-case host without brackets or final dot, port), or None if malformed."""
    match = _HOST_PORT.fullmatch(value.strip())
    if match is None:
        return None
    host = match.group(1).lower().rstrip(".")
    if host.startswith("["):
        try:
            host = str(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            return None
    port = int(match.group(2)) if match.group(2) else default_port
    return host, port


def _forwarded_hosts(environ: dict[str, Any]) -> list[str]:
    """Every host a proxy (or an attacker) claims: X-Forwarded-Host and RFC 7239 Forwarded host=."""
    hosts = [h for h in str(environ.get("HTTP_X_FORWARDED_HOST", "")).split(",") if h.strip()]
    for element in str(environ.get("HTTP_FORWARDED", "")).split(","):
        for pair in element.split(";"):
            name, _, value = pair.partition("=")
            if name.strip().lower() == "host":
                hosts.append(value.strip().strip('"'))
    return hosts


def host_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """Refuse a request whose Host (or X-Forwarded-Host) is not site_url's, then rewrite the request's
    scheme, host and script name from site_url: route_url, application_url, static_url, redirects, mails,
    QR codes and PDFs name the site's own address whatever the client (or a proxy) sent.

    A Host without a port stands for site_url's default port (a proxy on 443 in front of waitress)."""

    settings = settings_of(registry)
    site_address(settings.site_url, settings.allowed_hosts)  # a malformed site_url stops start-up

    def tween(request: Any) -> Any:
        settings = settings_of(registry)  # read per request: a test server learns its port after start-up
        site = site_address(settings.site_url, settings.allowed_hosts)
        environ = request.environ
        claimed = _forwarded_hosts(environ)
        if environ.get("HTTP_HOST") is not None:  # HTTP/1.0 may omit it: then site_url's is used
            claimed.append(str(environ["HTTP_HOST"]))
        parsed = [_parse_host(value, _DEFAULT_PORTS.get(site.scheme, site.port)) for value in claimed]
        if any(p is None or p not in site.accepted for p in parsed):
            return refuse(request, 400, "Adresse inconnue", HOST_MESSAGE)
        host, port = site.host, site.port
        if site.host in LOOPBACK_NAMES and parsed:
            # a developer on http://127.0.0.1:6543 for a localhost site keeps the address they typed (the
            # session cookie is theirs); loopback names reach nobody else, so nothing can be poisoned.
            host, port = parsed[0]
        name = f"[{host}]" if ":" in host else host
        environ["wsgi.url_scheme"] = site.scheme
        environ["HTTP_HOST"] = name if port == _DEFAULT_PORTS.get(site.scheme) else f"{name}:{port}"
        environ["SERVER_NAME"] = host
        environ["SERVER_PORT"] = str(port)
        # the language prefix (« /en ») that guide.i18n's middleware moved out of the path stays in it
        environ["SCRIPT_NAME"] = site.path + str(environ.get("guide.language_prefix", ""))
        return handler(request)

    return tween


# --------------------------------------------------------------------------------------------------
# Malformed requests: undecodable, too large, too many fields
# --------------------------------------------------------------------------------------------------

BAD_ENCODING = (
    "L'adresse ou le formulaire envoyé contient des caractères illisibles (ils ne sont pas encodés en "
    "UTF-8). Revenez en arrière, retapez le texte puis envoyez-le à nouveau."
)
BAD_FORM = (
    "Le formulaire envoyé est mal formé et n'a pas pu être lu. Revenez en arrière, rechargez la page "
    "puis envoyez-le à nouveau."
)
TOO_MANY_FIELDS = "L'adresse ou le formulaire envoyé contient trop de champs ({count} au plus)."
TOO_LARGE = (
    "L'envoi est trop volumineux ({size} au plus). S'il contient un fichier, choisissez-en un plus petit."
)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} Mo".replace(".", ",")


def _check_pairs(raw: bytes, max_fields: int) -> str | None:
    """None if a query string (or an urlencoded body) decodes as UTF-8, percent-escapes included, and has
    at most ``max_fields`` fields; else the French reason."""
    try:
        parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=max_fields,
        )
    except UnicodeError:
        return BAD_ENCODING
    except ValueError:
        return TOO_MANY_FIELDS.format(count=max_fields)
    return None


_FILENAME = re.compile(rb";\s*filename\*?=", re.IGNORECASE)


def _multipart_texts_decode(body: bytes, boundary: bytes) -> bool:
    """True if every text (non-file) part of a multipart body is UTF-8."""
    for part in body.split(b"--" + boundary):
        head, _, content = part.partition(b"\r\n\r\n")
        if _FILENAME.search(head):
            continue
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _check_form(request: Any, body: bytes, max_fields: int) -> str | None:
    """None if a form body is well-formed UTF-8 with at most ``max_fields`` fields, else the reason.

    Fields are counted on the raw body, before any parsing: 5,000 fields are refused in microseconds."""
    content_type = request.content_type
    header = request.headers.get("Content-Type", "")
    match = re.search(r"charset\s*=\s*\"?([^\";\s]+)", header, re.IGNORECASE)
    if match and match.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return BAD_ENCODING
    if content_type == FORM_URLENCODED:
        if body.count(b"&") + 1 > max_fields:
            return TOO_MANY_FIELDS.format(count=max_fields)
        return _check_pairs(body, max_fields)
    found = re.search(r"boundary\s*=\s*(\"[^\"]{1,200}\"|[^;\s]{1,200})", header, re.IGNORECASE)
    if found is None:
        return BAD_FORM
    boundary_bytes = found.group(1).strip('"').encode("latin-1", "replace")
    if body.count(b"--" + boundary_bytes) - 1 > max_fields:
        return TOO_MANY_FIELDS.format(count=max_fields)
    if not _multipart_texts_decode(body, boundary_bytes):
        return BAD_ENCODING
    return None


def malformed_request_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """A browser never sends an undecodable path, query string or form, a multipart form without boundary,
    a body larger than ``request.max_bytes`` or more than ``request.max_fields`` fields: answer 400 or 413
    with a French message before any view (or WebOb) trips over it."""

    settings = settings_of(registry)
    max_bytes = settings.request_max_bytes
    max_fields = settings.request_max_fields

    def check(request: Any) -> Response | None:
        environ = request.environ
        try:
            str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8")
        except UnicodeError:
            return refuse(request, 400, "Adresse illisible", BAD_ENCODING)
        reason = _check_pairs(str(environ.get("QUERY_STRING", "")).encode("latin-1"), max_fields)
        if reason is not None:
            return refuse(request, 400, "Adresse illisible", reason)
        length = environ.get("CONTENT_LENGTH") or ""
        if length:
            if not length.strip().isdigit():
                return refuse(request, 400, "Requête invalide", BAD_FORM)
            if int(length) > max_bytes:
                return refuse(
                    request, 413, "Envoi trop volumineux", TOO_LARGE.format(size=_megabytes(max_bytes))
                )
        elif request.is_body_readable:  # chunked: read at most one byte too many
            data = request.body_file_raw.read(max_bytes + 1)
            if len(data) > max_bytes:
                return refuse(
                    request, 413, "Envoi trop volumineux", TOO_LARGE.format(size=_megabytes(max_bytes))
                )
            request.body = data
        if request.content_type in (FORM_URLENCODED, MULTIPART) and request.content_length:
            reason = _check_form(request, request.body, max_fields)
            if reason is not None:
                return refuse(request, 400, "Formulaire illisible", reason)
            request.POST  # noqa: B018 - parsed once here (WebOb caches it), so no view trips over it
        return None

    def tween(request: Any) -> Any:
        try:
            refused = check(request)
        except (ValueError, LookupError, UnicodeError, EOFError, OSError, DeprecationWarning):
            # WebOb's parser giving up on what the checks above let through
            refused = refuse(request, 400, "Requête invalide", BAD_FORM)
        return refused if refused is not None else handler(request)

    return tween


# --------------------------------------------------------------------------------------------------
# NUL bytes
# --------------------------------------------------------------------------------------------------

NUL_MESSAGE = (
    "Votre saisie contient un caractère invisible non autorisé (octet nul). Revenez en arrière, "
    "retapez le texte puis envoyez-le à nouveau."
)
JSON_MESSAGE = "La requête contient un caractère invisible non autorisé (octet nul)."


def _has_nul(request: Any) -> bool:
    if "\x00" in request.path_info or "%00" in request.query_string:
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        try:
            return any(isinstance(value, str) and "\x00" in value for value in request.POST.values())
        except (ValueError, UnicodeDecodeError):
            return False
    return False


def nul_byte_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """No text field or URL may carry a NUL byte: PostgreSQL cannot store one and nobody types one."""

    def tween(request: Any) -> Any:
        try:
            nul = _has_nul(request)
        except UnicodeDecodeError:
            nul = True
        if nul:
            message = JSON_MESSAGE if _is_api(request) else NUL_MESSAGE
            return refuse(request, 400, "Requête invalide", message)
        return handler(request)

    return tween


def includeme(config: Any) -> None:
    """The request filters, outermost first; the security headers' tween wraps them (guide.headers)."""
    config.add_tween("guide.tweens.host_tween_factory", under=INGRESS)  # only site_url's Host; URLs from it
    config.add_tween(  # 400/413 for undecodable, oversized or overfull requests, before any view
        "guide.tweens.malformed_request_tween_factory", under="guide.tweens.host_tween_factory"
    )
    config.add_tween(  # refuse NUL bytes before any view
        "guide.tweens.nul_byte_tween_factory", under="guide.tweens.malformed_request_tween_factory"
    )
