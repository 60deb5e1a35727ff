"""Coordination: the review queue, organisations, invitations, quartiers and thématiques."""

from __future__ import annotations

import datetime as dt
from typing import Any

import colander
from data_inclusion.schema.v1 import Thematique as DiThematique
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from guide.models import Fiche, MemberRole, Organisation, Quartier, SiteRole, State, Thematique
from guide.models.directory import DirectoryChange
from guide.permissions import Permission
from guide.services import directory, fiches, referents, translations, urgent
from guide.services.agenda.editing import review_queue as event_review_queue
from guide.services.importer import AliasConflict, alias_labels, check_aliases, set_aliases
from guide.services.quartiers.forms import QuartierConflict, add_quartier, update_quartier
from guide.services.thematiques import ThematiqueConflict, add_thematique
from guide.slugs import unique_slug
from schemas.accounts import InvitationSchema, StaffInvitationSchema
from schemas.directory import QuartierSchema, ThematiqueSchema

from .auth import send_invitation
from .partner import read_comment
from .partner_orgs import apply_organisation_form, org_schema
from .rendering import process_form
from .resources import get_or_404


@view_config(route_name="review_queue", renderer="review_queue.jinja2", permission=Permission.REVIEW_QUEUE)
def review_queue(request: Any) -> Any:
    if not request.has_permission(Permission.COORDINATE):
        # a référent par thématique: the fiches of their thématiques only, and their residents' reports
        mine = referents.thematique_ids(request.user)
        return {
            "queue": referents.review_queue(request.dbsession, mine),
            "counts": referents.state_counts(request.dbsession, mine),
            "referent_of": referents.thematique_labels(request.dbsession, mine),
            "reports": referents.open_reports(request.dbsession, mine),
            "freshness": referents.freshness(request.dbsession, mine, dt.date.today()),
            "stale": referents.stale_fiches(request.dbsession, mine, dt.date.today()),
            "event_queue": event_review_queue(request.dbsession, mine),
            "translation_queue": translations.review_queue(request.dbsession, mine),
            "translations_outdated": translations.outdated(request.dbsession, mine),
            "languages": translations.LANGUAGES,
        }
    queue = fiches.review_queue(request.dbsession)
    counts = dict(request.dbsession.execute(select(Fiche.state, func.count()).group_by(Fiche.state)).all())
    changes = directory.review_queue(request.dbsession)
    return {
        "queue": queue,
        "counts": {state: counts.get(state, 0) for state in State},
        "directory_changes": [
            (change, directory.diff(request.dbsession, change), directory.stamp(change)) for change in changes
        ],
        "urgent_changes": urgent.unseen(request.dbsession),
        "event_queue": event_review_queue(request.dbsession, None),
        "translation_queue": translations.review_queue(request.dbsession),
        "translations_outdated": translations.outdated(request.dbsession),
        "languages": translations.LANGUAGES,
    }


def _decide_directory_change(request: Any, decide: Any, message: str) -> Any:
    change: DirectoryChange = get_or_404(request, DirectoryChange, "change_id")
    try:
        decide(change)
    except directory.ReviewError as error:
        request.session.flash(error.message, "error")
    else:
        request.session.flash(message, "success")
    return HTTPSeeOther(request.route_path("review_queue") + f"#modification-{change.id}")


@view_config(route_name="directory_change_publish", request_method="POST", permission=Permission.COORDINATE)
def directory_change_publish(request: Any) -> Any:
    seen = request.POST.get("seen")
    return _decide_directory_change(
        request,
        lambda change: directory.publish(request.dbsession, change, request.user, seen),
        "La modification est publiée : le public la voit dès maintenant.",
    )


@view_config(route_name="directory_change_send_back", request_method="POST", permission=Permission.COORDINATE)
def directory_change_send_back(request: Any) -> Any:
    seen = request.POST.get("seen")
    comment = read_comment(request)
    if comment is None:
        change: DirectoryChange = get_or_404(request, DirectoryChange, "change_id")
        return HTTPSeeOther(request.route_path("review_queue") + f"#modification-{change.id}")
    return _decide_directory_change(
        request,
        lambda change: directory.send_back(request.dbsession, change, request.user, comment, seen),
        "La modification est renvoyée au partenaire avec votre commentaire.",
    )


