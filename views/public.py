"""The public guide: home, fiche pages and organisation pages. Only published versions are shown."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import distinct, func, select

from guide import hours
from guide.i18n import _, ngettext
from guide.maps import geojson_feature_collection
from guide.models import Fiche, Lieu, Organisation, Quartier, Thematique, version_lieu
from guide.services.fiches import public_fiches_query
from guide.services.mapsvg import MapMarker, render_locator, render_map
from guide.services.sharing import directions, share_links
from guide.services.translations import language as visitor_language
from guide.services.translations import public as public_translation
from guide.services.translations import reviewed_titles
from guide.settings import settings_of
from guide.text import slugify


def fiche_url(request: Any, fiche: Fiche) -> str:
    version = fiche.published_version
    slug = slugify(version.nom if version else fiche.title, 60)
    return request.route_path("fiche", ref=f"{fiche.id}-{slug}")


def _public_fiches(request: Any, *conditions: Any) -> list[Fiche]:
    rows = request.dbsession.scalars(public_fiches_query(*conditions)).all()
    return sorted(rows, key=lambda f: f.published_version.nom.lower())


def published_counts(request: Any) -> tuple[dict[str, int], dict[str, int], int]:
    """Published fiches per thématique slug and per quartier slug, and in all, from the search index."""
    results = request.search.search("", per_page=1, record_miss=False)
    thematiques = {v.value: v.count for v in results.facets.get("thematique", [])}
    quartiers = {v.value: v.count for v in results.facets.get("quartier", [])}
    return thematiques, quartiers, results.total


def translated_titles(request: Any, fiches: Any) -> dict[str, Any]:
    """For a list of fiches: their reviewed titles in the visitor's language (``titles``, by fiche id) and
    that language (``title_lang``: its lang and dir), for templates that name fiches."""
    language = visitor_language(request.locale_name)
    if language is None:
        return {"titles": {}, "title_lang": None}
    return {
        "titles": reviewed_titles(request.dbsession, [f.id for f in fiches], language.code),
        "title_lang": language,
    }


def search_url(request: Any, **params: Any) -> str:
    return request.route_path("search", _query={k: v for k, v in params.items() if v})


def _public_lieux(request: Any, quartier: Quartier | None = None) -> list[tuple[Lieu, int]]:
    """Lieux with coordinates where published fiches are rendered, with how many."""
    query = (
        select(Lieu, func.count(distinct(Fiche.id)))
        .join(version_lieu, version_lieu.c.lieu_id == Lieu.id)
        .join(Fiche, Fiche.published_version_id == version_lieu.c.version_id)
        .where(Fiche.is_public, Lieu.latitude.is_not(None), Lieu.longitude.is_not(None))
        .group_by(Lieu.id)
        .order_by(Lieu.nom)
    )
    if quartier is not None:
        query = query.where(Lieu.quartier_id == quartier.id)
    return [(lieu, count) for lieu, count in request.dbsession.execute(query).all()]


def _lieu_label(request: Any, lieu: Lieu, count: int) -> str:
    """« Maison de quartier : 2 services », in the page's language."""
    return ngettext(
        "${lieu} : ${count} service", "${lieu} : ${count} services", count, request, lieu=lieu.nom
    )


def _markers(request: Any) -> list[MapMarker]:
    return [
        MapMarker(lieu.latitude, lieu.longitude, _lieu_label(request, lieu, count))
        for lieu, count in _public_lieux(request)
    ]


def map_context(request: Any, *, highlight: Quartier | None = None) -> dict[str, Any]:
    """What templates/map_partial.jinja2 needs: the SVG, the text list and the GeoJSON URL."""
    quartiers = request.dbsession.scalars(select(Quartier).order_by(Quartier.nom)).all()
    _themes, by_slug, _total = published_counts(request)
    counts = {q.id: by_slug.get(q.slug, 0) for q in quartiers}

    def link(quartier: Quartier) -> str:
        return search_url(request, quartier=quartier.slug)

    svg = render_map(
        quartiers,
        _markers(request),
        counts=counts,
        link_for=link,
        highlight=highlight,
        title=request.translate(_("Carte des quartiers de Clermont-Ferrand")),
        description=request.translate(
            _("Chaque quartier mène à ses services ; les points sont les lieux d'accueil.")
        ),
    )
    return {
        "svg": svg,
        "quartier_list": [
            (q.nom, request.route_path("quartier", slug=q.slug), counts[q.id]) for q in quartiers
        ],
        "geojson_url": request.route_path("map_geojson"),
        "tile_url": settings_of(request.registry).map_tile_url,
        "highlight_code": highlight.code if highlight else None,
    }


