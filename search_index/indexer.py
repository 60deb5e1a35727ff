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
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, object_session, selectinload
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import CLEAR, PostingPool, SegmentWriter

from guide.models import Access, Fiche, IndexChange
from guide.services import public_labels
from guide.services.fiches import published_content_loading
from guide.services.translations import public_texts
from guide.text import slugify
from guide.vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, TYPES_SERVICE, labels

from .analysis import FrenchAnalyzer
from .schema import FACET_FIELDS, SCHEMA_VERSION, VOCABULARY, FrenchText, Words, build_schema

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
PARALLEL_BATCH = 250  # documents per file handed to an indexing process
# Index fields whose values repeat across fiches: each distinct value is analysed once per rebuild
# (the title, summary, description and translations are a fiche's own).
REPEATED_FIELDS = frozenset(
    {"thematiques", "publics", "organisation", "lieu", "autres", "flags", *FACET_FIELDS}
)


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


class _Group:
    """The documents whose field holds one same value (a thématique's label, an organisation's name…): its
    postings, computed once, and the documents, one array entry each."""

    __slots__ = ("docs", "items", "length")

    def __init__(self, items: list[tuple[bytes, int, float, bytes | None]], length: int) -> None:
        self.items = items
        self.length = length  # the field's length in each of these documents
        self.docs = array("I")


# a term's postings: documents, then weights and values — each an array, or one value for all documents
_Postings = tuple[array, "array | float", "list[bytes | None] | bytes | None"]


