"""The partner side of the agenda: checking and saving an event, its workflow, cancelling a date, the
partner's and reviewers' lists, and the mail of a review decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from ... import workflow
from ...models import (
    Event,
    EventHistory,
    EventKind,
    Fiche,
    Organisation,
    Registration,
    State,
    Thematique,
    User,
)
from ...models.agenda import event_thematique
from ...models.meta import utcnow
from ...permissions import Permission
from ...vocabulary import PUBLICS
from ..notifications import decision_recipients, reviewer_label, send_to_all
from .series import (
    MAX_SERIES_DAYS,
    MAX_SERIES_OCCURRENCES,
    Recurrence,
    aware,
    build_rrule,
    last_end,
    local,
    occurrence_count,
    occurrences,
    parse_rrule,
)
from .wording import date_fr, describe

MAX_EVENT_HOURS = 24 * 14  # one occurrence lasts at most two weeks (a « Semaine de la parentalité »)


class EventError(Exception):
    """A value the agenda refuses; ``field`` is the form field the French message belongs beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class EventInput:
    """What the partner form gives (local wall times in the guide's zone)."""

    titre: str
    kind: EventKind
    day: dt.date
    start_time: dt.time
    end_time: dt.time
    end_day: dt.date | None = None  # several days (a « semaine »): the last day
    recurrence: Recurrence | None = None
    description: str = ""
    thematique_ids: list[int] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    fiche_id: int | None = None
    lieu_id: int | None = None
    adresse: str = ""
    en_ligne: bool = False
    gratuit: bool = True
    tarif: str = ""
    inscription: Registration = Registration.NONE
    inscription_modalites: str = ""


def input_of(event: Event) -> EventInput:
    """The form's values for an existing event."""
    start, end = local(event.starts_at), local(event.ends_at)
    return EventInput(
        titre=event.titre,
        kind=event.kind,
        day=start.date(),
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=end.time().replace(second=0, microsecond=0),
        end_day=end.date() if end.date() != start.date() else None,
        recurrence=parse_rrule(event.rrule),
        description=event.description,
        thematique_ids=[t.id for t in event.thematiques],
        publics=list(event.publics or []),
        fiche_id=event.fiche_id,
        lieu_id=event.lieu_id,
        adresse=event.adresse,
        en_ligne=event.en_ligne,
        gratuit=event.gratuit,
        tarif=event.tarif,
        inscription=event.inscription,
        inscription_modalites=event.inscription_modalites,
    )


