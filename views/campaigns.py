"""Coordination: update campaigns (choose who, preview, send, follow the answers, resend, phone notes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import colander
import deform.widget as w
from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from guide.models import Campaign, CampaignRecipient, Fiche, Quartier, Thematique, UrgentChange
from guide.permissions import Permission
from guide.services import campaigns, referents, urgent
from guide.services.freshness import PERIOD_CHOICES, freshness_counts
from guide.settings import settings_of
from schemas.campaign import CampaignSchema, PhoneNoteSchema

from .rendering import process_form
from .resources import parse_id

ROWS_PER_PAGE = 100


def _referent_thematiques(request: Any) -> set[int] | None:
    """None for the coordination; a référent's thématiques (their campaigns aim at them only)."""
    if request.has_permission(Permission.COORDINATE):
        return None
    return referents.thematique_ids(request.user)


def _campaign(request: Any) -> Campaign:
    campaign = request.dbsession.get(Campaign, parse_id(request.matchdict.get("campaign_id")) or 0)
    if campaign is None:
        raise HTTPNotFound()
    if _referent_thematiques(request) is not None and not referents.may_follow_campaign(
        request.user, campaign
    ):
        raise HTTPForbidden()
    return campaign


def _recipient(request: Any, campaign: Campaign) -> CampaignRecipient:
    recipient = request.dbsession.get(CampaignRecipient, parse_id(request.matchdict.get("recipient_id")) or 0)
    if recipient is None or recipient.campaign_id != campaign.id:
        raise HTTPNotFound()
    return recipient


@view_config(route_name="campaigns", renderer="campaign_list.jinja2", permission=Permission.REVIEW_QUEUE)
def campaign_list(request: Any) -> Any:
    query = select(Campaign).order_by(Campaign.created_at.desc()).limit(200)
    if _referent_thematiques(request) is not None:  # a référent: the campaigns they created
        query = query.where(Campaign.created_by_id == request.user.id)
    rows = request.dbsession.scalars(query).all()
    return {
        "campaigns": rows,
        "freshness": freshness_counts(request.dbsession, dt.date.today()),
    }


@view_config(route_name="campaign_new", renderer="form_page.jinja2", permission=Permission.REVIEW_QUEUE)
def campaign_new(request: Any) -> Any:
    db = request.dbsession
    thematiques = [(str(t.id), t.label) for t in db.scalars(select(Thematique).order_by(Thematique.position))]
    quartiers = [(str(q.id), q.nom) for q in db.scalars(select(Quartier).order_by(Quartier.nom))]
    mine = _referent_thematiques(request)
    schema = CampaignSchema()
    if mine is not None:  # a référent writes to the structures of their thématiques only
        thematiques = [(value, label) for value, label in thematiques if int(value) in mine]
        schema = schema.clone()
        schema["mode"].widget = w.RadioChoiceWidget(
            values=[("thematique", campaigns.TARGET_MODES["thematique"])]
        )
        schema["mode"].validator = colander.OneOf(["thematique"])
        del schema["quartier"]
    schema = schema.bind(thematiques=thematiques, quartiers=quartiers)
    result = process_form(
        request,
        schema,
        appstruct={"mode": "stale" if mine is None else "thematique"},
        buttons=(("preview", "Prévisualiser le courriel"),),
    )
    if result.valid:
        assert result.appstruct is not None
        values = result.appstruct
        mode = values["mode"]
        ids = sorted(int(i) for i in values.get(mode, ()) or ()) if mode in ("thematique", "quartier") else []
        try:
            campaign = campaigns.create_campaign(
                db, values["title"], {"mode": mode, "ids": ids}, values.get("message", ""), request.user
            )
        except campaigns.CampaignError as error:
            result.fail("mode", error.message)
        else:
            return HTTPSeeOther(request.route_path("campaign", campaign_id=campaign.id))
    return {
        "form": result,
        "title": "Nouvelle campagne de mise à jour",
        "intro": (
            "Chaque structure choisie reçoit un courriel avec la liste de ses fiches et un lien, sans mot de "
            "passe, pour les confirmer en un clic. Vous verrez le courriel et les structures avant l'envoi."
        ),
        "breadcrumb": ("Campagnes", request.route_path("campaigns")),
    }