@view_config(
    route_name="coord_organisations", renderer="coord_organisations.jinja2", permission=Permission.COORDINATE
)
def coord_organisations(request: Any) -> Any:
    organisations = request.dbsession.scalars(
        select(Organisation).options(selectinload(Organisation.memberships)).order_by(Organisation.nom)
    ).all()
    counts = dict(
        request.dbsession.execute(
            select(Fiche.organisation_id, func.count()).group_by(Fiche.organisation_id)
        ).all()
    )
    return {"organisations": organisations, "counts": counts}


@view_config(
    route_name="coord_organisation_add", renderer="form_page.jinja2", permission=Permission.COORDINATE
)
def coord_organisation_add(request: Any) -> Any:
    result = process_form(request, org_schema(request), buttons=(("save", "Créer la structure"),))
    if result.valid:
        assert result.appstruct is not None
        organisation = Organisation(
            slug=unique_slug(request.dbsession, Organisation, result.appstruct["nom"]),
            nom=result.appstruct["nom"],
        )
        apply_organisation_form(request, organisation, result.appstruct)
        request.dbsession.add(organisation)
        request.dbsession.flush()
        request.session.flash(
            f"La structure « {organisation.nom} » est créée. Invitez ses membres.", "success"
        )
        return HTTPSeeOther(request.route_path("org_members", org_id=organisation.id))
    return {
        "form": result,
        "title": "Nouvelle structure",
        "breadcrumb": ("Structures", request.route_path("coord_organisations")),
    }


@view_config(route_name="coord_direct", request_method="POST", permission=Permission.COORDINATE)
def coord_direct(request: Any) -> Any:
    organisation: Organisation = request.context
    organisation.direct_publication = request.POST.get("direct") == "1"
    state = "accordée" if organisation.direct_publication else "retirée"
    request.session.flash(f"Publication directe {state} à « {organisation.nom} ».", "success")
    return HTTPSeeOther(request.route_path("coord_organisations"))


@view_config(route_name="coord_invite", renderer="coord_invite.jinja2", permission=Permission.COORDINATE)
def coord_invite(request: Any) -> Any:
    organisations = request.dbsession.scalars(select(Organisation).order_by(Organisation.nom)).all()
    choices = [(str(o.id), o.nom) for o in organisations]
    preset = request.params.get("structure")
    result = process_form(
        request,
        InvitationSchema().bind(organisations=choices),
        appstruct={"organisation": preset} if preset else None,
        buttons=(("invite", "Envoyer l'invitation"),),
        formid="partner",
    )
    staff = None
    if request.has_permission(Permission.MANAGE_USERS):
        staff = process_form(
            request, StaffInvitationSchema(), buttons=(("invite_staff", "Inviter"),), formid="staff"
        )
    for form, is_staff in ((result, False), (staff, True)):
        if form is None or not form.valid:
            continue
        assert form.appstruct is not None
        values = form.appstruct
        organisation = None if is_staff else request.dbsession.get(Organisation, int(values["organisation"]))
        # the same message whether the address has an account or not; joining waits for their consent
        message = send_invitation(
            request,
            values["email"],
            values["name"],
            organisation,
            MemberRole.EDITOR if is_staff else MemberRole(values["role"]),
            site_role=SiteRole(values["role"]) if is_staff else SiteRole.PARTNER,
        )
        request.session.flash(message, "success")
        return HTTPSeeOther(request.route_path("coord_invite"))
    return {"form": result, "staff_form": staff}


@view_config(route_name="coord_quartiers", renderer="coord_list.jinja2", permission=Permission.COORDINATE)
def coord_quartiers(request: Any) -> Any:
    result = process_form(request, QuartierSchema(), buttons=(("add", "Ajouter le quartier"),))
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        aliases = alias_labels(values["aliases"])
        try:
            check_aliases(request.dbsession, aliases, None, values["nom"], values["code"])
            quartier = add_quartier(request.dbsession, values["nom"], values["code"])
            set_aliases(request.dbsession, quartier, aliases)
        except (QuartierConflict, AliasConflict) as conflict:
            result.fail(getattr(conflict, "field", "aliases"), conflict.message)
        else:
            request.session.flash(f"Le quartier « {values['nom']} » est ajouté.", "success")
            return HTTPSeeOther(request.route_path("coord_quartiers"))
    rows = request.dbsession.scalars(select(Quartier).order_by(Quartier.nom)).all()
    items = [
        (
            q.nom,
            q.code
            + (" · contour schématique" if q.schematic else "")
            + ("" if q.geometry else " · sans contour"),
            request.route_path("coord_quartier_edit", quartier_id=q.id),
        )
        for q in rows
    ]
    return {"title": "Quartiers", "items": items, "form": result, "form_title": "Ajouter un quartier"}


