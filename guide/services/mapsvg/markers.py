"""Markers: the points of the map, merged by place into spots and fanned out where they overlap."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from .geometry import Projection


@dataclass(frozen=True)
class MapMarker:
    """A point on the map: a fiche at one of its lieux (``number`` for the print edition's numbering)."""

    latitude: float
    longitude: float
    label: str
    url: str | None = None
    number: int | None = None


def _number_ranges(numbers: Iterable[int]) -> str:
    """« 1–3, 5, 8–9 »."""
    values = sorted(set(numbers))
    parts: list[str] = []
    start = previous = None
    for value in [*values, None]:
        if value is not None and previous is not None and value == previous + 1:
            previous = value
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = value
    return ", ".join(parts)


@dataclass
class Spot:
    """One drawn marker: the markers of one place, merged."""

    markers: list[MapMarker]
    x: float
    y: float
    lines: list[str]  # the text drawn inside (numbers), empty for a plain dot
    half_width: float
    half_height: float
    anchor_x: float = 0.0
    anchor_y: float = 0.0

    @property
    def moved(self) -> bool:
        return math.hypot(self.x - self.anchor_x, self.y - self.anchor_y) > 1.0

    def box(self, pad: float = 0.0) -> BaseGeometry:
        return box(
            self.x - self.half_width - pad,
            self.y - self.half_height - pad,
            self.x + self.half_width + pad,
            self.y + self.half_height + pad,
        )


def place_spots(markers: list[MapMarker], projection: Projection, numbered: bool, fs: float) -> list[Spot]:
    """Markers at the same place merged into one spot, spots too close to each other fanned out."""
    by_place: dict[tuple[float, float], list[MapMarker]] = {}
    for marker in markers:
        by_place.setdefault((round(marker.latitude, 5), round(marker.longitude, 5)), []).append(marker)
    text_size = fs * 0.85
    spots: list[Spot] = []
    for group in by_place.values():
        x, y = projection.point(group[0].longitude, group[0].latitude)
        numbers = [m.number for m in group if m.number is not None]
        lines: list[str] = []
        if numbered and numbers:
            lines = textwrap.wrap(_number_ranges(numbers), 16, break_long_words=False) or [""]
        if not lines:
            radius = fs * 0.55
            spots.append(Spot(group, x, y, [], radius, radius))
        elif len(lines) == 1 and len(lines[0]) <= 2:
            radius = text_size * (0.55 + 0.3 * len(lines[0]))
            spots.append(Spot(group, x, y, lines, radius, radius))
        else:
            longest = max(len(line) for line in lines)
            half_height = text_size * (0.75 + 0.6 * (len(lines) - 1))
            spots.append(Spot(group, x, y, lines, text_size * (0.45 + 0.31 * longest), half_height))
    for spot in spots:
        spot.anchor_x, spot.anchor_y = spot.x, spot.y
    _separate(spots, projection.width, projection.height)
    return spots


def _separate(spots: list[Spot], width: float, height: float, pad: float = 2.0) -> None:
    """Push overlapping spots apart, each pair along the axis where it costs least (deterministic)."""
    golden = math.pi * (3 - math.sqrt(5))
    for _ in range(100):
        moved = False
        for i, a in enumerate(spots):
            for j in range(i + 1, len(spots)):
                b = spots[j]
                dx, dy = b.x - a.x, b.y - a.y
                overlap_x = a.half_width + b.half_width + pad - abs(dx)
                overlap_y = a.half_height + b.half_height + pad - abs(dy)
                if overlap_x <= 0 or overlap_y <= 0:
                    continue
                moved = True
                if abs(dx) < 0.01 and abs(dy) < 0.01:  # same place: a direction of its own for each pair
                    angle = -math.pi / 2 + golden * j
                    dx, dy = math.cos(angle), math.sin(angle)
                    overlap_x, overlap_y = (
                        (a.half_width + b.half_width + pad) * abs(dx),
                        (a.half_height + b.half_height + pad) * abs(dy),
                    )
                if overlap_x < overlap_y:
                    shift = math.copysign(overlap_x / 2, dx)
                    a.x, b.x = a.x - shift, b.x + shift
                else:
                    shift = math.copysign(overlap_y / 2, dy)
                    a.y, b.y = a.y - shift, b.y + shift
        for spot in spots:  # keep every spot whole inside the map
            spot.x = min(max(spot.x, spot.half_width + 2), width - spot.half_width - 2)
            spot.y = min(max(spot.y, spot.half_height + 2), height - spot.half_height - 2)
        if not moved:
            return


def spot_title(spot: Spot) -> str:
    labels = [m.label if m.number is None else f"{m.number}. {m.label}" for m in spot.markers]
    if len(labels) > 12:
        labels = [*labels[:10], f"et {len(labels) - 10} autres"]
    return " ; ".join(labels)
