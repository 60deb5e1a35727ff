"""The emergency and listening numbers printed on the back cover of the guide
(``/coordination/numeros-utiles``): list, add, edit, remove."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

import guide.print as printing
from guide.models import Helpline
from guide.security import Permission
from schemas.edition import HelplineSchema

from .rendering import process_form
from .resources import get_or_404

# --- coordination: emergency numbers ----------------------------------------------------------------------


def _helpline(request: Any) -> Helpline:
    return get_or_404(request, Helpline, "helpline_id")


@view_config(route_name="helplines", renderer="edition_helplines.jinja2", permission=Permission.COORDINATE)
def helplines(request: Any) -> Any:
    db = request.dbsession
    rows = printing.helplines(db)
    next_position = (max((h.position for h in rows), default=0) // 10 + 1) * 10
    result = process_form(
        request,
        HelplineSchema(),
        appstruct={"position": next_position},
        buttons=(("add", "Ajouter le numéro"),),
    )
    if result.valid:
        assert result.appstruct is not None
        db.add(Helpline(**result.appstruct))
        request.session.flash(f"Le numéro {result.appstruct['number']} est ajouté.", "success")
        return HTTPSeeOther(request.route_path("helplines"))
    return {"helplines": rows, "form": result}


@view_config(route_name="helpline_edit", renderer="form_page.jinja2", permission=Permission.COORDINATE)
def helpline_edit(request: Any) -> Any:
    helpline = _helpline(request)
    result = process_form(
        request,
        HelplineSchema(),
        appstruct={
            "number": helpline.number,
            "label": helpline.label,
            "description": helpline.description,
            "position": helpline.position,
        },
    )
    if result.valid:
        assert result.appstruct is not None
        for key, value in result.appstruct.items():
            setattr(helpline, key, value)
        request.session.flash("Le numéro est enregistré.", "success")
        return HTTPSeeOther(request.route_path("helplines"))
    return {
        "form": result,
        "title": f"Numéro {helpline.number}",
        "intro": "Les éditions déjà générées gardent les numéros de leur date ; les suivantes imprimeront "
        "celui-ci.",
        "breadcrumb": ("Numéros d'urgence et d'écoute", request.route_path("helplines")),
    }


@view_config(route_name="helpline_delete", request_method="POST", permission=Permission.COORDINATE)
def helpline_delete(request: Any) -> Any:
    helpline = _helpline(request)
    request.dbsession.delete(helpline)
    request.session.flash(f"Le numéro {helpline.number} ne sera plus imprimé.", "success")
    return HTTPSeeOther(request.route_path("helplines"))
