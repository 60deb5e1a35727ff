"""Fiche translations in the partner space and the coordination: write, submit, review, publish, send back.

The rules (who, which states, « à revoir ») live in :mod:`guide.services.translations`; these views read the
request, check the fiche's permission (the same ones as for the fiche itself) and call the service.
"""

from __future__ import annotations

from typing import Any

import colander
from deform.widget import HiddenWidget
from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from guide.models import Fiche, State, TranslationState
from guide.permissions import Permission
from guide.services import translations
from guide.services.translations import TranslationConflict, TranslationError
from schemas.translations import translation_schema

from .partner import read_comment
from .rendering import process_form


def _language(request: Any) -> translations.Language:
    lang = translations.language(request.matchdict.get("lang"))
    if lang is None:
        raise HTTPNotFound()
    return lang


def _rows(request: Any, fiche: Fiche) -> list[dict[str, Any]]:
    rows = []
    for lang in translations.LANGUAGES.values():
        translation = translations.get(fiche, lang.code)
        rows.append(
            {
                "language": lang,
                "translation": translation,
                "outdated": translation is not None and translations.is_outdated(fiche, translation),
            }
        )
    return rows


@view_config(route_name="fiche_translations", renderer="translations.jinja2", permission=Permission.VIEW)
def fiche_translations(request: Any) -> Any:
    fiche: Fiche = request.context
    return {
        "fiche": fiche,
        "rows": _rows(request, fiche),
        "can_edit": bool(request.has_permission(Permission.EDIT)) and fiche.state != State.ARCHIVED,
        "state_labels": translations.STATE_LABELS,
    }


@view_config(
    route_name="fiche_translation_edit", renderer="translation_edit.jinja2", permission=Permission.EDIT
)
def fiche_translation_edit(request: Any) -> Any:
    fiche: Fiche = request.context
    lang = _language(request)
    back = request.route_path("fiche_translations", fiche_id=fiche.id)
    if fiche.state == State.ARCHIVED:
        request.session.flash("Une fiche archivée ne peut pas être traduite ; restaurez-la d'abord.", "error")
        return HTTPSeeOther(back)
    translation = translations.get(fiche, lang.code)
    appstruct = (
        {"nom": translation.nom, "resume": translation.resume, "conditions": translation.conditions}
        if translation is not None
        else {}
    )
    schema = translation_schema(lang)
    # the working copy this person started from travels with the form, to detect a concurrent save
    schema.add(colander.SchemaNode(colander.String(), name="base", missing="", widget=HiddenWidget()))
    result = process_form(
        request,
        schema,
        appstruct={**{k: v for k, v in appstruct.items() if v}, "base": translations.stamp(translation)},
        buttons=(("submit", "Soumettre à relecture"), ("save", "Enregistrer le brouillon")),
    )
    conflict = None
    if result.valid:
        assert result.appstruct is not None
        submit = "submit" in request.POST
        values = dict(result.appstruct)
        base = values.pop("base", "")
        try:
            saved = translations.save(
                request.dbsession, fiche, lang.code, values, request.user, submit=submit, base=base
            )
        except TranslationConflict as error:
            # nothing written; the form keeps what was typed, based now on the other person's save
            request.response.status = 409
            conflict = error
            translation = error.translation
            result.rerender(base=translations.stamp(translation))
        except TranslationError as error:
            request.session.flash(error.message, "error")
            return HTTPSeeOther(back)
        else:
            if saved.state == TranslationState.PUBLISHED:
                message = "Aucune modification : la traduction relue reste publiée."
            elif submit:
                message = f"La traduction en {lang.label} est soumise à relecture."
            else:
                message = f"Le brouillon de la traduction en {lang.label} est enregistré."
            request.session.flash(message, "success")
            return HTTPSeeOther(back)
    return {
        "conflict": conflict,
        "form": result,
        "fiche": fiche,
        "language": lang,
        "translation": translation,
        "french": translations.french_text(fiche.current_version),
        "changed": translations.changed_french(fiche, translation) if translation else [],
        "title": f"Traduction en {lang.label} : {fiche.title}",
    }


@view_config(route_name="fiche_translation", renderer="translation_review.jinja2", permission=Permission.VIEW)
def fiche_translation_review(request: Any) -> Any:
    fiche: Fiche = request.context
    lang = _language(request)
    translation = translations.get(fiche, lang.code)
    if translation is None:
        raise HTTPNotFound()
    based_on = next((v for v in fiche.versions if v.number == translation.based_on_version), None)
    return {
        "fiche": fiche,
        "language": lang,
        "translation": translation,
        "french": translations.french_text(fiche.current_version),
        "based_on": translations.french_text(based_on) if based_on else None,
        "changed": translations.changed_french(fiche, translation),
        "outdated": translations.is_outdated(fiche, translation),
        "state_labels": translations.STATE_LABELS,
        "field_labels": translations.FIELD_LABELS,
        "can_edit": bool(request.has_permission(Permission.EDIT)) and fiche.state != State.ARCHIVED,
        "can_publish": bool(request.has_permission(Permission.PUBLISH))
        and translation.state != TranslationState.PUBLISHED
        and fiche.state != State.ARCHIVED,
        "can_send_back": bool(request.has_permission(Permission.REVIEW))
        and translation.state == TranslationState.SUBMITTED,
        "can_submit": bool(request.has_permission(Permission.EDIT))
        and translation.state in (TranslationState.DRAFT, TranslationState.SENT_BACK),
    }


ACTIONS = {
    "soumettre": (Permission.EDIT, "La traduction est soumise à relecture."),
    "publier": (Permission.PUBLISH, "La traduction est relue et publiée : le public la voit dès maintenant."),
    "renvoyer": (Permission.REVIEW, "La traduction est renvoyée avec votre commentaire."),
}


@view_config(route_name="fiche_translation_action", request_method="POST", permission=Permission.VIEW)
def fiche_translation_action(request: Any) -> Any:
    fiche: Fiche = request.context
    lang = _language(request)
    action = request.matchdict.get("action")
    if action not in ACTIONS:
        raise HTTPNotFound()
    permission, message = ACTIONS[action]
    if not request.has_permission(permission):
        raise HTTPForbidden()
    translation = translations.get(fiche, lang.code)
    if translation is None:
        raise HTTPNotFound()
    here = request.route_path("fiche_translation", fiche_id=fiche.id, lang=lang.code)
    db, user = request.dbsession, request.user
    try:
        if action == "soumettre":
            translations.submit(db, fiche, translation, user)
        elif action == "publier":
            translations.publish(db, fiche, translation, user)
        else:
            comment = read_comment(request)
            if comment is None:
                return HTTPSeeOther(here)
            translations.send_back(db, fiche, translation, user, comment)
    except TranslationError as error:
        request.session.flash(error.message, "error")
        return HTTPSeeOther(here)
    request.session.flash(message, "success")
    if action in {"publier", "renvoyer"}:
        link = request.route_url("fiche_translation", fiche_id=fiche.id, lang=lang.code)
        translations.mail_decision(
            db, fiche, translation, user, request.mailer, link, transaction_manager=request.tm
        )
    if action in {"publier", "renvoyer"} and request.params.get("from") == "queue":
        return HTTPSeeOther(request.route_path("review_queue", _anchor="traductions"))
    return HTTPSeeOther(here)
