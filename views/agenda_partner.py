"""The shared agenda, partner and coordination side: an organisation's events, the event form, the review.

The public agenda is ``views/agenda_public.py`` (its iCalendar feeds ``views/agenda_feeds.py``). Rules are in
``guide.services.agenda``; permissions come from the event's ACL (``guide.security.event_acl``).
"""

from __future__ import annotations

from typing import Any

import colander
from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from guide import workflow
from guide.models import Event, EventKind, Fiche, Organisation, Registration, State, Thematique, utcnow
from guide.permissions import Permission
from guide.services import agenda, referents
from guide.services.agenda import EventError, EventInput, Recurrence
from guide.settings import settings_of
from guide.vocabulary import PUBLICS
from schemas.agenda import CancelDateSchema, EventSchema

from .partner import read_comment
from .rendering import process_form
from .resources import get_or_404, parse_id


def event_factory(request: Any) -> Event:
    return get_or_404(request, Event, "event_id")


MESSAGES = {
    "submit": "L'événement est soumis à la coordination.",
    "publish": "L'événement est publié : il apparaît dans l'agenda public.",
    "send_back": "L'événement est renvoyé au partenaire avec votre commentaire.",
    "retract": "La demande de validation est retirée.",
    "archive": "L'événement est archivé : il n'apparaît plus dans l'agenda.",
    "restore": "L'événement est restauré en brouillon.",
}


def _schema(request: Any, organisation: Organisation) -> Any:
    thematiques = request.dbsession.scalars(
        select(Thematique).order_by(Thematique.position, Thematique.label)
    )
    fiches = request.dbsession.scalars(
        select(Fiche).where(Fiche.organisation_id == organisation.id, Fiche.state != State.ARCHIVED)
    ).all()
    return EventSchema().bind(
        thematiques=[(str(t.id), t.label) for t in thematiques],
        lieux=[(str(lieu.id), f"{lieu.nom} — {lieu.one_line_address}") for lieu in organisation.lieux],
        fiches=sorted(((str(f.id), f.title) for f in fiches), key=lambda pair: pair[1].lower()),
    )


def _appstruct(data: EventInput) -> dict[str, Any]:
    recurrence = data.recurrence
    return {
        "titre": data.titre,
        "kind": data.kind.value,
        "description": data.description,
        "day": data.day,
        "start_time": data.start_time,
        "end_time": data.end_time,
        "end_day": data.end_day,
        "frequency": recurrence.frequency if recurrence else "",
        "until": recurrence.until if recurrence else None,
        "count": recurrence.count if recurrence else None,
        "lieu_id": str(data.lieu_id) if data.lieu_id else "",
        "adresse": data.adresse,
        "en_ligne": data.en_ligne,
        "fiche_id": str(data.fiche_id) if data.fiche_id else "",
        "thematique_ids": {str(i) for i in data.thematique_ids},
        "publics": set(data.publics),
        "gratuit": "oui" if data.gratuit else "non",
        "tarif": data.tarif,
        "inscription": data.inscription.value,
        "inscription_modalites": data.inscription_modalites,
    }


def _input(values: dict[str, Any]) -> EventInput:
    frequency = values["frequency"]
    return EventInput(
        titre=values["titre"],
        kind=EventKind(values["kind"]),
        description=values["description"],
        day=values["day"],
        start_time=values["start_time"],
        end_time=values["end_time"],
        end_day=values["end_day"],
        recurrence=Recurrence(frequency, until=values["until"], count=values["count"]) if frequency else None,
        lieu_id=int(values["lieu_id"]) if values["lieu_id"] else None,
        adresse=values["adresse"],
        en_ligne=bool(values["en_ligne"]),
        fiche_id=int(values["fiche_id"]) if values["fiche_id"] else None,
        thematique_ids=[int(i) for i in values["thematique_ids"]],
        publics=sorted(values["publics"]),
        gratuit=values["gratuit"] == "oui",
        tarif=values["tarif"],
        inscription=Registration(values["inscription"]),
        inscription_modalites=values["inscription_modalites"],
    )


