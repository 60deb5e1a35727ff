"""Load benchmark: the whole site under a mixed crowd — `python bench/bench_load.py [--seconds 60]`.

In a temporary folder (nothing outside it is touched): the default SQLite set-up (a var dir, the schema
brought up by the migrations, the demo guide loaded by the project's own functions), the site served by
waitress in its own process (4 threads, like development.ini), on 127.0.0.1 only. Then ``--clients``
concurrent clients (16), each from its own loopback address (127.0.0.x: the per-client limits apply to each
as they would to people), for ``--seconds`` (60), mix:

* searches (a third of them for words found nowhere), fiche pages, the map (home page or a quartier page);
* selection PDFs: the client keeps a selection in its session (from 3 to 50 fiches), changes it now and then
  (a new content, so a new render), and asks for its PDF, in large print one time out of two; a page
  « en préparation » is followed as a browser would (it refreshes itself);
* error reports: the report form POSTed with a valid signed stamp (issued a few seconds earlier);
* partners' saves: half of the clients are logged in as demo partners and POST the edit form of a fiche of
  their own (each client its own fiche).

Every request is timed. A request fails when it gets an error, a status other than 2xx/3xx, or a form
sent back with an error; 429s are counted apart (« limités »): they are the limits doing their work, and so
are 503s that carry a Retry-After (« délestés »: the PDF queue is full, the site sheds load on purpose). The
table gives, per kind, the number of requests, the limited, shed and failed ones, p50/p95/max. Any failed
request makes the benchmark exit with status 1 after listing the first ones.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

import guide.print as printing  # noqa: E402
from guide.db import make_engine, make_session_factory  # noqa: E402
from guide.models import Fiche, Membership, Quartier, State, User  # noqa: E402
from guide.scripts.migrate import upgrade  # noqa: E402
from guide.services import reports  # noqa: E402
from guide.services.demo import DEMO_PASSWORD, DEMO_USERS, load_demo  # noqa: E402

SECRET = "bench-load-secret-" + "x" * 40
QUERIES = [
    "avocat gratuit",
    "violences conjugales",
    "aide aux devoirs",
    "cours de français",
    "santé",
    "logement",
    "ateliers",
    "ivg",
    "permanence juridique",
    "aide alimentaire",
]
NOWHERE = ["zorglub", "xqwvz kpfh", "anticonstitutionnellement brumaire", "qqqq", "yéti martien"]
KINDS = [
    ("recherche", 30),
    ("fiche", 22),
    ("carte", 14),
    ("pdf", 12),
    ("signalement", 6),
    ("enregistrement", 16),
]
LABELS = {
    "recherche": "Recherche",
    "fiche": "Page d'une fiche",
    "carte": "Carte (accueil, quartier)",
    "sélection": "Sélection (ajout, retrait)",
    "pdf": "PDF de la sélection (chaque requête)",
    "pdf complet": "PDF de la sélection (jusqu'au fichier)",
    "signalement": "Signalement d'erreur (POST)",
    "connexion": "Connexion partenaire",
    "enregistrement": "Enregistrement partenaire (GET + POST)",
}


# --- the guide and the server -----------------------------------------------------------------------------


@dataclass
class Guide:
    fiches: list[int]
    quartiers: list[str]
    editable: dict[str, list[int]]  # partner e-mail -> fiches they may edit


def build_guide(url: str) -> Guide:
    upgrade(url)  # what guide-migrate does
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        load_demo(db)  # what guide-demo does
        printing.seed_helplines(db)
        db.commit()
        published = list(
            db.scalars(select(Fiche.id).where(Fiche.state == State.PUBLISHED).order_by(Fiche.id))
        )
        quartiers = list(db.scalars(select(Quartier.slug).order_by(Quartier.id)))
        editable: dict[str, list[int]] = {}
        for user in db.scalars(select(User).order_by(User.id)):
            orgs = [
                m.organisation_id for m in db.scalars(select(Membership).where(Membership.user_id == user.id))
            ]
            if orgs:
                editable[user.email] = list(
                    db.scalars(
                        select(Fiche.id)
                        .where(Fiche.organisation_id.in_(orgs), Fiche.state != State.ARCHIVED)
                        .order_by(Fiche.id)
                    )
                )
    engine.dispose()
    return Guide(published, quartiers, editable)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(var_dir: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    settings = {"var_dir": str(var_dir), "secret": SECRET, "site_url": f"http://127.0.0.1:{port}"}
    code = (
        "from waitress import serve; from guide import main; "
        f"serve(main({{}}, **{settings!r}), host='127.0.0.1', port={port}, threads=4, _quiet=True)"
    )
    with open(log_path, "wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-c", code], cwd=str(ROOT), stdout=log_file, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start")


# --- one client -------------------------------------------------------------------------------------------


class FormRejected(Exception):
    pass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    limited: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    shed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, kind: str, what: str) -> None:
        """A failure seen in a page's content (a form sent back with an error...), not in its status."""
        with self.lock:
            self.failed[kind] += 1
            if len(self.failures) < 40:
                self.failures.append(f"{kind}: {what}")

    def record(self, kind: str, seconds: float, status: int, what: str = "", shed: bool = False) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if status == 429:
                self.limited[kind] += 1
            elif status == 503 and shed:
                self.shed[kind] += 1
            elif not 200 <= status < 400:
                self.failed[kind] += 1
                if len(self.failures) < 40:
                    self.failures.append(f"{kind}: {what}")


