"""The partners' widget in a real browser, on a page served by another origin (a second local HTTP server)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import shot


@pytest.fixture
def partner_site(tmp_path: Path, live_url: str) -> Iterator[str]:
    """A partner's page on its own origin, with the snippet of /opendata pasted in."""
    (tmp_path / "index.html").write_text(
        f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Association partenaire</title></head>
<body>
<h1>Le 25 Gisèle Halimi — nos permanences</h1>
<p>Texte de la page du partenaire.</p>
<div data-guide-widget data-organisation="le-25-gisele-halimi"
     data-couleur="#7b1fa2" data-fond="#fbf7ff"></div>
<script src="{live_url}/widget.js" async></script>
<h2>Une page du guide qui ne se laisse pas encadrer</h2>
<iframe id="forbidden" src="{live_url}/" title="interdit"></iframe>
</body></html>
""",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_widget_on_a_foreign_page(desktop: Any, live_url: str, partner_site: str) -> None:
    page = desktop
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(partner_site)
    assert live_url.split(":")[2] != partner_site.split(":")[2].split("/")[0]  # two origins
    iframe = page.locator("[data-guide-widget] iframe")
    iframe.wait_for()
    frame = page.frame_locator("[data-guide-widget] iframe")
    first = frame.locator(".widget-item").first
    first.wait_for()
    names = frame.locator(".widget-name").all_text_contents()
    assert "Accueil, écoute et orientation des femmes" in names
    badges = frame.locator(".widget-badge").all_text_contents()
    assert badges and all(b.startswith(("Ouvert", "Fermé", "Horaires", "Sur rendez-vous")) for b in badges)
    # the partner's colour reached the frame through /widget.css (no style attribute)
    colour = frame.locator(".widget-title").evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(123, 31, 162)"
    # the frame took the height of its content
    page.wait_for_function("() => document.querySelector('[data-guide-widget] iframe').style.height !== ''")
    height = iframe.evaluate("f => f.getBoundingClientRect().height")
    content = frame.locator("body").evaluate("b => document.documentElement.scrollHeight")
    assert abs(height - content) <= 2
    # links open the guide in a new tab
    assert first.locator("a").get_attribute("target") == "_blank"
    # no cookie from the guide
    assert [c for c in page.context.cookies() if c["domain"] == "127.0.0.1"] == []
    # every other page of the guide refuses to be framed
    forbidden = page.locator("#forbidden").element_handle().content_frame()
    assert forbidden.locator(".site-header").count() == 0
    shot(page, "widget-partner-page")
    assert not [m for m in blocked if "widget" in m]
