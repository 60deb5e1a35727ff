"""Keeping the index in step with the database through the change log.

Every change to what the public sees of a fiche writes an :class:`~guide.models.IndexChange` row in the
same transaction (:func:`guide.services.fiches.log_index_change`). The indexer reads the rows it has not
applied yet, re-reads those fiches' *published* versions and updates or deletes their documents.

The pointer — the last change-log id applied — lives in ``changelog.json`` beside the index and is
written only after the index commit: a crash in between makes the next run apply the same rows again,
which is harmless (applying a row means « index this fiche as it is now »). Each index folder has its own
pointer, so several processes may each keep their own index.

Ids are handed out when a row is inserted, not when its transaction commits: on PostgreSQL a
transaction may commit row 10 after another one committed row 11. The ids missing below the pointer are
therefore remembered as *gaps* and looked for again at every pass, until they appear or are old enough
to be a rolled-back transaction's (:data:`GAP_TTL`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, object_session, selectinload
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import CLEAR

from guide.models import Access, Fiche, IndexChange
from guide.services import public_labels
from guide.services.fiches import published_content_loading
from guide.services.translations import public_texts
from guide.text import slugify
from guide.vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, TYPES_SERVICE, labels

from .rebuild import ParallelRebuildWriter, RebuildCodec, RebuildWriter
from .schema import SCHEMA_VERSION, VOCABULARY, build_schema

logger = logging.getLogger(__name__)

STATE_FILE = "changelog.json"
GAP_TTL = 15 * 60.0  # seconds a missing change-log id is waited for
MAX_GAPS = 5000
GAP_WINDOW = 200  # after a rebuild, ids this far below the pointer that are missing become gaps
WRITE_TIMEOUT = 5.0  # seconds to wait for another writer of the same folder
BATCH = 500  # fiches loaded (and documents built) at a time
# The rebuild's posting pool (CompactPool), in MB of its own estimate; past it, postings are sorted and
# spilled to disk and merged back at commit (slower: Whoosh's merge of runs, posting by posting). 50,000
# fiches (7 million postings) fit in 256 MB: peak RSS 285 MB, 295 MB with the snapshot read afterwards.
REBUILD_MB = 256


def fiche_path(fiche_id: int, nom: str) -> str:
    """The public page of a fiche, as routed by ``views`` (``/fiche/{id}-{slug}``)."""
    return f"/fiche/{fiche_id}-{slugify(nom, 60)}"


# --- documents -------------------------------------------------------------------------------------


def _loading() -> tuple[Any, ...]:
    """The published content and the reviewed translations (``Fiche.translations``, declared by
    :mod:`guide.models.translations`)."""
    return (*published_content_loading(), selectinload(Fiche.translations))  # type: ignore[attr-defined]


def _public_fiches_query() -> Any:
    # populate_existing: the caller's session may hold these fiches as they were before the change
    return select(Fiche).execution_options(populate_existing=True).options(*_loading())


def load_fiches(db: Session, ids: Iterable[int]) -> dict[int, Fiche]:
    ids = list(ids)
    found: dict[int, Fiche] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for fiche in db.scalars(_public_fiches_query().where(Fiche.id.in_(chunk))):
            found[fiche.id] = fiche
    return found


def iter_public_fiches(db: Session, batch: int | None = None) -> Iterator[Fiche]:
    """Every public fiche, by id, streamed: ``batch`` fiches at a time (keyset pagination on the id), each
    batch with its published content eager-loaded in a short-lived session on ``db``'s connection (the same
    transaction) that is closed before the next batch — so at most one batch of ORM objects is alive, and
    ``db``'s identity map is left as it was."""
    batch = batch or BATCH
    db.flush()  # what the caller has not flushed yet is part of the transaction the batches read
    connection = db.connection()
    last = 0
    while True:
        with Session(bind=connection, autoflush=False) as reader:
            fiches = list(
                reader.scalars(
                    select(Fiche)
                    .where(Fiche.is_public, Fiche.id > last)
                    .order_by(Fiche.id)
                    .limit(batch)
                    .options(*_loading())
                )
            )
            if not fiches:
                return
            last = fiches[-1].id
            yield from fiches
            del fiches


