"""Search benchmark of the public guide — `make bench` (or `python bench/bench_search.py`).

For each size (default 1 000, 10 000 and 50 000 published fiches) it generates a guide in a temporary SQLite
database (the demo's organisations, lieux and taxonomy, then fiches written with bulk inserts), builds the
search index, and measures:

* index build time (`guide-reindex`'s code path) and in-process search p50/p95 over a French query set;
* p50/p95 and throughput of `/api/v1/search` and of the HTML results page, served by waitress
  in its own process on 127.0.0.1 (4 threads, as in development.ini), with 8 concurrent clients and a
  bounded number of requests, interleaved in one run with a minimal Pyramid view (no tween, no session,
  no database) on the same waitress returning the same bytes (an API response, a results page): the
  floor, and the ratio of each p95 to it (issue 9: ≤ 5×);
* the size of the home page;
* the rebuild of the index (`guide-reindex`'s code path) in a process of its own: wall time and peak RSS
  (`ru_maxrss`) after the rebuild, then after the in-memory snapshot a first search builds — target at
  50 000 fiches: ≤ 30 s and ≤ 600 MB;
* ranking: the same queries and filters ranked by our BM25 over Whoosh's postings
  (`search_index.snapshot`) and by Whoosh's own searcher with `whoosh.scoring.BM25F` (same fields, weights,
  synonyms and filters): p50/p95 of the top 10, and how far the two top 10 agree;
* the worst case: in-process search time of adversarial queries built to make a search work hard (many
  misspelt words, repeated words, 200-letter words, unicode junk, words with large synonym groups, every
  filter, the last page) — target ≤ 100 ms each at 1 000 fiches.

* the query set (tests/data/queries.json, issue 9) on the demo guide alone: the share of queries without any
  result, and the share with an expected fiche in the top 5 (targets ≤ 3 % and ≥ 90 %), by category.

A request that fails (an exception or a status other than 2xx) is counted in its row; the benchmark then exits
with status 1 and says how many failed.

Targets on a 2-core machine at 10 000 fiches: API p95 ≤ 50 ms, HTML results p95 ≤ 80 ms, reindex ≤ 30 s,
home page ≤ 150 KB. Usage: python bench/bench_search.py [--sizes 1000,10000,50000] [--requests 400]
[--no-http] (in-process figures only: reindex, search, ranking, worst case) [--query-set] (only the query
set's figures, with each query that misses) [--reindex-only] (only the reindex figures: `--sizes 50000
--reindex-only` measures issue 10's ceilings) [--reindex-procs N] (as `guide-reindex --processus N`; by
default as guide-reindex: one per core, 2 at most).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
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
from whoosh import query as wq
from whoosh import scoring

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
    import logging
    import sys
    from pathlib import Path
    from pyramid.config import Configurator
    from pyramid.response import Response
    from waitress import serve
    port, url, var_dir = sys.argv[1:4]
    from guide import main
    guide_app = main({}, database_url=url, var_dir=var_dir, secret="bench" * 10,
                     site_url=f"http://127.0.0.1:{port}", **{"ratelimit.search": "1000000/minute"})

    # The floor: a minimal Pyramid view returning the bytes of a real response (written by the benchmark
    # into var_dir before it asks for them), on the same waitress and threads as the guide.
    bodies = {}
    TYPES = {"api": "application/json", "html": "text/html; charset=utf-8"}

    def minimal_view(request):
        kind = request.matchdict["kind"]
        if kind not in bodies:
            bodies[kind] = (Path(var_dir) / f"minimal-{kind}.bin").read_bytes()
        return Response(body=bodies[kind], content_type=TYPES[kind].split(";")[0], charset=None,
                        headerlist=[("Content-Type", TYPES[kind])])

    with Configurator() as config:
        config.add_route("minimal", "/__minimal/{kind}")
        config.add_view(minimal_view, route_name="minimal")
        minimal_app = config.make_wsgi_app()

    def app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/__minimal/"):
            return minimal_app(environ, start_response)
        return guide_app(environ, start_response)

    # 8 clients on 4 threads queue by design: not a line per queued request in the table's output
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    serve(app, host="127.0.0.1", port=int(port), threads=4, _quiet=True)
""")


