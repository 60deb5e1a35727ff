"""What a partner's widget shows: the public fiches of an organisation, a thématique or a quartier, and the
colours it was given — every parameter checked strictly, since anyone may write the snippet.

Raises :class:`WidgetError` (a French message) for what cannot be shown: an unknown organisation,
thématique or quartier, a colour that is not ``#rgb`` or ``#rrggbb``, a limit out of bounds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import (
    Fiche,
    FicheVersion,
    Lieu,
    Organisation,
    Quartier,
    Thematique,
    version_lieu,
    version_thematique,
)
from ..fiches import public_fiches_query

COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
PARAMETERS = ("organisation", "thematique", "quartier", "couleur", "fond", "limite")


class WidgetError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class WidgetRequest:
    organisation: str | None = None
    thematique: str | None = None
    quartier: str | None = None
    couleur: str | None = None
    fond: str | None = None
    limite: int = DEFAULT_LIMIT


def parse(params: Mapping[str, Any]) -> WidgetRequest:
    values: dict[str, Any] = {}
    for name in params:
        if name not in PARAMETERS:
            raise WidgetError(f"Paramètre inconnu : « {str(name)[:40]} ».")
    for name in ("organisation", "thematique", "quartier"):
        value = params.get(name)
        if value is not None and str(value).strip():
            text = str(value).strip()
            if len(text) > 160 or not re.fullmatch(r"[a-z0-9-]+", text):
                raise WidgetError(f"{name} : code invalide (lettres minuscules, chiffres et tirets).")
            values[name] = text
    if not any(name in values for name in ("organisation", "thematique", "quartier")):
        raise WidgetError("Indiquez une structure (organisation), une thématique ou un quartier.")
    for name in ("couleur", "fond"):
        value = params.get(name)
        if value is not None and str(value).strip():
            text = str(value).strip()
            if not COLOUR.fullmatch(text):
                raise WidgetError(f"{name} : couleur invalide, au format #1a2b3c ou #abc.")
            values[name] = text.lower()
    limit = params.get("limite")
    if limit is not None and str(limit).strip():
        text = str(limit).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= MAX_LIMIT:
            raise WidgetError(f"limite : nombre entier entre 1 et {MAX_LIMIT}.")
        values["limite"] = int(text)
    return WidgetRequest(**values)


def fiches_for(db: Session, wanted: WidgetRequest) -> tuple[str, list[Fiche]]:
    """The title of the widget and its fiches (by name, at most ``wanted.limite``)."""
    conditions = []
    titles = []
    if wanted.organisation:
        organisation = db.scalar(select(Organisation).where(Organisation.slug == wanted.organisation))
        if organisation is None:
            raise WidgetError("Cette structure n'est pas dans le guide.", 404)
        conditions.append(Fiche.organisation_id == organisation.id)
        titles.append(organisation.nom)
    if wanted.thematique:
        thematique = db.scalar(select(Thematique).where(Thematique.slug == wanted.thematique))
        if thematique is None:
            raise WidgetError("Cette thématique n'est pas dans le guide.", 404)
        tagged = select(version_thematique.c.version_id).where(
            version_thematique.c.thematique_id == thematique.id
        )
        conditions.append(Fiche.published_version_id.in_(tagged))
        titles.append(thematique.label)
    if wanted.quartier:
        quartier = db.scalar(select(Quartier).where(Quartier.slug == wanted.quartier))
        if quartier is None:
            raise WidgetError("Ce quartier n'est pas dans le guide.", 404)
        located = (
            select(version_lieu.c.version_id)
            .join(Lieu, Lieu.id == version_lieu.c.lieu_id)
            .where(Lieu.quartier_id == quartier.id)
        )
        conditions.append(Fiche.published_version_id.in_(located))
        titles.append(quartier.nom)
    query = (
        public_fiches_query(*conditions)
        .join(FicheVersion, FicheVersion.id == Fiche.published_version_id)
        .order_by(func.lower(FicheVersion.nom), Fiche.id)
        .limit(wanted.limite)  # at most MAX_LIMIT rows loaded, whatever the size of the guide
    )
    return " · ".join(titles), list(db.scalars(query))


def stylesheet(couleur: str | None, fond: str | None) -> str:
    """The widget's colours as CSS custom properties (values already checked by :func:`parse`)."""
    lines = []
    if couleur and COLOUR.fullmatch(couleur):
        lines.append(f"  --widget-accent: {couleur};")
    if fond and COLOUR.fullmatch(fond):
        lines.append(f"  --widget-background: {fond};")
    return ":root {\n" + "\n".join(lines) + "\n}\n" if lines else ""
