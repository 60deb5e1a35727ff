"""PDFs printed on demand, cached by content in the shared storage (:mod:`guide.storage`, kind ``pdf``).

A key names what a PDF shows, not who asked for it: the kind of document (one fiche, the selection, in large
print or not), the fiches with their published version ids and what the print takes besides a version (the
organisation and lieux, the helplines), the site address, the day printed on the sheet, and the version of
the code and print templates (:func:`code_version`). A new published version gives a new key, hence a new
PDF; the same content asked again is a file read.

Every app server and worker sees the same cache (the database); it is bounded in total size
(``pdf.cache_max_mb``), the least recently used documents going first. A render under way is announced by a
marker every server sees (:mod:`.worker`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .. import hours, storage
from ..db import writing_session
from ..models.meta import utcnow
from .helplines import helpline_data, helplines
from .rendering import template_sources
from .selection import live_entries

log = logging.getLogger(__name__)

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


def fiche_key(db: Any, fiche_id: int, site_url: str, language: str = "fr") -> str | None:
    """The key of a fiche's one-page PDF in ``language`` (None when it is not public)."""

    entries = live_entries(db, [fiche_id])
    if not entries:
        return None
    entry = entries[0]
    kind = "fiche" if language == "fr" else f"fiche-{language}"
    return content_key(kind, [site_url, local_today(), entry.fiche_id, entry.version.id, entry.snapshot])


def selection_key(db: Any, fiche_ids: Sequence[int], site_url: str, variant: str, *extra: Any) -> str:
    """The key of the agents' selection in one ``variant`` (``pdf``, ``pdf-gros``, ``page``...)."""

    entries = [(e.fiche_id, e.version.id, e.snapshot) for e in live_entries(db, fiche_ids)]
    return content_key(
        f"selection-{variant}",
        [site_url, local_today(), entries, helpline_data(helplines(db)), list(extra)],
    )


class PdfCache:
    """Documents named by key in the shared storage (kind ``pdf``), at most ``max_bytes`` in all (least
    recently used out first). Each operation is a short transaction of its own from ``session_factory``
    (a zero-argument callable giving the app's session factory): a cached PDF is not part of what a
    request decides, and a page waiting for the worker must see the worker's commit at once."""

    SUFFIXES = (".pdf", ".html")

    def __init__(self, session_factory: Callable[[], Any], max_bytes: int) -> None:
        self._factory = session_factory
        self.max_bytes = max_bytes

    @staticmethod
    def name(key: str, suffix: str = ".pdf") -> str:
        if not isinstance(key, str) or not key.replace("-", "").isalnum() or suffix not in PdfCache.SUFFIXES:
            raise ValueError(f"bad cache key {key!r}")
        return f"{key}{suffix}"

    def read(self, key: str, suffix: str = ".pdf") -> bytes | None:
        """The document of ``key`` (None when it is not cached); its last use is noted at most once per
        :data:`guide.storage.TOUCH_EVERY`, in a write transaction of its own, best effort (a busy database
        only delays the note: the read never fails for it)."""
        name = self.name(key, suffix)
        with self._factory()() as db:
            stored = storage.get(db, storage.PDF, name)
            if stored is None:
                return None
            data, stale = stored.data, utcnow() - stored.used_at > storage.TOUCH_EVERY
            db.rollback()
        if stale:
            try:
                with writing_session(self._factory()) as db:
                    storage.get(db, storage.PDF, name, touch=True)
                    db.commit()
            except SQLAlchemyError:
                log.warning("could not note the use of the cached PDF %s", name, exc_info=True)
        return data

    def write(self, key: str, data: bytes, suffix: str = ".pdf") -> None:
        """Store ``data`` under ``key`` (replacing what was there), then evict beyond ``max_bytes``."""
        name = self.name(key, suffix)
        content_type = "application/pdf" if suffix == ".pdf" else "text/html; charset=utf-8"
        with writing_session(self._factory()) as db:  # SQLite: the write lock first
            try:
                storage.put(db, storage.PDF, name, data, content_type)
                db.flush()
            except IntegrityError:  # the same key written by another server meanwhile: the same content
                db.rollback()
                return
            storage.evict(db, storage.PDF, self.max_bytes, keep=name)
            db.commit()

    def evict(self) -> int:
        with self._factory()() as db:
            removed = storage.evict(db, storage.PDF, self.max_bytes)
            db.commit()
        return removed

    def size(self) -> int:
        with self._factory()() as db:
            return storage.total_size(db, storage.PDF)
