"""Outgoing mail: SMTP in production and tests, ``.eml`` files in ``var/mail/`` for local use.

Mails are sent only when the request's transaction commits: a failed request sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from .settings import Settings, coerce, settings_of

log = logging.getLogger(__name__)


class Mailer:
    def __init__(self, settings: Settings | Mapping[str, Any]) -> None:
        typed = coerce(settings)
        self.backend = typed.mail_backend
        self.host = typed.mail_host
        self.port = typed.mail_port
        self.sender = typed.mail_sender
        self.starttls = typed.mail_starttls
        self.username = typed.mail_username
        self.password = typed.mail_password
        self.folder = Path(typed.var_dir) / "mail"

    def build(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="guide.localhost")
        message.set_content(body)
        return message

    def deliver(self, message: EmailMessage) -> None:
        if self.backend == "smtp":
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("@", "_")
            (self.folder / f"{name}.eml").write_bytes(bytes(message))
            log.info("mail to %s written to %s", message["To"], self.folder)

    def send_after_commit(self, transaction_manager: Any, to: str, subject: str, body: str) -> None:
        message = self.build(to, subject, body)

        def hook(success: bool) -> None:
            if not success:
                return
            try:
                self.deliver(message)
            except (OSError, smtplib.SMTPException):
                log.exception("could not send mail to %s", to)

        transaction_manager.get().addAfterCommitHook(hook)


def includeme(config: Any) -> None:
    mailer = Mailer(settings_of(config.registry))
    config.registry["mailer"] = mailer
    config.add_request_method(lambda request: request.registry["mailer"], "mailer", reify=True)