@view_config(route_name="home", renderer="home.jinja2")
def home(request: Any) -> Any:
    thematiques = request.dbsession.scalars(select(Thematique).order_by(Thematique.position)).all()
    counts, _quartiers, total = published_counts(request)
    return {
        "thematiques": [(t, counts.get(t.slug, 0)) for t in thematiques],
        "total": total,
        "map": map_context(request),
        "search_url": lambda **kw: search_url(request, **kw),
    }


def _quartier_by_slug(request: Any, slug: Any) -> Quartier | None:
    if not isinstance(slug, str) or not slug:
        return None
    return request.dbsession.scalar(select(Quartier).where(Quartier.slug == slug[:140]))


def _numbered_lieux(request: Any, quartier: Quartier) -> list[tuple[int, Lieu, int]]:
    """The quartier's lieux with coordinates where published fiches are, numbered 1, 2… by name."""
    return [(n, lieu, count) for n, (lieu, count) in enumerate(_public_lieux(request, quartier), start=1)]


def _quartier_markers(request: Any, quartier: Quartier) -> list[MapMarker]:
    return [
        MapMarker(
            lieu.latitude,
            lieu.longitude,
            _lieu_label(request, lieu, count),
            url=f"{request.route_path('quartier', slug=quartier.slug)}#lieu-{number}",
            number=number,
        )
        for number, lieu, count in _numbered_lieux(request, quartier)
    ]


@view_config(route_name="map_geojson", renderer="json")
def map_geojson(request: Any) -> Any:
    """Every quartier and lieu; with ``?quartier=<slug>``, that quartier and its lieux, numbered as on its
    page (the Leaflet map then fits the quartier, where its markers stand apart)."""
    quartier = _quartier_by_slug(request, request.GET.get("quartier"))
    _themes, by_slug, _total = published_counts(request)
    request.response.content_type = "application/geo+json"
    if quartier is not None:
        quartiers, markers = [quartier], _quartier_markers(request, quartier)
    else:
        quartiers, markers = list(request.dbsession.scalars(select(Quartier)).all()), _markers(request)
    return geojson_feature_collection(
        quartiers,
        markers,
        link_for=lambda q: search_url(request, quartier=q.slug),
        counts={q.id: by_slug.get(q.slug, 0) for q in quartiers},
    )


@view_config(route_name="quartier", renderer="quartier_public.jinja2")
def quartier_page(request: Any) -> Any:
    """One list of the quartier's published fiches, each once (its thématiques as tags, whether it is open
    now, the number of its lieu on the map), and a map of the quartier whose numbered markers stand apart."""
    quartier = _quartier_by_slug(request, request.matchdict["slug"])
    if quartier is None:
        raise HTTPNotFound()
    in_quartier = select(version_lieu.c.version_id).join(Lieu, Lieu.id == version_lieu.c.lieu_id)
    here = _public_fiches(
        request, Fiche.published_version_id.in_(in_quartier.where(Lieu.quartier_id == quartier.id))
    )
    numbered = _numbered_lieux(request, quartier)
    number_of = {lieu.id: number for number, lieu, _count in numbered}
    quartiers = request.dbsession.scalars(select(Quartier).where(Quartier.geometry.is_not(None))).all()
    items = []
    for fiche in here:
        version = fiche.published_version
        lieux = [lieu for lieu in version.lieux if lieu.quartier_id == quartier.id]
        items.append(
            {
                "fiche": fiche,
                "version": version,
                "status": hours.status(version.horaires, version.fermetures),
                "thematiques": request.public_labels.thematiques(
                    sorted(version.thematiques, key=lambda t: t.position)
                ),
                "lieux": lieux,
                "numbers": sorted({number_of[lieu.id] for lieu in lieux if lieu.id in number_of}),
            }
        )
    map_data = map_context(request, highlight=quartier)
    map_data["svg"] = render_locator(
        [lieu for _n, lieu, _c in numbered],
        quartiers,
        width=360,
        height=300,
        half_span_m=250,
        title=request.translate(_("Les lieux du quartier ${name}"), {"name": quartier.nom}),
        id_prefix="quartier-plan",
    )
    map_data["geojson_url"] = request.route_path("map_geojson", _query={"quartier": quartier.slug})
    return {
        "quartier": quartier,
        "items": items,
        "lieux": numbered,
        "count": len(here),
        "map": map_data,
        "fiche_url": lambda f: fiche_url(request, f),
        "search_url": search_url(request, quartier=quartier.slug),
        **translated_titles(request, here),
    }


