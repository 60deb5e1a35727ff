"""Console scripts and migrations: what `make serve` and an administrator run."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from guide.db import make_engine, make_session_factory
from guide.models import Base, SiteRole, User
from guide.scripts import user as user_script
from guide.services.accounts import verify_password

from ..databases import migrated


def test_migrations_match_the_models(engine):
    """The migrated schema is exactly the one the models describe (no forgotten migration)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def _ini(tmp_path):
    url = migrated(f"sqlite:///{tmp_path / 'guide.sqlite'}")  # a copy of the run's migrated template
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    return str(ini), url


def test_guide_user_creates_an_admin(tmp_path, monkeypatch, capsys):
    ini, url = _ini(tmp_path)
    monkeypatch.setenv("GUIDE_USER_PASSWORD", "une phrase de passe")
    assert user_script.main([ini, "Chef@Ville.fr", "--name", "Cheffe"]) == 0
    assert "Compte créé : chef@ville.fr" in capsys.readouterr().out
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        user = db.query(User).one()
        assert user.role == SiteRole.ADMIN and user.name == "Cheffe"
        assert verify_password(user, "une phrase de passe")
    engine.dispose()


def test_guide_user_refuses_a_short_password_and_a_bad_email(tmp_path, monkeypatch, capsys):
    ini, _url = _ini(tmp_path)
    monkeypatch.setenv("GUIDE_USER_PASSWORD", "court")
    assert user_script.main([ini, "chef@ville.fr"]) == 2
    monkeypatch.setenv("GUIDE_USER_PASSWORD", "une phrase de passe")
    assert user_script.main([ini, "pas une adresse"]) == 2
    assert "caractères" in capsys.readouterr().err


def test_migrations_have_a_single_head():
    from alembic.script import ScriptDirectory

    from guide.scripts.migrate import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1
