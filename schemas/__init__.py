"""Colander schemas and deform widgets for every form and every import row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import deform
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

TEMPLATE_OVERRIDES = str(Path(__file__).resolve().parent.parent / "templates" / "deform")


def _translator(term: Any) -> Any:
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def configure_renderer() -> None:
    """deform renders with our template overrides first, and in French."""
    deform.Form.set_zpt_renderer([TEMPLATE_OVERRIDES, "deform:templates"], translator=_translator)


def includeme(config: Any) -> None:
    configure_renderer()
    config.add_static_view("static-deform", "deform:static", cache_max_age=3600)
