"""WeasyPrint off the web servers: on-demand PDFs laid out by ``guide-worker``, cached in the shared storage.

A request builds the HTML of its document (cheap: a few tens of milliseconds for 50 fiches) and hands it to
:class:`PdfService`, which

* answers from the cache (:mod:`.cache`, in the database: every app server sees it) when the same content
  was rendered before;
* otherwise, when the client is within its rate limit and fewer than ``pdf.max_pending`` renders are under
  way **on the whole site** (markers in the database), queues a ``render_pdf`` task (:mod:`guide.tasks`);
  the worker lays the HTML out in a child process of its own (niced ``pdf.nice``, replaced after
  ``pdf.tasks_per_worker`` renders, when it dies — the render is tried once more — or when a render outlasts
  ``pdf.render_timeout`` — it is killed and the render fails), stores the PDF and removes the marker;
* waits for the result at most ``pdf.wait_seconds`` (and only ``pdf.max_waiting`` requests at once, so that
  the web threads stay free for the other pages), polling the cache; after that the page says « en
  préparation » and refreshes itself until the PDF is in the cache.

The same key asked again while its render is under way — on this server or another — waits for that render
(its marker), it is never rendered twice at once. A marker older than :data:`~.cache.PENDING_FOR` is taken as
lost with its worker. No web thread lays out a PDF (``tasks.immediate``, the tests' mode, aside).
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..db import writing_session
from ..models.meta import utcnow
from ..models.storage import TaskData
from ..settings import Settings, coerce, settings_of
from .cache import PENDING_FOR, PdfCache

log = logging.getLogger(__name__)

READY, PENDING, LIMITED, BUSY, FAILED = "ready", "pending", "limited", "busy", "failed"
MARKERS = "pdf-render"  # the ``queue`` of the markers' rows in task_data
FAILED_MARK = b"failed"


# --- in the layout process (a child of guide-worker) -------------------------------------------------------


def _initializer(nice: int) -> None:
    if nice:
        with contextlib.suppress(OSError):  # not allowed here: still off the web servers
            os.nice(nice)


@dataclass(frozen=True)
class Job:
    """One document to lay out: its HTML in order of preference; ``one_page``: the first that fits on one
    page is kept (the last one is cut to its first page)."""

    htmls: tuple[str, ...]
    one_page: bool = False


def layout(job: Job) -> bytes:
    """The PDF of a job (WeasyPrint; run in the layout process)."""
    from .layout import font_config, html_document

    for rank, html in enumerate(job.htmls):
        if not job.one_page:
            return html_document(html).write_pdf(font_config=font_config())
        rendering = html_document(html).render(font_config=font_config())
        if len(rendering.pages) == 1 or rank == len(job.htmls) - 1:
            return rendering.copy(rendering.pages[:1]).write_pdf()
    raise ValueError("a job without HTML")


# --- the layout process pool of guide-worker ---------------------------------------------------------------

_pools: dict[tuple[int, int], cf.ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


@atexit.register
def _shutdown_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


# What the layout processes run, imported once by the fork server they are forked from.
LAYOUT_MODULES = ["guide.print.worker", "guide.print.layout", "weasyprint", "weasyprint.text.fonts"]


def _layout_context() -> Any:
    """The layout processes' start method: forkserver. Not fork: guide-worker has threads and database
    connections a fork would copy. The fork server is a fresh process like spawn's (none of those), started
    once, that imports WeasyPrint and this module once; each layout process — the first, the one after every
    ``pdf.tasks_per_worker`` renders, the one after a kill — is forked from it in milliseconds, where spawn
    started a Python and imported them again (1–2 s of CPU each time)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(LAYOUT_MODULES)
    return context


def process_pool(nice: int, tasks_per_worker: int, *, renew: bool = False) -> cf.ProcessPoolExecutor:
    """The process's layout pool (one process, started by its first job); ``renew`` replaces a broken one."""
    with _pools_lock:
        key = (nice, tasks_per_worker)
        pool = _pools.get(key)
        if pool is None or renew:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            pool = cf.ProcessPoolExecutor(
                max_workers=1,
                mp_context=_layout_context(),
                initializer=_initializer,
                initargs=(nice,),
                max_tasks_per_child=tasks_per_worker or None,
            )
            _pools[key] = pool
        return pool


