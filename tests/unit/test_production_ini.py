"""production.ini, the example the README gives the city's IT: every setting known and valid, waitress
accepts its server section, its logging configuration loads and prints the request id."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import plaster
import pytest
from waitress.adjustments import Adjustments

from guide import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["production.ini", "development.ini"])
def test_every_app_setting_is_known_and_parses(name):
    raw = dict(plaster.get_loader(str(ROOT / name), protocols=["wsgi"]).get_settings("app:main"))
    unknown = {
        key
        for key in raw
        if key not in settings.DEFAULTS and not key.startswith(("pyramid.", settings.RATE_LIMIT_PREFIX))
    } - {"use", "here", "__file__"}
    assert unknown == set()
    typed = settings.parse(raw)
    if name == "production.ini":
        assert typed.site_url.startswith("https://")
        assert typed.mail_backend == "smtp" and typed.mail_starttls and typed.mail_port == 587
        assert typed.database_url.startswith("postgresql+psycopg://")
        assert typed.request_id_trusted
        assert raw["pyramid.reload_templates"] == "false"


def test_waitress_accepts_the_server_section():
    raw = dict(
        plaster.get_loader(str(ROOT / "production.ini"), protocols=["wsgi"]).get_settings("server:main")
    )
    raw = {key: value for key, value in raw.items() if key not in ("use", "here", "__file__")}
    adjustments = Adjustments(**raw)
    assert adjustments.trusted_proxy == "127.0.0.1"
    assert adjustments.trusted_proxy_headers == {"x-forwarded-for", "x-forwarded-proto"}
    assert adjustments.clear_untrusted_proxy_headers


def test_its_logging_configuration_prints_the_request_id(tmp_path):
    # in a process of its own: fileConfig replaces the logging configuration of the whole process
    code = (
        "import logging, plaster, sys\n"
        "plaster.get_loader(sys.argv[1], protocols=['wsgi']).setup_logging()\n"
        "from guide.logging import request_id\n"
        "request_id.set('abc123')\n"
        "logging.getLogger('guide.views').warning('bonjour')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "production.ini")], capture_output=True, text=True, check=True
    )
    assert result.stderr == "WARNI [guide.views] [abc123] bonjour\n"
