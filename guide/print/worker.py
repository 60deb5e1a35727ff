"""WeasyPrint off the request threads: one lower-priority worker process per app process.

A request builds the HTML of its document (cheap: a few tens of milliseconds for 50 fiches) and hands it to
:class:`PdfService`, which

* answers from the file cache (:mod:`.cache`) when the same content was rendered before;
* otherwise, when the client is within its rate limit and fewer than ``pdf.max_pending`` renders are under
  way, queues the layout in a process pool of ONE spawned process, niced (``pdf.nice``), started on the first
  render and replaced after ``pdf.tasks_per_worker`` renders (WeasyPrint's memory), when it dies (its jobs
  are submitted once more) or when a render outlasts ``pdf.render_timeout`` (it is killed): the CPU work
  never holds the web process's GIL;
* waits for the result at most ``pdf.wait_seconds`` (and only ``pdf.max_waiting`` requests at once, so that
  the web threads stay free for the other pages); after that the page says « en préparation » and refreshes
  itself until the file is in the cache.

The same key asked again while its render is under way waits for that render (in this process: its job; in
another process sharing ``var_dir``: a ``.pending`` marker), it is never rendered twice at once.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..settings import Settings, coerce, settings_of
from .cache import PdfCache

log = logging.getLogger(__name__)

READY, PENDING, LIMITED, BUSY, FAILED = "ready", "pending", "limited", "busy", "failed"


# --- in the worker process ---------------------------------------------------------------------------------


def _initializer(nice: int) -> None:
    if nice:
        with contextlib.suppress(OSError):  # not allowed here: still off the web process
            os.nice(nice)


@dataclass(frozen=True)
class Job:
    """One document to lay out: its HTML in order of preference; ``one_page``: the first that fits on one
    page is kept (the last one is cut to its first page)."""

    htmls: tuple[str, ...]
    one_page: bool = False


def layout(job: Job) -> bytes:
    """The PDF of a job (WeasyPrint; run in the worker process)."""
    from .layout import font_config, html_document

    for rank, html in enumerate(job.htmls):
        if not job.one_page:
            return html_document(html).write_pdf(font_config=font_config())
        rendering = html_document(html).render(font_config=font_config())
        if len(rendering.pages) == 1 or rank == len(job.htmls) - 1:
            return rendering.copy(rendering.pages[:1]).write_pdf()
    raise ValueError("a job without HTML")


def render_to_cache(directory: str, max_bytes: int, key: str, job: Job) -> int:
    """Lay out ``job`` and store it in the cache under ``key``; returns its size in bytes."""
    cache = PdfCache(directory, max_bytes)
    try:
        data = layout(job)
        cache.write(key, data)
    finally:
        cache.clear_pending(key)
    return len(data)


# --- in the web process ------------------------------------------------------------------------------------

_pools: dict[tuple[int, int], cf.ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


@atexit.register
def _shutdown_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def process_pool(nice: int, tasks_per_worker: int, *, renew: bool = False) -> cf.ProcessPoolExecutor:
    """The process's worker pool (one process, started by its first job); ``renew`` replaces a broken one."""
    with _pools_lock:
        key = (nice, tasks_per_worker)
        pool = _pools.get(key)
        if pool is None or renew:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            # spawn, not fork: the web process has threads and database connections a fork would copy
            pool = cf.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_initializer,
                initargs=(nice,),
                max_tasks_per_child=tasks_per_worker or None,
            )
            _pools[key] = pool
        return pool


def kill_workers(nice: int, tasks_per_worker: int) -> int:
    """Kill the pool's worker process (a render that never ends); its jobs fail with BrokenProcessPool and
    the next submit starts a new worker. Returns how many processes were killed."""
    with _pools_lock:
        pool = _pools.get((nice, tasks_per_worker))
        processes = dict(getattr(pool, "_processes", None) or {}) if pool is not None else {}
    for pid in processes:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return len(processes)


@dataclass
class Outcome:
    status: str  # READY, PENDING, LIMITED, BUSY or FAILED
    path: Path | None = None
    retry_after: int = 0


