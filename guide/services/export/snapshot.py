"""What an export holds: the public guide read once (published versions only), and stable identifiers.

Every format (data·inclusion, HSDS, CSV) is written from one :class:`PublicGuide`, so that the three say the
same thing. Only what residents can see is exported: public fiches (published, not archived) with their
published version, the organisations that carry at least one of them, and the lieux those versions name.
Working copies, drafts, fiches awaiting review and a lieu no published fiche uses stay inside the guide.

Identifiers are stable across exports: an imported row keeps its source and its id as the source gave them
(so that the source recognises its rows); a row created in the guide gets the source ``guide`` and an id
made of the guide's own primary key (``guide--12``, the fiche's public ``uid``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ... import hours
from ...models import Fiche, Lieu, Organisation
from ..fiches import public_fiches_query

GUIDE_SOURCE = "guide"


@dataclass
class PublicGuide:
    organisations: list[Organisation]
    fiches: dict[int, list[Fiche]]  # organisation id -> its public fiches, by id
    lieux: dict[int, list[Lieu]]  # organisation id -> the lieux its public fiches name, by id
    generated_at: dt.datetime
    all_fiches: list[Fiche] = field(default_factory=list)
    _described: dict[str, str] = field(default_factory=dict)
    _grids: dict[str, Any] = field(default_factory=dict)

    def grid(self, horaires: str) -> Any:
        """:func:`guide.hours.osm_to_grid` of the hours, computed once per distinct string."""
        if horaires not in self._grids:
            self._grids[horaires] = hours.osm_to_grid(horaires)
        return self._grids[horaires]

    def describe(self, horaires: str) -> str:
        """The hours in French, computed once per distinct string for the whole export."""
        if horaires not in self._described:
            self._described[horaires] = hours.describe_safe(horaires)
        return self._described[horaires]


def read_public_guide(db: Session, now: dt.datetime | None = None) -> PublicGuide:
    """The public guide as it stands, every published fiche loaded with its content."""
    query = public_fiches_query().order_by(Fiche.id)
    # the rows the imports kept of their sources (guide.models.imports): a few queries, not one per row
    fiche_source = getattr(Fiche, "source_record", None)
    if fiche_source is not None:
        query = query.options(selectinload(fiche_source))
    fiches = list(db.scalars(query))
    by_org: dict[int, list[Fiche]] = defaultdict(list)
    lieux: dict[int, dict[int, Lieu]] = defaultdict(dict)
    for fiche in fiches:
        by_org[fiche.organisation_id].append(fiche)
        for lieu in fiche.published_version.lieux:
            lieux[fiche.organisation_id][lieu.id] = lieu
    organisation_query = select(Organisation).where(Organisation.id.in_(by_org)).order_by(Organisation.id)
    organisation_source = getattr(Organisation, "source_record", None)
    if organisation_source is not None:
        organisation_query = organisation_query.options(selectinload(organisation_source))
    organisations = list(db.scalars(organisation_query)) if by_org else []
    return PublicGuide(
        organisations=organisations,
        fiches=dict(by_org),
        lieux={org_id: [byid[k] for k in sorted(byid)] for org_id, byid in lieux.items()},
        generated_at=now or dt.datetime.now(dt.UTC),
        all_fiches=fiches,
    )


# --- identifiers -------------------------------------------------------------------------------------


def organisation_ref(organisation: Organisation) -> tuple[str, str]:
    """(source, id) of a structure: the source's own for an imported one, ("guide", "guide--<id>") else."""
    if organisation.source and organisation.source_id:
        return organisation.source, organisation.source_id
    return GUIDE_SOURCE, f"{GUIDE_SOURCE}--{organisation.id}"


def fiche_ref(fiche: Fiche) -> tuple[str, str]:
    """(source, id) of a service: under its structure's source (data·inclusion links them by source)."""
    source, _org_id = organisation_ref(fiche.organisation)
    if fiche.source == source and fiche.source_id:
        return source, fiche.source_id
    if source == GUIDE_SOURCE and fiche.uid:
        return source, fiche.uid
    return source, f"{GUIDE_SOURCE}-{fiche.id}"


def lieu_ref(lieu: Lieu, source: str) -> str:
    """The id of a lieu in the ``guide`` extension, under the structure's ``source``."""
    if lieu.source == source and lieu.source_id:
        return lieu.source_id
    return f"{GUIDE_SOURCE}--lieu-{lieu.id}"


def last_update(fiche: Fiche) -> dt.date:
    """The date the public sees as « Dernière mise à jour » (published or last confirmed)."""
    dates = [fiche.published_at.date() if fiche.published_at else None, fiche.confirmed_at]
    return max(filter(None, dates), default=fiche.created_at.date())


def main_lieu(organisation: Organisation, lieux: list[Lieu]) -> Lieu | None:
    """The lieu that gives a structure its address: its own (imported with its id), else the first."""
    for lieu in lieux:
        if lieu.source == organisation.source and lieu.source_id == organisation.source_id:
            return lieu
    return lieux[0] if lieux else None
