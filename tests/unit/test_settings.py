"""Settings: one typed table, parsed once, each overridable by GUIDE_<NAME>."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from guide import settings as guide_settings
from guide.settings import SettingError, Settings, parse, resolve, table


def _resolved(tmp_path: Path, environ: dict[str, str] | None = None, **ini: str) -> dict[str, object]:
    return resolve({"here": str(tmp_path), "secret": "s" * 40, **ini}, environ=environ or {})


def test_ini_values_are_typed_and_missing_ones_take_their_default(tmp_path):
    typed = parse(_resolved(tmp_path, **{"mail.port": "2525", "mail.starttls": "oui"}))
    assert typed.mail_port == 2525
    assert typed.mail_starttls is True
    assert typed.session_idle_minutes == 120.0
    assert typed.var_dir == tmp_path / "var"
    assert typed.database_url == f"sqlite:///{tmp_path / 'var' / 'guide.sqlite'}"


def test_the_environment_overrides_the_ini_file(tmp_path):
    environ = {"GUIDE_MAIL_PORT": "587", "GUIDE_PDF_RENDER_TIMEOUT": "60", "GUIDE_RATELIMIT_PDF": "2/minute"}
    typed = parse(_resolved(tmp_path, environ, **{"mail.port": "25"}))
    assert typed.mail_port == 587
    assert typed.pdf_render_timeout == 60.0
    assert typed.ratelimit == {"pdf": "2/minute"}


def test_session_secure_is_automatic_when_empty(tmp_path):
    assert parse(_resolved(tmp_path)).session_secure is None
    assert parse(_resolved(tmp_path, **{"session.secure": "false"})).session_secure is False


def test_an_empty_number_takes_the_default(tmp_path):
    assert parse(_resolved(tmp_path, **{"request.max_bytes": " "})).request_max_bytes == 10 * 1024 * 1024


def test_a_value_that_does_not_parse_names_its_setting(tmp_path):
    with pytest.raises(SettingError, match=r"mail\.port"):
        parse(_resolved(tmp_path, **{"mail.port": "vingt-cinq"}))


def test_the_app_refuses_to_start_with_a_bad_setting(tmp_path):
    from guide import make_config

    with pytest.raises(SettingError, match=r"token\.reset_hours"):
        make_config({"here": str(tmp_path)}, secret="s" * 40, **{"token.reset_hours": "deux"})


def test_the_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().mail_port = 26  # type: ignore[misc]


def test_the_table_documents_every_setting_in_french_and_english():
    rows = {row.key: row for row in table()}
    assert set(guide_settings.DEFAULTS) <= set(rows)
    assert rows["mail.port"].type == "int"
    assert rows["mail.port"].default == "25"
    assert rows["mail.port"].env == "GUIDE_MAIL_PORT"
    assert all(row.fr and row.en for row in rows.values())
    assert len(rows) == len(dataclasses.fields(Settings))
