"""Guide du territoire: the application factory."""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator

from . import settings as settings_module


def make_config(global_config: dict[str, Any] | None = None, **settings: Any) -> Configurator:
    merged = dict(global_config or {})
    merged.update(settings)
    effective = settings_module.resolve(merged)
    config = Configurator(settings=effective, locale_negotiator=lambda request: "fr")
    config.include("guide.core")  # database session, security, workflow check, mail, static files
    config.include("guide.hours")  # opening hours computed in the zone of the timezone setting
    config.include("schemas")  # deform renderer with French translations
    config.include("search_index")  # search index kept in step after each commit
    config.include("views")  # routes and pages: public guide, partner space, coordination
    return config


def main(global_config: dict[str, Any] | None = None, **settings: Any) -> Any:
    """The WSGI application, as named by ``development.ini`` (``use = egg:guide-du-territoire``)."""
    config = make_config(global_config, **settings)
    return config.make_wsgi_app()
