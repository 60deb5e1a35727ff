"""Full-text search (Whoosh) behind the project's own interface. Built in the public-guide issue."""

from __future__ import annotations

from typing import Any


def includeme(config: Any) -> None:
    """Nothing yet: the index and its change-log consumer arrive with the public search."""
