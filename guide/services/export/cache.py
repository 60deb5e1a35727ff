"""The open data files served at ``/opendata/…``: built once, kept on disk, never per request.

A *generation* of the public guide is named by the day and by what changed what the public sees: the last
row of the search index's change log (written in the same transaction as every public change of a fiche,
its organisation, its lieux or its thématiques) and the number of public fiches. A request computes that
key (two indexed queries), and gets the files of that generation from ``var/cache/opendata/<key>/``; the
first request of a new generation builds all the formats once, under a lock (other requests of the same
process wait for it; another process builds its own copy into a temporary folder and the first rename wins),
then older generations are deleted. A generation younger than ``min_interval`` (15 minutes) is still served
after a change of the same day, so that a morning of publications rebuilds the files at most four times an
hour. So the work an anonymous visitor can cause is bounded by the clock and the coordinators' work,
whatever the number of requests.

The build is slow work (10,000 fiches: about 12 s of CPU for the three formats): when an older generation
exists, the request serves it and queues :func:`build_opendata` for ``guide-worker`` (:mod:`guide.tasks`;
at most once per generation and process); only the very first generation is built in the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import tasks
from ...models import Fiche, IndexChange
from . import FORMATS, build_from
from .snapshot import read_public_guide

_lock = threading.RLock()  # re-entered when the queue runs the task at once (immediate mode)


def generation_key(db: Session, today: dt.date) -> str:
    last_change = db.scalar(select(func.max(IndexChange.id))) or 0
    public = db.scalar(select(func.count(Fiche.id)).where(Fiche.is_public)) or 0
    raw = f"{today.isoformat()}:{last_change}:{public}"
    return f"{today.isoformat()}-{hashlib.sha256(raw.encode()).hexdigest()[:12]}"


class OpendataCache:
    def __init__(self, folder: Path, *, site_name: str, site_url: str, licence_setting: str) -> None:
        self.folder = folder
        self.site_name = site_name
        self.site_url = site_url
        self.licence_setting = licence_setting
        self.builds = 0  # how many generations this process built (the tests read it)
        self.min_interval = 15 * 60  # seconds a generation is served after a change of the same day
        self._queued: set[str] = set()  # generations this process asked the worker for

    def folder_for(self, db: Session, today: dt.date, *, registry: Any = None) -> Path:
        """The folder of the current generation: ``<key>/<format>/<file>``. Built here when there is none
        at all; otherwise (``registry``: the app asking) queued for the worker, the last one served."""
        key = generation_key(db, today)
        target = self.folder / key
        if target.is_dir():
            return target
        with _lock:
            if target.is_dir():
                return target
            recent = self._recent(today)
            if recent is not None:
                return recent
            latest = self._latest()
            if latest is None or registry is None:
                self._build(db, key, target)
                return target
            if key not in self._queued:
                self._queued = {key}
                tasks.submit(
                    build_opendata,
                    str(self.folder),
                    self.site_name,
                    self.site_url,
                    self.licence_setting,
                    today.isoformat(),
                    registry=registry,
                )
            return target if target.is_dir() else latest  # immediate mode (tests): already built

    def _latest(self) -> Path | None:
        if not self.folder.is_dir():
            return None
        folders = [f for f in self.folder.iterdir() if f.is_dir() and not f.name.startswith(".")]
        return max(folders, key=lambda f: f.stat().st_mtime, default=None)

    def _recent(self, today: dt.date) -> Path | None:
        """A generation of today built less than ``min_interval`` ago, if any."""
        if not self.folder.is_dir():
            return None
        now = time.time()
        for folder in self.folder.iterdir():
            if (
                folder.name.startswith(today.isoformat())
                and folder.is_dir()
                and now - folder.stat().st_mtime < self.min_interval
            ):
                return folder
        return None

    def _build(self, db: Session, key: str, target: Path) -> None:
        guide = read_public_guide(db)
        partial = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        for fmt in FORMATS:
            files = build_from(
                guide,
                fmt,
                site_name=self.site_name,
                site_url=self.site_url,
                licence_setting=self.licence_setting,
            )
            (partial / fmt).mkdir(parents=True)
            for name, content in files.items():
                (partial / fmt / name).write_bytes(content)
        try:
            partial.rename(target)
        except OSError:  # another process got there first
            shutil.rmtree(partial, ignore_errors=True)
        self.builds += 1
        for old in self.folder.iterdir():
            if old.name != key and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)

    def file(self, db: Session, today: dt.date, fmt: str, name: str, *, registry: Any = None) -> Path | None:
        """The path of one file of the current generation, or None when there is no such file."""
        if fmt not in FORMATS or not name or "/" in name or name.startswith("."):
            return None
        path = self.folder_for(db, today, registry=registry) / fmt / name
        return path if path.is_file() else None


@tasks.queue.task(name="build_opendata")
def build_opendata(folder: str, site_name: str, site_url: str, licence_setting: str, today: str) -> str:
    """The open data files of the public guide as it is now (run by ``guide-worker``)."""
    cache = OpendataCache(
        Path(folder), site_name=site_name, site_url=site_url, licence_setting=licence_setting
    )
    cache.min_interval = 0
    with tasks.session() as db:
        return str(cache.folder_for(db, dt.date.fromisoformat(today)))
