"""Permissions and principals: a leaf module that imports nothing of the guide.

The workflow and the views name permissions from here; ``guide.security`` computes who holds them (the
ACL of each object and the principals of each account). Keeping this module free of model imports is what
lets ``guide.security`` import the models without a circle (as warehouse's ``authnz/_permissions.py``).
"""

from __future__ import annotations

import enum

from pyramid.authorization import Authenticated, Everyone

__all__ = [
    "COORDINATOR_PERMS",
    "REFERENT",
    "Authenticated",
    "Everyone",
    "Permission",
    "org_principal",
    "referent_principal",
    "role_principal",
    "user_principal",
]


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
    REVIEW_QUEUE = "review-queue"  # the review queue: all of it (coordination), one's thématiques (référents)


# What the coordination may do everywhere (administrators hold every permission).
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
    Permission.REVIEW_QUEUE,
)

# Every référent par thématique (guide.models.Referent), whatever their thématiques.
REFERENT = "referent"


def role_principal(site_role: str) -> str:
    """The principal of a site role (``guide.models.SiteRole``): ``role:admin``, ``role:coordinator``…"""
    return f"role:{site_role}"


def org_principal(organisation_id: int, role: str = "member") -> str:
    """Every member of an organisation (``member``) or those of one role (``guide.models.MemberRole``)."""
    return f"org:{organisation_id}:{role}"


def referent_principal(thematique_id: int) -> str:
    """The référents of one thématique: they review and publish the fiches that carry it."""
    return f"referent:{thematique_id}"


def user_principal(user_id: int) -> str:
    return f"user:{user_id}"
