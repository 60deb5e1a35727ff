"""The partner space: one's organisations and their lieux (edited under the coordination's review unless
published directly), their members, and the history of their changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from guide.models import Access, Fiche, Lieu, MemberRole, Membership, Organisation, Quartier
from guide.permissions import Permission
from guide.services import directory, geography, memberships, uploads
from guide.services.freshness import freshness_of
from guide.settings import settings_of
from guide.vocabulary import ACCESSIBILITY_FIELDS
from schemas.accounts import MemberInvitationSchema
from schemas.directory import LieuSchema, organisation_schema

from .auth import pending_invitations, send_invitation
from .rendering import process_form
from .resources import parse_id

# --- organisations and lieux ------------------------------------------------------------------
# Public-facing data of organisations and lieux follows the rule of fiches: a partner's change waits
# for the coordination unless the organisation(s) have direct publication (guide.services.directory).

REVIEW_NOTICE = "Vos modifications seront visibles après validation par la coordination."


@view_config(route_name="org_manage", renderer="org_manage.jinja2", permission=Permission.VIEW)
def org_manage(request: Any) -> Any:
    organisation: Organisation = request.context
    fiche_list = request.dbsession.scalars(
        select(Fiche)
        .where(Fiche.organisation_id == organisation.id)
        .options(selectinload(Fiche.current_version))
        .order_by(Fiche.updated_at.desc())
    ).all()
    pending = directory.pending_for(request.dbsession, organisation)
    today = dt.date.today()
    return {
        "organisation": organisation,
        "fiches": sorted(fiche_list, key=lambda f: f.title.lower()),
        "freshness": {f.id: freshness_of(f, today) for f in fiche_list},
        "can_manage_members": request.has_permission(Permission.MANAGE_MEMBERS),
        "can_edit": request.has_permission(Permission.EDIT_ORGANISATION),
        "can_create": request.has_permission(Permission.CREATE_FICHE),
        "pending": pending,
        "pending_lieux": {c.lieu_id for c in pending if c.lieu_id is not None},
        "sent_back": directory.sent_back_for(request.dbsession, organisation),
        "diff": lambda change: directory.diff(request.dbsession, change),
    }


ORGANISATION_FIELDS = (
    "nom",
    "sigle",
    "description",
    "siret",
    "reseau_porteur",
    "telephone",
    "courriel",
    "site_web",
)


def org_schema(request: Any) -> Any:
    settings = settings_of(request.registry)
    max_bytes = settings.upload_max_bytes
    return organisation_schema(uploads.FileTempStore(str(settings.var_dir), max_bytes), max_bytes)


def organisation_values(request: Any, logo: str | None, values: dict[str, Any]) -> dict[str, Any]:
    """The organisation's public data from its form; an uploaded logo is stored (kept until published)."""
    data: dict[str, Any] = {}
    for name in ORGANISATION_FIELDS:
        value = values.get(name)
        data[name] = value if value is not None or name == "siret" else ""
    if values.get("remove_logo"):
        logo = None
    upload = values.get("logo")
    if upload and upload.get("fp") is not None:
        settings = settings_of(request.registry)
        # (store_logo_upload removes the temporary file)
        logo = uploads.store_logo_upload(
            request.dbsession, str(settings.var_dir), upload, settings.upload_max_bytes
        )
    data["logo"] = logo
    return data


def apply_organisation_form(request: Any, organisation: Organisation, values: dict[str, Any]) -> None:
    """A new organisation created by the coordination: its values apply at once."""
    for name, value in organisation_values(request, organisation.logo, values).items():
        setattr(organisation, name, value)


def _pending_intro(request: Any, target: Organisation | Lieu, review: bool) -> str:
    change = directory.open_change(request.dbsession, target)
    if change is None:
        return ""
    who = change.author.display_name if change.author else "un partenaire"
    if review:
        return (
            f"Une modification proposée par {who} attend la validation de la coordination : le formulaire "
            "montre les valeurs proposées. Le public voit toujours les anciennes."
        )
    return (
        f"Une modification proposée par {who} attend la validation de la coordination ; le formulaire "
        "montre ce que le public voit. Vos changements s'appliquent à l'instant."
    )


