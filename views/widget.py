"""The partners' widget: ``/widget.js`` (the snippet's script), ``/widget`` (the page it frames) and
``/widget.css`` (its colours).

A partner pastes ``<div data-guide-widget data-organisation="slug"></div>`` and
``<script src="https://guide…/widget.js" async></script>``: the script puts an ``<iframe>`` of ``/widget`` in
each such element (or after itself when it carries the ``data-*`` attributes) and follows the height the
framed page posts. The page lists the public fiches with today's hours and « ouvert maintenant », links
open the guide in a new tab. No cookie is read or set (no session is touched), the colours come from a
style sheet built from validated parameters (no ``style=``: the CSP stays strict), and framing is allowed
for these routes only (``widget.frame_ancestors``, guide/headers.py); every other page keeps
``frame-ancestors 'none'``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyramid.response import FileResponse, Response
from pyramid.view import view_config

from guide import hours
from guide.services.export import widget

from .public import fiche_url

STATIC = Path(__file__).resolve().parents[1] / "guide" / "static"
MAX_AGE = 60  # seconds: « ouvert maintenant » is at most a minute old


@view_config(route_name="widget", renderer="widget.jinja2")
def widget_page(request: Any) -> Any:
    try:
        wanted = widget.parse(request.GET)
        title, fiches = widget.fiches_for(request.dbsession, wanted)
    except widget.WidgetError as error:
        request.response.status = error.status
        return {"error": error.message, "title": "", "items": [], "css_url": None, "more_url": None}
    base = request.host_url  # fiche_url: a path from the site's root (script name and language included)
    items = [
        {
            "nom": fiche.published_version.nom,
            "url": base + fiche_url(request, fiche),
            "structure": fiche.organisation.nom,
            "status": hours.status(fiche.published_version.horaires, fiche.published_version.fermetures),
            "today": hours.today_hours(
                fiche.published_version.horaires, closures=fiche.published_version.fermetures
            ),
            "adresse": fiche.published_version.lieux[0].one_line_address
            if fiche.published_version.lieux
            else "",
        }
        for fiche in fiches
    ]
    colours = {k: v for k, v in (("couleur", wanted.couleur), ("fond", wanted.fond)) if v}
    if wanted.organisation:
        more_url = request.route_url("organisation", slug=wanted.organisation)
    else:
        more_url = request.route_url(
            "search",
            _query={k: v for k, v in (("thematique", wanted.thematique), ("quartier", wanted.quartier)) if v},
        )
    request.response.cache_control = f"public, max-age={MAX_AGE}"
    return {
        "error": None,
        "title": title,
        "items": items,
        "css_url": request.route_url("widget_css", _query=colours) if colours else None,
        "more_url": more_url,
    }


@view_config(route_name="widget_css")
def widget_css(request: Any) -> Any:
    try:
        wanted = widget.parse(
            {"organisation": "x", **{k: v for k, v in request.GET.items() if k in ("couleur", "fond")}}
        )
    except widget.WidgetError as error:
        return Response(f"/* {error.message} */\n", status=400, content_type="text/css", charset="utf-8")
    response = Response(
        widget.stylesheet(wanted.couleur, wanted.fond), content_type="text/css", charset="utf-8"
    )
    response.cache_control = "public, max-age=86400"
    return response


@view_config(route_name="widget_js")
def widget_js(request: Any) -> Any:
    response = FileResponse(
        str(STATIC / "widget.js"), request=request, content_type="text/javascript", cache_max_age=3600
    )
    response.charset = "utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
