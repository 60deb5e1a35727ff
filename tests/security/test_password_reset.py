"""Password reset: rate-limited per account and per client (no mail bombing), and the answer is the same
— status, headers, body, and the work done in the request — whether the address has an account."""

from __future__ import annotations

import re
from typing import Any

import webtest

from guide import mail, tasks
from guide.mail import Mailer
from guide.models import AccountToken
from guide.models.storage import MailOutbox
from views.auth import wait_for_mail

VICTIM = "owner.a@test.fr"


def _client(app: Any, ip: str) -> webtest.TestApp:
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": ip})


def _ask(client: webtest.TestApp, email: str) -> webtest.TestResponse:
    form = client.get("/mot-de-passe-oublie").forms["deform"]
    form["email"] = email
    return form.submit("send", expect_errors=True)


def _mails_to(mailbox: Any, email: str) -> int:
    wait_for_mail()
    return len([m for m in mailbox.messages if email in m["To"]])


def test_25_requests_from_one_client_send_at_most_3_mails(testapp, world, mailbox):
    for _ in range(25):
        assert _ask(testapp, VICTIM).status_int in (303, 429)
    assert 1 <= _mails_to(mailbox, VICTIM) <= 3


def test_25_requests_from_25_clients_send_at_most_3_mails(app, world, mailbox):
    for i in range(25):
        _ask(_client(app, f"203.0.113.{i + 1}"), VICTIM)
    assert 1 <= _mails_to(mailbox, VICTIM) <= 3


def test_one_client_cannot_mail_every_account(app, world, mailbox):
    client = _client(app, "203.0.113.99")
    addresses = [
        "owner.a@test.fr",
        "owner.b@test.fr",
        "editor.a@test.fr",
        "editor.c@test.fr",
        "coord@test.fr",
    ]
    for email in addresses:
        _ask(client, email)
    wait_for_mail()
    assert len(mailbox.messages) <= 3


def test_over_the_limit_the_form_says_so_in_french(testapp, world, mailbox):
    for _ in range(3):
        assert _ask(testapp, VICTIM).status_int == 303
    page = _ask(testapp, VICTIM)
    assert page.status_int == 429
    assert "Trop de demandes" in page.text
    assert page.forms["deform"]["email"].value == VICTIM


def _comparable(response: webtest.TestResponse, typed: str = "") -> tuple[int, list[tuple[str, str]], str]:
    """Status, headers and body, less the dates, cookies, CSRF token and what the visitor typed."""
    skip = ("set-cookie", "date", "x-request-id")  # the request id differs on every response by design
    skip += ("content-length",) if typed else ()
    headers = sorted((k, v) for k, v in response.headerlist if k.lower() not in skip)
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
    return response.status_int, headers, body.replace(typed, "ADDRESS") if typed else body


def test_existing_and_unknown_addresses_get_the_same_answer(app, world, mailbox):
    known = _ask(_client(app, "203.0.113.1"), VICTIM)
    unknown = _ask(_client(app, "203.0.113.2"), "personne@test.fr")
    assert known.status_int == 303
    assert _comparable(known) == _comparable(unknown)
    known_page, unknown_page = known.follow(), unknown.follow()
    assert _comparable(known_page) == _comparable(unknown_page)
    assert "Si un compte existe pour cette adresse" in known_page.text
    assert _mails_to(mailbox, VICTIM) == 1
    assert _mails_to(mailbox, "personne@test.fr") == 0


def test_existing_and_unknown_addresses_get_the_same_answer_over_the_limit(app, world, mailbox):
    answers = {}
    for email in (VICTIM, "personne@test.fr"):
        for i in range(4):
            answers[email] = _ask(_client(app, f"198.51.100.{i + 1}"), email)
    assert answers[VICTIM].status_int == 429
    assert _comparable(answers[VICTIM], VICTIM) == _comparable(
        answers["personne@test.fr"], "personne@test.fr"
    )


def test_the_mail_is_sent_off_the_request(app, world, mailbox, monkeypatch, session_factory, db):
    """The request does not talk to the mail server: its duration cannot tell the account exists. It writes
    the mail to the outbox and queues a task; guide-worker sends it."""
    delivered, queued = [], []
    deliver = Mailer.deliver

    def spy(self: Mailer, message: Any, smtp: Any = None) -> None:
        delivered.append(message["To"])
        deliver(self, message, smtp)

    monkeypatch.setattr(Mailer, "deliver", spy)
    monkeypatch.setattr(tasks, "submit", lambda task, *args, registry=None: queued.append(task.name))
    assert _ask(_client(app, "203.0.113.1"), VICTIM).status_int == 303
    assert delivered == [] and queued == ["deliver_mail"]
    assert (
        db.query(MailOutbox).filter(MailOutbox.recipient == VICTIM, MailOutbox.sent_at.is_(None)).count() == 1
    )
    assert mail.deliver_outbox(session_factory, app.registry.settings) == 1  # what guide-worker does
    assert delivered == [VICTIM] and _mails_to(mailbox, VICTIM) == 1


def test_unknown_address_stores_nothing(app, world, mailbox, db):
    before = db.query(AccountToken).count()
    _ask(_client(app, "203.0.113.1"), "personne@test.fr")
    assert db.query(AccountToken).count() == before
