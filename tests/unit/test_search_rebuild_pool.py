"""The rebuild's compact posting pool: the same postings, in the same order, as Whoosh's own pool — held in
memory or spilled to disk — and an index written with it answers exactly as one written by Whoosh's writer."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import CLEAR, PostingPool

from search_index.rebuild import CompactPool, ParallelRebuildWriter, RebuildCodec, RebuildWriter
from search_index.schema import FIELD_WEIGHTS, VOCABULARY, build_schema

FIELDS = ("description", "nom", "vocab")
TERMS = [t.encode() for t in ("accueil", "aide", "caf", "écoute", "santé", "zz")]


def _postings(seed: int, documents: int) -> list[tuple[str, bytes, int, float, bytes | None]]:
    """Postings as a writer adds them: document after document, each term at most once per field."""
    rng = random.Random(seed)
    out = []
    for docnum in range(documents):
        for field in FIELDS:
            for term in rng.sample(TERMS, rng.randint(0, len(TERMS))):
                value = None if field == "vocab" else bytes([rng.randint(0, 3)]) * rng.randint(1, 3)
                out.append((field, term, docnum, float(rng.randint(1, 4)), value))
    return out


def _drain(pool, postings):
    for posting in postings:
        pool.add(posting)
    try:
        return list(pool.items())
    finally:
        pool.cleanup()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), documents=st.integers(0, 60), limit_bytes=st.sampled_from([0, None]))
def test_compact_pool_yields_whooshs_postings_in_whooshs_order(
    tmp_path_factory, seed, documents, limit_bytes
):
    storage = FileStorage(str(tmp_path_factory.mktemp("pool")))
    postings = _postings(seed, documents)
    expected = _drain(PostingPool(storage, None, limitmb=64), postings)
    compact = CompactPool(storage, None, limitmb=64)
    if limit_bytes is not None:
        compact.limit = limit_bytes  # every posting spills a run: the merge of Whoosh's runs is used
    assert _drain(compact, postings) == expected
    assert not compact.runs
    assert not list(storage.list())  # the runs are removed once merged


def _document(i, name, extra):
    texts = {
        "nom": f"{name} {i}",
        "resume": "Écoute et orientation des familles, aide aux démarches",
        "description": f"Permanence {extra} le mardi ; accueil sans rendez-vous (écoute {i % 7})",
        "thematiques": "Santé Accès aux droits" if i % 2 else "Santé",
        "publics": "Familles Parents",
        "organisation": ("Maison des familles", "CAF du Puy-de-Dôme", "Café des parents")[i % 3],
        "lieu": f"Maison de quartier {i % 5} rue de l'Écoute",
        "autres": "Gratuit" if i % 3 else "",
        "traductions": "legal advice Юридичні консультації" if i % 4 == 0 else "",
    }
    return {
        "id": str(i),
        **texts,
        # the vocabulary's texts as build_document gives them (a list), or one text (Whoosh's way)
        "vocab": [texts[name] for name in VOCABULARY] if i % 5 else " ".join(texts[n] for n in VOCABULARY),
        "thematique": "sante acces-aux-droits" if i % 2 else "sante",
        "quartier": "la-gauthiere" if i % 2 else "",
        "flags": "gratuit" if i % 3 else "",
        "payload": f'{{"fiche_id": {i}}}',
    }


DOCUMENTS = [
    _document(i, name, extra)
    for i, (name, extra) in enumerate(
        (name, extra)
        for _round in range(20)  # 320 documents: the common terms' postings span several blocks of 128
        for name in ("Point d'accès au droit", "CAF", "Café des parents", "Écrivain public")
        for extra in ("juridique", "numérique", "santé mentale", "violences conjugales")
    )
]


def _index(folder, writer_factory):
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = writer_factory(ix)
    for document in DOCUMENTS:
        writer.add_document(**document)
    writer.commit(mergetype=CLEAR)
    return whoosh_index.open_dir(str(folder))


QUERIES = (
    wq.Term("vocab", "écoute"),
    wq.Phrase("description", ["violenc", "conjugal"]),
    wq.And([wq.Term("thematique", "acces-aux-droits"), wq.Term("flags", "gratuit")]),
)


def _answers(folder):
    """Everything the comparison reads of an index: columns, each term's postings, statistics and blocks,
    stored fields, field lengths and the hits of QUERIES."""
    ix = whoosh_index.open_dir(str(folder))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        terms = {
            name: [
                (term, _read(reader, name, term), _term_info(reader, name, term), _blocks(reader, name, term))
                for term in reader.lexicon(name)
            ]
            for name in ix_fields(ix)
        }
        return {
            "columns": _columns(folder),
            "terms": terms,
            "stored": list(reader.all_stored_fields()),
            "lengths": {
                name: [reader.doc_field_length(d, name) for d in range(len(DOCUMENTS))]
                for name in FIELD_WEIGHTS
            },
            "hits": [[hit["id"] for hit in searcher.search(query, limit=None)] for query in QUERIES],
        }


@pytest.fixture(scope="module")
def whooshs_answers(tmp_path_factory):
    """What the index Whoosh's own writer makes of DOCUMENTS answers: written and read once for the module."""
    folder = tmp_path_factory.mktemp("whoosh")
    _index(folder, lambda ix: ix.writer(codec=RebuildCodec(), compound=False))
    return _answers(folder)


