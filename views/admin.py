"""Administration: accounts and site roles."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from guide.models import SITE_ROLE_LABELS, SiteRole, User
from guide.permissions import Permission
from guide.services import accounts

from .resources import get_or_404


@view_config(route_name="admin_users", renderer="admin_users.jinja2", permission=Permission.MANAGE_USERS)
def admin_users(request: Any) -> Any:
    users = request.dbsession.scalars(
        select(User).options(selectinload(User.memberships)).order_by(User.email)
    ).all()
    return {"users": users, "roles": SITE_ROLE_LABELS}


@view_config(route_name="admin_user", request_method="POST", permission=Permission.MANAGE_USERS)
def admin_user(request: Any) -> Any:
    user = get_or_404(request, User, "user_id")
    if user.id == request.user.id:
        request.session.flash("Vous ne pouvez pas modifier votre propre compte ici.", "error")
        return HTTPSeeOther(request.route_path("admin_users"))
    # a new role or a deactivation ends every session of the account (guide.services.accounts)
    role = request.POST.get("role")
    if role in {r.value for r in SiteRole}:
        accounts.change_role(user, SiteRole(role))
    if "active" in request.POST:
        accounts.set_active(request.dbsession, user, request.POST.get("active") == "1")
    request.session.flash(f"Le compte {user.email} est mis à jour.", "success")
    return HTTPSeeOther(request.route_path("admin_users"))
