"""Public pages without a session, shared caching for them, and CSRF for the session-less selection.

* An anonymous visitor gets no cookie until they use the selection or log in (warehouse's ``uses_session``
  idea): templates read flash messages only when a session cookie came with the request
  (``request.has_session``), and the selection buttons carry a CSRF token only for a visitor who already
  has a session (``request.session_csrf_token()``).
* Every response goes through one ``NewResponse`` subscriber (after the session's cookie is set, so that it
  sees it): a GET answered 200 to an anonymous visitor without a session and without a cookie being set
  is ``Cache-Control: public, max-age=60`` with an ``ETag`` (``If-None-Match`` gives a 304); anything that
  carries or sets a session (logged-in users, the selection) is ``private, no-store``. ``Vary: Cookie``
  keeps a shared cache from giving a visitor's page to another. No ``Last-Modified`` on pages: they show
  « ouvert maintenant », computed at each request, so only the body's hash says whether a page changed
  (a file response keeps the ``Last-Modified`` of its file).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pyramid.csrf import check_csrf_token, get_csrf_token
from pyramid.events import NewResponse
from pyramid.exceptions import BadCSRFToken

from .settings import settings_of

SESSION_COOKIE = "guide_session"  # the cookie name given to the session factory in guide.security
PUBLIC_MAX_AGE = 60  # seconds: short, a published change shows within a minute


def has_session(request: Any) -> bool:
    """True when the browser sent a session cookie (reading ``request.session`` would not tell: it makes
    an empty session, which costs nothing until something is written to it)."""
    return SESSION_COOKIE in request.cookies


def session_csrf_token(request: Any) -> str:
    """The CSRF token for a visitor who has a session, else "" (making one would create the session)."""
    return get_csrf_token(request) if has_session(request) else ""


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.hostname.lower()}" + (f":{port}" if port and port != default else "")


def check_same_origin_or_token(request: Any) -> None:
    """CSRF check for the selection's forms, which anonymous visitors send before they have a session.

    A token needs a session, and a session means a cookie on every public page; so the browser's
    ``Origin`` header (or, failing it, ``Referer``: the site's Referrer-Policy keeps it for same-origin
    requests) is compared with ``site_url``: a browser never lets a page of another site forge it, so a
    cross-site POST is refused. A request with neither header (old browsers) must carry the session's
    token instead, as every other form does. Raises BadCSRFToken (the « Formulaire expiré » page).
    """
    claimed = request.headers.get("Origin")
    if claimed is not None and claimed.strip() not in ("", "null"):
        claimed = claimed.split(" ")[-1]
    elif request.referer:
        claimed = request.referer
    else:
        claimed = None
    if claimed is not None:
        expected = _origin(settings_of(request.registry).site_url)
        if expected is None or _origin(claimed) != expected:
            raise BadCSRFToken("Cross-site request")
        return
    if not has_session(request):
        raise BadCSRFToken("No origin and no session")
    check_csrf_token(request, raises=True)


def set_cache_headers(event: NewResponse) -> None:
    request, response = event.request, event.response
    if response.headers.getall("Set-Cookie"):
        _private(response)
        return
    if "Cache-Control" in response.headers:  # static files and views that chose their own policy
        return
    if has_session(request):  # logged in, or using the selection: a page of their own
        _private(response)
        return
    _vary_cookie(response)
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        response.cache_control = "no-store"
        return
    if "Retry-After" in response.headers or "Refresh" in response.headers:  # a page that waits for work
        response.cache_control = "no-store"
        return
    response.cache_control = f"public, max-age={PUBLIC_MAX_AGE}"
    if "ETag" not in response.headers and isinstance(response.app_iter, (list, tuple)):
        response.md5_etag()
    response.conditional_response = True  # If-None-Match (or If-Modified-Since for files) gives a 304


def _vary_cookie(response: Any) -> None:
    response.vary = tuple(dict.fromkeys([*(response.vary or ()), "Cookie"]))


def _private(response: Any) -> None:
    """Never stored by a shared cache nor kept by the browser."""
    _vary_cookie(response)
    response.cache_control = "private, no-store"
    response.headers.pop("ETag", None)


def includeme(config: Any) -> None:
    config.add_request_method(has_session, "has_session", property=True, reify=True)
    config.add_request_method(session_csrf_token, "session_csrf_token")
    config.add_subscriber(set_cache_headers, NewResponse)
