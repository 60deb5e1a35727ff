"""The shared storage (guide/storage.py): files in the database, served with an ETag, bounded where they are
a cache, and the files of an earlier release copied in by guide-migrate."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import update

from guide import storage
from guide.models import utcnow
from guide.models.storage import StoredFile
from guide.scripts.migrate import import_var_files


def test_put_get_replace_and_remove(db):
    stored = storage.put(db, storage.LOGOS, "abc.png", b"\x89PNG first")
    assert stored.content_type == "image/png" and stored.size == 10
    assert stored.sha256 == hashlib.sha256(b"\x89PNG first").hexdigest()
    storage.put(db, storage.LOGOS, "abc.png", b"\x89PNG second")
    db.flush()
    assert storage.read(db, storage.LOGOS, "abc.png") == b"\x89PNG second"
    assert storage.names(db, storage.LOGOS) == ["abc.png"]
    assert storage.remove(db, storage.LOGOS, "abc.png") and not storage.exists(db, storage.LOGOS, "abc.png")


@pytest.mark.parametrize("name", ["../secret.key", ".hidden", "a/b.png", "", "x" * 200, "a\x00b"])
def test_names_that_could_escape_are_refused(db, name):
    with pytest.raises(storage.BadName):
        storage.put(db, storage.LOGOS, name, b"x")
    assert storage.get(db, storage.LOGOS, name) is None
    with pytest.raises(storage.BadName):
        storage.put(db, "etc", "passwd", b"x")


def test_eviction_keeps_the_most_recently_used_within_the_bound(db):
    for number in range(4):
        storage.put(db, storage.PDF, f"fiche-{number}.pdf", b"x" * 100)
        db.flush()
        db.execute(
            update(StoredFile)
            .where(StoredFile.name == f"pdf/fiche-{number}.pdf")
            .values(used_at=utcnow() - dt.timedelta(hours=10 - number))
        )
    storage.get(db, storage.PDF, "fiche-0.pdf", touch=True)  # read now
    storage.put(db, storage.LOGOS, "logo.png", b"y" * 1000)  # another kind: never evicted with the PDFs
    db.flush()
    assert storage.evict(db, storage.PDF, 250) == 2
    assert sorted(storage.names(db, storage.PDF)) == ["fiche-0.pdf", "fiche-3.pdf"]
    assert storage.exists(db, storage.LOGOS, "logo.png")


def test_a_logo_is_served_with_its_etag_and_unknown_names_are_404(testapp, db):
    storage.put(db, storage.LOGOS, "0123abcd.png", b"\x89PNG\r\n\x1a\n fake")
    db.commit()
    response = testapp.get("/media/logos/0123abcd.png")
    assert response.content_type == "image/png" and response.body.endswith(b"fake")
    assert response.headers["ETag"].strip('"') == hashlib.sha256(b"\x89PNG\r\n\x1a\n fake").hexdigest()
    assert "max-age=86400" in response.headers["Cache-Control"]
    testapp.get("/media/logos/0123abcd.png", headers={"If-None-Match": response.headers["ETag"]}, status=304)
    assert testapp.post("/media/logos/0123abcd.png", {"x": "1"}, expect_errors=True).status_int == 400  # CSRF
    for path in ("/media/logos/inconnu.png", "/media/logos/..%2Fsecret.key", "/media/logos/%2e%2e"):
        assert testapp.get(path, expect_errors=True).status_int in (400, 404), path


def test_guide_migrate_copies_the_files_of_an_earlier_release_once(engine, database_url, tmp_path, db):
    (tmp_path / "uploads" / "logos").mkdir(parents=True)
    (tmp_path / "uploads" / "logos" / "ancien.png").write_bytes(b"\x89PNG ancien")
    (tmp_path / "editions").mkdir()
    (tmp_path / "editions" / "edition-1-guide.pdf").write_bytes(b"%PDF ancien")
    (tmp_path / "editions" / "edition-1.log").write_text("journal")  # not a file of the storage
    (tmp_path / "editions" / ".edition-2.pdf.123.tmp").write_bytes(b"half")
    assert storage.import_var_files(db, tmp_path) == 2
    db.flush()
    assert storage.read(db, storage.LOGOS, "ancien.png") == b"\x89PNG ancien"
    assert storage.read(db, storage.EDITIONS, "edition-1-guide.pdf") == b"%PDF ancien"
    assert storage.import_var_files(db, tmp_path) == 0  # run again: nothing twice
    assert import_var_files(database_url, tmp_path / "nothing-here") == 0
