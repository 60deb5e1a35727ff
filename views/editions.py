"""The printed guide: coordinators' annual edition, the emergency numbers, and printing on demand.

* ``/coordination/editions`` — the archive of editions, a new edition, its preview (HTML), its check list, its
  generation in a separate process (``guide-edition --edition ID``) followed on a page with a progress bar,
  its PDF; ``/coordination/numeros-utiles`` — the emergency numbers printed on the back cover;
* ``/fiche/{ref}/pdf`` — any published fiche on one A4 page;
* ``/selection`` — the fiches an agent ticks for the person at the desk, kept in the session (no account):
  a printable page and a PDF, in large print on request (``?gros=1``).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.response import FileResponse, Response
from pyramid.view import view_config
from sqlalchemy import func, select

from guide.caching import check_same_origin_or_token
from guide.models import (
    EDITION_STATUS_LABELS,
    Edition,
    EditionItem,
    EditionStatus,
    Fiche,
    Helpline,
    Quartier,
    Thematique,
    utcnow,
)
from guide.permissions import Permission
from guide.ratelimit import client_ip
from guide.services import edition_queue, editions, pdfcache, pdfworker
from guide.services.edition_queue import is_stale
from guide.settings import settings_of
from schemas.edition import HelplineSchema, edition_schema

from .rendering import process_form
from .resources import get_or_404, parse_id

log = logging.getLogger(__name__)

SELECTION_KEY = "guide.selection"


# --- helpers ----------------------------------------------------------------------------------------------


def _site_url(request: Any) -> str:
    return settings_of(request.registry).site_url or request.application_url


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
    return " ; ".join(parts) if parts else "toutes les fiches publiées"


def _pdf_path(request: Any, edition: Edition) -> Path | None:
    if not edition.pdf_file:
        return None
    path = editions.editions_dir(settings_of(request.registry).var_dir) / edition.pdf_file
    return path if path.is_file() else None


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
        entries = editions.select_entries(db, edition.grouping, edition.filters)
        count = len(entries)
        grouped: dict[str, int] = {}
        for entry in entries:
            grouped[entry.chapter] = grouped.get(entry.chapter, 0) + 1
        chapters = list(grouped.items())
    problems = editions.preflight(db, edition)
    return {
        "edition": edition,
        "count": count,
        "chapters": chapters,
        "problem_count": len({p.fiche_id for p in problems}),
        "filters_label": _filters_label(request, edition),
        "stale": is_stale(edition),
        "has_pdf": _pdf_path(request, edition) is not None,
        "formats": editions_formats(),
    }


def editions_formats() -> dict[str, str]:
    from guide.models.edition import GROUPINGS, PAGE_FORMATS

    return {**PAGE_FORMATS, **GROUPINGS}


@view_config(route_name="edition_preview", permission=Permission.COORDINATE)
def edition_preview(request: Any) -> Response:
    edition = _edition(request)
    document = editions.build_document(request.dbsession, edition, _site_url(request))
    html = editions.render_edition_html(
        document,
        [request.static_path("guide:static/print/edition.css")],
        screen=True,
        back_url=request.route_path("edition", edition_id=edition.id),
    )
    return Response(html, content_type="text/html", charset="utf-8")


@view_config(route_name="edition_check", renderer="edition_check.jinja2", permission=Permission.COORDINATE)
def edition_check(request: Any) -> Any:
    edition = _edition(request)
    problems = editions.preflight(request.dbsession, edition)
    by_fiche: dict[int, list[editions.Problem]] = {}
    for problem in problems:
        by_fiche.setdefault(problem.fiche_id, []).append(problem)
    kinds: dict[str, int] = {}
    for problem in problems:
        kinds[problem.kind] = kinds.get(problem.kind, 0) + 1
    return {
        "edition": edition,
        "by_fiche": by_fiche,
        "kinds": kinds,
        "labels": editions.PROBLEM_LABELS,
        "limit": editions.SUMMARY_LIMITS.get(edition.page_format, 180),
    }


def _start(request: Any, edition: Edition) -> Any:
    db = request.dbsession
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
        edition_id = edition.id

        def spawn_after_commit(success: bool) -> None:
            if not success:
                return
            from guide.scripts.edition import spawn

            try:
                spawn(request.registry.settings, edition_id)  # the effective settings, as strings
            except OSError:
                log.exception("Could not start the generation of edition %s", edition_id)

        request.tm.get().addAfterCommitHook(spawn_after_commit)
    return HTTPSeeOther(request.route_path("edition_generation", edition_id=edition.id))


def _run_inline(request: Any, edition: Edition) -> None:
    """Generate within the request (``editions.run_inline = true``: tests, or a site without processes)."""

    def progress(percent: int, message: str) -> None:
        edition.progress, edition.message = percent, message

    edition.status = EditionStatus.RUNNING
    try:
        editions.generate(
            request.dbsession,
            edition,
            var_dir=settings_of(request.registry).var_dir,
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
        f"{editions.date_fr(edition.data_date)} : le contenu sera le même.",
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
    path = _pdf_path(request, edition)
    if path is None or edition.status == EditionStatus.FAILED:
        raise HTTPNotFound()
    response = FileResponse(str(path), request=request, content_type="application/pdf")
    name = f"guide-{edition.year}-{edition.id}.pdf"
    response.content_disposition = f'attachment; filename="{name}"'
    return response


# --- coordination: emergency numbers ----------------------------------------------------------------------


def _helpline(request: Any) -> Helpline:
    return get_or_404(request, Helpline, "helpline_id")


@view_config(route_name="helplines", renderer="edition_helplines.jinja2", permission=Permission.COORDINATE)
def helplines(request: Any) -> Any:
    db = request.dbsession
    rows = editions.helplines(db)
    next_position = (max((h.position for h in rows), default=0) // 10 + 1) * 10
    result = process_form(
        request,
        HelplineSchema(),
        appstruct={"position": next_position},
        buttons=(("add", "Ajouter le numéro"),),
    )
    if result.valid:
        assert result.appstruct is not None
        db.add(Helpline(**result.appstruct))
        request.session.flash(f"Le numéro {result.appstruct['number']} est ajouté.", "success")
        return HTTPSeeOther(request.route_path("helplines"))
    return {"helplines": rows, "form": result}


@view_config(route_name="helpline_edit", renderer="form_page.jinja2", permission=Permission.COORDINATE)
def helpline_edit(request: Any) -> Any:
    helpline = _helpline(request)
    result = process_form(
        request,
        HelplineSchema(),
        appstruct={
            "number": helpline.number,
            "label": helpline.label,
            "description": helpline.description,
            "position": helpline.position,
        },
    )
    if result.valid:
        assert result.appstruct is not None
        for key, value in result.appstruct.items():
            setattr(helpline, key, value)
        request.session.flash("Le numéro est enregistré.", "success")
        return HTTPSeeOther(request.route_path("helplines"))
    return {
        "form": result,
        "title": f"Numéro {helpline.number}",
        "intro": "Les éditions déjà générées gardent les numéros de leur date ; les suivantes imprimeront "
        "celui-ci.",
        "breadcrumb": ("Numéros d'urgence et d'écoute", request.route_path("helplines")),
    }


@view_config(route_name="helpline_delete", request_method="POST", permission=Permission.COORDINATE)
def helpline_delete(request: Any) -> Any:
    helpline = _helpline(request)
    request.dbsession.delete(helpline)
    request.session.flash(f"Le numéro {helpline.number} ne sera plus imprimé.", "success")
    return HTTPSeeOther(request.route_path("helplines"))


# --- print on demand: one fiche ---------------------------------------------------------------------------


@view_config(route_name="fiche_pdf")
def fiche_pdf(request: Any) -> Response:
    """A published fiche on one A4 page (404 for what the public cannot see)."""
    fiche: Fiche = request.context
    if not fiche.is_public:
        raise HTTPNotFound()
    site_url = _site_url(request)
    key = pdfcache.fiche_key(request.dbsession, fiche.id, site_url)
    if key is None:
        raise HTTPNotFound()

    def build() -> pdfworker.Job:
        pages = editions.fiche_print_levels(request.dbsession, fiche.id, site_url)
        if pages is None:  # pragma: no cover - public a moment ago, in the same transaction
            raise HTTPNotFound()
        return pdfworker.Job(tuple(pages), one_page=True)

    back = (request.route_path("fiche", ref=fiche.id), "Retour à la fiche")
    return _pdf_response(request, key, build, f"fiche-{fiche.id}.pdf", back)


# --- print on demand: PDFs through the cache and the worker -----------------------------------------------


def _pdf_response(request: Any, key: str, build: Any, filename: str, back: tuple[str, str]) -> Response:
    """The cached PDF of ``key``, or its render by the worker: the PDF when it is ready within a few seconds,
    else a page that refreshes itself until it is; 429 beyond the client's limit, 503 when the queue is
    full. Only renders count towards the limit: what is in the cache is served to anyone."""
    service: pdfworker.PdfService = request.registry["pdf_service"]
    address = client_ip(request)

    def limit() -> int | None:
        if request.ratelimiter.hit("pdf", address):
            return None
        return max(1, request.ratelimiter.retry_after("pdf", address))

    outcome = service.get(key, build, limit)
    if outcome.status == pdfworker.READY and outcome.path is not None:
        try:
            response = FileResponse(str(outcome.path), request=request, content_type="application/pdf")
        except OSError:  # evicted in between: the next visit renders it again
            outcome = pdfworker.Outcome(pdfworker.PENDING, retry_after=service.refresh_seconds)
        else:
            response.content_disposition = f'inline; filename="{filename}"'
            return response
    return _pdf_status_page(request, outcome, back)


def _wait_fr(seconds: int) -> str:
    if seconds <= 60:
        return "une minute"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} minutes"
    hours = -(-minutes // 60)
    return "une heure" if hours == 1 else f"{hours} heures"


def _pdf_status_page(request: Any, outcome: pdfworker.Outcome, back: tuple[str, str]) -> Response:
    if outcome.status == pdfworker.PENDING:
        response = render_to_response(
            "print/pending.jinja2",
            {"refresh": outcome.retry_after, "url": request.path_qs, "back": back},
            request=request,
        )
        response.status = 202
    else:
        if outcome.status == pdfworker.LIMITED:
            status, title = 429, "Trop de PDF demandés"
            message = (
                "Vous avez demandé beaucoup de PDF en peu de temps. Réessayez dans "
                f"{_wait_fr(outcome.retry_after)} : les PDF déjà préparés restent disponibles."
            )
        elif outcome.status == pdfworker.BUSY:
            status, title = 503, "Trop de demandes"
            message = (
                "Beaucoup de PDF sont en préparation en ce moment : trop de demandes, réessayez dans une "
                "minute."
            )
        else:
            status, title = 503, "PDF indisponible"
            message = "La préparation de ce PDF a échoué. Réessayez dans une minute."
            outcome.retry_after = 60
        response = render_to_response("error.jinja2", {"title": title, "message": message}, request=request)
        response.status = status
    response.headers["Retry-After"] = str(max(1, outcome.retry_after))
    response.cache_control = "no-store"
    return response


# --- print on demand: the agents' selection ---------------------------------------------------------------


def selection_ids(request: Any) -> list[int]:
    """The ids in the session's selection (as stored: published when added, checked again when printed)."""
    if not request.has_session:  # no cookie: no selection, and no session made just to look
        return []
    value = request.session.get(SELECTION_KEY) or []
    return [item for item in value if isinstance(item, int)][: editions.MAX_SELECTION]