def build_document(fiche: Fiche, plain: public_labels.PublicLabels | None = None) -> dict[str, Any] | None:
    """The index document of a fiche's published version; None when the public must not see it.

    ``plain``: the coordination's plain labels (:func:`guide.services.public_labels.load`), read once by a
    caller indexing many fiches (one query per fiche otherwise: a tenth of a rebuild's time)."""
    version = fiche.published_version
    if version is None or not fiche.is_public:
        return None
    organisation = fiche.organisation
    lieux = list(version.lieux)
    quartiers: dict[str, str] = {}
    for lieu in lieux:
        if lieu.quartier is not None:
            quartiers.setdefault(lieu.quartier.slug, lieu.quartier.nom)
    first_quartier = next((lieu.quartier.nom for lieu in lieux if lieu.quartier is not None), "")
    thematiques = list(version.thematiques)
    publics = list(version.publics or [])
    langues = list(version.langues or [])
    gratuit = version.frais == "gratuit"
    accessible = any(lieu.acces_plain_pied == Access.YES for lieu in lieux)
    translated = public_texts(fiche)
    translations_text = " ".join(part for t in translated.values() for part in t.values() if part)
    payload = {
        "fiche_id": fiche.id,
        "uid": fiche.stable_id,
        "nom": version.nom,
        "resume": version.resume or "",
        "description": version.description or "",
        "structure": organisation.nom if organisation else "",
        "quartier": first_quartier,
        "url": fiche_path(fiche.id, version.nom),
        "horaires": version.horaires or "",
        "fermetures": list(version.fermetures or []),
        "lieux": [
            {
                "nom": lieu.nom,
                "adresse": lieu.one_line_address,
                "latitude": lieu.latitude,
                "longitude": lieu.longitude,
                "quartier": lieu.quartier.slug if lieu.quartier else None,
            }
            for lieu in lieux
        ],
        "thematiques": [t.slug for t in thematiques],
        "publics": publics,
        "quartiers": list(quartiers),
        "langues": langues,
        "gratuit": gratuit,
        "accessible": accessible,
        # reviewed translations of the title and summary, by language (results in the visitor's language)
        "traductions": {code: {"nom": t["nom"], "resume": t["resume"]} for code, t in translated.items()},
    }
    organisation_text = " ".join(filter(None, [organisation.nom, organisation.sigle])) if organisation else ""
    lieu_text = " ".join(
        part
        for lieu in lieux
        for part in (lieu.nom, lieu.one_line_address, lieu.quartier.nom if lieu.quartier else "")
        if part
    )
    # data·inclusion's labels and the plain words of the public pages (guide.services.public_labels): a
    # visitor typing either finds the fiche (the coordination's own wording at the fiche's next indexing)
    if plain is None:
        plain = public_labels.load(object_session(fiche))
    autres = " ".join(
        filter(
            None,
            [
                *labels(LANGUES, langues),
                FRAIS.get(version.frais or "", ""),
                TYPES_SERVICE.get(version.type_service or "", ""),
                *labels(CONDITIONS_ACCES, version.conditions_acces),
                *plain.conditions(version.conditions_acces),
                plain.type(version.type_service),
                version.publics_precisions,
                version.conditions_precisions,
                version.frais_precisions,
            ],
        )
    )
    texts = {
        "nom": version.nom,
        "resume": version.resume or "",
        "description": version.description or "",
        "thematiques": " ".join(t.label for t in thematiques),
        "publics": " ".join(dict.fromkeys([*labels(PUBLICS, publics), *plain.publics(publics)])),
        "organisation": organisation_text,
        "lieu": lieu_text,
        "autres": autres,
        "traductions": translations_text,
    }
    return {
        "id": str(fiche.id),
        **texts,
        # whole words (schema.Words): the texts as a list, their words put together by the field
        "vocab": [texts[name] for name in VOCABULARY],
        "thematique": " ".join(payload["thematiques"]),
        "public": " ".join(publics),
        "quartier": " ".join(quartiers),
        "langue": " ".join(langues),
        "flags": " ".join(name for name, on in (("gratuit", gratuit), ("accessible", accessible)) if on),
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
    }


# --- the pointer -----------------------------------------------------------------------------------


@dataclass
class LogState:
    """How far the index has read the change log: the last id applied and the ids still awaited."""

    last_id: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # id → when it was first found missing
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def read(cls, folder: Path) -> LogState | None:
        try:
            data = json.loads((folder / STATE_FILE).read_text())
        except (OSError, ValueError):
            return None
        return cls(
            last_id=int(data.get("last_id", 0)),
            gaps={int(k): float(v) for k, v in (data.get("gaps") or {}).items()},
            schema_version=int(data.get("schema_version", 0)),
        )

    def write(self, folder: Path) -> None:
        """Atomically: a reader sees the old pointer or the new one, never half a file."""
        data = {
            "last_id": self.last_id,
            "gaps": {str(k): v for k, v in sorted(self.gaps.items())},
            "schema_version": self.schema_version,
        }
        tmp = folder / f".{STATE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(tmp, "w") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / STATE_FILE)