def kill_workers(nice: int, tasks_per_worker: int) -> int:
    """Kill the pool's layout process (a render that never ends); its jobs fail with BrokenProcessPool and
    the next submit starts a new one. Returns how many processes were killed."""
    with _pools_lock:
        pool = _pools.get((nice, tasks_per_worker))
        processes = dict(getattr(pool, "_processes", None) or {}) if pool is not None else {}
    for pid in processes:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return len(processes)


def layout_in_pool(job: Job, typed: Settings) -> bytes:
    """Lay ``job`` out in the layout process: once more in a new process when it died under the job; killed
    and failed (TimeoutError) past ``pdf.render_timeout``."""
    nice, per_worker, timeout = typed.pdf_nice, typed.pdf_tasks_per_worker, typed.pdf_render_timeout
    for attempt in (1, 2):
        try:
            future = process_pool(nice, per_worker, renew=attempt == 2).submit(layout, job)
        except cf.BrokenExecutor:
            future = process_pool(nice, per_worker, renew=True).submit(layout, job)
        try:
            return future.result(timeout=timeout)
        except cf.TimeoutError:
            log.error("A PDF render outlasted %.0f s: killing the layout process", timeout)
            kill_workers(nice, per_worker)
            raise
        except cf.BrokenExecutor:
            if attempt == 2:
                raise
            log.warning("The PDF layout process died under a render: trying again in a new one")
    raise AssertionError("unreachable")


# --- markers: renders under way, seen by every server ------------------------------------------------------


def mark_pending(session_factory: Any, key: str) -> bool:
    """Announce a render of ``key``; False when one is announced already (by any server)."""
    with writing_session(session_factory) as db:
        where = (TaskData.queue == MARKERS, TaskData.key == key)
        created = db.scalar(select(TaskData.created_at).where(*where))
        if created is not None:
            if utcnow() - created < dt.timedelta(seconds=PENDING_FOR):
                return False
            db.execute(delete(TaskData).where(*where))  # lost with its worker: taken over
        try:
            db.execute(insert(TaskData).values(queue=MARKERS, key=key, value=b"", created_at=utcnow()))
            db.commit()
        except IntegrityError:
            db.rollback()
            return False
    return True


def marker(session_factory: Any, key: str) -> bytes | None:
    """The marker of ``key`` when it is recent (``b""``: under way, ``FAILED_MARK``: failed), else None."""
    with session_factory() as db:
        row = db.execute(
            select(TaskData.value, TaskData.created_at).where(TaskData.queue == MARKERS, TaskData.key == key)
        ).first()
    if row is None or utcnow() - row.created_at >= dt.timedelta(seconds=PENDING_FOR):
        return None
    return bytes(row.value)


def set_marker(session_factory: Any, key: str, value: bytes | None) -> None:
    """Remove the marker of ``key`` (None) or record the render's failure on it."""
    with writing_session(session_factory) as db:
        where = (TaskData.queue == MARKERS, TaskData.key == key)
        db.execute(delete(TaskData).where(*where))
        if value is not None:
            db.execute(insert(TaskData).values(queue=MARKERS, key=key, value=value, created_at=utcnow()))
        db.commit()


def count_pending(db: Any) -> int:
    """Renders under way on the whole site (recent markers that did not fail)."""
    since = utcnow() - dt.timedelta(seconds=PENDING_FOR)
    return int(
        db.scalar(
            select(func.count()).where(
                TaskData.queue == MARKERS, TaskData.created_at > since, TaskData.value == b""
            )
        )
        or 0
    )


def pending_markers(session_factory: Any) -> int:
    with session_factory() as db:
        return count_pending(db)


def render_task(session_factory: Any, typed: Settings, key: str, htmls: list[str], one_page: bool) -> int:
    """The ``render_pdf`` task: lay out, store in the cache, clear the marker; returns the PDF's size."""
    cache = PdfCache(lambda: session_factory, int(typed.pdf_cache_max_mb * 1024 * 1024))
    try:
        data = layout_in_pool(Job(tuple(htmls), one_page), typed)
        cache.write(key, data)
    except Exception:
        log.exception("PDF render %s failed", key)
        set_marker(session_factory, key, FAILED_MARK)
        raise
    set_marker(session_factory, key, None)
    return len(data)


