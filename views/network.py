"""Référents par thématique: the coordination names and removes them; the « Réseau » page lists them.

Who sees what on the « Réseau » page: logged-in members of the guide see every référent with how to
reach them; anonymous visitors see only the référents who agreed to it on their own card (the others are
counted, not named). The rules live in ``guide.services.referents``.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from guide.models import Referent, Thematique
from guide.permissions import Permission
from guide.services import professionals, referents
from schemas.referents import NameReferentSchema, ReferentCardSchema

from .rendering import process_form
from .resources import get_or_404


@view_config(route_name="network", renderer="network.jinja2", permission=Permission.VIEW_PUBLIC)
def network(request: Any) -> Any:
    member = request.user is not None
    return {
        "sections": referents.network(request.dbsession, member=member),
        "member": member,
        "is_referent": referents.is_referent(request.user),
        "directory": professionals.may_view(request.user),  # the professionals' directory (members only)
    }


@view_config(route_name="network_card", renderer="form_page.jinja2", permission=Permission.PARTNER_SPACE)
def network_card(request: Any) -> Any:
    user = request.user
    if not referents.is_referent(user):
        request.session.flash("Seuls les référents par thématique ont une fiche de contact.", "error")
        return HTTPSeeOther(request.route_path("network"))
    card = referents.card_of(user)
    appstruct = (
        {
            "fonction": card.fonction,
            "telephone": card.telephone,
            "courriel": card.courriel,
            "disponibilites": card.disponibilites,
            "public": card.public,
        }
        if card is not None
        else {"courriel": user.email}
    )
    result = process_form(request, ReferentCardSchema(), appstruct=appstruct)
    if result.valid:
        assert result.appstruct is not None
        referents.save_card(request.dbsession, user, **result.appstruct)
        request.session.flash("Vos coordonnées de référent sont enregistrées.", "success")
        return HTTPSeeOther(request.route_path("network"))
    return {
        "form": result,
        "title": "Mes coordonnées de référent",
        "intro": "Ce que les partenaires du guide voient de vous sur la page « Réseau ».",
        "breadcrumb": ("Réseau", request.route_path("network")),
    }


def _thematique_choices(request: Any) -> list[tuple[str, str]]:
    rows = request.dbsession.scalars(select(Thematique).order_by(Thematique.position, Thematique.label))
    return [(str(t.id), t.label) for t in rows]


@view_config(route_name="coord_referents", renderer="referents.jinja2", permission=Permission.COORDINATE)
def coord_referents(request: Any) -> Any:
    schema = NameReferentSchema().bind(thematiques=_thematique_choices(request))
    result = process_form(request, schema, buttons=(("name", "Nommer"),))
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        try:
            added = referents.name(
                request.dbsession, values["email"], [int(t) for t in values["thematiques"]], request.user
            )
        except referents.ReferentError as error:
            result.fail(error.field, error.message)
        else:
            if added:
                labels = ", ".join(f"« {r.thematique.label} »" for r in added)
                request.session.flash(f"{added[0].user.display_name} est référent pour {labels}.", "success")
            else:
                request.session.flash("Cette personne était déjà référente pour ces thématiques.")
            return HTTPSeeOther(request.route_path("coord_referents"))
    return {"form": result, "referents": referents.all_referents(request.dbsession)}


@view_config(route_name="coord_referent_remove", request_method="POST", permission=Permission.COORDINATE)
def coord_referent_remove(request: Any) -> Any:
    referent: Referent = get_or_404(request, Referent, "referent_id")
    label, who = referent.thematique.label, referent.user.display_name
    referents.remove(request.dbsession, referent)
    request.session.flash(f"{who} n'est plus référent pour « {label} ».", "success")
    return HTTPSeeOther(request.route_path("coord_referents"))
