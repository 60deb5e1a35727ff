"""Logging in and out, password reset and invitations by emailed links that expire."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import forget, remember
from pyramid.view import view_config

from guide.models import TokenPurpose
from guide.services import accounts
from schemas.accounts import LoginSchema, NewPasswordSchema, ResetRequestSchema

from .rendering import process_form


def _safe_next(request: Any) -> str:
    target = request.params.get("next", "")
    parsed = urlparse(target)
    if target.startswith("/") and not target.startswith("//") and not parsed.netloc and "\\" not in target:
        return target
    return request.route_path("dashboard")


@view_config(route_name="login", renderer="form_page.jinja2")
def login(request: Any) -> Any:
    settings = request.registry.settings
    result = process_form(request, LoginSchema(), buttons=(("login", "Se connecter"),))
    response = {
        "form": result,
        "title": "Espace partenaires : connexion",
        "intro": "Les partenaires du guide mettent à jour ici les fiches de leur structure.",
        "extra_links": True,
    }
    if not result.valid:
        return response
    assert result.appstruct is not None
    email, password = result.appstruct["email"], result.appstruct["password"]
    ip = request.client_addr or ""
    window = dt.timedelta(minutes=int(settings["login.window_minutes"]))
    if accounts.too_many_attempts(
        request.dbsession, email, ip, max_attempts=int(settings["login.max_attempts"]), window=window
    ):
        request.response.status = 429
        result.fail(
            "password",
            f"Trop de tentatives de connexion. Réessayez dans {window.seconds // 60} minutes, "
            "ou demandez un nouveau mot de passe.",
        )
        return response
    user = accounts.authenticate(request.dbsession, email, password)
    if user is None:
        accounts.record_failed_attempt(request.dbsession, email, ip)
        result.fail("password", "Adresse électronique ou mot de passe incorrect.")
        return response
    accounts.clear_attempts(request.dbsession, email)
    headers = remember(request, user.id)
    request.session.flash(f"Bonjour {user.display_name} !", "success")
    return HTTPSeeOther(_safe_next(request), headers=headers)


@view_config(route_name="logout", request_method="POST")
def logout(request: Any) -> Any:
    headers = forget(request)
    return HTTPSeeOther(request.route_path("home"), headers=headers)


@view_config(route_name="logout", request_method="GET", renderer="confirm_logout.jinja2")
def logout_get(request: Any) -> Any:
    return {}


def _send_reset(request: Any, user: Any) -> None:
    hours = int(request.registry.settings["token.reset_hours"])
    token = accounts.issue_token(request.dbsession, user, TokenPurpose.RESET, dt.timedelta(hours=hours))
    link = request.route_url("reset", token=token)
    body = (
        f"Bonjour,\n\nPour choisir un nouveau mot de passe sur le {request.registry.settings['site_name']}, "
        f"ouvrez ce lien (valable {hours} heures, une seule fois) :\n\n{link}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n"
    )
    request.mailer.send_after_commit(request.tm, user.email, "Votre nouveau mot de passe", body)


@view_config(route_name="reset_request", renderer="form_page.jinja2")
def reset_request(request: Any) -> Any:
    result = process_form(request, ResetRequestSchema(), buttons=(("send", "Recevoir un lien"),))
    if result.valid:
        assert result.appstruct is not None
        user = accounts.find_user(request.dbsession, result.appstruct["email"])
        if user is not None and user.active:
            _send_reset(request, user)
        # Same answer whether the account exists or not.
        request.session.flash(
            "Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot de passe "
            "vient d'y être envoyé.",
            "success",
        )
        return HTTPSeeOther(request.route_path("login"))
    return {
        "form": result,
        "title": "Mot de passe oublié",
        "intro": "Indiquez votre adresse : vous recevrez un lien pour choisir un nouveau mot de passe.",
    }


def _token_page(request: Any, purpose: TokenPurpose, title: str, intro: str) -> Any:
    token = request.matchdict["token"]
    row = accounts.find_token(request.dbsession, token, purpose)
    if row is None:
        request.response.status = 410
        return {
            "form": None,
            "title": "Lien expiré ou déjà utilisé",
            "intro": "Ce lien n'est plus valable. Demandez un nouveau lien à la coordination du guide "
            "ou depuis la page « Mot de passe oublié ».",
        }
    result = process_form(
        request, NewPasswordSchema(), appstruct={"name": row.user.name}, buttons=(("save", "Enregistrer"),)
    )
    if result.valid:
        assert result.appstruct is not None
        user = accounts.use_token(row, result.appstruct["password"])
        if result.appstruct.get("name"):
            user.name = result.appstruct["name"]
        headers = remember(request, user.id)
        request.session.flash("Votre mot de passe est enregistré. Vous êtes connecté·e.", "success")
        return HTTPSeeOther(request.route_path("dashboard"), headers=headers)
    return {"form": result, "title": title, "intro": intro}


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


def send_invitation(request: Any, user: Any, organisation_name: str | None) -> None:
    """Email an invitation link (after commit)."""
    days = int(request.registry.settings["token.invitation_days"])
    token = accounts.issue_token(
        request.dbsession, user, TokenPurpose.INVITATION, dt.timedelta(days=days), created_by=request.user
    )
    link = request.route_url("invitation", token=token)
    where = f" pour la structure « {organisation_name} »" if organisation_name else ""
    body = (
        f"Bonjour,\n\n{request.user.display_name} vous invite à mettre à jour le "
        f"{request.registry.settings['site_name']}{where}.\n\n"
        f"Pour choisir votre mot de passe, ouvrez ce lien (valable {days} jours) :\n\n{link}\n\n"
        "Vous pourrez ensuite décrire les activités de votre structure dans des fiches, "
        "que la coordination relira avant publication.\n"
    )
    request.mailer.send_after_commit(request.tm, user.email, "Invitation au guide du territoire", body)
