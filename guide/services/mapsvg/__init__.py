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

Layout: :mod:`.style` (colours, notes, :class:`MapStyle`), :mod:`.geometry` (GeoJSON → projected SVG
paths), :mod:`.markers` (spots, fanned out), :mod:`.labels` (wrapping, width, placement), :mod:`.layers`
(the scene and one function per layer); this module keeps the public API: :func:`render_map`,
:func:`render_locator`, :func:`lieu_markers`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup

from ...models import Lieu, Quartier
from .layers import fiches_label, render
from .markers import MapMarker
from .style import (
    BACKGROUND,
    FILLS,
    FONT_FAMILY,
    FRAME,
    HIGHLIGHT_FILL,
    HIGHLIGHT_OUTLINE,
    INK,
    LEADER,
    MARKER_FILL,
    MARKER_OUTLINE,
    MARKER_TEXT,
    MUTED,
    OUTLINE,
    SCHEMATIC_NOTE,
    SCHEMATIC_NOTE_SHORT,
    SOURCES,
    SVG_NS,
    MapStyle,
)

__all__ = [
    "BACKGROUND",
    "FILLS",
    "FONT_FAMILY",
    "FRAME",
    "HIGHLIGHT_FILL",
    "HIGHLIGHT_OUTLINE",
    "INK",
    "LEADER",
    "MARKER_FILL",
    "MARKER_OUTLINE",
    "MARKER_TEXT",
    "MUTED",
    "OUTLINE",
    "SCHEMATIC_NOTE",
    "SCHEMATIC_NOTE_SHORT",
    "SOURCES",
    "SVG_NS",
    "MapMarker",
    "MapStyle",
    "fiches_label",
    "lieu_markers",
    "render_locator",
    "render_map",
]


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
    return render(
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
    return render(
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
