"""Printing on demand: any published fiche on one A4 page (``/fiche/{ref}/pdf``), and the fiches an agent
ticks for the person at the desk (``/selection``), kept in the session (no account): a printable page and a
PDF, in large print on request (``?gros=1``). PDFs come from the content cache or the PDF worker."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import zope.sqlalchemy
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.i18n import TranslationString
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config

import guide.print as printing
from guide.caching import check_same_origin_or_token
from guide.i18n import DOMAIN, _, ngettext
from guide.models import Fiche
from guide.print import cache as pdfcache
from guide.print import worker as pdfworker
from guide.ratelimit import client_ip
from guide.services import selection
from guide.services.qrcode import qr_img
from guide.services.sharing import share_links
from guide.settings import settings_of

from .resources import parse_id

SELECTION_KEY = "guide.selection"
NOTES_KEY = "guide.selection.notes"
SHARED_KEY = "guide.selection.shared"  # [token, digest of what it shares]


def public_site_url(request: Any) -> str:
    """The site's address for what a print shows (QR codes, short links): the site_url setting."""
    return settings_of(request.registry).site_url or request.application_url


# --- print on demand: one fiche ---------------------------------------------------------------------------


@view_config(route_name="fiche_pdf")
def fiche_pdf(request: Any) -> Response:
    """A published fiche on one A4 page (404 for what the public cannot see), its fixed texts in the page's
    language (cached per language)."""
    fiche: Fiche = request.context
    if not fiche.is_public:
        raise HTTPNotFound()
    site_url = public_site_url(request)
    key = pdfcache.fiche_key(request.dbsession, fiche.id, site_url, request.language.locale)
    if key is None:
        raise HTTPNotFound()

    def build() -> pdfworker.Job:
        pages = printing.fiche_print_levels(request.dbsession, fiche.id, site_url, **_sheet_language(request))
        if pages is None:  # pragma: no cover - public a moment ago, in the same transaction
            raise HTTPNotFound()
        return pdfworker.Job(tuple(pages), one_page=True)

    back = (request.route_path("fiche", ref=fiche.id), request.translate(_("Retour à la fiche")))
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
    _keep_cache_writes(request)
    if outcome.status == pdfworker.READY and outcome.data is not None:
        response = Response(body=outcome.data, content_type="application/pdf")
        response.content_disposition = f'inline; filename="{filename}"'
        return response
    return _pdf_status_page(request, outcome, back)


def _keep_cache_writes(request: Any) -> None:
    """The PDF cache and its markers are written in transactions of their own; when the app shares one
    database connection with the request (the tests' savepoints), they sit inside the request's savepoint,
    which zope.sqlalchemy rolls back for a request that wrote nothing itself. Marking the request's session
    changed commits it instead (on a real database: an empty commit)."""
    zope.sqlalchemy.mark_changed(request.dbsession)


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


def selection_notes(request: Any, ids: list[int] | None = None) -> dict[str, str]:
    """The agent's notes by fiche id (as text), for the fiches still in the selection."""
    if not request.has_session:
        return {}
    return selection.clean_notes(
        request.session.get(NOTES_KEY), selection_ids(request) if ids is None else ids
    )


def _store(request: Any, ids: list[int], notes: dict[str, str] | None = None) -> None:
    ids = list(dict.fromkeys(ids))[: printing.MAX_SELECTION]
    request.session[SELECTION_KEY] = ids
    request.session[NOTES_KEY] = selection.clean_notes(
        selection_notes(request, ids) if notes is None else notes, ids
    )


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


def _share_box(request: Any, ids: list[int], notes: dict[str, str]) -> dict[str, Any] | None:
    """The short link last made in this session, while the selection is still what it shares."""
    shared = request.session.get(SHARED_KEY) if request.has_session else None
    if not isinstance(shared, list) or len(shared) != 2:
        return None
    if shared[1] != selection.digest(ids, notes):
        return {"stale": True}  # changed since: the link still shows the list as it was
    url = request.route_url("selection_shared", token=str(shared[0]))
    intro = "Les services dont nous avons parlé (Guide du territoire) :"
    links = share_links("Des services pour vous", url, intro)
    return {"url": url, "sms": links.sms, "mail": links.mail, "qr": qr_img(url, label=f"Code QR : {url}")}


