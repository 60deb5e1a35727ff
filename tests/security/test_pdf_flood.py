"""Anonymous PDFs must not take the site down (issue 7, item 7).

The attack: anyone may ask for a fiche's PDF or a 50-fiche selection in large print, seconds of WeasyPrint
each, in a web thread, again and again. Now a PDF is laid out once per content (a file cache keyed by the
published versions, in the database every app server shares), by guide-worker off the web servers, with a
bounded queue and a per-client limit on renders."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as dt
import io
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
import webtest
from pypdf import PdfReader
from sqlalchemy import update

import guide.print as printing
from guide import main
from guide.models import utcnow
from guide.models.storage import StoredFile
from guide.print import worker as pdfworker
from guide.print.cache import PdfCache
from guide.services import fiches
from guide.settings import settings_of

from ..conftest import _cache_key
from ..conftest import _rebind as rebind
from ..functional.helpers import limit_rate, post, visible
from ..pdftext import page_texts

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
NEIGHBOUR = {"REMOTE_ADDR": "198.51.100.9"}


PDF_LIMIT = "2/minute;20/hour"  # renders per client: a flood reached in two requests


@pytest.fixture
def app_settings(app_settings):
    # The request waits for its render (through the real worker process): answers are deterministic. The
    # settings of the other PDF test files: one cached app (templates compiled once) for all of them.
    return {**app_settings, "pdf.wait_seconds": "300"}


def limit_pdfs(app, monkeypatch):
    """``ratelimit.pdf = PDF_LIMIT`` for this app (as the setting would; tests/functional/test_api_ratelimit
    checks that a ``ratelimit.*`` setting is read)."""
    limit_rate(app, monkeypatch, "pdf", PDF_LIMIT)


@pytest.fixture
def app(app, monkeypatch):
    limit_pdfs(app, monkeypatch)
    return app


_neighbours: dict[tuple, object] = {}


@pytest.fixture
def neighbour(app_settings, session_factory, shared_var_dir, monkeypatch):
    """Another app process on the same database and var_dir: built once per run, rebound to each test's
    database, PDF service and rate-limit counters as conftest's cached apps are."""
    key = _cache_key(app_settings, shared_var_dir, session_factory)
    other = _neighbours.get(key)
    if other is None:
        other = _neighbours[key] = main({}, **app_settings)
    else:
        rebind(other, session_factory)
    limit_pdfs(other, monkeypatch)
    return other


def service(app):
    return app.registry["pdf_service"]


def pdf_text(body: bytes) -> str:
    # PDFium (tests/pdftext.py): pypdf's extract_text cost more than the layout; raises when not a PDF
    return re.sub(r"\s+", "", "".join(page_texts(body)))


def fiche_url(world, key):
    return f"/fiche/{world.fiches[key].id}/pdf"


def test_the_same_content_is_laid_out_once(app, neighbour, testapp, world):
    first = testapp.get(fiche_url(world, "published_a"))
    assert first.status_int == 200 and first.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(first.body))
    assert len(reader.pages) == 1 and "Fichepublisheda" in pdf_text(first.body)
    for _ in range(5):  # the flood: the same PDF again and again
        again = testapp.get(fiche_url(world, "published_a"))
        assert again.body == first.body
    assert service(app).renders == 1
    # Another app process sharing var_dir serves the file its neighbour rendered.
    other = webtest.TestApp(neighbour, extra_environ={"HTTP_HOST": "localhost", **NEIGHBOUR})
    assert other.get(fiche_url(world, "published_a")).body == first.body
    assert service(other.app).renders == 0


def test_the_selection_pdf_is_cached_by_content_and_variant(app, testapp, world):
    for key in ("published_a", "published_b", "published_c"):
        post(testapp, "/selection/ajouter", {"fiche_id": str(world.fiches[key].id)})
    normal = testapp.get("/selection.pdf")
    large = testapp.get("/selection.pdf", {"gros": "1"})
    assert len(PdfReader(io.BytesIO(large.body)).pages) > len(PdfReader(io.BytesIO(normal.body)).pages)
    for _ in range(3):
        assert testapp.get("/selection.pdf", {"gros": "1"}).body == large.body
        assert testapp.get("/selection.pdf").body == normal.body
    assert service(app).renders == 2
    # Another agent choosing the same fiches, in the same order, gets the same file.
    testapp.reset()
    for key in ("published_a", "published_b", "published_c"):
        post(testapp, "/selection/ajouter", {"fiche_id": str(world.fiches[key].id)})
    assert testapp.get("/selection.pdf", {"gros": "1"}).body == large.body
    assert service(app).renders == 2


