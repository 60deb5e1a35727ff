"""The restore drill: a guide backed up while it serves requests comes back whole in a fresh instance.

The source instance is the demo guide plus a fiche in every state and with several versions, a logo and a
printed edition; a thread sends requests to its app (reads, searches that are recorded, failed logins)
during ``guide-backup``. ``guide-restore`` then fills a fresh instance (fresh var dir, fresh database) and
the two must answer the same: every API answer, the search pages and a sample of every other kind of
public page, every row of every table (the tables the requests kept writing to after the snapshot hold
nothing the source does not), the edition's files and text.
Runs on SQLite, and on PostgreSQL when GUIDE_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
import webtest
from PIL import Image
from sqlalchemy import inspect, select, text

import guide.print as printing
from guide import main, storage
from guide.db import make_engine, make_session_factory
from guide.models import Edition, Fiche, Organisation, Quartier, State, User
from guide.models.edition import EditionStatus
from guide.scripts import backup as backup_script
from guide.scripts import restore as restore_script
from guide.scripts.backup import code_head
from guide.services import fiches, uploads
from tests import databases
from tests.live import site_database

SETTINGS = {
    "secret": "drill-" + "s" * 40,
    "mail.backend": "file",
    "site_url": "http://localhost",
    "pyramid.reload_templates": "false",
    "search.poll_seconds": "0",
    "search.misses_flush_seconds": "0",  # each search without results is written at once
}
# tables the requests of the hammering thread write to (after the snapshot, too)
WRITTEN_BY_REQUESTS = {"search_miss", "login_attempt"}


def _ini(folder: Path, database_url: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "guide.ini"
    lines = [
        "[app:main]",
        "use = egg:guide-du-territoire",
        f"database_url = {database_url.replace('%', '%%')}",
        f"var_dir = {folder / 'var'}",
        *(f"{key} = {value}" for key, value in SETTINGS.items()),
    ]
    ini.write_text("\n".join(lines) + "\n")
    return str(ini)


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(out, format="PNG")
    return out.getvalue()


def _fill(db: Any) -> None:
    """What the demo guide lacks: versions, a working copy, a restored version, a logo, an edition."""
    coordinator = db.scalar(select(User).where(User.email.like("coord%")))
    organisation = db.scalars(select(Organisation).order_by(Organisation.id)).first()
    organisation.logo = uploads.store_logo(db, _logo())
    public = db.scalars(select(Fiche).where(Fiche.state == State.PUBLISHED).order_by(Fiche.id)).all()
    edited, copied = public[0], public[1]
    data = fiches.content_of(edited.current_version)
    for step in range(2):
        data = {**data, "description": f"{data['description']} Mise à jour n° {step + 1}."}
        fiches.save(db, edited, data, coordinator, base_number=None, can_publish=True, note=f"Étape {step}")
    fiches.restore_version(db, edited, 1, coordinator, can_publish=True)
    working = {**fiches.content_of(copied.current_version), "nom": "Copie de travail non publiée"}
    fiches.save(db, copied, working, coordinator, base_number=None, can_publish=False)
    db.flush()
    edition = Edition(title="Guide de la sauvegarde", year=2026, filters={"thematiques": [], "quartiers": []})
    db.add(edition)
    db.flush()
    printing.freeze(db, edition)
    # the PDF itself is weasyprint's work (tested elsewhere): its bytes are what the backup must keep
    edition.pdf_file = printing.pdf_name(edition)
    storage.put(db, storage.EDITIONS, edition.pdf_file, b"%PDF-1.7\n" + bytes(range(256)) * 40)
    edition.status = EditionStatus.DONE


def _normalised(body: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', body)  # the CSP nonce is drawn for each request


def _answers(testapp: webtest.TestApp, paths: list[str]) -> dict[str, tuple[int, bytes]]:
    answers = {}
    for path in paths:
        response = testapp.get(path, expect_errors=True)
        if response.status_int in (301, 302):  # /fiche/<id> redirects to its address with the slug
            response = response.follow(expect_errors=True)
        assert response.status_int < 500, path
        answers[path] = (response.status_int, _normalised(response.body))
    return answers


def _sample(items: list[Any]) -> list[Any]:
    """The first two, the middle one and the last one."""
    return list(dict.fromkeys([*items[:2], items[len(items) // 2], items[-1]]))


def _paths(db: Any) -> list[str]:
    """Every API answer (each fiche's, public or not) and the home, search and map pages; of the HTML pages
    of a fiche, an organisation and a quartier, a sample of each kind. The tables are compared row by row
    and the stored files byte for byte: what the pages add is the restored instance's own state (its search
    index, rebuilt by guide-restore; its storage; its settings), seen in every search and API answer and in
    any page of a kind as in all of them — the first fiches are the ones ``_fill`` gave versions and a
    working copy, the first organisation has the logo. (Every page of the demo was ~300 requests a side.)"""
    paths = ["/", "/recherche", "/recherche?q=aide", "/recherche?q=logement+jeunes", "/carte.geojson"]
    paths += ["/api/v1/search", "/api/v1/search?q=sante", "/api/v1/search?q=emploi"]
    fiches = db.execute(select(Fiche.id, Fiche.is_public).order_by(Fiche.id)).all()
    paths += [f"/api/v1/fiches/{fiche_id}" for fiche_id, _public in fiches]
    paths += [f"/fiche/{fiche_id}" for fiche_id in _sample([f for f, public in fiches if public])]
    paths += [
        f"/structure/{slug}"
        for slug in _sample(db.scalars(select(Organisation.slug).order_by(Organisation.id)).all())
    ]
    paths += [
        f"/quartier/{slug}" for slug in _sample(db.scalars(select(Quartier.slug).order_by(Quartier.id)).all())
    ]
    return paths


def _tables(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        contents = {}
        for name in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()  # noqa: S608 - names from the schema
            contents[name] = sorted((tuple(row) for row in rows), key=repr)
        return contents


class Hammer(threading.Thread):
    """Requests to the live app, one after the other, until stopped: reads, recorded searches, logins."""

    def __init__(self, app: Any) -> None:
        super().__init__(daemon=True)
        self.testapp = webtest.TestApp(
            app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "10.0.0.9"}
        )
        self.stop = threading.Event()
        self.count = 0
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.testapp.get("/")
                self.testapp.get(f"/recherche?q=introuvablezz{self.count}")
                self.testapp.get("/api/v1/search?q=logement")
                form = self.testapp.get("/connexion").forms["deform"]
                form["email"] = f"personne{self.count}@exemple.fr"
                form["password"] = "pas le bon mot de passe"
                answer = form.submit("login", expect_errors=True)
                if answer.status_int >= 500:
                    self.errors.append(f"POST /connexion: {answer.status}")
            except Exception as error:  # noqa: BLE001 - reported by the test
                self.errors.append(repr(error))
            self.count += 1

    def wait_for(self, count: int) -> None:
        while self.count < count and not self.errors and self.is_alive():
            self.stop.wait(0.01)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_guide_backed_up_while_serving_restores_identical(tmp_path, worker_id, jinja_cache):
    source_url = site_database(tmp_path, f"guide_drill_source_{worker_id}")
    target_url = site_database(tmp_path, f"guide_drill_target_{worker_id}")
    source_ini, target_ini = _ini(tmp_path / "source", source_url), _ini(tmp_path / "target", target_url)
    source_var, target_var = tmp_path / "source" / "var", tmp_path / "target" / "var"
    databases.demo_guide(source_url, _fill)  # the demo guide (a copy of the run's template), filled
    source_engine = make_engine(source_url)
    with make_session_factory(source_engine)() as db:
        edition_id = db.scalar(select(Edition.id))
    (printing.editions_dir(source_var) / f"edition-{edition_id}.log").write_text("journal, pas sauvegardé\n")
    # the run's compiled templates (tests/conftest.py), not compiled again by each app
    compiled = {"jinja2.bytecode_caching": "true", "jinja2.bytecode_caching_directory": jinja_cache}
    source_app = main({}, database_url=source_url, var_dir=str(source_var), **SETTINGS, **compiled)

    hammer = Hammer(source_app)
    hammer.start()
    try:
        hammer.wait_for(2)
        before = hammer.count
        archive = tmp_path / "sauvegarde.tar.gz"
        assert backup_script.main([source_ini, "-o", str(archive)]) == 0
        hammer.wait_for(max(before, hammer.count) + 2)
    finally:
        hammer.stop.set()
        hammer.join()
    assert hammer.errors == []

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["schema_revision"] == code_head()
    assert manifest["database"]["kind"] == make_engine(source_url).dialect.name
    assert manifest["files"] == []  # logos and edition PDFs are in the database (stored_file)
    assert not any("index" in name or name.endswith(".log") or "secret" in name for name in names)

    assert restore_script.main([target_ini, str(archive)]) == 0

    assert (target_var / "index").is_dir()

    # every row of every table (stored_file: every logo and edition PDF, byte for byte)
    target_engine = make_engine(target_url)
    source_tables, target_tables = _tables(source_engine), _tables(target_engine)
    assert source_tables.keys() == target_tables.keys()
    stored = {row[0].split("/")[0] for row in target_tables["stored_file"]}
    assert {"logos", "editions"} <= stored
    for name, rows in source_tables.items():
        if name in WRITTEN_BY_REQUESTS:  # nothing the source does not hold
            assert {row[0] for row in target_tables[name]} <= {row[0] for row in rows}, name
        else:
            assert target_tables[name] == rows, name
    # the snapshot was taken mid-stream: the requests had written before it, and wrote after it
    restored = sum(len(target_tables[name]) for name in WRITTEN_BY_REQUESTS)
    assert 0 < restored < sum(len(source_tables[name]) for name in WRITTEN_BY_REQUESTS)
    assert sum(len(rows) for rows in target_tables.values()) > 500

    # every API answer, search and sample of each kind of page, and the archived edition's text
    target_app = main({}, database_url=target_url, var_dir=str(target_var), **SETTINGS, **compiled)
    environ = {"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"}
    source_client = webtest.TestApp(source_app, extra_environ=environ)
    target_client = webtest.TestApp(target_app, extra_environ=environ)
    with make_session_factory(source_engine)() as db:
        paths = _paths(db)
        logo = db.scalar(select(Organisation.logo).where(Organisation.logo.is_not(None)))
    paths.append(f"/media/logos/{logo}")
    source_answers = _answers(source_client, paths)
    target_answers = _answers(target_client, paths)
    for path in paths:
        assert target_answers[path] == source_answers[path], path
    assert sum(status == 200 for status, _body in target_answers.values()) > 60

    def edition_text(engine: Any) -> str:
        with make_session_factory(engine)() as db:
            edition = db.scalars(select(Edition)).one()
            document = printing.build_document(db, edition, "http://localhost")
            document.created = edition.created_at  # the moment of rendering, printed in the PDF's metadata
            return printing.render_edition_html(document)

    assert edition_text(target_engine) == edition_text(source_engine)
    source_engine.dispose()
    target_engine.dispose()


# --- what guide-restore refuses ----------


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory):
    """A backup of a migrated, almost empty SQLite guide with one logo (made once: the tests only read it)."""
    tmp_path = tmp_path_factory.mktemp("small_archive")
    url = f"sqlite:///{tmp_path / 'source' / 'guide.sqlite'}"
    ini = _ini(tmp_path / "source", url)
    databases.migrated(url)  # a copy of the run's migrated template
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        db.add(Organisation(nom="Association Delta", slug="delta", logo=uploads.store_logo(db, _logo())))
        db.commit()
    engine.dispose()
    archive = tmp_path / "petit.tar.gz"
    assert backup_script.main([ini, "-o", str(archive)]) == 0
    return archive


def _rewritten(archive: Path, target: Path, change: Any) -> Path:
    """A copy of ``archive`` whose manifest ``change`` altered (None: the database's bytes are altered)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and change is not None:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            elif member.name.startswith("database.") and change is None:
                data = data[:-10] + b"autre chose"
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def _target(tmp_path: Path) -> str:
    return _ini(tmp_path / "target", f"sqlite:///{tmp_path / 'target' / 'guide.sqlite'}")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, small_archive, capsys):
    target = _target(tmp_path)
    assert restore_script.main([target, str(small_archive)]) == 0
    capsys.readouterr()
    assert restore_script.main([target, str(small_archive)]) == 1
    assert "n'est pas vide" in capsys.readouterr().err
    assert restore_script.main([target, str(small_archive), "--force"]) == 0


