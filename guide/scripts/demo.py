"""guide-demo CONFIG.ini — load the demo guide (once) and print the demo accounts."""

from __future__ import annotations

import argparse
import sys

from . import load_settings, session_scope


def main(argv: list[str] | None = None) -> int:
    from ..services.demo import DemoDataError, demo_accounts_lines, load_demo

    parser = argparse.ArgumentParser(prog="guide-demo", description=__doc__)
    parser.add_argument("config_uri")
    args = parser.parse_args(argv)
    settings = load_settings(args.config_uri)
    try:
        with session_scope(settings) as db:
            counts = load_demo(db)
    except DemoDataError as error:  # the shipped files do not import whole: nothing was written
        print(error, file=sys.stderr)
        return 1
    if counts is None:
        print("Le guide de démonstration est déjà chargé.")
    else:
        print("Guide de démonstration chargé : " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".")
    print()
    print("Comptes de démonstration :")
    for line in demo_accounts_lines():
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
