"""QR codes for the printed fiches (a resident scans it to open the fiche's online page).

The matrix comes from ``segno`` (pure Python), drawn as a 1-bit PNG of one pixel per module in an
``<img>`` with a data: URI; the output is deterministic (same text, same bytes).
"""

from __future__ import annotations

import base64
import functools
import io

import segno
from markupsafe import Markup, escape


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