def test_restore_refuses_an_archive_of_a_newer_schema(tmp_path, small_archive, capsys):
    newer = _rewritten(
        small_archive, tmp_path / "newer.tar.gz", lambda m: m.update(schema_revision="ffff00000000")
    )
    assert restore_script.main([_target(tmp_path), str(newer)]) == 1
    assert "version plus récente" in capsys.readouterr().err
    assert not (tmp_path / "target" / "guide.sqlite").exists()


def test_restore_refuses_another_kind_of_database(tmp_path, small_archive, capsys):
    other = _rewritten(
        small_archive, tmp_path / "pg.tar.gz", lambda m: m["database"].update(kind="postgresql")
    )
    assert restore_script.main([_target(tmp_path), str(other)]) == 1
    error = capsys.readouterr().err
    assert "base PostgreSQL" in error and "n'est pas pris en charge" in error


def test_restore_refuses_a_damaged_archive_and_writes_nothing(tmp_path, small_archive, capsys):
    damaged = _rewritten(small_archive, tmp_path / "abime.tar.gz", None)
    assert restore_script.main([_target(tmp_path), str(damaged)]) == 1
    assert "abîmée" in capsys.readouterr().err
    assert not (tmp_path / "target" / "guide.sqlite").exists()
    assert not (tmp_path / "target" / "var" / "uploads").exists()
    (tmp_path / "pas-une-archive.tar.gz").write_text("bonjour")
    assert restore_script.main([_target(tmp_path), str(tmp_path / "pas-une-archive.tar.gz")]) == 1
    assert "Impossible de lire" in capsys.readouterr().err


def test_an_older_archive_is_migrated_to_the_current_schema(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'old' / 'guide.sqlite'}"
    ini = _ini(tmp_path / "old", url)
    from alembic import command

    from guide.scripts.migrate import alembic_config

    (tmp_path / "old").mkdir(exist_ok=True)
    command.upgrade(alembic_config(url), "d0e1f2a3b4c5")
    archive = tmp_path / "ancienne.tar.gz"
    assert backup_script.main([ini, "-o", str(archive)]) == 0
    target = _target(tmp_path)
    assert restore_script.main([target, str(archive)]) == 0
    assert backup_script.current_revision(f"sqlite:///{tmp_path / 'target' / 'guide.sqlite'}") == code_head()
