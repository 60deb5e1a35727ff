"""The coordinators' annual edition of the printed guide (``/coordination/editions``): the archive of
editions, a new edition, its preview (HTML), its check list, its generation in a separate process
(``guide-edition --edition ID``) followed on a page with a progress bar, and its PDF."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import func, select

import guide.print as printing
from guide import storage, tasks
from guide.formatting import date_fr
from guide.models import (
    EDITION_STATUS_LABELS,
    Edition,
    EditionItem,
    EditionStatus,
    Quartier,
    Thematique,
    utcnow,
)
from guide.print import checklist
from guide.security import Permission
from guide.services import edition_queue
from guide.services.edition_queue import is_stale
from guide.settings import settings_of
from schemas.edition import edition_schema

from .rendering import process_form
from .resources import get_or_404
from .selection import public_site_url as _site_url

log = logging.getLogger(__name__)


# --- helpers ----------------------------------------------------------------------------------------------


def _edition(request: Any) -> Edition:
    return get_or_404(request, Edition, "edition_id")


def _choices(request: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    db = request.dbsession
    thematiques = [
        (t.slug, t.label)
        for t in db.scalars(select(Thematique).order_by(Thematique.position, Thematique.label))
    ]
    quartiers = [(str(q.id), q.nom) for q in db.scalars(select(Quartier).order_by(Quartier.nom))]
    return thematiques, quartiers


def _filters(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "thematiques": sorted(values.get("thematiques") or []),
        "quartiers": sorted(int(q) for q in values.get("quartiers") or []),
        "agenda": bool(values.get("agenda")),  # the « Agenda » section: the agenda's series (guide.print)
    }


def _filters_label(request: Any, edition: Edition) -> str:
    filters = edition.filters or {}
    parts = []
    if filters.get("thematiques"):
        labels = dict(_choices(request)[0])
        parts.append("thématiques : " + ", ".join(labels.get(s, s) for s in filters["thematiques"]))
    if filters.get("quartiers"):
        names = dict(_choices(request)[1])
        parts.append("quartiers : " + ", ".join(names.get(str(q), str(q)) for q in filters["quartiers"]))
    label = " ; ".join(parts) if parts else "toutes les fiches publiées"
    return label + (" ; avec la section « Agenda »" if filters.get("agenda") else "")


def _has_pdf(request: Any, edition: Edition) -> bool:
    """The edition's PDF is in the shared storage (whichever app server or worker generated it)."""
    return bool(edition.pdf_file) and storage.exists(request.dbsession, storage.EDITIONS, edition.pdf_file)


# --- coordination: editions -------------------------------------------------------------------------------


@view_config(route_name="editions", renderer="edition_list.jinja2", permission=Permission.COORDINATE)
def edition_list(request: Any) -> Any:
    rows = request.dbsession.scalars(select(Edition).order_by(Edition.year.desc(), Edition.id.desc())).all()
    counts = dict(
        request.dbsession.execute(
            select(EditionItem.edition_id, func.count()).group_by(EditionItem.edition_id)
        ).all()
    )
    return {"editions": rows, "counts": counts, "is_stale": is_stale, "labels": EDITION_STATUS_LABELS}


def _apply(edition: Edition, values: dict[str, Any]) -> None:
    edition.title = values["title"]
    edition.year = values["year"]
    edition.page_format = values["page_format"]
    edition.grouping = values["grouping"]
    edition.filters = _filters(values)


