"""The shared agenda, read side: series expanded into occurrences, what the public may see, bounded.

A series is an RFC 5545 RRULE (``Event.rrule``) applied to the event's first start *in the guide's wall
time* (Europe/Paris): python-dateutil's ``rrule`` expands naive local datetimes, each is then placed in the
zone, so a weekly atelier at 14 h stays at 14 h when the clocks change. Cancelled occurrences are named by
their local date (``Event.cancelled``).

Bounds (anything an anonymous visitor can ask is capped): a window of at most ``MAX_WINDOW`` days, at
most ``MAX_EVENTS_SCANNED`` events read, at most ``MAX_OCCURRENCES`` occurrences returned; the partner
side refuses series longer than ``MAX_SERIES_OCCURRENCES`` occurrences or ``MAX_SERIES_DAYS`` days, and
an expansion never iterates more than ``MAX_SERIES_OCCURRENCES`` steps whatever the stored rule says.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from babel.dates import format_date, format_time, get_day_names
from dateutil import rrule as du_rrule
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, selectinload
from translationstring import TranslationStringFactory

from .. import hours, workflow
from ..hours import language as hours_language
from ..hours.wording import MONTH_LABELS
from ..models import (
    Event,
    EventHistory,
    EventKind,
    Fiche,
    Lieu,
    Organisation,
    Registration,
    State,
    Thematique,
    User,
)
from ..models.agenda import event_thematique
from ..models.meta import utcnow
from ..permissions import Permission
from ..vocabulary import PUBLICS
from .notifications import decision_recipients, reviewer_label, send_to_all

_ = TranslationStringFactory("guide")

MAX_WINDOW = dt.timedelta(days=366)
MAX_EVENTS_SCANNED = 2000
MAX_OCCURRENCES = 500
DEFAULT_LIMIT = 200
MAX_SERIES_OCCURRENCES = 120
MAX_SERIES_DAYS = 400
MAX_EVENT_HOURS = 24 * 14  # one occurrence lasts at most two weeks (a « Semaine de la parentalité »)

WEEKDAYS_RRULE = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ORDINALS_FR = {1: "1er", 2: "2e", 3: "3e", 4: "4e", -1: "dernier"}


# --- recurrences ----------------------------------------------------------------------------------------


class Frequency:
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


FREQUENCY_LABELS = {
    Frequency.WEEKLY: "Chaque semaine",
    Frequency.BIWEEKLY: "Une semaine sur deux",
    Frequency.MONTHLY: "Chaque mois (même jour de la semaine)",
}


@dataclass(frozen=True)
class Recurrence:
    """A series as the partner form says it: how often, until a date (included) or a number of times."""

    frequency: str
    until: dt.date | None = None
    count: int | None = None


def monthly_position(day: dt.date) -> int:
    """The weekday's position in its month, 1…4, or -1 (« le dernier mardi ») for a 5th one, which not
    every month has."""
    position = (day.day - 1) // 7 + 1
    return -1 if position >= 5 else position


def build_rrule(recurrence: Recurrence, first_local_start: dt.datetime) -> str:
    """The RRULE text of ``recurrence`` for a series whose first occurrence is ``first_local_start``."""
    weekday = WEEKDAYS_RRULE[first_local_start.weekday()]
    if recurrence.frequency == Frequency.WEEKLY:
        parts = ["FREQ=WEEKLY", f"BYDAY={weekday}"]
    elif recurrence.frequency == Frequency.BIWEEKLY:
        parts = ["FREQ=WEEKLY", "INTERVAL=2", f"BYDAY={weekday}"]
    elif recurrence.frequency == Frequency.MONTHLY:
        parts = ["FREQ=MONTHLY", f"BYDAY={monthly_position(first_local_start.date()):+d}{weekday}"]
    else:
        raise ValueError(f"unknown frequency {recurrence.frequency!r}")
    if recurrence.count is not None:
        parts.append(f"COUNT={recurrence.count}")
    elif recurrence.until is not None:
        # Floating (local) UNTIL, as RFC 5545 requires with a floating DTSTART: the whole last day.
        parts.append(f"UNTIL={recurrence.until:%Y%m%d}T235959")
    else:
        raise ValueError("a series ends on a date or after a number of times")
    return ";".join(parts)


def parse_rrule(text: str | None) -> Recurrence | None:
    """Back from the stored RRULE to the form's fields (None: not a series, or not one the form writes)."""
    if not text:
        return None
    fields: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        fields[key.strip().upper()] = value.strip().upper()
    if fields.get("FREQ") == "WEEKLY":
        frequency = Frequency.BIWEEKLY if fields.get("INTERVAL") == "2" else Frequency.WEEKLY
    elif fields.get("FREQ") == "MONTHLY":
        frequency = Frequency.MONTHLY
    else:
        return None
    until = count = None
    try:
        if "COUNT" in fields:
            count = int(fields["COUNT"])
        elif "UNTIL" in fields:
            until = dt.date(int(fields["UNTIL"][:4]), int(fields["UNTIL"][4:6]), int(fields["UNTIL"][6:8]))
    except ValueError:
        return None
    return Recurrence(frequency, until=until, count=count)


