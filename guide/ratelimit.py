"""One rate-limit service for everything an anonymous visitor (or a hostile account) can trigger.

Built on the maintained ``limits`` library (moving windows, in-process memory storage, the same
library warehouse uses). Each limited action is named once in ``LIMITS`` with its default rate; a
setting ``ratelimit.<name>`` (for example ``ratelimit.pdf = 20/minute``) overrides it.

The client's address is ``REMOTE_ADDR`` only. WebOb's ``client_addr`` trusts any
``X-Forwarded-For`` header a visitor sends; behind a reverse proxy, waitress' ``trusted_proxy``
(see the README) is what rewrites ``REMOTE_ADDR`` from the proxy's headers, so that nobody can
choose the address they are counted under.

The storage is per process: with several app servers each keeps its own counters, which multiplies
the allowance by the number of processes but keeps every one of them bounded in memory.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from .settings import Settings, coerce, settings_of

# name -> default rate ("N/second|minute|hour|day", several separated by ";")
LIMITS: dict[str, str] = {
    "password_reset": "3/hour;10/day",  # per account and per client
    "error_report": "5/hour",  # per client
    "pdf": "10/minute;60/hour",  # per client, on-demand fiche and selection PDFs
    "search": "120/minute",  # per client
    "api": "300/minute;5000/hour",  # per client, /api/v1/fiches and /api/v1/fiches/<id> (views/api.py)
    "selection_share": "10/hour;30/day",  # per client, short links to an agent's selection
    "beacon": "20/minute;300/day",  # per client, telephone/itinerary click counts (views/quality.py)
}


def parse_rates(spec: str) -> list[Any]:
    """``"2/minute;20/hour"`` (a ``ratelimit.*`` setting) as the limits library's rate items."""
    return [parse(part) for part in spec.split(";") if part]


class RateLimiter:
    def __init__(self, settings: Settings | Mapping[str, Any] | None = None) -> None:
        overrides = coerce(settings).ratelimit
        self.storage = MemoryStorage()
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.rates = {name: parse_rates(overrides.get(name, default)) for name, default in LIMITS.items()}

    def override(self, name: str, spec: str) -> None:
        """Replace the rates of ``name`` (``spec`` as the ``ratelimit.<name>`` setting writes them)."""
        self.rates[name] = parse_rates(spec)

    @staticmethod
    def _key(*parts: str) -> str:
        # keys are hashed: no address or e-mail is kept in clear in memory dumps or logs
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def hit(self, name: str, *identifiers: str) -> bool:
        """Count one use; False when the limit is already reached (the use is then not counted)."""
        key = self._key(*identifiers)
        rates = self.rates[name]
        if not all(self.strategy.test(rate, name, key) for rate in rates):
            return False
        for rate in rates:
            self.strategy.hit(rate, name, key)
        return True

    def test(self, name: str, *identifiers: str) -> bool:
        """True when one more use would be allowed (nothing counted)."""
        key = self._key(*identifiers)
        return all(self.strategy.test(rate, name, key) for rate in self.rates[name])

    def retry_after(self, name: str, *identifiers: str) -> int:
        """Seconds until one more use is allowed (0 when it is allowed now)."""
        key = self._key(*identifiers)
        now = time.time()
        waits = [
            self.strategy.get_window_stats(rate, name, key).reset_time - now
            for rate in self.rates[name]
            if not self.strategy.test(rate, name, key)
        ]
        return max(0, math.ceil(max(waits, default=0)))

    def reset(self) -> None:
        self.storage.reset()


def client_ip(request: Any) -> str:
    """The client's address as the WSGI server saw it (waitress' ``trusted_proxy`` resolves proxies)."""
    return request.environ.get("REMOTE_ADDR") or ""


def includeme(config: Any) -> None:
    limiter = RateLimiter(settings_of(config.registry))
    config.registry["ratelimiter"] = limiter
    config.add_request_method(lambda request: request.registry["ratelimiter"], "ratelimiter", reify=True)
