"""guide-housekeeping: the cron line's chores, each logged, idempotent, failing loudly."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

from sqlalchemy import func, select

from guide.db import make_engine, make_session_factory
from guide.models import AccountToken, ErrorReport, Fiche, LoginAttempt, TokenPurpose, User
from guide.models.report import UsedReportStamp
from guide.scripts import housekeeping
from guide.scripts.migrate import upgrade
from tests import factories


def _instance(tmp_path, smtp_server, **extra):
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    upgrade(url)
    lines = [
        "[app:main]",
        "use = egg:guide-du-territoire",
        f"database_url = {url}",
        f"var_dir = {tmp_path}",
        "mail.backend = smtp",
        "mail.host = 127.0.0.1",
        f"mail.port = {smtp_server[0].port}",
        "site_url = https://guide.example.fr",
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    ini = tmp_path / "site.ini"
    ini.write_text("\n".join(lines) + "\n")
    engine = make_engine(url)
    return str(ini), make_session_factory(engine), engine


def _count(factory, model):
    with factory() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_a_pending_report_digest_is_mailed_once(tmp_path, smtp_server, mailbox, caplog):
    ini, factory, engine = _instance(tmp_path, smtp_server)
    with factory() as db:
        factories.build_world(db)
        fiche = db.scalars(select(Fiche)).first()
        db.add(ErrorReport(fiche=fiche, message="Le numéro a changé", contact=""))
        coordinator = db.scalars(select(User).where(User.email == "coord@test.fr")).one()
        db.commit()
    caplog.set_level(logging.INFO, logger="guide.housekeeping")
    assert housekeeping.main([ini]) == 0
    mail = mailbox.wait_for(coordinator.email)
    assert "Le numéro a changé" in mailbox.body(mail)
    assert "https://guide.example.fr/coordination/signalements" in mailbox.body(mail)
    sent = len(mailbox.messages)
    assert "signalements en attente : " in caplog.text
    # the second run of the same period finds nothing to send
    assert housekeeping.main([ini]) == 0
    assert len(mailbox.messages) == sent
    with factory() as db:
        assert db.scalar(select(ErrorReport.notified_at)) is not None
    engine.dispose()


def test_expired_rows_and_stale_files_are_purged_and_recent_ones_kept(tmp_path, smtp_server, mailbox):
    ini, factory, engine = _instance(tmp_path, smtp_server)
    now = dt.datetime.now(dt.UTC)
    with factory() as db:
        user = factories.user(db, "a@test.fr")
        db.add_all(
            [
                UsedReportStamp(stamp_hash="a" * 64, expires_at=now - dt.timedelta(hours=1)),
                UsedReportStamp(stamp_hash="b" * 64, expires_at=now + dt.timedelta(hours=1)),
                LoginAttempt(email="x", ip="1", kind="login", attempted_at=now - dt.timedelta(days=2)),
                LoginAttempt(email="x", ip="1", kind="login", attempted_at=now),
                *(
                    AccountToken(
                        token_hash=str(days) * 64,
                        purpose=TokenPurpose.RESET,
                        user=user,
                        expires_at=now - dt.timedelta(days=days),
                    )
                    for days in (1, 40)
                ),
            ]
        )
        db.commit()
    stale = tmp_path / "uploads" / "tmp" / "abandoned"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    old = time.time() - 3 * 24 * 3600
    os.utime(stale, (old, old))
    fresh = stale.with_name("fresh")
    fresh.write_bytes(b"y")
    for _ in range(2):  # idempotent: the second run removes nothing more
        assert housekeeping.main([ini]) == 0
        assert _count(factory, UsedReportStamp) == 1
        assert _count(factory, LoginAttempt) == 1
        assert _count(factory, AccountToken) == 1
        assert not stale.exists() and fresh.exists()
    assert mailbox.messages == []  # no report: no digest
    engine.dispose()


def test_a_failing_step_is_logged_the_others_run_and_the_exit_code_says_so(
    tmp_path, smtp_server, mailbox, monkeypatch, caplog
):
    ini, _factory, engine = _instance(tmp_path, smtp_server)
    stale = tmp_path / "uploads" / "tmp" / "abandoned"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    old = time.time() - 3 * 24 * 3600
    os.utime(stale, (old, old))

    def broken(_db, *args, **kwargs):
        raise RuntimeError("serveur de courriel en panne")

    monkeypatch.setattr(housekeeping, "send_report_digest", broken)
    caplog.set_level(logging.INFO, logger="guide.housekeeping")
    assert housekeeping.main([ini]) == 1
    assert "signalements en attente : échec" in caplog.text
    assert "serveur de courriel en panne" in caplog.text
    assert not stale.exists()  # the next steps ran
    engine.dispose()
