"""The interactive map, where JavaScript runs: Leaflet served from the XStatic package, quartiers as GeoJSON.

The server-drawn SVG (:mod:`guide.services.mapsvg`) is the map everyone gets; ``guide/static/map.js``
replaces it with a Leaflet map (zoom, popups, optional tiles) when the browser runs scripts. Tiles come
from the ``map.tile_url`` setting (a ``{z}/{x}/{y}`` URL template); when it is empty, as by default, the
Leaflet map shows the polygons only and no request leaves the site.

``includeme`` serves Leaflet's files at ``/static-leaflet/`` and adds ``request.leaflet_path(name)``;
:func:`geojson_feature_collection` is what the map's JSON view returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import xstatic.pkg.leaflet

from .models import Quartier
from .services.mapsvg import MapMarker, fiches_label

LEAFLET_DIR = xstatic.pkg.leaflet.BASE_DIR
COORDINATE_DECIMALS = 6  # about 10 cm, plenty for a web map


def leaflet_path(request: Any, name: str) -> str:
    """The path of one of Leaflet's files: ``request.leaflet_path("leaflet.js")``."""
    return request.static_path(f"{LEAFLET_DIR}/{name}")


def includeme(config: Any) -> None:
    config.add_static_view("static-leaflet", LEAFLET_DIR, cache_max_age=86400)
    config.add_request_method(leaflet_path, "leaflet_path")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, COORDINATE_DECIMALS)
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def geojson_feature_collection(
    quartiers: Iterable[Quartier],
    markers: Iterable[MapMarker] = (),
    link_for: Callable[[Quartier], str | None] | None = None,
    counts: dict[int, int] | None = None,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946, WGS84) of the quartiers with a polygon and of the markers.

    Quartier features carry ``kind: "quartier"``, ``code``, ``nom``, ``url``, ``schematic``, and ``count``
    with ``label`` (« Nom — N fiches ») when ``counts`` is given; marker features carry ``kind: "marker"``,
    ``label``, ``url`` and ``number``. Ordered by quartier name then marker order: stable output.
    """
    features: list[dict[str, Any]] = []
    for quartier in sorted(quartiers, key=lambda q: (q.nom, q.code)):
        geometry = quartier.geometry
        if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            continue
        properties: dict[str, Any] = {
            "kind": "quartier",
            "code": quartier.code,
            "nom": quartier.nom,
            "url": link_for(quartier) if link_for else None,
            "schematic": bool(quartier.schematic),
            "label": quartier.nom,
        }
        if counts is not None:
            count = int(counts.get(quartier.id, 0))
            properties["count"] = count
            properties["label"] = f"{quartier.nom} — {fiches_label(count)}"
        features.append(
            {
                "type": "Feature",
                "id": f"quartier-{quartier.code}",
                "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
                "properties": properties,
            }
        )
    for marker in markers:
        if marker.latitude is None or marker.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _rounded([marker.longitude, marker.latitude])},
                "properties": {
                    "kind": "marker",
                    "label": marker.label,
                    "url": marker.url,
                    "number": marker.number,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