@view_config(route_name="edition_new", renderer="form_page.jinja2", permission=Permission.COORDINATE)
def edition_new(request: Any) -> Any:
    year = dt.date.today().year + 1
    thematiques, quartiers = _choices(request)
    result = process_form(
        request,
        edition_schema(thematiques, quartiers),
        appstruct={
            "title": f"Guide du territoire {year}",
            "year": year,
            "page_format": "A5",
            "grouping": "thematique",
        },
        buttons=(("save", "Ouvrir l'édition"),),
    )
    if result.valid:
        assert result.appstruct is not None
        edition = Edition(
            status=EditionStatus.DRAFT,
            message="",
            created_by=request.user,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        _apply(edition, result.appstruct)
        request.dbsession.add(edition)
        request.dbsession.flush()
        request.session.flash(
            "L'édition est ouverte : vérifiez la liste des points à revoir et l'aperçu, puis générez le PDF.",
            "success",
        )
        return HTTPSeeOther(request.route_path("edition", edition_id=edition.id))
    return {
        "form": result,
        "title": "Nouvelle édition du guide imprimé",
        "intro": "Choisissez le format, le classement et les fiches. Rien n'est figé avant la première "
        "génération du PDF : jusque-là, l'aperçu et la vérification montrent les fiches publiées du moment.",
        "breadcrumb": ("Éditions imprimées", request.route_path("editions")),
    }


@view_config(route_name="edition_edit", renderer="form_page.jinja2", permission=Permission.COORDINATE)
def edition_edit(request: Any) -> Any:
    edition = _edition(request)
    if edition.frozen or edition.busy:
        request.session.flash(
            "Cette édition a déjà été générée : ses fiches sont figées. Ouvrez une nouvelle édition pour "
            "imprimer d'autres fiches.",
            "error",
        )
        return HTTPSeeOther(request.route_path("edition", edition_id=edition.id))
    thematiques, quartiers = _choices(request)
    filters = edition.filters or {}
    result = process_form(
        request,
        edition_schema(thematiques, quartiers),
        appstruct={
            "title": edition.title,
            "year": edition.year,
            "page_format": edition.page_format,
            "grouping": edition.grouping,
            "thematiques": set(filters.get("thematiques") or []),
            "quartiers": {str(q) for q in filters.get("quartiers") or []},
            "agenda": bool(filters.get("agenda")),
        },
    )
    if result.valid:
        assert result.appstruct is not None
        _apply(edition, result.appstruct)
        edition.updated_at = utcnow()
        request.session.flash("L'édition est enregistrée.", "success")
        return HTTPSeeOther(request.route_path("edition", edition_id=edition.id))
    return {
        "form": result,
        "title": f"Modifier « {edition.title} »",
        "breadcrumb": (edition.title, request.route_path("edition", edition_id=edition.id)),
    }


@view_config(route_name="edition", renderer="edition_view.jinja2", permission=Permission.COORDINATE)
def edition_view(request: Any) -> Any:
    edition = _edition(request)
    db = request.dbsession
    if edition.frozen:
        count = db.scalar(select(func.count()).where(EditionItem.edition_id == edition.id)) or 0
        chapters = list(
            db.execute(
                select(EditionItem.chapter, func.count())
                .where(EditionItem.edition_id == edition.id)
                .group_by(EditionItem.chapter)
                .order_by(func.min(EditionItem.position))
            ).all()
        )
    else:
        entries = printing.select_entries(db, edition.grouping, edition.filters)
        count = len(entries)
        grouped: dict[str, int] = {}
        for entry in entries:
            grouped[entry.chapter] = grouped.get(entry.chapter, 0) + 1
        chapters = list(grouped.items())
    problems = printing.preflight(db, edition)
    return {
        "edition": edition,
        "count": count,
        "chapters": chapters,
        "problem_count": len({p.fiche_id for p in problems}),
        "filters_label": _filters_label(request, edition),
        "stale": is_stale(edition),
        "has_pdf": _has_pdf(request, edition),
        "formats": editions_formats(),
    }


def editions_formats() -> dict[str, str]:
    from guide.models.edition import GROUPINGS, PAGE_FORMATS

    return {**PAGE_FORMATS, **GROUPINGS}


@view_config(route_name="edition_preview", permission=Permission.COORDINATE)
def edition_preview(request: Any) -> Response:
    edition = _edition(request)
    document = printing.build_document(request.dbsession, edition, _site_url(request))
    html = printing.render_edition_html(
        document,
        [request.static_path("guide:static/print/edition.css")],
        screen=True,
        back_url=request.route_path("edition", edition_id=edition.id),
    )
    return Response(html, content_type="text/html", charset="utf-8")


@view_config(route_name="edition_check", renderer="edition_check.jinja2", permission=Permission.COORDINATE)
def edition_check(request: Any) -> Any:
    edition = _edition(request)
    problems = printing.preflight(request.dbsession, edition)
    by_fiche: dict[int, list[printing.Problem]] = {}
    for problem in problems:
        by_fiche.setdefault(problem.fiche_id, []).append(problem)
    kinds: dict[str, int] = {}
    for problem in problems:
        kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
    return {
        "edition": edition,
        "by_fiche": by_fiche,
        "kinds": kinds,
        "labels": printing.PROBLEM_LABELS,
        "limit": printing.SUMMARY_LIMITS.get(edition.page_format, 180),
    }


def _start(request: Any, edition: Edition) -> Any:
    db = request.dbsession
    if not edition.frozen and (problems := checklist.blocking(printing.preflight(db, edition))):
        count = len({problem.fiche_id for problem in problems})
        request.session.flash(
            f"{count} fiche{'s ont' if count > 1 else ' a'} des horaires qui s'imprimeraient mal : "
            "corrigez-les (liens ci-dessous) avant de générer le PDF.",
            "error",
        )
        return HTTPSeeOther(request.route_path("edition_check", edition_id=edition.id))
    try:
        queued = edition_queue.enqueue(db, edition)
    except edition_queue.AnotherEditionRunning as busy:
        request.session.flash(busy.message, "error")
        return HTTPSeeOther(request.route_path("edition", edition_id=edition.id))
    if not queued:
        return HTTPSeeOther(request.route_path("edition_generation", edition_id=edition.id))
    if settings_of(request.registry).editions_run_inline:
        _run_inline(request, edition)
    else:
        db.flush()
        # guide-worker takes it once this request has committed (whichever server it runs on)
        tasks.submit_after_commit(request.tm, tasks.generate_edition, edition.id, registry=request.registry)
    return HTTPSeeOther(request.route_path("edition_generation", edition_id=edition.id))


def _run_inline(request: Any, edition: Edition) -> None:
    """Generate within the request (``editions.run_inline = true``: tests, or a site without processes)."""

    def progress(percent: int, message: str) -> None:
        edition.progress, edition.message = percent, message

    edition.status = EditionStatus.RUNNING
    try:
        printing.generate(
            request.dbsession,
            edition,
            site_url=_site_url(request),
            progress=progress,
        )
    except Exception as exc:
        log.exception("Generation of edition %s failed", edition.id)
        edition.status = EditionStatus.FAILED
        edition.message = f"La génération a échoué : {exc}"
    edition.updated_at = utcnow()


@view_config(route_name="edition_generate", request_method="POST", permission=Permission.COORDINATE)
def edition_generate(request: Any) -> Any:
    return _start(request, _edition(request))


@view_config(route_name="edition_regenerate", request_method="POST", permission=Permission.COORDINATE)
def edition_regenerate(request: Any) -> Any:
    """Generate the PDF again from the same frozen fiche versions (a lost file, a new layout…)."""
    edition = _edition(request)
    if not edition.frozen:
        return _start(request, edition)
    request.session.flash(
        f"Nouvelle génération à partir des {len(edition.items)} fiches figées le "
        f"{date_fr(edition.data_date)} : le contenu sera le même.",
        "",
    )
    return _start(request, edition)


def _progress_data(request: Any, edition: Edition) -> dict[str, Any]:
    stale = is_stale(edition)
    status = EditionStatus.FAILED if stale else edition.status
    message = "La génération a été interrompue : relancez-la." if stale else edition.message
    return {
        "id": edition.id,
        "status": status.value,
        "label": EDITION_STATUS_LABELS[status],
        "progress": edition.progress,
        "message": message,
        "done": status == EditionStatus.DONE,
        "failed": status == EditionStatus.FAILED,
        "page_count": edition.page_count,
        "pdf_url": request.route_path("edition_pdf", edition_id=edition.id)
        if status == EditionStatus.DONE
        else None,
    }


@view_config(route_name="edition_progress", renderer="json", permission=Permission.COORDINATE, http_cache=0)
def edition_progress(request: Any) -> Any:
    return _progress_data(request, _edition(request))


@view_config(
    route_name="edition_generation", renderer="edition_progress.jinja2", permission=Permission.COORDINATE
)
def edition_generation(request: Any) -> Any:
    edition = _edition(request)
    return {"edition": edition, "data": _progress_data(request, edition)}


@view_config(route_name="edition_pdf", permission=Permission.COORDINATE)
def edition_pdf(request: Any) -> Any:
    edition = _edition(request)
    stored = storage.get(request.dbsession, storage.EDITIONS, edition.pdf_file or "")
    if stored is None or edition.status == EditionStatus.FAILED:
        raise HTTPNotFound()
    response = Response(body=stored.data, content_type="application/pdf", conditional_response=True)
    response.etag = stored.sha256
    name = f"guide-{edition.year}-{edition.id}.pdf"
    response.content_disposition = f'attachment; filename="{name}"'
    return response