def _store(request: Any, ids: list[int]) -> None:
    request.session[SELECTION_KEY] = list(dict.fromkeys(ids))[: editions.MAX_SELECTION]


def _back(request: Any) -> Any:
    """Back to where the form was (a local path only), else to the selection."""
    target = request.POST.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return HTTPSeeOther(target)
    return HTTPSeeOther(request.route_path("selection"))


def _public_ids(request: Any, ids: list[int]) -> list[int]:
    if not ids:
        return []
    public = {entry.fiche_id for entry in editions.live_entries(request.dbsession, ids)}
    return [fiche_id for fiche_id in ids if fiche_id in public]


@view_config(route_name="selection", renderer="selection.jinja2")
def selection_page(request: Any) -> Any:
    ids = selection_ids(request)
    entries = editions.live_entries(request.dbsession, ids)
    public = [entry.fiche_id for entry in entries]
    if public != ids:
        _store(request, public)  # fiches unpublished since they were added leave the selection
    return {"entries": entries, "max": editions.MAX_SELECTION}


# The selection's forms are sent by visitors who may have no session yet (public pages set no cookie), so
# they have no CSRF token: require_csrf is off and check_same_origin_or_token checks the Origin instead.
@view_config(route_name="selection_add", request_method="POST", require_csrf=False)
def selection_add(request: Any) -> Any:
    check_same_origin_or_token(request)
    fiche_id = parse_id(request.POST.get("fiche_id"))
    ids = selection_ids(request)
    if fiche_id is None or not _public_ids(request, [fiche_id]):
        request.session.flash("Cette fiche n'est pas publiée : elle ne peut pas être ajoutée.", "error")
    elif fiche_id in ids:
        request.session.flash("Cette fiche est déjà dans votre sélection.", "")
    elif len(ids) >= editions.MAX_SELECTION:
        request.session.flash(
            f"Votre sélection compte déjà {editions.MAX_SELECTION} fiches, le maximum : imprimez-la ou "
            "retirez-en une.",
            "error",
        )
    else:
        _store(request, [*ids, fiche_id])
        count = len(ids) + 1
        request.session.flash(
            f"Fiche ajoutée à votre sélection ({count} fiche{'s' if count > 1 else ''}).", "success"
        )
    return _back(request)


