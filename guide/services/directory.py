"""Reviewed changes of organisations and lieux: the same rule as fiches for public-facing data.

The live :class:`Organisation` and :class:`Lieu` rows are what the public sees (fiche pages, organisation
pages, the search index, the API). A partner whose change needs review writes a
:class:`DirectoryChange` instead (one open change per object, updated by later saves); a coordinator
publishes it — the values are applied to the live row, and the search-index change log follows through
the ``before_flush`` hook of :mod:`.indexlog` exactly as for a direct edit — or sends it back with a
comment. Staff and direct-publication organisations apply at once; their change is recorded as applied.

Who may apply at once (:func:`needs_review`):
- staff (coordinators, administrators);
- for an organisation: its members when it has direct publication;
- for a lieu: members of its organisations when *every* organisation using it has direct publication. A
  lieu is shown on the public fiches of all of them, so one organisation's trust does not extend to the
  others' fiches.

A lieu created by a partner is written at once (recorded as a creation): it is not public by itself, since
public pages show lieux only through published fiches, and publishing a fiche is itself reviewed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Access, Lieu, Organisation, Quartier, User, utcnow
from ..models.directory import ChangeState, DirectoryChange
from ..vocabulary import ACCESS_LABELS, ACCESSIBILITY_FIELDS

ORGANISATION_FIELDS: dict[str, str] = {
    "nom": "Nom",
    "sigle": "Sigle",
    "description": "Présentation",
    "siret": "SIRET",
    "reseau_porteur": "Réseau porteur",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "site_web": "Site web",
    "logo": "Logo",
}
LIEU_FIELDS: dict[str, str] = {
    "nom": "Nom du lieu",
    "adresse": "Adresse",
    "complement_adresse": "Complément d'adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "code_insee": "Code INSEE",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "quartier_id": "Quartier",
    **ACCESSIBILITY_FIELDS,
}
_NULLABLE = {"siret", "logo", "latitude", "longitude", "quartier_id"}

Target = Organisation | Lieu


class ReviewError(ValueError):
    """A review decision that cannot be applied (French message for the page)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fields_of(target: Target) -> dict[str, str]:
    return ORGANISATION_FIELDS if isinstance(target, Organisation) else LIEU_FIELDS


def _plain(value: Any) -> Any:
    """A value as stored in JSON and compared (Access members by their code)."""
    if isinstance(value, Access):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _clean(name: str, value: Any) -> Any:
    value = _plain(value)
    if value is None and name not in _NULLABLE:
        return Access.UNKNOWN.value if name in ACCESSIBILITY_FIELDS else ""
    if name == "siret" and value == "":
        return None
    return value


def live_values(target: Target) -> dict[str, Any]:
    return {name: _clean(name, getattr(target, name)) for name in fields_of(target)}


