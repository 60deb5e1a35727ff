"""« Mots simples »: the visitor's easy-to-read mode, and the readability hint of the fiche form.

The mode is a display preference, no account: ``?simple=1`` (or ``0``) on any page — a link a front-desk
agent can share — turns it on (off) and is remembered in the ``guide_simple`` cookie for a year. The
switch in every page's header is such a link, to the same page. In the mode the ``<body>`` has the class
``mode-simple`` (larger text, ``guide/static/simple.css``), the fiche page leads with its « En mots simples »
summary and pictograms, the long description waits behind « En savoir plus ». Shared caches are safe: a
page that sets the cookie is private (guide.caching), the others vary on ``Cookie`` and on the URL; the
search results cache holds data, not HTML, and the mode does not change the data.

``readability`` answers the form's live hint (guide/static/falc.js): partners only, the text cut at
600 characters, no side effect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pyramid.events import NewRequest
from pyramid.view import view_config

from guide.permissions import Permission
from guide.services import easy_read, readability
from schemas.falc import hint_texts

from .rendering import spoken_language

COOKIE = "guide_simple"
PARAM = "simple"
COOKIE_MAX_AGE = 365 * 24 * 3600
_ON = {"1", "oui", "on", "true"}
_OFF = {"0", "non", "off", "false"}


def _param(request: Any) -> bool | None:
    """The mode asked by the URL (?simple=1 / ?simple=0), None when the URL says nothing (or nonsense)."""
    try:
        value = request.GET.get(PARAM)
    except (UnicodeDecodeError, KeyError):  # an undecodable query string: nothing asked
        return None
    if not isinstance(value, str):
        return None
    value = value.strip().lower()[:10]
    return True if value in _ON else False if value in _OFF else None


def simple_mode(request: Any) -> bool:
    asked = _param(request)
    if asked is not None:
        return asked
    return request.cookies.get(COOKIE) == "1"


def simple_switch_url(request: Any) -> str:
    """This page with the mode switched (other query parameters kept)."""
    try:
        query = [(k, v) for k, v in request.GET.items() if k != PARAM]
    except (UnicodeDecodeError, KeyError):
        query = []
    query.append((PARAM, "0" if request.simple_mode else "1"))
    return f"{request.path}?{urlencode(query)}"


def _remember(event: NewRequest) -> None:
    request = event.request
    asked = _param(request)
    if asked is None or (request.cookies.get(COOKIE) == "1") == asked:
        return

    def set_cookie(request: Any, response: Any) -> None:
        if asked:
            response.set_cookie(COOKIE, "1", max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="Lax")
        else:
            response.delete_cookie(COOKIE, path="/")

    request.add_response_callback(set_cookie)


@view_config(
    route_name="readability", renderer="json", request_method="POST", permission=Permission.PARTNER_SPACE
)
def readability_check(request: Any) -> Any:
    text = request.POST.get("text", "")
    report = readability.analyse(text if isinstance(text, str) else "")
    request.response.cache_control = "private, no-store"
    return {**report.as_dict(request.localizer.translate), **hint_texts(report, request.localizer.translate)}


def readability_hint(request: Any, text: str) -> dict[str, Any]:
    """The hint of a saved text, translated (templates/easy_read_preview.jinja2)."""
    report = readability.analyse(text)
    return {**hint_texts(report, request.localizer.translate), "ok": report.ok}


def _language_namer(request: Any) -> Any:
    """Spoken languages named in the reader's language (Babel's names, as on the fiche page)."""
    locale = request.locale_name
    return lambda code: spoken_language(locale, code)


def includeme(config: Any) -> None:
    config.add_request_method(simple_mode, "simple_mode", property=True, reify=True)
    config.add_request_method(simple_switch_url, "simple_switch_url")
    config.add_request_method(readability_hint, "readability_hint")
    config.add_request_method(
        lambda request, version, org=None: easy_read.easy_read(
            version, org, request.public_labels.thematique, _language_namer(request)
        ),
        "easy_read",
    )
    config.add_request_method(
        lambda request, ids: easy_read.easy_read_for(
            request.dbsession, ids, request.public_labels.thematique, _language_namer(request)
        ),
        "easy_read_for",
    )
    config.add_subscriber(_remember, NewRequest)
