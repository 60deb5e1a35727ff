"""Freshness, reminders and update campaigns at scale — `python bench/bench_freshness.py`.

Generates a guide of 2 000 organisations and 10 000 published fiches (bulk inserts on top of the demo's
taxonomy and lieux: 5 fiches per organisation, confirmations spread over the last 24 months, 3 in 4
organisations with a member, the others with a contact e-mail only) in a temporary SQLite database, builds
its search index, starts a local SMTP server (aiosmtpd, counting what it receives), the site (waitress, 4
threads, in its own process) and the real ``guide-worker`` (its own process, on an ini file of the same
settings), and measures:

* the set-based freshness figures (`freshness_counts`, overall and by thématique / quartier / organisation,
  and `stale_fiches_query`), in process;
* `guide-remind` (``guide.scripts.remind.run``, the command's code path): the reminders due for 10 000 fiches
  — target ≤ 10 s — then their delivery by guide-worker to the SMTP server; a second run must send nothing;
* the public search, idle: ``--clients`` (4) clients GET ``/api/v1/search`` on the site for
  ``--idle-seconds`` (20), over a set of distinct French queries (many times what the results cache holds);
* the « État du guide » page: 20 GETs by a logged-in coordinator (after one to warm up), median and p95 —
  target ≤ 300 ms; then 10 GETs each after a fiche was confirmed (the figures recomputed: the page keeps
  them per data revision), median and p95;
* a campaign to all 2 000 organisations, created and sent by the coordinator through the site (HTTP, forms
  with their CSRF token), until every mail reached the SMTP server, delivered by guide-worker — target
  ≤ 60 s — while the same clients search (other queries of the set): the search p95 during the delivery,
  and its ratio to the idle p95 — target ≤ 1.5×.

Prints a table headed by the machine's load average (figures on a shared machine); counts failures (a
request not answered as expected, a search not 200, mails missing at the SMTP server, a target missed),
lists the first failed requests and exits 1 when there is any. Usage: python bench/bench_freshness.py
[--organisations 2000] [--fiches 10000] [--clients 4] [--idle-seconds 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import itertools
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import requests
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from sqlalchemy import bindparam, func, insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guide.db import make_engine, make_session_factory  # noqa: E402
from guide.models import (  # noqa: E402
    Campaign,
    CampaignRecipient,
    Fiche,
    FicheVersion,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    SiteRole,
    State,
    Thematique,
    User,
    utcnow,
)
from guide.models.directory import lieu_organisation  # noqa: E402
from guide.models.fiche import version_lieu, version_thematique  # noqa: E402
from guide.scripts import remind  # noqa: E402
from guide.scripts.migrate import upgrade  # noqa: E402
from guide.services import freshness  # noqa: E402
from guide.services.accounts import hash_password  # noqa: E402
from guide.services.demo import load_demo  # noqa: E402
from guide.settings import resolve  # noqa: E402
from search_index import index_dir  # noqa: E402
from search_index.service import SearchService  # noqa: E402

PASSWORD = "bench-freshness-2026"


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.recipients: set[str] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(url: str, organisations: int, fiches: int, seed: int = 8) -> dict[str, int]:
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(seed)
    today = dt.date.today()
    now = utcnow()
    with make_session_factory(engine)() as db:
        load_demo(db)
        db.add(
            User(
                email="coord@bench.test",
                name="Coordination",
                role=SiteRole.COORDINATOR,
                password_hash=hash_password(PASSWORD),
            )
        )
        db.commit()
        lieux = [lieu.id for lieu in db.scalars(select(Lieu))]
        themes = [t.id for t in db.scalars(select(Thematique))]
        first_org = (db.scalar(select(func.max(Organisation.id))) or 0) + 1
        db.execute(
            insert(Organisation),
            [
                {
                    "id": first_org + i,
                    "slug": f"bench-{i}",
                    "nom": f"Structure {i:04d}",
                    "courriel": f"contact{i}@bench.test",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(organisations)
            ],
        )
        db.execute(
            insert(lieu_organisation),
            [{"lieu_id": rng.choice(lieux), "organisation_id": first_org + i} for i in range(organisations)],
        )
        first_user = (db.scalar(select(func.max(User.id))) or 0) + 1
        with_member = [i for i in range(organisations) if i % 4 != 3]
        db.execute(
            insert(User),
            [
                {
                    "id": first_user + n,
                    "email": f"membre{i}@bench.test",
                    "name": f"Membre {i}",
                    "role": SiteRole.PARTNER,
                    "active": True,
                    "created_at": now,
                    "session_generation": 0,
                }
                for n, i in enumerate(with_member)
            ],
        )
        db.execute(
            insert(Membership),
            [
                {
                    "user_id": first_user + n,
                    "organisation_id": first_org + i,
                    "role": MemberRole.OWNER,
                    "created_at": now,
                }
                for n, i in enumerate(with_member)
            ],
        )
        first_fiche = (db.scalar(select(func.max(Fiche.id))) or 0) + 1
        first_version = (db.scalar(select(func.max(FicheVersion.id))) or 0) + 1
        for start in range(0, fiches, 2000):
            rows, versions, vl, vt, pointers = [], [], [], [], []
            for i in range(start, min(fiches, start + 2000)):
                fid, vid = first_fiche + i, first_version + i
                rows.append(
                    {
                        "id": fid,
                        "uid": f"bench--{i}",
                        "organisation_id": first_org + i % organisations,
                        "state": State.PUBLISHED,
                        "created_at": now,
                        "updated_at": now,
                        "state_changed_at": now,
                        "published_at": now,
                        "lock_version": 1,
                        "confirmed_at": today - dt.timedelta(days=rng.randrange(0, 730)),
                    }
                )
                versions.append(
                    {
                        "id": vid,
                        "fiche_id": fid,
                        "number": 1,
                        "created_at": now,
                        "note": "bench",
                        "nom": f"Permanence {i}",
                        "resume": "",
                        "description": "",
                        "publics": [],
                        "publics_precisions": "",
                        "conditions_acces": [],
                        "conditions_precisions": "",
                        "frais_precisions": "",
                        "langues": ["fr"],
                        "horaires": "Mo-Fr 09:00-12:00",
                        "horaires_precisions": "",
                        "fermetures": [],
                        "contact_nom": "",
                        "telephone": "",
                        "courriel": "",
                        "site_web": "",
                    }
                )
                vl.append({"version_id": vid, "lieu_id": rng.choice(lieux), "position": 0})
                vt.extend({"version_id": vid, "thematique_id": t} for t in rng.sample(themes, 2))
                pointers.append({"b_id": fid, "b_v": vid})
            db.execute(insert(Fiche), rows)
            db.execute(insert(FicheVersion), versions)
            db.execute(insert(version_lieu), vl)
            db.execute(insert(version_thematique), vt)
            table = Fiche.__table__
            db.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(current_version_id=bindparam("b_v"), published_version_id=bindparam("b_v")),
                pointers,
            )
            db.commit()
        # a few thématiques checked more often (food distribution: 3 months)
        for t in db.scalars(select(Thematique).limit(2)):
            t.update_period_months = 3
        db.commit()
        public = db.scalar(select(func.count()).select_from(Fiche).where(Fiche.is_public))
        orgs = db.scalar(select(func.count()).select_from(Organisation))
    engine.dispose()
    return {"fiches publiées": public, "structures": orgs}


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def wait_for(counter: Counter, expected: int, timeout: float) -> float:
    start = time.perf_counter()
    while counter.count < expected and time.perf_counter() - start < timeout:
        time.sleep(0.05)
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else math.nan


# --- the site and the worker, each in its own process ----------------------------------------------------

SERVER = textwrap.dedent("""
    import json, logging, sys
    from waitress import serve
    from guide import main
    port, settings = int(sys.argv[1]), json.loads(sys.argv[2])
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    serve(main({}, **settings), host="127.0.0.1", port=port, threads=4, _quiet=True)
""")


def start_server(settings: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port), json.dumps(settings)],
            cwd=str(ROOT),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped:\n" + log.read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def start_worker(settings: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """The real `guide-worker CONFIG.ini`, on an ini file holding the bench's settings."""
    ini = folder / "bench-worker.ini"
    lines = ["[app:main]", "use = egg:guide-du-territoire"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    worker = shutil.which("guide-worker") or str(Path(sys.executable).parent / "guide-worker")
    with open(folder / "worker.log", "wb") as out:
        return subprocess.Popen([worker, str(ini)], cwd=str(ROOT), stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- HTTP clients -----------------------------------------------------------------------------------------


def submit(
    http: requests.Session,
    page: requests.Response,
    selector: str,
    values: dict[str, str],
    button: str | None = None,
) -> requests.Response:
    """POST the form ``selector`` of ``page`` as a browser would (hidden fields, CSRF token, deform's
    markers in order), with ``values`` typed in and ``button`` pressed; redirects are not followed."""
    form = BeautifulSoup(page.text, "html.parser").select_one(selector)
    if form is None:
        raise RuntimeError(f"no form {selector}")
    data: list[tuple[str, str]] = []
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name:
            continue
        kind = (element.get("type") or "text").lower() if element.name == "input" else element.name
        if kind in ("submit", "button", "image", "reset", "file"):
            continue
        if kind in ("radio", "checkbox"):
            chosen = values[name] == element.get("value") if name in values else element.has_attr("checked")
            if chosen:
                data.append((name, element.get("value", "on")))
        elif kind == "select":
            option = element.find("option", selected=True) or element.find("option")
            data.append((name, values.get(name, option.get("value", "") if option else "")))
        else:
            default = element.text if kind == "textarea" else element.get("value", "")
            data.append((name, values.get(name, default)))
    if button:
        pressed = form.find(["button", "input"], attrs={"name": button})
        data.append((button, pressed.get("value", "") if pressed else ""))
    return http.post(
        urljoin(page.url, form.get("action") or ""), data=data, allow_redirects=False, timeout=120
    )


WORDS = [
    "avocat",
    "gratuit",
    "violences",
    "conjugales",
    "aide",
    "devoirs",
    "cours",
    "français",
    "santé",
    "logement",
    "atelier",
    "permanence",
    "juridique",
    "alimentaire",
    "emploi",
    "famille",
    "enfants",
    "jeunes",
    "retraite",
    "handicap",
    "psychologue",
    "écoute",
    "numérique",
    "budget",
    "dettes",
    "caf",
    "accueil",
    "jour",
    "nuit",
    "distribution",
    "colis",
    "vêtements",
    "douche",
    "médecin",
    "dentiste",
]


def query_set(n: int = 6000, seed: int = 9) -> list[str]:
    """``n`` distinct one- to three-word queries, shuffled: drawn in thirds (warm-up, idle, during the
    campaign), each many times what the search's results cache holds, so that neither measure is one of
    cached answers."""
    rng = random.Random(seed)
    queries: set[str] = set()
    while len(queries) < n:
        queries.add(" ".join(rng.sample(WORDS, rng.randint(1, 3))))
    ordered = sorted(queries)
    rng.shuffle(ordered)
    return ordered


@dataclass
class Load:
    timings: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def search_load(port: int, queries: list[str], clients: int, until: Any, seed: int) -> Load:
    """``clients`` threads GET /api/v1/search over ``queries`` (each its own connection) until ``until()``:
    every answer timed; one not 200 (or an exception) is a failure."""
    result = Load()
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not until():
            path = "/api/v1/search?" + urlencode({"q": rng.choice(queries)})
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status, connection = -1, http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    result.failed.append(f"{path}: {error!r}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                result.timings.append(elapsed)
                if status != 200:
                    result.failed.append(f"{path}: HTTP {status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def run(organisations: int, fiche_count: int, clients: int, idle_seconds: float) -> int:
    failures = 0
    rows: list[tuple[str, str, str]] = []
    counter = Counter()
    smtp_port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        seconds, sizes = timed(lambda: generate(url, organisations, fiche_count))
        rows.append(("génération", f"{seconds:.1f} s", ", ".join(f"{v} {k}" for k, v in sizes.items())))
        port = free_port()
        raw = {
            "database_url": url,
            "var_dir": str(folder / "var"),
            "mail.backend": "smtp",
            "mail.host": "127.0.0.1",
            "mail.port": str(smtp_port),
            "site_url": f"http://127.0.0.1:{port}",
            "secret": "bench-" + "x" * 40,
            # the visitors of this bench are a handful of clients on one address: no per-client limit
            "ratelimit.search": "1000000/minute",
            "ratelimit.api": "1000000/minute",
        }
        settings = resolve(raw)

        engine = make_engine(url)
        today = dt.date.today()
        with make_session_factory(engine)() as db:
            for by in (None, "thematique", "quartier", "organisation"):
                seconds, result = timed(lambda by=by: freshness.freshness_counts(db, today, by=by))
                label = "freshness_counts" + (f" par {by}" if by else "")
                detail = (
                    f"{result.share_confirmed:.0%} à jour sur {result.total}"
                    if by is None
                    else f"{len(result)} groupes"
                )
                rows.append((label, f"{seconds * 1000:.0f} ms", detail))
            seconds, stale = timed(
                lambda: db.scalar(
                    select(func.count()).select_from(freshness.stale_fiches_query(db, today).subquery())
                )
            )
            rows.append(
                ("stale_fiches_query (compte)", f"{seconds * 1000:.0f} ms", f"{stale} fiches à vérifier")
            )
            seconds, (documents, _s) = timed(
                lambda: SearchService(index_dir(settings), make_session_factory(engine)).reindex_all(db)
            )
            rows.append(("index de recherche", f"{seconds:.1f} s", f"{documents} fiches indexées"))
        engine.dispose()

        server = start_server(raw, port, folder / "server.log")
        worker = start_worker(raw, folder)
        base = f"http://127.0.0.1:{port}"
        try:
            # guide-remind: everything due, then delivered by the worker (mail outbox)
            out = io.StringIO()
            start_count = counter.count
            seconds, reminded = timed(lambda: remind.run(settings, out=out))
            expected = sum(
                len(line.split(" → ", 1)[1].split(" : ", 1)[0].split(", "))
                for line in out.getvalue().splitlines()
                if line.startswith("envoyé [")
            )
            delivered_in = wait_for(counter, start_count + expected, 180)
            received = counter.count - start_count
            ok = seconds <= 10
            failures += (not ok) + (received < expected)
            rows.append(
                (
                    "guide-remind (commande)",
                    f"{seconds:.1f} s",
                    f"{reminded} structures, {expected} courriels — cible ≤ 10 s {'OK' if ok else 'MANQUÉE'}",
                )
            )
            rows.append(
                ("  puis livraison (guide-worker)", f"{delivered_in:.1f} s", f"{received}/{expected} reçus")
            )
            before = counter.count
            seconds, again = timed(lambda: remind.run(settings, out=io.StringIO()))
            failures += again != 0
            rows.append(("guide-remind (2e passage)", f"{seconds:.1f} s", f"{again} rappel (attendu : 0)"))
            time.sleep(1.5)
            failures += counter.count != before

            # the public search, idle (the worker is running, with nothing to do)
            queries = query_set()
            third = len(queries) // 3
            warm_up, idle_queries, busy_queries = queries[:third], queries[third:-third], queries[-third:]
            search_load(port, warm_up, clients, _after(200), seed=1)  # imports, the index's snapshot
            deadline = time.monotonic() + idle_seconds
            idle = search_load(port, idle_queries, clients, lambda: time.monotonic() > deadline, seed=2)
            idle_p95 = percentile(idle.timings, 0.95)

            # the coordinator, through the site
            http_client = requests.Session()
            page = http_client.get(f"{base}/connexion", timeout=30)
            response = submit(
                http_client,
                page,
                "form#deform",
                {"email": "coord@bench.test", "password": PASSWORD},
                "login",
            )
            failures += response.status_code != 303

            # « État du guide », idle
            state_times = []
            for n in range(21):
                start = time.perf_counter()
                response = http_client.get(f"{base}/coordination/etat-du-guide", timeout=60)
                if n:  # the first one warms the process up
                    state_times.append(time.perf_counter() - start)
                if response.status_code != 200 or "État du guide" not in response.text:
                    failures += 1
                    print(f"État du guide : HTTP {response.status_code}", file=sys.stderr)
            state_p50, state_p95 = statistics.median(state_times), percentile(state_times, 0.95)
            ok = state_p95 <= 0.3
            failures += not ok
            rows.append(
                (
                    "page « État du guide » (20 GET)",
                    f"{state_p50 * 1000:.0f} ms",
                    f"médiane ; p95 {state_p95 * 1000:.0f} ms — cible ≤ 300 ms {'OK' if ok else 'MANQUÉE'}",
                )
            )
            # ... and recomputed: a fiche confirmed (the data revision moves) before each GET
            engine = make_engine(url)
            factory = make_session_factory(engine)
            with factory() as db:
                public_ids = db.scalars(select(Fiche.id).where(Fiche.is_public).limit(10)).all()
            changed_times = []
            for fiche_id in public_ids:
                with factory() as db:
                    db.get(Fiche, fiche_id).confirmed_at = today
                    db.commit()
                start = time.perf_counter()
                response = http_client.get(f"{base}/coordination/etat-du-guide", timeout=60)
                changed_times.append(time.perf_counter() - start)
                if response.status_code != 200 or "État du guide" not in response.text:
                    failures += 1
            engine.dispose()
            changed_p95 = percentile(changed_times, 0.95)
            ok = changed_p95 <= 0.3
            failures += not ok
            rows.append(
                (
                    f"  après une modification ({len(changed_times)} GET)",
                    f"{statistics.median(changed_times) * 1000:.0f} ms",
                    f"médiane ; p95 {changed_p95 * 1000:.0f} ms (recalculée) — cible ≤ 300 ms "
                    f"{'OK' if ok else 'MANQUÉE'}",
                )
            )

            # a campaign to every organisation, sent through the site, delivered by guide-worker while the
            # clients search
            page = http_client.get(f"{base}/coordination/campagnes/nouvelle", timeout=30)
            mode = BeautifulSoup(page.text, "html.parser").select_one(
                'form#deform input[type=radio][value="all"]'
            )
            values = {"title": "Bench : toutes les structures", "message": "Merci de vérifier vos fiches."}
            if mode is not None:
                values[mode["name"]] = "all"
            response = submit(http_client, page, "form#deform", values, "preview")
            failures += response.status_code != 303
            campaign_page = http_client.get(urljoin(base, response.headers.get("Location", "")), timeout=30)
            start_count = counter.count
            done = threading.Event()
            busy: dict[str, Load] = {}
            searching = threading.Thread(
                target=lambda: busy.setdefault(
                    "load", search_load(port, busy_queries, clients, done.is_set, seed=3)
                )
            )
            start = time.perf_counter()
            searching.start()
            sent = submit(http_client, campaign_page, "form#send-campaign", {})
            request_seconds = time.perf_counter() - start
            failures += sent.status_code != 303
            with make_session_factory(make_engine(url))() as db:
                expected_mails = sum(
                    len(emails)
                    for emails in db.scalars(
                        select(CampaignRecipient.emails)
                        .join(Campaign)
                        .where(Campaign.title == "Bench : toutes les structures")
                    )
                )
            wait_for(counter, start_count + expected_mails, 180)
            total = time.perf_counter() - start
            done.set()
            searching.join()
            during = busy["load"]
            received = counter.count - start_count
            missing = max(0, expected_mails - received)
            failures += missing > 0
            ok = total <= 60
            failures += not ok
            rows.append(
                (
                    "campagne à toutes les structures",
                    f"{total:.1f} s",
                    f"requête d'envoi {request_seconds:.1f} s, {received}/{expected_mails} courriels reçus "
                    f"par SMTP (guide-worker), {missing} manquant(s) — "
                    f"cible ≤ 60 s {'OK' if ok else 'MANQUÉE'}",
                )
            )
            during_p95 = percentile(during.timings, 0.95)
            ratio = during_p95 / idle_p95 if idle_p95 else math.inf
            ok = ratio <= 1.5
            failures += not ok
            for label, load in (("recherche publique, au repos", idle), ("  pendant la campagne", during)):
                rows.append(
                    (
                        label,
                        f"{percentile(load.timings, 0.95) * 1000:.0f} ms",
                        f"p95 (médiane {statistics.median(load.timings) * 1000:.0f} ms) ; "
                        f"{len(load.timings)} requêtes /api/v1/search, {clients} clients, "
                        f"{len(load.failed)} en échec",
                    )
                )
            rows.append(
                (
                    "  rapport des p95",
                    f"{ratio:.2f}×",
                    f"pendant / au repos — cible ≤ 1,5× {'OK' if ok else 'MANQUÉE'}",
                )
            )
            for load in (idle, during):
                failures += len(load.failed)
                for line in load.failed[:5]:
                    print(f"requête en échec : {line}", file=sys.stderr)
        finally:
            stop(worker)
            server.terminate()
            server.wait(timeout=20)
    controller.stop()
    load1, load5, load15 = os.getloadavg()
    width = max(len(r[0]) for r in rows)
    print(
        f"\nbench_freshness — {organisations} structures, {fiche_count} fiches ; "
        f"charge de la machine (1, 5, 15 min) : {load1:.2f} {load5:.2f} {load15:.2f} "
        f"sur {os.cpu_count()} cœurs"
    )
    print(f"\n{'mesure'.ljust(width)} | durée    | détail")
    print(f"{'-' * width}-|----------|{'-' * 40}")
    for name, value, detail in rows:
        print(f"{name.ljust(width)} | {value.rjust(8)} | {detail}")
    print(f"\néchecs : {failures}")
    return failures


def _after(requests_count: int) -> Any:
    """A stop condition: true once called ``requests_count`` times (shared by the clients)."""
    calls = itertools.count()
    return lambda: next(calls) >= requests_count


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--fiches", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4, help="clients de la recherche publique (4)")
    parser.add_argument("--idle-seconds", type=float, default=20, help="mesure au repos (20 s)")
    args = parser.parse_args(argv)
    return 1 if run(args.organisations, args.fiches, args.clients, args.idle_seconds) else 0


if __name__ == "__main__":
    sys.exit(cli())
