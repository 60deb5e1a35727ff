"""The authorization matrix at the level of the ACL functions (guide/security.py), without a database:
every role × every kind of context (a fiche in each state, of an organisation with or without direct
publication; an organisation; a lieu shared by two organisations; the root) × every permission.

The expected answers are written below as the rules a person states (« the members of an organisation may
edit its fiches unless archived… »), independently of how the ACLs are built. tests/functional/
test_authorization.py keeps a sample of the same matrix over HTTP (views ask for the right permission on
the right context).
"""

from __future__ import annotations

import pytest

from guide.models import (
    Fiche,
    FicheVersion,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    Referent,
    SiteRole,
    State,
    Thematique,
    User,
)
from guide.permissions import Permission
from guide.security import Root, permits, principals_for
from guide.workflow import TRANSITIONS

# organisation ids: A and B publish through the coordination, C publishes directly
A, B, C = 1, 2, 3
DIRECT = {A: False, B: False, C: True}

# who -> (site role, {organisation: member role})
ROLES: dict[str, tuple[SiteRole | None, dict[int, MemberRole]]] = {
    "anonymous": (None, {}),
    "nobody": (SiteRole.PARTNER, {}),
    "editor_a": (SiteRole.PARTNER, {A: MemberRole.EDITOR}),
    "owner_a": (SiteRole.PARTNER, {A: MemberRole.OWNER}),
    "owner_b": (SiteRole.PARTNER, {B: MemberRole.OWNER}),
    "editor_c": (SiteRole.PARTNER, {C: MemberRole.EDITOR}),
    "owner_ab": (SiteRole.PARTNER, {A: MemberRole.OWNER, B: MemberRole.EDITOR}),
    "coord": (SiteRole.COORDINATOR, {}),
    "referent_famille": (SiteRole.PARTNER, {}),
    "referent_sante_a": (SiteRole.PARTNER, {A: MemberRole.EDITOR}),
    "admin": (SiteRole.ADMIN, {}),
}

COORDINATION = set(Permission) - {Permission.MANAGE_USERS}

# thématique ids; who is the référent of which (guide.models.Referent)
FAMILLE, SANTE = 31, 32
REFERENTS: dict[str, set[int]] = {"referent_famille": {FAMILLE}, "referent_sante_a": {SANTE}}


def account(who: str) -> User | None:
    site_role, memberships = ROLES[who]
    if site_role is None:
        return None
    return User(
        id=100 + list(ROLES).index(who),
        email=f"{who}@test.fr",
        role=site_role,
        memberships=[Membership(organisation_id=org, role=role) for org, role in memberships.items()],
        referent_roles=[Referent(thematique_id=t) for t in sorted(REFERENTS.get(who, ()))],
    )


def organisation(org: int) -> Organisation:
    return Organisation(id=org, nom=f"Organisation {org}", slug=f"org-{org}", direct_publication=DIRECT[org])


def fiche(org: int, state: State, thematiques: tuple[int, ...] = ()) -> Fiche:
    published = state in (State.PUBLISHED, State.ARCHIVED)  # archived after publication
    return Fiche(
        id=10,
        organisation_id=org,
        organisation=organisation(org),
        state=state,
        published_version_id=1 if published else None,
        current_version=FicheVersion(
            nom="Fiche", thematiques=[Thematique(id=t, slug=f"t{t}", label=f"T{t}") for t in thematiques]
        ),
    )


def lieu(*orgs: int) -> Lieu:
    place = Lieu(id=20, nom="Lieu partagé")
    place.organisations.extend(organisation(org) for org in orgs)
    return place


def expected(who: str, context: tuple) -> set[Permission]:
    """What ``who`` may do on ``context``, as the rules are stated."""
    site_role, memberships = ROLES[who]
    if site_role == SiteRole.ADMIN:
        return set(Permission)
    if site_role == SiteRole.COORDINATOR:
        return set(COORDINATION)
    kind = context[0]
    allowed = {Permission.VIEW_PUBLIC}
    if kind == "root":
        allowed |= {Permission.REVIEW_QUEUE} if who in REFERENTS else set()
        return allowed | ({Permission.PARTNER_SPACE} if site_role is not None else set())
    if kind == "fiche":
        _kind, org, state, *thematiques = context
        public = state == State.PUBLISHED
        allowed = {Permission.VIEW_PUBLIC} if public else set()
        if org in memberships:
            allowed.add(Permission.VIEW)
            if state != State.ARCHIVED:
                allowed.add(Permission.EDIT)
                if DIRECT[org]:
                    allowed.add(Permission.PUBLISH)
        if REFERENTS.get(who, set()) & set(*thematiques):
            # a référent reviews and publishes the fiches of their thématiques, never edits them
            allowed |= {Permission.VIEW, Permission.PUBLISH, Permission.REVIEW}
        return allowed
    if kind == "organisation":
        _kind, org = context
        if org in memberships:
            allowed |= {Permission.VIEW, Permission.EDIT_ORGANISATION, Permission.CREATE_FICHE}
            if memberships[org] == MemberRole.OWNER:
                allowed.add(Permission.MANAGE_MEMBERS)
        return allowed
    _kind, orgs = context  # a lieu: any member of an organisation using it may correct it
    if set(orgs) & set(memberships):
        allowed |= {Permission.VIEW, Permission.EDIT_ORGANISATION}
    return allowed


