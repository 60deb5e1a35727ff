"""Logging in and out, password reset and invitations by emailed links that expire."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlsplit

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import forget, remember
from pyramid.view import view_config

from guide.models import MemberRole, Organisation, SiteRole, TokenPurpose
from guide.ratelimit import client_ip
from guide.services import accounts
from guide.settings import settings_of
from schemas.accounts import LoginSchema, NewPasswordSchema, ResetRequestSchema

from .rendering import process_form

log = logging.getLogger(__name__)

# --- mail off the request ---------------------------------------------------------------------
#
# The password reset mail goes through the outbox like every mail (guide.mail): the request only writes a
# row, guide-worker speaks SMTP. The time of the answer does not tell whether the address has an account
# (no SMTP exchange in the request either way).


def send_off_request(request: Any, to: str, subject: str, body: str) -> None:
    """Queue the mail in the request's transaction; guide-worker sends it once the transaction commits."""
    request.mailer.send_after_commit(request.tm, to, subject, body)


def wait_for_mail(timeout: float = 10.0) -> None:
    """Nothing to wait for in this process any more (kept for the tests' mailbox fixture)."""


# --- login ------------------------------------------------------------------------------------


def _home_of(request: Any, user: Any) -> str:
    """Where a person lands after login: the review queue for coordinators and référents who belong to no
    structure (their work is there), else their space."""
    if user is not None and not user.memberships and (user.is_coordinator or user.referent_roles):
        return request.route_path("review_queue")
    return request.route_path("dashboard")


def _safe_next(request: Any, user: Any = None) -> str:
    """A path on this site to go to after login; anything else (another host, a scheme, control
    characters that browsers drop or that would split the header) gives the person's home page."""
    default = _home_of(request, user)
    target = request.params.get("next", "")
    if not isinstance(target, str) or not target or len(target) > 2000:
        return default
    if not target.isascii() or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return default
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _login_page(result: Any) -> dict[str, Any]:
    return {
        "form": result,
        "title": "Espace partenaires : connexion",
        "intro": "Les partenaires du guide mettent à jour ici les fiches de leur structure.",
        "extra_links": True,
    }


@view_config(route_name="login", renderer="form_page.jinja2")
def login(request: Any) -> Any:
    result = process_form(request, LoginSchema(), buttons=(("login", "Se connecter"),))
    response = _login_page(result)
    if not result.valid:
        return response
    assert result.appstruct is not None
    email, password = result.appstruct["email"], result.appstruct["password"]
    ip = client_ip(request)
    policy = accounts.ThrottlePolicy.from_settings(settings_of(request.registry))
    minutes = accounts.login_wait(request.dbsession, email, ip, policy)
    if minutes:
        request.response.status = 429
        request.response.headers["Retry-After"] = str(minutes * 60)
        result.fail(
            "password",
            f"Trop de tentatives, réessayez dans {minutes} minute{'s' if minutes > 1 else ''}, "
            "ou demandez un nouveau mot de passe.",
        )
        return response
    user = accounts.authenticate(request.dbsession, email, password)
    if user is None:
        accounts.record_failed_attempt(request.dbsession, email, ip)
        result.fail("password", "Adresse électronique ou mot de passe incorrect.")
        return response
    accounts.clear_attempts(request.dbsession, email, ip)
    headers = remember(request, user.id)
    request.session.flash(f"Bonjour {user.display_name} !", "success")
    return HTTPSeeOther(_safe_next(request, user), headers=headers)


@view_config(route_name="logout", request_method="POST")
def logout(request: Any) -> Any:
    accounts.logout(request.user)  # every session of the account ends, not only this cookie
    headers = forget(request)
    return HTTPSeeOther(request.route_path("home"), headers=headers)


@view_config(route_name="logout", request_method="GET", renderer="confirm_logout.jinja2")
def logout_get(request: Any) -> Any:
    return {}


# --- password reset ---------------------------------------------------------------------------

RESET_SENT = (
    "Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe "
    "vient d'y être envoyé."
)


def _reset_body(request: Any, link: str, hours: int) -> str:
    return (
        f"Bonjour,\n\nPour choisir un nouveau mot de passe sur le {settings_of(request.registry).site_name}, "
        f"ouvrez ce lien (valable {hours} heures, une seule fois) :\n\n{link}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n"
    )


@view_config(route_name="reset_request", renderer="form_page.jinja2")
def reset_request(request: Any) -> Any:
    result = process_form(request, ResetRequestSchema(), buttons=(("send", "Recevoir un lien"),))
    page = {
        "form": result,
        "title": "Mot de passe oublié",
        "intro": "Indiquez votre adresse : vous recevrez un lien pour choisir un nouveau mot de passe.",
    }
    if not result.valid:
        return page
    assert result.appstruct is not None
    email = accounts.normalise_email(result.appstruct["email"])
    # Both counted every time; neither depends on whether the account exists.
    client_ok = request.ratelimiter.hit("password_reset", "client", client_ip(request))
    account_ok = request.ratelimiter.hit("password_reset", "account", email)
    if not (client_ok and account_ok):
        request.response.status = 429
        result.fail("email", "Trop de demandes de lien pour le moment : réessayez dans une heure.")
        return page
    hours = settings_of(request.registry).token_reset_hours
    user, token = accounts.request_reset(
        request.dbsession, email, client_ip(request), dt.timedelta(hours=hours)
    )
    # the mail is written either way (the same work), and sent only to an account
    body = _reset_body(request, request.route_url("reset", token=token or "x" * 43), hours)
    if user is not None:
        send_off_request(request, user.email, "Votre nouveau mot de passe", body)
    # Same answer whether the account exists or not.
    request.session.flash(RESET_SENT, "success")
    return HTTPSeeOther(request.route_path("login"))