def _apply(target: Target, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in fields_of(target):
            continue
        if name in ACCESSIBILITY_FIELDS:
            value = Access(value)
        setattr(target, name, value)
    target.updated_at = utcnow()


def needs_review(target: Target, actor: User | None) -> bool:
    """Whether this person's change of this object waits for a coordinator (see the module's rule)."""
    if actor is not None and actor.is_coordinator:
        return False
    if isinstance(target, Organisation):
        return not target.direct_publication
    organisations = list(target.organisations)
    return not organisations or not all(o.direct_publication for o in organisations)


def _target_filter(target: Target) -> Any:
    if isinstance(target, Organisation):
        return DirectoryChange.organisation_id == target.id
    return DirectoryChange.lieu_id == target.id


def open_change(db: Session, target: Target) -> DirectoryChange | None:
    if target.id is None:
        return None
    return db.scalar(
        select(DirectoryChange)
        .where(_target_filter(target), DirectoryChange.state == ChangeState.PENDING)
        .order_by(DirectoryChange.id)
        .limit(1)
    )


def form_values(db: Session, target: Target, actor: User | None) -> dict[str, Any]:
    """What the edit form starts from: the live values, with this person's pending proposal over them
    when their changes are reviewed (staff and direct publishers start from what the public sees)."""
    values = live_values(target)
    if needs_review(target, actor):
        change = open_change(db, target)
        if change is not None:
            values.update({k: v for k, v in change.values.items() if k in values})
    return values


def _changed(target: Target, values: dict[str, Any]) -> dict[str, Any]:
    live = live_values(target)
    wanted = {name: _clean(name, values[name]) for name in fields_of(target) if name in values}
    return {name: value for name, value in wanted.items() if live[name] != value}


def save(
    db: Session, target: Target, values: dict[str, Any], actor: User | None, *, review: bool
) -> DirectoryChange | None:
    """Save a partner's (or coordinator's) form. ``review``: propose instead of applying.

    Returns the proposed or applied change, or None when nothing differs from the live row (an open
    proposal brought back to the live values is withdrawn).
    """
    changed = _changed(target, values)
    proposal = open_change(db, target)
    now = utcnow()
    if review:
        if not changed:
            if proposal is not None:
                db.delete(proposal)
            return None
        if proposal is None:
            proposal = DirectoryChange(created_at=now, state=ChangeState.PENDING)
            _attach(proposal, target)
            db.add(proposal)
        live = live_values(target)
        proposal.values = changed
        proposal.previous = {name: live[name] for name in changed}
        proposal.author = actor
        proposal.updated_at = now
        return proposal
    if not changed:
        return None
    live = live_values(target)
    record = DirectoryChange(
        values=changed,
        previous={name: live[name] for name in changed},
        state=ChangeState.APPLIED,
        direct=True,
        author=actor,
        reviewer=actor,
        created_at=now,
        updated_at=now,
        reviewed_at=now,
    )
    _attach(record, target)
    db.add(record)
    _apply(target, changed)
    if proposal is not None:
        _narrow(db, proposal, target)
    return record


def _attach(change: DirectoryChange, target: Target) -> None:
    if isinstance(target, Organisation):
        change.organisation = target
    else:
        change.lieu = target


def _narrow(db: Session, proposal: DirectoryChange, target: Target) -> None:
    """After a direct edit, an open proposal keeps only the fields it would still change."""
    live = live_values(target)
    remaining = {k: v for k, v in proposal.values.items() if k in live and live[k] != v}
    if not remaining:
        db.delete(proposal)
    else:
        proposal.values = remaining
        proposal.previous = {k: live[k] for k in remaining}


def record_creation(db: Session, lieu: Lieu, actor: User | None) -> DirectoryChange:
    """History of a new lieu: written at once (not public until a published fiche shows it)."""
    now = utcnow()
    change = DirectoryChange(
        lieu=lieu,
        action="create",
        values=live_values(lieu),
        previous={},
        state=ChangeState.APPLIED,
        direct=True,
        author=actor,
        created_at=now,
        updated_at=now,
        reviewed_at=now,
    )
    db.add(change)
    return change


def stamp(change: DirectoryChange) -> str:
    """Identifies what the reviewer read: a later save by the partner changes it."""
    return f"{change.id}-{change.updated_at.timestamp():.6f}"


def publish(db: Session, change: DirectoryChange, reviewer: User | None, seen: str | None = None) -> None:
    """Apply a proposal to the live row (the index change log follows through the flush hook)."""
    _check_open(change, seen)
    target = change.target
    if target is None:
        raise ReviewError("L'objet de cette modification n'existe plus.")
    live = live_values(target)
    change.previous = {k: live[k] for k in change.values if k in live}
    _apply(target, change.values)
    change.state = ChangeState.APPLIED
    change.reviewer = reviewer
    change.reviewed_at = utcnow()
    db.flush()


def send_back(
    db: Session, change: DirectoryChange, reviewer: User | None, comment: str, seen: str | None = None
) -> None:
    comment = (comment or "").strip()[:2000]
    _check_open(change, seen)
    if not comment:
        raise ReviewError("Un commentaire est obligatoire pour expliquer ce renvoi.")
    target = change.target
    if target is not None:
        live = live_values(target)
        change.previous = {k: live[k] for k in change.values if k in live}
    change.state = ChangeState.REJECTED
    change.reviewer = reviewer
    change.reviewed_at = utcnow()
    change.comment = comment
    db.flush()


def _check_open(change: DirectoryChange, seen: str | None) -> None:
    if change.state != ChangeState.PENDING:
        raise ReviewError("Cette modification a déjà été traitée.")
    if seen is not None and seen != stamp(change):
        raise ReviewError(
            "Le partenaire a modifié sa proposition depuis que vous l'avez lue : relisez-la avant de décider."
        )


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def display(db: Session, name: str, value: Any) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return ""
    if name == "quartier_id":
        quartier = db.get(Quartier, value) if isinstance(value, int) else None
        return quartier.nom if quartier is not None else str(value)
    if name in ACCESSIBILITY_FIELDS:
        return ACCESS_LABELS.get(value, str(value))
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    return str(value)


def diff(db: Session, change: DirectoryChange) -> list[FieldChange]:
    """Field by field: for an open proposal, what the public sees now → the proposal; otherwise the
    values before → after the decision."""
    target = change.target
    labels = (
        ORGANISATION_FIELDS
        if change.organisation_id is not None
        else LIEU_FIELDS
        if change.lieu_id is not None
        else {}
    )
    before = (
        live_values(target) if change.state == ChangeState.PENDING and target is not None else change.previous
    )
    return [
        FieldChange(name, label, display(db, name, before.get(name)), display(db, name, change.values[name]))
        for name, label in labels.items()
        if name in change.values
    ]


def review_queue(db: Session) -> list[DirectoryChange]:
    """Open proposals, oldest first."""
    return list(
        db.scalars(
            select(DirectoryChange)
            .where(DirectoryChange.state == ChangeState.PENDING)
            .order_by(DirectoryChange.created_at, DirectoryChange.id)
        )
    )


def history(db: Session, target: Target) -> list[DirectoryChange]:
    return list(
        db.scalars(select(DirectoryChange).where(_target_filter(target)).order_by(DirectoryChange.id.desc()))
    )


def _organisation_and_lieux(organisation: Organisation) -> Any:
    lieu_ids = [lieu.id for lieu in organisation.lieux]
    return or_(DirectoryChange.organisation_id == organisation.id, DirectoryChange.lieu_id.in_(lieu_ids))


def pending_for(db: Session, organisation: Organisation) -> list[DirectoryChange]:
    """Open proposals for the organisation and its lieux (its manage page)."""
    return list(
        db.scalars(
            select(DirectoryChange)
            .where(_organisation_and_lieux(organisation), DirectoryChange.state == ChangeState.PENDING)
            .order_by(DirectoryChange.id)
        )
    )


def sent_back_for(db: Session, organisation: Organisation) -> list[DirectoryChange]:
    """Proposals sent back by the coordination and not followed by any newer change of the same object."""
    latest: dict[tuple[str, int | None], DirectoryChange] = {}
    for change in db.scalars(
        select(DirectoryChange)
        .where(_organisation_and_lieux(organisation), DirectoryChange.action == "edit")
        .order_by(DirectoryChange.id.desc())
    ):
        latest.setdefault((change.kind, change.organisation_id or change.lieu_id), change)
    return [c for c in latest.values() if c.state == ChangeState.REJECTED]
