"""What a screen reader announces (issue 12, RGAA): Chromium's own accessibility tree (CDP
``Accessibility.getFullAXTree``, what NVDA, JAWS or VoiceOver are given) of the home page, a results page, a
fiche, the selection and the report-an-error form with its mistakes, in French and in Arabic:

* every link and button has a name, and the results do not repeat the same name twenty times;
* one h1 per page, headings in order without a skipped level;
* the landmarks: banner, main, navigation, contentinfo, and search where the search box is;
* every form field has a name; a field in error says its message (its description) and is marked invalid;
  the trap field for robots is out of the tree;
* the number of services found is in a live region;
* the map's controls speak the page's language, and Leaflet is fetched only once the map comes near.

No real screen reader runs here: this reads the tree they read. One test on purpose (browser tests are slow).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Any

from .conftest import phone_context, settle, track_requests

SEARCH = "avocat"
FIELDS = {"textbox", "searchbox", "combobox", "checkbox", "radio", "spinbutton", "listbox"}
LANDMARKS = {"banner", "main", "navigation", "contentinfo"}


def tree(page: Any) -> list[dict[str, Any]]:
    """The page's accessibility tree as Chromium exposes it to assistive technologies, in reading order (a
    depth-first walk from the root), ignored nodes out."""
    client = page.context.new_cdp_session(page)
    client.send("Accessibility.enable")
    nodes = client.send("Accessibility.getFullAXTree")["nodes"]
    client.detach()
    by_id = {node["nodeId"]: node for node in nodes}
    ordered, stack = [], [node for node in nodes if node.get("parentId") not in by_id][::-1]
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(by_id[child] for child in reversed(node.get("childIds", [])) if child in by_id)
    return [node for node in ordered if not node.get("ignored")]


def role(node: dict[str, Any]) -> str:
    return (node.get("role") or {}).get("value", "")


def name(node: dict[str, Any]) -> str:
    return str((node.get("name") or {}).get("value", "")).strip()


def prop(node: dict[str, Any], key: str) -> Any:
    for item in node.get("properties", []):
        if item["name"] == key:
            return item["value"].get("value")
    return None


def check_page(page: Any, label: str, *, search: bool) -> list[dict[str, Any]]:
    nodes = tree(page)
    unnamed = [role(n) for n in nodes if role(n) in ("link", "button") and not name(n)]
    assert unnamed == [], (label, "link or button without a name", unnamed)
    headings = [(prop(n, "level"), name(n)) for n in nodes if role(n) == "heading"]
    assert [level for level, _ in headings].count(1) == 1, (label, headings)
    assert headings[0][0] == 1, (label, "the first heading is not the h1", headings)
    for (before, _), (after, text) in itertools.pairwise(headings):
        assert after <= before + 1, (label, f"h{before} then h{after} ({text})")
    roles = {role(n) for n in nodes}
    assert roles >= LANDMARKS, (label, LANDMARKS - roles)
    if search:
        assert "search" in roles, label
    fields = [n for n in nodes if role(n) in FIELDS]
    assert all(name(n) for n in fields), (label, [role(n) for n in fields if not name(n)])
    assert not any("remplir" in name(n).lower() for n in fields), (label, "the robots' trap field is read")
    return nodes


def test_what_a_screen_reader_announces(live_url, browser):
    context = phone_context(browser, width=390, height=844)  # the map far below the first screen
    page = track_requests(context.new_page())
    leaflet = []
    page.on("request", lambda request: leaflet.append(request.url) if "leaflet" in request.url else None)
    for prefix in ("", "/ar"):
        # the home page: Leaflet only once the map comes near the screen
        page.goto(f"{live_url}{prefix}/")
        settle(page)  # the first frames drawn: the map, below the screen, was not seen
        assert leaflet == [], leaflet
        home = check_page(page, f"{prefix}/", search=True)
        counts = [name(n) for n in home if role(n) == "link" and re.search(r"\(\d+ ", name(n))]
        assert counts, "a thématique's count says what it counts: « Santé (9 services) »"
        switcher = [name(n) for n in home if role(n) == "DisclosureTriangle" and "—" in name(n)]
        assert switcher and "▾" not in switcher[0], switcher  # « Français — Changer de langue », no arrow
        page.locator(".quartier-map-block").scroll_into_view_if_needed()
        page.wait_for_selector(".leaflet-map-ready")
        assert any(url.endswith("leaflet.js") or "leaflet.js?" in url for url in leaflet), leaflet
        zoom = [name(n) for n in tree(page) if role(n) == "button" and name(n) not in ("", "Rechercher")]
        expected = ["Zoom avant", "Zoom arrière"] if prefix == "" else ["تكبير", "تصغير"]
        assert set(expected) <= set(zoom), zoom  # Leaflet said « Zoom in » on every page
        leaflet.clear()

        # the results: the count in a live region, one h1 before « Affiner », buttons that name their fiche
        page.goto(f"{live_url}{prefix}/recherche?q={SEARCH}")
        results = check_page(page, f"{prefix}/recherche", search=True)
        by_id = {node["nodeId"]: node for node in results}
        h1 = next(n for n in results if role(n) == "heading" and prop(n, "level") == 1)
        assert re.search(r"\d", name(h1)), name(h1)
        live, node = None, h1
        while node is not None and live is None:
            live = "status" if role(node) == "status" else prop(node, "live")
            node = by_id.get(node.get("parentId"))
        assert live in ("status", "polite"), "the number of services found is not in a live region"
        names = Counter(name(n) for n in results if role(n) in ("link", "button"))
        repeated = {text: count for text, count in names.items() if count > 3}
        assert repeated == {}, repeated  # « Ajouter à ma sélection » ×20, « Ma sélection (0) » ×20
        fiche = page.locator(".hit h2 a").first.get_attribute("href")
        page.locator(".hit form.selection-toggle button[aria-pressed=false]").first.click()
        page.wait_for_load_state()

        # the fiche
        page.goto(live_url + fiche)
        check_page(page, fiche, search=False)

        # the selection
        page.goto(f"{live_url}{prefix}/selection")
        selection = check_page(page, f"{prefix}/selection", search=False)
        assert any(role(n) == "textbox" for n in selection)  # the note, named by its label

        # the report form, sent with two mistakes: each field says its own
        page.goto(f"{live_url}{fiche}/signaler")
        page.locator("textarea[name=message]").fill("court")
        page.locator("input[name=contact]").fill("pas-une-adresse")
        page.locator("form#deform button[type=submit]").click()
        page.wait_for_load_state()
        form = check_page(page, f"{fiche}/signaler", search=False)
        invalid = [n for n in form if role(n) in FIELDS and prop(n, "invalid") not in (None, "false")]
        assert len(invalid) == 2, [name(n) for n in invalid]
        descriptions = [str((n.get("description") or {}).get("value", "")) for n in invalid]
        assert all(descriptions), descriptions
        assert "10" in descriptions[0] and "@" in descriptions[1], descriptions
        # the list of the mistakes above the form has the focus: one link per field in error, named by
        # the field and its message; the first puts the cursor in « message » (not the hidden trap field)
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        links = [name(n) for n in form if role(n) == "link" and ("10" in name(n) or "@" in name(n))]
        assert len(links) == 2, links
        page.locator(".error-summary a").first.click()
        focused = page.evaluate("document.activeElement.name")
        assert focused == "message", focused
    context.close()