@view_config(route_name="selection_remove", request_method="POST", require_csrf=False)
def selection_remove(request: Any) -> Any:
    check_same_origin_or_token(request)
    fiche_id = parse_id(request.POST.get("fiche_id"))
    ids = selection_ids(request)
    if fiche_id in ids:
        _store(request, [i for i in ids if i != fiche_id])
        request.session.flash("Fiche retirée de votre sélection.", "success")
    return _back(request)


@view_config(route_name="selection_clear", request_method="POST", require_csrf=False)
def selection_clear(request: Any) -> Any:
    check_same_origin_or_token(request)
    request.session.pop(SELECTION_KEY, None)
    request.session.flash("Votre sélection est vide.", "success")
    return _back(request)


def _large(request: Any) -> bool:
    return request.params.get("gros") in ("1", "oui", "on", "true")


@view_config(route_name="selection_print")
def selection_print(request: Any) -> Response:
    """The selection as one printable page (the browser's « Imprimer » uses its print stylesheet); kept in
    the PDF cache by content, like the PDFs: printing the same selection again costs a file read."""
    large = _large(request)
    ids = selection_ids(request)
    site_url = _site_url(request)
    service: pdfworker.PdfService = request.registry["pdf_service"]
    variant = "page-gros" if large else "page"
    key = pdfcache.selection_key(request.dbsession, ids, site_url, variant, request.application_url)
    html = service.cache.read(key, ".html")
    if html is None:
        css = "selection-large.css" if large else "selection.css"
        text = editions.render_selection_html(
            request.dbsession,
            ids,
            site_url,
            large=large,
            stylesheets=[request.static_path(f"guide:static/print/{css}")],
            screen=True,
            back_url=request.route_path("selection"),
            pdf_url=request.route_path("selection_pdf", _query={"gros": "1"} if large else {}),
            other_url=request.route_path("selection_print", _query={} if large else {"gros": "1"}),
        )
        html = text.encode("utf-8")
        service.cache.write(key, html, ".html")
    return Response(html, content_type="text/html", charset="utf-8")


@view_config(route_name="selection_pdf")
def selection_pdf(request: Any) -> Response:
    large = _large(request)
    ids = selection_ids(request)
    site_url = _site_url(request)
    key = pdfcache.selection_key(request.dbsession, ids, site_url, "pdf-gros" if large else "pdf")

    def build() -> pdfworker.Job:
        html = editions.render_selection_html(request.dbsession, ids, site_url, large=large)
        return pdfworker.Job((html,))

    name = "selection-gros-caracteres.pdf" if large else "selection.pdf"
    return _pdf_response(
        request, key, build, name, (request.route_path("selection"), "Retour à ma sélection")
    )
