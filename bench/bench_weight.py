"""Weight and slow-3G timings of the home page and a fiche, in a real browser (issue 12, « léger »).

    .venv/bin/python bench/bench_weight.py [--fiche-query avocat] [--budget-kb 100]

What it does, in a temporary folder (nothing outside it is touched):

1. a SQLite database, migrated, with the demo guide;
2. the site on a waitress server on 127.0.0.1 (a separate process, 4 threads, like ``pserve``);
3. Debian's Chromium (Playwright, the flags of tests/live.py), a new context per measure (empty cache,
   service workers blocked so that only the page's own requests count), for the home page and the fiche
   the search for ``--fiche-query`` finds first:
   * **first visit**: every request the page makes until the network is idle, with the bytes the browser
     received for it (CDP ``Network.loadingFinished.encodedDataLength``: compressed body plus headers), by
     type (document, style sheets, scripts, images, other);
   * **slow 3G**: the same page with CDP ``Network.emulateNetworkConditions`` (400 kbit/s down and up,
     400 ms round trip): DOMContentLoaded, load and first contentful paint, from the page's Navigation
     Timing and Paint Timing entries;
4. the bytes a service worker then downloads for offline use on a first visit (its script and the offline
   page, compressed), printed apart.

The table is printed; the command exits with code 1 (and says why) when a request fails (network error or
an HTTP status ≥ 400) or a page weighs more than ``--budget-kb`` kilobytes (1 kB = 1,000 bytes).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guide.db import make_engine, make_session_factory  # noqa: E402
from guide.scripts.migrate import upgrade  # noqa: E402
from guide.services.demo import load_demo  # noqa: E402
from tests.live import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SECRET = "bench-weight-" + "w" * 40
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(var_dir: Path, database_url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    settings = {
        "var_dir": str(var_dir),
        "database_url": database_url,
        "secret": SECRET,
        "site_url": f"http://127.0.0.1:{port}",
        "mail.backend": "file",
    }
    code = (
        "from waitress import serve; from guide import main; "
        f"serve(main({{}}, **{settings!r}), host='127.0.0.1', port={port}, threads=4, _quiet=True)"
    )
    with open(log_path, "wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-c", code], cwd=str(ROOT), stdout=log_file, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the server did not start (see {log_path})")


@dataclass
class Load:
    bytes_by_type: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    dom_content_loaded: float = 0.0
    load: float = 0.0
    first_contentful_paint: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.bytes_by_type.values())


KINDS = {"Document": "document", "Stylesheet": "css", "Script": "js", "Image": "images", "Font": "fonts"}


def measure(browser: Any, url: str, *, throttle: bool) -> Load:
    """One visit of ``url`` with an empty cache: bytes per type, failures, and timings."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", service_workers="block", is_mobile=True
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttle:
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    result = Load()
    requests: dict[str, tuple[str, str]] = {}

    def on_response(event: dict[str, Any]) -> None:
        response = event["response"]
        requests[event["requestId"]] = (KINDS.get(event.get("type", ""), "other"), response["url"])
        if response["status"] >= 400:
            result.failures.append(f"{response['status']} {response['url']}")

    def on_finished(event: dict[str, Any]) -> None:
        kind, _url = requests.get(event["requestId"], ("other", ""))
        result.bytes_by_type[kind] = result.bytes_by_type.get(kind, 0) + int(event["encodedDataLength"])
        result.requests += 1

    def on_failed(event: dict[str, Any]) -> None:
        _kind, failed_url = requests.get(event["requestId"], ("other", event["requestId"]))
        result.failures.append(f"{event.get('errorText', 'failed')} {failed_url}")

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.loadingFailed", on_failed)
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    timings = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          const fcp = paint ? paint.startTime : 0;
          return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp: fcp};
        }"""
    )
    result.dom_content_loaded, result.load = timings["dcl"], timings["load"]
    result.first_contentful_paint = timings["fcp"]
    context.close()
    return result


def find_fiche(base: str, query: str) -> str:
    """The URL of the first fiche the public search API finds for ``query``."""
    with urllib.request.urlopen(f"{base}/api/v1/search?" + urllib.parse.urlencode({"q": query})) as answer:
        results = json.load(answer)["results"]
    if not results:
        raise SystemExit(f"no fiche found for {query!r}")
    return str(results[0]["url"])


def compressed_size(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as answer:
        body = answer.read()
        return len(body) if answer.headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body))


def kb(size: int) -> str:
    return f"{size / 1000:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fiche-query", default="avocat", help="the search whose first fiche is measured")
    parser.add_argument("--budget-kb", type=float, default=100.0, help="the largest page allowed (kB)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-weight-") as folder:
        tmp = Path(folder)
        database_url = f"sqlite:///{tmp / 'guide.sqlite'}"
        upgrade(database_url)
        engine = make_engine(database_url)
        with make_session_factory(engine)() as db:
            load_demo(db)
            db.commit()
        engine.dispose()
        port = free_port()
        server = start_server(tmp / "var", database_url, port, tmp / "server.log")
        base = f"http://127.0.0.1:{port}"
        problems: list[str] = []
        try:
            pages = {"accueil": base + "/", "fiche": find_fiche(base, args.fiche_query)}
            rows = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANG": "fr_FR.UTF-8"}
                )
                version = browser.version
                for name, url in pages.items():
                    first = measure(browser, url, throttle=False)
                    slow = measure(browser, url, throttle=True)
                    rows.append((name, url, first, slow))
                    for failure in first.failures + slow.failures:
                        problems.append(f"{name}: request failed: {failure}")
                    if first.total > args.budget_kb * 1000:
                        problems.append(f"{name}: {kb(first.total)} kB transferred > {args.budget_kb:g} kB")
                browser.close()
            worker = compressed_size(base + "/sw.js") + compressed_size(base + "/hors-connexion")
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"Chromium {version}; first visit, empty cache, 360 px phone; slow 3G = 400 kbit/s, 400 ms RTT")
    print()
    header = (
        f"{'page':<8} {'requests':>8} {'document':>9} {'css':>6} {'js':>6} {'images':>7} {'other':>6} "
        f"{'total kB':>9} {'DCL s':>6} {'load s':>7} {'FCP s':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, _url, first, slow in rows:
        by = first.bytes_by_type
        other = first.total - sum(by.get(k, 0) for k in ("document", "css", "js", "images"))
        print(
            f"{name:<8} {first.requests:>8} {kb(by.get('document', 0)):>9} {kb(by.get('css', 0)):>6} "
            f"{kb(by.get('js', 0)):>6} {kb(by.get('images', 0)):>7} {kb(other):>6} {kb(first.total):>9} "
            f"{slow.dom_content_loaded / 1000:>6.2f} {slow.load / 1000:>7.2f} "
            f"{slow.first_contentful_paint / 1000:>6.2f}"
        )
    print()
    for name, url, _first, _slow in rows:
        print(f"{name}: {url}")
    print(
        f"then, for offline use, the service worker downloads {kb(worker)} kB (its script, the offline page)"
    )
    if problems:
        print()
        for problem in problems:
            print("FAILED:", problem)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
