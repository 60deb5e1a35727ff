"""What a visitor may ask the search for: the parameters, their bounds and their validation.

One job: turn what arrives (keyword arguments or a query string) into a :class:`SearchParams` the rest of the
search can trust, or refuse it with a :class:`SearchParameterError` whose message is French, for the visitor.
The bounds on the work of one search (issue 7) live here too, beside the query length they complement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from translationstring import TranslationString

from guide.models import Quartier, Thematique
from guide.vocabulary import LANGUES, PUBLICS

from .understanding import parse_when


def _(text: str) -> str:
    """Marks a French label for the guide's catalogue (``make messages``); the pages translate it."""
    return text


SORTS: dict[str, str] = {"pertinence": _("Pertinence"), "nom": _("Nom"), "distance": _("Distance")}
FACETS: dict[str, str] = {
    "thematique": _("Thématique"),
    "public": _("Public"),
    "quartier": _("Quartier"),
    "gratuit": _("Gratuit"),
    "accessible": _("Accessible"),
    "langue": _("Langue parlée"),
    "ouvert": _("Ouvert maintenant"),
    "quand": _("Horaires"),
}
# The opening times offered as facets (values of ``quand``, see :mod:`.understanding`), beside « ouvert ».
WHEN_FACETS = ("samedi", "soir", "week-end")
# their labels (understanding.TimeFilter.label), for the catalogue: the results page translates them
WHEN_FACET_LABELS = (_("Ouvert samedi"), _("Ouvert en soirée (après 18 h)"), _("Ouvert le week-end"))
FLAG_LABELS = {
    "gratuit": _("Gratuit"),
    "accessible": _("Accès de plain-pied"),
    "ouvert": _("Ouvert maintenant"),
}
MAX_QUERY_LENGTH = 200
MAX_PAGE = 500
MAX_PER_PAGE = 100
# Bounds on the work of one search, whatever the input (issue 7): the query is at most MAX_QUERY_LENGTH
# characters; only its first MAX_QUERY_WORDS distinct words count; a word brings at most MAX_SYNONYMS
# expressions of its synonym group and a query at most MAX_EXPANSIONS in all; « Vouliez-vous dire » keeps
# CORRECTION_CANDIDATES close words for each word of at most MAX_CORRECTED_LENGTH letters and tries at most
# MAX_CORRECTION_TRIES corrected queries, the closest first, without building every combination.
MAX_QUERY_WORDS = 12
MAX_CORRECTED_WORDS = 4  # unknown words looked up in the vocabulary; a query with more gets no suggestion
MAX_SYNONYMS = 6
MAX_EXPANSIONS = 16
CORRECTION_CANDIDATES = 3
MAX_CORRECTED_LENGTH = 25
MAX_CORRECTION_TRIES = 12


class Message(str):
    """A French message (its text) that also knows its catalogue entry (``translation``), so that a page
    in another language can say it in that language (``request.translate(message)``)."""

    translation: TranslationString


class SearchParameterError(ValueError):
    """A search parameter the guide does not know; ``message`` is French, for the visitor (a
    :class:`Message`: ``${name}`` placeholders of ``message`` filled from ``mapping``)."""

    def __init__(self, message: str, **mapping: Any) -> None:
        translation = TranslationString(message, domain="guide", mapping=mapping or None)
        text = Message(translation.interpolate())
        text.translation = translation
        super().__init__(text)
        self.message = text


@dataclass(frozen=True)
class SearchParams:
    """Validated search parameters (see :func:`validate`)."""

    q: str = ""
    thematique: str | None = None
    public: str | None = None
    quartier: str | None = None
    gratuit: bool = False
    accessible: bool = False
    langue: str | None = None
    ouvert: bool = False
    sort: str = "pertinence"
    position: tuple[float, float] | None = None
    page: int = 1
    per_page: int = 20
    quand: str | None = None  # an opening time (« samedi », « soir »: :func:`.understanding.parse_when`)
    corriger: bool = True  # a query that finds nothing is searched corrected (« logemant » → « logement »)

    def filters(self) -> dict[str, str]:
        """The selected facet values, by facet name (booleans as "1")."""
        out: dict[str, str] = {}
        for name in ("thematique", "public", "quartier", "langue", "quand"):
            value = getattr(self, name)
            if value:
                out[name] = value
        for name in ("gratuit", "accessible", "ouvert"):
            if getattr(self, name):
                out[name] = "1"
        return out


@dataclass(frozen=True)
class Catalogue:
    """The facet values the guide knows, with their labels (thématiques and quartiers come from the
    database, publics and languages from :mod:`guide.vocabulary`)."""

    thematiques: dict[str, tuple[str, int]]  # slug → (label, position)
    quartiers: dict[str, str]  # slug → name

    @classmethod
    def load(cls, db: Session) -> Catalogue:
        thematiques = {
            slug: (label, position)
            for slug, label, position in db.execute(
                select(Thematique.slug, Thematique.label, Thematique.position)
            )
        }
        quartiers = dict(db.execute(select(Quartier.slug, Quartier.nom)).all())
        return cls(thematiques, quartiers)

    def label(self, facet: str, value: str) -> str:
        if facet == "thematique":
            return self.thematiques.get(value, (value, 0))[0]
        if facet == "quartier":
            return self.quartiers.get(value, value)
        if facet == "public":
            return PUBLICS.get(value, value)
        if facet == "langue":
            return LANGUES.get(value, value)
        if facet == "quand":
            when = parse_when(value)
            return when.label if when is not None else value
        return FLAG_LABELS.get(facet, value)