def local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in the guide's zone."""
    return value.astimezone(hours.timezone())


def _naive_local(value: dt.datetime) -> dt.datetime:
    return local(value).replace(tzinfo=None)


def _aware(naive_local: dt.datetime) -> dt.datetime:
    return naive_local.replace(tzinfo=hours.timezone()).astimezone(dt.UTC)


def _rule(event: Event) -> du_rrule.rrule:
    return du_rrule.rrulestr(event.rrule or "", dtstart=_naive_local(event.starts_at))  # type: ignore[return-value]


def _local_starts(event: Event) -> Iterator[dt.datetime]:
    """The naive local starts of every occurrence (cancelled included), in order, at most
    ``MAX_SERIES_OCCURRENCES`` of them."""
    if not event.rrule:
        yield _naive_local(event.starts_at)
        return
    yield from islice(iter(_rule(event)), MAX_SERIES_OCCURRENCES)


# --- occurrences ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One date of an event: ``start`` and ``end`` are aware UTC datetimes (show them with the filters)."""

    event: Event
    start: dt.datetime
    end: dt.datetime
    cancelled: bool = False

    @property
    def local_date(self) -> dt.date:
        return local(self.start).date()

    @property
    def key(self) -> str:
        """Stable within the event: its local start (``20261208T1400``), for anchors and RECURRENCE-ID."""
        return f"{local(self.start):%Y%m%dT%H%M}"

    def __lt__(self, other: Occurrence) -> bool:
        return (self.start, self.event.id) < (other.start, other.event.id)


def occurrences(
    event: Event,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    include_cancelled: bool = False,
    limit: int = MAX_SERIES_OCCURRENCES,
) -> list[Occurrence]:
    """The occurrences of ``event`` that overlap [start, end) (either bound may be None), in time order."""
    duration = _naive_local(event.ends_at) - _naive_local(event.starts_at)
    cancelled = set(event.cancelled or ())
    found: list[Occurrence] = []
    for naive in _local_starts(event):
        occurrence_start = _aware(naive)
        occurrence_end = _aware(naive + duration)
        if end is not None and occurrence_start >= end:
            break
        if start is not None and occurrence_end <= start:
            continue
        is_cancelled = naive.date().isoformat() in cancelled
        if is_cancelled and not include_cancelled:
            continue
        found.append(Occurrence(event, occurrence_start, occurrence_end, is_cancelled))
        if len(found) >= limit:
            break
    return found


def last_end(event: Event) -> dt.datetime:
    """The end of the event's last occurrence (cancelled ones count: the bound only needs to be safe)."""
    duration = _naive_local(event.ends_at) - _naive_local(event.starts_at)
    last = None
    for last in _local_starts(event):  # noqa: B007 - the loop keeps the last one
        pass
    assert last is not None
    return _aware(last + duration)


def occurrence_count(event: Event) -> int:
    return sum(1 for _ in _local_starts(event))


def describe(event: Event) -> str:
    """When, in plain French: « tous les mardis de 14 h à 16 h jusqu'au 30 juin 2027 », « le 3 décembre
    2026 de 9 h 30 à 12 h »; in the reader's language on a translated public page
    (:mod:`guide.hours.language`, set by the request: « every Tuesday from 14:00 to 16:00… »)."""
    if hours_language.reader() is not None:
        return _describe_in_language(event)
    start, end = local(event.starts_at), local(event.ends_at)
    times = f"de {_time_fr(start)} à {_time_fr(end)}"
    if end.date() != start.date():
        times = f"du {_date_fr(start.date())} {_time_fr(start)} au {_date_fr(end.date())} {_time_fr(end)}"
    recurrence = parse_rrule(event.rrule)
    if recurrence is None:
        if end.date() != start.date():
            return times
        return f"le {WEEKDAYS_FR[start.weekday()]} {_date_fr(start.date())} {times}"
    weekday = WEEKDAYS_FR[start.weekday()]
    if recurrence.frequency == Frequency.WEEKLY:
        what = f"tous les {weekday}s"
    elif recurrence.frequency == Frequency.BIWEEKLY:
        what = f"un {weekday} sur deux"
    else:
        position = monthly_position(start.date())
        what = f"le {ORDINALS_FR[position]} {weekday} du mois"
    if end.date() != start.date():
        times = f"de {_time_fr(start)} à {_time_fr(end)} le lendemain"
    text = f"{what} {times}, à partir du {_date_fr(start.date())}"
    if recurrence.count is not None:
        text += f", {recurrence.count} fois"
    elif recurrence.until is not None:
        text += f", jusqu'au {_date_fr(recurrence.until)}"
    return text