class Client:
    """A browser of one person: its own loopback address, cookies, keep-alive connection."""

    def __init__(self, number: int, port: int, guide: Guide, stats: Stats, deadline: float) -> None:
        self.number = number
        self.port = port
        self.guide = guide
        self.stats = stats
        self.deadline = deadline
        self.address = f"127.0.0.{10 + number}"
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.random = random.Random(number)
        self.selection: list[int] = []
        self.partner: str | None = None
        self.fiche_to_edit: int | None = None
        self.edits = 0

    # HTTP
    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
            )
        return self.connection

    def _send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        for attempt in range(2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                self.connection = None
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, content = pair.partition("=")
                if "max-age=0" in value.lower() or not content:
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = content.strip()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)

    def request(self, kind: str, method: str, path: str, data: Any = None, *, follow: bool = True) -> Answer:
        """One timed request (redirects followed as a browser would, in the same timing)."""
        started = time.perf_counter()
        status = 0
        shed = False
        what = f"{method} {path}"
        try:
            for _ in range(5):
                headers = {"Host": f"127.0.0.1:{self.port}"}
                if self.cookies:
                    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                body = None
                if data is not None:
                    body = urlencode(data, doseq=True).encode()
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                    headers["Origin"] = f"http://127.0.0.1:{self.port}"  # as browsers send with a POST
                answer = self._send(method, path, body, headers)
                status = answer.status
                shed = status == 503 and "retry-after" in answer.headers
                if follow and status in (301, 302, 303, 307) and "location" in answer.headers:
                    path = urlsplit(answer.headers["location"])._replace(scheme="", netloc="").geturl()
                    method, data = "GET", None
                    continue
                if not 200 <= status < 400 and status != 429:
                    snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))[:160]
                    what += f" → {status} {snippet}"
                return answer
            return answer
        except (OSError, http.client.HTTPException) as exc:  # counted as a failure (status 0)
            what += f" → {type(exc).__name__}: {exc}"
            if self.connection is not None:
                self.connection.close()
                self.connection = None
            return Answer(0, {}, b"")
        finally:
            self.stats.record(kind, time.perf_counter() - started, status, what, shed)

    # forms
    @staticmethod
    def form_fields(html: str, selector: str = "form", button: str | None = None) -> list[tuple[str, str]]:
        """What a browser sends for the form: its successful controls in document order."""
        form = BeautifulSoup(html, "html.parser").select_one(selector)
        if form is None:
            raise FormRejected(f"no form {selector}")
        fields: list[tuple[str, str]] = []
        for element in form.find_all(["input", "select", "textarea", "button"]):
            name = element.get("name")
            if not name or element.has_attr("disabled"):
                continue
            if element.name == "textarea":
                fields.append((name, element.get_text()))
            elif element.name == "select":
                for option in element.find_all("option"):
                    if option.has_attr("selected"):
                        fields.append((name, option.get("value", option.get_text())))
            elif element.name == "button" or element.get("type") == "submit":
                if button is not None and name == button:
                    fields.append((name, element.get("value", "")))
            elif element.get("type") in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    fields.append((name, element.get("value", "on")))
            elif element.get("type") != "file":
                fields.append((name, element.get("value", "")))
        return fields

    @staticmethod
    def csrf(html: str) -> str:
        match = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', html
        )
        return (match.group(1) or match.group(2)) if match else ""

    # what a person does
    def search(self) -> None:
        words = self.random.choice(NOWHERE) if self.random.random() < 1 / 3 else self.random.choice(QUERIES)
        self.request("recherche", "GET", "/recherche?" + urlencode({"q": words}))

    def fiche(self) -> None:
        self.request("fiche", "GET", f"/fiche/{self.random.choice(self.guide.fiches)}")

    def map(self) -> None:
        if self.random.random() < 0.5 or not self.guide.quartiers:
            self.request("carte", "GET", "/")
        else:
            self.request("carte", "GET", f"/quartier/{self.random.choice(self.guide.quartiers)}")

    def _selection_post(self, action: str, fiche_id: int) -> None:
        # as an agent does: « Ajouter à ma sélection » on the fiche's page, « Retirer » on the selection's
        if action == "ajouter":
            page = self.request("fiche", "GET", f"/fiche/{fiche_id}")
        else:
            page = self.request("sélection", "GET", "/selection")
        if page.status != 200:
            return
        data = {"fiche_id": fiche_id}
        if token := self.csrf(
            page.text
        ):  # none for a visitor without a session: the Origin header is checked
            data["csrf_token"] = token
        self.request("sélection", "POST", f"/selection/{action}", data)

    def pdf(self) -> None:
        if not self.selection:
            size = [3, 5, 8, 12, 20, 50][self.number % 6]
            self.selection = self.random.sample(self.guide.fiches, min(size, len(self.guide.fiches)))
            for fiche_id in self.selection:
                self._selection_post("ajouter", fiche_id)
        elif self.random.random() < 0.4:  # a new content: a render the cache does not have
            if len(self.selection) >= printing.MAX_SELECTION:
                self._selection_post(
                    "retirer", self.selection.pop(self.random.randrange(len(self.selection)))
                )
            else:
                fiche_id = self.random.choice([f for f in self.guide.fiches if f not in self.selection])
                self.selection.append(fiche_id)
                self._selection_post("ajouter", fiche_id)
        path = "/selection.pdf" + ("?gros=1" if self.random.random() < 0.5 else "")
        started = time.perf_counter()
        for _ in range(40):
            answer = self.request("pdf", "GET", path)
            if answer.status != 202:
                break
            match = re.search(r'http-equiv="refresh" content="(\d+)', answer.text)
            time.sleep(int(match.group(1)) if match else 3)
            if time.monotonic() > self.deadline + 60:
                break
        ok = answer.status == 200 and answer.body.startswith(b"%PDF")
        # a 200 that is not a PDF, or still « en préparation » after all this time: a failure
        kept = ok or not 200 <= answer.status < 400
        status = answer.status if kept else 599
        shed = answer.status == 503 and "retry-after" in answer.headers
        self.stats.record(
            "pdf complet", time.perf_counter() - started, status, f"GET {path} → {status}", shed
        )

    def report(self) -> None:
        fiche_id = self.random.choice(self.guide.fiches)
        page = self.request("signalement", "GET", f"/fiche/{fiche_id}/signaler")
        if page.status != 200:
            return
        fields = dict(self.form_fields(page.text, "form#deform", "send"))
        fields["message"] = f"Le numéro de téléphone a changé (client {self.number})."
        fields["stamp"] = reports.form_stamp(SECRET, time.time() - 5)  # « filled in » 5 seconds ago
        answer = self.request("signalement", "POST", f"/fiche/{fiche_id}/signaler", fields, follow=False)
        if answer.status == 200:  # the form came back with an error
            self.stats.fail("signalement", f"POST report form refused: {self._errors(answer.text)}")

    def login(self) -> None:
        assert self.partner is not None
        page = self.request("connexion", "GET", "/connexion")
        given = {"email": self.partner, "password": DEMO_PASSWORD}
        fields = [(k, given.get(k, v)) for k, v in self.form_fields(page.text, "form#deform", "login")]
        answer = self.request("connexion", "POST", "/connexion", fields, follow=False)
        if answer.status != 303:
            self.stats.fail("connexion", f"login as {self.partner} refused ({answer.status})")
            self.partner = None

    def save(self) -> None:
        if self.partner is None or self.fiche_to_edit is None:
            return self.fiche()
        path = f"/espace/fiches/{self.fiche_to_edit}/modifier"
        page = self.request("enregistrement", "GET", path)
        if page.status != 200:
            return None
        self.edits += 1
        fields = [
            (
                k,
                re.sub(r"\s*\(mise à jour \d+\)$", "", v) + f" (mise à jour {self.edits})"
                if k == "description"
                else v,
            )
            for k, v in self.form_fields(page.text, "form#deform", "save")
        ]
        answer = self.request("enregistrement", "POST", path, fields, follow=False)
        if answer.status == 200:
            self.stats.fail("enregistrement", f"POST {path} refused: {self._errors(answer.text)}")
        return None

    @staticmethod
    def _errors(html: str) -> str:
        soup = BeautifulSoup(html, "html.parser")
        errors = [e.get_text(" ", strip=True) for e in soup.select(".invalid-feedback, .error-msg, .alert")]
        return "; ".join(errors)[:200] or "(no message)"

    def run(self) -> None:
        actions = {
            "recherche": self.search,
            "fiche": self.fiche,
            "carte": self.map,
            "pdf": self.pdf,
            "signalement": self.report,
            "enregistrement": self.save,
        }
        names = [name for name, _ in KINDS]
        weights = [weight for _, weight in KINDS]
        if self.partner:
            try:
                self.login()
            except FormRejected as exc:
                self.stats.fail("connexion", f"login page without its form: {exc}")
                self.partner = None
        while time.monotonic() < self.deadline:
            kind = self.random.choices(names, weights)[0]
            try:
                actions[kind]()
            except FormRejected as exc:
                self.stats.fail(kind, f"page without its form: {exc}")


