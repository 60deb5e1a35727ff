"""Password guessing is slowed per (account, client) without locking the real user out: an attacker
failing for a victim does not stop the victim from logging in from their own client, X-Forwarded-For
does not choose the bucket, and ceilings per account and per client stop distributed guessing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import webtest

from guide.models import LoginAttempt, utcnow
from guide.services import accounts
from tests.factories import PASSWORD

VICTIM = "owner.a@test.fr"
IP_A, IP_B, IP_C = "203.0.113.10", "198.51.100.20", "192.0.2.30"


def _client(app: Any, ip: str) -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": ip})


def _try(client: webtest.TestApp, email: str, password: str, **headers: str) -> webtest.TestResponse:
    form = client.get("/connexion").forms["deform"]
    form["email"], form["password"] = email, password
    return form.submit("login", headers=headers or None, expect_errors=True)


def test_attacker_failing_for_the_victim_does_not_lock_the_victim_out(app, world):
    attacker = _client(app, IP_A)
    statuses = [_try(attacker, VICTIM, f"devine-{i}").status_int for i in range(30)]
    assert statuses[:5] == [200] * 5  # five wrong passwords are simply wrong
    assert set(statuses[5:]) == {429}  # then the attacker waits
    victim = _client(app, IP_B)
    response = _try(victim, VICTIM, PASSWORD)
    assert response.status_int == 303
    assert "Mon espace" in response.follow().text


def test_the_attacker_is_throttled_even_with_the_right_password(app, world):
    attacker = _client(app, IP_A)
    for i in range(5):
        _try(attacker, VICTIM, f"devine-{i}")
    page = _try(attacker, VICTIM, PASSWORD)
    assert page.status_int == 429
    assert "Trop de tentatives, réessayez dans 15 minutes" in page.text
    assert page.forms["deform"]["email"].value == VICTIM  # the form keeps what was typed


def test_delays_double_with_each_further_failure(app, world, db):
    attacker = _client(app, IP_A)
    for i in range(5):
        _try(attacker, VICTIM, f"devine-{i}")
    for expected in (15, 30, 60):
        assert f"réessayez dans {expected} minutes" in _try(attacker, VICTIM, "encore").text
        # the delay passes (the failures are aged), one more failure doubles the next delay
        for row in db.query(LoginAttempt).all():
            row.attempted_at -= dt.timedelta(minutes=expected)
        db.commit()
        assert _try(attacker, VICTIM, "encore raté").status_int == 200


def test_forwarded_for_does_not_choose_the_bucket(app, world):
    attacker = _client(app, IP_A)
    # the attacker claims to be the victim's address: the failures still count for IP A only
    for i in range(6):
        _try(attacker, VICTIM, f"devine-{i}", **{"X-Forwarded-For": IP_B})
    # and cannot escape the throttle by claiming a new address each time
    for i in range(3):
        page = _try(
            attacker, VICTIM, PASSWORD, **{"X-Forwarded-For": f"10.0.0.{i}", "Forwarded": f"for=10.1.0.{i}"}
        )
        assert page.status_int == 429
    assert _try(_client(app, IP_B), VICTIM, PASSWORD).status_int == 303


def test_success_clears_only_this_clients_failures(app, world):
    attacker, victim = _client(app, IP_A), _client(app, IP_B)
    for i in range(5):
        _try(attacker, VICTIM, f"devine-{i}")
    for i in range(4):
        _try(victim, VICTIM, f"faute de frappe {i}")
    assert _try(victim, VICTIM, PASSWORD).status_int == 303
    assert _try(attacker, VICTIM, PASSWORD).status_int == 429


def _failures(db: Any, email: str, ips: list[str]) -> None:
    moment = utcnow()
    db.add_all(
        LoginAttempt(email=accounts.attempt_key(email), ip=ip, attempted_at=moment - dt.timedelta(seconds=i))
        for i, ip in enumerate(ips)
    )
    db.commit()


def test_distributed_guessing_hits_the_account_ceiling(app, world, db):
    # 100 failures in the last hour, one from each of 100 addresses
    _failures(db, VICTIM, [f"10.20.{i // 250}.{i % 250}" for i in range(100)])
    page = _try(_client(app, IP_C), VICTIM, PASSWORD)
    assert page.status_int == 429
    assert "Trop de tentatives" in page.text
    # the ceiling is per account: the others log in
    assert _try(_client(app, IP_C), "owner.b@test.fr", PASSWORD).status_int == 303


def test_one_client_trying_many_accounts_hits_the_client_ceiling(app, world, db):
    db.add_all(
        LoginAttempt(email=accounts.attempt_key(f"cible{i}@test.fr"), ip=IP_A, attempted_at=utcnow())
        for i in range(50)
    )
    db.commit()
    assert _try(_client(app, IP_A), "owner.b@test.fr", PASSWORD).status_int == 429
    assert _try(_client(app, IP_B), "owner.b@test.fr", PASSWORD).status_int == 303


def test_failed_logins_do_not_keep_the_typed_address(app, world, db):
    _try(_client(app, IP_A), "Mon.Mot.De.Passe@test.fr", "x")
    stored = [row.email for row in db.query(LoginAttempt).all()]
    assert stored and all("@" not in email for email in stored)
