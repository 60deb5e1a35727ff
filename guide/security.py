"""Security policy: session authentication, principals, and ACLs computed from each object's state.

Nothing about permissions is stored: a fiche's ACL is computed, when asked, from its organisation, its
state and the organisation's "direct publication" flag (``fiche_acl``; ``acl_for`` picks the function of
each kind of context). Permissions and principals are named in the leaf module ``guide.permissions``.

Sessions are signed cookies, so the server cannot delete one: it refuses it instead. At login the
session receives the account's ``session_generation`` and the login time; ``get_user`` refuses a
session whose generation is not the account's any more (logout, password, role change and
deactivation bump it: every session of the account ends), that was not used for
``session.idle_minutes`` or that is older than ``session.max_hours``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from pyramid.authorization import ALL_PERMISSIONS, ACLHelper, Allow, Authenticated, Deny, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import SignedCookieSessionFactory
from sqlalchemy import select

from .models import Event, Fiche, Lieu, MemberRole, Organisation, SiteRole, State, User
from .permissions import (
    COORDINATOR_PERMS,
    REFERENT,
    Permission,
    org_principal,
    referent_principal,
    role_principal,
    user_principal,
)
from .settings import Settings, settings_of

log = logging.getLogger(__name__)

DENY_ALL = (Deny, Everyone, ALL_PERMISSIONS)
# [user id, session generation, login time, last use time] (times in seconds since the epoch)
AUTH_KEY = "guide.auth"
# The last-use time is rewritten (a new cookie) at most this often.
SEEN_RESOLUTION = 60.0

# A session is a cookie of at most 4 KB: flash messages, which often quote what a person typed,
# are shortened and the oldest dropped so that no view can overflow it.
FLASH_MAX_BYTES = 500  # one message, as serialised in the cookie (JSON)
FLASH_BUDGET_BYTES = 1500  # all flash messages together


def now() -> float:
    """The clock of sessions (tests move it)."""
    return time.time()


def _staff_aces() -> list[Any]:
    return [
        (Allow, role_principal(SiteRole.ADMIN), ALL_PERMISSIONS),
        (Allow, role_principal(SiteRole.COORDINATOR), COORDINATOR_PERMS),
    ]


# What a référent may do on a fiche of their thématiques: read it, publish it, send it back (the review
# transitions), never edit its content nor anything else.
REFERENT_FICHE_PERMS = (Permission.VIEW, Permission.PUBLISH, Permission.REVIEW)


def fiche_thematique_ids(fiche: Fiche) -> set[int]:
    """The thématiques a fiche carries: those of the version under review and of the published one (a
    fiche moving from one thématique to another can be reviewed by the référents of either)."""
    ids: set[int] = set()
    for version in (fiche.current_version, fiche.published_version):
        if version is not None:
            ids.update(thematique.id for thematique in version.thematiques)
    return ids


def fiche_acl(fiche: Fiche) -> list[Any]:
    acl = _staff_aces()
    for thematique_id in sorted(fiche_thematique_ids(fiche)):
        acl.append((Allow, referent_principal(thematique_id), REFERENT_FICHE_PERMS))
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


def event_acl(event: Event) -> list[Any]:
    """An agenda event: reviewed like a fiche (staff, référents of its thématiques, direct publication);
    its organisation's members edit it; the public reads it once published."""
    acl = _staff_aces()
    for thematique_id in sorted({thematique.id for thematique in event.thematiques}):
        acl.append((Allow, referent_principal(thematique_id), REFERENT_FICHE_PERMS))
    members = org_principal(event.organisation_id)
    if event.state == State.ARCHIVED:
        acl.append((Allow, members, (Permission.VIEW,)))
    else:
        acl.append((Allow, members, (Permission.VIEW, Permission.EDIT)))
        if event.organisation is not None and event.organisation.direct_publication:
            acl.append((Allow, members, (Permission.PUBLISH,)))
        if event.state == State.PUBLISHED:
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
        (Allow, role_principal(SiteRole.ADMIN), ALL_PERMISSIONS),
        (Allow, role_principal(SiteRole.COORDINATOR), COORDINATOR_PERMS),
        (Allow, Authenticated, (Permission.PARTNER_SPACE,)),
        (Allow, REFERENT, (Permission.REVIEW_QUEUE,)),
        (Allow, Everyone, (Permission.VIEW_PUBLIC,)),
        DENY_ALL,
    ]

    def __init__(self, request: Any = None) -> None:
        self.request = request


# The ACL of each kind of context, computed when asked (the models know nothing of permissions).
ACL_FUNCTIONS: dict[type, Callable[[Any], list[Any]]] = {
    Fiche: fiche_acl,
    Organisation: organisation_acl,
    Lieu: lieu_acl,
    Event: event_acl,
}


def acl_for(context: Any) -> list[Any]:
    """The ACL of ``context``: computed for a fiche, an organisation or a lieu, ``__acl__`` otherwise
    (:class:`Root`); a context without any is closed to everyone."""
    for kind, acl_function in ACL_FUNCTIONS.items():
        if isinstance(context, kind):
            return acl_function(context)
    acl = getattr(context, "__acl__", None)
    if acl is None:
        return [DENY_ALL]
    return list(acl() if callable(acl) else acl)


class _ACLContext:
    """What Pyramid's ``ACLHelper`` reads: an object with an ``__acl__`` and no parent."""

    __parent__ = None

    def __init__(self, acl: list[Any]) -> None:
        self.__acl__ = acl


