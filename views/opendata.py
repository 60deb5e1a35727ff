"""Open data for re-users and search engines: ``/opendata`` (the export files), ``sitemap.xml``,
``robots.txt``, and the schema.org JSON-LD of fiche pages (added to their template's values here, written
by jsonld.jinja2).

The export files come from :class:`guide.services.export.cache.OpendataCache`: built once per day and per
public change, whatever the number of requests. The sitemap is cached beside them, per generation.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from pyramid.events import BeforeRender, subscriber
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileResponse, Response
from pyramid.view import view_config
from sqlalchemy import func, select

from guide import hours, i18n
from guide.models import Event, Fiche, Organisation, Quartier, State
from guide.services import agenda_public, export
from guide.services.export import hsds
from guide.services.export.cache import OpendataCache
from guide.services.export.jsonld import fiche_jsonld
from guide.services.fiches import public_fiches_query
from guide.settings import settings_of

from .agenda_public import event_path
from .public import fiche_url

FILE_MAX_AGE = 600  # seconds: the files change at most once per public change
FILES = {
    "data-inclusion": ["structures.json", "services.json", "metadata.json"],
    "hsds": ["datapackage.json", *(f"{name}.csv" for name in hsds.TABLES)],
    "csv": ["fiches.csv", "metadata.json"],
}
CONTENT_TYPES = {".json": "application/json", ".csv": "text/csv", ".xml": "application/xml"}
SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limit of one file


def opendata_cache(request: Any) -> OpendataCache:
    cache = request.registry.get("opendata_cache")
    settings = settings_of(request.registry)
    if cache is None:
        cache = request.registry["opendata_cache"] = OpendataCache(
            Path(settings.var_dir) / "cache" / "opendata",
            site_name=settings.site_name,
            site_url=settings.site_url,
            licence_setting=settings.opendata_licence,
        )
    return cache


@view_config(route_name="opendata", renderer="opendata.jinja2")
def opendata_page(request: Any) -> Any:
    settings = settings_of(request.registry)
    folder = opendata_cache(request).folder_for(request.dbsession, hours.today(), registry=request.registry)
    meta = json.loads((folder / "csv" / "metadata.json").read_text(encoding="utf-8"))
    return {
        "formats": [
            (
                fmt,
                request.translate(export.FORMAT_LABELS[fmt]),
                [(name, request.route_url("opendata_file", format=fmt, name=name)) for name in FILES[fmt]],
            )
            for fmt in export.FORMATS
        ],
        "meta": meta,
        "licence": export.licence(settings.opendata_licence),
        "api_doc": request.route_url("api_doc"),
        "openapi": request.route_url("api_openapi"),
        "widget_url": request.route_url("widget_js"),
        "home": request.route_url("home"),
    }


@view_config(route_name="opendata_file")
def opendata_file(request: Any) -> Any:
    fmt, name = request.matchdict["format"], request.matchdict["name"]
    if fmt not in FILES or name not in FILES[fmt]:
        raise HTTPNotFound()
    path = opendata_cache(request).file(
        request.dbsession, hours.today(), fmt, name, registry=request.registry
    )
    if path is None:
        raise HTTPNotFound()
    response = FileResponse(
        str(path), request=request, content_type=CONTENT_TYPES[Path(name).suffix], cache_max_age=FILE_MAX_AGE
    )
    response.charset = "utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.content_disposition = f'inline; filename="{name}"'
    return response


@view_config(route_name="robots")
def robots(request: Any) -> Any:
    lines = [
        "User-agent: *",
        "Disallow: /espace",
        "Disallow: /coordination",
        "Disallow: /admin",
        "Disallow: /connexion",
        "Disallow: /mot-de-passe",
        "Disallow: /invitation",
        "Disallow: /selection",
        "Disallow: /recherche",
        "Disallow: /widget",
        "Disallow: /*/signaler",
        "Disallow: /*/pdf",
        # the same pages in the other languages (« /en/recherche »), and the language switcher's links
        *(
            f"Disallow: /{segment}/{page}"
            for segment in i18n.BY_SEGMENT
            for page in ("recherche", "selection", "widget")
        ),
        "Disallow: /langue/",
        "Disallow: /*/langue/",
        "",
        f"Sitemap: {request.route_url('sitemap')}",
        "",
    ]
    return Response("\n".join(lines), content_type="text/plain", charset="utf-8")


def _sitemap(request: Any) -> bytes:
    """Every public page in every language of the guide (one ``<url>`` per language, each naming the others
    as ``xhtml:link`` alternates), absolute from ``site_url``, whatever the language of the request."""
    db = request.dbsession
    ET.register_namespace("", "http://www.sitemaps.org/schemas/sitemap/0.9")
    ET.register_namespace("xhtml", "http://www.w3.org/1999/xhtml")
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    xhtml = "{http://www.w3.org/1999/xhtml}"
    root = ET.Element(f"{ns}urlset")
    count = 0
    base = i18n.site_base(request)
    script_name = request.script_name

    def add(path: str, lastmod: str | None = None) -> None:
        nonlocal count
        page = path[len(script_name) :] if path.startswith(script_name) else path
        variants = [(language.tag, base + language.prefix + page) for language in i18n.LANGUAGES]
        for _tag, loc in variants:
            if count >= SITEMAP_MAX_URLS:
                return
            url = ET.SubElement(root, f"{ns}url")
            ET.SubElement(url, f"{ns}loc").text = loc
            if lastmod:
                ET.SubElement(url, f"{ns}lastmod").text = lastmod
            for tag, href in variants:
                ET.SubElement(url, f"{xhtml}link", rel="alternate", hreflang=tag, href=href)
            count += 1

    add(request.route_path("home"))
    fiches = db.scalars(public_fiches_query().order_by(Fiche.id)).all()
    organisations: set[int] = set()
    for fiche in fiches:
        organisations.add(fiche.organisation_id)
        add(fiche_url(request, fiche), export.snapshot.last_update(fiche).isoformat())
    if organisations:
        for organisation in db.scalars(
            select(Organisation).where(Organisation.id.in_(organisations)).order_by(Organisation.id)
        ):
            add(request.route_path("organisation", slug=organisation.slug))
    for quartier in db.scalars(select(Quartier).order_by(Quartier.nom)):
        add(request.route_path("quartier", slug=quartier.slug))
    add(request.route_path("opendata"))
    # the public agenda: the week's page, each event not over yet, and the agendas of the thématiques,
    # quartiers and organisations that have one (at most agenda_public.FEED_MAX_EVENTS events)
    add(request.route_path("agenda"))
    events = agenda_public.feed_events(db)
    thematiques: dict[str, None] = {}
    quartiers: dict[str, None] = {}
    organisations_with_events: dict[str, None] = {}
    for event in events:
        add(event_path(request, event), _lastmod(event))
        thematiques.update(dict.fromkeys(t.slug for t in event.thematiques))
        if event.lieu is not None and event.lieu.quartier is not None:
            quartiers[event.lieu.quartier.slug] = None
        organisations_with_events[event.organisation.slug] = None
    for slug in thematiques:
        add(request.route_path("agenda_thematique", slug=slug))
    for slug in quartiers:
        add(request.route_path("agenda_quartier", slug=slug))
    for slug in organisations_with_events:
        add(request.route_path("agenda_organisation", slug=slug))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _lastmod(event: Any) -> str | None:
    moment = getattr(event, "updated_at", None)
    return moment.date().isoformat() if moment is not None else None


@view_config(route_name="sitemap")
def sitemap(request: Any) -> Any:
    folder = opendata_cache(request).folder_for(request.dbsession, hours.today(), registry=request.registry)
    # the agenda changes without a fiche changing: its published events' last update names the file too
    stamp = request.dbsession.execute(
        select(func.count(Event.id), func.max(Event.updated_at)).where(Event.state == State.PUBLISHED)
    ).one()
    digest = hashlib.sha256(repr(tuple(stamp)).encode()).hexdigest()[:12]
    path = folder / f"sitemap-{digest}.xml"
    if not path.is_file():
        partial = folder / f".sitemap-{digest}.xml.partial"
        partial.write_bytes(_sitemap(request))
        partial.replace(path)
    return FileResponse(
        str(path), request=request, content_type="application/xml", cache_max_age=FILE_MAX_AGE
    )


@subscriber(BeforeRender)
def add_fiche_jsonld(event: Any) -> None:
    """The JSON-LD of a fiche page, for jsonld.jinja2 (included by fiche_public.jinja2)."""
    if event.get("renderer_name") != "fiche_public.jinja2":
        return
    values = event.rendering_val
    fiche = values.get("fiche") if isinstance(values, dict) else None
    request = event.get("request")
    if fiche is None or request is None or fiche.published_version is None:
        return
    event["jsonld"] = fiche_jsonld(
        fiche,
        url=request.host_url + fiche_url(request, fiche),
        organisation_url=request.route_url("organisation", slug=fiche.organisation.slug),
        today=hours.today(),
    )
