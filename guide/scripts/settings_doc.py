"""guide-settings-doc [--check FILE | --write FILE] — the table of every setting, in Markdown (French).

Printed from :func:`guide.settings.table`, the one place each setting is declared (name, type, default,
documentation). The README holds the same table between the markers below: ``--write README.md`` puts it
there, ``--check README.md`` exits with 1 when the README's copy differs (a test runs the check), so that
the documentation cannot drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import table

START = "<!-- settings:start -->"
END = "<!-- settings:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The table, one row per setting, in the order of :class:`guide.settings.Settings`."""
    lines = [
        "| réglage | variable d'environnement | type | défaut | rôle |",
        "|---|---|---|---|---|",
    ]
    for row in table():
        default = f"`{_cell(row.default)}`" if row.default else "(vide)"
        lines.append(
            f"| `{_cell(row.key)}` | `{_cell(row.env)}` | {_cell(row.type)} | {default} | {_cell(row.fr)} |"
        )
    return "\n".join(lines) + "\n"


def block() -> str:
    return f"{START}\n{markdown()}{END}"


def replace_block(text: str) -> str:
    """``text`` with the part between the markers (the markers included) replaced by :func:`block`."""
    start = text.find(START)
    end = text.find(END, start)
    if start < 0 or end < 0:
        raise ValueError("the settings markers are missing")
    return text[:start] + block() + text[end + len(END) :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guide-settings-doc", description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", metavar="FILE", help="exit 1 when FILE's table differs")
    group.add_argument("--write", metavar="FILE", help="replace FILE's table")
    args = parser.parse_args(argv)
    if args.check or args.write:
        path = Path(args.check or args.write)
        text = path.read_text(encoding="utf-8")
        try:
            updated = replace_block(text)
        except ValueError:
            print(f"{path} : marqueurs {START!r} … {END!r} absents", file=sys.stderr)
            return 1
        if args.write:
            if updated != text:
                path.write_text(updated, encoding="utf-8")
            return 0
        if updated != text:
            print(f"{path} : la table des réglages n'est plus à jour (guide-settings-doc --write {path})")
            return 1
        return 0
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
