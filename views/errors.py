"""Error pages: never a bare 500 for a person's input, always a French explanation."""

from __future__ import annotations

import logging
from typing import Any

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from guide.services.fiches import SimultaneousSave

log = logging.getLogger(__name__)


@forbidden_view_config(renderer="error.jinja2")
def forbidden(request: Any) -> Any:
    if request.user is None:
        return HTTPSeeOther(request.route_path("login", _query={"next": request.path_qs}))
    request.response.status = 403
    return {
        "title": "Accès refusé",
        "message": "Cette page ne fait pas partie de votre espace : elle concerne une autre structure, "
        "ou demande des droits de coordination.",
    }


@notfound_view_config(renderer="error.jinja2", append_slash=HTTPSeeOther)
def notfound(request: Any) -> Any:
    request.response.status = 404
    return {"title": "Page introuvable", "message": "Cette adresse ne correspond à aucune page du guide."}


@exception_view_config(BadCSRFToken, renderer="error.jinja2")
def bad_csrf(request: Any) -> Any:
    request.response.status = 400
    return {
        "title": "Formulaire expiré",
        "message": "Ce formulaire a expiré (ou a été envoyé depuis un autre site). Revenez en arrière, "
        "rechargez la page puis envoyez-le à nouveau : ce que vous avez saisi est encore dans "
        "votre navigateur.",
    }


@exception_view_config(SimultaneousSave, renderer="error.jinja2")
def simultaneous_save(request: Any) -> Any:
    request.response.status = 409
    return {
        "title": "Enregistrement simultané",
        "message": "Quelqu'un a enregistré cette fiche au même instant que vous. Revenez en arrière : "
        "votre saisie est encore dans le formulaire ; enregistrez à nouveau pour voir les différences.",
    }
