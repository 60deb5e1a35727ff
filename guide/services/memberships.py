"""Who belongs to an organisation: the rules of removing a member.

Inviting is in :mod:`guide.services.accounts` (an invitation grants nothing until it is accepted).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import MemberRole, Membership, Organisation, User


class LastOwnerError(Exception):
    """Removing this membership would leave the organisation without an owner (« responsable »):
    nobody could manage its members any more. ``message`` is French, for the page."""

    message = "La structure doit garder au moins un·e responsable."

    def __init__(self) -> None:
        super().__init__(self.message)


def remove_member(db: Session, organisation: Organisation, membership: Membership, actor: User) -> None:
    """Remove ``membership`` from ``organisation``. :class:`LastOwnerError` when it is the only owner's,
    unless ``actor`` belongs to the coordination (which may then invite a new owner)."""
    if membership.organisation_id != organisation.id:
        raise ValueError("membership of another organisation")
    owners = [m for m in organisation.memberships if m.role == MemberRole.OWNER]
    if membership.role == MemberRole.OWNER and len(owners) == 1 and not actor.is_coordinator:
        raise LastOwnerError()
    db.delete(membership)
    db.flush()
