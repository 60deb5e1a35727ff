"""The public agenda: the week's occurrences with the guide's filters, an event's coming dates, the events of
an organisation or a fiche, and the events an iCalendar feed gives.

Built on :mod:`guide.services.agenda` (part A: what the public may see, series expanded, bounds). This module
adds the rules of the public pages:

* a page shows one week (Monday to Sunday, Europe/Paris), this week by default; the visitor moves week by
  week, at most ``MAX_WEEKS_AHEAD`` weeks ahead (the read service's window);
* filters are the search's (thématique, public, quartier, gratuit) plus the kind of event; each value comes
  with the number of occurrences the week would show with it (the filter's other values as they are), so a
  link never leads to an empty page;
* a page lists at most ``PER_PAGE`` occurrences, and a week at most the read service's ``MAX_OCCURRENCES``.

Messages for the visitor are TranslationStrings of the ``guide`` domain (French source text).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pyramid.i18n import TranslationStringFactory
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import hours
from ..hours import language as hours_language
from ..models import Event, Fiche, Lieu, Organisation, Quartier, State, Thematique
from ..models.agenda import EVENT_KIND_LABELS
from ..models.meta import utcnow
from ..vocabulary import PUBLICS
from . import agenda

_ = TranslationStringFactory("guide")

PER_PAGE = 30
MAX_PAGE = math.ceil(agenda.MAX_OCCURRENCES / PER_PAGE)
MAX_WEEKS_AHEAD = 52
UPCOMING_DEFAULT = 5  # « Prochains rendez-vous » on an organisation's or a fiche's page
LATER_WINDOW = dt.timedelta(weeks=9)  # an empty week shows the next rendez-vous within this
FEED_MAX_EVENTS = 500  # events in one iCalendar feed (each carries its whole series)
FILTER_NAMES = ("thematique", "public", "quartier", "gratuit", "type")
KIND_LABELS = {kind.value: label for kind, label in EVENT_KIND_LABELS.items()}
# The kinds' French labels (models.agenda.EVENT_KIND_LABELS) as catalogue entries, so that every language says
# them (the templates' ``_(event.kind_label)`` finds them); tests/unit/test_agenda_i18n.py keeps both in step.
KIND_MESSAGES = {
    "atelier": _("Atelier"),
    "reunion-information": _("Réunion d'information"),
    "permanence-exceptionnelle": _("Permanence exceptionnelle"),
    "evenement": _("Événement, fête"),
    "formation": _("Formation"),
    "sortie": _("Sortie"),
    "conference": _("Conférence, débat"),
}
# and the registration's (models.agenda.REGISTRATION_LABELS), by value
REGISTRATION_MESSAGES = {
    "aucune": _("Sans inscription"),
    "conseillee": _("Inscription conseillée"),
    "obligatoire": _("Inscription obligatoire"),
}


class AgendaParameterError(ValueError):
    """A parameter the agenda does not know; ``message`` is a TranslationString (French) for the visitor."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


