"""The professionals' directory (issue 14): the « Annuaire des professionnels » page and one's own card.

Members of partner organisations, référents and the coordination read it; anyone else who is logged in
is refused, anonymous visitors are sent to the login page. The rules live in
``guide.services.professionals``.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.i18n import TranslationStringFactory
from pyramid.view import view_config

from guide.permissions import Permission
from guide.services import professionals
from schemas.professionals import ProfessionalCardSchema

from .public import fiche_url
from .rendering import process_form

_ = TranslationStringFactory("guide")

NOT_A_MEMBER = (
    "L'annuaire des professionnels est réservé aux membres des structures partenaires du guide, "
    "aux référents et à la coordination."
)


def _check(request: Any) -> None:
    if not professionals.may_view(request.user):
        raise HTTPForbidden(NOT_A_MEMBER)


def _private(request: Any) -> None:
    """Names and direct lines of people: never kept by a shared cache nor by the browser's history cache."""
    request.response.cache_control = "no-store, private"


@view_config(route_name="pro_directory", renderer="professionals.jinja2", permission=Permission.PARTNER_SPACE)
def directory(request: Any) -> Any:
    _check(request)
    _private(request)
    try:
        page = int(str(request.GET.get("page", "1"))[:6])
    except ValueError:
        page = 1
    result = professionals.search(
        request.dbsession,
        str(request.GET.get("q", "")),
        str(request.GET.get("thematique", "")),
        page,
    )
    return {
        "result": result,
        "thematiques": professionals.thematique_choices(request.dbsession),
        "my_card": professionals.card_of(request.user),
        "fiche_url": lambda fiche: fiche_url(request, fiche),
        "organisations_of": professionals.organisations_of,
    }


def _appstruct(card: Any, user: Any) -> dict[str, Any]:
    if card is None:
        return {"courriel": user.email}
    values = {name: getattr(card, name) for name in professionals.CARD_FIELDS}
    values["listed"] = True
    values["thematiques"] = {str(t.id) for t in card.thematiques}
    values["lieux"] = {str(lieu.id) for lieu in card.lieux}
    return values


@view_config(
    route_name="pro_directory_card", renderer="professional_card.jinja2", permission=Permission.PARTNER_SPACE
)
def my_card(request: Any) -> Any:
    _check(request)
    _private(request)
    user, db = request.user, request.dbsession
    card = professionals.card_of(user)
    lieux = [
        (str(lieu.id), f"{lieu.nom} — {lieu.one_line_address}" if lieu.one_line_address else lieu.nom)
        for lieu in professionals.lieu_choices(db, user)
    ]
    thematiques = [(str(t.id), t.label) for t in professionals.thematique_choices(db)]
    schema = ProfessionalCardSchema().bind(thematiques=thematiques, lieux=lieux)
    if not lieux:
        del schema["lieux"]
    result = process_form(request, schema, appstruct=_appstruct(card, user))
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        try:
            professionals.save_card(
                db,
                user,
                values,
                [int(t) for t in values.get("thematiques", ())],
                [int(lieu) for lieu in values.get("lieux", ())],
            )
        except professionals.DirectoryError as error:
            result.fail(error.field, error.message)
        else:
            message = (
                _("Votre fiche est dans l'annuaire des professionnels.")
                if card is None
                else _("Votre fiche de l'annuaire est à jour.")
            )
            request.session.flash(request.localizer.translate(message), "success")
            return HTTPSeeOther(request.route_path("pro_directory"))
    return {"form": result, "card": card}


@view_config(route_name="pro_directory_withdraw", request_method="POST", permission=Permission.PARTNER_SPACE)
def withdraw(request: Any) -> Any:
    if professionals.withdraw(request.dbsession, request.user):
        message = _("Vous ne figurez plus dans l'annuaire : votre fiche est supprimée.")
        request.session.flash(request.localizer.translate(message), "success")
    return HTTPSeeOther(request.route_path("pro_directory_card"))
