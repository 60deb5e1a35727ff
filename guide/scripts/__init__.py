"""Console scripts. Each takes the ini file first: ``guide-migrate development.ini``.

Start-up time: a script imports what its work needs once its arguments are read (``--help`` answers at
once), and this module imports nothing heavy at its top — every script pays for what is imported here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def load_settings(config_uri: str) -> dict[str, Any]:
    import plaster

    from .. import hours
    from ..settings import resolve

    uri = plaster.parse_uri(config_uri)
    if uri.scheme == "file+ini":
        # An ini file goes straight to PasteDeploy's loader: plaster.get_loader would first read the metadata
        # of every installed distribution (~140) to find which one reads « .ini », 0.1-0.2 s paid by every
        # command and by every process a command starts (the worker's PDF and edition jobs)
        import plaster_pastedeploy

        loader = plaster_pastedeploy.Loader(uri)
    else:
        loader = plaster.get_loader(uri, protocols=["wsgi"])
    try:
        loader.setup_logging()
    except Exception:  # noqa: BLE001 - an ini without logging sections is fine
        logging.basicConfig(level=logging.INFO)
    raw = dict(loader.get_settings("app:main"))
    raw.setdefault("here", str(Path(config_uri.split("#")[0]).resolve().parent))
    settings = resolve(raw)
    hours.configure(settings["timezone"])  # what the app factory does for the web process
    return settings


@contextmanager
def session_scope(settings: dict[str, Any]) -> Iterator[Session]:
    """One transaction for a whole command: committed if it ends well, rolled back otherwise."""
    from ..db import make_engine, make_session_factory

    engine = make_engine(settings["database_url"])
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
