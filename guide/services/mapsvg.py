"""The quartier map, drawn on the server as inline SVG: for every page and for the print edition.

No JavaScript and no tiles: the quartier polygons (GeoJSON, WGS84) are projected with an equirectangular
projection corrected by cos(latitude) — at a city's scale the distortion is invisible — and fitted to the
bounds of what is drawn with a margin. The output is plain SVG (paths, circles, texts, links; presentation
attributes, no CSS variables, font "DejaVu Sans") so that browsers, librsvg and WeasyPrint draw it alike,
and it is deterministic: the same input gives the same bytes (the print edition embeds it).

Labels: each quartier's name and count, inside its polygon, clear of the markers and of the other labels;
a label that does not fit in its polygon's bounding box is shrunk (``MapStyle.label_scales``), then
reduced to the count, then left out — the quartier's ``<title>`` and the list beside the map still name
it. Under the map: the schematic note for schematic contours, the source (« Source : IGN, contours
IRIS ») for official ones, on screen and in print alike.

Accessibility: the ``<svg>`` is labelled by its ``<title>`` and ``<desc>`` (``aria-labelledby``); each
quartier is a link whose ``<title>`` reads « Nom du quartier — N fiches »; each marker carries the fiche's
title. A map without links is ``role="img"``; a map with links is ``role="group"``, because ``role="img"``
would hide its links from assistive technologies. Pages show a text list beside the map anyway
(``templates/map_partial.jinja2``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from markupsafe import Markup, escape
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from ..models import Lieu, Quartier
from ..text import fold

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"

# Colours (contrast checked against WCAG AA: text >= 4.5:1, shapes and outlines >= 3:1).
INK = "#1b1b1f"  # labels, on every fill below: >= 9:1
MUTED = "#565663"  # the schematic note, on white: 7.1:1
BACKGROUND = "#ffffff"
FRAME = "#d6d8e1"
OUTLINE = "#4a5468"  # quartier outlines: >= 4.3:1 on every fill
FILLS = ("#f3f4f8", "#d6e6f6", "#afcdee", "#88b5e5")  # no fiche, then three classes of the largest count
HIGHLIGHT_FILL = "#ffe08a"
HIGHLIGHT_OUTLINE = "#1b1b1f"
MARKER_FILL = "#004f9f"  # on every fill: >= 5.9:1; white numbers on it: 8.6:1
MARKER_OUTLINE = "#ffffff"
MARKER_TEXT = "#ffffff"
LEADER = "#1b1b1f"

SCHEMATIC_NOTE = "Contours schématiques : les limites des quartiers sont approximatives."
SCHEMATIC_NOTE_SHORT = "Contours schématiques"
# Official contours carry their source. The Quartier model has no source column (adding one needs a
# migration): the source is read from the codes guide-load-quartiers keeps, IRIS codes (INSEE commune code
# and 4 digits) for IGN's IRIS contours, QPV codes (QP063001, QN06301M) for ANCT's priority quartiers.
SOURCES = (
    (re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{7}"), "IGN, contours IRIS", "IGN"),
    (re.compile(r"Q[PN][0-9]{3}[0-9A-Z]{3}"), "ANCT, quartiers prioritaires", "ANCT"),
)
UNKNOWN_SOURCE = ("contours officiels chargés dans le guide", "contours officiels")


@dataclass(frozen=True)
class MapMarker:
    """A point on the map: a fiche at one of its lieux (``number`` for the print edition's numbering)."""

    latitude: float
    longitude: float
    label: str
    url: str | None = None
    number: int | None = None


def fiches_label(count: int) -> str:
    """« aucune fiche », « 1 fiche », « 12 fiches »."""
    if count <= 0:
        return "aucune fiche"
    return "1 fiche" if count == 1 else f"{count} fiches"


# --- geometry helpers ---------------------------------------------------------------------------------------


def _polygonal(geometry: dict[str, Any] | None) -> BaseGeometry | None:
    """The polygonal part of a stored GeoJSON geometry, or None when there is nothing to draw."""
    if not geometry:
        return None
    try:
        parsed = shape(geometry)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not parsed.is_valid:
        parsed = shapely.make_valid(parsed)
    parts = _polygons(parsed)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    if hasattr(geometry, "geoms"):  # GeometryCollection
        return [part for item in geometry.geoms for part in _polygons(item)]
    return []


class _Projection:
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


def _num(value: float) -> str:
    """Coordinates with one decimal, without a useless ".0" or "-0"."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _ring_path(coords: Iterable[tuple[float, ...]]) -> str:
    points: list[str] = []
    for x, y, *_ in coords:
        point = f"{_num(x)} {_num(y)}"
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return "M" + "L".join(points) + "Z"


def _path_data(geometry: BaseGeometry) -> str:
    rings = []
    for polygon in _polygons(geometry):
        rings.append(_ring_path(polygon.exterior.coords))
        rings.extend(_ring_path(interior.coords) for interior in polygon.interiors)
    return "".join(ring for ring in rings if ring)


def _attr(value: Any) -> str:
    return str(escape(str(value)))


def _label_room(polygon: BaseGeometry, x: float, y: float) -> float:
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


def _wrap(text: str, room: float, font_size: float, max_lines: int = 3) -> list[str]:
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
class _Spot:
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


def _spots(markers: list[MapMarker], projection: _Projection, numbered: bool, fs: float) -> list[_Spot]:
    """Markers at the same place merged into one spot, spots too close to each other fanned out."""
    by_place: dict[tuple[float, float], list[MapMarker]] = {}
    for marker in markers:
        by_place.setdefault((round(marker.latitude, 5), round(marker.longitude, 5)), []).append(marker)
    text_size = fs * 0.85
    spots: list[_Spot] = []
    for group in by_place.values():
        x, y = projection.point(group[0].longitude, group[0].latitude)
        numbers = [m.number for m in group if m.number is not None]
        lines: list[str] = []
        if numbered and numbers:
            lines = textwrap.wrap(_number_ranges(numbers), 16, break_long_words=False) or [""]
        if not lines:
            radius = fs * 0.55
            spots.append(_Spot(group, x, y, [], radius, radius))
        elif len(lines) == 1 and len(lines[0]) <= 2:
            radius = text_size * (0.55 + 0.3 * len(lines[0]))
            spots.append(_Spot(group, x, y, lines, radius, radius))
        else:
            longest = max(len(line) for line in lines)
            half_height = text_size * (0.75 + 0.6 * (len(lines) - 1))
            spots.append(_Spot(group, x, y, lines, text_size * (0.45 + 0.31 * longest), half_height))
    for spot in spots:
        spot.anchor_x, spot.anchor_y = spot.x, spot.y
    _separate(spots, projection.width, projection.height)
    return spots


def _separate(spots: list[_Spot], width: float, height: float, pad: float = 2.0) -> None:
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


def _spot_title(spot: _Spot) -> str:
    labels = [m.label if m.number is None else f"{m.number}. {m.label}" for m in spot.markers]
    if len(labels) > 12:
        labels = [*labels[:10], f"et {len(labels) - 10} autres"]
    return " ; ".join(labels)


def _label_box(x: float, y: float, lines: list[str], fs: float) -> BaseGeometry:
    half_width = max(len(line) for line in lines) * fs * 0.31
    half_height = len(lines) * fs * 0.6
    return box(x - half_width, y - half_height, x + half_width, y + half_height)


# Advance widths of DejaVu Sans, in em, by class of character (measured on the font: within about 10 %
# of each character's own width); bold is about 10 % wider.
_NARROW_CHARS = frozenset("ijlIJ.,;:!'’|")
_SEMI_NARROW_CHARS = frozenset("frt -()/")
_WIDE_CHARS = frozenset("mwMW&@")


def _text_width(text: str, size: float, bold: bool = False) -> float:
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


def _fit_label(
    lines: list[tuple[str, bool]], size: float, bounds: tuple[float, ...], x: float, y: float
) -> tuple[float, float] | None:
    """(x, y) moved so that the label, halo included, lies inside ``bounds`` (a polygon's bounding box),
    or None when it is wider or taller than the box."""
    minx, miny, maxx, maxy = bounds
    half_width = max(_text_width(text, size, bold) for text, bold in lines) / 2 + size * 0.15
    half_height = len(lines) * size * 0.6
    if 2 * half_width > maxx - minx or 2 * half_height > maxy - miny:
        return None
    return min(max(x, minx + half_width), maxx - half_width), min(
        max(y, miny + half_height), maxy - half_height
    )


def _label_position(
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
        area = _label_box(x, y, lines, fs)
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
                if not polygon.contains(_label_box(x, y, lines, fs * 0.8)):
                    continue
                candidate_score, hits = score(x, y)
                if candidate_score < best_score:
                    best, best_score, best_hits = (x, y), candidate_score, hits
    return best[0], best[1], best_hits == 0


# --- style -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapStyle:
    """Everything that decides how a map looks, apart from what is drawn: sizes, colours, font, label rules.

    ``height=None`` follows the shape of the area. The other sizes (margins, marker radii, halo width, line
    height) are proportional to ``font_size``.
    """

    width: float = 640
    height: float | None = None
    font_size: float = 11.43
    font_family: str = FONT_FAMILY
    numbered: bool = False  # markers show their number (the print edition)
    with_labels: bool = True  # quartier names inside the polygons
    label_counts: bool = True  # each label also gives the quartier's number of fiches
    ink: str = INK
    muted: str = MUTED
    background: str = BACKGROUND
    frame: str = FRAME
    outline: str = OUTLINE
    fills: tuple[str, ...] = FILLS
    highlight_fill: str = HIGHLIGHT_FILL
    highlight_outline: str = HIGHLIGHT_OUTLINE
    marker_fill: str = MARKER_FILL
    marker_outline: str = MARKER_OUTLINE
    marker_text: str = MARKER_TEXT
    leader: str = LEADER

    @classmethod
    def sized(cls, width: float, font_size: float | None = None, **options: Any) -> MapStyle:
        """A style for a map ``width`` wide; the font size, unless given, follows the width (8 to 14)."""
        return cls(width=width, font_size=font_size or max(8.0, min(14.0, width / 56)), **options)

    label_scales: tuple[float, ...] = (1.0, 0.85, 0.72)  # a label that does not fit is shrunk, then dropped
    min_label_size: float = 7.0

    def label_sizes(self) -> list[float]:
        """The font sizes a quartier label may take, largest first."""
        sizes = [self.font_size * scale for scale in self.label_scales]
        return [size for rank, size in enumerate(sizes) if rank == 0 or size >= self.min_label_size]

    def margin(self, with_markers: bool) -> float:
        """Room around the drawing; numbered markers at the edge need more."""
        return max(12.0, self.font_size * (2.5 if self.numbered and with_markers else 1.5))

    def note_height(self, lines: int) -> float:
        """Room under the map for ``lines`` lines of notes."""
        return self.font_size * (0.8 + 1.2 * lines) if lines else 0.0

    @property
    def line_height(self) -> float:
        return self.font_size * 1.2

    @property
    def marker_text_size(self) -> float:
        return self.font_size * 0.85

    def fill(self, count: int | None, largest: int, highlighted: bool) -> str:
        """The fill of a quartier: highlighted, or one of four shades for its share of the largest count."""
        if highlighted:
            return self.highlight_fill
        if not count or largest <= 0:
            return self.fills[0]
        return self.fills[min(3, 1 + int(3 * (count - 1) / largest))]


# --- rendering -------------------------------------------------------------------------------------------


@dataclass
class _Shape:
    quartier: Quartier
    geometry: BaseGeometry  # projected, clipped
    count: int | None
    highlighted: bool


@dataclass
class _Scene:
    """What one map draws, projected: the quartiers' shapes and the marker spots, in SVG units."""

    projection: _Projection
    shapes: list[_Shape]
    spots: list[_Spot]
    located: list[MapMarker]
    schematic: bool
    sources: list[tuple[str, str]]  # (long, short) source of the official contours drawn
    note_height: float

    @property
    def map_height(self) -> float:
        return self.projection.height

    @property
    def total_height(self) -> float:
        return self.projection.height + self.note_height

    @property
    def largest(self) -> int:
        return max((s.count or 0 for s in self.shapes), default=0)


def _highlight_ids(highlight: Any) -> set[int]:
    if highlight is None:
        return set()
    if isinstance(highlight, Quartier):
        return {highlight.id}
    if isinstance(highlight, int):
        return {highlight}
    return {item.id if isinstance(item, Quartier) else int(item) for item in highlight}


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=5).hexdigest()


def _scene(
    quartiers: Sequence[Quartier],
    markers: Sequence[MapMarker],
    style: MapStyle,
    *,
    counts: dict[int, int] | None,
    highlight: Any,
    fit: tuple[float, float, float, float] | None,
) -> _Scene | None:
    """The quartiers and markers projected into the map's box, or None when there is nothing to draw."""
    highlighted_ids = _highlight_ids(highlight)
    ordered = sorted(quartiers, key=lambda q: (fold(q.nom or ""), q.code or "", q.id or 0))
    drawable = [(q, g) for q in ordered if (g := _polygonal(q.geometry)) is not None]
    located = [m for m in markers if m.latitude is not None and m.longitude is not None]
    if fit is None:
        boxes = [g.bounds for _, g in drawable] + [(m.longitude, m.latitude) * 2 for m in located]
        if not boxes:
            return None
        fit = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    schematic = any(q.schematic for q, _ in drawable)
    sources = _sources([q for q, _ in drawable if not q.schematic])
    note_height = style.note_height(int(schematic) + bool(sources))
    height = None if style.height is None else style.height - note_height
    projection = _Projection(fit, style.width, height, style.margin(bool(located)))
    view = box(-2, -2, projection.width + 2, projection.height + 2)
    shapes: list[_Shape] = []
    for quartier, geometry in drawable:
        projected = projection.geometry(geometry)
        if not view.contains(projected):
            projected = projected.intersection(view)
        projected = projected.simplify(0.3, preserve_topology=True)
        if projected.is_empty or not _polygons(projected):
            continue
        count = None if counts is None else int(counts.get(quartier.id, 0))
        shapes.append(_Shape(quartier, projected, count, quartier.id in highlighted_ids))
    spots = _spots(located, projection, style.numbered, style.font_size)
    return _Scene(projection, shapes, spots, located, schematic, sources, note_height)


def _sources(official: Sequence[Quartier]) -> list[tuple[str, str]]:
    """The sources of official contours, (long, short), in the order of SOURCES, unknown ones last."""
    found: list[tuple[str, str]] = []
    unknown = False
    for pattern, long, short in SOURCES:
        if any(pattern.fullmatch(q.code or "") for q in official):
            found.append((long, short))
    for quartier in official:
        if not any(pattern.fullmatch(quartier.code or "") for pattern, _, _ in SOURCES):
            unknown = True
    return [*found, UNKNOWN_SOURCE] if unknown else found


def _source_note(sources: list[tuple[str, str]], short: bool) -> str:
    """« Source : IGN, contours IRIS » (« Sources : … ; … » for several)."""
    texts = [item[1] if short else item[0] for item in sources]
    return f"Source{'s' if len(texts) > 1 else ''} : {' ; '.join(texts)}"


def _description(scene: _Scene, counts: dict[int, int] | None) -> str:
    """The default <desc>: how many quartiers, their counts, how many points."""
    shapes, located = scene.shapes, scene.located
    sentences = [f"{len(shapes)} quartier{'s' if len(shapes) > 1 else ''}."]
    if counts is not None and shapes:
        sentences.append(
            "Nombre de fiches par quartier : "
            + " ; ".join(f"{s.quartier.nom} : {fiches_label(s.count or 0)}" for s in shapes)
            + "."
        )
    if located:
        sentences.append(f"{len(located)} point{'s' if len(located) > 1 else ''} sur la carte.")
    return " ".join(sentences)


def _svg_open(
    scene: _Scene, style: MapStyle, *, map_id: str, has_links: bool, title: str, description: str
) -> str:
    """The <svg> element, labelled by its <title> and <desc>."""
    title_id, desc_id = _attr(f"{map_id}-titre"), _attr(f"{map_id}-desc")
    svg_width, svg_height = _num(scene.projection.width), _num(scene.total_height)
    # No style attribute and no <style> element (the Content-Security-Policy allows style sheets from the
    # site only): the size and the hover and focus outlines are in guide/static/guide.css (.quartier-map).
    return (
        f'<svg xmlns="{SVG_NS}" class="quartier-map" id="{_attr(map_id)}" '
        f'width="{svg_width}" height="{svg_height}" viewBox="0 0 {svg_width} {svg_height}" '
        f'role="{"group" if has_links else "img"}" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{_attr(style.font_family)}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )


def _background_layer(scene: _Scene, style: MapStyle) -> str:
    return (
        f'<rect x="0.5" y="0.5" width="{_num(scene.projection.width - 1)}" '
        f'height="{_num(scene.total_height - 1)}" fill="{style.background}" stroke="{style.frame}"/>'
    )


def _quartiers_layer(
    scene: _Scene, style: MapStyle, link_for: Callable[[Quartier], str | None] | None
) -> str:
    """One path per quartier, in a link when it has one, titled with its name and count; the highlighted
    ones last, so that their outline is on top."""
    largest = scene.largest
    out = ['<g class="quartiers" stroke-linejoin="round">']
    for item in sorted(scene.shapes, key=lambda s: s.highlighted):
        quartier = item.quartier
        label = quartier.nom if item.count is None else f"{quartier.nom} — {fiches_label(item.count)}"
        fill = style.fill(item.count, largest, item.highlighted)
        path = (
            f'<path d="{_path_data(item.geometry)}" fill="{fill}" '
            f'fill-rule="evenodd" stroke="{style.highlight_outline if item.highlighted else style.outline}" '
            f'stroke-width="{"2.5" if item.highlighted else "1"}"/>'
        )
        href = link_for(quartier) if link_for else None
        code = _attr(quartier.code or "")
        if href:
            out.append(
                f'<a href="{_attr(href)}" data-quartier="{code}"><title>{escape(label)}</title>{path}</a>'
            )
        else:
            out.append(f'<g data-quartier="{code}"><title>{escape(label)}</title>{path}</g>')
    out.append("</g>")
    return "".join(out)


def _label_lines(item: _Shape, part: BaseGeometry, style: MapStyle) -> list[list[tuple[str, bool]]]:
    """The label candidates of a quartier, preferred first: its name (wrapped) and count, then the count
    alone. Each line is (text, bold)."""
    point = part.representative_point()
    room = _label_room(part, point.x, point.y)
    candidates = [[(text, False) for text in _wrap(item.quartier.nom, room * 0.92, style.font_size)]]
    if style.label_counts and item.count is not None:
        candidates[0].append((fiches_label(item.count), True))
        candidates.append([(fiches_label(item.count), True)])
    return candidates


def _place_label(
    item: _Shape,
    part: BaseGeometry,
    style: MapStyle,
    obstacles: list[BaseGeometry],
    placed: list[BaseGeometry],
    width: float,
) -> tuple[list[tuple[str, bool]], float, float, float] | None:
    """The first label (lines, font size, x, y) clear of the other labels that fits in the quartier's
    bounding box: name and count, then the count alone, each at the style's font size then shrunk.
    None when none does."""
    for lines in _label_lines(item, part, style):
        texts = [text for text, _ in lines]
        for size in style.label_sizes():
            x, y, clear = _label_position(part, texts, size, obstacles, placed, width)
            if not clear:
                continue
            fitted = _fit_label(lines, size, part.bounds, x, y)
            if fitted is not None:
                return lines, size, *fitted
    return None


def _labels_layer(scene: _Scene, style: MapStyle) -> str:
    """Name and count inside each polygon, clear of the markers, with a white halo."""
    fs = style.font_size
    obstacles = [spot.box(fs * 0.2) for spot in scene.spots]
    obstacles += [
        LineString([(spot.anchor_x, spot.anchor_y), (spot.x, spot.y)]).buffer(fs * 0.2)
        for spot in scene.spots
        if spot.moved
    ]
    placed: list[BaseGeometry] = []
    halo: list[str] = []
    ink: list[str] = []
    line_height = style.line_height
    # The largest quartiers first: where labels would collide, the smaller quartier's label gives way
    # (to its count alone on the main map; its <title> and the list beside the map still name it).
    for item in sorted(scene.shapes, key=lambda s: (-s.geometry.area, s.quartier.code or "")):
        part = max(_polygons(item.geometry), key=lambda p: p.area)
        minx, miny, maxx, maxy = part.bounds
        if maxy - miny < line_height * 1.2 or maxx - minx < fs * 3:
            continue  # a sliver at the edge of the view: no room for a label
        chosen = _place_label(item, part, style, obstacles, placed, scene.projection.width)
        if chosen is None:
            continue  # its <title> and the list beside the map still name it
        lines, size, x, y = chosen
        texts = [text for text, _ in lines]
        placed.append(_label_box(x, y, texts, size))
        line_height = size * 1.2
        first = y - (len(lines) - 1) * line_height / 2 + size * 0.35
        # A shrunk label says its size; the others take the group's.
        font_size = "" if size == fs else f' font-size="{_num(size)}"'
        for rank, (text, bold) in enumerate(lines):
            weight = ' font-weight="bold"' if bold else ""
            line_y = _num(first + rank * line_height)
            line = f'<text x="{_num(x)}" y="{line_y}"{font_size}{weight}>{escape(text)}</text>'
            halo.append(line)
            ink.append(line)
    return (
        f'<g class="labels" aria-hidden="true" pointer-events="none" font-size="{_num(fs)}" '
        f'text-anchor="middle">'
        f'<g fill="{style.background}" stroke="{style.background}" stroke-width="{_num(fs * 0.3)}" '
        f'stroke-linejoin="round">{"".join(halo)}</g>'
        f'<g fill="{style.ink}">{"".join(ink)}</g></g>'
    )


def _leaders(spots: list[_Spot], style: MapStyle) -> str:
    """A line from each fanned-out spot to its true place, and a dot at that place."""
    moved = [spot for spot in spots if spot.moved]
    if not moved:
        return ""
    anchors = sorted({(_num(spot.anchor_x), _num(spot.anchor_y)) for spot in moved})
    return (
        f'<g aria-hidden="true" stroke="{style.leader}" stroke-width="1" fill="{style.leader}">'
        + "".join(
            f'<line x1="{_num(s.anchor_x)}" y1="{_num(s.anchor_y)}" x2="{_num(s.x)}" y2="{_num(s.y)}"/>'
            for s in moved
        )
        + "".join(f'<circle cx="{x}" cy="{y}" r="{_num(style.font_size * 0.25)}"/>' for x, y in anchors)
        + "</g>"
    )


def _marker(spot: _Spot, style: MapStyle) -> str:
    """One spot: a circle (a dot or one or two digits) or a rounded box (several numbers), titled."""
    text_size = style.marker_text_size
    common = f'fill="{style.marker_fill}" stroke="{style.marker_outline}" stroke-width="1.5" class="spot"'
    if spot.half_width == spot.half_height:
        shape_svg = f'<circle cx="{_num(spot.x)}" cy="{_num(spot.y)}" r="{_num(spot.half_width)}" {common}/>'
    else:
        shape_svg = (
            f'<rect x="{_num(spot.x - spot.half_width)}" y="{_num(spot.y - spot.half_height)}" '
            f'width="{_num(2 * spot.half_width)}" height="{_num(2 * spot.half_height)}" '
            f'rx="{_num(min(spot.half_width, text_size * 0.75))}" {common}/>'
        )
    body = [f"<title>{escape(_spot_title(spot))}</title>", shape_svg]
    if spot.lines:
        first = spot.y - (len(spot.lines) - 1) * text_size * 0.6 + text_size * 0.36
        body.extend(
            f'<text x="{_num(spot.x)}" y="{_num(first + rank * text_size * 1.2)}" '
            f'fill="{style.marker_text}" font-weight="bold" aria-hidden="true">{escape(line)}</text>'
            for rank, line in enumerate(spot.lines)
        )
    urls = {m.url for m in spot.markers}
    url = urls.pop() if len(urls) == 1 else None
    if url:
        return f'<a href="{_attr(url)}">{"".join(body)}</a>'
    return f"<g>{''.join(body)}</g>"


def _markers_layer(scene: _Scene, style: MapStyle) -> str:
    """One spot per place, fanned out (with a leader line to the true place) where crowded."""
    return (
        f'<g class="markers" font-size="{_num(style.marker_text_size)}" text-anchor="middle">'
        + _leaders(scene.spots, style)
        + "".join(_marker(spot, style) for spot in scene.spots)
        + "</g>"
    )


def _notes_layer(scene: _Scene, style: MapStyle) -> str:
    """Under the map: the schematic note and the source of official contours (each in its short form when
    the long one does not fit)."""
    fs = style.font_size
    room = scene.projection.width - fs * 1.6
    notes = []
    if scene.schematic:
        notes.append((SCHEMATIC_NOTE, SCHEMATIC_NOTE_SHORT))
    if scene.sources:
        notes.append((_source_note(scene.sources, False), _source_note(scene.sources, True)))
    out = []
    for rank, (long, short) in enumerate(notes):
        note = long if len(long) * fs * 0.9 * 0.55 <= room else short
        y = scene.map_height + fs * (1.2 + 1.2 * rank)
        out.append(
            f'<text x="{_num(fs * 0.8)}" y="{_num(y)}" '
            f'font-size="{_num(fs * 0.9)}" fill="{style.muted}" font-style="italic">{escape(note)}</text>'
        )
    return "".join(out)


def _render(
    quartiers: Sequence[Quartier],
    markers: Sequence[MapMarker],
    style: MapStyle,
    *,
    counts: dict[int, int] | None = None,
    link_for: Callable[[Quartier], str | None] | None = None,
    highlight: Any = None,
    title: str,
    description: str | None = None,
    fit: tuple[float, float, float, float] | None = None,
    id_prefix: str | None = None,
) -> Markup:
    """The map as SVG: the layers below, bottom to top, in one <svg>."""
    scene = _scene(quartiers, markers, style, counts=counts, highlight=highlight, fit=fit)
    if scene is None:
        return Markup("")
    has_links = bool(link_for) or any(m.url for m in scene.located)
    if id_prefix is None:
        id_prefix = "carte-" + _digest(
            [
                title,
                [
                    (s.quartier.id, s.quartier.code, s.quartier.nom, s.count, s.highlighted)
                    for s in scene.shapes
                ],
                [(m.latitude, m.longitude, m.label, m.url, m.number) for m in scene.located],
                [style.width, style.height, style.numbered],
            ]
        )
    if description is None:
        description = _description(scene, counts)
    if scene.schematic:
        description += " " + SCHEMATIC_NOTE
    if scene.sources:
        description += " " + _source_note(scene.sources, False) + "."
    out = [
        _svg_open(scene, style, map_id=id_prefix, has_links=has_links, title=title, description=description),
        _background_layer(scene, style),
        _quartiers_layer(scene, style, link_for),
    ]
    if style.with_labels and scene.shapes:
        out.append(_labels_layer(scene, style))
    if scene.spots:
        out.append(_markers_layer(scene, style))
    if scene.schematic or scene.sources:
        out.append(_notes_layer(scene, style))
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute above is escaped


def render_map(
    quartiers: Iterable[Quartier],
    markers: Iterable[MapMarker] = (),
    *,
    counts: dict[int, int] | None = None,
    link_for: Callable[[Quartier], str | None] | None = None,
    width: float = 640,
    height: float | None = None,
    numbered: bool = False,
    highlight: Any = None,
    title: str = "Carte des quartiers",
    description: str | None = None,
    with_labels: bool = True,
    id_prefix: str | None = None,
    font_size: float | None = None,
) -> Markup:
    """The map of the quartiers as inline SVG (empty Markup when there is nothing to draw).

    ``counts`` maps a quartier id to its number of fiches (shown in each quartier's title and label, and as
    the shade of its fill); ``link_for(quartier)`` gives each quartier's link; ``markers`` are drawn as
    circles (with their ``number`` inside when ``numbered``, for the print edition); ``highlight`` is a
    quartier, an id or several of them. ``height=None`` follows the shape of the area. The view is fitted to
    the polygons and the markers. ``id_prefix`` (default: derived from the content) prefixes the ids of the
    ``<title>`` and ``<desc>``, so that several maps can share a page.

    For the print edition pass no ``link_for`` and markers without ``url``: WeasyPrint's SVG renderer
    treats ``<a>`` as text and draws nothing of the shapes inside a link.
    """
    style = MapStyle.sized(width, font_size, height=height, numbered=numbered, with_labels=with_labels)
    return _render(
        list(quartiers),
        list(markers),
        style,
        counts=counts,
        link_for=link_for,
        highlight=highlight,
        title=title,
        description=description,
        id_prefix=id_prefix,
    )


def lieu_markers(lieux: Iterable[Lieu], *, numbered: bool = False) -> list[MapMarker]:
    """One marker per lieu with coordinates (numbered 1, 2… in the given order when ``numbered``)."""
    markers = []
    for lieu in lieux:
        if lieu.latitude is None or lieu.longitude is None:
            continue
        address = lieu.one_line_address
        label = f"{lieu.nom}, {address}" if address else lieu.nom
        markers.append(
            MapMarker(lieu.latitude, lieu.longitude, label, number=len(markers) + 1 if numbered else None)
        )
    return markers


def render_locator(
    lieux: Iterable[Lieu],
    quartiers: Iterable[Quartier],
    *,
    width: float = 320,
    height: float = 220,
    half_span_m: float = 700,
    title: str | None = None,
    link_for: Callable[[Quartier], str | None] | None = None,
    with_labels: bool = True,
    id_prefix: str | None = None,
) -> Markup:
    """A small map for a fiche page: its lieu(x) as markers, the quartier outlines around them.

    The view is centred on the lieux, at least ``half_span_m`` metres on each side, and shaped like the
    ``width`` × ``height`` box; the quartiers of the lieux are highlighted. Lieux are numbered in the given
    order when there are several. Empty Markup when no lieu has coordinates.
    """
    lieux = [lieu for lieu in lieux if lieu.latitude is not None and lieu.longitude is not None]
    if not lieux:
        return Markup("")
    markers = lieu_markers(lieux, numbered=len(lieux) > 1)
    lats = [m.latitude for m in markers]
    lons = [m.longitude for m in markers]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    k = math.cos(math.radians((south + north) / 2))
    half_lat = half_span_m / 111_320
    south, north = south - half_lat, north + half_lat
    west, east = west - half_lat / k, east + half_lat / k
    # Widen one side so that the area has the box's shape (nothing is cut, nothing is stretched).
    span_x, span_y = (east - west) * k, north - south
    ratio = width / height
    if span_x / span_y < ratio:
        extra = (span_y * ratio - span_x) / k / 2
        west, east = west - extra, east + extra
    else:
        extra = (span_x / ratio - span_y) / 2
        south, north = south - extra, north + extra
    if title is None:
        title = "Situation du lieu" if len(lieux) == 1 else "Situation des lieux"
    names = ", ".join(f"{m.number}. {m.label}" if m.number else m.label for m in markers)
    description = f"{names}." if names else None
    style = MapStyle(
        width=width,
        height=height,
        font_size=max(8.0, min(12.0, width / 30)),
        numbered=len(lieux) > 1,
        with_labels=with_labels,
        label_counts=False,
    )
    return _render(
        list(quartiers),
        markers,
        style,
        link_for=link_for,
        highlight={lieu.quartier_id for lieu in lieux if lieu.quartier_id is not None},
        title=title,
        description=description,
        fit=(west, south, east, north),
        id_prefix=id_prefix,
    )
