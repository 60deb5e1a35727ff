"""The README's table of settings is the one guide-settings-doc prints from guide/settings.py."""

from __future__ import annotations

from pathlib import Path

from guide import settings
from guide.scripts import settings_doc

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_generated_one():
    text = README.read_text(encoding="utf-8")
    assert settings_doc.replace_block(text) == text, "guide-settings-doc --write README.md"
    assert settings_doc.main(["--check", str(README)]) == 0


def test_every_setting_has_one_row_with_its_default_and_variable():
    rows = settings_doc.markdown().splitlines()[2:]
    assert len(rows) == len(settings.table())
    by_key = {row.split("|")[1].strip(" `"): row for row in rows}
    assert set(by_key) == {row.key for row in settings.table()}
    assert "`GUIDE_SITE_URL`" in by_key["site_url"] and "`http://localhost:6543`" in by_key["site_url"]
    assert "bool \\| none" in by_key["session.secure"]  # a pipe in a cell is escaped


def test_a_stale_readme_is_detected_and_rewritten(tmp_path, capsys):
    stale = tmp_path / "README.md"
    stale.write_text(
        f"# Guide\n\n{settings_doc.START}\n| ancienne table |\n{settings_doc.END}\n\nLa suite.\n"
    )
    assert settings_doc.main(["--check", str(stale)]) == 1
    assert "n'est plus à jour" in capsys.readouterr().out
    assert settings_doc.main(["--write", str(stale)]) == 0
    assert settings_doc.main(["--check", str(stale)]) == 0
    text = stale.read_text()
    assert "ancienne table" not in text and text.endswith("La suite.\n")
    assert "| `mail.starttls` |" in text
    stale.write_text("# Guide sans marqueurs\n")
    assert settings_doc.main(["--check", str(stale)]) == 1
