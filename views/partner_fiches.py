"""The partner space: fiches — create, edit (with conflict resolution), manage, the workflow, confirm,
history, compare and restore versions."""

from __future__ import annotations

from typing import Any

import colander
from deform.widget import HiddenWidget
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from guide import workflow
from guide.models import Fiche, FicheVersion, Lieu, Organisation, State, Thematique, TranslationState
from guide.permissions import Permission
from guide.services import fiches, notifications, referents, urgent
from guide.services import translations as fiche_translations
from guide.services.fiches import ConflictError
from guide.services.freshness import PERIOD_CHOICES, due_date, freshness_of, period_months
from guide.settings import settings_of
from schemas.fiche import appstruct_to_content, content_to_appstruct, fiche_schema

from .partner import read_comment
from .rendering import process_form
from .resources import parse_id

# --- fiches -----------------------------------------------------------------------------------

TRANSITION_MESSAGES = {
    "submit": "La fiche est soumise à la coordination.",
    "publish": "La fiche est publiée : le public la voit dès maintenant.",
    "send_back": "La fiche est renvoyée au partenaire avec votre commentaire.",
    "retract": "La demande de validation est retirée.",
    "archive": "La fiche est archivée.",
    "restore": "La fiche est restaurée en brouillon.",
}
# The second button of the fiche forms: save, then take the next step of the workflow in the same click
SAVE_THEN = {"save_submit": "submit", "save_publish": "publish"}


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


def _decide(request: Any, fiche: Fiche, name: str, comment: str = "") -> None:
    """Apply a workflow transition the person may make (checked by the caller) and tell whom it concerns."""
    fiches.transition(request.dbsession, fiche, name, request.user, comment)
    notifications.fiche_decided(
        request.dbsession, fiche, name, comment, request.user, request.mailer,
        settings_of(request.registry), transaction_manager=request.tm,
    )  # fmt: skip


def _then(request: Any, fiche: Fiche) -> str | None:
    """After a save by « … et soumettre » or « … et publier »: take that step when the fiche's state and the
    person's rights allow it. The transition's name, or None (plain « Enregistrer », or not possible)."""
    wanted = next((SAVE_THEN[button] for button in SAVE_THEN if button in request.POST), None)
    if wanted is None:
        return None
    transition = workflow.get(wanted)
    if fiche.state not in transition.sources or not request.has_permission(transition.permission, fiche):
        return None
    _decide(request, fiche, wanted)
    return wanted


def _save_buttons(first: str, *, may_publish: bool, state: State | None) -> tuple[tuple[str, str], ...]:
    """« Enregistrer » and, when the saved fiche will wait for it, the next step in the same click: submit it
    to the coordination, or publish it for those who may. ``state`` is the fiche's (None: a new fiche).
    A published fiche saved by someone who may publish is published again by the save itself; one saved by
    a partner becomes a working copy to submit; a fiche already submitted waits as it is."""
    creating = state is None
    if may_publish and state in (None, State.DRAFT, State.PENDING):
        second = ("save_publish", "Créer et publier" if creating else "Enregistrer et publier")
    elif not may_publish and state in (None, State.DRAFT, State.PUBLISHED):
        second = ("save_submit", "Créer et soumettre" if creating else "Enregistrer et soumettre")
    else:
        return ((first, "Enregistrer"),)
    return ((first, "Créer la fiche" if creating else "Enregistrer"), second)


def _contact_of(organisation: Organisation) -> dict[str, str]:
    """A new fiche starts with its organisation's phone, e-mail and web site (most services answer there)."""
    return {
        name: value
        for name in ("telephone", "courriel", "site_web")
        if (value := getattr(organisation, name) or "")
    }


@view_config(route_name="fiche_add", renderer="fiche_edit.jinja2", permission=Permission.CREATE_FICHE)
def fiche_add(request: Any) -> Any:
    organisation: Organisation = request.context
    schema = fiche_schema(**_form_choices(request, organisation, {}))
    defaults: dict[str, Any] = {"langues": {"fr"}, **_contact_of(organisation)}
    if len(organisation.lieux) == 1:
        defaults["lieux"] = {str(organisation.lieux[0].id)}
    may_publish = organisation.direct_publication or bool(request.has_permission(Permission.COORDINATE))
    buttons = _save_buttons("save", may_publish=may_publish, state=None)
    result = process_form(request, schema, appstruct=defaults, buttons=buttons)
    if result.valid:
        assert result.appstruct is not None
        fiche = fiches.create_fiche(
            request.dbsession, organisation, appstruct_to_content(result.appstruct), request.user
        )
        done = _then(request, fiche)
        request.session.flash(
            "La fiche est créée et soumise à la coordination."
            if done == "submit"
            else "La fiche est créée et publiée : le public la voit dès maintenant."
            if done == "publish"
            else "La fiche est créée en brouillon. Soumettez-la à validation quand elle est prête.",
            "success",
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
    can_publish = bool(request.has_permission(Permission.PUBLISH))
    buttons = _save_buttons("save", may_publish=can_publish, state=fiche.state)
    result = process_form(request, schema, appstruct=appstruct, buttons=buttons)
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
    done = _then(request, fiche)
    if urgent_change is not None:
        request.session.flash(
            "Les fermetures et horaires sont publiés : le public les voit dès maintenant (la coordination "
            "les relira ensuite)."
            + (
                " Vos autres modifications sont soumises à la coordination."
                if version and done == "submit"
                else " Vos autres modifications attendent la validation de la coordination."
                if version
                else ""
            ),
            "success",
        )
    elif done == "submit":
        request.session.flash(
            "La fiche est enregistrée et soumise à la coordination."
            if version
            else "La fiche est soumise à la coordination (sans modification).",
            "success",
        )
    elif done == "publish":
        request.session.flash(
            "La fiche est enregistrée et publiée : le public la voit dès maintenant.", "success"
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
        # accepted (a service may take no calls), but said: the public would not know how to reach it
        "no_contact": fiche.current_version is not None
        and not any(
            (value or "").strip()
            for value in (
                fiche.current_version.telephone,
                fiche.current_version.courriel,
                fiche.current_version.site_web,
            )
        ),
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
        _decide(request, fiche, name, comment)
    except workflow.WorkflowError as error:
        request.session.flash(str(error), "error")
        return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))
    request.session.flash(TRANSITION_MESSAGES.get(name, "C'est fait."), "success")
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
