"""The core's ``includeme``: everything the other rooms rely on."""

from __future__ import annotations

from typing import Any

from . import workflow


def includeme(config: Any) -> None:
    workflow.check()  # refuse to start with an inconsistent workflow
    config.include(".db")  # request.dbsession: one request, one transaction
    config.include(".security")  # sessions, CSRF, security policy, request.user
    config.include(".mail")  # request.mailer: SMTP or files in var/mail/, sent after commit
    config.add_static_view("static", "guide:static", cache_max_age=3600)
    config.add_translation_dirs("colander:locale/", "deform:locale/")