# --- emailed links ----------------------------------------------------------------------------

EXPIRED = {
    "form": None,
    "title": "Lien expiré ou déjà utilisé",
    "intro": "Ce lien n'est plus valable. Demandez un nouveau lien à la coordination du guide "
    "ou depuis la page « Mot de passe oublié ».",
}


def _token_page(request: Any, purpose: TokenPurpose, title: str, intro: str) -> Any:
    token = request.matchdict["token"]
    row = accounts.find_token(request.dbsession, token, purpose)
    if row is None:
        request.response.status = 410
        return dict(EXPIRED)
    if purpose == TokenPurpose.INVITATION and row.user.password_hash:
        return _join_page(request, row)
    result = process_form(
        request, NewPasswordSchema(), appstruct={"name": row.user.name}, buttons=(("save", "Enregistrer"),)
    )
    if result.valid:
        assert result.appstruct is not None
        user = accounts.use_token(request.dbsession, row, result.appstruct["password"])
        if result.appstruct.get("name"):
            user.name = result.appstruct["name"]
        headers = remember(request, user.id)
        request.session.flash("Votre mot de passe est enregistré. Vous êtes connecté·e.", "success")
        return HTTPSeeOther(request.route_path("dashboard"), headers=headers)
    return {"form": result, "title": title, "intro": intro}


def _grant_label(row: Any) -> str:
    if row.organisation is not None:
        return f"rejoindre la structure « {row.organisation.nom} »"
    if row.site_role is not None:
        return "rejoindre la coordination du guide"
    return "accéder au guide"


def _join_page(request: Any, row: Any) -> Any:
    """An invitation for an account that has a password: accepted once logged in to that account."""
    if request.user is None:
        request.session.flash("Connectez-vous pour accepter l'invitation.", "")
        return HTTPSeeOther(request.route_path("login", _query={"next": request.path}))
    if request.user.id != row.user_id:
        request.response.status = 403
        return {
            "form": None,
            "title": "Invitation destinée à un autre compte",
            "intro": "Cette invitation a été envoyée à une autre adresse. Déconnectez-vous, puis "
            "ouvrez à nouveau le lien et connectez-vous avec le compte invité.",
        }
    result = process_form(request, colander.MappingSchema(), buttons=(("accept", "Accepter l'invitation"),))
    if result.valid:
        label = _grant_label(row)
        user = accounts.use_token(request.dbsession, row)
        headers = remember(request, user.id)  # a new site role ended the sessions: keep this one
        request.session.flash(f"C'est fait : invitation acceptée ({label}).", "success")
        return HTTPSeeOther(request.route_path("dashboard"), headers=headers)
    return {
        "form": result,
        "title": "Invitation",
        "intro": f"Vous êtes invité·e à {_grant_label(row)}.",
    }


@view_config(route_name="reset", renderer="form_page.jinja2")
def reset(request: Any) -> Any:
    return _token_page(request, TokenPurpose.RESET, "Choisir un nouveau mot de passe", "")


@view_config(route_name="invitation", renderer="form_page.jinja2")
def invitation(request: Any) -> Any:
    return _token_page(
        request,
        TokenPurpose.INVITATION,
        "Bienvenue dans le guide du territoire",
        "Choisissez votre mot de passe pour accéder à l'espace de votre structure.",
    )


INVITATION_SENT = "Une invitation est envoyée à {email}."

pending_invitations = accounts.pending_invitations


def send_invitation(
    request: Any,
    email: str,
    name: str,
    organisation: Organisation | None,
    member_role: MemberRole,
    *,
    site_role: SiteRole = SiteRole.PARTNER,
) -> str:
    """Invite the address (after commit) and return the neutral message for the inviter.

    Whether the address already has an account changes the mail, never what the inviter sees: an
    existing account is asked to accept (once logged in), nothing is granted before that.
    """
    days = settings_of(request.registry).token_invitation_days
    user, token = accounts.invite(
        request.dbsession,
        email,
        name,
        organisation,
        member_role,
        request.user,
        lifetime=dt.timedelta(days=days),
        site_role=site_role,
    )
    message = INVITATION_SENT.format(email=accounts.normalise_email(email))
    if not user.active:  # its link is refused: only an administrator reactivates an account
        return message
    link = request.route_url("invitation", token=token)
    site_name = settings_of(request.registry).site_name
    where = f" pour la structure « {organisation.nom} »" if organisation is not None else ""
    if user.password_hash:
        what = f"la structure « {organisation.nom} »" if organisation is not None else "la coordination"
        body = (
            f"Bonjour,\n\n{request.user.display_name} vous invite à rejoindre {what} sur le {site_name}, "
            "où vous avez déjà un compte.\n\n"
            f"Pour accepter, ouvrez ce lien (valable {days} jours) et connectez-vous :\n\n{link}\n\n"
            "Si vous ne souhaitez pas rejoindre, ignorez ce message : rien ne change.\n"
        )
    else:
        body = (
            f"Bonjour,\n\n{request.user.display_name} vous invite à mettre à jour le {site_name}{where}.\n\n"
            f"Pour choisir votre mot de passe, ouvrez ce lien (valable {days} jours) :\n\n{link}\n\n"
            "Vous pourrez ensuite décrire les activités de votre structure dans des fiches, "
            "que la coordination relira avant publication.\n"
        )
    request.mailer.send_after_commit(request.tm, user.email, "Invitation au guide du territoire", body)
    return message
