"""How a quartier map looks: colours (contrast checked), font, notes under the map, and :class:`MapStyle`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...hours.language import _

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"

# Colours (contrast checked against WCAG AA: text >= 4.5:1, shapes and outlines >= 3:1).
INK = "#1b1b1f"  # labels, on every fill below: >= 9:1
MUTED = "#565663"  # the notes under the map (schematic contours, source), on white: 7.1:1
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

# catalogue entries (their text is the French): the layers say them in the reader's language
SCHEMATIC_NOTE = _("Contours schématiques : les limites des quartiers sont approximatives.")
SCHEMATIC_NOTE_SHORT = _("Contours schématiques")
# Official contours carry their source. The Quartier model has no source column (adding one needs a
# migration): the source is read from the codes guide-load-quartiers keeps, IRIS codes (INSEE commune code
# and 4 digits) for IGN's IRIS contours, QPV codes (QP063001, QN06301M) for ANCT's priority quartiers.
SOURCES = (
    (re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{7}"), "IGN, contours IRIS", "IGN"),
    (re.compile(r"Q[PN][0-9]{3}[0-9A-Z]{3}"), "ANCT, quartiers prioritaires", "ANCT"),
)
UNKNOWN_SOURCE = ("contours officiels chargés dans le guide", "contours officiels")


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
    label_scales: tuple[float, ...] = (1.0, 0.85, 0.72)  # a label that does not fit is shrunk, then dropped
    min_label_size: float = 7.0
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
