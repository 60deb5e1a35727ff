"""``/sante``: the state of this app process, in JSON, for the city's monitoring.

200 when the process can serve, 503 when it cannot (database unreachable, search index unreadable, the task
queue not taken: its oldest task waiting longer than ``health.task_max_age``, no ``guide-worker`` running).
Each check says ``ok``, ``alerte`` (works, but someone should look: little disk space, index behind the
change log, PDF queue full, an edition generation without news, mails waiting for the SMTP server) or
``panne``; the top-level ``etat`` is the worst of them. The task queue and the mail outbox are the
site's, shared by every app server (``taches``: tasks waiting and the age of the oldest; ``courriels``: mails
not sent yet, the age of the oldest and how many failed at least once). Cheap (a few small indexed
reads, a small file, a ``statvfs``), no session, no cookie, not rate-limited, never cached, no secret (no
address, path or version).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import shutil
import time
from typing import Any

from pyramid.view import view_config
from sqlalchemy import func, select, text

from guide import tasks
from guide.models import Edition, EditionStatus, IndexChange, utcnow
from guide.models.storage import MailOutbox
from guide.print import worker as pdfworker
from guide.services.edition_queue import STALE_AFTER
from guide.settings import settings_of

log = logging.getLogger(__name__)

OK, WARNING, DOWN = "ok", "alerte", "panne"
DATABASE_TIMEOUT = 3.0  # seconds: a database slower than this to answer SELECT 1 is reported down
INDEX_LAG_ALERT = dt.timedelta(minutes=10)  # an unapplied change older than this is worth a look
MAIL_ALERT = dt.timedelta(minutes=15)  # a mail not sent after this long: the SMTP server is worth a look
# One thread for the database probe: a hung database holds at most this one thread, whatever the probes.
_probe = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="guide-health")


def _worst(states: list[str]) -> str:
    return DOWN if DOWN in states else WARNING if WARNING in states else OK


def _database_reads(session_factory: Any, applied: int) -> dict[str, Any]:
    """SELECT 1, then the change log beyond what the index applied (two indexed reads), in one session."""
    with session_factory() as session:
        if session.connection().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL statement_timeout = {int(DATABASE_TIMEOUT * 1000)}"))
        session.execute(text("SELECT 1"))
        last = session.scalar(select(func.max(IndexChange.id))) or 0
        behind = session.execute(
            select(func.count(), func.min(IndexChange.at)).where(IndexChange.id > applied)
        ).one()
        editions = session.execute(
            select(func.count(), func.min(Edition.updated_at)).where(
                Edition.status.in_([EditionStatus.QUEUED, EditionStatus.RUNNING])
            )
        ).one()
        queue = tasks.stats(session)
        pdf_pending = pdfworker.count_pending(session)
        mails = session.execute(
            select(func.count(), func.min(MailOutbox.created_at)).where(MailOutbox.sent_at.is_(None))
        ).one()
        failing = session.scalar(
            select(func.count()).where(MailOutbox.sent_at.is_(None), MailOutbox.attempts > 0)
        )
        session.rollback()
    return {
        "queue": queue,
        "pdf_pending": pdf_pending,
        "mails": mails[0] or 0,
        "oldest_mail": mails[1],
        "failing_mails": failing or 0,
        "last": last,
        "behind": behind[0] or 0,
        "oldest": behind[1],
        "editions": editions[0] or 0,
        "edition_news": editions[1],
    }


def _index_state(registry: Any) -> tuple[dict[str, Any], int]:
    """What the search index of this process has applied (its pointer file and Whoosh generation)."""
    folder = registry["search"].folder  # search_index.IndexFolder
    state = folder.state()
    return {
        "generation": folder.index.latest_generation(),
        "dernier_changement_applique": state.last_id,
        "changements_attendus": len(state.gaps),
        "reconstruction_attendue": bool(folder.needs_rebuild),
    }, state.last_id


def _age(moment: dt.datetime | None) -> float:
    """Seconds since ``moment`` (naive datetimes are UTC: SQLite gives them back so), 0 for None."""
    if moment is None:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max((utcnow() - moment).total_seconds(), 0.0)


def _index_check(index: dict[str, Any] | None, reads: dict[str, Any] | None) -> dict[str, Any]:
    if index is None:
        return {"etat": DOWN, "message": "Index de recherche illisible"}
    if reads is None:
        return {"etat": WARNING, **index, "message": "Retard inconnu : base injoignable"}
    age = _age(reads["oldest"])
    result = {
        **index,
        "dernier_changement": reads["last"],
        "retard": reads["behind"],
        "retard_secondes": round(age),
    }
    late = index["reconstruction_attendue"] or age > INDEX_LAG_ALERT.total_seconds()
    return {"etat": WARNING if late else OK, **result}


def _editions_check(reads: dict[str, Any] | None) -> dict[str, Any]:
    """The annual edition's generations under way (each a ``guide-edition`` process): how many, and how
    long since the oldest one last reported progress (an alert past ``edition_queue.STALE_AFTER``)."""
    if reads is None:
        return {"etat": WARNING, "message": "Inconnu : base injoignable"}
    silent = _age(reads["edition_news"])
    return {
        "etat": WARNING if silent > STALE_AFTER.total_seconds() else OK,
        "en_cours": reads["editions"],
        "sans_nouvelles_secondes": round(silent),
    }


def _tasks_check(reads: dict[str, Any] | None, max_age: float) -> dict[str, Any]:
    """The shared task queue: down when its oldest task has waited past ``health.task_max_age``."""
    if reads is None:
        return {"etat": WARNING, "message": "Inconnu : base injoignable"}
    queue = reads["queue"]
    stuck = queue.oldest_seconds > max_age
    result = {
        "etat": DOWN if stuck else OK,
        "en_attente": queue.depth,
        "plus_ancienne_secondes": round(queue.oldest_seconds),
        "programmees": queue.scheduled,
        "seuil_secondes": round(max_age),
    }
    if stuck:
        result["message"] = "Tâches en attente depuis trop longtemps : guide-worker est-il lancé ?"
    return result


def _mail_check(reads: dict[str, Any] | None) -> dict[str, Any]:
    """The mail outbox: an alert when a mail has waited more than MAIL_ALERT (SMTP server down?)."""
    if reads is None:
        return {"etat": WARNING, "message": "Inconnu : base injoignable"}
    age = _age(reads["oldest_mail"])
    return {
        "etat": WARNING if age > MAIL_ALERT.total_seconds() else OK,
        "en_attente": reads["mails"],
        "plus_ancien_secondes": round(age),
        "en_echec": reads["failing_mails"],
    }


def _pdf_check(registry: Any, reads: dict[str, Any] | None) -> dict[str, Any]:
    """On-demand PDFs being rendered on the whole site (an alert when the queue is full)."""
    service = registry.get("pdf_service")
    if service is None:
        return {"etat": OK, "en_attente": 0}
    if reads is None:
        return {"etat": WARNING, "message": "Inconnu : base injoignable"}
    pending = reads["pdf_pending"]
    full = pending >= service.max_pending
    return {"etat": WARNING if full else OK, "en_attente": pending, "maximum": service.max_pending}


def _disk_check(var_dir: str, min_free_mb: float) -> dict[str, Any]:
    try:
        usage = shutil.disk_usage(var_dir)
    except OSError:
        return {"etat": DOWN, "message": "Dossier des données illisible"}
    free_mb = usage.free / 1024 / 1024
    return {
        "etat": WARNING if free_mb < min_free_mb else OK,
        "libre_mo": round(free_mb),
        "seuil_mo": round(min_free_mb),
        "libre_pourcent": round(100 * usage.free / usage.total, 1) if usage.total else 0.0,
    }


def health(registry: Any) -> dict[str, Any]:
    """Every check of this process; ``etat`` is the worst one."""
    settings = settings_of(registry)
    try:
        index, applied = _index_state(registry)
    except Exception:  # an unreadable index is reported, never raised
        log.exception("health: search index unreadable")
        index, applied = None, 0
    started = time.perf_counter()
    reads: dict[str, Any] | None
    try:
        reads = _probe.submit(_database_reads, registry["dbsession_factory"], applied).result(
            timeout=DATABASE_TIMEOUT
        )
        database = {"etat": OK, "duree_ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:  # noqa: BLE001 - any failure (timeout, refused connection) means down
        log.error("health: database unreachable: %r", exc)
        reads = None
        database = {"etat": DOWN, "message": "Base de données injoignable"}
    checks = {
        "base": database,
        "index": _index_check(index, reads),
        "editions": _editions_check(reads),
        "pdf": _pdf_check(registry, reads),
        "taches": _tasks_check(reads, settings.health_task_max_age),
        "courriels": _mail_check(reads),
        "disque": _disk_check(str(settings.var_dir), settings.health_min_free_mb),
    }
    return {"etat": _worst([check["etat"] for check in checks.values()]), **checks}


@view_config(route_name="health", renderer="json", require_csrf=False)
def health_view(request: Any) -> dict[str, Any]:
    result = health(request.registry)
    response = request.response
    response.status = 503 if result["etat"] == DOWN else 200
    response.cache_control = "no-store"
    return result
