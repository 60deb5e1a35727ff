"""The core's ``includeme``: everything the other rooms rely on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pyramid.tweens import INGRESS

from . import workflow


def includeme(config: Any) -> None:
    workflow.check()  # refuse to start with an inconsistent workflow
    config.add_tween("guide.tweens.host_tween_factory", under=INGRESS)  # only site_url's Host; URLs from it
    config.add_tween(  # 400/413 for undecodable, oversized or overfull requests, before any view
        "guide.tweens.malformed_request_tween_factory", under="guide.tweens.host_tween_factory"
    )
    config.include(".headers")  # CSP, nosniff, Referrer- and Permissions-Policy on every response
    config.include(".db")  # request.dbsession: one request, one transaction
    config.include(".security")  # sessions, CSRF, security policy, request.user
    config.include(".caching")  # no cookie for anonymous visitors; Cache-Control/ETag on every response
    config.include(".ratelimit")  # request.ratelimiter: one limiter for anonymous-triggered work
    config.add_tween(  # refuse NUL bytes before any view
        "guide.tweens.nul_byte_tween_factory", under="guide.tweens.malformed_request_tween_factory"
    )
    config.include(".mail")  # request.mailer: SMTP or files in var/mail/, sent after commit
    config.include(".maps")  # Leaflet served from the site (no CDN), request.leaflet_path()
    config.add_static_view("static", "guide:static", cache_max_age=3600)
    # uploaded logos, re-encoded on upload (guide.services.uploads)
    logos = Path(config.get_settings()["var_dir"]) / "uploads" / "logos"
    logos.mkdir(parents=True, exist_ok=True)
    config.add_static_view("media/logos", str(logos), cache_max_age=86400)
    config.add_translation_dirs("colander:locale/", "deform:locale/")
