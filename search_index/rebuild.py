"""The rebuild's writer: every public fiche written into a new index fast and in bounded memory.

One job: what ``guide-reindex`` (:meth:`~search_index.indexer.IndexFolder.rebuild`) writes with instead of
Whoosh's own writer — a posting pool holding each term's postings in arrays (:class:`CompactPool`), the
fields of a document analysed once per distinct value and handed to the pool a field at a time
(:class:`RebuildWriter`), the postings written a block at a time by Whoosh 3's own block writer
(:class:`RebuildCodec`), and the same over several processes (:class:`ParallelRebuildWriter`). Hand-written
because Whoosh's writer offers no way to plug another pool (issue 10: 79 s and ~2 GB at 50,000 fiches);
tests/unit/test_search_fields.py and test_search_rebuild_pool.py check it writes what Whoosh's own writer
does. The segments name :class:`RebuildCodec` by its import path: keep it stable.
"""

from __future__ import annotations

import ctypes
import os
import signal
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool, SegmentWriter

from .analysis import FrenchAnalyzer
from .schema import FACET_FIELDS, VOCABULARY, FrenchText, Words

PARALLEL_BATCH = 250  # documents per file handed to an indexing process
# Index fields whose values repeat across fiches: each distinct value is analysed once per rebuild
# (the title, summary, description and translations are a fiche's own).
REPEATED_FIELDS = frozenset(
    {"thematiques", "publics", "organisation", "lieu", "autres", "flags", *FACET_FIELDS}
)


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


def _die_with(parent: int) -> None:
    """Have the kernel kill this forked process when ``parent`` dies (Linux's PR_SET_PDEATHSIG). Whoosh's
    indexing processes wait on their job queue, whose pipe they hold both ends of, with the file of Whoosh's
    write lock open (inherited: the lock is theirs too): after a SIGKILLed ``guide-reindex`` they waited for
    ever and every later write to the index failed with LockError (caught by test_interrupted)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the processes end with their queue's next job
        return
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


class _RebuildTask(SubWriterTask):
    """One of :class:`ParallelRebuildWriter`'s processes: Whoosh's own loop (document files taken off the
    job queue, its segment returned on the result queue), written with a :class:`RebuildWriter`. It dies
    with the process that started it (:func:`_die_with`)."""

    parent = 0

    def run(self) -> None:
        _die_with(self.parent)
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
        task.parent = os.getpid()
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
