"""Search benchmark of the public guide — `make bench` (or `python bench/bench_search.py`).

For each size (default 1 000, 10 000 and 50 000 published fiches) it generates a guide in a temporary SQLite
database (the demo's organisations, lieux and taxonomy, then fiches written with bulk inserts), builds the
search index, and measures:

* index build time (`guide-reindex`'s code path) and in-process search p50/p95 over a French query set;
* p50/p95 and throughput of `/api/v1/search` and of the HTML results page, served by waitress
  in its own process on 127.0.0.1 (4 threads, as in development.ini), with 8 concurrent clients and a
  bounded number of requests;
* the same for waitress serving a static file of the results page's size (the ceiling);
* the size of the home page.

Targets on a 2-core machine at 10 000 fiches: API p95 ≤ 50 ms, HTML results p95 ≤ 80 ms, reindex ≤ 30 s,
home page ≤ 150 KB. Usage: python bench/bench_search.py [--sizes 1000,10000,50000] [--requests 400]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from guide.db import make_engine, make_session_factory
from guide.models import Fiche, FicheVersion, Lieu, Organisation, State, Thematique, utcnow
from guide.models.fiche import version_lieu, version_thematique
from guide.scripts.migrate import upgrade
from guide.services.demo import load_demo

QUERIES = [
    "avocat gratuit",
    "violences conjugales",
    "aide aux devoirs",
    "cours de français",
    "ivg",
    "santé",
    "logement",
    "ateliers",
    "l'enfance",
    "permanence juridique",
    "numérique",
    "violance",
    "",
    "parents",
    "alimentaire",
    "psychologue",
]
FILTERS = [{}, {"gratuit": "1"}, {"ouvert": "1"}, {"quartier": "la-gauthiere"}, {"thematique": "sante"}]
WORDS = [
    "écoute",
    "accueil",
    "orientation",
    "atelier",
    "rencontre",
    "permanence",
    "soutien",
    "accompagnement",
    "information",
    "prévention",
    "solidarité",
    "quartier",
    "famille",
    "jeunesse",
    "démarches",
    "droits",
    "santé",
    "emploi",
    "logement",
]


def generate(url: str, size: int) -> None:
    """The demo, then `size` published fiches cloned from the demo's with varied words."""
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rng = random.Random(size)
    with factory() as db:
        load_demo(db)
        db.commit()
        orgs = [o.id for o in db.scalars(select(Organisation))]
        lieux = [lieu.id for lieu in db.scalars(select(Lieu))]
        themes = [t.id for t in db.scalars(select(Thematique))]
        templates = [v for v in db.scalars(select(FicheVersion)) if v.nom]
        next_fiche = (db.scalar(select(func.max(Fiche.id))) or 0) + 1
        next_version = (db.scalar(select(func.max(FicheVersion.id))) or 0) + 1
        now = utcnow()
        batch = 2000
        for start in range(0, size, batch):
            fiches, versions, vl, vt, pointers = [], [], [], [], []
            for i in range(start, min(size, start + batch)):
                t = templates[i % len(templates)]
                fid, vid = next_fiche + i, next_version + i
                extra = " ".join(rng.sample(WORDS, 3))
                fiches.append(
                    {
                        "id": fid,
                        "uid": f"bench--{i}",
                        "organisation_id": rng.choice(orgs),
                        "state": State.PUBLISHED,
                        "created_at": now,
                        "updated_at": now,
                        "state_changed_at": now,
                        "published_at": now,
                        "lock_version": 1,
                    }
                )
                versions.append(
                    {
                        "id": vid,
                        "fiche_id": fid,
                        "number": 1,
                        "created_at": now,
                        "note": "bench",
                        "nom": f"{t.nom} {i}"[:150],
                        "resume": t.resume,
                        "description": f"{t.description} {extra}",
                        "type_service": t.type_service,
                        "publics": t.publics,
                        "publics_precisions": "",
                        "age_min": t.age_min,
                        "age_max": t.age_max,
                        "conditions_acces": t.conditions_acces,
                        "conditions_precisions": "",
                        "frais": t.frais,
                        "frais_precisions": "",
                        "langues": t.langues,
                        "horaires": t.horaires,
                        "horaires_precisions": "",
                        "fermetures": [],
                        "contact_nom": "",
                        "telephone": t.telephone,
                        "courriel": "",
                        "site_web": "",
                    }
                )
                vl.append({"version_id": vid, "lieu_id": rng.choice(lieux), "position": 0})
                for theme in rng.sample(themes, 2):
                    vt.append({"version_id": vid, "thematique_id": theme})
                pointers.append((fid, vid))
            db.execute(insert(Fiche), fiches)
            db.execute(insert(FicheVersion), versions)
            db.execute(insert(version_lieu), vl)
            db.execute(insert(version_thematique), vt)
            table = Fiche.__table__
            db.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(current_version_id=bindparam("b_v"), published_version_id=bindparam("b_v")),
                [{"b_id": fid, "b_v": vid} for fid, vid in pointers],
            )
            db.commit()
    engine.dispose()


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER = textwrap.dedent("""
    import sys
    from waitress import serve
    kind, port, url, var_dir, static = sys.argv[1:6]
    if kind == "app":
        from guide import main
        app = main({}, database_url=url, var_dir=var_dir, secret="bench" * 10,
                   site_url=f"http://127.0.0.1:{port}")
    else:
        body = open(static, "rb").read()
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]
    serve(app, host="127.0.0.1", port=int(port), threads=4, _quiet=True)
""")