def validate(
    catalogue: Catalogue,
    q: str | None = "",
    *,
    thematique: str | None = None,
    public: str | None = None,
    quartier: str | None = None,
    gratuit: bool = False,
    accessible: bool = False,
    langue: str | None = None,
    ouvert: bool = False,
    sort: str | None = "pertinence",
    position: tuple[float, float] | None = None,
    page: int = 1,
    per_page: int = 20,
    quand: str | None = None,
    corriger: bool = True,
) -> SearchParams:
    """Check every parameter; raises :class:`SearchParameterError` with a French message."""
    if q is None:
        q = ""
    if not isinstance(q, str):
        raise SearchParameterError(_("La recherche doit être un texte."))
    q = " ".join(q.split())
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchParameterError(
            _("La recherche est trop longue (${max} caractères au plus)."), max=MAX_QUERY_LENGTH
        )
    if any(ord(c) < 32 for c in q):
        raise SearchParameterError(_("La recherche contient des caractères invalides."))
    known = {
        "thematique": (catalogue.thematiques, _("Thématique inconnue : « ${value} ».")),
        "public": (PUBLICS, _("Public inconnu : « ${value} ».")),
        "quartier": (catalogue.quartiers, _("Quartier inconnu : « ${value} ».")),
        "langue": (LANGUES, _("Langue inconnue : « ${value} ».")),
    }
    values: dict[str, str | None] = {}
    for name, value in (
        ("thematique", thematique),
        ("public", public),
        ("quartier", quartier),
        ("langue", langue),
    ):
        if value in (None, ""):
            values[name] = None
            continue
        allowed, message = known[name]
        if not isinstance(value, str) or value not in allowed:
            raise SearchParameterError(message, value=str(value)[:60])
        values[name] = value
    sort = sort or "pertinence"
    if sort not in SORTS:
        raise SearchParameterError(
            _("Tri inconnu : « ${value} » (pertinence, nom ou distance)."), value=str(sort)[:30]
        )
    if position is not None:
        try:
            lat, lon = (float(v) for v in position)
        except (TypeError, ValueError):
            raise SearchParameterError(_("La position doit être une latitude et une longitude.")) from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise SearchParameterError(
                _("La position est hors des limites (latitude −90 à 90, longitude −180 à 180).")
            )
        position = (lat, lon)
    if sort == "distance" and position is None:
        raise SearchParameterError(_("Pour trier par distance, partagez votre position."))
    for name, value, maximum in (("page", page, MAX_PAGE), ("per_page", per_page, MAX_PER_PAGE)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
            if name == "page":
                raise SearchParameterError(_("La page doit être un nombre entre 1 et ${max}."), max=maximum)
            raise SearchParameterError(
                _("Le nombre de résultats par page doit être un nombre entre 1 et ${max}."), max=maximum
            )
    if quand in (None, ""):
        quand = None
    else:
        when = parse_when(quand) if isinstance(quand, str) and len(quand) <= 60 else None
        if when is None:
            raise SearchParameterError(
                _("Horaire inconnu : « ${value} » (par exemple samedi, soir, week-end)."),
                value=str(quand)[:60],
            )
        quand = when.code
    return SearchParams(
        q=q,
        thematique=values["thematique"],
        public=values["public"],
        quartier=values["quartier"],
        gratuit=bool(gratuit),
        accessible=bool(accessible),
        langue=values["langue"],
        ouvert=bool(ouvert),
        sort=sort,
        position=position,
        page=page,
        per_page=per_page,
        quand=quand,
        corriger=bool(corriger),
    )


def parse_params(catalogue: Catalogue, params: Mapping[str, Any]) -> SearchParams:
    """Validate a query string (``q``, ``thematique``, ``public``, ``quartier``, ``gratuit``,
    ``accessible``, ``langue``, ``ouvert``, ``quand``, ``tri``, ``lat``, ``lon``, ``page``, ``par_page``,
    ``corriger=0``)."""

    def text(name: str) -> str | None:
        value = params.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise SearchParameterError(_("Le paramètre « ${name} » doit être un texte."), name=name)
        return value.strip()

    def flag(name: str) -> bool:
        value = (text(name) or "").lower()
        if value in ("", "0", "false", "non", "off"):
            return False
        if value in ("1", "true", "oui", "on"):
            return True
        raise SearchParameterError(_("Le paramètre « ${name} » vaut 1 ou 0."), name=name)

    def integer(name: str, default: int) -> int:
        value = text(name)
        if not value:
            return default
        if not (value.isascii() and value.isdigit()) or len(value) > 6:
            raise SearchParameterError(_("Le paramètre « ${name} » doit être un nombre entier."), name=name)
        return int(value)

    lat, lon = text("lat"), text("lon")
    position: tuple[float, float] | None = None
    if lat or lon:
        try:
            position = (float(lat or ""), float(lon or ""))
        except ValueError:
            raise SearchParameterError(_("La position doit être une latitude et une longitude.")) from None
    return validate(
        catalogue,
        text("q") or "",
        thematique=text("thematique"),
        public=text("public"),
        quartier=text("quartier"),
        gratuit=flag("gratuit"),
        accessible=flag("accessible"),
        langue=text("langue"),
        ouvert=flag("ouvert"),
        sort=text("tri") or text("sort") or "pertinence",
        position=position,
        page=integer("page", 1),
        per_page=integer("par_page", 20),
        quand=text("quand"),
        corriger=text("corriger") != "0",
    )
