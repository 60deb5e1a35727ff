"""The partner space: one's organisations, their lieux and fiches, editing and the workflow."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import colander
from deform.widget import HiddenWidget
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from guide import workflow
from guide.models import (
    Fiche,
    FicheVersion,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    Quartier,
    State,
    Thematique,
)
from guide.security import Permission
from guide.services import accounts, fiches, geography, uploads
from guide.services.fiches import ConflictError
from schemas.accounts import MemberInvitationSchema
from schemas.directory import LieuSchema, organisation_schema
from schemas.fiche import appstruct_to_content, content_to_appstruct, fiche_schema

from .auth import send_invitation
from .rendering import process_form
from .resources import parse_id

# --- dashboard --------------------------------------------------------------------------------


@view_config(route_name="dashboard", renderer="dashboard.jinja2", permission=Permission.PARTNER_SPACE)
def dashboard(request: Any) -> Any:
    user = request.user
    organisations = [m.organisation for m in user.memberships]
    org_ids = [o.id for o in organisations]
    by_state: dict[State, list[Fiche]] = defaultdict(list)
    if org_ids:
        rows = request.dbsession.scalars(
            select(Fiche)
            .where(Fiche.organisation_id.in_(org_ids))
            .options(selectinload(Fiche.current_version), selectinload(Fiche.organisation))
            .order_by(Fiche.updated_at.desc())
        )
        for fiche in rows:
            by_state[fiche.state].append(fiche)
    return {
        "organisations": sorted(organisations, key=lambda o: o.nom),
        "by_state": by_state,
        "states": list(State),
    }


# --- organisations and lieux ------------------------------------------------------------------


@view_config(route_name="org_manage", renderer="org_manage.jinja2", permission=Permission.VIEW)
def org_manage(request: Any) -> Any:
    organisation: Organisation = request.context
    fiche_list = request.dbsession.scalars(
        select(Fiche)
        .where(Fiche.organisation_id == organisation.id)
        .options(selectinload(Fiche.current_version))
        .order_by(Fiche.updated_at.desc())
    ).all()
    return {
        "organisation": organisation,
        "fiches": sorted(fiche_list, key=lambda f: f.title.lower()),
        "can_manage_members": request.has_permission(Permission.MANAGE_MEMBERS),
        "can_edit": request.has_permission(Permission.EDIT_ORGANISATION),
        "can_create": request.has_permission(Permission.CREATE_FICHE),
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
    settings = request.registry.settings
    max_bytes = int(settings["upload.max_bytes"])
    return organisation_schema(uploads.FileTempStore(settings["var_dir"], max_bytes), max_bytes)


def apply_organisation_form(request: Any, organisation: Organisation, values: dict[str, Any]) -> None:
    for name in ORGANISATION_FIELDS:
        value = values.get(name)
        setattr(organisation, name, value if value is not None or name == "siret" else "")
    if values.get("remove_logo"):
        organisation.logo = None
    logo = values.get("logo")
    if logo and logo.get("fp") is not None:
        settings = request.registry.settings
        max_bytes = int(settings["upload.max_bytes"])
        organisation.logo = uploads.store_logo_upload(settings["var_dir"], logo, max_bytes)  # and its temp


@view_config(route_name="org_edit", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def org_edit(request: Any) -> Any:
    organisation: Organisation = request.context
    current = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    result = process_form(request, org_schema(request), appstruct={k: v for k, v in current.items() if v})
    if result.valid:
        assert result.appstruct is not None
        apply_organisation_form(request, organisation, result.appstruct)
        request.session.flash("La structure est enregistrée.", "success")
        return HTTPSeeOther(request.route_path("org_manage", org_id=organisation.id))
    return {
        "form": result,
        "title": f"Modifier « {organisation.nom} »",
        "breadcrumb": (organisation.nom, request.route_path("org_manage", org_id=organisation.id)),
    }


def _quartier_choices(request: Any) -> list[tuple[str, str]]:
    rows = request.dbsession.scalars(select(Quartier).order_by(Quartier.nom))
    return [(str(q.id), q.nom) for q in rows]


def _save_lieu(request: Any, lieu: Lieu, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "quartier":
            continue
        setattr(lieu, name, value if value is not None or name in {"latitude", "longitude"} else "")
    if values.get("quartier"):
        lieu.quartier_id = int(values["quartier"])
    else:
        lieu.quartier = geography.quartier_for(request.dbsession, lieu.latitude, lieu.longitude)


def _lieu_form(request: Any, appstruct: dict[str, Any] | None) -> Any:
    return process_form(request, LieuSchema().bind(quartiers=_quartier_choices(request)), appstruct=appstruct)


@view_config(route_name="lieu_add", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def lieu_add(request: Any) -> Any:
    organisation: Organisation = request.context
    result = _lieu_form(request, {"commune": "Clermont-Ferrand", "code_insee": "63113"})
    if result.valid:
        assert result.appstruct is not None
        lieu = Lieu(nom=result.appstruct["nom"])
        _save_lieu(request, lieu, result.appstruct)
        lieu.organisations.append(organisation)
        request.dbsession.add(lieu)
        request.session.flash(f"Le lieu « {lieu.nom} » est ajouté.", "success")
        return HTTPSeeOther(request.route_path("org_manage", org_id=organisation.id))
    return {
        "form": result,
        "title": "Ajouter un lieu",
        "breadcrumb": (organisation.nom, request.route_path("org_manage", org_id=organisation.id)),
    }


@view_config(route_name="lieu_edit", renderer="form_page.jinja2", permission=Permission.EDIT_ORGANISATION)
def lieu_edit(request: Any) -> Any:
    lieu: Lieu = request.context
    current = {node.name: getattr(lieu, node.name, None) for node in LieuSchema().children}
    current["quartier"] = str(lieu.quartier_id) if lieu.quartier_id else None
    for name in ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes"):
        current[name] = getattr(lieu, name).value
    for name in ("latitude", "longitude"):
        current[name] = str(current[name]).replace(".", ",") if current[name] is not None else None
    result = _lieu_form(request, {k: v for k, v in current.items() if v not in (None, "")})
    back = request.params.get("structure")
    if result.valid:
        assert result.appstruct is not None
        _save_lieu(request, lieu, result.appstruct)
        request.session.flash(f"Le lieu « {lieu.nom} » est enregistré.", "success")
        target = lieu.organisations[0].id if lieu.organisations else None
        if parse_id(back) is not None:
            target = parse_id(back)
        if target is None:
            return HTTPSeeOther(request.route_path("dashboard"))
        return HTTPSeeOther(request.route_path("org_manage", org_id=target))
    shared = [o.nom for o in lieu.organisations]
    intro = (
        f"Ce lieu est partagé par : {', '.join(shared)}. Vos modifications s'appliquent pour toutes."
        if len(shared) > 1
        else ""
    )
    return {"form": result, "title": f"Modifier le lieu « {lieu.nom} »", "intro": intro}


@view_config(route_name="org_members", renderer="org_members.jinja2", permission=Permission.MANAGE_MEMBERS)
def org_members(request: Any) -> Any:
    organisation: Organisation = request.context
    result = process_form(request, MemberInvitationSchema(), buttons=(("invite", "Inviter"),))
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        user, _created = accounts.invite(
            request.dbsession,
            values["email"],
            values["name"],
            organisation,
            MemberRole(values["role"]),
            request.user,
        )
        if not user.password_hash:
            send_invitation(request, user, organisation.nom)
            request.session.flash(f"Une invitation est envoyée à {user.email}.", "success")
        else:
            request.session.flash(f"{user.display_name} fait maintenant partie de la structure.", "success")
        return HTTPSeeOther(request.route_path("org_members", org_id=organisation.id))
    return {"organisation": organisation, "form": result}


@view_config(route_name="org_member_remove", request_method="POST", permission=Permission.MANAGE_MEMBERS)
def org_member_remove(request: Any) -> Any:
    organisation: Organisation = request.context
    membership_id = request.matchdict["membership_id"]
    membership = (
        request.dbsession.get(Membership, parse_id(membership_id)) if parse_id(membership_id) else None
    )
    if membership is None or membership.organisation_id != organisation.id:
        raise HTTPNotFound()
    owners = [m for m in organisation.memberships if m.role == MemberRole.OWNER]
    if membership.role == MemberRole.OWNER and len(owners) == 1 and not request.user.is_coordinator:
        request.session.flash("La structure doit garder au moins un·e responsable.", "error")
    else:
        request.dbsession.delete(membership)
        request.session.flash(
            f"{membership.user.display_name} ne fait plus partie de la structure.", "success"
        )
    return HTTPSeeOther(request.route_path("org_members", org_id=organisation.id))


# --- fiches -----------------------------------------------------------------------------------


def _form_choices(request: Any, organisation: Organisation, content: dict[str, Any]) -> dict[str, Any]:
    thematiques = request.dbsession.scalars(
        select(Thematique).order_by(Thematique.position, Thematique.label)
    )
    lieux = list(organisation.lieux)
    # A lieu already on the fiche stays selectable even if another organisation brought it.
    known = {lieu.id for lieu in lieux}
    for lieu_id in content.get("lieux") or []:
        if lieu_id not in known:
            extra = request.dbsession.get(Lieu, lieu_id)
            if extra is not None:
                lieux.append(extra)
    return {
        "thematiques": [(t.slug, t.label) for t in thematiques],
        "lieux": [(str(lieu.id), f"{lieu.nom} — {lieu.one_line_address}") for lieu in lieux],
    }


@view_config(route_name="fiche_add", renderer="fiche_edit.jinja2", permission=Permission.CREATE_FICHE)
def fiche_add(request: Any) -> Any:
    organisation: Organisation = request.context
    schema = fiche_schema(**_form_choices(request, organisation, {}))
    defaults = {"langues": {"fr"}}
    if len(organisation.lieux) == 1:
        defaults["lieux"] = {str(organisation.lieux[0].id)}
    result = process_form(request, schema, appstruct=defaults, buttons=(("save", "Créer la fiche"),))
    if result.valid:
        assert result.appstruct is not None
        fiche = fiches.create_fiche(
            request.dbsession, organisation, appstruct_to_content(result.appstruct), request.user
        )
        request.session.flash(
            "La fiche est créée en brouillon. Soumettez-la à validation quand elle est prête.", "success"
        )
        return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))
    return {
        "form": result,
        "organisation": organisation,
        "fiche": None,
        "title": "Nouvelle fiche",
        "conflict": None,
    }


@view_config(route_name="fiche_edit", renderer="fiche_edit.jinja2", permission=Permission.EDIT)
def fiche_edit(request: Any) -> Any:
    fiche: Fiche = request.context
    if fiche.state == State.ARCHIVED:
        request.session.flash("Une fiche archivée ne peut pas être modifiée.", "error")
        return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))
    latest = fiche.current_version
    content = fiches.content_of(latest)
    schema = fiche_schema(**_form_choices(request, fiche.organisation, content))
    # The version this person started from travels with the form, to detect concurrent edits.
    schema.add(colander.SchemaNode(colander.String(), name="base_version", missing="", widget=HiddenWidget()))
    appstruct = content_to_appstruct(content)
    appstruct["base_version"] = str(latest.number) if latest else ""
    result = process_form(request, schema, appstruct=appstruct)
    response = {
        "form": result,
        "organisation": fiche.organisation,
        "fiche": fiche,
        "title": f"Modifier « {fiche.title} »",
        "conflict": None,
    }
    if not result.valid:
        return response
    assert result.appstruct is not None
    base = result.appstruct.pop("base_version", "")
    base_number = parse_id(base)
    data = appstruct_to_content(result.appstruct)
    can_publish = bool(request.has_permission(Permission.PUBLISH))
    try:
        version = fiches.save(
            request.dbsession, fiche, data, request.user, base_number=base_number, can_publish=can_publish
        )
        request.dbsession.flush()
    except ConflictError as conflict:
        return _conflict(request, response, fiche, conflict, data)
    except StaleDataError:
        # Someone saved between our read and our write (a matter of milliseconds).
        raise SimultaneousSave() from None
    if version is None:
        request.session.flash("Aucune modification : la fiche est confirmée à jour.", "success")
    elif fiche.state == State.PUBLISHED:
        request.session.flash("La fiche est enregistrée et publiée.", "success")
    elif fiche.published_version_id is not None:
        request.session.flash(
            "Vos modifications sont enregistrées. Le public voit la version publiée jusqu'à ce que la "
            "coordination valide la nouvelle : pensez à la soumettre à validation.",
            "success",
        )
    else:
        request.session.flash("La fiche est enregistrée.", "success")
    return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))


class SimultaneousSave(Exception):
    """Two saves of the same fiche at the same instant; the transaction is aborted (see errors.py)."""


def _conflict(
    request: Any, response: dict[str, Any], fiche: Fiche, conflict: ConflictError, data: dict[str, Any]
) -> Any:
    request.response.status = 409
    changes = fiches.compare(conflict.base, conflict.latest)
    mine = fiches.compare_with_input(conflict.latest, data)
    response.update(
        conflict={
            "base": conflict.base,
            "latest": conflict.latest,
            "changes": changes,
            "my_fields": [fiches.FIELD_LABELS[name] for name in mine],
        },
    )
    # The form keeps what this person typed; saving again applies it over the latest version.
    response["form"].rerender(base_version=str(conflict.latest.number))
    return response


@view_config(route_name="fiche_manage", renderer="fiche_manage.jinja2", permission=Permission.VIEW)
def fiche_manage(request: Any) -> Any:
    fiche: Fiche = request.context
    transitions = [t for t in workflow.available(fiche.state) if request.has_permission(t.permission)]
    pending_changes = (
        fiches.compare(fiche.published_version, fiche.current_version)
        if fiche.has_unpublished_changes and fiche.current_version
        else []
    )
    return {
        "fiche": fiche,
        "version": fiche.current_version,
        "transitions": transitions,
        "can_edit": bool(request.has_permission(Permission.EDIT)),
        "pending_changes": pending_changes,
        "events": list(reversed(fiche.events))[:10],
    }


@view_config(route_name="fiche_transition", request_method="POST", permission=Permission.VIEW)
def fiche_transition(request: Any) -> Any:
    fiche: Fiche = request.context
    name = request.matchdict["name"]
    try:
        t = workflow.get(name)
    except workflow.WorkflowError:
        raise HTTPNotFound() from None
    if not request.has_permission(t.permission):
        raise HTTPForbidden()
    comment = request.POST.get("comment", "")[:2000]
    try:
        fiches.transition(request.dbsession, fiche, name, request.user, comment)
    except workflow.WorkflowError as error:
        request.session.flash(str(error), "error")
        return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))
    messages = {
        "submit": "La fiche est soumise à la coordination.",
        "publish": "La fiche est publiée : le public la voit dès maintenant.",
        "send_back": "La fiche est renvoyée au partenaire avec votre commentaire.",
        "retract": "La demande de validation est retirée.",
        "archive": "La fiche est archivée.",
        "restore": "La fiche est restaurée en brouillon.",
    }
    request.session.flash(messages.get(name, "C'est fait."), "success")
    if name in {"publish", "send_back"} and request.params.get("from") == "queue":
        return HTTPSeeOther(request.route_path("review_queue"))
    return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))


@view_config(route_name="fiche_confirm", request_method="POST", permission=Permission.EDIT)
def fiche_confirm(request: Any) -> Any:
    fiche: Fiche = request.context
    fiches.confirm(fiche, request.user)
    request.session.flash("Merci ! La fiche est confirmée à jour à la date d'aujourd'hui.", "success")
    return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))


@view_config(route_name="fiche_history", renderer="fiche_history.jinja2", permission=Permission.VIEW)
def fiche_history(request: Any) -> Any:
    fiche: Fiche = request.context
    return {
        "fiche": fiche,
        "versions": list(reversed(fiche.versions)),
        "events": list(reversed(fiche.events)),
        "can_restore": bool(request.has_permission(Permission.EDIT)),
    }


def _version(fiche: Fiche, number: Any) -> FicheVersion:
    wanted = parse_id(number)
    version = next((v for v in fiche.versions if v.number == wanted), None)
    if version is None:
        raise HTTPNotFound()
    return version


@view_config(route_name="fiche_compare", renderer="fiche_compare.jinja2", permission=Permission.VIEW)
def fiche_compare(request: Any) -> Any:
    fiche: Fiche = request.context
    if not fiche.versions:
        raise HTTPNotFound()
    latest = fiche.versions[-1]
    default_old = str(max(1, latest.number - 1))
    old = _version(fiche, request.params.get("de", default_old))
    new = _version(fiche, request.params.get("a", str(latest.number)))
    return {
        "fiche": fiche,
        "old": old,
        "new": new,
        "changes": fiches.compare(old, new),
        "versions": fiche.versions,
    }


@view_config(route_name="fiche_version", renderer="fiche_version.jinja2", permission=Permission.VIEW)
def fiche_version(request: Any) -> Any:
    fiche: Fiche = request.context
    version = _version(fiche, request.matchdict["number"])
    return {"fiche": fiche, "version": version, "can_restore": bool(request.has_permission(Permission.EDIT))}


@view_config(route_name="fiche_restore", request_method="POST", permission=Permission.EDIT)
def fiche_restore(request: Any) -> Any:
    fiche: Fiche = request.context
    version = _version(fiche, request.matchdict["number"])
    if fiche.state == State.ARCHIVED:
        raise HTTPBadRequest("Une fiche archivée ne peut pas être modifiée.")
    new = fiches.restore_version(
        request.dbsession,
        fiche,
        version.number,
        request.user,
        can_publish=bool(request.has_permission(Permission.PUBLISH)),
    )
    if new is None:
        request.session.flash("Cette version est identique à la version actuelle.", "")
    else:
        request.session.flash(
            f"La version {version.number} est rétablie : elle devient la version {new.number}.", "success"
        )
    return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))
