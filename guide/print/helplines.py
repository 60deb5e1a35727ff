"""The emergency and listening numbers printed on the back cover of the guide and on the agents' selection."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Helpline

DEFAULT_HELPLINES: list[dict[str, str]] = [
    {
        "label": "Numéro d'urgence européen",
        "number": "112",
        "description": "Toute urgence, depuis un mobile.",
    },
    {"label": "SAMU", "number": "15", "description": "Urgence médicale."},
    {"label": "Police secours", "number": "17", "description": "Agression, violence, danger immédiat."},
    {"label": "Pompiers", "number": "18", "description": "Incendie, accident, personne en détresse."},
    {
        "label": "Urgences pour les personnes sourdes ou malentendantes",
        "number": "114",
        "description": "Par SMS ou par l'application, 24 h/24.",
    },
    {
        "label": "SAMU social — hébergement d'urgence",
        "number": "115",
        "description": "Sans abri, besoin d'un hébergement pour la nuit. Gratuit, 24 h/24.",
    },
    {
        "label": "Allô enfance en danger",
        "number": "119",
        "description": "Enfant ou adolescent en danger ou en risque de l'être. Gratuit, 24 h/24, anonyme.",
    },
    {
        "label": "Violences Femmes Info",
        "number": "3919",
        "description": "Écoute et orientation des femmes victimes de violences. Gratuit, anonyme, 24 h/24.",
    },
    {
        "label": "Prévention du suicide",
        "number": "3114",
        "description": "Détresse psychique, idées suicidaires, inquiétude pour un proche. Gratuit, 24 h/24.",
    },
]


def seed_helplines(db: Session) -> int:
    """Add the default emergency numbers when there is none yet; returns how many were added."""
    if db.scalar(select(Helpline.id).limit(1)) is not None:
        return 0
    for rank, item in enumerate(DEFAULT_HELPLINES, start=1):
        db.add(Helpline(position=rank * 10, **item))
    db.flush()
    return len(DEFAULT_HELPLINES)


def helplines(db: Session) -> list[Helpline]:
    return list(db.scalars(select(Helpline).order_by(Helpline.position, Helpline.id)))


def helpline_data(rows: Iterable[Helpline]) -> list[dict[str, str]]:
    """The numbers as plain data: what an edition freezes and what a cache key hashes."""
    return [{"label": h.label, "number": h.number, "description": h.description} for h in rows]