def _buttons(may_publish: bool) -> tuple[tuple[str, str], ...]:
    second = (
        ("save_publish", "Enregistrer et publier")
        if may_publish
        else ("save_submit", "Enregistrer et soumettre")
    )
    return (("save", "Enregistrer"), second)


def _copied(request: Any, organisation: Organisation) -> dict[str, Any] | None:
    """The form's values of the organisation's event named by ``?copie=``, without its dates (« Dupliquer »);
    None for anything else (another organisation's event, a malformed id)."""
    source_id = parse_id(request.GET.get("copie"))
    source = request.dbsession.get(Event, source_id) if source_id is not None else None
    if source is None or source.organisation_id != organisation.id:
        return None
    values = _appstruct(agenda.input_of(source))
    for key in ("day", "end_day", "until", "count"):
        values.pop(key, None)
    return values


def _event_form(request: Any, organisation: Organisation, event: Event | None) -> Any:
    may_publish_org = organisation.direct_publication or bool(request.has_permission(Permission.COORDINATE))
    may_publish = bool(request.has_permission(Permission.PUBLISH, event)) if event else may_publish_org
    if event is not None:
        appstruct = _appstruct(agenda.input_of(event))
    else:
        appstruct = _copied(request, organisation) or {"gratuit": "oui"}
    result = process_form(
        request, _schema(request, organisation), appstruct=appstruct, buttons=_buttons(may_publish)
    )
    if result.valid:
        assert result.appstruct is not None
        try:
            saved = agenda.save_event(
                request.dbsession, organisation, _input(result.appstruct), request.user,
                event=event, may_publish=may_publish,
            )  # fmt: skip
        except EventError as error:
            result.fail(error.field, error.message)
        else:
            message = "L'événement est enregistré."
            wanted = (
                "publish"
                if "save_publish" in request.POST
                else "submit"
                if "save_submit" in request.POST
                else ""
            )
            if wanted and saved.state in workflow.get(wanted).sources:
                if request.has_permission(agenda.transition_permission(wanted), saved):
                    agenda.transition(request.dbsession, saved, wanted, request.user)
                    message = MESSAGES[wanted]
            elif event is not None and event.state == State.PENDING and saved.state == State.PENDING:
                message = "L'événement est enregistré ; il attend la validation de la coordination."
            request.session.flash(message, "success")
            return HTTPSeeOther(request.route_path("event_manage", event_id=saved.id))
    intro = (
        "Les dates et heures sont celles de Clermont-Ferrand. Pour un atelier qui revient, choisissez "
        "« Se répète » : par exemple tous les mardis de 14 h à 16 h jusqu'au 30 juin."
    )
    if event is not None and event.state == State.PUBLISHED and not may_publish:
        intro += (
            " Cet événement est publié : une fois modifié, il repasse en validation et quitte l'agenda "
            "public d'ici là."
        )
    return {
        "form": result,
        "title": f"Modifier « {event.titre} »" if event else "Nouvel événement",
        "intro": intro,
        "breadcrumb": (
            ("Événement", request.route_path("event_manage", event_id=event.id))
            if event
            else ("Agenda de " + organisation.nom, request.route_path("event_list", org_id=organisation.id))
        ),
    }


@view_config(route_name="event_list", renderer="event_list.jinja2", permission=Permission.VIEW)
def event_list(request: Any) -> Any:
    organisation: Organisation = request.context
    return {
        "organisation": organisation,
        "lists": agenda.organisation_events(request.dbsession, organisation.id),
        "can_create": bool(request.has_permission(Permission.CREATE_FICHE)),
        "describe": agenda.describe,
        "state_labels": agenda.EVENT_STATE_LABELS,
    }


@view_config(route_name="event_add", renderer="event_edit.jinja2", permission=Permission.CREATE_FICHE)
def event_add(request: Any) -> Any:
    return _event_form(request, request.context, None)