def _saved_message(change: Any, review: bool, saved: str) -> tuple[str, str]:
    if change is None:
        return ("Aucune modification à enregistrer.", "")
    return (REVIEW_NOTICE, "success") if review else (saved, "success")


@view_config(route_name="org_edit", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def org_edit(request: Any) -> Any:
    organisation: Organisation = request.context
    review = directory.needs_review(organisation, request.user)
    current = directory.form_values(request.dbsession, organisation, request.user)
    appstruct = {name: current[name] for name in ORGANISATION_FIELDS if current[name]}
    result = process_form(request, org_schema(request), appstruct=appstruct)
    if result.valid:
        assert result.appstruct is not None
        values = organisation_values(request, current["logo"], result.appstruct)
        change = directory.save(request.dbsession, organisation, values, request.user, review=review)
        request.session.flash(*_saved_message(change, review, "La structure est enregistrée."))
        return HTTPSeeOther(request.route_path("org_manage", org_id=organisation.id))
    intro = " ".join(
        part
        for part in (REVIEW_NOTICE if review else "", _pending_intro(request, organisation, review))
        if part
    )
    return {
        "form": result,
        "title": f"Modifier « {organisation.nom} »",
        "intro": intro,
        "breadcrumb": (organisation.nom, request.route_path("org_manage", org_id=organisation.id)),
    }


def _quartier_choices(request: Any) -> list[tuple[str, str]]:
    rows = request.dbsession.scalars(select(Quartier).order_by(Quartier.nom))
    return [(str(q.id), q.nom) for q in rows]


def _lieu_values(request: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The lieu's data from its form; without a chosen quartier, the one its coordinates fall in."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name == "quartier":
            continue
        data[name] = value if value is not None or name in {"latitude", "longitude"} else ""
    if values.get("quartier"):
        data["quartier_id"] = int(values["quartier"])
    else:
        quartier = geography.quartier_for(request.dbsession, data.get("latitude"), data.get("longitude"))
        data["quartier_id"] = quartier.id if quartier is not None else None
    return data


def _lieu_form(request: Any, appstruct: dict[str, Any] | None) -> Any:
    return process_form(request, LieuSchema().bind(quartiers=_quartier_choices(request)), appstruct=appstruct)


@view_config(route_name="lieu_add", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def lieu_add(request: Any) -> Any:
    organisation: Organisation = request.context
    result = _lieu_form(request, {"commune": "Clermont-Ferrand", "code_insee": "63113"})
    if result.valid:
        assert result.appstruct is not None
        # Written at once: a lieu is public only through a published fiche, and publishing is reviewed.
        values = _lieu_values(request, result.appstruct)
        lieu = Lieu(nom=values["nom"])
        for name, value in values.items():
            setattr(lieu, name, Access(value) if name in ACCESSIBILITY_FIELDS else value)
        lieu.organisations.append(organisation)
        request.dbsession.add(lieu)
        request.dbsession.flush()
        directory.record_creation(request.dbsession, lieu, request.user)
        request.session.flash(f"Le lieu « {lieu.nom} » est ajouté.", "success")
        return HTTPSeeOther(request.route_path("org_manage", org_id=organisation.id))
    return {
        "form": result,
        "title": "Ajouter un lieu",
        "intro": "Le lieu sera visible du public sur les fiches qui l'indiquent, une fois publiées.",
        "breadcrumb": (organisation.nom, request.route_path("org_manage", org_id=organisation.id)),
    }


def _lieu_appstruct(values: dict[str, Any]) -> dict[str, Any]:
    current = {node.name: values.get(node.name) for node in LieuSchema().children}
    current["quartier"] = str(values["quartier_id"]) if values.get("quartier_id") else None
    for name in ("latitude", "longitude"):
        current[name] = str(current[name]).replace(".", ",") if current[name] is not None else None
    return {k: v for k, v in current.items() if v not in (None, "")}


@view_config(route_name="lieu_edit", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def lieu_edit(request: Any) -> Any:
    lieu: Lieu = request.context
    review = directory.needs_review(lieu, request.user)
    current = directory.form_values(request.dbsession, lieu, request.user)
    result = _lieu_form(request, _lieu_appstruct(current))
    back = request.params.get("structure")
    if result.valid:
        assert result.appstruct is not None
        values = _lieu_values(request, result.appstruct)
        change = directory.save(request.dbsession, lieu, values, request.user, review=review)
        request.session.flash(*_saved_message(change, review, f"Le lieu « {lieu.nom} » est enregistré."))
        # Back to the organisation the person came from, or to one of theirs that uses the lieu.
        mine = [o.id for o in lieu.organisations if request.has_permission(Permission.VIEW, o)]
        target = parse_id(back) if parse_id(back) in mine else (mine[0] if mine else None)
        if target is None:
            return HTTPSeeOther(request.route_path("dashboard"))
        return HTTPSeeOther(request.route_path("org_manage", org_id=target))
    shared = [o.nom for o in lieu.organisations]
    parts = []
    if len(shared) > 1:
        parts.append(
            f"Ce lieu est partagé par : {', '.join(shared)}. Vos modifications s'appliquent pour toutes."
        )
    if review:
        parts.append(REVIEW_NOTICE)
    parts.append(_pending_intro(request, lieu, review))
    return {
        "form": result,
        "title": f"Modifier le lieu « {lieu.nom} »",
        "intro": " ".join(p for p in parts if p),
    }


@view_config(route_name="org_history", renderer="directory_history.jinja2", permission=Permission.VIEW)
@view_config(route_name="lieu_history", renderer="directory_history.jinja2", permission=Permission.VIEW)
def directory_history(request: Any) -> Any:
    target: Organisation | Lieu = request.context
    changes = directory.history(request.dbsession, target)
    if isinstance(target, Organisation):
        back = request.route_path("org_manage", org_id=target.id)
    else:
        mine = [o.id for o in target.organisations if request.has_permission(Permission.VIEW, o)]
        back = request.route_path("org_manage", org_id=mine[0]) if mine else request.route_path("dashboard")
    return {
        "target": target,
        "kind": "organisation" if isinstance(target, Organisation) else "lieu",
        "changes": [(c, directory.diff(request.dbsession, c)) for c in changes],
        "back": back,
    }


@view_config(route_name="org_members", renderer="org_members.jinja2", permission=Permission.MANAGE_MEMBERS)
def org_members(request: Any) -> Any:
    organisation: Organisation = request.context
    result = process_form(request, MemberInvitationSchema(), buttons=(("invite", "Inviter"),))
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        # the same message whether the address has an account or not; joining waits for their consent
        message = send_invitation(
            request, values["email"], values["name"], organisation, MemberRole(values["role"])
        )
        request.session.flash(message, "success")
        return HTTPSeeOther(request.route_path("org_members", org_id=organisation.id))
    pending = pending_invitations(request.dbsession, organisation)
    return {"organisation": organisation, "form": result, "pending": pending}


@view_config(route_name="org_member_remove", request_method="POST", permission=Permission.MANAGE_MEMBERS)
def org_member_remove(request: Any) -> Any:
    organisation: Organisation = request.context
    membership_id = request.matchdict["membership_id"]
    membership = (
        request.dbsession.get(Membership, parse_id(membership_id)) if parse_id(membership_id) else None
    )
    if membership is None or membership.organisation_id != organisation.id:
        raise HTTPNotFound()
    name = membership.user.display_name
    try:
        memberships.remove_member(request.dbsession, organisation, membership, request.user)
    except memberships.LastOwnerError as error:
        request.session.flash(error.message, "error")
    else:
        request.session.flash(f"{name} ne fait plus partie de la structure.", "success")
    return HTTPSeeOther(request.route_path("org_members", org_id=organisation.id))