class PdfService:
    """The cache, the queue and the worker of one app (``request.registry["pdf_service"]``)."""

    def __init__(self, settings: Settings | Mapping[str, Any]) -> None:
        typed = coerce(settings)
        max_bytes = int(typed.pdf_cache_max_mb * 1024 * 1024)
        self.cache = PdfCache(Path(typed.var_dir) / "cache" / "pdf", max_bytes)
        self.max_pending = typed.pdf_max_pending
        self.wait_seconds = typed.pdf_wait_seconds
        self.refresh_seconds = typed.pdf_refresh_seconds
        self.nice = typed.pdf_nice
        self.tasks_per_worker = typed.pdf_tasks_per_worker
        # a render queued longer than this is taken as stuck: the worker is killed and started again
        self.render_timeout = typed.pdf_render_timeout
        self._started: dict[str, float] = {}
        self._waiting = threading.BoundedSemaphore(max(1, typed.pdf_max_waiting))
        self._lock = threading.Lock()
        self._jobs: dict[str, cf.Future[int]] = {}
        # None: the shared process pool; tests may put another executor here
        self.executor: cf.Executor | None = None
        self.renders = 0  # layouts started by this service (each cache miss that was accepted)

    def pending_count(self) -> int:
        with self._lock:
            return sum(1 for future in self._jobs.values() if not future.done())

    def _submit(self, key: str, job: Job) -> cf.Future[int]:
        args = (str(self.cache.directory), self.cache.max_bytes, key, job)
        if self.executor is not None:
            return self.executor.submit(render_to_cache, *args)
        try:
            return process_pool(self.nice, self.tasks_per_worker).submit(render_to_cache, *args)
        except cf.BrokenExecutor:  # the worker died (killed, out of memory): start a new one
            log.warning("The PDF worker was broken: starting a new one")
            return process_pool(self.nice, self.tasks_per_worker, renew=True).submit(render_to_cache, *args)

    def _follow(self, key: str, job: Job, placeholder: cf.Future[int], retry: bool = True) -> None:
        """Submit ``job`` and pass its outcome to ``placeholder``; a job lost with its worker (killed, out of
        memory) is submitted once more, to a new worker."""
        submitted = self._submit(key, job)

        def finish(done: cf.Future[int]) -> None:
            error = done.exception()
            if isinstance(error, cf.BrokenExecutor) and retry:
                log.warning("PDF render %s lost with its worker: trying again", key)
                try:
                    self._follow(key, job, placeholder, retry=False)
                    return
                except Exception as exc:  # noqa: BLE001 - reported through the placeholder
                    error = exc
            with self._lock:
                if self._jobs.get(key) is placeholder:
                    del self._jobs[key]
                    self._started.pop(key, None)
            if error is not None:
                log.error("PDF render %s failed: %r", key, error)
                self.cache.clear_pending(key)
                placeholder.set_exception(error)
            else:
                placeholder.set_result(done.result())

        submitted.add_done_callback(finish)

    def _unstick(self) -> None:
        """Kill the worker when the oldest render under way is older than ``render_timeout`` (lock held)."""
        if self.executor is not None or not self._started:
            return
        oldest = min(self._started.values())
        if time.monotonic() - oldest > self.render_timeout:
            log.error(
                "A PDF render has been under way for %.0f s: killing the PDF worker",
                time.monotonic() - oldest,
            )
            for key in list(self._started):
                self._started[key] = time.monotonic()  # one kill per timeout, not one per request
            kill_workers(self.nice, self.tasks_per_worker)

    def get(
        self,
        key: str,
        build: Callable[[], Job],
        limit: Callable[[], int | None],
    ) -> Outcome:
        """The cached file of ``key``, or a render of ``build()``'s job.

        ``limit`` is called only when a render must start: it counts the client's use and returns None, or
        the number of seconds to wait when the client is over its limit.
        """
        path = self.cache.get(key)
        if path is not None:
            return Outcome(READY, path)
        with self._lock:
            self._unstick()
            future = self._jobs.get(key)
            if future is None:
                if self.cache.pending(key):  # another app process renders it
                    return Outcome(PENDING, retry_after=self.refresh_seconds)
                if sum(1 for f in self._jobs.values() if not f.done()) >= self.max_pending:
                    return Outcome(BUSY, retry_after=60)
                retry_after = limit()
                if retry_after is not None:
                    return Outcome(LIMITED, retry_after=retry_after)
                future = self._jobs[key] = cf.Future()
                self._started[key] = time.monotonic()
                future.set_running_or_notify_cancel()
                self.renders += 1
                start = True
            else:
                start = False
        if start:
            try:
                job = build()
                self.cache.mark_pending(key)
                self._follow(key, job, future)
            except Exception as exc:
                log.exception("Could not queue the PDF %s", key)
                with self._lock:
                    self._jobs.pop(key, None)
                    self._started.pop(key, None)
                self.cache.clear_pending(key)
                future.set_exception(exc)
                return Outcome(FAILED)
        if self.wait_seconds > 0 and self._waiting.acquire(blocking=False):
            try:
                cf.wait([future], timeout=self.wait_seconds)
            finally:
                self._waiting.release()
        if not future.done():
            return Outcome(PENDING, retry_after=self.refresh_seconds)
        if future.exception() is not None:
            return Outcome(FAILED)
        path = self.cache.get(key)
        return Outcome(READY, path) if path is not None else Outcome(FAILED)


def includeme(config: Any) -> None:
    config.registry["pdf_service"] = PdfService(settings_of(config.registry))
