"""Guide du territoire: the application factory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyramid.config import Configurator

# Pyramid and the languages are imported by the factories below, not by ``import guide``: every console
# script imports this package, and most of them never build the web app (their start-up time).


def make_config(global_config: dict[str, Any] | None = None, **settings: Any) -> Configurator:
    from pyramid.config import Configurator

    from . import i18n
    from . import settings as settings_module

    merged = dict(global_config or {})
    merged.update(settings)
    effective = settings_module.resolve(merged)
    config = Configurator(settings=effective, locale_negotiator=i18n.locale_negotiator)
    # typed once; a setting that does not parse stops the start-up (guide.settings.settings_of reads it)
    config.registry[settings_module.REGISTRY_KEY] = settings_module.parse(effective)
    # Every include the application makes, in order. Tweens are placed by their own under/over constraints
    # (outermost first: security headers, Host filter, malformed requests, NUL bytes, then pyramid_tm).
    config.include("guide.workflow")  # refuse to start with an inconsistent workflow
    config.include("guide.request")  # request.GET: only « & » separates a query's parameters (not « ; »)
    config.include("guide.logging")  # a request id on every response and in every log line (outermost tween)
    config.include("guide.tweens")  # request filters: foreign Host, malformed or oversized request, NUL bytes
    config.include("guide.headers")  # CSP, nosniff, Referrer- and Permissions-Policy on every response
    config.include("guide.compression")  # gzip for text responses (waitress does not compress)
    config.include("guide.db")  # request.dbsession: one request, one transaction (pyramid_tm, pyramid_retry)
    config.include("guide.security")  # sessions, CSRF, security policy, request.user
    config.include("guide.caching")  # no cookie for anonymous visitors; Cache-Control/ETag on every response
    config.include("guide.ratelimit")  # request.ratelimiter: one limiter for anonymous-triggered work
    config.include("guide.tasks")  # the task queue in the database, run by guide-worker (or at once: tests)
    config.include("guide.mail")  # request.mailer: an outbox row in the transaction, sent by the worker
    config.include("guide.maps")  # Leaflet served from the site (no CDN), request.leaflet_path()
    config.include("guide.core")  # static files, logos (shared storage), colander/deform translations
    config.include("guide.i18n")  # languages: the guide's catalogues, first visit's language, the switcher
    config.include("guide.offline")  # versioned static URLs (immutable), pages the service worker may keep
    config.include("guide.hours")  # opening hours computed in the zone of the timezone setting
    config.include("guide.print.worker")  # registry["pdf_service"]: fiche PDFs cached, queued, rendered
    config.include("schemas")  # deform renderer with French translations
    config.include("search_index")  # search index kept in step after each commit
    config.include("views")  # routes and pages: public guide, partner space, coordination
    return config


def main(global_config: dict[str, Any] | None = None, **settings: Any) -> Any:
    """The WSGI application, as named by ``development.ini`` (``use = egg:guide-du-territoire``)."""
    from . import i18n

    config = make_config(global_config, **settings)
    return i18n.wrap(config.make_wsgi_app())  # « /en/… »: the language prefix moved into SCRIPT_NAME
