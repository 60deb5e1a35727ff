"""The map assembled: the quartiers and markers projected into a scene, then one function per layer
(background, quartiers, labels, markers, notes), bottom to top, in one ``<svg>``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from shapely.geometry import LineString, box
from shapely.geometry.base import BaseGeometry

from ...hours.language import _, ngettext, say
from ...models import Quartier
from ...text import fold
from .geometry import Projection, num, path_data, polygonal, polygons
from .labels import fit_label, label_box, label_position, label_room, wrap_label
from .markers import MapMarker, Spot, place_spots, spot_title
from .style import (
    SCHEMATIC_NOTE,
    SCHEMATIC_NOTE_SHORT,
    SOURCES,
    SVG_NS,
    UNKNOWN_SOURCE,
    MapStyle,
)


def fiches_label(count: int) -> str:
    """« aucune fiche », « 1 fiche », « 12 fiches »."""
    if count <= 0:
        return say(_("aucune fiche"))
    return ngettext("${count} fiche", "${count} fiches", count)


def _attr(value: Any) -> str:
    return str(escape(str(value)))


@dataclass
class _Shape:
    quartier: Quartier
    geometry: BaseGeometry  # projected, clipped
    count: int | None
    highlighted: bool


@dataclass
class _Scene:
    """What one map draws, projected: the quartiers' shapes and the marker spots, in SVG units."""

    projection: Projection
    shapes: list[_Shape]
    spots: list[Spot]
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
    drawable = [(q, g) for q in ordered if (g := polygonal(q.geometry)) is not None]
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
    projection = Projection(fit, style.width, height, style.margin(bool(located)))
    view = box(-2, -2, projection.width + 2, projection.height + 2)
    shapes: list[_Shape] = []
    for quartier, geometry in drawable:
        projected = projection.geometry(geometry)
        if not view.contains(projected):
            projected = projected.intersection(view)
        projected = projected.simplify(0.3, preserve_topology=True)
        if projected.is_empty or not polygons(projected):
            continue
        count = None if counts is None else int(counts.get(quartier.id, 0))
        shapes.append(_Shape(quartier, projected, count, quartier.id in highlighted_ids))
    spots = place_spots(located, projection, style.numbered, style.font_size)
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
    return ngettext("Source : ${sources}", "Sources : ${sources}", len(texts), sources=" ; ".join(texts))


def _description(scene: _Scene, counts: dict[int, int] | None) -> str:
    """The default <desc>: how many quartiers, their counts, how many points."""
    shapes, located = scene.shapes, scene.located
    sentences = [ngettext("${count} quartier.", "${count} quartiers.", len(shapes))]
    if counts is not None and shapes:
        sentences.append(
            say(_("Nombre de fiches par quartier :"))
            + " "
            + " ; ".join(f"{s.quartier.nom} : {fiches_label(s.count or 0)}" for s in shapes)
            + "."
        )
    if located:
        sentences.append(
            ngettext("${count} point sur la carte.", "${count} points sur la carte.", len(located))
        )
    return " ".join(sentences)