def _check(
    db: Session, organisation: Organisation, data: EventInput, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime, str | None, list[Thematique]]:
    """The first start and end (UTC), the RRULE and the thématiques of ``data``, or an EventError."""
    first_local = dt.datetime.combine(data.day, data.start_time)
    last_day = data.end_day or data.day
    end_local = dt.datetime.combine(last_day, data.end_time)
    if data.end_day is not None and data.end_day < data.day:
        raise EventError("end_day", "Le dernier jour doit être le même jour ou après le premier.")
    if end_local <= first_local:
        raise EventError("end_time", "L'heure de fin doit être après l'heure de début.")
    if end_local - first_local > dt.timedelta(hours=MAX_EVENT_HOURS):
        raise EventError("end_day", "Un événement dure au plus deux semaines : pour plus, créez une série.")
    starts_at, ends_at = aware(first_local), aware(end_local)
    rule = None
    if data.recurrence is not None:
        if end_local.date() - first_local.date() > dt.timedelta(days=1):
            raise EventError(
                "frequency", "Une série se répète sur un jour (ou une soirée) : pas sur plusieurs jours."
            )
        recurrence = data.recurrence
        if recurrence.count is None and recurrence.until is None:
            raise EventError("until", "Indiquez jusqu'à quand la série se répète, ou combien de fois.")
        if recurrence.count is not None and not 2 <= recurrence.count <= MAX_SERIES_OCCURRENCES:
            raise EventError("count", f"Entre 2 et {MAX_SERIES_OCCURRENCES} fois.")
        if recurrence.until is not None:
            if recurrence.until <= data.day:
                raise EventError("until", "La date de fin de la série doit être après la première date.")
            if recurrence.until - data.day > dt.timedelta(days=MAX_SERIES_DAYS):
                raise EventError("until", "Une série dure au plus un an : créez-en une nouvelle ensuite.")
        rule = build_rrule(recurrence, first_local)
    probe = Event(starts_at=starts_at, ends_at=ends_at, rrule=rule)
    if rule is not None:
        count = occurrence_count(probe)
        if count > MAX_SERIES_OCCURRENCES:
            raise EventError(
                "until", f"Cette série compte plus de {MAX_SERIES_OCCURRENCES} dates : raccourcissez-la."
            )
        if count < 2:
            raise EventError(
                "until", "Cette série n'a qu'une date : choisissez une date de fin plus lointaine."
            )
    if last_end(probe) <= now:
        raise EventError("day", "Cette date est passée : l'agenda annonce les événements à venir.")
    if data.fiche_id is not None:
        fiche = db.get(Fiche, data.fiche_id)
        if fiche is None or fiche.organisation_id != organisation.id:
            raise EventError("fiche_id", "Cette fiche n'est pas une fiche de votre structure.")
    if data.lieu_id is not None:
        if data.lieu_id not in {lieu.id for lieu in organisation.lieux}:
            raise EventError("lieu_id", "Ce lieu n'est pas un lieu de votre structure.")
    elif not data.adresse.strip() and not data.en_ligne:
        raise EventError("lieu_id", "Indiquez où : un de vos lieux, une adresse, ou « en ligne ».")
    thematiques = list(db.scalars(select(Thematique).where(Thematique.id.in_(set(data.thematique_ids)))))
    if len(thematiques) != len(set(data.thematique_ids)):
        raise EventError("thematique_ids", "Thématique inconnue : rechargez la page.")
    if not thematiques:
        raise EventError("thematique_ids", "Choisissez au moins une thématique.")
    unknown = [code for code in data.publics if code not in PUBLICS]
    if unknown:
        raise EventError("publics", "Public inconnu : rechargez la page.")
    if not data.gratuit and not data.tarif.strip():
        raise EventError("tarif", "Indiquez le tarif (par exemple « 2 € par famille »).")
    if data.inscription != Registration.NONE and not data.inscription_modalites.strip():
        raise EventError(
            "inscription_modalites",
            "Indiquez comment s'inscrire : un numéro, une adresse électronique ou un lien.",
        )
    return starts_at, ends_at, rule, thematiques


def _record(
    event: Event, actor: User | None, action: str, from_state: State | None, comment: str = ""
) -> None:
    event.history.append(
        EventHistory(actor=actor, action=action, from_state=from_state, to_state=event.state, comment=comment)
    )


def save_event(
    db: Session,
    organisation: Organisation,
    data: EventInput,
    actor: User | None,
    *,
    event: Event | None = None,
    may_publish: bool = False,
    now: dt.datetime | None = None,
) -> Event:
    """Create (``event`` None) or update an event of ``organisation``. A published event edited by someone
    who may not publish goes back to review (« à valider ») and leaves the public agenda until then."""
    now = now or utcnow()
    starts_at, ends_at, rule, thematiques = _check(db, organisation, data, now)
    created = event is None
    if event is None:
        event = Event(organisation=organisation, state=State.DRAFT, created_by=actor, created_at=now)
        db.add(event)
    elif event.organisation_id != organisation.id:
        raise EventError("titre", "Cet événement n'appartient pas à cette structure.")
    from_state = event.state
    dates_changed = (event.starts_at, event.ends_at, event.rrule) != (starts_at, ends_at, rule)
    event.titre = data.titre.strip()
    event.kind = data.kind
    event.description = data.description.strip()
    event.thematiques = sorted(thematiques, key=lambda t: (t.position, t.label))
    event.publics = list(dict.fromkeys(data.publics))
    event.fiche_id = data.fiche_id
    event.lieu_id = data.lieu_id
    event.adresse = "" if data.lieu_id is not None else data.adresse.strip()
    event.en_ligne = data.en_ligne
    event.gratuit = data.gratuit
    event.tarif = "" if data.gratuit else data.tarif.strip()
    event.inscription = data.inscription
    event.inscription_modalites = (
        "" if data.inscription == Registration.NONE else data.inscription_modalites.strip()
    )
    event.starts_at, event.ends_at, event.rrule = starts_at, ends_at, rule
    if dates_changed and not created:
        event.cancelled = []  # the cancelled dates belonged to the old dates
    event.last_ends_at = last_end(event)
    event.updated_at = now
    event.updated_by = actor
    if not created and event.state == State.PUBLISHED and not may_publish:
        _set_state(event, State.PENDING, now)
    _record(event, actor, "create" if created else "save", None if created else from_state)
    db.flush()
    return event


