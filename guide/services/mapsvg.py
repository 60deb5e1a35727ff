"""The quartier map, drawn on the server as inline SVG: for every page and for the print edition.

No JavaScript and no tiles: the quartier polygons (GeoJSON, WGS84) are projected with an equirectangular
projection corrected by cos(latitude) — at a city's scale the distortion is invisible — and fitted to the
bounds of what is drawn with a margin. The output is plain SVG (paths, circles, texts, links; presentation
attributes, no CSS variables, font "DejaVu Sans") so that browsers, librsvg and WeasyPrint draw it alike,
and it is deterministic: the same input gives the same bytes (the print edition embeds it).

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
import textwrap
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
FILLS = ("#f3f4f8", "#dceaf7", "#bdd6f0", "#9fc3e8")  # no fiche, then three classes of the largest count
HIGHLIGHT_FILL = "#ffe08a"
HIGHLIGHT_OUTLINE = "#1b1b1f"
MARKER_FILL = "#004f9f"  # on every fill: >= 5.9:1; white numbers on it: 8.6:1
MARKER_OUTLINE = "#ffffff"
MARKER_TEXT = "#ffffff"
LEADER = "#1b1b1f"

SCHEMATIC_NOTE = "Contours schématiques : les limites des quartiers sont approximatives."


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
    lines = textwrap.wrap(text, max_chars, break_long_words=False, break_on_hyphens=True) or [text]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return lines


def _spread(points: list[tuple[float, float]], radius: float) -> list[tuple[float, float, float, float]]:
    """Markers at (nearly) the same place fanned out on a small circle around it.

    Returns, for each point in order, (x, y, anchor_x, anchor_y): where to draw it and the true place.
    """
    groups: list[list[int]] = []
    centres: list[tuple[float, float]] = []
    for index, (x, y) in enumerate(points):
        for group, (cx, cy) in zip(groups, centres, strict=True):
            if math.hypot(x - cx, y - cy) < radius * 1.5:
                group.append(index)
                break
        else:
            groups.append([index])
            centres.append((x, y))
    placed: list[tuple[float, float, float, float]] = [(0.0, 0.0, 0.0, 0.0)] * len(points)
    for group, (cx, cy) in zip(groups, centres, strict=True):
        if len(group) == 1:
            placed[group[0]] = (cx, cy, cx, cy)
            continue
        ring = max(radius * 2.2, len(group) * radius * 2.3 / (2 * math.pi))
        for rank, index in enumerate(group):
            angle = -math.pi / 2 + 2 * math.pi * rank / len(group)
            placed[index] = (cx + ring * math.cos(angle), cy + ring * math.sin(angle), cx, cy)
    return placed


# --- rendering -------------------------------------------------------------------------------------------


@dataclass
class _Shape:
    quartier: Quartier
    geometry: BaseGeometry  # projected, clipped
    count: int | None
    highlighted: bool


def _highlight_ids(highlight: Any) -> set[int]:
    if highlight is None:
        return set()
    if isinstance(highlight, Quartier):
        return {highlight.id}
    if isinstance(highlight, int):
        return {highlight}
    return {item.id if isinstance(item, Quartier) else int(item) for item in highlight}


def _fill(count: int | None, largest: int, highlighted: bool) -> str:
    if highlighted:
        return HIGHLIGHT_FILL
    if not count or largest <= 0:
        return FILLS[0]
    return FILLS[min(3, 1 + int(3 * (count - 1) / largest))]


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=5).hexdigest()


def _render(
    quartiers: Sequence[Quartier],
    markers: Sequence[MapMarker],
    *,
    counts: dict[int, int] | None,
    link_for: Callable[[Quartier], str | None] | None,
    width: float,
    height: float | None,
    numbered: bool,
    highlight: Any,
    title: str,
    description: str | None,
    with_labels: bool,
    fit: tuple[float, float, float, float] | None,
    id_prefix: str | None,
    font_size: float | None,
    label_counts: bool,
) -> Markup:
    highlighted_ids = _highlight_ids(highlight)
    ordered = sorted(quartiers, key=lambda q: (fold(q.nom or ""), q.code or "", q.id or 0))
    shapes_ll = [(q, _polygonal(q.geometry)) for q in ordered]
    drawable = [(q, g) for q, g in shapes_ll if g is not None]
    located = [m for m in markers if m.latitude is not None and m.longitude is not None]

    fs = font_size or max(8.0, min(14.0, width / 56))
    marker_radius = fs * 0.55
    if numbered:
        longest = max((len(str(m.number)) for m in located if m.number is not None), default=1)
        marker_radius = fs * (0.55 + 0.3 * max(1, longest))
    margin = max(12.0, fs * 1.2, marker_radius * 3)

    if fit is None:
        boxes = [g.bounds for _, g in drawable] + [(m.longitude, m.latitude) * 2 for m in located]
        if not boxes:
            return Markup("")
        fit = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    schematic = any(q.schematic for q, _ in drawable)
    note_height = fs * 2.0 if schematic else 0.0
    projection = _Projection(fit, width, None if height is None else height - note_height, margin)
    map_height = projection.height
    total_height = map_height + note_height
    view = box(-2, -2, projection.width + 2, map_height + 2)

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
    largest = max((s.count or 0 for s in shapes), default=0)
    has_links = bool(link_for) or any(m.url for m in located)

    if id_prefix is None:
        id_prefix = "carte-" + _digest(
            [
                title,
                [(s.quartier.id, s.quartier.code, s.quartier.nom, s.count, s.highlighted) for s in shapes],
                [(m.latitude, m.longitude, m.label, m.url, m.number) for m in located],
                [width, height, numbered],
            ]
        )
    title_id, desc_id = f"{id_prefix}-titre", f"{id_prefix}-desc"

    if description is None:
        sentences = [f"{len(shapes)} quartier{'s' if len(shapes) > 1 else ''}."]
        if counts is not None and shapes:
            sentences.append(
                "Nombre de fiches par quartier : "
                + " ; ".join(f"{s.quartier.nom} : {fiches_label(s.count or 0)}" for s in shapes)
                + "."
            )
        if located:
            sentences.append(f"{len(located)} point{'s' if len(located) > 1 else ''} sur la carte.")
        description = " ".join(sentences)
    if schematic:
        description += " " + SCHEMATIC_NOTE

    svg_width, svg_height = _num(projection.width), _num(total_height)
    out: list[str] = [
        f'<svg xmlns="{SVG_NS}" class="quartier-map" id="{_attr(id_prefix)}" '
        f'width="{svg_width}" height="{svg_height}" viewBox="0 0 {svg_width} {svg_height}" '
        f'role="{"group" if has_links else "img"}" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{_attr(FONT_FAMILY)}" style="max-width:100%;height:auto">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if has_links:
        # Hover and keyboard focus (ignored where nothing is hovered or focused, e.g. in print).
        out.append(
            f"<style>#{id_prefix} a:hover path,#{id_prefix} a:focus path"
            f"{{stroke:{HIGHLIGHT_OUTLINE};stroke-width:3}}"
            f"#{id_prefix} a:focus circle{{stroke:{HIGHLIGHT_OUTLINE};stroke-width:3}}</style>"
        )
    out.append(
        f'<rect x="0.5" y="0.5" width="{_num(projection.width - 1)}" height="{_num(total_height - 1)}" '
        f'fill="{BACKGROUND}" stroke="{FRAME}"/>'
    )

    # Polygons: the highlighted ones last, so that their outline is on top.
    out.append('<g class="quartiers" stroke-linejoin="round">')
    for item in sorted(shapes, key=lambda s: s.highlighted):
        quartier = item.quartier
        label = quartier.nom if item.count is None else f"{quartier.nom} — {fiches_label(item.count)}"
        path = (
            f'<path d="{_path_data(item.geometry)}" fill="{_fill(item.count, largest, item.highlighted)}" '
            f'fill-rule="evenodd" stroke="{HIGHLIGHT_OUTLINE if item.highlighted else OUTLINE}" '
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

    # Labels: name and count at a point inside each polygon, with a white halo for legibility.
    if with_labels and shapes:
        halo: list[str] = []
        ink: list[str] = []
        for item in shapes:
            point = item.geometry.representative_point()
            largest_part = max(_polygons(item.geometry), key=lambda p: p.area)
            if not largest_part.covers(point):
                point = largest_part.representative_point()
            room = _label_room(largest_part, point.x, point.y)
            lines = [(text, False) for text in _wrap(item.quartier.nom, room * 0.92, fs)]
            if label_counts and item.count is not None:
                lines.append((fiches_label(item.count), True))
            line_height = fs * 1.2
            first = point.y - (len(lines) - 1) * line_height / 2 + fs * 0.35
            for rank, (text, bold) in enumerate(lines):
                y = _num(first + rank * line_height)
                weight = ' font-weight="bold"' if bold else ""
                halo.append(f'<text x="{_num(point.x)}" y="{y}"{weight}>{escape(text)}</text>')
                ink.append(f'<text x="{_num(point.x)}" y="{y}"{weight}>{escape(text)}</text>')
        out.append(
            f'<g class="labels" aria-hidden="true" pointer-events="none" font-size="{_num(fs)}" '
            f'text-anchor="middle">'
            f'<g fill="{BACKGROUND}" stroke="{BACKGROUND}" stroke-width="{_num(fs * 0.3)}" '
            f'stroke-linejoin="round">{"".join(halo)}</g>'
            f'<g fill="{INK}">{"".join(ink)}</g></g>'
        )

    # Markers, fanned out where several share a place.
    if located:
        placed = _spread([projection.point(m.longitude, m.latitude) for m in located], marker_radius)
        leaders: list[str] = []
        anchors: set[tuple[str, str]] = set()
        dots: list[str] = []
        for x, y, ax, ay in placed:
            if (x, y) != (ax, ay):
                leaders.append(
                    f'<line x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(x)}" y2="{_num(y)}"/>'
                )
                anchor = (_num(ax), _num(ay))
                if anchor not in anchors:
                    anchors.add(anchor)
                    dots.append(f'<circle cx="{anchor[0]}" cy="{anchor[1]}" r="{_num(fs * 0.25)}"/>')
        out.append(f'<g class="markers" font-size="{_num(fs * 0.85)}" text-anchor="middle">')
        if leaders:
            out.append(
                f'<g aria-hidden="true" stroke="{LEADER}" stroke-width="1" fill="{LEADER}">'
                + "".join(leaders)
                + "".join(dots)
                + "</g>"
            )
        for marker, (x, y, _, _) in zip(located, placed, strict=True):
            x = min(max(x, marker_radius + 1), projection.width - marker_radius - 1)
            y = min(max(y, marker_radius + 1), map_height - marker_radius - 1)
            label = marker.label if marker.number is None else f"{marker.number}. {marker.label}"
            body = [
                f"<title>{escape(label)}</title>",
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(marker_radius)}" fill="{MARKER_FILL}" '
                f'stroke="{MARKER_OUTLINE}" stroke-width="1.5"/>',
            ]
            if numbered and marker.number is not None:
                body.append(
                    f'<text x="{_num(x)}" y="{_num(y + fs * 0.3)}" fill="{MARKER_TEXT}" font-weight="bold" '
                    f'aria-hidden="true">{marker.number}</text>'
                )
            if marker.url:
                out.append(f'<a href="{_attr(marker.url)}">{"".join(body)}</a>')
            else:
                out.append(f"<g>{''.join(body)}</g>")
        out.append("</g>")

    if schematic:
        out.append(
            f'<text x="{_num(fs * 0.8)}" y="{_num(map_height + note_height * 0.6)}" font-size="{_num(fs * 0.9)}" '
            f'fill="{MUTED}" font-style="italic">{escape(SCHEMATIC_NOTE)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


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
    """
    return _render(
        list(quartiers),
        list(markers),
        counts=counts,
        link_for=link_for,
        width=width,
        height=height,
        numbered=numbered,
        highlight=highlight,
        title=title,
        description=description,
        with_labels=with_labels,
        fit=None,
        id_prefix=id_prefix,
        font_size=font_size,
        label_counts=True,
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
    fs = max(8.0, min(12.0, width / 30))
    return _render(
        list(quartiers),
        markers,
        counts=None,
        link_for=link_for,
        width=width,
        height=height,
        numbered=len(lieux) > 1,
        highlight={lieu.quartier_id for lieu in lieux if lieu.quartier_id is not None},
        title=title,
        description=description,
        with_labels=with_labels,
        fit=(west, south, east, north),
        id_prefix=id_prefix,
        font_size=fs,
        label_counts=False,
    )
