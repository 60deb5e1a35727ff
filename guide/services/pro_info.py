"""Information for professionals only: who may read it, reading it for a page, saving it.

The rule (issue 14): any logged-in member of a partner organisation, the référents and the coordination
read the information for professionals of every fiche, organisation and lieu; the public never does.
Editing follows the object's own edit right (a partner edits only their own organisation's), which the
view checks with the object's ACL. Nothing public reads the ``pro_info`` table: the search index, the API,
exports, print, the widget and the open data read published versions and public columns only
(``tests/security/test_pro_info_leaks.py`` proves it route by route). The values apply at once: nothing
of it is public, so there is nothing for the coordination to review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from guide.models import Fiche, Lieu, Organisation, User
from guide.models.pro import PRO_FIELDS, ProInfo

Target = Fiche | Organisation | Lieu

_KEY = {Fiche: "fiche_id", Organisation: "organisation_id", Lieu: "lieu_id"}


def may_read(user: User | None) -> bool:
    """True for an active account that belongs to a partner organisation, is a référent, or coordinates."""
    if user is None or not user.active:
        return False
    if user.is_coordinator or user.memberships:
        return True
    return bool(getattr(user, "referent_roles", None))  # declared by guide.models.referents


def _key(target: Target) -> str:
    return _KEY[type(target)]


def get(db: Session, target: Target) -> ProInfo | None:
    return db.scalar(select(ProInfo).where(getattr(ProInfo, _key(target)) == target.id))


def values_of(db: Session, target: Target) -> dict[str, str]:
    """The form's values (empty strings when nothing was written yet)."""
    info = get(db, target)
    return {name: (getattr(info, name) if info is not None else "") for name in PRO_FIELDS}


def save(db: Session, target: Target, values: Mapping[str, Any], user: User | None) -> ProInfo | None:
    """Write the target's information for professionals; all fields empty removes the row (None returned)."""
    clean = {name: str(values.get(name) or "").strip() for name in PRO_FIELDS}
    info = get(db, target)
    if not any(clean.values()):
        if info is not None:
            db.delete(info)
            db.flush()
        return None
    if info is None:
        info = ProInfo(**{_key(target): target.id})
        db.add(info)
    for name, value in clean.items():
        setattr(info, name, value)
    info.updated_by_id = user.id if user is not None else None
    db.flush()
    return info


@dataclass(frozen=True)
class ProBlock:
    """One object's information for professionals, as a page shows it."""

    kind: str  # "fiche", "organisation" or "lieu": the template words the heading
    name: str
    info: ProInfo


def blocks_for(
    db: Session,
    user: User | None,
    fiche: Fiche | None,
    organisation: Organisation | None,
    lieux: Iterable[Lieu],
) -> list[ProBlock]:
    """What a page shows ``user``: nothing at all unless ``may_read(user)``; else the non-empty information of
    the fiche, its organisation and its lieux, in that order (one query)."""
    if not may_read(user):
        return []
    lieux = [lieu for lieu in lieux if lieu is not None]
    conditions = []
    if fiche is not None:
        conditions.append(ProInfo.fiche_id == fiche.id)
    if organisation is not None:
        conditions.append(ProInfo.organisation_id == organisation.id)
    if lieux:
        conditions.append(ProInfo.lieu_id.in_([lieu.id for lieu in lieux]))
    if not conditions:
        return []
    rows = db.scalars(select(ProInfo).where(or_(*conditions))).all()
    rows = [row for row in rows if not row.is_empty()]
    blocks: list[ProBlock] = []
    if fiche is not None:
        blocks += [ProBlock("fiche", "", row) for row in rows if row.fiche_id == fiche.id]
    if organisation is not None:
        blocks += [
            ProBlock("organisation", organisation.nom, r)
            for r in rows
            if r.organisation_id == organisation.id
        ]
    by_lieu = {row.lieu_id: row for row in rows if row.lieu_id is not None}
    for lieu in lieux:
        if lieu.id in by_lieu:
            blocks.append(ProBlock("lieu", lieu.nom or lieu.one_line_address, by_lieu.pop(lieu.id)))
    return blocks


def seed_demo(db: Session, data: Mapping[str, Any], source: str) -> int:
    """The demo guide's information for professionals (``guide/demo/pro_info.json``), keyed by the demo's
    source ids of organisations and fiches. Returns how many objects got some."""
    added = 0
    for model, key in ((Organisation, "organisations"), (Fiche, "fiches")):
        for source_id, values in data.get(key, {}).items():
            target = db.scalar(select(model).where(model.source == source, model.source_id == source_id))
            if target is not None and save(db, target, values, None) is not None:
                added += 1
    return added
