"""The public guide: home, fiche pages and organisation pages. Only published versions are shown."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from guide.maps import geojson_feature_collection
from guide.models import Fiche, FicheVersion, Lieu, Organisation, Quartier, State, Thematique
from guide.services import hours
from guide.services.mapsvg import MapMarker, render_locator, render_map
from guide.text import slugify


def fiche_url(request: Any, fiche: Fiche) -> str:
    version = fiche.published_version
    slug = slugify(version.nom if version else fiche.title, 60)
    return request.route_path("fiche", ref=f"{fiche.id}-{slug}")


def _public_fiches(request: Any, *conditions: Any) -> list[Fiche]:
    query = (
        select(Fiche)
        .where(Fiche.published_version_id.is_not(None), Fiche.state != State.ARCHIVED, *conditions)
        .options(
            selectinload(Fiche.published_version).selectinload(FicheVersion.thematiques),
            selectinload(Fiche.published_version)
            .selectinload(FicheVersion.lieux)
            .selectinload(Lieu.quartier),
            selectinload(Fiche.organisation),
        )
    )
    rows = request.dbsession.scalars(query).all()
    return sorted(rows, key=lambda f: f.published_version.nom.lower())


def fiche_quartiers(fiche: Fiche) -> set[int]:
    """The quartiers where a published fiche is rendered (through its lieux)."""
    return {lieu.quartier_id for lieu in fiche.published_version.lieux if lieu.quartier_id is not None}


def quartier_counts(fiches: list[Fiche]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for fiche in fiches:
        for quartier_id in fiche_quartiers(fiche):
            counts[quartier_id] += 1
    return dict(counts)


def search_url(request: Any, **params: Any) -> str:
    return request.route_path("search", _query={k: v for k, v in params.items() if v})


def map_context(request: Any, published: list[Fiche], *, highlight: Quartier | None = None) -> dict[str, Any]:
    """What templates/map_partial.jinja2 needs: the SVG, the text list and the GeoJSON URL."""
    quartiers = request.dbsession.scalars(select(Quartier).order_by(Quartier.nom)).all()
    counts = quartier_counts(published)
    markers = _markers(request, published)

    def link(quartier: Quartier) -> str:
        return search_url(request, quartier=quartier.slug)

    svg = render_map(
        quartiers,
        markers,
        counts=counts,
        link_for=link,
        highlight=highlight,
        title="Carte des quartiers de Clermont-Ferrand",
        description="Chaque quartier mène à ses services ; les points sont les lieux d'accueil.",
    )
    return {
        "svg": svg,
        "quartier_list": [
            (q.nom, request.route_path("quartier", slug=q.slug), counts.get(q.id, 0)) for q in quartiers
        ],
        "geojson_url": request.route_path("map_geojson"),
        "tile_url": request.registry.settings.get("map.tile_url", ""),
        "highlight_code": highlight.code if highlight else None,
    }


def _markers(request: Any, published: list[Fiche]) -> list[MapMarker]:
    """One marker per lieu, its title listing the fiches there."""
    by_lieu: dict[int, tuple[Lieu, list[Fiche]]] = {}
    for fiche in published:
        for lieu in fiche.published_version.lieux:
            if lieu.latitude is not None and lieu.longitude is not None:
                by_lieu.setdefault(lieu.id, (lieu, []))[1].append(fiche)
    markers = []
    for lieu, items in sorted(by_lieu.values(), key=lambda pair: pair[0].nom):
        names = ", ".join(f.published_version.nom for f in items[:3]) + (" …" if len(items) > 3 else "")
        markers.append(MapMarker(lieu.latitude, lieu.longitude, f"{lieu.nom} : {names}"))
    return markers


@view_config(route_name="home", renderer="home.jinja2")
def home(request: Any) -> Any:
    thematiques = request.dbsession.scalars(select(Thematique).order_by(Thematique.position)).all()
    grouped: dict[int, int] = defaultdict(int)
    published = _public_fiches(request)
    for fiche in published:
        for thematique in fiche.published_version.thematiques:
            grouped[thematique.id] += 1
    return {
        "thematiques": [(t, grouped.get(t.id, 0)) for t in thematiques],
        "total": len(published),
        "map": map_context(request, published),
        "search_url": lambda **kw: search_url(request, **kw),
    }


@view_config(route_name="map_geojson", renderer="json")
def map_geojson(request: Any) -> Any:
    published = _public_fiches(request)
    quartiers = request.dbsession.scalars(select(Quartier)).all()
    request.response.content_type = "application/geo+json"
    return geojson_feature_collection(
        quartiers,
        _markers(request, published),
        link_for=lambda q: search_url(request, quartier=q.slug),
        counts=quartier_counts(published),
    )


@view_config(route_name="quartier", renderer="quartier_public.jinja2")
def quartier_page(request: Any) -> Any:
    quartier = request.dbsession.scalar(
        select(Quartier).where(Quartier.slug == request.matchdict["slug"][:140])
    )
    if quartier is None:
        raise HTTPNotFound()
    published = _public_fiches(request)
    here = [f for f in published if quartier.id in fiche_quartiers(f)]
    by_theme: dict[str, list[Fiche]] = defaultdict(list)
    themes = request.dbsession.scalars(select(Thematique).order_by(Thematique.position)).all()
    for fiche in here:
        labels = [t.label for t in fiche.published_version.thematiques] or ["Autres services"]
        for label in labels:
            by_theme[label].append(fiche)
    ordered = [(t.label, by_theme[t.label]) for t in themes if by_theme.get(t.label)]
    if by_theme.get("Autres services"):
        ordered.append(("Autres services", by_theme["Autres services"]))
    context = map_context(request, published, highlight=quartier)
    return {
        "quartier": quartier,
        "groups": ordered,
        "count": len(here),
        "map": context,
        "fiche_url": lambda f: fiche_url(request, f),
        "search_url": search_url(request, quartier=quartier.slug),
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
    return {
        "fiche": fiche,
        "version": version,
        "locator": render_locator(version.lieux, quartiers, title=f"Plan : {version.nom}"),
        "status": hours.status(version.horaires, version.fermetures),
        "last_update": max(
            filter(None, [fiche.published_at.date() if fiche.published_at else None, fiche.confirmed_at])
        ),
        "other_fiches": [
            f
            for f in _public_fiches(request, Fiche.organisation_id == fiche.organisation_id)
            if f.id != fiche.id
        ],
        "fiche_url": lambda f: fiche_url(request, f),
    }


@view_config(route_name="organisation", renderer="organisation_public.jinja2")
def organisation_page(request: Any) -> Any:
    slug = request.matchdict["slug"]
    organisation = request.dbsession.scalar(select(Organisation).where(Organisation.slug == slug[:160]))
    if organisation is None:
        raise HTTPNotFound()
    return {
        "organisation": organisation,
        "fiches": _public_fiches(request, Fiche.organisation_id == organisation.id),
        "fiche_url": lambda f: fiche_url(request, f),
    }


@view_config(route_name="manifest", renderer="json")
def manifest(request: Any) -> Any:
    """Installable on a phone's home screen."""
    request.response.content_type = "application/manifest+json"
    icon = "guide:static/icons/icon-{}.png"
    return {
        "name": request.registry.settings["site_name"],
        "short_name": "Guide",
        "description": "Les services sociaux, de santé, juridiques, familiaux, jeunesse et culturels "
        "de Clermont-Ferrand.",
        "lang": "fr",
        "start_url": request.route_path("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#004f9f",
        "icons": [
            {
                "src": request.static_path(icon.format(size)),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