# --- report -----------------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def table(stats: Stats, seconds: float) -> str:
    rows = [("Type de requête", "n", "req/s", "limités", "délestés", "échecs", "p50", "p95", "max")]
    for kind, label in LABELS.items():
        times = stats.times.get(kind, [])
        if not times and not stats.failed.get(kind):
            continue
        rows.append(
            (
                label,
                str(len(stats.times.get(kind, []))),
                f"{len(times) / seconds:.1f}",
                str(stats.limited.get(kind, 0)),
                str(stats.shed.get(kind, 0)),
                str(stats.failed.get(kind, 0)),
                f"{statistics.median(times) * 1000:.0f} ms" if times else "—",
                f"{percentile(times, 0.95) * 1000:.0f} ms" if times else "—",
                f"{max(times) * 1000:.0f} ms" if times else "—",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=60, help="duration of the load (default 60, max 600)"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16, max 64)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    args = parser.parse_args()
    seconds = max(1.0, min(args.seconds, 600.0))
    clients_count = max(1, min(args.clients, 64))
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    var_dir = folder / "var"
    var_dir.mkdir()
    server = None
    stats = Stats()
    try:
        started = time.perf_counter()
        guide = build_guide(f"sqlite:///{var_dir / 'guide.sqlite'}")  # the default database_url
        print(
            f"Guide de démonstration prêt ({len(guide.fiches)} fiches publiées) en "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        port = free_port()
        server = start_server(var_dir, port, folder / "server.log")
        deadline = time.monotonic() + seconds
        clients = [Client(n, port, guide, stats, deadline) for n in range(clients_count)]
        partners = [user["email"] for user in DEMO_USERS if guide.editable.get(user["email"])]
        taken: set[int] = set()
        for client in clients[
            : clients_count // 2
        ]:  # half of them are partners, each with a fiche of its own
            for offset in range(len(partners)):
                email = partners[(client.number + offset) % len(partners)]
                free = [f for f in guide.editable[email] if f not in taken]
                if free:
                    client.partner, client.fiche_to_edit = email, free[0]
                    taken.add(free[0])
                    break
        print(f"{clients_count} clients pendant {seconds:.0f} s sur http://127.0.0.1:{port}/ …", flush=True)
        threads = [threading.Thread(target=client.run, daemon=True) for client in clients]
        load_started = time.perf_counter()
        for thread in threads:
            thread.start()
        give_up = deadline + 180  # a PDF being waited for at the end gets at most this long
        for thread in threads:
            thread.join(timeout=max(0.1, give_up - time.monotonic()))
        elapsed = time.perf_counter() - load_started
        if any(thread.is_alive() for thread in threads):
            stats.fail("recherche", "a client was still waiting 3 minutes after the end")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        server_log = (
            (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
        )
        if args.keep:
            print(f"Dossier gardé : {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(table(stats, seconds))
    total = sum(len(t) for t in stats.times.values())
    failed = sum(stats.failed.values())
    limited = sum(stats.limited.values())
    shed = sum(stats.shed.values())
    print(
        f"\n{total} requêtes en {elapsed:.0f} s, {limited} limitées (429), {shed} délestées (503 avec "
        f"Retry-After : file des PDF pleine), {failed} en échec."
    )
    if failed:
        print("\n*** ÉCHECS ***", file=sys.stderr)
        for line in stats.failures:
            print("  " + line, file=sys.stderr)
        errors = [line for line in server_log.splitlines() if "Error" in line or "Traceback" in line]
        if errors:
            print("\nDans le journal du serveur :", file=sys.stderr)
            for line in errors[:15]:
                print("  " + line[:300], file=sys.stderr)
        print(f"\n*** {failed} requête(s) en échec : le site n'a pas tenu la charge. ***", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