# --- in the web process ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # READY, PENDING, LIMITED, BUSY or FAILED
    data: bytes | None = None
    retry_after: int = 0


class PdfService:
    """The cache and the queue of on-demand PDFs for one app (``request.registry["pdf_service"]``)."""

    def __init__(self, settings: Settings | Mapping[str, Any], registry: Any = None) -> None:
        typed = coerce(settings)
        self.settings = typed
        self.registry = registry
        self.cache = PdfCache(self._session_factory, int(typed.pdf_cache_max_mb * 1024 * 1024))
        self.max_pending = typed.pdf_max_pending
        self.wait_seconds = typed.pdf_wait_seconds
        self.refresh_seconds = typed.pdf_refresh_seconds
        self._waiting = threading.BoundedSemaphore(max(1, typed.pdf_max_waiting))
        # None: the task queue (guide-worker); tests may put an executor here (its submit runs the render)
        self.executor: cf.Executor | None = None
        self.renders = 0  # renders this service asked for (each cache miss that was accepted)

    def _session_factory(self) -> Any:
        if self.registry is None:
            raise RuntimeError("PdfService needs the app's registry (its session factory)")
        return self.registry["dbsession_factory"]

    def pending_count(self) -> int:
        return pending_markers(self._session_factory())

    def _submit(self, key: str, job: Job) -> None:
        if self.executor is not None:
            self.executor.submit(
                render_task, self._session_factory(), self.settings, key, list(job.htmls), job.one_page
            )
            return
        from .. import tasks

        tasks.submit(tasks.render_pdf, key, list(job.htmls), job.one_page, registry=self.registry)

    def _poll(self, key: str, timeout: float) -> Outcome | None:
        """Wait up to ``timeout`` for the render of ``key``: READY, FAILED, or None (still under way)."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            data = self.cache.read(key)
            if data is not None:
                return Outcome(READY, data)
            if marker(self._session_factory(), key) == FAILED_MARK:
                return Outcome(FAILED)
            if time.monotonic() >= deadline:
                return None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 1.5, 0.5)

    def get(self, key: str, build: Callable[[], Job], limit: Callable[[], int | None]) -> Outcome:
        """The cached PDF of ``key``, or a render of ``build()``'s job by the worker.

        ``limit`` is called only when a render must start: it counts the client's use and returns None, or
        the number of seconds to wait when the client is over its limit.
        """
        data = self.cache.read(key)
        if data is not None:
            return Outcome(READY, data)
        factory = self._session_factory()
        state = marker(factory, key)
        if state == FAILED_MARK:  # shown once; the next visit renders again
            set_marker(factory, key, None)
            return Outcome(FAILED)
        if state is not None:  # under way (asked by another request, here or on another server)
            return self._wait(key, wait=False)
        if pending_markers(factory) >= self.max_pending:
            return Outcome(BUSY, retry_after=60)
        retry_after = limit()
        if retry_after is not None:
            return Outcome(LIMITED, retry_after=retry_after)
        try:
            job = build()
        except Exception:
            log.exception("Could not build the PDF %s", key)
            return Outcome(FAILED)
        if not mark_pending(factory, key):  # another request got there first
            return self._wait(key, wait=False)
        self.renders += 1
        try:
            self._submit(key, job)
        except Exception:
            log.exception("Could not render the PDF %s", key)
            if marker(factory, key) is not None:
                set_marker(factory, key, None)
            data = self.cache.read(key)
            return Outcome(READY, data) if data is not None else Outcome(FAILED)
        return self._wait(key)

    def _wait(self, key: str, *, wait: bool = True) -> Outcome:
        """The render of ``key`` if it is done within ``pdf.wait_seconds`` (``wait``: only for the request
        that asked for it; the others get the « en préparation » page at once), else PENDING."""
        outcome = None
        if wait and self.wait_seconds > 0 and self._waiting.acquire(blocking=False):
            try:
                outcome = self._poll(key, self.wait_seconds)
            finally:
                self._waiting.release()
        else:
            outcome = self._poll(key, 0)
        if outcome is None:
            return Outcome(PENDING, retry_after=self.refresh_seconds)
        if outcome.status == FAILED:
            set_marker(self._session_factory(), key, None)
        return outcome


def includeme(config: Any) -> None:
    config.registry["pdf_service"] = PdfService(settings_of(config.registry), config.registry)