def _selection_response(
    request: Any, errors: dict[int, str] | None = None, typed: dict[int, str] | None = None
) -> Any:
    ids = selection_ids(request)
    entries = printing.live_entries(request.dbsession, ids)
    public = [entry.fiche_id for entry in entries]
    if public != ids:
        _store(request, public)  # fiches unpublished since they were added leave the selection
    notes = selection_notes(request, public)
    context = {
        "entries": entries,
        "max": printing.MAX_SELECTION,
        "notes": {**{int(k): v for k, v in notes.items()}, **(typed or {})},
        "errors": errors or {},
        "note_max": selection.NOTE_MAX,
        "share": _share_box(request, public, notes) if public else None,
        "share_days": selection.SHARE_DAYS,
    }
    response = render_to_response("selection.jinja2", context, request=request)
    if errors:
        response.status = 400
    return response


@view_config(route_name="selection")
def selection_page(request: Any) -> Any:
    return _selection_response(request)


# The selection's forms are sent by visitors who may have no session yet (public pages set no cookie), so
# they have no CSRF token: require_csrf is off and check_same_origin_or_token checks the Origin instead.
@view_config(route_name="selection_add", request_method="POST", require_csrf=False)
def selection_add(request: Any) -> Any:
    check_same_origin_or_token(request)
    fiche_id = parse_id(request.POST.get("fiche_id"))
    ids = selection_ids(request)
    if fiche_id is None or not _public_ids(request, [fiche_id]):
        request.session.flash(
            request.translate(_("Cette fiche n'est pas publiée : elle ne peut pas être ajoutée.")), "error"
        )
    elif fiche_id in ids:
        request.session.flash(request.translate(_("Cette fiche est déjà dans votre sélection.")), "")
    elif len(ids) >= printing.MAX_SELECTION:
        request.session.flash(
            request.translate(
                _(
                    "Votre sélection compte déjà ${max} fiches, le maximum : imprimez-la ou retirez-en une.",
                    mapping={"max": printing.MAX_SELECTION},
                )
            ),
            "error",
        )
    else:
        _store(request, [*ids, fiche_id])
        count = len(ids) + 1
        request.session.flash(
            ngettext(
                "Fiche ajoutée à votre sélection (${count} fiche).",
                "Fiche ajoutée à votre sélection (${count} fiches).",
                count,
                request,
            ),
            "success",
        )
    return _back(request)


@view_config(route_name="selection_remove", request_method="POST", require_csrf=False)
def selection_remove(request: Any) -> Any:
    check_same_origin_or_token(request)
    fiche_id = parse_id(request.POST.get("fiche_id"))
    ids = selection_ids(request)
    if fiche_id in ids:
        _store(request, [i for i in ids if i != fiche_id])
        request.session.flash(request.translate(_("Fiche retirée de votre sélection.")), "success")
    return _back(request)


@view_config(route_name="selection_clear", request_method="POST", require_csrf=False)
def selection_clear(request: Any) -> Any:
    check_same_origin_or_token(request)
    for key in (SELECTION_KEY, NOTES_KEY, SHARED_KEY):
        request.session.pop(key, None)
    request.session.flash(request.translate(_("Votre sélection est vide.")), "success")
    return _back(request)


@view_config(route_name="selection_move", request_method="POST", require_csrf=False)
def selection_move(request: Any) -> Any:
    """One place up or down (``sens`` = ``haut`` / ``bas``): the order of the printed sheet."""
    check_same_origin_or_token(request)
    fiche_id = parse_id(request.POST.get("fiche_id"))
    ids = selection_ids(request)
    if fiche_id in ids:
        _store(request, selection.moved(ids, fiche_id, str(request.POST.get("sens") or "")))
    return HTTPSeeOther(request.route_path("selection", _anchor=f"choix-{fiche_id}" if fiche_id else ""))


