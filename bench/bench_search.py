"""Search benchmark of the public guide — `make bench` (or `python bench/bench_search.py`).

For each size (default 1 000, 10 000 and 50 000 published fiches) it generates a guide in a temporary SQLite
database (the demo's organisations, lieux and taxonomy, then fiches written with bulk inserts), builds the
search index, and measures:

* index build time (`guide-reindex`'s code path) and in-process search p50/p95 over a French query set;
* p50/p95 and throughput of `/api/v1/search` and of the HTML results page, served by waitress
  in its own process on 127.0.0.1 (4 threads, as in development.ini), with 8 concurrent clients and a
  bounded number of requests;
* the same for waitress serving a static file of the results page's size (the ceiling);
* the size of the home page;
* the worst case: in-process search time of adversarial queries built to make a search work hard (many
  misspelt words, repeated words, 200-letter words, unicode junk, words with large synonym groups, every
  filter, the last page) — target ≤ 100 ms each at 1 000 fiches.

A request that fails (an exception or a status other than 2xx) is counted in its row; the benchmark then exits
with status 1 and says how many failed.

Targets on a 2-core machine at 10 000 fiches: API p95 ≤ 50 ms, HTML results p95 ≤ 80 ms, reindex ≤ 30 s,
home page ≤ 150 KB. Usage: python bench/bench_search.py [--sizes 1000,10000,50000] [--requests 400]
"""

from __future__ import annotations

import argparse
import http.client
import math
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from guide.db import make_engine, make_session_factory
from guide.models import Fiche, FicheVersion, Lieu, Organisation, State, Synonym, Thematique, utcnow
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


# Synonym groups a careless (or hostile) coordinator could save: one word, dozens of multi-word expressions.
BIG_SYNONYM_GROUPS = [
    ", ".join([head, *[f"{head} {extra} {n}" for n in range(30) for extra in ("quartier", "famille")]])
    for head in ("logement", "emploi", "famille", "jeunesse", "santé", "droits", "soutien", "écoute")
]


def adversarial_queries(texts: Sequence[str] = ()) -> list[tuple[str, dict[str, Any]]]:
    """Queries built to make one search work as hard as it can (each at most 200 characters, the limit;
    longer ones are refused before any work). ``texts`` (descriptions of indexed fiches) give queries whose
    every word is found, so that no word can be skipped."""
    every_filter = {
        "thematique": "sante",
        "public": "familles",
        "quartier": "la-gauthiere",
        "gratuit": True,
        "accessible": True,
        "langue": "ar",
        "ouvert": True,
        "sort": "distance",
        "position": (45.78, 3.08),
        "page": 500,
        "per_page": 100,
    }
    typos4 = "aidr aidee aidei aideo aideu aidey aidet aidel aiden caas ceas cias cuas cyas"
    typos_many = " ".join(f"{w}{c}" for w in ("aid", "cas", "caf", "pmi", "lsf") for c in "abcdefghij")
    long_typos = " ".join(
        w + "x"
        for w in (
            "accompagnement",
            "alphabetisation",
            "interruption",
            "intrafamiliales",
            "psychologique",
            "informatique",
            "consultation",
            "permanence",
            "allocations",
            "protection",
            "maternelle",
            "solidarité",
            "prévention",
        )
    )
    junk = "".join(chr(c) for c in (0xFDFD, 0x1F600, 0x0301, 0x00E9, 0x4E2D, 0x0416, 0x05D0, 0x0E01) * 25)
    synonyms = " ".join(
        ["logement", "emploi", "famille", "jeunesse", "santé", "droits", "soutien", "écoute"] * 3
    )
    queries = [
        typos4,
        typos_many,
        long_typos,
        "violance " * 22,
        "a" * 200,
        "violance" + "e" * 192,
        "é" * 200,
        junk[:200],
        "e\u0301" * 100,
        synonyms,
        "ivg avortement avocat devoirs fle pmi ccas caf ordinateur psychologue sdf lsf seniors colis",
        " ".join(["zz", "qu'", "l'", "d'"] * 40),
        "0612345678 " * 18,
    ]
    queries += texts
    out: list[tuple[str, dict[str, Any]]] = []
    for q in queries:
        q = " ".join(q.split())[:200]
        out.append((q, {}))
        out.append((q, every_filter))
    return out


def generate(url: str, size: int) -> None:
    """The demo, then `size` published fiches cloned from the demo's with varied words."""
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    rng = random.Random(size)
    with factory() as db:
        load_demo(db)
        db.add_all(Synonym(terms=terms) for terms in BIG_SYNONYM_GROUPS)
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


def load(port: int, paths: list[str], requests: int, clients: int = 8) -> tuple[float, float, float, int]:
    """p50 and p95 (ms), throughput (requests/s) and failed requests of `requests` GETs spread over
    `clients` threads. A failure (an exception, a status other than 2xx) is counted, printed once per
    kind, and the worker goes on with a new connection: nothing stops silently."""
    timings: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(requests))

    def fail(reason: str) -> None:
        with lock:
            failures[reason] = failures.get(reason, 0) + 1
            if failures[reason] == 1:
                print(f"  ÉCHEC : {reason}", file=sys.stderr)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in counter:
            path = paths[n % len(paths)]
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except Exception as exc:  # noqa: BLE001 - counted and reported, never silent
                fail(f"{path}: {exc.__class__.__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if not 200 <= response.status < 300:
                fail(f"{path}: HTTP {response.status}")
                continue
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
    p50, p95 = percentiles(timings) if timings else (math.nan, math.nan)
    return p50, p95, len(timings) / total, sum(failures.values())


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
        worst: list[tuple[float, str]] = []
        worst_failed = 0
        with factory() as db:
            texts = db.scalars(
                select(FicheVersion.description)
                .order_by(func.length(FicheVersion.description).desc())
                .limit(3)
            ).all()
        for query, kwargs in adversarial_queries(texts):
            elapsed = []
            for _ in range(3):
                t0 = time.perf_counter()
                try:
                    service.search(query, record_miss=False, **kwargs)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    worst_failed += 1
                    print(f"  ÉCHEC : pire cas {query[:40]!r}: {exc!r}", file=sys.stderr)
                    break
                elapsed.append((time.perf_counter() - t0) * 1000)
            if elapsed:
                worst.append((max(elapsed), query))
        worst.sort(reverse=True)
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
        "worst": worst,
        "worst_failed": worst_failed,
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
        "failed",
        "home KB",
    )
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    failed = 0
    for r in rows:
        row_failed = r["api"][3] + r["html"][3] + r["static"][3]
        failed += row_failed
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
                    f"{row_failed}",
                    f"{r['home_kb']:.0f}",
                ]
            )
        )
    print()
    print(
        "Worst case — adversarial searches in-process (each alone and with every filter), slowest of 3 runs"
    )
    header = ("fiches", "worst ms", "median ms", "failed", "slowest query")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in rows:
        failed += r["worst_failed"]
        times = [t for t, _q in r["worst"]]
        slowest = r["worst"][0][1] if r["worst"] else ""
        print(
            " | ".join(
                [
                    f"{r['indexed']:,}".replace(",", " "),
                    f"{max(times, default=math.nan):.1f}",
                    f"{statistics.median(times) if times else math.nan:.1f}",
                    f"{r['worst_failed']}",
                    repr(slowest[:50]),
                ]
            )
        )
    if failed:
        print(f"\n{failed} requêtes en échec : les chiffres ci-dessus ne valent rien.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
