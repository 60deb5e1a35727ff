"""Security policy: session authentication, principals, and ACLs computed from each object's state.

Nothing about permissions is stored: a fiche's ``__acl__`` is computed, when asked, from its
organisation, its state and the organisation's "direct publication" flag.
"""

from __future__ import annotations

import enum
from typing import Any

from pyramid.authorization import ALL_PERMISSIONS, ACLHelper, Allow, Authenticated, Deny, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import SignedCookieSessionFactory
from sqlalchemy import select

from .models import Fiche, Lieu, MemberRole, Membership, Organisation, SiteRole, State, User
from .settings import as_bool

DENY_ALL = (Deny, Everyone, ALL_PERMISSIONS)
USER_ID_KEY = "guide.user_id"


class Permission(enum.StrEnum):
    VIEW_PUBLIC = "view-public"  # read the published version of a fiche
    VIEW = "view"  # read the working copy, history and versions
    EDIT = "edit"  # save a new version; submit; retract
    PUBLISH = "publish"  # make the latest version public
    REVIEW = "review"  # send back, archive, restore
    CREATE_FICHE = "create-fiche"  # add a fiche to an organisation
    EDIT_ORGANISATION = "edit-organisation"  # the organisation's page and its lieux
    MANAGE_MEMBERS = "manage-members"  # invite / remove the organisation's members
    COORDINATE = "coordinate"  # review queue, quartiers, thématiques, organisations, invitations
    MANAGE_USERS = "manage-users"  # accounts and site roles
    PARTNER_SPACE = "partner-space"  # the dashboard of one's own fiches


ROLE_PRINCIPAL = "role:{}"


def org_principal(organisation_id: int, role: str = "member") -> str:
    return f"org:{organisation_id}:{role}"


COORDINATOR_PERMS = (
    Permission.VIEW_PUBLIC,
    Permission.VIEW,
    Permission.EDIT,
    Permission.PUBLISH,
    Permission.REVIEW,
    Permission.CREATE_FICHE,
    Permission.EDIT_ORGANISATION,
    Permission.MANAGE_MEMBERS,
    Permission.COORDINATE,
    Permission.PARTNER_SPACE,
)


def _staff_aces() -> list[Any]:
    return [
        (Allow, ROLE_PRINCIPAL.format(SiteRole.ADMIN), ALL_PERMISSIONS),
        (Allow, ROLE_PRINCIPAL.format(SiteRole.COORDINATOR), COORDINATOR_PERMS),
    ]


def fiche_acl(fiche: Fiche) -> list[Any]:
    acl = _staff_aces()
    members = org_principal(fiche.organisation_id)
    if fiche.state == State.ARCHIVED:
        acl.append((Allow, members, (Permission.VIEW,)))
    else:
        acl.append((Allow, members, (Permission.VIEW, Permission.EDIT)))
        if fiche.organisation is not None and fiche.organisation.direct_publication:
            acl.append((Allow, members, (Permission.PUBLISH,)))
        if fiche.is_public:
            acl.append((Allow, Everyone, (Permission.VIEW_PUBLIC,)))
    acl.append(DENY_ALL)
    return acl


def organisation_acl(organisation: Organisation) -> list[Any]:
    acl = _staff_aces()
    acl.append((Allow, Everyone, (Permission.VIEW_PUBLIC,)))
    acl.append((Allow, org_principal(organisation.id, MemberRole.OWNER), (Permission.MANAGE_MEMBERS,)))
    acl.append(
        (
            Allow,
            org_principal(organisation.id),
            (Permission.VIEW, Permission.EDIT_ORGANISATION, Permission.CREATE_FICHE),
        )
    )
    acl.append(DENY_ALL)
    return acl


def lieu_acl(lieu: Lieu) -> list[Any]:
    """Any member of an organisation that uses the lieu may correct it."""
    acl = _staff_aces()
    acl.append((Allow, Everyone, (Permission.VIEW_PUBLIC,)))
    for organisation in lieu.organisations:
        acl.append((Allow, org_principal(organisation.id), (Permission.VIEW, Permission.EDIT_ORGANISATION)))
    acl.append(DENY_ALL)
    return acl


class Root:
    """Context of the pages that belong to no object: partner space, coordination, administration."""

    __acl__ = [
        (Allow, ROLE_PRINCIPAL.format(SiteRole.ADMIN), ALL_PERMISSIONS),
        (Allow, ROLE_PRINCIPAL.format(SiteRole.COORDINATOR), COORDINATOR_PERMS),
        (Allow, Authenticated, (Permission.PARTNER_SPACE,)),
        (Allow, Everyone, (Permission.VIEW_PUBLIC,)),
        DENY_ALL,
    ]

    def __init__(self, request: Any = None) -> None:
        self.request = request


def principals_for(user: User | None) -> list[str]:
    if user is None:
        return [Everyone]
    principals = [Everyone, Authenticated, f"user:{user.id}", ROLE_PRINCIPAL.format(user.role)]
    for membership in user.memberships:
        principals.append(org_principal(membership.organisation_id))
        principals.append(org_principal(membership.organisation_id, membership.role))
    return principals


class GuideSecurityPolicy:
    """Session authentication; authorization by ACLs computed on each context."""

    def __init__(self) -> None:
        self.acl = ACLHelper()

    def identity(self, request: Any) -> User | None:
        return request.user

    def authenticated_userid(self, request: Any) -> int | None:
        user = request.user
        return user.id if user is not None else None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        return self.acl.permits(context, principals_for(request.user), permission)

    def remember(self, request: Any, userid: int, **kw: Any) -> list[tuple[str, str]]:
        # A new session id on login protects against session fixation.
        request.session.invalidate()
        request.session[USER_ID_KEY] = userid
        return []

    def forget(self, request: Any, **kw: Any) -> list[tuple[str, str]]:
        request.session.invalidate()
        return []


def get_user(request: Any) -> User | None:
    userid = request.session.get(USER_ID_KEY)
    if userid is None:
        return None
    user = request.dbsession.execute(select(User).where(User.id == userid)).scalar_one_or_none()
    if user is None or not user.active:
        return None
    return user


def memberships_of(request: Any) -> list[Membership]:
    user = request.user
    return list(user.memberships) if user is not None else []


def includeme(config: Any) -> None:
    settings = config.get_settings()
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["secret"],
            cookie_name="guide_session",
            httponly=True,
            samesite="Lax",
            secure=as_bool(settings.get("session.secure", "false")),
            timeout=8 * 3600,
            reissue_time=600,
        )
    )
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(GuideSecurityPolicy())
    config.set_root_factory(Root)
    config.add_request_method(get_user, "user", reify=True)
