"""Settings: read from the ini file, each overridable by an environment variable ``GUIDE_<NAME>``.

``database_url`` is overridden by ``GUIDE_DATABASE_URL``, ``var_dir`` by ``GUIDE_VAR_DIR``,
``mail.host`` by ``GUIDE_MAIL_HOST`` and so on (dots become underscores).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Every setting the application knows, with its default. Anything listed here may be set in the
# ini file or through the environment.
DEFAULTS: dict[str, str] = {
    "var_dir": "var",
    "database_url": "",
    "secret": "",
    "site_name": "Guide du territoire",
    # The only host the site answers to (other Host headers get a 400) and the base of every absolute URL
    "site_url": "http://localhost:6543",
    # Extra host[:port] names the site answers to (space-separated), e.g. the address a proxy uses
    "allowed_hosts": "",
    "session.secure": "",  # empty: Secure cookie when site_url is https; "true"/"false" overrides
    "session.idle_minutes": "120",  # a session unused this long ends
    "session.max_hours": "12",  # a session ends this long after the login, used or not
    "mail.backend": "file",  # "smtp" or "file" (writes .eml files to var/mail/)
    "mail.host": "localhost",
    "mail.port": "25",
    "mail.sender": "Guide du territoire <ne-pas-repondre@guide.localhost>",
    "mail.starttls": "false",
    "mail.username": "",
    "mail.password": "",
    "login.max_attempts": "5",  # failures per (account, client) before the delays start
    "login.window_minutes": "15",  # first delay; it doubles with each further failure
    "login.account_max_per_hour": "100",  # failures per account from all clients
    "login.client_max_per_hour": "50",  # failures per client for all accounts
    "token.invitation_days": "7",
    "token.reset_hours": "2",
    "upload.max_bytes": str(2 * 1024 * 1024),
    "request.max_bytes": str(10 * 1024 * 1024),  # larger bodies get a 413 before being read
    "request.max_fields": "1000",  # form fields (or query parameters) per request
    "timezone": "Europe/Paris",
    "map.tile_url": "",  # Leaflet tile URL template ({z}/{x}/{y}); empty: polygons only, no tiles
    # on-demand PDFs (guide.services.pdfworker): wait in the request, renders queued, cache size
    "pdf.wait_seconds": "4",
    "pdf.max_pending": "8",
    "pdf.cache_max_mb": "200",
}


def env_name(key: str) -> str:
    return "GUIDE_" + key.upper().replace(".", "_")


def resolve(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the effective settings: defaults < ini file < environment."""
    environ = os.environ if environ is None else environ
    result: dict[str, Any] = dict(settings)
    for key, default in DEFAULTS.items():
        result.setdefault(key, default)
        if env_name(key) in environ:
            result[key] = environ[env_name(key)]
    here = Path(result.get("here", ".")).resolve()
    var_dir = Path(result["var_dir"])
    if not var_dir.is_absolute():
        var_dir = here / var_dir
    result["var_dir"] = str(var_dir)
    if not result["database_url"]:
        result["database_url"] = f"sqlite:///{var_dir / 'guide.sqlite'}"
    if not result["secret"]:
        result["secret"] = _persistent_secret(var_dir)
    return result


def _persistent_secret(var_dir: Path) -> str:
    """A random secret kept in var/ so that sessions survive restarts without any set-up."""
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def as_bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "oui"}
