"""Page templates (Jinja2), read by the views through pyramid_jinja2 (``templates:``), and the printed guide's
templates in ``print/``, handed to the core by :func:`print_loader`."""

from __future__ import annotations

import jinja2


def print_loader() -> jinja2.BaseLoader:
    """The loader of the print templates (``templates/print/``), for :func:`guide.print.configure`."""
    return jinja2.PackageLoader("templates", "print")
