"""Quartier labels: wrapping a name, estimating its width, finding a place for it inside its quartier."""

from __future__ import annotations

import math
import textwrap
import unicodedata

import shapely
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry


def label_room(polygon: BaseGeometry, x: float, y: float) -> float:
    """The width of the polygon along the horizontal line through (x, y), around that point."""
    minx, _, maxx, _ = polygon.bounds
    try:
        cut = polygon.intersection(LineString([(minx - 1, y), (maxx + 1, y)]))
    except shapely.errors.GEOSException:
        return maxx - minx
    point = Point(x, y)
    for part in getattr(cut, "geoms", [cut]):
        if part.length and part.distance(point) < 1e-6:
            return float(part.length)
    return float(maxx - minx)


def wrap_label(text: str, room: float, font_size: float, max_lines: int = 3) -> list[str]:
    max_chars = max(8, int(room / (0.6 * font_size)))
    # "Les Salins - La Glacière" breaks after its dash first ("Les Salins -" / "La Glacière").
    pieces = [text] if len(text) <= max_chars else text.replace(" - ", "\u00a0-\n").split("\n")
    lines = [
        line.replace("\u00a0", " ")
        for piece in pieces
        for line in textwrap.wrap(piece, max_chars, break_long_words=False, break_on_hyphens=False)
    ] or [text]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return lines


def label_box(x: float, y: float, lines: list[str], fs: float) -> BaseGeometry:
    half_width = max(len(line) for line in lines) * fs * 0.31
    half_height = len(lines) * fs * 0.6
    return box(x - half_width, y - half_height, x + half_width, y + half_height)


# Advance widths of DejaVu Sans, in em, by class of character (measured on the font: within about 10 %
# of each character's own width); bold is about 10 % wider.
_NARROW_CHARS = frozenset("ijlIJ.,;:!'’|")
_SEMI_NARROW_CHARS = frozenset("frt -()/")
_WIDE_CHARS = frozenset("mwMW&@")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the width of ``text`` drawn in DejaVu Sans at ``size``."""
    total = 0.0
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            continue
        if char in _NARROW_CHARS:
            total += 0.3
        elif char in _SEMI_NARROW_CHARS:
            total += 0.39
        elif char in _WIDE_CHARS:
            total += 0.9
        elif char.isdigit():
            total += 0.636
        elif char.isupper():
            total += 0.7
        else:
            total += 0.6
    return total * size * (1.1 if bold else 1.0)


def fit_label(
    lines: list[tuple[str, bool]], size: float, bounds: tuple[float, ...], x: float, y: float
) -> tuple[float, float] | None:
    """(x, y) moved so that the label, halo included, lies inside ``bounds`` (a polygon's bounding box),
    or None when it is wider or taller than the box."""
    minx, miny, maxx, maxy = bounds
    half_width = max(text_width(text, size, bold) for text, bold in lines) / 2 + size * 0.15
    half_height = len(lines) * size * 0.6
    if 2 * half_width > maxx - minx or 2 * half_height > maxy - miny:
        return None
    return min(max(x, minx + half_width), maxx - half_width), min(
        max(y, miny + half_height), maxy - half_height
    )


def label_position(
    polygon: BaseGeometry,
    lines: list[str],
    fs: float,
    markers: list[BaseGeometry],
    labels: list[BaseGeometry],
    width: float,
) -> tuple[float, float, bool]:
    """Where to centre a label in a polygon: near its representative point, clear of the markers and
    of the labels already placed. Returns (x, y, clear of every other label)."""
    point = polygon.representative_point()
    half_width = max(len(line) for line in lines) * fs * 0.31

    def clamp(x: float) -> float:  # the whole label inside the map
        return min(max(x, half_width + 3), width - half_width - 3)

    def score(x: float, y: float) -> tuple[float, int]:
        area = label_box(x, y, lines, fs)
        marker_hits = [m for m in markers if area.intersects(m)]
        label_hits = sum(1 for label in labels if area.intersects(label))
        value = 1000 * fs * fs * label_hits + 100 * fs * fs * len(marker_hits)
        value += sum(area.intersection(m).area for m in marker_hits)
        return value + 0.05 * fs * math.hypot(x - point.x, y - point.y), label_hits

    best = (clamp(point.x), point.y)
    best_score, best_hits = score(*best)
    if best_score > 0.05 * fs * abs(best[0] - point.x):
        minx, miny, maxx, maxy = polygon.bounds
        steps = 8
        for i in range(steps + 1):
            for j in range(steps + 1):
                x = clamp(minx + (maxx - minx) * i / steps)
                y = miny + (maxy - miny) * j / steps
                if not polygon.contains(label_box(x, y, lines, fs * 0.8)):
                    continue
                candidate_score, hits = score(x, y)
                if candidate_score < best_score:
                    best, best_score, best_hits = (x, y), candidate_score, hits
    return best[0], best[1], best_hits == 0