@view_config(route_name="selection_note", request_method="POST", require_csrf=False)
def selection_note(request: Any) -> Any:
    """The note printed under a fiche (an appointment, the person to ask for); too long: the page again,
    the message beside the field and the text as typed."""
    check_same_origin_or_token(request)
    fiche_id = parse_id(request.POST.get("fiche_id"))
    ids = selection_ids(request)
    if fiche_id not in ids:
        request.session.flash(request.translate(_("Cette fiche n'est plus dans votre sélection.")), "error")
        return HTTPSeeOther(request.route_path("selection"))
    text = request.POST.get("note")
    try:
        notes = selection.with_note(selection_notes(request, ids), fiche_id, text)
    except selection.SelectionError as error:
        return _selection_response(
            request, {fiche_id: request.translate(error)}, {fiche_id: str(text or "")[:5000]}
        )
    _store(request, ids, notes)
    saved = _("Note enregistrée.") if notes.get(str(fiche_id)) else _("Note effacée.")
    request.session.flash(request.translate(saved), "success")
    return HTTPSeeOther(request.route_path("selection", _anchor=f"choix-{fiche_id}"))


@view_config(route_name="selection_share", request_method="POST", require_csrf=False)
def selection_share(request: Any) -> Any:
    """A short link to a read-only copy (fiches and notes), for an SMS, an e-mail or a QR code; limited
    per client (``ratelimit.selection_share``)."""
    check_same_origin_or_token(request)
    ids = _public_ids(request, selection_ids(request))
    if not ids:
        request.session.flash(request.translate(_("Votre sélection est vide : rien à partager.")), "error")
        return HTTPSeeOther(request.route_path("selection"))
    notes = selection_notes(request, ids)
    address = client_ip(request)
    if not request.ratelimiter.hit("selection_share", address):
        wait = max(60, request.ratelimiter.retry_after("selection_share", address))
        request.session.flash(
            f"Vous avez créé beaucoup de liens en peu de temps : réessayez dans {_wait_fr(wait)}. "
            "La page à imprimer et le PDF restent disponibles.",
            "error",
        )
        return HTTPSeeOther(request.route_path("selection"))
    token = selection.share(request.dbsession, ids, notes)
    request.session[SHARED_KEY] = [token, selection.digest(ids, notes)]
    return HTTPSeeOther(request.route_path("selection", _anchor="partage"))


def _flag(request: Any, name: str) -> bool:
    return request.params.get(name) in ("1", "oui", "on", "true")


def _large(request: Any) -> bool:
    return _flag(request, "gros")


def _variant_query(large: bool, discreet: bool) -> dict[str, str]:
    return {**({"gros": "1"} if large else {}), **({"discret": "1"} if discreet else {})}


def _variant(request: Any, kind: str, large: bool, discreet: bool) -> str:
    """A sheet's variant in its cache key: page or PDF, large print, discreet, and its language (the same
    selection is a different sheet in Arabic)."""
    language = "" if request.language.locale == "fr" else f"-{request.language.locale}"
    return kind + ("-gros" if large else "") + ("-discret" if discreet else "") + language


def _sheet_language(request: Any) -> dict[str, Any]:
    """The printed selection's fixed texts in the page's language (guide.print.on_demand)."""
    localizer = request.localizer
    return {
        "language": request.language,
        "translate": lambda message: localizer.translate(TranslationString(message, domain=DOMAIN)),
        "pluralize": lambda singular, plural, n: localizer.pluralize(singular, plural, n, domain=DOMAIN),
    }


