"""PDFs printed on demand, cached by content in ``<var_dir>/cache/pdf``.

A key names what a PDF shows, not who asked for it: the kind of document (one fiche, the selection, in large
print or not), the fiches with their published version ids and what the print takes besides a version (the
organisation and lieux, the helplines), the site address, the day printed on the sheet, and the version of
the code and print templates (:func:`code_version`). A new published version gives a new key, hence a new
PDF; the same content asked again is a file read.

Files are written atomically (a temporary file then ``os.replace``), so that several app processes and their
workers can share the folder; the folder is bounded in total size, the least recently used files going first.
A small ``.pending`` marker tells the other processes that a render of a key is under way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import hours
from .helplines import helpline_data, helplines
from .rendering import template_sources
from .selection import live_entries

# Bump when the output changes for a reason the hashed files below do not show.
CACHE_FORMAT = 1
# A render announced by a marker older than this is taken as lost (its process died).
PENDING_FOR = 180

_GUIDE = Path(__file__).resolve().parent.parent
# Whole folders rather than named modules: the print code may move between modules without stale PDFs.
_VERSIONED = (
    (_GUIDE / "static" / "print", "*"),  # print stylesheets and fonts
    (_GUIDE / "print", "*.py"),
    (_GUIDE / "services", "*.py"),  # the fiches' query, the QR codes
    (_GUIDE / "services" / "mapsvg", "*.py"),  # the maps
    (_GUIDE / "hours", "*.py"),  # the hours as written on a page
    (_GUIDE, "*.py"),  # French formats, vocabulary
)


@functools.cache
def code_version() -> str:
    """A digest of what shapes a printed page besides the data: print templates, print stylesheets and
    fonts, the code that builds and lays out the pages, and WeasyPrint's version."""
    digest = hashlib.sha256(f"format {CACHE_FORMAT}".encode())
    # the installed version, without importing WeasyPrint into the web process
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        digest.update(importlib.metadata.version("weasyprint").encode())
    for folder, pattern in _VERSIONED:
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(_GUIDE.parent)).encode())
                digest.update(path.read_bytes())
    # the print templates, through the loader the templates room handed in (the core knows no path of theirs)
    for name, source in template_sources():
        digest.update(name.encode())
        digest.update(source.encode())
    return digest.hexdigest()[:16]


def content_key(kind: str, parts: Any) -> str:
    """The cache key of a document: ``kind`` and JSON-able ``parts`` (ids, versions, snapshots...)."""
    payload = json.dumps([code_version(), kind, parts], sort_keys=True, default=str, ensure_ascii=False)
    return f"{kind}-{hashlib.sha256(payload.encode()).hexdigest()[:40]}"


def local_today() -> dt.date:
    """Today in the guide's zone (the timezone setting): cached PDFs show the date they were made."""
    return hours.today()


def fiche_key(db: Any, fiche_id: int, site_url: str) -> str | None:
    """The key of a fiche's one-page PDF (None when it is not public)."""

    entries = live_entries(db, [fiche_id])
    if not entries:
        return None
    entry = entries[0]
    return content_key("fiche", [site_url, local_today(), entry.fiche_id, entry.version.id, entry.snapshot])


def selection_key(db: Any, fiche_ids: Sequence[int], site_url: str, variant: str, *extra: Any) -> str:
    """The key of the agents' selection in one ``variant`` (``pdf``, ``pdf-gros``, ``page``...)."""

    entries = [(e.fiche_id, e.version.id, e.snapshot) for e in live_entries(db, fiche_ids)]
    return content_key(
        f"selection-{variant}",
        [site_url, local_today(), entries, helpline_data(helplines(db)), list(extra)],
    )


class PdfCache:
    """Files named by key in one folder, at most ``max_bytes`` in all (least recently used out first)."""

    SUFFIXES = (".pdf", ".html")

    def __init__(self, directory: str | Path, max_bytes: int) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes

    def path(self, key: str, suffix: str = ".pdf") -> Path:
        if not key.replace("-", "").isalnum():
            raise ValueError(f"bad cache key {key!r}")
        return self.directory / f"{key}{suffix}"

    def get(self, key: str, suffix: str = ".pdf") -> Path | None:
        path = self.path(key, suffix)
        try:
            os.utime(path)  # used now: the last to be evicted
        except OSError:
            return None
        return path

    def read(self, key: str, suffix: str = ".pdf") -> bytes | None:
        path = self.get(key, suffix)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def write(self, key: str, data: bytes, suffix: str = ".pdf") -> Path:
        """Store ``data`` under ``key`` atomically (readers see the old file, none, or the whole new one)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.path(key, suffix)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        self.evict(keep=target)
        return target

    def evict(self, keep: Path | None = None) -> int:
        """Remove the least recently used files beyond ``max_bytes``; returns how many were removed."""
        files = []
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return 0
        now = time.time()
        for entry in entries:
            try:
                stat = entry.stat()
            except OSError:
                continue
            if entry.name.endswith((".tmp", ".pending")) and now - stat.st_mtime > PENDING_FOR:
                with contextlib.suppress(OSError):  # left by a process that died while rendering
                    os.unlink(entry.path)
                continue
            if entry.name.endswith(self.SUFFIXES):
                files.append((stat.st_mtime, stat.st_size, entry.path))
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            if keep is not None and path == str(keep):
                continue
            with contextlib.suppress(OSError):  # another process may have removed it first
                os.unlink(path)
                removed += 1
            total -= size
        return removed

    # --- renders under way, as seen by every process sharing the folder ---

    def _marker(self, key: str) -> Path:
        return self.path(key, ".pending")

    def mark_pending(self, key: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._marker(key).touch()

    def clear_pending(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._marker(key).unlink()

    def pending(self, key: str) -> bool:
        """True when some process announced a render of ``key`` recently."""
        try:
            return time.time() - self._marker(key).stat().st_mtime < PENDING_FOR
        except OSError:
            return False

    def size(self) -> int:
        total = 0
        for suffix in self.SUFFIXES:
            for path in self.directory.glob(f"*{suffix}"):
                with contextlib.suppress(OSError):
                    total += path.stat().st_size
        return total
