"""Where the printed guide's templates come from: the core (guide/) never names the templates room; the views
hand the loader in, and a process without the views finds it through the project's entry point."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import jinja2

from guide.print import rendering
from templates import print_loader

ROOT = Path(__file__).resolve().parents[2]


UPPER_ROOMS = {"templates", "views", "schemas", "search_index"}


def test_the_core_imports_nothing_of_the_upper_rooms():
    for path in (ROOT / "guide").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if not re.search(rf"\b({'|'.join(UPPER_ROOMS)})\b", source):
            continue  # cannot import what it never names: not parsed (the walk of every tree was the cost)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not [n for n in names if n.split(".")[0] in UPPER_ROOMS], path


def test_one_environment_renders_every_print_and_follows_the_loader_it_is_given():
    previous = rendering.environment()
    try:
        env = rendering.configure(
            jinja2.DictLoader({"hello.jinja2": "Bonjour {{ name }} : {{ '0473426363' | phone }}"})
        )
        assert rendering.environment() is env is rendering.environment()  # built once, not per render
        assert (
            rendering.render_html("hello.jinja2", [], name="<Ana>") == "Bonjour &lt;Ana&gt; : 04 73 42 63 63"
        )
        assert [name for name, _ in rendering.template_sources()] == ["hello.jinja2"]
    finally:
        rendering.configure(previous.loader)
    assert "fiche.jinja2" in rendering.environment().list_templates()


def test_the_views_loader_holds_the_print_templates():
    names = set(print_loader().list_templates())
    assert {"edition.jinja2", "fiche.jinja2", "selection.jinja2", "notes.jinja2"} <= names


def test_a_process_without_the_views_renders_with_the_installed_loader():
    # a fresh interpreter, like guide-edition: nothing configured the print package
    code = (
        "from guide.print import rendering; "
        "print(sorted(rendering.environment().list_templates())); "
        "import sys; print('templates' in sys.modules and 'views' not in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    templates, isolated = result.stdout.splitlines()
    assert "edition.jinja2" in templates
    assert isolated == "True"
