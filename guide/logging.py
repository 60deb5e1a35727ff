"""A request id on every response and in every log line written while the request is served.

The outermost tween takes the id from the ``X-Request-Id`` header when ``request_id.trusted`` says the
reverse proxy always sets it (nginx ``$request_id``, Caddy ``{http.request.uuid}``), else draws a new one;
it is put in a context variable for the time of the request and on the response's ``X-Request-Id`` header.

Every log record then carries it as ``record.request_id`` ("-" outside a request): a log-record factory
sets it when the record is made, so that it reaches every handler — those of the ini file (whose
``fileConfig`` format cannot attach a ``logging.Filter`` to a handler), and those added later (pytest's,
an error tracker's). :class:`RequestIdFilter` does the same for a ``dictConfig``.

Formatters for the ini file: :class:`TextFormatter` (``%(request_id)s`` usable in its format) and
:class:`JsonFormatter` (one JSON object a line: time, level, logger, message, request_id, exception).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from pyramid.tweens import INGRESS

from .settings import settings_of

HEADER = "X-Request-Id"
NO_REQUEST = "-"
# what a proxy's id looks like (a hex digest, a UUID): anything else is replaced, never logged
_ACCEPTED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("guide_request_id", default=NO_REQUEST)
log = logging.getLogger("guide.requests")


def current_request_id() -> str:
    """The id of the request being served in this thread, "-" outside a request."""
    return request_id.get()


def new_request_id() -> str:
    return secrets.token_hex(16)


# --- log records ----------------------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Sets ``record.request_id`` (for a ``dictConfig`` handler; the app installs a record factory)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


_factory_installed = False


def install_record_factory() -> None:
    """Make every log record of the process carry ``request_id`` (idempotent)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class TextFormatter(logging.Formatter):
    """``logging.Formatter`` whose format may name ``%(request_id)s`` (also in records made before the
    application installed its record factory)."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log collector: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
    ``message``, ``request_id`` and, when there is one, ``exception`` (the traceback as text)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


# --- the tween ------------------------------------------------------------------------------------------


def _incoming(request: Any, trusted: bool) -> str | None:
    if not trusted:
        return None
    value = str(request.environ.get("HTTP_X_REQUEST_ID", "")).strip()
    return value if _ACCEPTED.fullmatch(value) else None


def request_id_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """The outermost tween: every response, the host filter's 400 included, carries the request's id;
    each request is logged at DEBUG (method, path, status, duration) on the ``guide.requests`` logger."""

    def tween(request: Any) -> Any:
        trusted = settings_of(registry).request_id_trusted
        value = _incoming(request, trusted) or new_request_id()
        token = request_id.set(value)
        started = time.perf_counter()
        try:
            response = handler(request)
            response.headers[HEADER] = value
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s %s %s %.0f ms",
                    request.method,
                    request.environ.get("PATH_INFO", ""),
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                )
            return response
        finally:
            request_id.reset(token)

    return tween


def includeme(config: Any) -> None:
    install_record_factory()
    config.add_tween(  # outside every other tween: the id is known while they run and log
        "guide.logging.request_id_tween_factory",
        under=INGRESS,
        over="guide.headers.security_headers_tween_factory",
    )
