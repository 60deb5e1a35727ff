"""guide-worker CONFIG.ini — run the background work: edition generations, on-demand PDFs, the mail outbox.

    guide-worker production.ini [--workers 2]

One or more per site, on any machine that reaches the database (not necessarily beside a web server): the
queue is in the database (:mod:`guide.tasks`), a task is taken by one worker only. The process is niced
(``pdf.nice``) so that a web server on the same machine keeps the CPU first; the PDF layouts run in a child
process of the worker (:mod:`guide.print.worker`), replaced after ``pdf.tasks_per_worker`` renders and
killed past ``pdf.render_timeout``. SIGINT or SIGTERM stops it once the tasks under way are done (systemd:
``KillSignal=SIGINT``); a task cut short by a crash is lost with it, which each kind survives: a mail stays
in the outbox until it is marked sent, an edition shows « interrompue » and can be started again, a PDF is
asked again by the page that waits for it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from typing import Any

from . import load_settings

log = logging.getLogger("guide.worker")


def make_consumer(settings: dict[str, Any], workers: int | None = None) -> Any:
    """The huey consumer of these settings, configured (tasks on this database), not started."""
    # imported once the arguments are read: the queue imports every task's module (``--help`` needs none)
    from .. import tasks
    from ..db import make_engine, make_session_factory
    from ..settings import coerce

    typed = coerce(settings)
    engine = make_engine(typed.database_url)
    tasks.configure(typed, make_session_factory(engine), engine=engine, immediate=False)
    return tasks.queue.create_consumer(
        workers=workers or typed.tasks_workers,
        worker_type="thread",
        periodic=True,  # the mail outbox's retries, every minute
        initial_delay=0.1,  # an idle worker polls the queue table every 0.1 s, slowing down to max_delay
        backoff=1.15,
        max_delay=1.0,
        check_worker_health=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="guide-worker", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("config_uri", help="le fichier de configuration, par exemple production.ini")
    parser.add_argument("--workers", type=int, help="fils d'exécution (par défaut : réglage tasks.workers)")
    args = parser.parse_args(argv)
    from ..settings import coerce

    settings = load_settings(args.config_uri)
    typed = coerce(settings)
    if typed.pdf_nice > 0:
        with contextlib.suppress(OSError):
            os.nice(typed.pdf_nice)
    # what the tasks did (an edition's progress, mails not sent) is the worker's journal: INFO unless the
    # ini's logging sections say otherwise
    for name in ("guide", "huey"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.INFO)
    try:
        consumer = make_consumer(settings, args.workers)
        log.info("guide-worker: %s thread(s)", consumer.workers)
        consumer.run()  # huey's handlers: SIGINT stops once the tasks under way are done, SIGTERM at once
    except KeyboardInterrupt:  # SIGINT before huey's handler was installed: nothing was under way
        log.info("guide-worker stopped before it started")
    return 0


if __name__ == "__main__":
    sys.exit(main())
