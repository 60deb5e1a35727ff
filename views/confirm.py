"""The page a password-less update link opens: one organisation's fiches, « Tout est à jour », « À jour ».

The link (guide.services.campaigns) is the only credential: it confirms the fiches of ONE organisation
and opens nothing else. The page never creates a login session (no session is read or written here, so
no cookie is set) and is never cached (``private, no-store``: its address is a secret). Its forms carry
no CSRF token: the unguessable token in the address they post to is what a forged request cannot know.
« Modifier » leads to the partner space, which asks to log in; a contact without an account can ask for
an invitation to the address the link was mailed to (at most one an hour).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import func, select

from guide.models import AccountToken, MemberRole, Membership, TokenPurpose, User, utcnow
from guide.services import accounts, campaigns
from guide.settings import settings_of

from .resources import parse_id

DONE_MESSAGES = {
    "tout": "Merci ! Toutes vos fiches publiées sont confirmées à jour à la date d'aujourd'hui.",
    "fiche": "Merci ! La fiche est confirmée à jour à la date d'aujourd'hui.",
    "invitation": "Un courriel vous est envoyé : suivez son lien pour choisir votre mot de passe.",
    "aucune": "Aucune fiche publiée à confirmer.",
}


def _no_store(request: Any) -> None:
    request.response.cache_control = "private, no-store"


def _has_account(request: Any, link: Any) -> bool:
    if not link.email:
        return True
    count = request.dbsession.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organisation_id == link.organisation_id,
            User.email == link.email,
            User.active.is_(True),
        )
    )
    return bool(count)


@view_config(route_name="confirm_link", renderer="confirm_link.jinja2", require_csrf=False)
def confirm_link(request: Any) -> Any:
    _no_store(request)
    token = request.matchdict["token"]
    try:
        link = campaigns.resolve_link(request.dbsession, token)
    except campaigns.LinkError as error:
        request.response.status = 410 if error.message != campaigns.UNKNOWN else 404
        return {"error": error.message, "link": None}
    if request.method == "POST":
        return _post(request, link, token)
    campaigns.note_link_opened(link)
    today = dt.date.today()
    done = request.params.get("fait", "")
    return {
        "error": None,
        "link": link,
        "organisation": link.organisation,
        "rows": campaigns.freshness_rows(campaigns.link_fiches(request.dbsession, link), today),
        "done": DONE_MESSAGES.get(done if isinstance(done, str) else "", ""),
        "can_invite": not _has_account(request, link),
        "token": token,
    }


def _post(request: Any, link: Any, token: str) -> Any:
    action = request.POST.get("action", "")
    db = request.dbsession
    if action == "tout":
        done = campaigns.confirm_with_link(db, link)
        result = "tout" if done else "aucune"
    elif action == "fiche":
        fiche_id = parse_id(request.POST.get("fiche"))
        done = campaigns.confirm_with_link(db, link, [fiche_id] if fiche_id else [])
        result = "fiche" if done else "aucune"
    elif action == "invitation" and not _has_account(request, link):
        _invite(request, link)
        result = "invitation"
    else:
        result = ""
    return HTTPSeeOther(
        request.route_path("confirm_link", token=token, _query={"fait": result} if result else {})
    )


def _invite(request: Any, link: Any) -> None:
    """Invite the address the link was mailed to as an editor of the organisation, once an hour at most."""
    db = request.dbsession
    recent = db.scalar(
        select(func.count())
        .select_from(AccountToken)
        .join(User, User.id == AccountToken.user_id)
        .where(
            User.email == accounts.normalise_email(link.email),
            AccountToken.organisation_id == link.organisation_id,
            AccountToken.purpose == TokenPurpose.INVITATION,
            AccountToken.created_at >= utcnow() - dt.timedelta(hours=1),
        )
    )
    if recent:
        return
    settings = settings_of(request.registry)
    days = settings.token_invitation_days
    user, token = accounts.invite(
        db, link.email, "", link.organisation, MemberRole.EDITOR, None, lifetime=dt.timedelta(days=days)
    )
    if not user.active:
        return
    url = request.route_url("invitation", token=token)
    body = (
        f"Bonjour,\n\nVous avez demandé un accès au {settings.site_name} pour modifier les fiches de "
        f"« {link.organisation.nom} ».\n\nOuvrez ce lien (valable {days} jours) pour choisir votre mot de "
        f"passe :\n\n{url}\n\nSi vous n'avez rien demandé, ignorez ce message : rien ne change.\n"
    )
    request.mailer.send_after_commit(request.tm, link.email, f"Votre accès au {settings.site_name}", body)
