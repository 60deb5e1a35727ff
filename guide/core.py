"""The core's own files: static files, the folder of uploaded logos, the translations of the form libraries.

Everything else the core offers (request session, security, mail…) is included one by one by the app
factory, ``guide.make_config``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .settings import settings_of


def includeme(config: Any) -> None:
    config.add_static_view("static", "guide:static", cache_max_age=3600)
    # uploaded logos, re-encoded on upload (guide.services.uploads)
    logos = Path(settings_of(config.registry).var_dir) / "uploads" / "logos"
    logos.mkdir(parents=True, exist_ok=True)
    config.add_static_view("media/logos", str(logos), cache_max_age=86400)
    config.add_translation_dirs("colander:locale/", "deform:locale/")