def _printable(
    request: Any, ids: list[int], notes: dict[str, str], route: str, pdf_route: str | None, **kw: Any
) -> Response:
    """The selection as one printable page (the browser's « Imprimer » uses its print stylesheet); kept in
    the PDF cache by content, like the PDFs: printing the same selection again costs a file read."""
    large, discreet = _large(request), _flag(request, "discret")
    site_url = public_site_url(request)
    service: pdfworker.PdfService = request.registry["pdf_service"]
    variant = _variant(request, "page", large, discreet)
    route_kw = kw.pop("route_kw", {})
    key = pdfcache.selection_key(
        request.dbsession, ids, site_url, variant, request.application_url, sorted(notes.items()), route_kw
    )
    html = service.cache.read(key, ".html")
    if html is None:
        css = "selection-large.css" if large else "selection.css"
        links: dict[str, Any] = {
            "other_url": request.route_path(route, **route_kw, _query=_variant_query(not large, discreet)),
            "discreet_url": request.route_path(route, **route_kw, _query=_variant_query(large, not discreet)),
        }
        if pdf_route:
            links["pdf_url"] = request.route_path(
                pdf_route, **route_kw, _query=_variant_query(large, discreet)
            )
        text = printing.render_selection_html(
            request.dbsession,
            ids,
            site_url,
            large=large,
            discreet=discreet,
            notes=notes,
            stylesheets=[request.static_path(f"guide:static/print/{css}")],
            screen=True,
            **_sheet_language(request),
            **links,
            **kw,
        )
        html = text.encode("utf-8")
        service.cache.write(key, html, ".html")
        _keep_cache_writes(request)
    return Response(html, content_type="text/html", charset="utf-8")


@view_config(route_name="selection_print")
def selection_print(request: Any) -> Response:
    return _printable(
        request,
        selection_ids(request),
        selection_notes(request),
        "selection_print",
        "selection_pdf",
        back_url=request.route_path("selection"),
    )


def _selection_pdf(request: Any, ids: list[int], notes: dict[str, str], back: tuple[str, str]) -> Response:
    large, discreet = _large(request), _flag(request, "discret")
    site_url = public_site_url(request)
    variant = _variant(request, "pdf", large, discreet)
    key = pdfcache.selection_key(request.dbsession, ids, site_url, variant, sorted(notes.items()))

    def build() -> pdfworker.Job:
        html = printing.render_selection_html(
            request.dbsession,
            ids,
            site_url,
            large=large,
            discreet=discreet,
            notes=notes,
            **_sheet_language(request),
        )
        return pdfworker.Job((html,))

    name = "selection" + ("-gros-caracteres" if large else "") + ("-discrete" if discreet else "") + ".pdf"
    return _pdf_response(request, key, build, name, back)


@view_config(route_name="selection_pdf")
def selection_pdf(request: Any) -> Response:
    return _selection_pdf(
        request,
        selection_ids(request),
        selection_notes(request),
        (request.route_path("selection"), "Retour à ma sélection"),
    )


# --- the shared copy: a short link, read-only, no account ---------------------------------------------------


def _expired(request: Any) -> Response:
    response = render_to_response(
        "error.jinja2",
        {
            "title": "Lien introuvable",
            "message": "Ce lien de sélection n'existe pas ou a expiré (un lien reste valable un an). "
            "Demandez à la personne qui vous l'a envoyé de le partager à nouveau, ou cherchez les services "
            "dans le guide.",
        },
        request=request,
    )
    response.status = 404
    return response


@view_config(route_name="selection_shared")
def selection_shared(request: Any) -> Response:
    """What the short link opens: the list and its notes, to read or print (no session, no cookie)."""
    found = selection.shared(request.dbsession, request.matchdict.get("token"))
    if found is None:
        return _expired(request)
    token = request.matchdict["token"]
    return _printable(
        request,
        found.ids,
        found.notes,
        "selection_shared",
        "selection_shared_pdf",
        route_kw={"token": token},
        toolbar_note="Une sélection préparée pour vous par un accueil du Guide du territoire.",
    )


@view_config(route_name="selection_shared_pdf")
def selection_shared_pdf(request: Any) -> Response:
    found = selection.shared(request.dbsession, request.matchdict.get("token"))
    if found is None:
        return _expired(request)
    back = (request.route_path("selection_shared", token=request.matchdict["token"]), "Retour à la sélection")
    return _selection_pdf(request, found.ids, found.notes, back)
