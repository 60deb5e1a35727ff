"""Password reset timing: does the answer's duration tell whether an address has an account?

`python bench/bench_password_reset.py [--rounds 200]`

In a temporary folder: a SQLite database brought up by the migrations, one account, the application
in-process (WebTest) with real SMTP delivery to a local server (aiosmtpd). The reset form is POSTed
``--rounds`` times for the existing address and as many times for an unknown one, interleaved (the
rate limit is raised for the run; each mail is delivered before the next request, so that what is
timed is the request's own path). The table gives p10 / p50 / p90 per kind and the difference of the
medians; with the mail built and sent off the request, and the same database work on both paths, the
difference stays within the noise of the machine.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time

import webtest
from aiosmtpd.controller import Controller

from guide import main
from guide.db import make_engine, make_session_factory
from guide.models import User
from guide.scripts.migrate import upgrade
from guide.services.accounts import hash_password
from views.auth import wait_for_mail


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.count += 1
        return "250 OK"


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="guide-bench-reset-")
    url = f"sqlite:///{folder}/guide.sqlite"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        db.add(User(email="compte@bench.fr", name="Compte", password_hash=hash_password("x" * 12)))
        db.commit()
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=port)
    smtp.start()
    app = main(
        {},
        var_dir=folder,
        database_url=url,
        secret="bench-" + "x" * 40,
        site_url="http://localhost",
        **{
            "mail.backend": "smtp",
            "mail.host": "127.0.0.1",
            "mail.port": str(port),
            "ratelimit.password_reset": "1000000/hour",
            "search.poll_seconds": "0",
        },
    )
    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    csrf = client.get("/mot-de-passe-oublie").forms["deform"]["csrf_token"].value
    kinds = {"compte existant": "compte@bench.fr", "adresse inconnue": "personne@bench.fr"}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    warmup = 20
    for i in range(args.rounds + warmup):
        for kind, email in kinds.items():
            start = time.perf_counter()
            response = client.post(
                "/mot-de-passe-oublie", {"csrf_token": csrf, "email": email, "send": "send"}
            )
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_int == 303, response.status
            wait_for_mail(timeout=60)  # the next request does not share the CPU with this mail
            if i >= warmup:
                times[kind].append(elapsed)
    wait_for_mail(timeout=120)
    smtp.stop()
    print(f"{'':18} {'p10 ms':>8} {'p50 ms':>8} {'p90 ms':>8}")
    for kind, values in times.items():
        values.sort()
        n = len(values)
        print(f"{kind:18} {values[n // 10]:8.2f} {statistics.median(values):8.2f} {values[9 * n // 10]:8.2f}")
    medians = [statistics.median(values) for values in times.values()]
    print(f"difference of the medians: {medians[0] - medians[1]:+.2f} ms; mails delivered: {sink.count}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
