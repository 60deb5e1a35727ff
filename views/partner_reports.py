"""A partner answers a resident's error report on one of their fiches: « corrigé » or « pas d'erreur »."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from guide.models import ErrorReport
from guide.permissions import Permission
from guide.services import notifications

from .resources import parse_id


@view_config(route_name="report_answer", request_method="POST", permission=Permission.PARTNER_SPACE)
def report_answer(request: Any) -> Any:
    report = request.dbsession.get(ErrorReport, parse_id(request.matchdict["report_id"]) or 0)
    if report is None:
        raise HTTPNotFound()
    if not request.has_permission(Permission.EDIT, report.fiche):
        raise HTTPForbidden()
    answer = request.POST.get("answer", "")
    try:
        notifications.answer_report(
            request.dbsession, report, answer if isinstance(answer, str) else "", request.user
        )
    except notifications.AnswerError as error:
        request.session.flash(error.message, "error")
    else:
        label = notifications.ANSWERS[answer]
        request.session.flash(
            f"Merci ! Signalement sur « {report.fiche.title} » : {label.lower()}.", "success"
        )
    return HTTPSeeOther(request.route_path("dashboard"))
