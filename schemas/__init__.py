"""Colander schemas and deform widgets for every form and every import row."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

import chameleon.template
import deform
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

TEMPLATE_OVERRIDES = str(Path(__file__).resolve().parent.parent / "templates" / "deform")


def _translator(term: Any) -> Any:
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


_COOK_LOCK = threading.RLock()


def _serialize_template_compilation() -> None:
    """Compile deform's Chameleon templates one at a time.

    Chameleon turns a template into Python AST objects and compiles them. On CPython before 3.11.8
    (gh-106905) two threads doing that at once can fail with « SystemError: AST constructor recursion
    depth mismatch »: under load, the first renders of a form answered 500. Compilation happens once
    per template and process, so a lock costs nothing afterwards.
    """
    cook = chameleon.template.BaseTemplate.cook
    if getattr(cook, "_guide_serialized", False):
        return

    @functools.wraps(cook)
    def serialized_cook(self: Any, body: str) -> None:
        with _COOK_LOCK:
            cook(self, body)

    serialized_cook._guide_serialized = True  # type: ignore[attr-defined]
    chameleon.template.BaseTemplate.cook = serialized_cook  # type: ignore[method-assign]


def configure_renderer() -> None:
    """deform renders with our template overrides first, and in French."""
    _serialize_template_compilation()
    deform.Form.set_zpt_renderer([TEMPLATE_OVERRIDES, "deform:templates"], translator=_translator)


def includeme(config: Any) -> None:
    configure_renderer()
    config.add_static_view("static-deform", "deform:static", cache_max_age=3600)
