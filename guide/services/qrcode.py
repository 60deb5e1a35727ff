"""QR codes as inline SVG, for the printed fiches (a resident scans it to open the fiche's online page).

The matrix comes from ``segno`` (pure Python); the drawing is ours: one filled path of dark runs, so that
every renderer (browsers, WeasyPrint, librsvg) draws crisp modules without hairline gaps between strokes,
and the output is deterministic (same text, same bytes).
"""

from __future__ import annotations

import base64
import functools
import io

import segno
from markupsafe import Markup, escape


@functools.lru_cache(maxsize=4096)
def _path(text: str, border: int) -> tuple[str, int]:
    code = segno.make(text, error="m", micro=False, boost_error=False)
    rows = list(code.matrix_iter(scale=1, border=border))
    size = len(rows)
    parts: list[str] = []
    for y, row in enumerate(rows):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return "".join(parts), size


def qr_svg(text: str, *, label: str | None = None, border: int = 2, css_class: str = "qr") -> Markup:
    """The QR code of ``text`` (usually a URL) as an ``<svg>`` sized by CSS through ``css_class``.

    ``label`` becomes the SVG's accessible name (« Code QR : adresse de la fiche en ligne »).
    """
    path, size = _path(text, border)
    name = label or f"Code QR : {text}"
    return Markup(  # noqa: S704 - the only text inserted is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(name)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>'
    )


@functools.lru_cache(maxsize=4096)
def qr_png(text: str, border: int = 2) -> bytes:
    """The QR code of ``text`` as a 1-bit PNG of one pixel per module (scale it with
    ``image-rendering: pixelated``: cheaper than SVG to lay out and to print by the hundred)."""
    code = segno.make(text, error="m", micro=False, boost_error=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=1, border=border)
    return buffer.getvalue()


def qr_img(text: str, *, label: str | None = None, border: int = 2, css_class: str = "qr") -> Markup:
    """An ``<img>`` of the QR code of ``text`` (a data: URI, nothing to fetch)."""
    data = base64.b64encode(qr_png(text, border)).decode("ascii")
    name = label or f"Code QR : {text}"
    return Markup(  # noqa: S704 - the only text inserted is escaped
        f'<img class="{escape(css_class)}" src="data:image/png;base64,{data}" alt="{escape(name)}">'
    )