def test_a_new_published_version_gives_a_new_pdf(app, testapp, world, db):
    fiche = world.fiches["published_a"]
    before = testapp.get(fiche_url(world, "published_a")).body
    fiches.save(
        db,
        fiche,
        {**fiches.content_of(fiche.published_version), "nom": "Nouveau nom publié"},
        world.users["coord"],
        base_number=fiche.current_version.number,
        can_publish=True,
    )
    db.commit()
    after = testapp.get(fiche_url(world, "published_a")).body
    assert after != before
    assert "Nouveaunompublié" in pdf_text(after) and "Fichepublisheda" not in pdf_text(after)
    assert service(app).renders == 2


def test_renders_beyond_the_clients_limit_are_refused_in_french(app, testapp, world):
    for key in ("published_a", "published_b"):
        assert testapp.get(fiche_url(world, key), extra_environ=ATTACKER).content_type == "application/pdf"
    refused = testapp.get(fiche_url(world, "published_c"), extra_environ=ATTACKER, status=429)
    assert "Trop de PDF demandés" in visible(refused)
    assert "Réessayez dans une minute" in visible(refused)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert service(app).renders == 2  # refused before any work
    # What is already in the cache is still served to the same client: only renders are limited.
    assert testapp.get(fiche_url(world, "published_a"), extra_environ=ATTACKER).status_int == 200
    # Another client still gets its PDF.
    other = testapp.get(fiche_url(world, "published_c"), extra_environ=NEIGHBOUR)
    assert other.content_type == "application/pdf" and "Fichepublishedc" in pdf_text(other.body)


def test_the_site_recovers_when_its_pdf_worker_is_killed(app, testapp, world):
    assert testapp.get(fiche_url(world, "published_a")).content_type == "application/pdf"
    workers = [pool._processes for pool in pdfworker._pools.values()]
    pids = [pid for processes in workers for pid in processes]
    assert pids and os.getpid() not in pids  # the layout happened in another process
    for pid in pids:  # out of memory, killed by an administrator...
        os.kill(pid, signal.SIGKILL)
    response = testapp.get(fiche_url(world, "published_b"))
    assert response.content_type == "application/pdf" and "Fichepublishedb" in pdf_text(response.body)


def worker_pids():
    return {pid for pool in pdfworker._pools.values() for pid in pool._processes}


def killed(pid, patience=60.0):
    """True once the process is gone or a zombie (the signal is delivered asynchronously)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def test_a_render_that_never_ends_is_killed_and_the_next_one_works(app, testapp, world):
    # In the worker, a layout past pdf.render_timeout has its process killed and fails.
    job = pdfworker.Job(("<p>" + "x " * 100 + "</p>",))
    typed = settings_of(app.registry)
    with pytest.raises(cf.TimeoutError):
        pdfworker.layout_in_pool(job, dataclasses.replace(typed, pdf_render_timeout=0.001))
    stuck = worker_pids()
    assert stuck and all(killed(pid) for pid in stuck)
    assert pdfworker.layout_in_pool(job, typed).startswith(b"%PDF")  # a new layout process
    # Through the site: the page says the render failed (503, retry in a minute), and the next visit
    # renders again.
    real = pdfworker.layout_in_pool

    def never_ends(job, typed):
        raise cf.TimeoutError()

    pdfworker.layout_in_pool = never_ends
    try:
        failed = testapp.get(fiche_url(world, "published_a"), status=503)
    finally:
        pdfworker.layout_in_pool = real
    assert "La préparation de ce PDF a échoué" in visible(failed) and failed.headers["Retry-After"] == "60"
    assert service(app).pending_count() == 0
    response = testapp.get(fiche_url(world, "published_a"))
    assert "Fichepublisheda" in pdf_text(response.body)


class GatedExecutor(cf.ThreadPoolExecutor):
    """A worker that starts nothing before ``open()``: renders stay pending as long as the test wants."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.gate = threading.Event()
        self.calls = 0

    def submit(self, fn, /, *args, **kwargs):
        self.calls += 1

        def gated():
            self.gate.wait(60)
            return fn(*args, **kwargs)

        return super().submit(gated)

    def open(self) -> None:
        self.gate.set()
        self.shutdown(wait=True)


