"""The agenda's events at the level of the ACL (guide/security.py ``event_acl``), without a database: every
role of tests/unit/test_acl.py × an event of each state, of organisations with and without direct
publication, in one or two thématiques × the permissions the agenda's views ask for. The rules are those
of fiches, stated again here: members read and edit their own (not once archived), publish only with
direct publication; référents read, publish and send back the events of their thématiques; the public
reads a published event only."""

from __future__ import annotations

import pytest

from guide.models import Event, Organisation, State, Thematique
from guide.permissions import Permission
from guide.security import permits, principals_for
from guide.services.agenda import transition_permission

from .test_acl import DIRECT, FAMILLE, REFERENTS, ROLES, SANTE, A, C, account

PERMISSIONS = (
    Permission.VIEW_PUBLIC,
    Permission.VIEW,
    Permission.EDIT,
    Permission.PUBLISH,
    Permission.REVIEW,
)


def event(org: int, state: State, thematiques: tuple[int, ...]) -> Event:
    organisation = Organisation(id=org, nom="O", slug=f"o-{org}", direct_publication=DIRECT[org])
    return Event(
        id=7,
        organisation_id=org,
        organisation=organisation,
        state=state,
        thematiques=[Thematique(id=t, slug=f"t{t}", label=f"T{t}") for t in thematiques],
    )


def expected(who: str, org: int, state: State, thematiques: tuple[int, ...]) -> set[Permission]:
    site_role, memberships = ROLES[who]
    if site_role is not None and site_role.value in ("admin", "coordinator"):
        return set(PERMISSIONS)
    allowed = {Permission.VIEW_PUBLIC} if state == State.PUBLISHED else set()
    if org in memberships:
        allowed.add(Permission.VIEW)
        if state != State.ARCHIVED:
            allowed.add(Permission.EDIT)
            if DIRECT[org]:
                allowed.add(Permission.PUBLISH)
    if REFERENTS.get(who, set()) & set(thematiques):
        allowed |= {Permission.VIEW, Permission.PUBLISH, Permission.REVIEW}
    return allowed


@pytest.mark.parametrize("who", list(ROLES))
@pytest.mark.parametrize("org", [A, C])
@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("thematiques", [(FAMILLE,), (SANTE,), (FAMILLE, SANTE)])
def test_event_acl(who, org, state, thematiques):
    principals = principals_for(account(who))
    context = event(org, state, thematiques)
    got = {p for p in PERMISSIONS if permits(context, principals, p)}
    assert got == expected(who, org, state, thematiques)


def test_a_partner_withdraws_their_own_event_but_only_the_review_restores_it():
    assert transition_permission("archive") == Permission.EDIT
    assert transition_permission("restore") == Permission.REVIEW
    assert transition_permission("publish") == Permission.PUBLISH
    assert transition_permission("send_back") == Permission.REVIEW
