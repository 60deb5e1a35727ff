"""The partner space: one's organisations, their lieux and fiches, editing and the workflow."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import colander
from deform.widget import HiddenWidget
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from guide import workflow
from guide.models import (
    Access,
    Fiche,
    FicheVersion,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    Quartier,
    State,
    Thematique,
    TranslationState,
)
from guide.permissions import Permission
from guide.services import (
    directory,
    fiches,
    geography,
    memberships,
    notifications,
    pro_info,
    referents,
    uploads,
    urgent,
)
from guide.services import translations as fiche_translations
from guide.services.fiches import ConflictError
from guide.services.freshness import PERIOD_CHOICES, Freshness, due_date, freshness_of, period_months
from guide.settings import settings_of
from guide.vocabulary import ACCESSIBILITY_FIELDS
from schemas.accounts import CommentSchema, MemberInvitationSchema
from schemas.directory import LieuSchema, ProInfoSchema, organisation_schema
from schemas.fiche import appstruct_to_content, content_to_appstruct, fiche_schema

from .auth import pending_invitations, send_invitation
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
    # freshness of published fiches: the stale ones first, and listed under « À noter »
    today = dt.date.today()
    freshness = {f.id: freshness_of(f, today) for f in by_state.get(State.PUBLISHED, [])}
    by_state[State.PUBLISHED].sort(key=lambda f: freshness[f.id].rank if freshness[f.id] else 3)
    to_check = [
        f for f in by_state[State.PUBLISHED] if freshness[f.id] in (Freshness.A_VERIFIER, Freshness.BIENTOT)
    ]
    return {
        "organisations": sorted(organisations, key=lambda o: o.nom),
        "by_state": by_state,
        "states": list(State),
        "freshness": freshness,
        "to_check": to_check,
        "reports": notifications.open_reports_for(request.dbsession, org_ids),
        # translations sent back or « à revoir » (guide.services.translations)
        "translations_to_do": fiche_translations.for_organisations(request.dbsession, org_ids),
        "translation_languages": fiche_translations.LANGUAGES,
    }


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
    # closures and hours go public at once, the rest keeps the review (guide.services.urgent)
    urgent_change = (
        None
        if can_publish
        else urgent.publish_urgent(request.dbsession, fiche, data, request.user, base_number)
    )
    if urgent_change is not None:
        base_number = fiche.current_version.number if fiche.current_version else base_number
    try:  # fiches.SimultaneousSave, raised through, aborts the transaction (views/errors.py)
        version = fiches.save(
            request.dbsession, fiche, data, request.user, base_number=base_number, can_publish=can_publish
        )
    except ConflictError as conflict:
        return _conflict(request, response, fiche, conflict, data)
    if urgent_change is not None:
        request.session.flash(
            "Les fermetures et horaires sont publiés : le public les voit dès maintenant (la coordination "
            "les relira ensuite)."
            + (" Vos autres modifications attendent la validation de la coordination." if version else ""),
            "success",
        )
    elif version is None:
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


def _next_to_review(request: Any, fiche: Fiche) -> tuple[Fiche | None, int]:
    """For a reviewer (coordination, or a référent for their thématiques): the oldest other fiche awaiting
    review, and how many others await — the « fiche suivante » after a decision."""
    if request.user is None:
        return None, 0
    if request.has_permission(Permission.COORDINATE):
        queue = fiches.review_queue(request.dbsession)
    else:
        mine = referents.thematique_ids(request.user)
        queue = referents.review_queue(request.dbsession, mine) if mine else []
    others = [f for f in queue if f.id != fiche.id]
    return (others[0] if others else None), len(others)


@view_config(route_name="fiche_manage", renderer="fiche_manage.jinja2", permission=Permission.VIEW)
def fiche_manage(request: Any) -> Any:
    fiche: Fiche = request.context
    transitions = [t for t in workflow.available(fiche.state) if request.has_permission(t.permission)]
    next_fiche, waiting = _next_to_review(request, fiche)
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
        "freshness": freshness_of(fiche),
        "period": period_months(fiche),
        "due": due_date(fiche),
        "can_set_period": bool(request.has_permission(Permission.COORDINATE)),
        "period_choices": PERIOD_CHOICES,
        # reviewed translations whose French text changed since (« à revoir »), and those awaiting a review
        "translations_outdated": [
            fiche_translations.LANGUAGES[t.language].label
            for t in fiche.translations
            if t.language in fiche_translations.LANGUAGES and fiche_translations.is_outdated(fiche, t)
        ],
        "translations_submitted": [
            fiche_translations.LANGUAGES[t.language].label
            for t in fiche.translations
            if t.language in fiche_translations.LANGUAGES and t.state == TranslationState.SUBMITTED
        ],
        "next_to_review": next_fiche,
        "waiting_review": waiting,
    }


def read_comment(request: Any) -> str | None:
    """The comment of a workflow decision (a fiche's transition, a directory change sent back), read
    through :class:`CommentSchema`: invisible characters removed, at most 2,000 characters. None, with
    the French reason flashed, when it is refused."""
    raw = request.POST.get("comment", "")
    try:
        values = CommentSchema().deserialize({"comment": raw if isinstance(raw, str) else ""})
    except colander.Invalid as error:
        request.session.flash("Commentaire refusé : " + " ".join(error.asdict().values()), "error")
        return None
    return values["comment"]


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
    comment = read_comment(request)
    if comment is None:
        return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))
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
    notifications.fiche_decided(
        request.dbsession, fiche, name, comment, request.user, request.mailer,
        settings_of(request.registry), transaction_manager=request.tm,
    )  # fmt: skip
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
