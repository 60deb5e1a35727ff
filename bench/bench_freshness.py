"""Freshness, reminders and update campaigns at scale — `python bench/bench_freshness.py`.

Generates a guide of 2 000 organisations and 10 000 published fiches (bulk inserts on top of the demo's
taxonomy and lieux: 5 fiches per organisation, confirmations spread over the last 24 months, 3 in 4
organisations with a member, the others with a contact e-mail only) in a temporary SQLite database, starts a
local SMTP server (aiosmtpd, counting what it receives) and measures:

* the set-based freshness figures (`freshness_counts`, overall and by thématique / quartier / organisation,
  and `stale_fiches_query`);
* `guide-remind` (``guide.scripts.remind.run``, the command's code path): the reminders due for 10 000 fiches,
  mails handed to the mail path and delivered to the SMTP server — target ≤ 10 s; then a second run, which
  must send nothing;
* a campaign to all 2 000 organisations, created and sent by a coordinator through the site (WebTest on the
  WSGI app: the request's transaction and whatever mail path exists — after-commit SMTP, or the mail outbox,
  which this script then delivers with the worker's own code, ``guide.mail.deliver_outbox``, as
  ``guide-worker`` would), until every mail reached the SMTP server — target ≤ 60 s.

Prints a table; counts failures (a request not answered 2xx/3xx, mails missing at the SMTP server, a target
missed) and exits 1 when there is any. Usage: python bench/bench_freshness.py [--organisations 2000]
[--fiches 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import bindparam, func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guide import main
from guide.db import make_engine, make_session_factory
from guide.models import (
    Campaign,
    CampaignRecipient,
    Fiche,
    FicheVersion,
    Lieu,
    MemberRole,
    Membership,
    Organisation,
    SiteRole,
    State,
    Thematique,
    User,
    utcnow,
)
from guide.models.directory import lieu_organisation
from guide.models.fiche import version_lieu, version_thematique
from guide.scripts import remind
from guide.scripts.migrate import upgrade
from guide.services import freshness
from guide.services.accounts import hash_password
from guide.services.demo import load_demo
from guide.settings import resolve

PASSWORD = "bench-freshness-2026"


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.recipients: set[str] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(url: str, organisations: int, fiches: int, seed: int = 8) -> dict[str, int]:
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(seed)
    today = dt.date.today()
    now = utcnow()
    with make_session_factory(engine)() as db:
        load_demo(db)
        db.add(
            User(
                email="coord@bench.test",
                name="Coordination",
                role=SiteRole.COORDINATOR,
                password_hash=hash_password(PASSWORD),
            )
        )
        db.commit()
        lieux = [lieu.id for lieu in db.scalars(select(Lieu))]
        themes = [t.id for t in db.scalars(select(Thematique))]
        first_org = (db.scalar(select(func.max(Organisation.id))) or 0) + 1
        db.execute(
            insert(Organisation),
            [
                {
                    "id": first_org + i,
                    "slug": f"bench-{i}",
                    "nom": f"Structure {i:04d}",
                    "courriel": f"contact{i}@bench.test",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(organisations)
            ],
        )
        db.execute(
            insert(lieu_organisation),
            [{"lieu_id": rng.choice(lieux), "organisation_id": first_org + i} for i in range(organisations)],
        )
        first_user = (db.scalar(select(func.max(User.id))) or 0) + 1
        with_member = [i for i in range(organisations) if i % 4 != 3]
        db.execute(
            insert(User),
            [
                {
                    "id": first_user + n,
                    "email": f"membre{i}@bench.test",
                    "name": f"Membre {i}",
                    "role": SiteRole.PARTNER,
                    "active": True,
                    "created_at": now,
                    "session_generation": 0,
                }
                for n, i in enumerate(with_member)
            ],
        )
        db.execute(
            insert(Membership),
            [
                {
                    "user_id": first_user + n,
                    "organisation_id": first_org + i,
                    "role": MemberRole.OWNER,
                    "created_at": now,
                }
                for n, i in enumerate(with_member)
            ],
        )
        first_fiche = (db.scalar(select(func.max(Fiche.id))) or 0) + 1
        first_version = (db.scalar(select(func.max(FicheVersion.id))) or 0) + 1
        for start in range(0, fiches, 2000):
            rows, versions, vl, vt, pointers = [], [], [], [], []
            for i in range(start, min(fiches, start + 2000)):
                fid, vid = first_fiche + i, first_version + i
                rows.append(
                    {
                        "id": fid,
                        "uid": f"bench--{i}",
                        "organisation_id": first_org + i % organisations,
                        "state": State.PUBLISHED,
                        "created_at": now,
                        "updated_at": now,
                        "state_changed_at": now,
                        "published_at": now,
                        "lock_version": 1,
                        "confirmed_at": today - dt.timedelta(days=rng.randrange(0, 730)),
                    }
                )
                versions.append(
                    {
                        "id": vid,
                        "fiche_id": fid,
                        "number": 1,
                        "created_at": now,
                        "note": "bench",
                        "nom": f"Permanence {i}",
                        "resume": "",
                        "description": "",
                        "publics": [],
                        "publics_precisions": "",
                        "conditions_acces": [],
                        "conditions_precisions": "",
                        "frais_precisions": "",
                        "langues": ["fr"],
                        "horaires": "Mo-Fr 09:00-12:00",
                        "horaires_precisions": "",
                        "fermetures": [],
                        "contact_nom": "",
                        "telephone": "",
                        "courriel": "",
                        "site_web": "",
                    }
                )
                vl.append({"version_id": vid, "lieu_id": rng.choice(lieux), "position": 0})
                vt.extend({"version_id": vid, "thematique_id": t} for t in rng.sample(themes, 2))
                pointers.append({"b_id": fid, "b_v": vid})
            db.execute(insert(Fiche), rows)
            db.execute(insert(FicheVersion), versions)
            db.execute(insert(version_lieu), vl)
            db.execute(insert(version_thematique), vt)
            table = Fiche.__table__
            db.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(current_version_id=bindparam("b_v"), published_version_id=bindparam("b_v")),
                pointers,
            )
            db.commit()
        # a few thématiques checked more often (food distribution: 3 months)
        for t in db.scalars(select(Thematique).limit(2)):
            t.update_period_months = 3
        db.commit()
        public = db.scalar(select(func.count()).select_from(Fiche).where(Fiche.is_public))
        orgs = db.scalar(select(func.count()).select_from(Organisation))
    engine.dispose()
    return {"fiches publiées": public, "structures": orgs}


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def wait_for(counter: Counter, expected: int, timeout: float, deliver: Any = None) -> float:
    start = time.perf_counter()
    while counter.count < expected and time.perf_counter() - start < timeout:
        if deliver is not None:
            deliver()
        time.sleep(0.05)
    return time.perf_counter() - start


def outbox_deliverer(settings: dict[str, Any], url: str) -> Any:
    """When the mail outbox exists (guide.mail.deliver_outbox), what the worker does; else None."""
    try:
        from guide.mail import deliver_outbox  # type: ignore[attr-defined]
    except ImportError:
        return None
    factory = make_session_factory(make_engine(url))
    return lambda: deliver_outbox(factory, settings)


def run(organisations: int, fiche_count: int) -> int:
    import webtest

    failures = 0
    rows: list[tuple[str, str, str]] = []
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        seconds, sizes = timed(lambda: generate(url, organisations, fiche_count))
        rows.append(("génération", f"{seconds:.1f} s", ", ".join(f"{v} {k}" for k, v in sizes.items())))
        raw = {
            "database_url": url,
            "var_dir": tmp,
            "mail.backend": "smtp",
            "mail.host": "127.0.0.1",
            "mail.port": str(port),
            "site_url": "http://localhost",
            "secret": "bench-" + "x" * 40,
        }
        settings = resolve(raw)
        deliver = outbox_deliverer(settings, url)

        engine = make_engine(url)
        today = dt.date.today()
        with make_session_factory(engine)() as db:
            for by in (None, "thematique", "quartier", "organisation"):
                seconds, result = timed(lambda by=by: freshness.freshness_counts(db, today, by=by))
                label = "freshness_counts" + (f" par {by}" if by else "")
                detail = (
                    f"{result.share_confirmed:.0%} à jour sur {result.total}"
                    if by is None
                    else f"{len(result)} groupes"
                )
                rows.append((label, f"{seconds * 1000:.0f} ms", detail))
            seconds, stale = timed(
                lambda: db.scalar(
                    select(func.count()).select_from(freshness.stale_fiches_query(db, today).subquery())
                )
            )
            rows.append(
                ("stale_fiches_query (compte)", f"{seconds * 1000:.0f} ms", f"{stale} fiches à vérifier")
            )
        engine.dispose()

        # guide-remind: everything due, then delivered (by the worker's code when there is an outbox)
        out = io.StringIO()
        start_count = counter.count
        seconds, reminded = timed(lambda: remind.run(settings, out=out))
        expected = sum(
            len(line.split(" → ", 1)[1].split(" : ", 1)[0].split(", "))
            for line in out.getvalue().splitlines()
            if line.startswith("envoyé [")
        )
        delivered_in = wait_for(counter, start_count + expected, 120, deliver)
        received = counter.count - start_count
        ok = seconds <= 10
        failures += (not ok) + (received < expected)
        rows.append(
            (
                "guide-remind (commande)",
                f"{seconds:.1f} s",
                f"{reminded} structures, {expected} courriels — cible ≤ 10 s {'OK' if ok else 'MANQUÉE'}",
            )
        )
        rows.append(
            (
                "  puis livraison SMTP",
                f"{delivered_in:.1f} s",
                f"{received}/{expected} reçus ({'outbox : code du worker' if deliver else 'après commit'})",
            )
        )
        before = counter.count
        seconds, again = timed(lambda: remind.run(settings, out=io.StringIO()))
        failures += again != 0
        rows.append(("guide-remind (2e passage)", f"{seconds:.1f} s", f"{again} rappel (attendu : 0)"))
        time.sleep(0.5)
        failures += counter.count != before

        # a campaign to every organisation, through the site
        app = main({}, **raw)
        client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
        page = client.get("/connexion")
        form = page.forms["deform"]
        form["email"], form["password"] = "coord@bench.test", PASSWORD
        form.submit("login" if "login" in form.fields else None)
        page = client.get("/coordination/campagnes/nouvelle")
        form = page.forms["deform"]
        for name, fields in form.fields.items():
            for field in fields:
                if isinstance(field, webtest.forms.Radio) and "all" in [o[0] for o in field.options]:
                    form[name] = "all"
        form["title"] = "Bench : toutes les structures"
        form["message"] = "Merci de vérifier vos fiches."
        start_count = counter.count
        response = form.submit("preview")
        failures += response.status_int != 303
        campaign_page = response.follow()
        start = time.perf_counter()
        sent = campaign_page.forms["send-campaign"].submit()
        request_seconds = time.perf_counter() - start
        failures += sent.status_int != 303
        with make_session_factory(make_engine(url))() as db:
            expected_mails = sum(
                len(emails)
                for emails in db.scalars(
                    select(CampaignRecipient.emails)
                    .join(Campaign)
                    .where(Campaign.title == "Bench : toutes les structures")
                )
            )
        waited = wait_for(counter, start_count + expected_mails, 120, deliver)
        total = time.perf_counter() - start
        received = counter.count - start_count
        missing = max(0, expected_mails - received)
        failures += missing > 0
        ok = total <= 60
        failures += not ok
        rows.append(
            (
                "campagne à toutes les structures",
                f"{total:.1f} s",
                f"requête {request_seconds:.1f} s, {received}/{expected_mails} courriels reçus, "
                f"{missing} manquant(s) — cible ≤ 60 s {'OK' if ok else 'MANQUÉE'}",
            )
        )
        del waited
    controller.stop()
    width = max(len(r[0]) for r in rows)
    print(f"\n{'mesure'.ljust(width)} | durée    | détail")
    print(f"{'-' * width}-|----------|{'-' * 40}")
    for name, value, detail in rows:
        print(f"{name.ljust(width)} | {value.rjust(8)} | {detail}")
    print(f"\néchecs : {failures}")
    return failures


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--fiches", type=int, default=10000)
    args = parser.parse_args(argv)
    return 1 if run(args.organisations, args.fiches) else 0


if __name__ == "__main__":
    sys.exit(cli())