# The sentence of :func:`describe` in the catalogue's languages: one message per pattern, so that each
# language orders its words (its weekday names, dates and times are Babel's, 24-hour).
_SERIES = {
    Frequency.WEEKLY: _("chaque ${weekday}"),
    Frequency.BIWEEKLY: _("un ${weekday} sur deux"),
}
_MONTHLY = {
    1: _("le premier ${weekday} du mois"),
    2: _("le deuxième ${weekday} du mois"),
    3: _("le troisième ${weekday} du mois"),
    4: _("le quatrième ${weekday} du mois"),
    -1: _("le dernier ${weekday} du mois"),
}


def _describe_in_language(event: Event) -> str:
    current = hours_language.reader()
    assert current is not None
    say = hours_language.say

    def day(value: dt.date) -> str:
        return format_date(value, "d MMMM y", locale=current.locale)

    def time(value: dt.datetime) -> str:
        return format_time(value, "HH:mm", locale=current.locale)

    start, end = local(event.starts_at), local(event.ends_at)
    weekday = get_day_names("wide", locale=current.locale)[start.weekday()]
    times = say(_("de ${start} à ${end}"), start=time(start), end=time(end))
    recurrence = parse_rrule(event.rrule)
    if recurrence is None:
        if end.date() != start.date():
            return say(
                _("du ${start_date} ${start} au ${end_date} ${end}"),
                start_date=day(start.date()),
                start=time(start),
                end_date=day(end.date()),
                end=time(end),
            )
        return say(_("le ${weekday} ${date} ${times}"), weekday=weekday, date=day(start.date()), times=times)
    if recurrence.frequency in _SERIES:
        what = say(_SERIES[recurrence.frequency], weekday=weekday)
    else:
        what = say(_MONTHLY[monthly_position(start.date())], weekday=weekday)
    if end.date() != start.date():
        times = say(_("de ${start} à ${end} le lendemain"), start=time(start), end=time(end))
    text = say(_("${what} ${times}, à partir du ${date}"), what=what, times=times, date=day(start.date()))
    if recurrence.count is not None:
        text += ", " + hours_language.ngettext("${count} fois", "${count} fois", recurrence.count)
    elif recurrence.until is not None:
        text += ", " + say(_("jusqu'au ${date}"), date=day(recurrence.until))
    return text


# Babel's French month names (no hand-written table)
MONTHS_FR = MONTH_LABELS


