"""« Signaler une erreur »: residents tell the coordinators what is wrong on a fiche, without an account."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from guide.models import ErrorReport, Fiche, SiteRole, User, utcnow
from guide.security import Permission
from guide.services import reports
from schemas.report import ReportSchema

from .public import fiche_url
from .rendering import process_form
from .resources import parse_id


@view_config(route_name="fiche_report", renderer="report_form.jinja2")
def report_form(request: Any) -> Any:
    fiche: Fiche = request.context
    if not fiche.is_public or fiche.published_version is None:
        raise HTTPNotFound()
    secret = request.registry.settings["secret"]
    result = process_form(
        request,
        ReportSchema(),
        appstruct={"stamp": reports.form_stamp(secret)},
        buttons=(("send", "Envoyer à la coordination"),),
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
    problem = reports.stamp_problem(secret, result.appstruct.get("stamp", ""))
    if problem:
        result.fail("message", problem)
        result.rerender(stamp=reports.form_stamp(secret))
        return response
    hashed = reports.ip_hash(secret, request.client_addr or "")
    if reports.too_many(request.dbsession, hashed):
        request.response.status = 429
        result.fail("message", "Vous avez déjà envoyé plusieurs signalements : réessayez dans une heure.")
        return response
    report = reports.submit(
        request.dbsession, fiche, result.appstruct["message"], result.appstruct.get("contact", ""), hashed
    )
    _notify_coordinators(request, report)
    request.session.flash("Merci ! Votre signalement est transmis à la coordination du guide.", "success")
    return HTTPSeeOther(fiche_url(request, fiche))


def _notify_coordinators(request: Any, report: ErrorReport) -> None:
    coordinators = request.dbsession.scalars(
        select(User).where(User.role.in_([SiteRole.COORDINATOR, SiteRole.ADMIN]), User.active.is_(True))
    ).all()
    link = request.route_url("coord_reports")
    body = (
        f"Un signalement a été fait sur la fiche « {report.fiche.published_version.nom} » :\n\n"
        f"{report.message}\n\n"
        + (f"Adresse pour répondre : {report.contact}\n\n" if report.contact else "")
        + f"Tous les signalements : {link}\n"
    )
    for user in coordinators:
        request.mailer.send_after_commit(
            request.tm, user.email, "Signalement d'une erreur dans le guide", body
        )


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
