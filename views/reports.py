"""« Signaler une erreur »: residents tell the coordinators what is wrong on a fiche, without an account."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from guide.i18n import _
from guide.models import ErrorReport, Fiche, utcnow
from guide.permissions import Permission
from guide.ratelimit import client_ip
from guide.services import notifications, reports
from guide.settings import settings_of
from schemas.report import ReportSchema

from .public import fiche_url
from .rendering import process_form
from .resources import parse_id


@view_config(route_name="fiche_report", renderer="report_form.jinja2")
def report_form(request: Any) -> Any:
    fiche: Fiche = request.context
    if not fiche.is_public or fiche.published_version is None:
        raise HTTPNotFound()
    secret = settings_of(request.registry).secret
    result = process_form(
        request,
        ReportSchema(),
        appstruct={"stamp": reports.form_stamp(secret)},
        buttons=(("send", request.translate(_("Envoyer à la coordination"))),),
    )
    response = {
        "fiche": fiche,
        "version": fiche.published_version,
        "form": result,
        "back": fiche_url(request, fiche),
    }
    if not result.valid:
        return response
    assert result.appstruct is not None
    stamp = result.appstruct.get("stamp", "")
    problem = reports.stamp_problem(secret, stamp)
    if problem:
        result.fail("message", problem)
        if problem != reports.TOO_FAST:  # a stamp only too recent stays: the next click is accepted
            result.rerender(stamp=reports.form_stamp(secret))
        return response
    db = request.dbsession
    client = client_ip(request)  # REMOTE_ADDR only: X-Forwarded-For is chosen by the sender
    hashed = reports.ip_hash(secret, client)
    if not reports.use_stamp(db, secret, stamp):
        request.response.status = 409
        result.fail("message", reports.ALREADY_SENT)
        result.rerender(stamp=reports.form_stamp(secret))
        return response
    # per process (memory) and across processes (the stored reports of the last hour)
    if not request.ratelimiter.hit("error_report", client) or reports.too_many(db, hashed):
        request.response.status = 429
        result.fail("message", "Vous avez déjà envoyé plusieurs signalements : réessayez dans une heure.")
        result.rerender(stamp=reports.form_stamp(secret))
        return response
    report = reports.submit(
        db, fiche, result.appstruct["message"], result.appstruct.get("contact", ""), hashed
    )
    # the organisation's members too, at most one mail per organisation and hour
    notifications.report_to_partners(
        db, report, request.mailer, settings_of(request.registry), transaction_manager=request.tm
    )
    # coordinators get at most one mail per period, whatever the number of reports
    reports.send_report_digest(
        db, request.mailer, settings_of(request.registry), transaction_manager=request.tm
    )
    request.session.flash(
        request.translate(_("Merci ! Votre signalement est transmis à la coordination du guide.")), "success"
    )
    return HTTPSeeOther(fiche_url(request, fiche))


@view_config(route_name="coord_reports", renderer="coord_reports.jinja2", permission=Permission.COORDINATE)
def coord_reports(request: Any) -> Any:
    if request.method == "POST":
        report = request.dbsession.get(ErrorReport, parse_id(request.POST.get("report")) or 0)
        if report is not None and report.handled_at is None:
            report.handled_at = utcnow()
            report.handled_by = request.user
            request.session.flash("Signalement marqué comme traité.", "success")
        return HTTPSeeOther(request.route_path("coord_reports"))
    return {"reports": reports.open_reports(request.dbsession)}