def serve(url: str, var_dir: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(port), url, var_dir])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


def load(
    port: int, paths: dict[str, list[str]], requests: int, clients: int = 8
) -> dict[str, tuple[float, float, float, int]]:
    """`requests` GETs of each kind of `paths` (kind → paths), interleaved (one of each kind in turn) and
    spread over `clients` threads: kind → p50 and p95 (ms), throughput (requests/s, of that kind during the
    whole run) and failed requests. A failure (an exception, a status other than 2xx) is counted, printed
    once per kind, and the worker goes on with a new connection: nothing stops silently."""
    timings: dict[str, list[float]] = {kind: [] for kind in paths}
    failures: dict[str, int] = {}
    failed: dict[str, int] = dict.fromkeys(paths, 0)
    lock = threading.Lock()
    plan = [(kind, paths[kind][n % len(paths[kind])]) for n in range(requests) for kind in paths]
    counter = iter(plan)

    def fail(kind: str, reason: str) -> None:
        with lock:
            failed[kind] += 1
            failures[reason] = failures.get(reason, 0) + 1
            if failures[reason] == 1:
                print(f"  ÉCHEC : {reason}", file=sys.stderr)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for kind, path in counter:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except Exception as exc:  # noqa: BLE001 - counted and reported, never silent
                fail(kind, f"{path}: {exc.__class__.__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if not 200 <= response.status < 300:
                fail(kind, f"{path}: HTTP {response.status}")
                continue
            with lock:
                timings[kind].append(elapsed)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = time.perf_counter() - started
    out = {}
    for kind, samples in timings.items():
        p50, p95 = percentiles(samples) if samples else (math.nan, math.nan)
        out[kind] = (p50, p95, len(samples) / total, failed[kind])
    return out


def search_paths(prefix: str) -> list[str]:
    from urllib.parse import urlencode

    return [f"{prefix}?{urlencode({'q': q, **f})}" for q in QUERIES for f in FILTERS]


REINDEX_CEILING_S, REINDEX_CEILING_MB = 30.0, 600.0  # issue 10, at 50 000 fiches
API_ALONE_CEILING_MS = 50.0  # issue 9: the search API's p95 at 50 000 fiches
REINDEX_CHILD = textwrap.dedent("""
    import json, os, resource, sys, time
    from guide.db import make_engine, make_session_factory
    from search_index import SearchService
    url, folder, procs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    factory = make_session_factory(make_engine(url))
    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    def cpu_s():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    service = SearchService(folder, factory)
    start_mb, start_cpu = peak_mb(), cpu_s()
    with factory() as db:
        count, seconds = service.reindex_all(db, procs=procs)  # guide-reindex --processus
    reindex_mb, cpu = peak_mb(), cpu_s() - start_cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += children.ru_utime + children.ru_stime  # processes the rebuild may have forked
    reindex_mb += procs * children.ru_maxrss / 1024 if procs > 1 else 0  # an upper bound (shared pages)
    started = time.perf_counter()
    service.snapshot()
    snapshot_s = time.perf_counter() - started
    print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "start_mb": start_mb,
                      "reindex_mb": reindex_mb, "snapshot_s": snapshot_s, "snapshot_mb": peak_mb(),
                      "load": os.getloadavg()[0], "procs": procs}))
""")


def measure_reindex(url: str, folder: Path, procs: int = 1) -> dict[str, float]:
    """Rebuild the index in a process of its own, so that its peak RSS is the rebuild's (and then the
    snapshot's) alone: documents, wall and CPU seconds (the CPU time says more than the wall time on a
    machine other processes share), peak MB at start, after the rebuild (with ``procs`` > 1, as
    ``guide-reindex --processus``: plus ``procs`` times the largest forked process, an upper bound), after
    the snapshot, and the load average when it ended."""
    out = subprocess.run(
        [sys.executable, "-c", REINDEX_CHILD, url, str(folder), str(procs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _whoosh_expression(terms: tuple[str, ...], boost: float) -> wq.Query:
    from search_index.schema import FIELD_WEIGHTS

    if len(terms) == 1:
        return wq.Or([wq.Term(f, terms[0], boost=w * boost) for f, w in FIELD_WEIGHTS.items()])
    return wq.Or([wq.Phrase(f, list(terms), slop=1, boost=w * boost) for f, w in FIELD_WEIGHTS.items()])


def whoosh_query(service: Any, q: str) -> wq.Query | None:
    """Our query as a Whoosh query: every word (unit) must match; a word's forms (itself, its synonyms at
    SYNONYM_BOOST) compete as a DisjunctionMax, as ours keep the best form; within a form the fields add up
    with their weights (BM25F)."""
    units, _highlight = service.parse_query(q)
    if not units:
        return None
    return wq.And([wq.DisjunctionMax([_whoosh_expression(t, boost) for t, boost in unit]) for unit in units])


def compare_ranking(service: Any, repeat: int = 3) -> dict[str, Any]:
    """The same queries × filters, top 10 by our ranking and by Whoosh's searcher with BM25F.

    « ours cold »: the snapshot's posting and score caches emptied before each query (the first time a word
    is searched); « ours warm »: as a busy server runs. Overlap: the share of Whoosh's top 10 in ours;
    « up to ties »: counting as agreeing a Whoosh hit that ours scores as high as its own 10th (generated
    fiches share their texts, so many scores tie and the tie-breaks differ: ours by name, Whoosh's by
    document number)."""
    from search_index.params import SearchParams
    from search_index.ranking import ordered_page
    from search_index.snapshot import docnums_of

    snap = service.snapshot()
    now = dt.datetime.now(dt.UTC)
    searcher = service.folder.index.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
    cold: list[float] = []
    warm: list[float] = []
    theirs: list[float] = []
    overlap: list[float] = []
    tie_overlap: list[float] = []
    same_total = compared = 0

    def ours(q: str, filters: dict[str, str]) -> tuple[list[int], list[dict[int, float]], int]:
        units, _highlight = service.parse_query(q)
        text_mask, scores = service._match(snap, units)
        final = text_mask
        for name, value in filters.items():
            final &= service._filter_mask(snap, name, value, now)
        docs = ordered_page(snap, scores, final, SearchParams(q=q, per_page=10), 0)
        return docs, scores, final.bit_count()

    def whoosh_filter(filters: dict[str, str]) -> Any:
        parts: list[wq.Query] = []
        for name, value in filters.items():
            if name in ("gratuit", "accessible"):
                parts.append(wq.Term("flags", name))
            elif name != "ouvert":
                parts.append(wq.Term(name, value))
        if "ouvert" in filters:  # computed from opening hours at search time: no Whoosh field holds it
            allowed = set(docnums_of(snap.open_mask(now), snap.size))
            if parts:
                allowed &= set(searcher.docs_for_query(wq.And(parts)))
            return allowed
        return wq.And(parts) if len(parts) > 1 else (parts[0] if parts else None)

    for q in [q for q in QUERIES if q]:
        for filters in FILTERS:
            for _ in range(repeat):
                snap._terms.clear()
                snap._units.clear()
                t0 = time.perf_counter()
                ours(q, filters)
                cold.append((time.perf_counter() - t0) * 1000)
            for _ in range(repeat):
                t0 = time.perf_counter()
                docs, scores, total = ours(q, filters)
                warm.append((time.perf_counter() - t0) * 1000)
            for _ in range(repeat):
                t0 = time.perf_counter()
                query = whoosh_query(service, q)
                results = searcher.search(query, limit=10, filter=whoosh_filter(filters)) if query else None
                top = [hit.docnum for hit in results] if results is not None else []
                theirs.append((time.perf_counter() - t0) * 1000)
            their_total = len(results) if results is not None else 0
            compared += 1
            same_total += their_total == total
            if not top and not docs:
                overlap.append(1.0)
                tie_overlap.append(1.0)
                continue
            overlap.append(len(set(top) & set(docs)) / max(len(top), len(docs)))

            ours_score = {d: sum(s.get(d, 0.0) for s in scores) for d in {*docs, *top}}
            floor = min((ours_score[d] for d in docs), default=0.0) - 1e-9
            agree = sum(1 for d in top if d in docs or ours_score[d] >= floor)
            tie_overlap.append(agree / max(len(top), len(docs)))
    searcher.close()
    return {
        "cold": percentiles(cold),
        "warm": percentiles(warm),
        "whoosh": percentiles(theirs),
        "overlap": statistics.mean(overlap),
        "tie_overlap": statistics.mean(tie_overlap),
        "same_total": same_total,
        "compared": compared,
    }


def locals_for_row(
    size: int,
    count: int,
    generated: float,
    reindex: dict[str, float],
    reindex_seconds: float,
    in_p50: float,
    in_p95: float,
    worst: list[tuple[float, str]],
) -> dict[str, Any]:
    return {
        "size": size,
        "indexed": count,
        "generate_s": generated,
        "reindex": reindex,
        "reindex_s": reindex_seconds,
        "in_p50": in_p50,
        "in_p95": in_p95,
        "worst": worst,
    }


def bench_size(size: int, requests: int, with_http: bool = True, procs: int = 1) -> dict[str, Any]:
    from search_index import SearchService

    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        url = f"sqlite:///{tmp}/guide.sqlite"
        started = time.perf_counter()
        generate(url, size)
        generated = time.perf_counter() - started
        engine = make_engine(url)
        factory = make_session_factory(engine)
        reindex = measure_reindex(url, Path(tmp) / "index", procs)
        count, reindex_seconds = reindex["count"], reindex["seconds"]
        service = SearchService(Path(tmp) / "index", factory)
        ranking = compare_ranking(service)
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
        if not with_http:
            nothing = (math.nan, math.nan, math.nan, 0)
            return {
                **locals_for_row(size, count, generated, reindex, reindex_seconds, in_p50, in_p95, worst),
                "worst_failed": worst_failed,
                "ranking": ranking,
                "api": nothing,
                "api_alone": nothing,
                "html": nothing,
                "minimal_html": nothing,
                "minimal_api": nothing,
                "home_kb": math.nan,
                "page_kb": math.nan,
            }

        app, port = serve(url, tmp)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/")
            home = conn.getresponse().read()
            conn.request("GET", "/recherche?q=sant%C3%A9")
            page = conn.getresponse().read()
            conn.request("GET", "/api/v1/search?q=sant%C3%A9")
            api_body = conn.getresponse().read()
            conn.close()
            (Path(tmp) / "minimal-html.bin").write_bytes(page)
            (Path(tmp) / "minimal-api.bin").write_bytes(api_body)
            kinds = {
                "api": search_paths("/api/v1/search"),
                "html": search_paths("/recherche"),
                "minimal api": ["/__minimal/api"],
                "minimal html": ["/__minimal/html"],
            }
            load(port, {kind: paths[:20] for kind, paths in kinds.items()}, 10)  # warm-up
            measured = load(port, kinds, requests)
            # the API on its own, same clients and requests: issue 9's « at 50 000 fiches, API p95 ≤ 50 ms »
            # (in the run above every API request also queues behind HTML pages rendered on the same threads)
            alone = load(port, {"api": kinds["api"]}, requests)["api"]
        finally:
            app.terminate()
            app.wait()
        api, html = measured["api"], measured["html"]
        minimal_html, minimal_api = measured["minimal html"], measured["minimal api"]
    return {
        **locals_for_row(size, count, generated, reindex, reindex_seconds, in_p50, in_p95, worst),
        "worst_failed": worst_failed,
        "ranking": ranking,
        "api": api,
        "api_alone": alone,
        "html": html,
        "minimal_html": minimal_html,
        "minimal_api": minimal_api,
        "home_kb": len(home) / 1024,
        "page_kb": len(page) / 1024,
        "api_kb": len(api_body) / 1024,
    }


def query_set_figures() -> Any:
    """The query set of issue 9 on the demo guide alone (its expected fiches are the demo's): a migrated
    database (with the shipped lexicon), the demo and its synonyms, a fresh index."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests package, beside bench/
    from guide.services.demo import ensure_synonyms
    from search_index import SearchService
    from tests.query_set import measure

    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        url = f"sqlite:///{tmp}/guide.sqlite"
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with factory() as db:
            load_demo(db)
            ensure_synonyms(db)
            db.commit()
        service = SearchService(Path(tmp) / "index", factory)
        with factory() as db:
            service.reindex_all(db)
            figures = measure(service, db)
        engine.dispose()
    return figures


def reindex_only(size: int, procs: int = 1) -> dict[str, Any]:
    """The reindex figures alone: a generated guide of ``size`` fiches, rebuilt in a process of its own."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        url = f"sqlite:///{tmp}/guide.sqlite"
        generate(url, size)
        reindex = measure_reindex(url, Path(tmp) / "index", procs)
    return {"indexed": reindex["count"], "reindex": reindex}


def print_header(header: tuple[str, ...]) -> None:
    """A table's header, as Markdown (the tables are pasted into notes and the README)."""
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))


def print_reindex(rows: list[dict[str, Any]]) -> None:
    print(
        "Reindex — guide-reindex's code path in a process of its own; ceilings at 50 000 fiches: "
        f"≤ {REINDEX_CEILING_S:.0f} s, ≤ {REINDEX_CEILING_MB:.0f} MB (wall time: on a machine other "
        "processes share, the CPU time says more)"
    )
    header = (
        "fiches",
        "processes",
        "reindex s (CPU s)",
        "ceiling s",
        "peak MB after reindex",
        "peak MB after snapshot",
        "ceiling MB",
        "snapshot s",
        "start MB",
        "load average",
    )
    print_header(header)
    for r in rows:
        x = r["reindex"]
        print(
            " | ".join(
                [
                    f"{r['indexed']:,}".replace(",", " "),
                    f"{x.get('procs', 1)}",
                    f"{x['seconds']:.1f} ({x['cpu']:.1f})",
                    f"≤ {REINDEX_CEILING_S:.0f} " + ("ok" if x["seconds"] <= REINDEX_CEILING_S else "OVER"),
                    f"{x['reindex_mb']:.0f}",
                    f"{x['snapshot_mb']:.0f}",
                    f"≤ {REINDEX_CEILING_MB:.0f} "
                    + ("ok" if max(x["reindex_mb"], x["snapshot_mb"]) <= REINDEX_CEILING_MB else "OVER"),
                    f"{x['snapshot_s']:.1f}",
                    f"{x['start_mb']:.0f}",
                    f"{x.get('load', math.nan):.1f}",
                ]
            )
        )


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×" if floor and not math.isnan(value) and not math.isnan(floor) else "—"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--no-http", action="store_true", help="in-process figures only")
    parser.add_argument("--query-set", action="store_true", help="only the query set's figures")
    parser.add_argument(
        "--reindex-only",
        action="store_true",
        help="only the reindex figures (e.g. --sizes 50000 --reindex-only)",
    )
    parser.add_argument(
        "--reindex-procs",
        type=int,
        default=None,
        help="indexing processes (as guide-reindex --processus N; default: one per core, 2 at most)",
    )
    args = parser.parse_args()
    from search_index.cli import default_processes

    args.reindex_procs = args.reindex_procs or default_processes()
    if args.reindex_only:
        print_reindex([reindex_only(int(size), args.reindex_procs) for size in args.sizes.split(",")])
        return 0
    figures = query_set_figures()
    print("Query set (tests/data/queries.json) on the demo guide — targets: no result ≤ 3 %, top 5 ≥ 90 %")
    print(figures.report(details=args.query_set))
    if args.query_set:
        return 0
    rows = [
        bench_size(int(size), args.requests, with_http=not args.no_http, procs=args.reindex_procs)
        for size in args.sizes.split(",")
    ]
    print()
    print(
        f"Search benchmark — {os.cpu_count()} CPU (load average {os.getloadavg()[0]:.1f} at the end: other "
        f"processes share them), {args.requests} requests per kind, 8 clients, the four "
        "kinds interleaved in one run on one waitress; « minimal »: a bare Pyramid view returning the same "
        "bytes (target: p95 ≤ 5× the minimal view's); then the API alone, same clients and requests"
    )
    header = (
        "fiches",
        "reindex s",
        "search p50/p95 ms",
        "API p50/p95 ms",
        "minimal API p50/p95 ms",
        "API p95 ratio",
        f"API alone p50/p95 ms (≤ {API_ALONE_CEILING_MS:.0f} at 50 000)",
        "HTML p50/p95 ms",
        "minimal HTML p50/p95 ms",
        "HTML p95 ratio",
        "API / HTML req/s",
        "failed",
        "home KB",
    )
    print_header(header)
    failed = 0
    for r in rows:
        row_failed = (
            r["api"][3] + r["api_alone"][3] + r["html"][3] + r["minimal_api"][3] + r["minimal_html"][3]
        )
        failed += row_failed
        print(
            " | ".join(
                [
                    f"{r['indexed']:,}".replace(",", " "),
                    f"{r['reindex_s']:.1f}",
                    f"{r['in_p50']:.1f} / {r['in_p95']:.1f}",
                    f"{r['api'][0]:.1f} / {r['api'][1]:.1f}",
                    f"{r['minimal_api'][0]:.1f} / {r['minimal_api'][1]:.1f}",
                    ratio(r["api"][1], r["minimal_api"][1]),
                    f"{r['api_alone'][0]:.1f} / {r['api_alone'][1]:.1f}"
                    + (
                        (" ok" if r["api_alone"][1] <= API_ALONE_CEILING_MS else " OVER")
                        if r["indexed"] >= 50000
                        else ""
                    ),
                    f"{r['html'][0]:.1f} / {r['html'][1]:.1f}",
                    f"{r['minimal_html'][0]:.1f} / {r['minimal_html'][1]:.1f}",
                    ratio(r["html"][1], r["minimal_html"][1]),
                    f"{r['api'][2]:.0f} / {r['html'][2]:.0f}",
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
    print_header(header)
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
    print()
    print_reindex(rows)
    print()
    print(
        "Ranking — top 10 of the same queries × filters: our BM25 over Whoosh's postings vs Whoosh's "
        "searcher with BM25F (in-process)"
    )
    header = (
        "fiches",
        "ours cold p50/p95 ms",
        "ours warm p50/p95 ms",
        "Whoosh BM25F p50/p95 ms",
        "top-10 overlap",
        "overlap up to ties",
        "same totals",
    )
    print_header(header)
    for r in rows:
        k = r["ranking"]
        print(
            " | ".join(
                [
                    f"{r['indexed']:,}".replace(",", " "),
                    f"{k['cold'][0]:.1f} / {k['cold'][1]:.1f}",
                    f"{k['warm'][0]:.1f} / {k['warm'][1]:.1f}",
                    f"{k['whoosh'][0]:.1f} / {k['whoosh'][1]:.1f}",
                    f"{k['overlap']:.0%}",
                    f"{k['tie_overlap']:.0%}",
                    f"{k['same_total']}/{k['compared']}",
                ]
            )
        )
    if failed:
        print(f"\n{failed} requêtes en échec : les chiffres ci-dessus ne valent rien.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