@pytest.fixture
def gated(app):
    executor = GatedExecutor()
    pdfs = service(app)
    pdfs.executor, pdfs.wait_seconds, pdfs.max_pending = executor, 0, 2
    yield executor
    executor.gate.set()
    executor.shutdown(wait=True)


def test_the_queue_is_bounded_and_the_page_waits_for_the_pdf(app, testapp, world, gated):
    # Two renders under way: their pages say « en préparation » and ask again by themselves.
    for key, environ in (("published_a", ATTACKER), ("published_b", NEIGHBOUR)):
        pending = testapp.get(fiche_url(world, key), extra_environ=environ, status=202)
        assert "Votre PDF est en préparation" in visible(pending)
        assert pending.html.find("meta", attrs={"http-equiv": "refresh"}) is not None
        assert pending.headers["Cache-Control"] == "no-store"
    # A third one is refused instead of queueing without limit.
    full = testapp.get(
        fiche_url(world, "published_c"), extra_environ={"REMOTE_ADDR": "192.0.2.1"}, status=503
    )
    assert "trop de demandes, réessayez dans une minute" in visible(full)
    assert full.headers["Retry-After"] == "60"
    # Asking again for a PDF under way neither starts another render nor counts against the limit.
    for _ in range(4):
        testapp.get(fiche_url(world, "published_a"), extra_environ=ATTACKER, status=202)
    assert gated.calls == 2 and service(app).renders == 2
    gated.open()  # the worker does its work
    done = testapp.get(fiche_url(world, "published_a"), extra_environ=ATTACKER)
    assert done.content_type == "application/pdf" and "Fichepublisheda" in pdf_text(done.body)
    assert service(app).pending_count() == 0


def test_a_render_under_way_in_another_app_process_is_not_started_again(
    app, neighbour, testapp, world, gated
):
    testapp.get(fiche_url(world, "published_a"), extra_environ=ATTACKER, status=202)
    other = webtest.TestApp(neighbour, extra_environ={"HTTP_HOST": "localhost", **ATTACKER})
    service(other.app).executor = GatedExecutor()
    for _ in range(3):  # beyond this client's limit of 2 renders: waiting for a render is not a render
        page = other.get(fiche_url(world, "published_a"), status=202)
        assert "Votre PDF est en préparation" in visible(page)
        assert all(script.get("src") for script in page.html.find_all("script"))  # no inline script (CSP)
    assert service(other.app).renders == 0 and service(other.app).executor.calls == 0
    gated.open()
    assert other.get(fiche_url(world, "published_a")).content_type == "application/pdf"
    assert service(other.app).renders == 0


def test_the_printable_selection_page_is_built_once_per_content(app, testapp, world, monkeypatch):
    calls = []
    real = printing.render_selection_html
    monkeypatch.setattr(printing, "render_selection_html", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    for key in ("published_a", "published_b"):
        post(testapp, "/selection/ajouter", {"fiche_id": str(world.fiches[key].id)})
    pages = [testapp.get("/selection/imprimer").text for _ in range(4)]
    assert len(set(pages)) == 1 and "Fiche published b" in pages[0]
    assert len(calls) == 1
    post(testapp, "/selection/retirer", {"fiche_id": str(world.fiches["published_b"].id)})
    assert "Fiche published b" not in testapp.get("/selection/imprimer").text
    assert len(calls) == 2


def test_the_cache_cannot_fill_the_database(session_factory, db):
    cache = PdfCache(lambda: session_factory, max_bytes=1200)
    for number in range(3):
        cache.write(f"fiche-{number}", b"%PDF" + b"x" * 396)
        db.execute(
            update(StoredFile)
            .where(StoredFile.name == f"pdf/fiche-{number}.pdf")
            .values(used_at=utcnow() - dt.timedelta(days=1, minutes=-number))
        )
        db.commit()
    assert cache.read("fiche-0") is not None  # read now: the most recently used
    for number in range(3, 5):  # a flood of new contents: the least recently used go first
        cache.write(f"fiche-{number}", b"%PDF" + b"x" * 396)
        assert cache.size() <= 1200
    kept = [number for number in range(5) if cache.read(f"fiche-{number}") is not None]
    assert kept == [0, 3, 4]
    with pytest.raises(ValueError):
        cache.read("../../etc/passwd")