def permits(context: Any, principals: list[str], permission: str) -> Any:
    """Pyramid's ACL check of ``permission`` on ``context`` for ``principals`` (an allowed/denied object
    that is truthy when allowed)."""
    return ACLHelper().permits(_ACLContext(acl_for(context)), principals, permission)


def principals_for(user: User | None) -> list[str]:
    if user is None:
        return [Everyone]
    principals = [Everyone, Authenticated, user_principal(user.id), role_principal(user.role)]
    for membership in user.memberships:
        principals.append(org_principal(membership.organisation_id))
        principals.append(org_principal(membership.organisation_id, membership.role))
    referent_roles = getattr(user, "referent_roles", None) or []  # declared by guide.models.referents
    if referent_roles:
        principals.append(REFERENT)
        principals.extend(referent_principal(role.thematique_id) for role in referent_roles)
    return principals


class GuideSecurityPolicy:
    """Session authentication; authorization by ACLs computed on each context."""

    def identity(self, request: Any) -> User | None:
        return request.user

    def authenticated_userid(self, request: Any) -> int | None:
        user = request.user
        return user.id if user is not None else None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        return permits(context, principals_for(request.user), permission)

    def remember(self, request: Any, userid: int, **kw: Any) -> list[tuple[str, str]]:
        # A new session (and CSRF token) on login protects against session fixation.
        request.session.invalidate()
        user = request.dbsession.get(User, userid)
        if user is None:
            return []
        moment = now()
        request.session[AUTH_KEY] = [user.id, user.session_generation or 0, moment, moment]
        request.__dict__.pop("user", None)  # request.user was reified before the login
        return []

    def forget(self, request: Any, **kw: Any) -> list[tuple[str, str]]:
        request.session.invalidate()
        return []


def _lifetimes(settings: Settings) -> tuple[float, float]:
    return settings.session_idle_minutes * 60, settings.session_max_hours * 3600


def get_user(request: Any) -> User | None:
    """The logged-in account, or None when the session is absent, stale, idle or too old."""
    session = request.session
    auth = session.get(AUTH_KEY)
    if auth is None:
        return None
    try:
        userid, generation, login_at, seen_at = (int(auth[0]), int(auth[1]), float(auth[2]), float(auth[3]))
    except (TypeError, ValueError, IndexError, KeyError):
        session.pop(AUTH_KEY, None)
        return None
    idle, maximum = _lifetimes(settings_of(request.registry))
    moment = now()
    if moment - seen_at > idle or moment - login_at > maximum or login_at > moment + SEEN_RESOLUTION:
        session.pop(AUTH_KEY, None)
        return None
    user = request.dbsession.execute(select(User).where(User.id == userid)).scalar_one_or_none()
    if user is None or not user.active or (user.session_generation or 0) != generation:
        session.pop(AUTH_KEY, None)
        return None
    if moment - seen_at > min(SEEN_RESOLUTION, idle / 10):
        session[AUTH_KEY] = [userid, generation, login_at, moment]
    return user


def _json_size(value: Any) -> int:
    return len(json.dumps(value))


def shorten_flash(message: Any) -> Any:
    """The message cut (with an ellipsis) so that it takes at most FLASH_MAX_BYTES in the cookie."""
    if not isinstance(message, str) or _json_size(message) <= FLASH_MAX_BYTES:
        return message
    message = str(message)  # a Markup cut in the middle would not be markup any more
    budget, used, cut = FLASH_MAX_BYTES - _json_size("…"), 2, 0
    for cut, char in enumerate(message):  # noqa: B007 - cut is used after the loop
        used += _json_size(char) - 2
        if used > budget:
            break
    return message[:cut] + "…"


def cookie_secure(settings: Settings) -> bool:
    """``session.secure`` when set, otherwise whether the site is served over https."""
    if settings.session_secure is not None:
        return settings.session_secure
    return settings.site_url.strip().lower().startswith("https://")


def session_factory(settings: Settings) -> Any:
    idle, _maximum = _lifetimes(settings)
    base = SignedCookieSessionFactory(
        settings.secret,
        cookie_name="guide_session",
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(settings),
        timeout=int(idle),
        reissue_time=int(min(600, idle / 10)),
    )

    class GuideSession(base):  # type: ignore[misc, valid-type]
        """Pyramid's signed cookie session whose flash messages cannot overflow the cookie."""

        def flash(self, msg: Any, queue: str = "", allow_duplicate: bool = True) -> None:
            super().flash(shorten_flash(msg), queue, allow_duplicate)
            self._trim_flash(FLASH_BUDGET_BYTES)

        def _trim_flash(self, budget: int) -> None:
            queues = [key for key in dict.keys(self) if key.startswith("_f_")]
            while True:
                sizes = {key: _json_size(dict.get(self, key, [])) for key in queues}
                largest = max(sizes, key=lambda key: sizes[key], default=None)
                if largest is None or sum(sizes.values()) <= budget or not dict.get(self, largest):
                    return
                dict.get(self, largest).pop(0)  # the oldest message of the fullest queue goes

        def _set_cookie(self, response: Any) -> Any:
            try:
                return super()._set_cookie(response)
            except ValueError:
                # Last resort (data put in the session by a view): lose the messages, not the request.
                log.warning("session cookie too large: flash messages dropped")
                for key in [key for key in dict.keys(self) if key.startswith("_f_")]:
                    dict.pop(self, key)
                return super()._set_cookie(response)

    return GuideSession


def includeme(config: Any) -> None:
    config.set_session_factory(session_factory(settings_of(config.registry)))
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    config.set_security_policy(GuideSecurityPolicy())
    config.set_root_factory(Root)
    config.add_request_method(get_user, "user", reify=True)
