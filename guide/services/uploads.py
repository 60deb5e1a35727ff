"""Uploaded images (organisation logos): size and type checked, re-encoded, kept in the shared storage
(:mod:`guide.storage`, the database: every app server shows them).

A file sent with a form waits in ``var/uploads/tmp`` only while the form may be shown again with errors:
it is removed as soon as it is stored as a logo or rejected, and any temp file older than
``TEMP_MAX_AGE`` (an abandoned form) is purged on the next upload and by ``purge_stale_temp_files``,
which a maintenance command can call.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from .. import storage

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "png"}
MAX_PIXELS = 4000 * 4000
LOGO_BOX = (600, 600)
TEMP_MAX_AGE = 24 * 3600  # seconds a temp upload may wait for its form to be sent again


class UploadError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_limited(fp: BinaryIO, max_bytes: int) -> bytes:
    """Read at most max_bytes; UploadError if the file is larger or empty."""
    fp.seek(0)
    data = fp.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(f"Ce fichier est trop lourd : {max_bytes // (1024 * 1024)} Mo au plus.")
    if not data:
        raise UploadError("Ce fichier est vide.")
    return data


def check_image(data: bytes) -> Image.Image:
    """Open an image from its bytes; UploadError for anything that is not a PNG, JPEG, WebP or GIF."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise UploadError("Format non accepté : envoyez une image PNG, JPEG ou WebP.")
        if image.width * image.height > MAX_PIXELS:
            raise UploadError("Cette image est trop grande : 4000 × 4000 pixels au plus.")
        image.load()
        return image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, UploadError):
            raise
        raise UploadError(
            "Ce fichier n'est pas une image lisible : envoyez une image PNG, JPEG ou WebP."
        ) from None


def store_logo(db: Session, data: bytes) -> str:
    """Re-encode the logo (strips anything hidden in the file), store it in ``db``'s transaction and return
    its file name (named by content: the same logo sent twice is stored once)."""
    image = check_image(data)
    image.thumbnail(LOGO_BOX)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    payload = out.getvalue()
    name = hashlib.sha256(payload).hexdigest()[:24] + ".png"
    if not storage.exists(db, storage.LOGOS, name):
        storage.put(db, storage.LOGOS, name, payload, "image/png")
    return name


def store_logo_upload(db: Session, var_dir: str, upload: dict[str, Any], max_bytes: int) -> str:
    """Store the logo of a validated form's upload, then remove its temp file: it is used."""
    try:
        return store_logo(db, read_limited(upload["fp"], max_bytes))
    finally:
        temp_store(var_dir).discard(upload.get("uid"))


def temp_folder(var_dir: str) -> Path:
    return Path(var_dir) / "uploads" / "tmp"


def temp_store(var_dir: str, max_bytes: int = 0) -> FileTempStore:
    return FileTempStore(var_dir, max_bytes)


def purge_stale_temp_files(var_dir: str, max_age: float = TEMP_MAX_AGE, now: float | None = None) -> int:
    """Remove temp uploads older than ``max_age`` seconds (forms never sent again); how many files."""
    folder = temp_folder(var_dir)
    if not folder.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - max_age
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another request
            continue
    return removed


class FileTempStore:
    """deform's upload temp store, kept on disk so that a file survives a form shown again with errors."""

    _UID = re.compile(r"^[A-Za-z0-9]{1,40}$")

    def __init__(self, var_dir: str, max_bytes: int) -> None:
        self.var_dir = var_dir
        self.folder = temp_folder(var_dir)
        self.max_bytes = max_bytes
        # uids removed during this request: deform's widget stores a file again when it renders the
        # form with errors; a rejected file must not come back that way
        self.discarded: set[str] = set()

    def _paths(self, uid: str) -> tuple[Path, Path] | None:
        if not isinstance(uid, str) or not self._UID.match(uid):
            return None
        return self.folder / f"{uid}.bin", self.folder / f"{uid}.json"

    def __setitem__(self, uid: str, value: dict[str, Any]) -> None:
        paths = self._paths(uid)
        if paths is None or uid in self.discarded:
            return
        purge_stale_temp_files(self.var_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        data_path, meta_path = paths
        fp = value.get("fp")
        if fp is not None and hasattr(fp, "read"):
            fp.seek(0)
            data_path.write_bytes(fp.read(self.max_bytes + 1))
        meta = {k: value.get(k) for k in ("filename", "mimetype", "uid", "preview_url")}
        meta["filename"] = str(meta.get("filename") or "")[:200]
        meta_path.write_text(json.dumps(meta))

    def discard(self, uid: Any) -> None:
        """Remove a temp upload (stored as a logo, or rejected); it is not written again by this store."""
        paths = self._paths(uid)
        if paths is None:
            return
        self.discarded.add(uid)
        for path in paths:
            path.unlink(missing_ok=True)

    def get(self, uid: str, default: Any = None) -> Any:
        paths = self._paths(uid)
        if paths is None or uid in self.discarded:
            return default
        data_path, meta_path = paths
        try:
            meta = json.loads(meta_path.read_text())
            meta["fp"] = io.BytesIO(data_path.read_bytes()) if data_path.exists() else None
        except (FileNotFoundError, ValueError):  # purged or half-written meanwhile
            return default
        if not isinstance(meta, dict):
            return default
        meta["size"] = len(meta["fp"].getvalue()) if meta["fp"] is not None else 0
        return meta

    def __getitem__(self, uid: str) -> Any:
        value = self.get(uid)
        if value is None:
            raise KeyError(uid)
        return value

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, str) and self.get(uid) is not None

    def preview_url(self, uid: str) -> None:
        return None

    @staticmethod
    def new_uid() -> str:
        return secrets.token_hex(10)