@view_config(route_name="fiche", renderer="fiche_public.jinja2")
def fiche_page(request: Any) -> Any:
    fiche: Fiche = request.context
    if not fiche.is_public or fiche.published_version is None:
        raise HTTPNotFound()
    canonical = fiche_url(request, fiche)
    if request.path != canonical:
        return HTTPMovedPermanently(location=canonical)
    version = fiche.published_version
    quartiers = request.dbsession.scalars(select(Quartier).where(Quartier.geometry.is_not(None))).all()
    lieu = next(iter(version.lieux), None)
    located = next((x for x in version.lieux if x.latitude is not None and x.longitude is not None), None)
    where = located or lieu
    others = [
        f for f in _public_fiches(request, Fiche.organisation_id == fiche.organisation_id) if f.id != fiche.id
    ]
    # the visitor's language (None in French): its reviewed translation of the title, summary and conditions
    translation = public_translation(fiche, request.locale_name)
    return {
        "fiche": fiche,
        "version": version,
        "visitor_lang": visitor_language(request.locale_name),
        "tr": translation,
        "locator": render_locator(
            version.lieux,
            quartiers,
            title=request.translate(_("Plan : ${name}"), {"name": version.nom}),
            half_span_m=1500,
            id_prefix="plan",
        ),
        "status": hours.status(version.horaires, version.fermetures),
        "today": hours.today_hours(version.horaires, closures=version.fermetures),
        "phone": version.telephone or fiche.organisation.telephone or "",
        "lieu": lieu,
        "located": located,
        "directions": directions(where.latitude, where.longitude, where.nom, where.one_line_address)
        if where is not None
        else None,
        "share": share_links(
            translation.nom if translation else version.nom,
            request.route_url("fiche", ref=fiche_url(request, fiche).rsplit("/", 1)[-1]),
        ),
        "tile_url": settings_of(request.registry).map_tile_url,
        "last_update": max(
            filter(None, [fiche.published_at.date() if fiche.published_at else None, fiche.confirmed_at])
        ),
        "other_fiches": others,
        "fiche_url": lambda f: fiche_url(request, f),
        **translated_titles(request, others),
    }


@view_config(route_name="organisation", renderer="organisation_public.jinja2")
def organisation_page(request: Any) -> Any:
    slug = request.matchdict["slug"]
    organisation = request.dbsession.scalar(select(Organisation).where(Organisation.slug == slug[:160]))
    if organisation is None:
        raise HTTPNotFound()
    fiches = _public_fiches(request, Fiche.organisation_id == organisation.id)
    # Lieux are public through published fiches only (a partner's new lieu is not, until a fiche is).
    lieux = {lieu.id: lieu for f in fiches for lieu in f.published_version.lieux}
    return {
        "organisation": organisation,
        "fiches": fiches,
        "lieux": sorted(lieux.values(), key=lambda lieu: lieu.nom.lower()),
        "fiche_url": lambda f: fiche_url(request, f),
        **translated_titles(request, fiches),
    }


@view_config(route_name="manifest", renderer="json")
def manifest(request: Any) -> Any:
    """Installable on a phone's home screen."""
    request.response.content_type = "application/manifest+json"
    icon = "guide:static/icons/icon-{}.png"
    return {
        "name": settings_of(request.registry).site_name,
        "short_name": "Guide",
        "description": "Les services sociaux, de santé, juridiques, familiaux, jeunesse et culturels "
        "de Clermont-Ferrand.",
        "lang": "fr",
        "start_url": request.route_url("home"),  # absolute URLs from site_url (guide.tweens)
        "scope": request.route_url("home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#004f9f",
        "icons": [
            {
                "src": request.static_url(icon.format(size)),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