def build(context: tuple) -> object:
    if context[0] == "root":
        return Root()
    if context[0] == "fiche":
        return fiche(*context[1:])
    if context[0] == "organisation":
        return organisation(context[1])
    return lieu(*context[1])


CONTEXTS = [
    *(("fiche", org, state) for org in (A, C) for state in State),
    *(("fiche", B, state, thematiques) for state in State for thematiques in ((FAMILLE,), (SANTE,))),
    *(("fiche", A, state, (FAMILLE, SANTE)) for state in (State.PENDING, State.PUBLISHED)),
    ("organisation", A),
    ("organisation", C),
    ("lieu", (A, C)),
    ("lieu", (B,)),
    ("root",),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("context", CONTEXTS, ids=["-".join(map(str, c)) for c in CONTEXTS])
def test_acl_matrix(who, context):
    principals = principals_for(account(who))
    obj = build(context)
    granted = {permission for permission in Permission if permits(obj, principals, permission)}
    assert granted == expected(who, context)


def may_apply(who: str, transition: str, org: int) -> bool:
    """Who may apply a transition to a fiche of ``org``, as the rules are stated."""
    site_role, memberships = ROLES[who]
    if site_role in (SiteRole.ADMIN, SiteRole.COORDINATOR):
        return True
    if transition in ("submit", "retract"):
        return org in memberships
    if transition == "publish":
        return org in memberships and DIRECT[org]
    return False  # send_back, archive, restore: the coordination only


@pytest.mark.parametrize("transition", TRANSITIONS, ids=[t.name for t in TRANSITIONS])
@pytest.mark.parametrize("org", [A, C])
def test_who_may_apply_each_transition(transition, org):
    """The workflow's guard permission on the fiche's ACL, from each of the transition's source states."""
    wrong = [
        (state, who)
        for state in transition.sources
        for who in ROLES
        if bool(permits(fiche(org, state), principals_for(account(who)), transition.permission))
        != may_apply(who, transition.name, org)
    ]
    assert not wrong, (transition.name, org, wrong)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=[t.name for t in TRANSITIONS])
def test_referents_apply_the_review_transitions_on_their_thematiques_only(transition):
    """A référent for « Famille » publishes and sends back a Famille fiche, not a Santé one; a fiche in
    both can be reviewed by either; submitting and retracting stay with the organisation's members."""
    review = transition.name not in ("submit", "retract")
    for state in transition.sources:
        for who, thematiques, allowed in (
            ("referent_famille", (FAMILLE,), review),
            ("referent_famille", (SANTE,), False),
            ("referent_sante_a", (FAMILLE,), False),  # a member of A, the fiche is B's
            ("referent_famille", (FAMILLE, SANTE), review),
            ("referent_sante_a", (FAMILLE, SANTE), review),
        ):
            granted = permits(
                fiche(B, state, thematiques), principals_for(account(who)), transition.permission
            )
            assert bool(granted) == allowed, (transition.name, state, who, thematiques)


def test_referents_open_no_coordination_page():
    for who in REFERENTS:
        principals = principals_for(account(who))
        for permission in (Permission.COORDINATE, Permission.MANAGE_USERS):
            assert not permits(Root(), principals, permission)
        assert permits(Root(), principals, Permission.REVIEW_QUEUE)


def test_a_context_without_acl_is_closed_to_everyone():
    admin = principals_for(account("admin"))
    assert not permits(object(), admin, Permission.VIEW_PUBLIC)


def test_owning_an_organisation_opens_no_coordination_page():
    assert not permits(Root(), principals_for(account("owner_a")), Permission.COORDINATE)