class CompactPool(PostingPool):
    """Whoosh's posting pool for a rebuild, holding each term's postings in arrays instead of one tuple each.

    Whoosh keeps every posting as a tuple (field, term, document, weight, value) — about 200 bytes of
    Python objects — sorts them all at commit, and, past its ``limitmb``, sorts and writes them to disk as
    runs that the commit merges back: at 50,000 fiches (7 million postings) most of a rebuild's time went
    to spilling and merging. Here a posting costs an entry in three arrays of its term (values interned:
    most are the same few bytes), only the terms are sorted, and the rare pool still past ``limitmb`` is
    written as one of Whoosh's sorted runs and merged by Whoosh's own code, so memory stays bounded. The
    postings come out in Whoosh's order (field, term, then document, documents being added in order).

    Two cheaper ways in, for :class:`RebuildWriter`: a field whose value many documents share adds the
    document to the value's *group* (one array entry, whatever the number of terms: :meth:`add_to_group`),
    and a field that keeps only which documents hold a term (Whoosh's ``Existence`` format, the vocabulary)
    adds document numbers alone (:meth:`add_words`); the groups' postings are put back among the terms'
    when the pool is written; the writer calls :meth:`spill` after each document. :meth:`write` hands a
    pool that never spilled to the codec a block of postings at a time. Hand-written because Whoosh's pool
    is not pluggable (``SegmentWriter`` builds its own)."""

    TERM_BYTES = 200  # estimated cost of a new term: its key, three arrays, the dictionary entry
    POSTING_BYTES = 24  # a document number, a weight, a reference to an interned value
    DOC_BYTES = 4  # a document number alone (a group's, a word's)
    GROUP_BYTES = 300  # a new group, besides its postings
    INTERNED = 500_000  # distinct values interned at most
    MAX_GROUPS = 20_000  # groups of a field at most; past them, documents add their postings one by one

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        # field → term → (document numbers, weights, values)
        self._fields: dict[str, dict[bytes, tuple[array, array, list[bytes | None]]]] = {}
        # the fields that keep documents only: field → term → document numbers; field → weight
        self._words: dict[str, dict[bytes, array]] = {}
        self._word_weights: dict[str, float] = {}
        self._groups: dict[str, dict[Any, _Group]] = {}
        self._values: dict[bytes, bytes] = {}

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Whoosh's interface: one posting."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_field(fieldname, docnum, ((tbytes, 1, weight, vbytes),))
        self.spill()

    def spill(self) -> None:
        """Past ``limitmb``, the postings written to disk as a sorted run (Whoosh's). Called between
        documents only: a document's vocabulary words may come from several groups and from its own texts,
        counted once per term only if they all meet in the same run."""
        if self.currentsize > self.limit:
            self.save()

    def add_field(
        self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, int, float, bytes | None]]
    ) -> int:
        """A document's postings in one field, as Whoosh's ``FieldType.index`` gives them (term, frequency,
        weight, value); returns the sum of the frequencies (the field's length in the document).
        One call per field: the per-posting work is this loop's few appends."""
        terms = self._fields.get(fieldname)
        if terms is None:
            self.fieldnames.add(fieldname)
            terms = self._fields[fieldname] = {}
        values = self._values
        size = self.currentsize
        length = 0
        for tbytes, freq, weight, vbytes in items:
            length += freq
            term = terms.get(tbytes)
            if term is None:
                term = terms[tbytes] = (array("I"), array("d"), [])
                size += self.TERM_BYTES + len(tbytes)
            term[0].append(docnum)
            term[1].append(weight)
            if vbytes:
                interned = values.get(vbytes)
                if interned is None:
                    size += len(vbytes) + 33
                    if len(values) < self.INTERNED:
                        values[vbytes] = vbytes
                else:
                    vbytes = interned
            term[2].append(vbytes)
            size += self.POSTING_BYTES
        self.currentsize = size
        return length

    def add_words(self, fieldname: str, docnum: int, terms: Iterable[bytes], weight: float = 1.0) -> None:
        """A document's terms in a field of Whoosh's ``Existence`` format (each posting: ``weight``, no
        value); a term may come again for the same document (from a group): it counts once."""
        found = self._words.get(fieldname)
        if found is None:
            self.fieldnames.add(fieldname)
            found = self._words[fieldname] = {}
            self._word_weights[fieldname] = weight
        size = self.currentsize
        for tbytes in terms:
            docs = found.get(tbytes)
            if docs is None:
                docs = found[tbytes] = array("I")
                size += self.TERM_BYTES + len(tbytes)
            docs.append(docnum)
            size += self.DOC_BYTES
        self.currentsize = size

    def group(self, fieldname: str, key: Any) -> _Group | None:
        """The group of a field's value, if the pool has it."""
        groups = self._groups.get(fieldname)
        return groups.get(key) if groups is not None else None

    def new_group(
        self,
        fieldname: str,
        key: Any,
        items: list[tuple[bytes, int, float, bytes | None]],
        length: int,
        words: float | None = None,
    ) -> _Group | None:
        """A group for a field's value and its postings (``words``: the field keeps documents only, with
        that weight — its documents then count once per term with the field's :meth:`add_words`); None
        when the field has :data:`MAX_GROUPS` already (its postings are then added by :meth:`add_field`)."""
        groups = self._groups.get(fieldname)
        if groups is None:
            self.fieldnames.add(fieldname)
            groups = self._groups[fieldname] = {}
        if len(groups) >= self.MAX_GROUPS:
            return None
        if words is not None:
            self._words.setdefault(fieldname, {})
            self._word_weights[fieldname] = words
        group = groups[key] = _Group(items, length)
        self.currentsize += self.GROUP_BYTES + sum(
            self.TERM_BYTES + len(t) + len(v or b"") for t, _f, _w, v in items
        )
        return group

    def add_to_group(self, group: _Group, docnum: int) -> None:
        group.docs.append(docnum)
        self.currentsize += self.DOC_BYTES

    def _take(self) -> list[tuple[str, Iterator[tuple[bytes, _Postings]]]]:
        """Every field's terms in Whoosh's order, the pool emptied (each term let go once yielded)."""
        fields, words, groups = self._fields, self._words, self._groups
        weights = self._word_weights
        self._fields, self._words, self._groups, self._values = {}, {}, {}, {}
        self._word_weights = {}
        return [
            (
                name,
                self._field_terms(
                    fields.pop(name, {}), words.pop(name, None), groups.pop(name, {}), weights.get(name, 1.0)
                ),
            )
            for name in sorted({*fields, *words, *groups})
        ]

    @staticmethod
    def _field_terms(
        plain: dict[bytes, tuple[array, array, list[bytes | None]]],
        words: dict[bytes, array] | None,
        groups: dict[Any, _Group],
        word_weight: float,
    ) -> Iterator[tuple[bytes, _Postings]]:
        """One field's terms, sorted, with their postings by document: the documents added one by one
        and those of the groups holding the term put together."""
        segments: dict[bytes, list[tuple[array, float, bytes | None]]] = {}
        for group in groups.values():
            if group.docs:
                for tbytes, _freq, weight, vbytes in group.items:
                    segments.setdefault(tbytes, []).append((group.docs, weight, vbytes))
        groups.clear()
        for tbytes in sorted({*plain, *(words or ()), *segments}):
            parts = segments.pop(tbytes, [])
            if words is not None:  # documents only: a document counts once
                docs = words.pop(tbytes, None)
                own = plain.pop(tbytes, None)  # (Whoosh's own add_document, for a document with boosts)
                sources = [part[0] for part in parts] + [d for d in (docs, own and own[0]) if d is not None]
                if len(sources) == 1:
                    yield tbytes, (sources[0], word_weight, b"")
                else:
                    yield tbytes, (array("I", sorted(set().union(*sources))), word_weight, b"")
                continue
            own = plain.pop(tbytes, None)
            if own is not None and not parts:
                yield tbytes, own
                continue
            if own is None and len(parts) == 1:
                yield tbytes, parts[0]
                continue
            # several groups (and documents added one by one): a document is in one of them only
            docs, weights, values = own if own is not None else (array("I"), array("d"), [])
            docs, weights, values = array("I", docs), array("d", weights), list(values)
            for part_docs, weight, vbytes in parts:
                docs.extend(part_docs)
                weights.extend(array("d", [weight]) * len(part_docs))
                values.extend([vbytes] * len(part_docs))
            order = sorted(range(len(docs)), key=docs.__getitem__)
            yield (
                tbytes,
                (
                    array("I", [docs[i] for i in order]),
                    array("d", [weights[i] for i in order]),
                    [values[i] for i in order],
                ),
            )

    def _drain(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """Every posting in Whoosh's order."""
        for fieldname, terms in self._take():
            for tbytes, (docs, weights, values) in terms:
                for i in range(len(docs)):
                    yield (
                        fieldname,
                        tbytes,
                        docs[i],
                        weights if isinstance(weights, float) else weights[i],
                        values if not isinstance(values, list) else values[i],
                    )

    def write(self, schema: Any, fieldwriter: Any) -> None:
        """Write the postings with Whoosh's W3 field writer, a block at a time.

        Whoosh's ``FieldWriter.add_postings`` takes the pool's postings one by one (a tuple, two method
        calls and the block's statistics in Python for each: a third of a rebuild's time). Here each
        block of a term (the codec's ``blocklimit`` postings) is handed to the W3 postings writer as the
        arrays it would have built, and written by its own ``_write_block``: the same postings and
        statistics (tests/unit/test_search_rebuild_pool.py). Only for a pool that never spilled to disk
        and a codec without per-block length statistics (:class:`RebuildCodec`); Whoosh's way otherwise."""
        for fieldname, terms in self._take():
            fieldwriter.start_field(fieldname, schema[fieldname])
            postwriter = fieldwriter._postwriter
            limit = postwriter._blocklimit
            for tbytes, (docs, weights, values) in terms:
                fieldwriter.start_term(tbytes)
                count = len(docs)
                for start in range(0, count, limit):
                    end = start + limit
                    postwriter._ids = docs[start:end]
                    size = len(postwriter._ids)
                    if isinstance(weights, float):
                        postwriter._weights = array("f", [weights]) * size
                        top = weights
                    else:
                        block_weights = weights[start:end]
                        postwriter._weights = array("f", block_weights)
                        top = max(block_weights)
                    postwriter._maxweight = top if top > 0 else 0
                    if isinstance(values, list):
                        postwriter._values = [v for v in values[start:end] if v]
                    else:
                        postwriter._values = [values] * size if values else []
                    if end < count:
                        postwriter._write_block()
                fieldwriter.finish_term()  # writes the last block
            fieldwriter.finish_field()

    def save(self) -> None:
        if self._fields or self._words or self._groups:
            path, f = self._new_run()
            self._write_run(f, self._drain())
            self._add_run(path)
        self.currentsize = 0

    def items(self, maxfiles: int = 128) -> Iterator[Any]:
        if not self.runs:
            return self._drain()
        return super().items(maxfiles)  # saves what is left as a last run, then merges the runs

    def cleanup(self) -> None:
        self._fields, self._words, self._groups, self._values = {}, {}, {}, {}
        super().cleanup()


class RebuildWriter(SegmentWriter):
    """Whoosh's segment writer with a :class:`CompactPool`: a document's postings go to the pool a field
    at a time; a field whose values repeat from fiche to fiche (:data:`REPEATED_FIELDS`) is analysed once
    per distinct value, the document joining that value's group; the vocabulary (``schema.Words``) adds
    document numbers alone, its texts from repeated fields as groups too; and the pool is written a block
    at a time (:meth:`CompactPool.write`).

    ``add_document`` does what Whoosh's does for the fields of this schema (no boosts, vectors nor
    separate spelling fields: those go to Whoosh's own)."""

    def __init__(self, ix: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = CompactPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._plain = not any(
            field.vector or field.separate_spelling() for field in self.schema._fields.values()
        )
        # The fields of the vocabulary's texts that are a fiche's own (not repeated), when the vocabulary
        # is this schema's: their words are read once for the field and for the vocabulary.
        vocabulary = self.schema._fields.get("vocab")
        self._vocabulary = vocabulary
        self._spelled_fields = (
            frozenset(
                name
                for name in VOCABULARY
                if name not in REPEATED_FIELDS
                and type(self.schema._fields.get(name)) is FrenchText
                and type(self.schema[name].analyzer) is FrenchAnalyzer
            )
            if isinstance(vocabulary, Words) and type(vocabulary.analyzer) is FrenchAnalyzer
            else frozenset()
        )

    def add_document(self, **fields: Any) -> None:
        if not self._plain or any(name.startswith("_") for name in fields):
            super().add_document(**fields)
            return
        self._check_state()
        schema = self.schema
        self._check_fields(schema, fields)
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        spelled: dict[str, set[bytes]] = {}  # the vocabulary's words of the document's own texts
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in sorted(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    if isinstance(field, Words):
                        self._add_words(fieldname, field, docnum, value, fields, spelled)
                    elif fieldname in REPEATED_FIELDS and isinstance(value, str):
                        length = self._add_repeated(fieldname, field, docnum, value)
                    elif fieldname in self._spelled_fields and isinstance(value, str):
                        # one tokenisation for the field's terms and the vocabulary's words
                        tokens = field.analyzer.tokens(value)
                        spelled[fieldname] = self._vocabulary.term_set(tokens)
                        length = pool.add_field(fieldname, docnum, field.postings(tokens))
                    else:
                        length = pool.add_field(fieldname, docnum, field.index(value))
                    if not field.scorable:
                        length = 0
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        pool.spill()

    def _add_repeated(self, fieldname: str, field: Any, docnum: int, value: str) -> int:
        pool = self.pool
        group = pool.group(fieldname, value)
        if group is None:
            items = list(field.index(value))
            group = pool.new_group(fieldname, value, items, sum(freq for _t, freq, _w, _v in items))
            if group is None:  # too many distinct values
                return pool.add_field(fieldname, docnum, items)
        pool.add_to_group(group, docnum)
        return group.length

    def _add_words(
        self,
        fieldname: str,
        field: Words,
        docnum: int,
        value: str | list[str],
        fields: dict[str, Any],
        spelled: dict[str, set[bytes]],
    ) -> None:
        """The vocabulary: the words of a fiche's own texts added for the document (read already when
        the text is its field's, ``spelled``), those of its texts from repeated fields
        (:data:`schema.VOCABULARY` tells which part comes from which field) by group — the same words
        whichever way: only the work differs."""
        pool = self.pool
        weight = field.format.field_boost
        parts = [value] if isinstance(value, str) else value
        sources = VOCABULARY if len(parts) == len(VOCABULARY) else ("",) * len(parts)
        terms: set[bytes] = set()
        for part, source in zip(parts, sources, strict=True):
            if not part:
                continue
            if source in REPEATED_FIELDS:
                key = ("words", part)
                group = pool.group(fieldname, key)
                if group is None:
                    items = [(term, 1, weight, b"") for term in field.term_set(part)]
                    group = pool.new_group(fieldname, key, items, 0, words=weight)
                    if group is None:
                        terms |= field.term_set(part)
                        continue
                pool.add_to_group(group, docnum)
            elif source in spelled and fields.get(source) == part:
                terms |= spelled[source]
            else:
                terms |= field.term_set(part)
        pool.add_words(fieldname, docnum, terms, weight)

    def _flush_segment(self) -> None:
        if self.pool.runs or self.codec.length_stats:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        self.pool.write(self.schema, self.fieldwriter)
        self.fieldwriter.close()


class _RebuildTask(SubWriterTask):
    """One of :class:`ParallelRebuildWriter`'s processes: Whoosh's own loop (document files taken off the
    job queue, its segment returned on the result queue), written with a :class:`RebuildWriter`."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = RebuildWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class ParallelRebuildWriter(MpWriter):
    """Whoosh's multiprocessing writer whose forked processes each write a segment of their own with a
    :class:`RebuildWriter` (``multisegment``: no merge). This process only reads the database and builds
    the documents; Whoosh hands them to the processes through pickled files in the index's temporary
    folder."""

    def __init__(self, ix: Any, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=PARALLEL_BATCH, multisegment=True, **kwargs)

    def _new_task(self) -> Any:
        task = _RebuildTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task


class RebuildCodec(W3Codec):
    """Whoosh's codec without per-block field-length statistics, for a rebuild's one big segment.

    Whoosh reads every posting's field length back from disk to record, per block of postings, the
    shortest and longest document — used only by Whoosh's own scorers to skip blocks. The ranking here
    (:mod:`.snapshot`) reads the lengths from their column instead, so a rebuild saves that read (about a
    tenth of its CPU time: 2,500 fiches, 5.2 → 4.7 s); Whoosh's own scorers stay correct (a block's bound
    is only looser, so they skip less). Pickled by reference into
    the segment: keep its import path stable."""

    length_stats = False


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
        if state is not None and state.schema_version == SCHEMA_VERSION:
            try:
                self.index = whoosh_index.open_dir(str(self.path))
            except Exception:  # the index is derived data: a missing or unreadable one is rebuilt
                logger.exception("search index %s unreadable: it will be rebuilt", self.path)
        self.needs_rebuild = self.index is None
        if self.index is None:
            for stale in [*self.path.glob("MAIN_*"), *self.path.glob("_MAIN_*")]:  # Whoosh's files only
                if stale.is_file():
                    stale.unlink()
            self.index = whoosh_index.create_in(str(self.path), build_schema())

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