@pytest.mark.parametrize("limitmb", [256, 0])
def test_an_index_written_by_the_rebuild_writer_answers_as_whooshs(tmp_path, whooshs_answers, limitmb):
    (tmp_path / "ours").mkdir()
    _index(
        tmp_path / "ours",
        lambda ix: RebuildWriter(ix, limitmb=limitmb, codec=RebuildCodec(), compound=False),
    )
    theirs, ours = whooshs_answers, _answers(tmp_path / "ours")
    # the same columns (lengths, stored fields) byte for byte
    assert theirs["columns"] == ours["columns"]
    assert list(theirs["terms"]) == list(ours["terms"])
    for name, terms in theirs["terms"].items():
        assert [term for term, *_ in terms] == [term for term, *_ in ours["terms"][name]], name
        # each term's postings, and the same statistics of the term and of each block (documents, last id,
        # best weight)
        for expected, got in zip(terms, ours["terms"][name], strict=True):
            assert expected == got, (name, expected[0])
    blocks = next(blocks for term, _p, _i, blocks in theirs["terms"]["vocab"] if term == "écoute".encode())
    assert len(blocks) == 3  # 320 postings: 128 + 128 + 64
    assert theirs["stored"] == ours["stored"]
    assert theirs["lengths"] == ours["lengths"]
    assert all(theirs["hits"])
    assert theirs["hits"] == ours["hits"]


def _columns(folder):
    """The segment's columns by name (the segment's random name removed), with their bytes."""
    return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.glob("MAIN_*.col")}


def _term_info(reader, name, term):
    info = dict(vars(reader.term_info(name, term)))
    info.pop("_offset", None)  # where the postings start in the file: values are pickled more compactly
    info.pop("_length", None)  # by the compact pool (an interned value is pickled once per block)
    return info


def _blocks(reader, name, term):
    """(postings, last document, best weight, compression, length bounds) of each block of a term."""
    matcher = reader.postings(name, term)
    out = []
    while True:
        out.append(
            (
                matcher._blocklength,
                matcher._maxid,
                matcher._maxweight,
                matcher._compression,
                matcher._minlength,
                matcher._maxlength,
            )
        )
        if matcher._lastblock:
            return out
        matcher._next_block()


def ix_fields(ix):
    return [name for name in ix.schema.names() if ix.schema[name].indexed]


def _read(reader, name, term):
    matcher = reader.postings(name, term)
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return out


def test_a_document_with_boosts_goes_through_whooshs_own_add_document_and_meets_the_others(tmp_path):
    # Whoosh's add_document (a boost keyword) puts the vocabulary's postings in the pool one by one; the
    # others' go by groups and document numbers: each term's documents come out together, in order.
    # 64 documents (every name and text of DOCUMENTS, 9 of them boosted) make the mix this test is about;
    # postings spanning several blocks are the test above's, on all 320
    documents = [dict(d, _boost=1.0) if i % 7 == 3 else d for i, d in enumerate(DOCUMENTS[:64])]
    folders = []
    for name, factory in (
        ("whoosh", lambda ix: ix.writer(codec=RebuildCodec(), compound=False)),
        ("ours", lambda ix: RebuildWriter(ix, limitmb=256, codec=RebuildCodec(), compound=False)),
    ):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), build_schema())
        writer = factory(ix)
        for document in documents:
            writer.add_document(**document)
        writer.commit(mergetype=CLEAR)
        folders.append(whoosh_index.open_dir(str(tmp_path / name)))
    with folders[0].reader() as a, folders[1].reader() as b:
        for name in ("vocab", "nom", "thematiques"):
            assert list(a.lexicon(name)) == list(b.lexicon(name))
            for term in a.lexicon(name):
                assert _read(a, name, term) == _read(b, name, term), (name, term)


def _hold_a_parallel_rebuild(folder, ready):
    """A guide-reindex's state when it is killed: Whoosh's write lock held, two indexing processes forked."""
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ParallelRebuildWriter(ix, 2)
    for _ in range(2):
        writer._new_task()
    ready.set()
    time.sleep(120)


def test_a_killed_parallel_rebuild_leaves_the_index_writable(tmp_path):
    """Its indexing processes inherited the write lock and waited on their queue for ever: after a
    SIGKILLed ``guide-reindex --processus 2`` every later write to the index failed with LockError."""
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    holder = context.Process(target=_hold_a_parallel_rebuild, args=(tmp_path, ready))
    holder.start()
    assert ready.wait(30)
    children = [
        int(pid) for pid in Path(f"/proc/{holder.pid}/task/{holder.pid}/children").read_text().split()
    ]
    assert len(children) == 2
    try:
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(10)
        writer = whoosh_index.open_dir(str(tmp_path)).writer(timeout=10)  # LockError while a child holds it
        writer.cancel()
    finally:
        for pid in children:  # left waiting on their queue when the test fails: not to hang the run
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
