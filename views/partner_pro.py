"""The partner space: information for professionals (never public) on fiches, organisations and lieux,
and ``request.pro_blocks`` that shows it on the guide's pages."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from guide.models import Fiche, Lieu, Organisation
from guide.permissions import Permission
from guide.services import pro_info
from schemas.directory import ProInfoSchema

from .rendering import process_form

# --- information for professionals ------------------------------------------------------------
# Never public (guide.services.pro_info): read by any member of a partner organisation, the référents and
# the coordination on the public pages; written by those who may edit the object (its own organisation).


def pro_blocks(request: Any, fiche: Any = None, organisation: Any = None, lieux: Any = ()) -> Any:
    """``request.pro_blocks(...)`` for templates/pro_info.jinja2: [] for the public."""
    return pro_info.blocks_for(request.dbsession, request.user, fiche, organisation, lieux or ())


PRO_INTRO = (
    "Ces informations ne sont jamais montrées au public : seuls les membres des structures partenaires, "
    "les référents et la coordination les voient, sur les pages du guide une fois connectés. "
    "Elles s'appliquent à l'instant, sans validation."
)


def _pro_edit(request: Any, target: Any, title: str, back: str) -> Any:
    result = process_form(request, ProInfoSchema(), appstruct=pro_info.values_of(request.dbsession, target))
    if result.valid:
        assert result.appstruct is not None
        pro_info.save(request.dbsession, target, result.appstruct, request.user)
        request.session.flash("Les informations pour les professionnels sont enregistrées.", "success")
        return HTTPSeeOther(back)
    return {
        "form": result,
        "title": f"Informations pour les professionnels : {title}",
        "intro": PRO_INTRO,
        "breadcrumb": (title, back),
    }


@view_config(route_name="fiche_pro_edit", renderer="form_page.jinja2", permission=Permission.EDIT)
def fiche_pro_edit(request: Any) -> Any:
    fiche: Fiche = request.context
    return _pro_edit(request, fiche, fiche.title, request.route_path("fiche_manage", fiche_id=fiche.id))


@view_config(route_name="org_pro_edit", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def org_pro_edit(request: Any) -> Any:
    organisation: Organisation = request.context
    back = request.route_path("org_manage", org_id=organisation.id)
    return _pro_edit(request, organisation, organisation.nom, back)


@view_config(route_name="lieu_pro_edit", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def lieu_pro_edit(request: Any) -> Any:
    lieu: Lieu = request.context
    mine = [o for o in lieu.organisations if request.has_permission(Permission.EDIT_ORGANISATION, o)]
    back = request.route_path("org_manage", org_id=mine[0].id) if mine else request.route_path("dashboard")
    return _pro_edit(request, lieu, lieu.nom or lieu.one_line_address, back)