def serve(kind: str, url: str, var_dir: str, static: str = "") -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, kind, str(port), url, var_dir, static or "-"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def load(port: int, paths: list[str], requests: int, clients: int = 8) -> tuple[float, float, float]:
    """p50 and p95 (ms) and throughput (requests/s) of `requests` GETs spread over `clients` threads."""
    timings: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in counter:
            path = paths[n % len(paths)]
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            with lock:
                timings.append(elapsed)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = time.perf_counter() - started
    p50, p95 = percentiles(timings)
    return p50, p95, len(timings) / total


def search_paths(prefix: str) -> list[str]:
    from urllib.parse import urlencode

    return [f"{prefix}?{urlencode({'q': q, **f})}" for q in QUERIES for f in FILTERS]


def bench_size(size: int, requests: int) -> dict[str, Any]:
    from search_index import SearchService

    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        url = f"sqlite:///{tmp}/guide.sqlite"
        started = time.perf_counter()
        generate(url, size)
        generated = time.perf_counter() - started
        engine = make_engine(url)
        factory = make_session_factory(engine)
        service = SearchService(Path(tmp) / "index", factory)
        with factory() as db:
            count, reindex_seconds = service.reindex_all(db)
        timings = []
        for query in QUERIES:
            for filters in FILTERS:
                flags = {k: (v == "1") if k in ("gratuit", "ouvert") else v for k, v in filters.items()}
                for _ in range(3):
                    t0 = time.perf_counter()
                    service.search(query, record_miss=False, **flags)
                    timings.append((time.perf_counter() - t0) * 1000)
        in_p50, in_p95 = percentiles(timings)
        engine.dispose()

        app, port = serve("app", url, tmp)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/")
            home = conn.getresponse().read()
            conn.request("GET", "/recherche?q=sant%C3%A9")
            page = conn.getresponse().read()
            conn.close()
            load(port, search_paths("/api/v1/search")[:20], 40)  # warm-up
            api = load(port, search_paths("/api/v1/search"), requests)
            html = load(port, search_paths("/recherche"), requests)
        finally:
            app.terminate()
            app.wait()
        static_file = Path(tmp) / "page.html"
        static_file.write_bytes(page)
        server, port = serve("static", url, tmp, str(static_file))
        try:
            static = load(port, ["/page.html"], requests)
        finally:
            server.terminate()
            server.wait()
    return {
        "size": size,
        "indexed": count,
        "generate_s": generated,
        "reindex_s": reindex_seconds,
        "in_p50": in_p50,
        "in_p95": in_p95,
        "api": api,
        "html": html,
        "static": static,
        "home_kb": len(home) / 1024,
        "page_kb": len(page) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    rows = [bench_size(int(size), args.requests) for size in args.sizes.split(",")]
    print()
    print(f"Search benchmark — {os.cpu_count()} CPU, {args.requests} requests per endpoint, 8 clients")
    header = (
        "fiches",
        "reindex s",
        "search p50/p95 ms",
        "API p50/p95 ms",
        "API req/s",
        "HTML p50/p95 ms",
        "HTML req/s",
        "static p50/p95 ms",
        "static req/s",
        "home KB",
    )
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in rows:
        print(
            " | ".join(
                [
                    f"{r['indexed']:,}".replace(",", " "),
                    f"{r['reindex_s']:.1f}",
                    f"{r['in_p50']:.1f} / {r['in_p95']:.1f}",
                    f"{r['api'][0]:.1f} / {r['api'][1]:.1f}",
                    f"{r['api'][2]:.0f}",
                    f"{r['html'][0]:.1f} / {r['html'][1]:.1f}",
                    f"{r['html'][2]:.0f}",
                    f"{r['static'][0]:.1f} / {r['static'][1]:.1f}",
                    f"{r['static'][2]:.0f}",
                    f"{r['home_kb']:.0f}",
                ]
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
