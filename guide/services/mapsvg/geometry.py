"""Quartier geometries: GeoJSON read as shapely polygons, projected into the map's box, written as SVG paths.

The projection is equirectangular, corrected by cos(latitude): at a city's scale the distortion is invisible.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry


def polygonal(geometry: dict[str, Any] | None) -> BaseGeometry | None:
    """The polygonal part of a stored GeoJSON geometry, or None when there is nothing to draw."""
    if not geometry:
        return None
    try:
        parsed = shape(geometry)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not parsed.is_valid:
        parsed = shapely.make_valid(parsed)
    parts = polygons(parsed)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def polygons(geometry: BaseGeometry) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    if hasattr(geometry, "geoms"):  # GeometryCollection
        return [part for item in geometry.geoms for part in polygons(item)]
    return []


class Projection:
    """Equirectangular projection with a cos(latitude) correction, fitted into a width × height box."""

    def __init__(
        self,
        bounds: tuple[float, float, float, float],
        width: float,
        height: float | None,
        margin: float,
        min_span: float = 0.004,
    ) -> None:
        west, south, east, north = bounds
        self.k = math.cos(math.radians((south + north) / 2))
        # A single point, or a very thin box, still gets a sensible extent (min_span degrees of latitude).
        if north - south < min_span:
            middle = (south + north) / 2
            south, north = middle - min_span / 2, middle + min_span / 2
        if (east - west) * self.k < min_span:
            middle = (west + east) / 2
            half = min_span / self.k / 2
            west, east = middle - half, middle + half
        span_x = (east - west) * self.k
        span_y = north - south
        inner_width = width - 2 * margin
        if height is None:
            # The height follows the shape of the area, kept between 1:2 and 3:2 of the width.
            self.scale = inner_width / span_x
            height = min(max(span_y * self.scale + 2 * margin, width * 0.5), width * 1.5)
        inner_height = height - 2 * margin
        self.scale = min(inner_width / span_x, inner_height / span_y)
        self.width = float(width)
        self.height = float(height)
        self.west = west
        self.north = north
        self.offset_x = margin + (inner_width - span_x * self.scale) / 2
        self.offset_y = margin + (inner_height - span_y * self.scale) / 2

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = self.offset_x + (longitude - self.west) * self.k * self.scale
        y = self.offset_y + (self.north - latitude) * self.scale
        return x, y

    def array(self, coords: np.ndarray) -> np.ndarray:
        x = self.offset_x + (coords[:, 0] - self.west) * self.k * self.scale
        y = self.offset_y + (self.north - coords[:, 1]) * self.scale
        return np.column_stack([x, y])

    def geometry(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, self.array)


def num(value: float) -> str:
    """Coordinates with one decimal, without a useless ".0" or "-0"."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _ring_path(coords: Iterable[tuple[float, ...]]) -> str:
    points: list[str] = []
    for x, y, *_ in coords:
        point = f"{num(x)} {num(y)}"
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return "M" + "L".join(points) + "Z"


def path_data(geometry: BaseGeometry) -> str:
    rings = []
    for polygon in polygons(geometry):
        rings.append(_ring_path(polygon.exterior.coords))
        rings.extend(_ring_path(interior.coords) for interior in polygon.interiors)
    return "".join(ring for ring in rings if ring)