@view_config(route_name="campaign", renderer="campaign_view.jinja2", permission=Permission.REVIEW_QUEUE)
def campaign_view(request: Any) -> Any:
    campaign = _campaign(request)
    db = request.dbsession
    settings = settings_of(request.registry)
    response: dict[str, Any] = {
        "campaign": campaign,
        "target": campaigns.describe_target(db, campaign.target),
        "labels": campaigns.ANSWER_LABELS,
        "preview": None,
        "progress": None,
    }
    if campaign.sent_at is None:
        response["preview"] = campaigns.preview(db, campaign, settings, dt.date.today())
        return response
    progress = campaigns.progress(db, campaign)
    # the organisations' table, filtered by answer and paged (2 000 rows would make a 2 MB page)
    wanted = request.params.get("reponse", "")
    wanted = wanted if isinstance(wanted, str) and wanted in campaigns.ANSWER_LABELS else ""
    rows = [row for row in progress.rows if not wanted or row[1] == wanted]
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    page = min(max(parse_id(request.params.get("page")) or 1, 1), pages)
    response.update(
        progress=progress,
        rows=rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE],
        row_count=len(rows),
        wanted=wanted,
        page=page,
        pages=pages,
    )
    return response


@view_config(route_name="campaign_send", request_method="POST", permission=Permission.REVIEW_QUEUE)
def campaign_send(request: Any) -> Any:
    campaign = _campaign(request)
    try:
        count = campaigns.send_campaign(
            request.dbsession,
            campaign,
            request.mailer,
            settings_of(request.registry),
            transaction_manager=request.tm,
        )
    except campaigns.CampaignError as error:
        request.session.flash(error.message, "error")
    else:
        request.session.flash(f"La campagne est envoyée : {count} courriel(s).", "success")
    return HTTPSeeOther(request.route_path("campaign", campaign_id=campaign.id))


@view_config(route_name="campaign_resend", request_method="POST", permission=Permission.REVIEW_QUEUE)
def campaign_resend(request: Any) -> Any:
    campaign = _campaign(request)
    recipient = _recipient(request, campaign)
    try:
        count = campaigns.resend(
            request.dbsession,
            recipient,
            request.mailer,
            settings_of(request.registry),
            transaction_manager=request.tm,
        )
    except campaigns.CampaignError as error:
        request.session.flash(error.message, "error")
    else:
        request.session.flash(
            f"Le courriel est renvoyé à « {recipient.organisation.nom} » ({count} adresse(s)).", "success"
        )
    return HTTPSeeOther(
        request.route_path("campaign", campaign_id=campaign.id, _anchor=f"org-{recipient.id}")
    )


@view_config(route_name="campaign_phone", request_method="POST", permission=Permission.REVIEW_QUEUE)
def campaign_phone(request: Any) -> Any:
    campaign = _campaign(request)
    recipient = _recipient(request, campaign)
    raw = request.POST.get("note", "")
    try:
        values = PhoneNoteSchema().deserialize({"note": raw if isinstance(raw, str) else ""})
    except colander.Invalid:
        request.session.flash("La note est trop longue (2 000 caractères au plus).", "error")
    else:
        campaigns.note_phone(recipient, values["note"], request.user)
        request.session.flash(f"Noté : « {recipient.organisation.nom} » contactée par téléphone.", "success")
    return HTTPSeeOther(
        request.route_path("campaign", campaign_id=campaign.id, _anchor=f"org-{recipient.id}")
    )


@view_config(route_name="campaign_close", request_method="POST", permission=Permission.REVIEW_QUEUE)
def campaign_close(request: Any) -> Any:
    campaign = _campaign(request)
    campaigns.close(campaign)
    request.session.flash(
        "La campagne est close : ses liens ne fonctionnent plus, plus aucune relance.", "success"
    )
    return HTTPSeeOther(request.route_path("campaign", campaign_id=campaign.id))


@view_config(route_name="fiche_period", request_method="POST", permission=Permission.COORDINATE)
def fiche_period(request: Any) -> Any:
    """A coordinator sets how often this fiche must be confirmed (empty: its thématiques' or the default)."""
    fiche: Fiche = request.context
    raw = request.POST.get("update_period_months", "")
    value = parse_id(raw) if raw else None
    if raw and value not in PERIOD_CHOICES:
        request.session.flash("Délai refusé : choisissez une des durées proposées.", "error")
    else:
        fiche.update_period_months = value
        request.session.flash("Le délai de vérification de la fiche est enregistré.", "success")
    return HTTPSeeOther(request.route_path("fiche_manage", fiche_id=fiche.id))


@view_config(route_name="urgent_seen", request_method="POST", permission=Permission.COORDINATE)
def urgent_seen(request: Any) -> Any:
    """A coordinator has looked at a closure or a change of hours published at once (services/urgent.py)."""
    change = request.dbsession.get(UrgentChange, parse_id(request.matchdict["change_id"]) or 0)
    if change is None:
        raise HTTPNotFound()
    urgent.mark_seen(change, request.user)
    request.session.flash("Changement urgent marqué comme vu.", "success")
    return HTTPSeeOther(request.route_path("review_queue", _anchor="urgents"))