@view_config(route_name="event_edit", renderer="event_edit.jinja2", permission=Permission.EDIT)
def event_edit(request: Any) -> Any:
    event: Event = request.context
    return _event_form(request, event.organisation, event)


@view_config(route_name="event_manage", renderer="event_manage.jinja2", permission=Permission.VIEW)
def event_manage(request: Any) -> Any:
    event: Event = request.context
    transitions = agenda.available_transitions(event, lambda p: bool(request.has_permission(p)))
    return {
        "event": event,
        "when": agenda.describe(event),
        "publics": ", ".join(PUBLICS.get(code, code) for code in event.publics or ()),
        "dates": agenda.occurrences(event, start=utcnow(), include_cancelled=True, limit=60),
        "past": agenda.is_past(event),
        "transitions": transitions,
        "can_edit": bool(request.has_permission(Permission.EDIT)),
        "can_copy": bool(request.has_permission(Permission.CREATE_FICHE, event.organisation)),
        "history": list(reversed(event.history))[:30],
        "history_labels": agenda.HISTORY_LABELS,
        "state_labels": agenda.EVENT_STATE_LABELS,
        "from_queue": request.params.get("from") == "queue",
    }


@view_config(route_name="event_transition", request_method="POST", permission=Permission.VIEW)
def event_transition(request: Any) -> Any:
    event: Event = request.context
    name = request.matchdict["name"]
    try:
        workflow.get(name)
    except workflow.WorkflowError:
        raise HTTPNotFound() from None
    if not request.has_permission(agenda.transition_permission(name)):
        raise HTTPForbidden()
    back = request.route_path("event_manage", event_id=event.id)
    comment = read_comment(request)
    if comment is None:
        return HTTPSeeOther(back)
    try:
        agenda.transition(request.dbsession, event, name, request.user, comment)
    except workflow.WorkflowError as error:
        request.session.flash(str(error), "error")
        return HTTPSeeOther(back)
    request.session.flash(MESSAGES.get(name, "C'est fait."), "success")
    agenda.notify_decision(
        request.dbsession, event, name, comment, request.user, request.mailer,
        site_name=settings_of(request.registry).site_name,
        manage_url=request.route_url("event_manage", event_id=event.id),
        transaction_manager=request.tm,
    )  # fmt: skip
    if name in {"publish", "send_back"} and request.params.get("from") == "queue":
        return HTTPSeeOther(request.route_path("event_review"))
    return HTTPSeeOther(back)


@view_config(route_name="event_cancel_date", request_method="POST", permission=Permission.EDIT)
def event_cancel_date(request: Any) -> Any:
    event: Event = request.context
    back = request.route_path("event_manage", event_id=event.id) + "#dates"
    raw = {key: request.POST.get(key, "") for key in ("day", "reason")}
    try:
        values = CancelDateSchema().deserialize({k: v if isinstance(v, str) else "" for k, v in raw.items()})
    except colander.Invalid as error:
        request.session.flash("Date refusée : " + " ".join(error.asdict().values()), "error")
        return HTTPSeeOther(back)
    restore = request.POST.get("restore") == "1"
    try:
        agenda.cancel_occurrence(
            request.dbsession, event, values["day"], request.user, values["reason"], restore
        )
    except EventError as error:
        request.session.flash(error.message, "error")
        return HTTPSeeOther(back)
    request.session.flash(
        "La date est rétablie." if restore else "La date est annulée : l'agenda l'indique.", "success"
    )
    return HTTPSeeOther(back)


@view_config(route_name="event_review", renderer="event_review.jinja2", permission=Permission.REVIEW_QUEUE)
def event_review(request: Any) -> Any:
    coordinator = bool(request.has_permission(Permission.COORDINATE))
    mine = None if coordinator else referents.thematique_ids(request.user)
    return {
        "queue": agenda.review_queue(request.dbsession, mine),
        "referent_of": None if coordinator else referents.thematique_labels(request.dbsession, mine or ()),
        "describe": agenda.describe,
    }
