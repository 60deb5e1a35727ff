"""Files every app server sees: logos, edition PDFs and cached PDFs, stored in the database.

The choice, written down: a table of blobs (:class:`~guide.models.StoredFile`) keyed by a path-like name,
with content type, size, sha256 (the ETag), creation and last use. Not a folder: two app servers behind a
proxy on one PostgreSQL would need a shared volume (NFS and its locking) or an object store (a service and
credentials more to run); the database is already shared, is already backed up (``guide-backup`` then
carries the files with the rows that name them, in one consistent snapshot), and these files are small and
few — a logo is re-encoded to at most 600 × 600 pixels (tens of kB), an edition is a few MB, one a year,
a one-page PDF ~100 kB. The cached PDFs are bounded in total size (``pdf.cache_max_mb``), the least recently
used going first; ``used_at`` is written at most once per :data:`TOUCH_EVERY` so that reads stay reads.

Names: ``<kind>/<file name>``, ``kind`` one of :data:`KINDS`. Files that were on disk under ``var/`` before
(``uploads/logos/*``, ``editions/*.pdf``) are copied in by :func:`import_var_files`, which ``guide-migrate``
runs after the schema upgrade (a migration does not know the var folder).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .models.meta import utcnow
from .models.storage import StoredFile

LOGOS, EDITIONS, PDF = "logos", "editions", "pdf"
KINDS = (LOGOS, EDITIONS, PDF)
TOUCH_EVERY = dt.timedelta(minutes=10)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


class BadName(ValueError):
    pass


def file_name(kind: str, name: str) -> str:
    """``kind/name`` after checking both (no path separators, no dot files): what the table is keyed by."""
    if kind not in KINDS or not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise BadName(f"bad stored file name {kind!r}/{name!r}")
    return f"{kind}/{name}"


def valid_name(name: Any) -> bool:
    return isinstance(name, str) and bool(_NAME.match(name)) and ".." not in name


def put(db: Session, kind: str, name: str, data: bytes, content_type: str | None = None) -> StoredFile:
    """Store ``data`` under ``kind/name`` (replacing what was there) in ``db``'s transaction."""
    key = file_name(kind, name)
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    now = utcnow()
    stored = db.get(StoredFile, key)
    if stored is None:
        stored = StoredFile(name=key, kind=kind, created_at=now)
        db.add(stored)
    stored.content_type = content_type
    stored.data = bytes(data)
    stored.size = len(data)
    stored.sha256 = hashlib.sha256(data).hexdigest()
    stored.used_at = now
    return stored


def get(db: Session, kind: str, name: str, *, touch: bool = False) -> StoredFile | None:
    """The stored file, or None; ``touch``: mark it used now (at most once per :data:`TOUCH_EVERY`)."""
    if not valid_name(name):
        return None
    stored = db.get(StoredFile, file_name(kind, name))
    if stored is not None and touch and utcnow() - stored.used_at > TOUCH_EVERY:
        db.execute(update(StoredFile).where(StoredFile.name == stored.name).values(used_at=utcnow()))
    return stored


def read(db: Session, kind: str, name: str, *, touch: bool = False) -> bytes | None:
    stored = get(db, kind, name, touch=touch)
    return stored.data if stored is not None else None


def exists(db: Session, kind: str, name: str) -> bool:
    if not valid_name(name):
        return False
    key = file_name(kind, name)
    return db.scalar(select(func.count()).where(StoredFile.name == key)) == 1


def remove(db: Session, kind: str, name: str) -> bool:
    if not valid_name(name):
        return False
    result = db.execute(delete(StoredFile).where(StoredFile.name == file_name(kind, name)))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def total_size(db: Session, kind: str) -> int:
    return int(db.scalar(select(func.coalesce(func.sum(StoredFile.size), 0)).where(StoredFile.kind == kind)))


def evict(db: Session, kind: str, max_bytes: int, keep: str | None = None) -> int:
    """Remove the least recently used files of ``kind`` beyond ``max_bytes`` in all (never ``keep``, the
    name just written); returns how many were removed."""
    total = total_size(db, kind)
    if total <= max_bytes:
        return 0
    keep_key = file_name(kind, keep) if keep else None
    doomed: list[str] = []
    rows = db.execute(
        select(StoredFile.name, StoredFile.size)
        .where(StoredFile.kind == kind)
        .order_by(StoredFile.used_at, StoredFile.name)
    )
    for key, size in rows:
        if total <= max_bytes:
            break
        if key == keep_key:
            continue
        doomed.append(key)
        total -= size
    for start in range(0, len(doomed), 500):
        db.execute(delete(StoredFile).where(StoredFile.name.in_(doomed[start : start + 500])))
    return len(doomed)


def names(db: Session, kind: str) -> list[str]:
    prefix = f"{kind}/"
    return [
        key.removeprefix(prefix) for key in db.scalars(select(StoredFile.name).where(StoredFile.kind == kind))
    ]


# --- the files of an earlier release, on disk under var/ ----------------------------------------------------

VAR_FOLDERS = ((LOGOS, "uploads/logos", "*"), (EDITIONS, "editions", "*.pdf"))


def var_files(var_dir: str | Path) -> Iterator[tuple[str, Path]]:
    """``(kind, path)`` of the files an earlier release kept on disk."""
    for kind, folder, pattern in VAR_FOLDERS:
        directory = Path(var_dir) / folder
        if directory.is_dir():
            for path in sorted(directory.glob(pattern)):
                if path.is_file() and valid_name(path.name):
                    yield kind, path


def import_var_files(db: Session, var_dir: str | Path) -> int:
    """Copy the logos and edition PDFs found on disk into the storage (those not there yet); the files stay
    on disk (a backup of the old release's layout). Returns how many were copied; does not commit."""
    copied = 0
    for kind, path in var_files(var_dir):
        if not exists(db, kind, path.name):
            put(db, kind, path.name, path.read_bytes())
            copied += 1
    return copied
