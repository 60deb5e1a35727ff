"""Error pages: never a bare 500 for a person's input, always a French explanation."""

from __future__ import annotations

import logging
from typing import Any

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPSeeOther
from pyramid.response import Response
from pyramid.threadlocal import get_current_request
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from guide.i18n import _
from guide.services.fiches import SimultaneousSave

log = logging.getLogger(__name__)


def t(message: Any) -> str:
    """A message of the guide's catalogue in the language of the current request (French by default)."""
    request = get_current_request()
    return request.localizer.translate(message) if request is not None else message.interpolate()


@forbidden_view_config(renderer="error.jinja2")
def forbidden(request: Any) -> Any:
    if request.user is None:
        return HTTPSeeOther(request.route_path("login", _query={"next": request.path_qs}))
    request.response.status = 403
    return {
        "title": t(_("Accès refusé")),
        "message": t(
            _(
                "Cette page ne fait pas partie de votre espace : elle concerne une autre structure, "
                "ou demande des droits de coordination."
            )
        ),
    }


@notfound_view_config(renderer="error.jinja2", append_slash=HTTPSeeOther)
def notfound(request: Any) -> Any:
    request.response.status = 404
    return {
        "title": t(_("Page introuvable")),
        "message": t(_("Cette adresse ne correspond à aucune page du guide.")),
    }


# A POST (PUT, DELETE…) to an unknown address: the same page, without append_slash, whose wrapper checks a
# CSRF token and would raise BadCSRFToken out of the exception view (a bare 500).
@notfound_view_config(renderer="error.jinja2", request_method=("POST", "PUT", "PATCH", "DELETE"))
def notfound_unsafe_method(request: Any) -> Any:
    return notfound(request)


@exception_view_config(BadCSRFToken, renderer="error.jinja2")
def bad_csrf(request: Any) -> Any:
    request.response.status = 400
    return {
        "title": t(_("Formulaire expiré")),
        "message": t(
            _(
                "Ce formulaire a expiré (ou a été envoyé depuis un autre site). Revenez en arrière, "
                "rechargez la page puis envoyez-le à nouveau : ce que vous avez saisi est encore dans "
                "votre navigateur."
            )
        ),
    }


@exception_view_config(SimultaneousSave, renderer="error.jinja2")
def simultaneous_save(request: Any) -> Any:
    request.response.status = 409
    return {
        "title": "Enregistrement simultané",
        "message": "Quelqu'un a enregistré cette fiche au même instant que vous. Revenez en arrière : "
        "votre saisie est encore dans le formulaire ; enregistrez à nouveau pour voir les différences.",
    }


@exception_view_config(Exception, renderer="error.jinja2")
def unexpected_error(exc: Exception, request: Any) -> Any:
    """Whatever went wrong, a French page (JSON for the API) carrying the site's headers, never a trace.

    The transaction is aborted by pyramid_tm (it sees the squashed exception) and pyramid_retry still
    retries what is retryable (it inspects ``request.exception``).
    """
    if isinstance(exc, HTTPException):  # redirects, 404s… raised by views: Pyramid's own answer
        return exc
    log.error("unexpected error on %s %s", request.method, request.path_qs[:300], exc_info=exc)
    if request.environ.get("PATH_INFO", "").startswith("/api/"):
        response = Response(
            json_body={"erreur": t(_("Une erreur inattendue s'est produite. Réessayez dans un instant."))},
            status=500,
            charset="utf-8",
        )
        return response
    request.response.status = 500
    return {
        "title": t(_("Erreur inattendue")),
        "message": t(
            _(
                "Une erreur inattendue s'est produite de notre côté ; elle est enregistrée. "
                "Réessayez dans un instant. Si vous remplissiez un formulaire, revenez en arrière : ce que "
                "vous avez saisi est encore dans votre navigateur."
            )
        ),
    }
