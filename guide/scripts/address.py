"""Print the address(es) ``pserve CONFIG.ini`` will listen on, for ``make serve``'s start message.

Read from the ini's ``[server:main]``: waitress' ``listen`` (several addresses, space-separated), or its
``host``/``port`` pair; ``*`` or ``0.0.0.0`` (every interface) is shown as ``localhost``.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

DEFAULT_LISTEN = "localhost:6543"  # waitress' own default is 0.0.0.0:8080; the ini files set listen
ANY_INTERFACE = {"", "*", "0.0.0.0", "[::]", "::"}  # noqa: S104 - compared, not bound


def _url(entry: str) -> str:
    host, _, port = entry.strip().rpartition(":")
    if not host:  # "6543": a port alone
        host = ""
    if host in ANY_INTERFACE:
        host = "localhost"
    return f"http://{host}:{port}" if port else f"http://{host}"


def addresses(ini: str | Path) -> list[str]:
    """The URLs of the ``[server:main]`` section of ``ini`` (the default one when the section is absent)."""
    parser = configparser.ConfigParser(defaults={"here": str(Path(ini).resolve().parent)}, strict=False)
    parser.read(ini, encoding="utf-8")
    if not parser.has_section("server:main"):
        return [_url(DEFAULT_LISTEN)]
    section = parser["server:main"]
    listen = section.get("listen", "").split()
    if not listen and (section.get("host") or section.get("port")):
        listen = [f"{section.get('host', '0.0.0.0')}:{section.get('port', '8080')}"]  # noqa: S104
    return [_url(entry) for entry in listen or [DEFAULT_LISTEN]]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m guide.scripts.address CONFIG.ini", file=sys.stderr)
        return 2
    print(" ".join(addresses(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
