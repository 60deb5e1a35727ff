"""Upgrades: a guide written by every earlier released schema reaches the latest with guide-migrate, and the
application serves it.

Each released migration head keeps a fixture, tests/data/upgrades/<revision>.sql: rows written by hand, in
portable SQL, for that schema. The test migrates an empty base to the revision, loads the fixture, runs
guide-migrate and reads the rows back through the public pages. When a release lands, add its head to
RELEASED_HEADS with a fixture written for its schema. Downgrades are not promised (README, guide-migrate
--help): there is no downgrade test.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import webtest
from alembic import command
from PIL import Image
from sqlalchemy import text

from guide import main
from guide.db import make_engine
from guide.scripts import migrate as migrate_script
from guide.scripts.backup import code_head, current_revision, script_directory
from guide.scripts.migrate import alembic_config
from tests.live import site_database

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "upgrades"
# the last landed release, and today's head (the release being prepared)
RELEASED_HEADS = ["d0e1f2a3b4c5", "f1a700000005", "f1a70000000f"]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def _statements(path: Path) -> list[str]:
    """The statements of a fixture: comment lines dropped, each statement ends with ';' at a line's end."""
    body = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in body.split(";\n") if statement.strip().rstrip(";")]


def _advance_sequences(conn) -> None:
    """The fixtures give explicit ids: move each PostgreSQL sequence past its table's largest id, so that the
    rows the migrations add (the lexicon, the taxonomy) get new ids as they would in a real guide."""
    serials = conn.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'"
        )
    ).all()
    for table, column in serials:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "  # noqa: S608 - names read from information_schema
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
            )
        )


def test_every_released_head_is_a_known_revision_with_its_fixture():
    known = {script.revision for script in script_directory().walk_revisions()}
    for revision in RELEASED_HEADS:
        assert revision in known
        assert _statements(FIXTURES / f"{revision}.sql")
    assert sorted(path.stem for path in FIXTURES.glob("*.sql")) == sorted(RELEASED_HEADS)


@pytest.mark.parametrize("revision", RELEASED_HEADS)
def test_a_guide_of_a_released_schema_upgrades_and_is_served(tmp_path, worker_id, jinja_cache, revision):
    url = site_database(tmp_path, f"guide_upgrade_{revision}_{worker_id}")
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in _statements(FIXTURES / f"{revision}.sql"):
            conn.exec_driver_sql(statement)
        if engine.dialect.name == "postgresql":
            _advance_sequences(conn)  # as a guide that wrote those rows itself would have them

    # the files of that release were on disk: a logo and an edition's PDF
    logo, pdf = _png(), b"%PDF-1.7\n" + bytes(range(256)) * 4
    (tmp_path / "var" / "uploads" / "logos").mkdir(parents=True)
    (tmp_path / "var" / "uploads" / "logos" / "0123456789abcdef01234567.png").write_bytes(logo)
    (tmp_path / "var" / "editions").mkdir(parents=True)
    (tmp_path / "var" / "editions" / "edition-1-guide-2025.pdf").write_bytes(pdf)
    with engine.begin() as conn:
        conn.execute(text("UPDATE organisation SET logo = '0123456789abcdef01234567.png' WHERE id = 1"))
        conn.execute(text("UPDATE edition SET pdf_file = 'edition-1-guide-2025.pdf' WHERE id = 1"))

    ini = tmp_path / "guide.ini"
    ini.write_text(
        f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url.replace('%', '%%')}\n"
        f"var_dir = {tmp_path / 'var'}\n"
    )
    assert migrate_script.main([str(ini)]) == 0
    assert current_revision(url) == code_head()

    app = main(
        {},
        database_url=url,
        var_dir=str(tmp_path / "var"),
        secret="upgrade-" + "s" * 40,
        site_url="http://localhost",
        **{"mail.backend": "file", "search.poll_seconds": "0"},
        # the run's compiled templates (tests/conftest.py), not compiled again by each app
        **{"jinja2.bytecode_caching": "true", "jinja2.bytecode_caching_directory": jinja_cache},
    )
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    fiche = client.get("/fiche/1").follow()  # to its canonical address, with its slug
    assert "écrivain public" in fiche.text
    assert "aide à écrire lettres et dossiers" in fiche.text  # the published version, the second one
    assert "Salle des Anciens" in fiche.text and "Maison des Anciens" in fiche.text
    assert client.get("/fiche/2", expect_errors=True).status_int == 404  # a draft stays private
    organisation = client.get("/structure/maison-des-anciens")
    assert "écrivain public" in organisation.text
    assert "écrivain public" in client.get("/quartier/quartier-des-anciens").text
    assert client.get("/api/v1/fiches/1").json["nom"] == "Permanence d'écrivain public"
    # its logo and its edition's PDF, copied from var/ into the shared storage by guide-migrate
    src = organisation.html.select_one("img.org-logo")["src"]
    assert client.get(src).body == logo
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT data FROM stored_file WHERE name = 'editions/edition-1-guide-2025.pdf'")
        )
        assert bytes(stored.scalar_one()) == pdf
    found = client.get("/api/v1/search", {"q": "écrivain"}).json
    assert "Permanence d'écrivain public" in str(found)

    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM fiche_version")).scalar_one() == 3
        assert conn.execute(text("SELECT count(*) FROM fiche_event")).scalar_one() == 4
        misses = dict(
            conn.execute(text('SELECT "query", sum(count) FROM search_miss GROUP BY "query"')).all()
        )
        assert misses == {"tricot": 2, "poterie": 1}
        assert conn.execute(text("SELECT count(*) FROM edition_item")).scalar_one() == 1
    engine.dispose()