def _date_fr(day: dt.date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"


def _time_fr(moment: dt.datetime) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


# --- public reads ---------------------------------------------------------------------------------------


def _clamp_window(
    start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    lower = max(start, now) if start is not None else now
    upper = end if end is not None else lower + MAX_WINDOW
    return lower, min(upper, lower + MAX_WINDOW)


def public_events_query(
    *,
    start: dt.datetime,
    end: dt.datetime,
    thematique: int | None = None,
    quartier: int | None = None,
    organisation: int | None = None,
    free: bool | None = None,
) -> Select[tuple[Event]]:
    """Published events with an occurrence that may overlap [start, end), with the guide's filters."""
    query = select(Event).where(
        Event.state == State.PUBLISHED, Event.last_ends_at > start, Event.starts_at < end
    )
    if organisation is not None:
        query = query.where(Event.organisation_id == organisation)
    if quartier is not None:
        query = query.where(Event.lieu_id.in_(select(Lieu.id).where(Lieu.quartier_id == quartier)))
    if thematique is not None:
        query = query.where(
            exists().where(
                event_thematique.c.event_id == Event.id, event_thematique.c.thematique_id == thematique
            )
        )
    if free is not None:
        query = query.where(Event.gratuit.is_(free))
    return query.order_by(Event.starts_at, Event.id).limit(MAX_EVENTS_SCANNED)


def upcoming_occurrences(
    db: Session,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    thematique: int | None = None,
    quartier: int | None = None,
    organisation: int | None = None,
    public: str | None = None,
    free: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    now: dt.datetime | None = None,
) -> list[Occurrence]:
    """Occurrences of published events in [start, end) that end after now, in time order, cancelled ones
    left out. ``start`` defaults to now, ``end`` to start + ``MAX_WINDOW`` and is capped there;
    ``limit`` is capped at ``MAX_OCCURRENCES``. Filters: ids of a thématique, a quartier (the event's
    lieu), an organisation; a public code (``guide.vocabulary.PUBLICS``); free or not."""
    now = now or utcnow()
    lower, upper = _clamp_window(start, end, now)
    limit = max(0, min(limit, MAX_OCCURRENCES))
    if upper <= lower or limit == 0:
        return []
    query = public_events_query(
        start=lower, end=upper, thematique=thematique, quartier=quartier, organisation=organisation, free=free
    ).options(
        selectinload(Event.thematiques),
        selectinload(Event.lieu).selectinload(Lieu.quartier),
        selectinload(Event.organisation),
    )
    events: Iterable[Event] = db.scalars(query)
    if public:
        events = (event for event in events if public in (event.publics or ()))
    streams = [occurrences(event, start=lower, end=upper, limit=limit) for event in events]
    return list(islice(heapq.merge(*streams), limit))


def published_event(db: Session, event_id: int) -> Event | None:
    """The event if the public may see it (published), else None (the page answers 404)."""
    event = db.get(Event, event_id)
    if event is None or event.state != State.PUBLISHED:
        return None
    return event


def next_occurrences(event: Event, *, limit: int = 20, now: dt.datetime | None = None) -> list[Occurrence]:
    """The event's coming occurrences (ending after now, not cancelled), at most ``limit``."""
    return occurrences(event, start=now or utcnow(), limit=max(1, min(limit, MAX_SERIES_OCCURRENCES)))


def is_past(event: Event, now: dt.datetime | None = None) -> bool:
    return event.last_ends_at <= (now or utcnow())


# --- partner side: saving, reviewing, cancelling a date -------------------------------------------------


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
    starts_at, ends_at = _aware(first_local), _aware(end_local)
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
        f"{_date_fr(day)}" + (f" : {reason.strip()}" if reason.strip() else ""),
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


# --- the demo guide -------------------------------------------------------------------------------------


def seed_demo(
    db: Session, data: dict[str, Any], source: str, coordinator: User | None, today: dt.date | None = None
) -> int:
    """The demo guide's events (``guide/demo/agenda.json``), dated from ``today`` (the load day): each at
    ``in_days`` from it, or on the first ``weekday`` at least that far. Returns the events created."""
    today = today or hours.today()
    created = 0
    thematiques = {t.slug: t.id for t in db.scalars(select(Thematique))}
    for row in data.get("events", []):
        organisation = db.scalar(
            select(Organisation).where(
                Organisation.source == source, Organisation.source_id == row["structure"]
            )
        )
        if organisation is None:
            continue
        fiche = (
            db.scalar(select(Fiche).where(Fiche.source == source, Fiche.source_id == row["fiche"]))
            if row.get("fiche")
            else None
        )
        day = today + dt.timedelta(days=row.get("in_days", 1))
        if "weekday" in row:
            day += dt.timedelta(days=(row["weekday"] - day.weekday()) % 7)
        lieu = None
        if not row.get("adresse"):
            lieux = list(fiche.current_version.lieux) if fiche and fiche.current_version else []
            named = [x for x in organisation.lieux if x.nom == row.get("lieu")]
            lieu = next(iter(named), None) or next((x for x in lieux if x in organisation.lieux), None)
            lieu = lieu or next(iter(organisation.lieux), None)
        series = row.get("series")
        data_in = EventInput(
            titre=row["titre"],
            kind=EventKind(row["kind"]),
            day=day,
            start_time=dt.time.fromisoformat(row["start"]),
            end_time=dt.time.fromisoformat(row["end"]),
            end_day=day + dt.timedelta(days=row["days"] - 1) if row.get("days", 1) > 1 else None,
            recurrence=Recurrence(series["frequency"], count=series.get("count")) if series else None,
            description=row.get("description", ""),
            thematique_ids=[thematiques[slug] for slug in row["thematiques"] if slug in thematiques],
            publics=row.get("publics", []),
            fiche_id=fiche.id if fiche else None,
            lieu_id=lieu.id if lieu else None,
            adresse=row.get("adresse", "") if lieu is None else "",
            en_ligne=row.get("en_ligne", False),
            gratuit=row.get("gratuit", True),
            tarif=row.get("tarif", ""),
            inscription=Registration(row.get("inscription", "aucune")),
            inscription_modalites=row.get("modalites", ""),
        )
        event = save_event(db, organisation, data_in, coordinator, may_publish=True)
        state = State(row.get("state", "publie"))
        if state in (State.PENDING, State.PUBLISHED):
            transition(db, event, "submit", coordinator)
        if state == State.PUBLISHED:
            transition(db, event, "publish", coordinator)
        dates = occurrences(event) if series and series.get("cancelled") else []
        for position in series.get("cancelled", []) if series else []:
            cancel_occurrence(db, event, dates[position].local_date, coordinator, "vacances scolaires")
        created += 1
    return created