# --- weeks ----------------------------------------------------------------------------------------------


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_window(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, wall time of the guide, as aware UTC datetimes."""
    start = hours.local(dt.datetime.combine(monday, dt.time()))
    end = hours.local(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()))
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def parse_week(value: Any, today: dt.date) -> dt.date:
    """``semaine``: any date of the wanted week (AAAA-MM-JJ), from this week to ``MAX_WEEKS_AHEAD`` on."""
    this_week = monday_of(today)
    if value in (None, ""):
        return this_week
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise AgendaParameterError(
            _("Semaine invalide : une date AAAA-MM-JJ est attendue (par exemple ${example}).",
              mapping={"example": this_week.isoformat()})
        ) from None  # fmt: skip
    monday = monday_of(day)
    if monday < this_week:
        return this_week  # past weeks are gone: the page shows this week
    if monday > this_week + dt.timedelta(weeks=MAX_WEEKS_AHEAD):
        raise AgendaParameterError(
            _("L'agenda ne va pas au-delà de ${weeks} semaines.", mapping={"weeks": MAX_WEEKS_AHEAD})
        )
    return monday


def parse_page(value: Any) -> int:
    if value in (None, ""):
        return 1
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= MAX_PAGE:
        raise AgendaParameterError(
            _("La page doit être un nombre entre 1 et ${max}.", mapping={"max": MAX_PAGE})
        )
    return int(text)


# --- filters --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaFilters:
    """Validated filters (slugs and codes as in the URL)."""

    thematique: str | None = None
    public: str | None = None
    quartier: str | None = None
    gratuit: bool = False
    type: str | None = None

    def values(self) -> dict[str, str]:
        """The selected values by name (gratuit as "1"), for links."""
        out = {name: getattr(self, name) for name in ("thematique", "public", "quartier", "type")}
        out = {k: v for k, v in out.items() if v}
        if self.gratuit:
            out["gratuit"] = "1"
        return out

    def without(self, name: str) -> AgendaFilters:
        return AgendaFilters(**{**self._asdict(), name: False if name == "gratuit" else None})

    def _asdict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FILTER_NAMES}

    def accepts(self, occurrence: agenda.Occurrence) -> bool:
        event = occurrence.event
        if self.thematique and self.thematique not in {t.slug for t in event.thematiques}:
            return False
        if self.public and self.public not in (event.publics or ()):
            return False
        if self.quartier and _quartier_slug(event) != self.quartier:
            return False
        if self.gratuit and not event.gratuit:
            return False
        return not (self.type and event.kind.value != self.type)


def _quartier_slug(event: Event) -> str | None:
    lieu = event.lieu
    return lieu.quartier.slug if lieu is not None and lieu.quartier is not None else None


@dataclass(frozen=True)
class Catalogue:
    """The thématiques and quartiers the guide knows: slug → (label, id)."""

    thematiques: dict[str, tuple[str, int]]
    quartiers: dict[str, tuple[str, int]]

    @classmethod
    def load(cls, db: Session) -> Catalogue:
        thematiques = {
            slug: (label, id_)
            for slug, label, id_ in db.execute(
                select(Thematique.slug, Thematique.label, Thematique.id).order_by(Thematique.position)
            )
        }
        quartiers = {
            slug: (nom, id_)
            for slug, nom, id_ in db.execute(
                select(Quartier.slug, Quartier.nom, Quartier.id).order_by(Quartier.nom)
            )
        }
        return cls(thematiques, quartiers)

    def label(self, name: str, value: str) -> str:
        if name == "thematique":
            return self.thematiques.get(value, (value, 0))[0]
        if name == "quartier":
            return self.quartiers.get(value, (value, 0))[0]
        if name == "public":
            return PUBLICS.get(value, value)
        if name == "type":
            return KIND_LABELS.get(value, value)
        return str(FACET_LABELS["gratuit"])

    def message(self, name: str, value: str) -> Any:
        """The label of a filter's value as a catalogue entry where the guide ships one (event kinds,
        « Gratuit »), else the label itself (a quartier's name; thématiques: ``PublicLabels.thematique``)."""
        if name == "type" and value in KIND_MESSAGES:
            return KIND_MESSAGES[value]
        if name == "gratuit":
            return FACET_LABELS["gratuit"]
        return self.label(name, value)


def parse_filters(catalogue: Catalogue, params: Mapping[str, Any]) -> AgendaFilters:
    """The filters of a query string; raises :class:`AgendaParameterError` for an unknown value."""
    known = {
        "thematique": (catalogue.thematiques, _("Thématique inconnue : « ${value} ».")),
        "public": (PUBLICS, _("Public inconnu : « ${value} ».")),
        "quartier": (catalogue.quartiers, _("Quartier inconnu : « ${value} ».")),
        "type": (KIND_LABELS, _("Type de rendez-vous inconnu : « ${value} ».")),
    }
    values: dict[str, Any] = {}
    for name, (allowed, message) in known.items():
        value = params.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in allowed:
            raise AgendaParameterError(_(message, mapping={"value": str(value)[:60]}))
        values[name] = value
    gratuit = params.get("gratuit")
    if gratuit not in (None, "", "0", "1"):
        raise AgendaParameterError(_("gratuit : 1 (gratuit seulement) ou rien."))
    return AgendaFilters(**values, gratuit=gratuit == "1")


# --- the week's page ------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: Any
    values: list[FacetValue]


FACET_LABELS = {
    "thematique": _("Thématique"),
    "public": _("Public"),
    "quartier": _("Quartier"),
    "gratuit": _("Gratuit"),
    "type": _("Type de rendez-vous"),
}


@dataclass
class Day:
    date: dt.date
    occurrences: list[agenda.Occurrence]


@dataclass
class AgendaWeek:
    monday: dt.date
    filters: AgendaFilters
    total: int  # occurrences of the week with the filters (at most the read service's bound)
    page: int
    pages: int
    days: list[Day]
    facets: list[Facet]
    next_week: dt.date | None
    previous_week: dt.date | None
    upcoming: list[agenda.Occurrence] = field(default_factory=list)  # after this week, when it is empty

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def _facet_values(
    catalogue: Catalogue, base: list[agenda.Occurrence], filters: AgendaFilters, name: str
) -> list[FacetValue]:
    """Counts for each value of ``name`` among the occurrences the other filters keep."""
    others = filters.without(name)
    counts: dict[str, int] = {}
    for occurrence in base:
        if not others.accepts(occurrence):
            continue
        event = occurrence.event
        if name == "thematique":
            keys = [t.slug for t in event.thematiques]
        elif name == "public":
            keys = list(dict.fromkeys(event.publics or ()))
        elif name == "quartier":
            keys = [slug] if (slug := _quartier_slug(event)) else []
        elif name == "type":
            keys = [event.kind.value]
        else:
            keys = ["1"] if event.gratuit else []
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    selected = filters.values().get(name)
    if selected and selected not in counts:
        counts[selected] = 0
    if name == "thematique":
        order = list(catalogue.thematiques)
    elif name == "quartier":
        order = list(catalogue.quartiers)
    elif name == "type":
        order = list(KIND_LABELS)
    elif name == "public":
        order = list(PUBLICS)
    else:
        order = ["1"]
    return [
        FacetValue(value, catalogue.label(name, value), counts[value], value == selected)
        for value in order
        if value in counts
    ]


def week_page(
    db: Session,
    filters: AgendaFilters,
    monday: dt.date,
    *,
    page: int = 1,
    organisation_id: int | None = None,
    catalogue: Catalogue | None = None,
    now: dt.datetime | None = None,
) -> AgendaWeek:
    """The week of ``monday`` (occurrences ending after now), filtered, a page of it, and the facets."""
    now = now or utcnow()
    catalogue = catalogue or Catalogue.load(db)
    start, end = week_window(monday)
    base = agenda.upcoming_occurrences(
        db, start=start, end=end, organisation=organisation_id, limit=agenda.MAX_OCCURRENCES, now=now
    )
    kept = [o for o in base if filters.accepts(o)]
    pages = max(1, math.ceil(len(kept) / PER_PAGE))
    page = min(page, pages)
    shown = kept[(page - 1) * PER_PAGE : page * PER_PAGE]
    days: list[Day] = []
    for occurrence in shown:
        day = occurrence.local_date
        if not days or days[-1].date != day:
            days.append(Day(day, []))
        days[-1].occurrences.append(occurrence)
    facets = [
        Facet(name, FACET_LABELS[name], _facet_values(catalogue, base, filters, name))
        for name in FILTER_NAMES
    ]
    this_week = monday_of(hours.local(now).date())
    last_week = this_week + dt.timedelta(weeks=MAX_WEEKS_AHEAD)
    result = AgendaWeek(
        monday=monday,
        filters=filters,
        total=len(kept),
        page=page,
        pages=pages,
        days=days,
        facets=[f for f in facets if f.values],
        next_week=monday + dt.timedelta(weeks=1) if monday < last_week else None,
        previous_week=monday - dt.timedelta(weeks=1) if monday > this_week else None,
    )
    if not kept:
        later = agenda.upcoming_occurrences(  # the next two months: not a year of every series
            db,
            start=end,
            end=end + LATER_WINDOW,
            organisation=organisation_id,
            limit=agenda.MAX_OCCURRENCES,
            now=now,
        )
        result.upcoming = [o for o in later if filters.accepts(o)][:UPCOMING_DEFAULT]
    return result


# --- one event, an organisation's or a fiche's events ---------------------------------------------------


def public_event(db: Session, event_id: int) -> Event | None:
    """The event if the public may see it: published and not over (a past event's page is gone)."""
    event = agenda.published_event(db, event_id)
    if event is None or agenda.is_past(event):
        return None
    return event


def upcoming_for(
    db: Session,
    *,
    organisation_id: int,
    fiche_id: int | None = None,
    limit: int = UPCOMING_DEFAULT,
    now: dt.datetime | None = None,
) -> list[agenda.Occurrence]:
    """The coming occurrences of an organisation's published events (of one of its fiches' if given)."""
    found = agenda.upcoming_occurrences(
        db, organisation=organisation_id, limit=agenda.MAX_OCCURRENCES, now=now
    )
    if fiche_id is not None:
        found = [o for o in found if o.event.fiche_id == fiche_id]
    return found[:limit]


def public_fiche(event: Event) -> Fiche | None:
    """The event's fiche, if the public may see it."""
    fiche = event.fiche
    return fiche if fiche is not None and fiche.is_public and fiche.published_version is not None else None


def feed_events(
    db: Session,
    *,
    thematique_id: int | None = None,
    quartier_id: int | None = None,
    organisation_id: int | None = None,
    event_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[Event]:
    """Published events not over yet (each with its whole series), for an iCalendar feed; at most
    ``FEED_MAX_EVENTS``, the soonest first."""
    now = now or utcnow()
    query = agenda.public_events_query(
        start=now,
        end=now + agenda.MAX_WINDOW,
        thematique=thematique_id,
        quartier=quartier_id,
        organisation=organisation_id,
    )
    if event_id is not None:
        query = query.where(Event.id == event_id)
    query = query.limit(FEED_MAX_EVENTS).options(
        selectinload(Event.thematiques),
        selectinload(Event.lieu).selectinload(Lieu.quartier),
        selectinload(Event.organisation),
    )
    return list(db.scalars(query))


def organisation_by_slug(db: Session, slug: str) -> Organisation | None:
    return db.scalar(select(Organisation).where(Organisation.slug == slug[:160]))


def series_events(
    db: Session, *, now: dt.datetime | None = None, limit: int = FEED_MAX_EVENTS
) -> list[Event]:
    """Published series not over yet, by title: the printed guide's « Agenda » section."""
    now = now or utcnow()
    query = (
        select(Event)
        .where(
            Event.state == State.PUBLISHED,
            Event.rrule.is_not(None),
            Event.rrule != "",
            Event.last_ends_at > now,
        )
        .options(selectinload(Event.lieu).selectinload(Lieu.quartier), selectinload(Event.organisation))
        .order_by(Event.titre, Event.id)
        .limit(limit)
    )
    return list(db.scalars(query))


# --- words ----------------------------------------------------------------------------------------------


def time_label(moment: dt.datetime) -> str:
    """« 14 h », « 9 h 30 » (24-hour, the guide's zone); « 14:00 » in the other languages, as the hours
    of the fiches say it (:mod:`guide.hours.language`)."""
    local = hours.local(moment)
    french = f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    return hours_language.clock(local, lambda _moment: french)


def local_iso(moment: dt.datetime) -> str:
    """For ``<time datetime>``: the local time with its offset."""
    return hours.local(moment).isoformat(timespec="minutes")


def location_text(event: Event) -> str:
    """Where, in one line: the lieu and its address, or the free address, or « En ligne »."""
    parts: list[str] = []
    if event.lieu is not None:
        parts.append(", ".join(p for p in (event.lieu.nom, event.lieu.one_line_address) if p))
    elif event.adresse:
        parts.append(event.adresse)
    if event.en_ligne:
        parts.append("En ligne")
    return " — ".join(parts)
