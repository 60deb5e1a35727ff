"""The public guide: home, fiche pages and organisation pages. Only published versions are shown."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from guide.models import Fiche, FicheVersion, Lieu, Organisation, State, Thematique
from guide.services import hours
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


@view_config(route_name="home", renderer="home.jinja2")
def home(request: Any) -> Any:
    thematiques = request.dbsession.scalars(select(Thematique).order_by(Thematique.position)).all()
    grouped: dict[int, list[Fiche]] = defaultdict(list)
    published = _public_fiches(request)
    for fiche in published:
        for thematique in fiche.published_version.thematiques:
            grouped[thematique.id].append(fiche)
    return {
        "thematiques": [(t, grouped.get(t.id, [])) for t in thematiques],
        "total": len(published),
        "fiche_url": lambda f: fiche_url(request, f),
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
    return {
        "fiche": fiche,
        "version": version,
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