def _svg_open(
    scene: _Scene, style: MapStyle, *, map_id: str, has_links: bool, title: str, description: str
) -> str:
    """The <svg> element, labelled by its <title> and <desc>."""
    title_id, desc_id = _attr(f"{map_id}-titre"), _attr(f"{map_id}-desc")
    svg_width, svg_height = num(scene.projection.width), num(scene.total_height)
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
        f'<rect x="0.5" y="0.5" width="{num(scene.projection.width - 1)}" '
        f'height="{num(scene.total_height - 1)}" fill="{style.background}" stroke="{style.frame}"/>'
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
            f'<path d="{path_data(item.geometry)}" fill="{fill}" '
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
    room = label_room(part, point.x, point.y)
    candidates = [[(text, False) for text in wrap_label(item.quartier.nom, room * 0.92, style.font_size)]]
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
            x, y, clear = label_position(part, texts, size, obstacles, placed, width)
            if not clear:
                continue
            fitted = fit_label(lines, size, part.bounds, x, y)
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
        part = max(polygons(item.geometry), key=lambda p: p.area)
        minx, miny, maxx, maxy = part.bounds
        if maxy - miny < line_height * 1.2 or maxx - minx < fs * 3:
            continue  # a sliver at the edge of the view: no room for a label
        chosen = _place_label(item, part, style, obstacles, placed, scene.projection.width)
        if chosen is None:
            continue  # its <title> and the list beside the map still name it
        lines, size, x, y = chosen
        texts = [text for text, _ in lines]
        placed.append(label_box(x, y, texts, size))
        line_height = size * 1.2
        first = y - (len(lines) - 1) * line_height / 2 + size * 0.35
        # A shrunk label says its size; the others take the group's.
        font_size = "" if size == fs else f' font-size="{num(size)}"'
        for rank, (text, bold) in enumerate(lines):
            weight = ' font-weight="bold"' if bold else ""
            line_y = num(first + rank * line_height)
            line = f'<text x="{num(x)}" y="{line_y}"{font_size}{weight}>{escape(text)}</text>'
            halo.append(line)
            ink.append(line)
    return (
        f'<g class="labels" aria-hidden="true" pointer-events="none" font-size="{num(fs)}" '
        f'text-anchor="middle">'
        f'<g fill="{style.background}" stroke="{style.background}" stroke-width="{num(fs * 0.3)}" '
        f'stroke-linejoin="round">{"".join(halo)}</g>'
        f'<g fill="{style.ink}">{"".join(ink)}</g></g>'
    )


def _leaders(spots: list[Spot], style: MapStyle) -> str:
    """A line from each fanned-out spot to its true place, and a dot at that place."""
    moved = [spot for spot in spots if spot.moved]
    if not moved:
        return ""
    anchors = sorted({(num(spot.anchor_x), num(spot.anchor_y)) for spot in moved})
    return (
        f'<g aria-hidden="true" stroke="{style.leader}" stroke-width="1" fill="{style.leader}">'
        + "".join(
            f'<line x1="{num(s.anchor_x)}" y1="{num(s.anchor_y)}" x2="{num(s.x)}" y2="{num(s.y)}"/>'
            for s in moved
        )
        + "".join(f'<circle cx="{x}" cy="{y}" r="{num(style.font_size * 0.25)}"/>' for x, y in anchors)
        + "</g>"
    )


def _marker(spot: Spot, style: MapStyle) -> str:
    """One spot: a circle (a dot or one or two digits) or a rounded box (several numbers), titled."""
    text_size = style.marker_text_size
    common = f'fill="{style.marker_fill}" stroke="{style.marker_outline}" stroke-width="1.5" class="spot"'
    if spot.half_width == spot.half_height:
        shape_svg = f'<circle cx="{num(spot.x)}" cy="{num(spot.y)}" r="{num(spot.half_width)}" {common}/>'
    else:
        shape_svg = (
            f'<rect x="{num(spot.x - spot.half_width)}" y="{num(spot.y - spot.half_height)}" '
            f'width="{num(2 * spot.half_width)}" height="{num(2 * spot.half_height)}" '
            f'rx="{num(min(spot.half_width, text_size * 0.75))}" {common}/>'
        )
    body = [f"<title>{escape(spot_title(spot))}</title>", shape_svg]
    if spot.lines:
        first = spot.y - (len(spot.lines) - 1) * text_size * 0.6 + text_size * 0.36
        body.extend(
            f'<text x="{num(spot.x)}" y="{num(first + rank * text_size * 1.2)}" '
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
        f'<g class="markers" font-size="{num(style.marker_text_size)}" text-anchor="middle">'
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
        notes.append((say(SCHEMATIC_NOTE), say(SCHEMATIC_NOTE_SHORT)))
    if scene.sources:
        notes.append((_source_note(scene.sources, False), _source_note(scene.sources, True)))
    out = []
    for rank, (long, short) in enumerate(notes):
        note = long if len(long) * fs * 0.9 * 0.55 <= room else short
        y = scene.map_height + fs * (1.2 + 1.2 * rank)
        out.append(
            f'<text x="{num(fs * 0.8)}" y="{num(y)}" '
            f'font-size="{num(fs * 0.9)}" fill="{style.muted}" font-style="italic">{escape(note)}</text>'
        )
    return "".join(out)


def render(
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
        description += " " + say(SCHEMATIC_NOTE)
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
