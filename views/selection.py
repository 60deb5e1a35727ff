"""Printing on demand: any published fiche on one A4 page (``/fiche/{ref}/pdf``), and the fiches an agent
ticks for the person at the desk (``/selection``), kept in the session (no account): a printable page and a
PDF, in large print on request (``?gros=1``). PDFs come from the content cache or the PDF worker."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.response import FileResponse, Response
from pyramid.view import view_config

import guide.print as printing
from guide.caching import check_same_origin_or_token
from guide.models import Fiche
from guide.print import cache as pdfcache
from guide.print import worker as pdfworker
from guide.ratelimit import client_ip
from guide.settings import settings_of

from .resources import parse_id

SELECTION_KEY = "guide.selection"


def public_site_url(request: Any) -> str:
    """The site's address for what a print shows (QR codes, short links): the site_url setting."""
    return settings_of(request.registry).site_url or request.application_url


# --- print on demand: one fiche ---------------------------------------------------------------------------


@view_config(route_name="fiche_pdf")
def fiche_pdf(request: Any) -> Response:
    """A published fiche on one A4 page (404 for what the public cannot see)."""
    fiche: Fiche = request.context
    if not fiche.is_public:
        raise HTTPNotFound()
    site_url = public_site_url(request)
    key = pdfcache.fiche_key(request.dbsession, fiche.id, site_url)
    if key is None:
        raise HTTPNotFound()

    def build() -> pdfworker.Job:
        pages = printing.fiche_print_levels(request.dbsession, fiche.id, site_url)
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
    return [item for item in value if isinstance(item, int)][: printing.MAX_SELECTION]


def _store(request: Any, ids: list[int]) -> None:
    request.session[SELECTION_KEY] = list(dict.fromkeys(ids))[: printing.MAX_SELECTION]


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
    public = {entry.fiche_id for entry in printing.live_entries(request.dbsession, ids)}
    return [fiche_id for fiche_id in ids if fiche_id in public]


@view_config(route_name="selection", renderer="selection.jinja2")
def selection_page(request: Any) -> Any:
    ids = selection_ids(request)
    entries = printing.live_entries(request.dbsession, ids)
    public = [entry.fiche_id for entry in entries]
    if public != ids:
        _store(request, public)  # fiches unpublished since they were added leave the selection
    return {"entries": entries, "max": printing.MAX_SELECTION}


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
    elif len(ids) >= printing.MAX_SELECTION:
        request.session.flash(
            f"Votre sélection compte déjà {printing.MAX_SELECTION} fiches, le maximum : imprimez-la ou "
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
    site_url = public_site_url(request)
    service: pdfworker.PdfService = request.registry["pdf_service"]
    variant = "page-gros" if large else "page"
    key = pdfcache.selection_key(request.dbsession, ids, site_url, variant, request.application_url)
    html = service.cache.read(key, ".html")
    if html is None:
        css = "selection-large.css" if large else "selection.css"
        text = printing.render_selection_html(
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
    site_url = public_site_url(request)
    key = pdfcache.selection_key(request.dbsession, ids, site_url, "pdf-gros" if large else "pdf")

    def build() -> pdfworker.Job:
        html = printing.render_selection_html(request.dbsession, ids, site_url, large=large)
        return pdfworker.Job((html,))

    name = "selection-gros-caracteres.pdf" if large else "selection.pdf"
    return _pdf_response(
        request, key, build, name, (request.route_path("selection"), "Retour à ma sélection")
    )