def _set_state(event: Event, state: State, now: dt.datetime) -> None:
    event.state = state
    event.state_changed_at = now
    if state == State.PUBLISHED:
        event.published_at = now


# The fiches' state labels are feminine (« Publiée »); an event is « Publié ».
EVENT_STATE_LABELS = {
    State.DRAFT: "Brouillon",
    State.PENDING: "À valider",
    State.PUBLISHED: "Publié",
    State.ARCHIVED: "Archivé",
}

# Events follow the fiches' workflow (guide.workflow); a partner may also withdraw (archive) their own
# event, which needs only the edit permission here.
PERMISSION_OVERRIDES = {"archive": Permission.EDIT}


def transition_permission(name: str) -> Permission:
    return PERMISSION_OVERRIDES.get(name, workflow.get(name).permission)


def available_transitions(event: Event, allowed: Callable[[Permission], bool]) -> list[workflow.Transition]:
    """The transitions that ``allowed`` (a permission check on the event) lets the person apply now."""
    return [t for t in workflow.available(event.state) if allowed(transition_permission(t.name))]


def transition(
    db: Session,
    event: Event,
    name: str,
    actor: User | None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Apply a workflow transition (the caller checked ``transition_permission(name)``)."""
    now = now or utcnow()
    t = workflow.get(name)
    comment = (comment or "").strip()
    if event.state not in t.sources:
        raise workflow.WorkflowError(
            f"« {t.label} » n'est pas possible pour un événement « {EVENT_STATE_LABELS[event.state]} »."
        )
    if t.comment_required and not comment:
        raise workflow.WorkflowError("Un commentaire est obligatoire pour expliquer ce renvoi.")
    if name == "publish" and event.last_ends_at <= now:
        raise workflow.WorkflowError("Cet événement est passé : il n'y a plus rien à publier.")
    from_state = event.state
    _set_state(event, t.target, now)
    if name == "send_back":
        event.review_comment = comment
    elif t.target == State.PUBLISHED:
        event.review_comment = ""
    _record(event, actor, name, from_state, comment)
    db.flush()


def cancel_occurrence(
    db: Session, event: Event, day: dt.date, actor: User | None, reason: str = "", restore: bool = False
) -> None:
    """Cancel (or, ``restore``, bring back) the occurrence of ``event`` on the local date ``day``."""
    dates = {o.local_date for o in occurrences(event, include_cancelled=True)}
    if day not in dates:
        raise EventError("day", "L'événement n'a pas lieu ce jour-là.")
    cancelled = set(event.cancelled or ())
    if restore:
        cancelled.discard(day.isoformat())
    else:
        if len(cancelled | {day.isoformat()}) >= len(dates):
            raise EventError("day", "C'est la dernière date : archivez plutôt l'événement.")
        cancelled.add(day.isoformat())
    event.cancelled = sorted(cancelled)
    action = "restore_date" if restore else "cancel_date"
    _record(
        event,
        actor,
        action,
        event.state,
        f"{date_fr(day)}" + (f" : {reason.strip()}" if reason.strip() else ""),
    )
    db.flush()


HISTORY_LABELS = {
    "create": "Création",
    "save": "Modification",
    "submit": "Soumis à validation",
    "publish": "Publié",
    "send_back": "Renvoyé au partenaire",
    "retract": "Demande de validation retirée",
    "archive": "Archivé",
    "restore": "Restauré",
    "cancel_date": "Date annulée",
    "restore_date": "Date rétablie",
    "demo": "Chargé avec le guide de démonstration",
}


def organisation_events(
    db: Session, organisation_id: int, *, now: dt.datetime | None = None
) -> dict[str, list[Event]]:
    """The partner's lists: « à venir » (published), « en cours de validation et brouillons », « passés et
    archivés » (the last 100)."""
    now = now or utcnow()
    rows = db.scalars(
        select(Event)
        .where(Event.organisation_id == organisation_id)
        .order_by(Event.starts_at)
        .options(selectinload(Event.thematiques), selectinload(Event.lieu))
        .limit(1000)
    ).all()
    lists: dict[str, list[Event]] = {"upcoming": [], "work": [], "past": []}
    for event in rows:
        if event.state == State.ARCHIVED or event.last_ends_at <= now:
            lists["past"].append(event)
        elif event.state == State.PUBLISHED:
            lists["upcoming"].append(event)
        else:
            lists["work"].append(event)
    lists["past"] = sorted(lists["past"], key=lambda e: e.last_ends_at, reverse=True)[:100]
    return lists


def review_queue(
    db: Session, thematiques: Iterable[int] | None, *, now: dt.datetime | None = None
) -> list[Event]:
    """Events waiting for review (oldest request first) that have not ended; ``thematiques`` None: all of
    them (coordination), else only those carrying one of these thématiques (a référent)."""
    now = now or utcnow()
    query = (
        select(Event)
        .where(Event.state == State.PENDING, Event.last_ends_at > now)
        .order_by(Event.state_changed_at, Event.id)
        .options(selectinload(Event.organisation), selectinload(Event.thematiques))
        .limit(500)
    )
    if thematiques is not None:
        wanted = set(thematiques)
        if not wanted:
            return []
        query = query.where(
            exists().where(
                event_thematique.c.event_id == Event.id, event_thematique.c.thematique_id.in_(wanted)
            )
        )
    return list(db.scalars(query))


def notify_decision(
    db: Session,
    event: Event,
    transition_name: str,
    comment: str,
    actor: User | None,
    mailer: Any,
    *,
    site_name: str,
    manage_url: str,
    transaction_manager: Any = None,
) -> int:
    """Mail the organisation's active members (except the decider) that their event was published or sent
    back, like fiches (``guide.services.notifications.fiche_decided``). ``manage_url``: the absolute URL of
    the event in the partner space (the view builds it from ``site_url``). Returns the mails sent."""
    if transition_name not in ("publish", "send_back"):
        return 0
    emails = decision_recipients(db, event.organisation_id, actor)
    if not emails:
        return 0
    when = describe(event)
    reviewer = reviewer_label(actor, site_name)
    if transition_name == "publish":
        subject = f"Événement publié : {event.titre}"
        body = (
            f"Bonjour,\n\nL'événement « {event.titre} » ({when}) est publié dans l'agenda du {site_name} : "
            f"le public le voit dès maintenant.\n\n{manage_url}\n"
        )
        if comment:
            body += f"\nCommentaire de {reviewer} :\n{comment}\n"
    else:
        subject = f"Événement renvoyé : {event.titre}"
        body = (
            f"Bonjour,\n\n{reviewer[0].upper()}{reviewer[1:]} vous renvoie l'événement « {event.titre} » "
            f"({when}) avec ce commentaire :\n\n{comment}\n\nModifiez-le puis soumettez-le à nouveau :\n"
            f"{manage_url}\n"
        )
    return send_to_all(db, mailer, transaction_manager, emails, subject, body)
