"""The print templates rendered to HTML: ONE Jinja2 environment, built once from the loader it is given.

The core does not know where the templates live (they belong to the ``templates`` room): the web app's views
hand the loader in at start-up (:func:`configure`, called by ``views.includeme`` with
``templates.print_loader()``); a process without the views (``guide-edition``, tests and benchmarks calling
this package directly) takes the loader the project advertises in its metadata, the entry point
``guide.print_templates`` of ``setup.cfg`` (``default = templates:print_loader``), the first time it renders.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import jinja2

from ..formatting import date_fr, format_phone, paragraphs, tel_uri, upper_first
from .document import PrintDocument, hours_text

AUTHOR = "Ville de Clermont-Ferrand"
PUBLISHER = "Ville de Clermont-Ferrand"
STATIC_PRINT = Path(__file__).resolve().parent.parent / "static" / "print"
# The entry point group naming the function that returns the print templates' loader.
LOADER_ENTRY_POINT = "guide.print_templates"

_lock = threading.Lock()
_environment: jinja2.Environment | None = None


def _build(loader: jinja2.BaseLoader) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        date_fr=date_fr,
        phone=format_phone,
        tel_uri=tel_uri,
        hours_fr=hours_text,
        paragraphs=paragraphs,
        upper_first=upper_first,
    )
    env.globals.update(
        AUTHOR=AUTHOR,
        PUBLISHER=PUBLISHER,
        # French by default; given ``_``/``ngettext`` (the resident's selection) a template speaks another
        _=_french,
        ngettext=_french_plural,
        lang_tag="fr",
        lang_dir="ltr",
        date_locale="fr_FR",
    )
    return env


def _french(message: str) -> str:
    return message


def _french_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def configure(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """Render the print templates from ``loader`` from now on (one environment: templates compiled once)."""
    global _environment
    with _lock:
        _environment = _build(loader)
        return _environment


def installed_loader() -> jinja2.BaseLoader:
    """The loader advertised under the entry point group ``guide.print_templates`` (see the docstring)."""
    found = entry_points(group=LOADER_ENTRY_POINT)
    if not found:
        raise RuntimeError(
            f"no print templates: nothing called guide.print.configure() and no {LOADER_ENTRY_POINT!r} "
            "entry point is installed (pip install -e .)"
        )
    return next(iter(found)).load()()


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the print templates (built from the installed loader when none was given)."""
    env = _environment
    if env is None:
        env = configure(installed_loader())
    return env


def template_sources() -> Iterator[tuple[str, str]]:
    """Every print template's name and source (what the PDF cache key hashes)."""
    env = environment()
    assert env.loader is not None
    for name in sorted(env.loader.list_templates()):
        yield name, env.loader.get_source(env, name)[0]


def stylesheet_files(*names: str) -> list[str]:
    return [(STATIC_PRINT / name).as_uri() for name in names]


def render_html(template: str, stylesheets: Sequence[str], screen: bool = False, **context: Any) -> str:
    """Render a print template. ``stylesheets`` are URLs (file: URIs for WeasyPrint, static paths for a
    browser); ``screen`` adds what a browser needs around the sheets (tool bar, sheet shadows)."""
    return (
        environment().get_template(template).render(stylesheets=list(stylesheets), screen=screen, **context)
    )


def render_edition_html(document: PrintDocument, stylesheets: Sequence[str] | None = None, **kw: Any) -> str:
    return render_html(
        "edition.jinja2",
        stylesheets if stylesheets is not None else stylesheet_files("edition.css"),
        doc=document,
        **kw,
    )