@dataclass
class ApplyReport:
    changes: int = 0  # change-log rows read
    indexed: int = 0  # documents written
    deleted: int = 0  # documents removed
    rebuilt: bool = False


# --- the index folder ------------------------------------------------------------------------------


class IndexFolder:
    """One Whoosh index and its change-log pointer. Thread-safe; processes are serialised by Whoosh's
    writer lock."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        state = LogState.read(self.path)
        self.index = None
        # Files are read, not memory-mapped: a mapped file stays open while any of Whoosh's reader objects
        # still exports a view of it, so closing a replaced generation's searcher (search_index.snapshot)
        # would not close it (see ``service.freeze_long_lived``)
        storage = FileStorage(str(self.path), supports_mmap=False)
        if state is not None and state.schema_version == SCHEMA_VERSION:
            try:
                self.index = storage.open_index()
            except Exception:  # the index is derived data: a missing or unreadable one is rebuilt
                logger.exception("search index %s unreadable: it will be rebuilt", self.path)
        self.needs_rebuild = self.index is None
        if self.index is None:
            for stale in [*self.path.glob("MAIN_*"), *self.path.glob("_MAIN_*")]:  # Whoosh's files only
                if stale.is_file():
                    stale.unlink()
            self.index = storage.create_index(build_schema())

    def state(self) -> LogState:
        return LogState.read(self.path) or LogState()

    @contextlib.contextmanager
    def _locked(self, timeout: float) -> Iterator[None]:
        """This process's lock on the folder; raises LockError after ``timeout`` (0: do not wait)."""
        acquired = self._lock.acquire(timeout=timeout) if timeout > 0 else self._lock.acquire(blocking=False)
        if not acquired:
            raise LockError("search index busy in this process")
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _writer(
        self,
        timeout: float,
        limitmb: int = 32,
        codec: Any = None,
        compound: bool = True,
        rebuild: bool = False,
        procs: int = 1,
    ) -> Iterator[Any]:
        """This process's lock, then Whoosh's writer lock (which other processes also take); ``rebuild``:
        a :class:`RebuildWriter`, or with ``procs`` > 1 a :class:`ParallelRebuildWriter`."""
        with self._locked(timeout):
            if rebuild and procs > 1:
                writer = ParallelRebuildWriter(
                    self.index,
                    procs,
                    timeout=timeout,
                    limitmb=limitmb // procs,
                    codec=codec,
                    compound=compound,
                )
            elif rebuild:
                writer = RebuildWriter(
                    self.index, timeout=timeout, limitmb=limitmb, codec=codec, compound=compound
                )
            else:
                writer = self.index.writer(
                    timeout=timeout, limitmb=limitmb, procs=1, codec=codec, compound=compound
                )
            try:
                yield writer
            except BaseException:
                if not getattr(writer, "is_closed", False):
                    writer.cancel()
                raise

    def rebuild(self, db: Session, timeout: float = 60.0, procs: int = 1) -> tuple[int, float]:
        """Index every public fiche from scratch; returns (documents, seconds).

        ``procs`` > 1 (``guide-reindex --processus 2``): the documents are indexed by that many forked
        processes, each writing a segment — only from a process of its own, never from a threaded web
        server, where a fork copies whatever lock another thread holds. Measured at 50,061 fiches on the
        shared 2-core machine (load average 2-3): one process 64.6 s wall, 63.9 s CPU, 285 MB; two 59.7 s
        wall — this process reads the database and builds the documents (about 40 % of the work) while the
        others index them, so it pays only on idle cores, hence not the default. Should a process fail,
        Whoosh would commit without its segment: the count is checked and the rebuild done again in this
        process."""
        started = time.perf_counter()
        count = self._rebuild(db, timeout, procs)
        if procs > 1:
            with self.index.reader() as reader:
                indexed = reader.doc_count()
            if indexed != count:
                logger.error(
                    "parallel rebuild indexed %s of %s fiches: rebuilding in one process", indexed, count
                )
                count = self._rebuild(db, timeout, 1)
        return count, time.perf_counter() - started

    def _rebuild(self, db: Session, timeout: float, procs: int) -> int:
        # compound=False: Whoosh copies each file of a compound segment into memory when a reader opens it
        # (about 90 MB at 50,000 fiches); separate files are read from the disk (and the OS's cache).
        with self._writer(
            timeout, limitmb=REBUILD_MB, codec=RebuildCodec(), compound=False, rebuild=True, procs=procs
        ) as writer:
            # Read the pointer before the fiches: a change committed meanwhile is applied again later.
            last_id = db.scalar(select(func.max(IndexChange.id))) or 0
            present = set(db.scalars(select(IndexChange.id).where(IndexChange.id > last_id - GAP_WINDOW)))
            now = time.time()
            gaps = {i: now for i in range(max(1, last_id - GAP_WINDOW + 1), last_id + 1) if i not in present}
            count = 0
            plain = public_labels.load(db)
            for fiche in iter_public_fiches(db):
                document = build_document(fiche, plain)
                if document is not None:
                    writer.add_document(**document)
                    count += 1
            writer.commit(mergetype=CLEAR)
            LogState(last_id=last_id, gaps=gaps).write(self.path)
            self.needs_rebuild = False
        return count

    def pending(self, db: Session) -> bool:
        """Whether the change log may hold rows this index has not applied (one indexed query)."""
        if self.needs_rebuild:
            return True
        state = self.state()
        max_id = db.scalar(select(func.max(IndexChange.id))) or 0
        return max_id != state.last_id or bool(state.gaps)

    @staticmethod
    def _unapplied(db: Session, state: LogState) -> list[Any]:
        condition = IndexChange.id > state.last_id
        if state.gaps:
            condition = or_(condition, IndexChange.id.in_(sorted(state.gaps)[-MAX_GAPS:]))
        return list(db.execute(select(IndexChange.id, IndexChange.fiche_id).where(condition)).all())

    def apply(self, db: Session, timeout: float = WRITE_TIMEOUT) -> ApplyReport:
        """Apply the change-log rows not applied yet. Raises whoosh's LockError if another writer holds
        the folder longer than ``timeout``."""
        if self.needs_rebuild:
            count, _seconds = self.rebuild(db, timeout=max(timeout, 60.0))
            return ApplyReport(indexed=count, rebuilt=True)
        state = self.state()
        max_id = db.scalar(select(func.max(IndexChange.id))) or 0
        if max_id < state.last_id:
            # The log went backwards (a restored or another database): start again from scratch.
            logger.warning("change log behind the search index (%s < %s): rebuilding", max_id, state.last_id)
            count, _seconds = self.rebuild(db, timeout=max(timeout, 60.0))
            return ApplyReport(indexed=count, rebuilt=True)
        if max_id == state.last_id and not state.gaps:
            return ApplyReport()
        if not self._unapplied(db, state):
            # Only awaited gaps, still missing: forget those waited for long enough.
            with self._locked(timeout):
                state = self.state()
                now = time.time()
                kept = {i: t for i, t in state.gaps.items() if now - t < GAP_TTL}
                if kept != state.gaps:
                    LogState(last_id=state.last_id, gaps=kept).write(self.path)
            return ApplyReport()
        with self._writer(timeout) as writer:
            state = self.state()  # again, under the writer lock
            rows = self._unapplied(db, state)
            seen = {row.id for row in rows}
            new_last = max([state.last_id, *seen])
            now = time.time()
            gaps = {i: t for i, t in state.gaps.items() if i not in seen and now - t < GAP_TTL}
            for i in range(max(state.last_id + 1, new_last - MAX_GAPS), new_last):
                if i not in seen:
                    gaps[i] = now
            if len(gaps) > MAX_GAPS:
                gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
            report = ApplyReport(changes=len(rows))
            fiche_ids = sorted({row.fiche_id for row in rows})
            fiches = load_fiches(db, fiche_ids)
            plain = public_labels.load(db)
            for fiche_id in fiche_ids:
                fiche = fiches.get(fiche_id)
                document = build_document(fiche, plain) if fiche is not None else None
                if document is None:
                    writer.delete_by_term("id", str(fiche_id))
                    report.deleted += 1
                else:
                    writer.update_document(**document)
                    report.indexed += 1
            if fiche_ids:
                writer.commit()
            else:
                writer.cancel()
            LogState(last_id=new_last, gaps=gaps).write(self.path)
        return report

    def try_apply(self, db: Session, timeout: float = WRITE_TIMEOUT) -> ApplyReport | None:
        """:meth:`apply`, or None when another writer holds the folder (it will be retried later)."""
        try:
            return self.apply(db, timeout=timeout)
        except LockError:
            logger.info("search index %s busy: changes will be applied later", self.path)
            return None