@view_config(route_name="coord_quartier_edit", renderer="form_page.jinja2", permission=Permission.COORDINATE)
def coord_quartier_edit(request: Any) -> Any:
    quartier: Quartier = get_or_404(request, Quartier, "quartier_id")
    aliases = "\n".join(alias.label for alias in quartier.aliases)
    appstruct = {"nom": quartier.nom, "code": quartier.code, "aliases": aliases}
    result = process_form(request, QuartierSchema(), appstruct=appstruct)
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        aliases = alias_labels(values["aliases"])
        try:
            check_aliases(request.dbsession, aliases, quartier, values["nom"], values["code"])
            update_quartier(request.dbsession, quartier, values["nom"], values["code"])
            set_aliases(request.dbsession, quartier, aliases)
        except (QuartierConflict, AliasConflict) as conflict:
            result.fail(getattr(conflict, "field", "aliases"), conflict.message)
        else:
            request.session.flash("Le quartier est enregistré.", "success")
            return HTTPSeeOther(request.route_path("coord_quartiers"))
    return {
        "form": result,
        "title": f"Quartier « {quartier.nom} »",
        "breadcrumb": ("Quartiers", request.route_path("coord_quartiers")),
    }


def _thematique_schema() -> colander.SchemaNode:
    schema = ThematiqueSchema()
    schema["di_codes"].widget.values = [(t.value, t.label) for t in DiThematique]
    schema["di_codes"].validator = colander.ContainsOnly([t.value for t in DiThematique])
    return schema


@view_config(route_name="coord_thematiques", renderer="coord_list.jinja2", permission=Permission.COORDINATE)
def coord_thematiques(request: Any) -> Any:
    result = process_form(request, _thematique_schema(), buttons=(("add", "Ajouter la thématique"),))
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        try:
            added = add_thematique(
                request.dbsession, values["label"], values["icon"], values["position"], values["di_codes"]
            )
            added.update_period_months = int(values.get("update_period_months") or 0) or None
        except ThematiqueConflict as conflict:
            result.fail("label", conflict.message)
        else:
            request.session.flash(f"La thématique « {values['label']} » est ajoutée.", "success")
            return HTTPSeeOther(request.route_path("coord_thematiques"))
    rows = request.dbsession.scalars(select(Thematique).order_by(Thematique.position, Thematique.label)).all()
    items = [
        (
            t.label,
            ", ".join(t.di_codes) or "—",
            request.route_path("coord_thematique_edit", thematique_id=t.id),
        )
        for t in rows
    ]
    return {"title": "Thématiques", "items": items, "form": result, "form_title": "Ajouter une thématique"}


@view_config(
    route_name="coord_thematique_edit", renderer="form_page.jinja2", permission=Permission.COORDINATE
)
def coord_thematique_edit(request: Any) -> Any:
    thematique: Thematique = get_or_404(request, Thematique, "thematique_id")
    result = process_form(
        request,
        _thematique_schema(),
        appstruct={
            "label": thematique.label,
            "icon": thematique.icon,
            "position": thematique.position,
            "di_codes": set(thematique.di_codes),
            "update_period_months": str(thematique.update_period_months or ""),
        },
    )
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        thematique.label, thematique.icon, thematique.position = (
            values["label"],
            values["icon"],
            values["position"],
        )
        thematique.di_codes = sorted(values["di_codes"])
        thematique.update_period_months = int(values["update_period_months"] or 0) or None
        request.session.flash("La thématique est enregistrée.", "success")
        return HTTPSeeOther(request.route_path("coord_thematiques"))
    return {
        "form": result,
        "title": f"Thématique « {thematique.label} »",
        "breadcrumb": ("Thématiques", request.route_path("coord_thematiques")),
    }
