"""Issue 12 in a real browser: the keyboard-only walk from the home page to the selection's print view (focus
always visible, skip link), every public page at 320 px and with the text at 200 % (no horizontal scroll, no
heading cut), and the service worker (a visited fiche offline with its dated banner, the offline page for
another, nothing from the partner space or the coordination in its caches).

One test on purpose: browser tests are the slowest part of the suite."""

from __future__ import annotations

import re
from typing import Any

from .conftest import SCREENSHOTS, phone_context

COORDINATOR = "coordination@guide.localhost"
PASSWORD = "demo-guide-2026"
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  return {visible: Boolean(outline || shadow), onScreen: r.width > 0 && r.height > 0 && r.right > 0,
          tag: el.tagName, text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
          href: el.getAttribute('href') || '', type: el.type || ''};
}"""
# The text at ``size`` (the root font size, as a reader's zoom sets it), then the overflow at a given CSS
# width: the document, then any heading wider than its box or past the screen (one call: the layout is
# computed again when it is measured).
OVERFLOW = """([width, size]) => {
  document.documentElement.style.fontSize = size;
  const problems = [];
  const scroll = document.documentElement.scrollWidth;
  if (scroll > width) problems.push('document ' + scroll);
  for (const h of document.querySelectorAll('main h1, main h2, main h3, .brand')) {
    const r = h.getBoundingClientRect();
    const cut = r.right > width + 1 || h.scrollWidth > h.clientWidth + 1;
    if (r.width && cut) problems.push(h.textContent.trim());
  }
  return problems;
}"""

# The language switcher once opened: nothing scrolls sideways, each language's link is on the screen.
SWITCHER = """(width) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push('document ' + root.scrollWidth);
  const list = document.querySelector('nav.languages ul');
  if (list.scrollWidth > list.clientWidth + 1) problems.push('list ' + list.scrollWidth);
  for (const a of list.querySelectorAll('a')) {
    const r = a.getBoundingClientRect();
    if (!r.width || r.left < -1 || r.right > width + 1) problems.push(a.textContent + ' ' + r.right);
  }
  return problems;
}"""


def focused(page: Any) -> dict[str, Any] | None:
    """The focused element, checked visible; None when the focus is on the page itself (after a reload,
    Chromium may start the tab order from the end of the page: the next Tab comes back to its start)."""
    state = page.evaluate(FOCUS_VISIBLE)
    if state is None:
        return None
    assert state["visible"], f"no visible focus on {state}"
    assert state["onScreen"], f"the focused element is not on the screen: {state}"
    return state


def tab_until(page: Any, wanted: Any, limit: int, key: str = "Tab") -> dict[str, Any]:
    """Press ``key`` until the focused element satisfies ``wanted``; the focus is visible at every step."""
    state = None
    for _ in range(limit):
        page.keyboard.press(key)
        state = focused(page)
        if state is not None and wanted(state):
            return state
    raise AssertionError(f"not reached in {limit} presses of {key}; focus on {state}")


def screen(page: Any, name: str) -> None:
    """What the phone's screen shows (a full-page capture of a 200 % page is 20,000 pixels tall)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_keyboard_zoom_and_offline(live_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    # --- keyboard only: home → search « avocat » → a result → the fiche → selection → print view ---
    page.goto(live_url + "/")
    quartier = page.locator("a[href*='/quartier/']").first.get_attribute("href")  # for the 320 px walk
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip is not None and skip["text"] == "Aller au contenu" and skip["href"] == "#contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    search = tab_until(page, lambda s: s["type"] == "search", 5)
    assert search["tag"] == "INPUT"
    page.keyboard.type("avocat")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche\?"))
    assert "avocat" in page.locator("h1").inner_text()
    page.keyboard.press("Tab")
    assert (focused(page) or {}).get("text") == "Aller au contenu"
    page.keyboard.press("Enter")
    result = tab_until(page, lambda s: "/fiche/" in s["href"], 40)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fiche/"))
    fiche_url = page.url
    assert page.locator("h1").inner_text().strip() == result["text"]
    tab_until(page, lambda s: s["text"] == "Ajouter à ma sélection", 60)
    with page.expect_navigation():
        page.keyboard.press("Space")  # a button: Space activates it
    assert page.url.split("#")[0] == fiche_url.split("#")[0]
    structure = page.locator("a[href*='/structure/']").first.get_attribute("href")  # for the 320 px walk
    # back on the fiche: the button now says it is in the selection; its neighbour opens the selection
    tab_until(page, lambda s: "Dans ma sélection — retirer" in s["text"], 60)
    tab_until(page, lambda s: s["text"] == "Ma sélection (1)", 2)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/selection$"))
    printing = tab_until(page, lambda s: s["text"] == "Page à imprimer", 40)
    assert printing["tag"] == "A"
    # Shift+Tab goes back to the element before, then Tab forward again to the same link
    before = tab_until(page, lambda s: True, 1, key="Shift+Tab")
    assert before["text"] != "Page à imprimer"
    tab_until(page, lambda s: s["text"] == "Page à imprimer", 1)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/selection/imprimer"))
    assert result["text"] in page.locator("body").inner_text()
    context.close()

    # --- 320 px and text at 200 %: no horizontal scroll, no heading cut, on every public page ---
    pages = ["/", "/recherche?q=avocat", fiche_url, "/selection", "/accessibilite", "/hors-connexion"]
    # and the same in a right-to-left language and in English (issue 12's languages)
    pages += ["/ar/", fiche_url.replace(live_url, live_url + "/ar"), "/en/recherche?q=avocat"]
    pages += [structure, quartier, "/recherche?q=aide+aux+devoirs&quartier=la-gauthiere"]
    # Each page is loaded once, then measured at each size: no script of the site reads the window's width
    # (the stylesheet's media queries follow the resize), and the text size was always set after load.
    # The service worker is blocked here (layout only; it is tested below): no copy of each page is fetched.
    narrow = browser.new_context(
        viewport={"width": 320, "height": 740},
        locale="fr-FR",
        is_mobile=True,
        device_scale_factor=2,
        service_workers="block",
    )
    view = narrow.new_page()
    for path in pages:
        view.set_viewport_size({"width": 320, "height": 740})
        view.goto(path if path.startswith("http") else live_url + path)
        for width, text_zoom in ((320, "100%"), (360, "200%")):
            if width != 320:
                view.set_viewport_size({"width": width, "height": 740})
            assert view.evaluate(OVERFLOW, [width, text_zoom]) == [], (path, width, text_zoom)
            if path == fiche_url and text_zoom == "200%":
                assert view.locator("h1").bounding_box()["width"] <= width
                view.locator("h1").scroll_into_view_if_needed()
                screen(view, "zoom-200")
    narrow.close()
    # the language switcher, opened, at 320 and 390 px, text at 100 and 200 %, in French and in Arabic: its
    # list wraps (it scrolled sideways on a 390 px phone), every language on the screen, the page never wider
    phone = phone_context(browser, width=320, height=740)  # the same page measured at each width and size
    view = phone.new_page()
    for path in ("/", "/ar/"):
        view.set_viewport_size({"width": 320, "height": 740})
        view.goto(live_url + path)
        view.locator("nav.languages summary").click()
        for width, text_zoom in ((320, "100%"), (320, "200%"), (390, "100%"), (390, "200%")):
            view.set_viewport_size({"width": width, "height": 740})
            view.evaluate("(size) => { document.documentElement.style.fontSize = size; }", text_zoom)
            assert view.locator("nav.languages details").evaluate("d => d.open")  # still opened
            assert view.evaluate(SWITCHER, width) == [], (path, width, text_zoom)
            if path == "/ar/" and width == 390 and text_zoom == "100%":
                screen(view, "ar-languages-390")
    phone.close()

    # --- offline: the pages opened are kept (and nothing of the partner space), with their date ---
    phone = phone_context(browser)
    view = phone.new_page()
    view.goto(live_url + "/")
    view.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    view.goto(fiche_url)
    view.wait_for_function(
        "(url) => caches.keys().then(names => Promise.all(names.filter(n => n.startsWith('guide-pages-'))"
        ".map(n => caches.open(n).then(c => c.match(url))))).then(found => found.some(Boolean))",
        arg=fiche_url,
    )
    # a coordinator's pages on the same browser: never kept
    view.goto(live_url + "/connexion")
    view.fill("input[name=email]", COORDINATOR)
    view.fill("input[name=password]", PASSWORD)
    view.locator("button[name=login]").click()
    view.wait_for_load_state("load")
    for path in ("/espace", "/coordination", "/"):
        view.goto(live_url + path)
    kept = view.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          }
          return urls;
        }"""
    )
    assert fiche_url in kept and live_url + "/" in kept
    assert not [u for u in kept if re.search(r"/(espace|coordination|connexion|api)(/|$|\?)", u)], kept
    phone.set_offline(True)
    view.goto(fiche_url)
    banner = view.locator("#offline-banner")
    banner.wait_for()
    assert re.fullmatch(r"Hors connexion — informations du \d{1,2} \w+", banner.inner_text())
    assert view.locator("h1").inner_text().strip() == result["text"]
    screen(view, "offline-banner-phone")
    view.goto(live_url + "/accessibilite")  # never opened in this browser
    assert view.locator("h1").inner_text() == "Vous êtes hors connexion"
    listed = view.locator("#offline-pages a")
    listed.first.wait_for()
    titles = listed.all_inner_texts()
    assert result["text"] in titles
    phone.set_offline(False)
    phone.close()
