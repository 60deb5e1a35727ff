"""What a search returns: the results page, its hits and the facet counts.

One job: the shapes the views and the JSON API read (:class:`SearchResults`, :class:`Hit`,
:class:`FacetValue`), and a hit made from a document's stored payload (distance, opening status, today's
hours) — highlighting is computed lazily, only for the hits a page shows.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from markupsafe import Markup

from guide import hours
from guide.hours.language import current_locale as hours_language

from .highlight import mark, snippet

PARTIAL_MESSAGE = "Aucun service ne correspond à tous les mots ; voici les plus proches."
# Fewer exact results than this (on the first page) bring the nearby ones (SearchResults.nearby), at most
# NEARBY_COUNT of them.
NEARBY_BELOW = 3
NEARBY_COUNT = 5


class FacetValue(NamedTuple):
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    fiche_id: int
    uid: str
    nom: str
    resume: str
    structure: str
    quartier: str
    url: str
    horaires: str
    fermetures: list[dict[str, str]]
    status: hours.OpenStatus
    today: str
    distance_km: float | None
    latitude: float | None
    longitude: float | None
    thematiques: list[str] = field(default_factory=list)
    lieux: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    highlight: frozenset[str] = frozenset()
    # reviewed translations of the name and summary, by language (guide.services.translations)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    language: str | None = None  # the language of ``nom`` and ``resume`` when they are a translation

    def in_language(self, code: str | None) -> Hit:
        """This hit with the name and summary of its reviewed translation into ``code``, if it has one
        (a new object: hits may be shared by the results cache)."""
        translated = self.translations.get(code) if code else None
        if not translated or not translated.get("nom"):
            return self
        return replace(
            self, nom=translated["nom"], resume=translated.get("resume") or self.resume, language=code
        )

    # Highlighting analyses the text: done only for the hits a page actually shows.
    @functools.cached_property
    def snippet(self) -> Markup:
        """An extract of the summary or description with the query's words in <mark>."""
        return snippet(self.resume, self.description, self.highlight)

    @functools.cached_property
    def title(self) -> Markup:
        """The name, with the query's words in <mark>."""
        return mark(self.nom, self.highlight)


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    pages: int
    per_page: int
    sort: str
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    position: tuple[float, float] | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    milliseconds: float = 0.0
    # What the search cost: words (query units matched), expansions (synonym alternatives), lookups (close
    # words looked up in the vocabulary), corrections (corrected queries counted) — each bounded above.
    work: dict[str, int] = field(default_factory=dict)
    # How the query was understood (:mod:`.understanding`): ``text`` searched (time and filler words out),
    # ``corrected`` — the correction whose results these are (« Résultats pour logement »), ``partial`` —
    # no fiche has every word, these cover the most, ``ignored`` filler words, ``from_query`` the filters
    # read from the query's words (« ouvert le samedi » → ``quand``).
    text: str = ""
    corrected: str | None = None
    partial: bool = False
    ignored: tuple[str, ...] = ()
    from_query: tuple[str, ...] = ()
    # Under a few exact results (fewer than NEARBY_BELOW): the best services with all the words but one
    # (« aide logement » finds two fiches with both words; « Permanence logement » follows here); page 1 only.
    nearby: list[Hit] = field(default_factory=list)
    # When nothing was found: how many fiches each active filter's removal would give, by filter name.
    without: dict[str, int] = field(default_factory=dict)
    # The results cache entry these come from (a new number whenever they are computed or brought to
    # another minute): what is built from them is kept under it (:meth:`SearchService.derived`).
    entry: int | None = field(default=None, compare=False, repr=False)

    @property
    def message(self) -> str | None:
        """What to tell the visitor about these results, in French (None when they match the query)."""
        if self.corrected is not None and self.partial:
            return f"Résultats pour « {self.corrected} » : {PARTIAL_MESSAGE[0].lower()}{PARTIAL_MESSAGE[1:]}"
        if self.corrected is not None:
            return f"Résultats pour « {self.corrected} »"
        if self.partial:
            return PARTIAL_MESSAGE
        return None


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


class HoursTeller:
    """Tells a hit's ``status`` and ``today`` (its hours at ``now``), remembered: the hits of a page, and
    every cached page brought to a new minute, often share their hours (« Mo-Fr 09:00-12:00,14:00-17:00 »):
    each told once per minute and language instead of once per hit (0.2 ms each). One per index snapshot,
    bounded (least recently used)."""

    def __init__(self, size: int = 4096) -> None:
        self._told = functools.lru_cache(maxsize=size)(_told_at)

    def __call__(
        self, horaires: str, fermetures: list[dict[str, Any]] | None, now: dt.datetime
    ) -> dict[str, Any]:
        closures = json.dumps(fermetures, sort_keys=True, default=str) if fermetures else ""
        status, today = self._told(horaires or "", closures, now, hours_language())
        return {"status": status, "today": today}


def _told_at(horaires: str, closures: str, now: dt.datetime, _language: str) -> tuple[hours.OpenStatus, str]:
    fermetures = json.loads(closures) if closures else None
    return hours.status(horaires, fermetures, now), hours.today_hours(horaires, now, fermetures)


def _tell(horaires: str, fermetures: list[dict[str, Any]] | None, now: dt.datetime) -> dict[str, Any]:
    return {
        "status": hours.status(horaires, fermetures, now),
        "today": hours.today_hours(horaires, now, fermetures),
    }


def make_hit(
    payload: dict[str, Any],
    highlight: frozenset[str],
    position: tuple[float, float] | None,
    now: dt.datetime,
    told: Callable[..., dict[str, Any]] = _tell,
) -> Hit:
    latitude = longitude = None
    distance = None
    located = [
        lieu for lieu in payload["lieux"] if lieu["latitude"] is not None and lieu["longitude"] is not None
    ]
    if located:
        nearest = located[0]
        if position is not None:
            nearest = min(
                located, key=lambda lieu: haversine_km(position, (lieu["latitude"], lieu["longitude"]))
            )
            distance = round(haversine_km(position, (nearest["latitude"], nearest["longitude"])), 2)
        latitude, longitude = nearest["latitude"], nearest["longitude"]
    return Hit(
        fiche_id=payload["fiche_id"],
        uid=payload["uid"],
        nom=payload["nom"],
        resume=payload["resume"],
        structure=payload["structure"],
        quartier=payload["quartier"],
        url=payload["url"],
        horaires=payload["horaires"],
        fermetures=payload["fermetures"],
        **told(payload["horaires"], payload["fermetures"], now),
        distance_km=distance,
        latitude=latitude,
        longitude=longitude,
        thematiques=list(payload["thematiques"]),
        lieux=list(payload["lieux"]),
        description=payload["description"],
        highlight=highlight,
        translations=payload.get("traductions") or {},
    )


def at_time(hit: Hit, now: dt.datetime, told: Callable[..., dict[str, Any]] = _tell) -> Hit:
    """``hit`` with its opening status and today's hours told at ``now`` (a new object: hits may be shared
    by the results cache)."""
    return replace(hit, **told(hit.horaires, hit.fermetures, now))
