"""A request id on every response and in the log lines written while the request is served."""

from __future__ import annotations

import json
import logging
import re

from guide import settings
from guide.logging import JsonFormatter, TextFormatter, current_request_id

ID = re.compile(r"[0-9a-f]{32}")


def test_every_response_carries_a_new_request_id(testapp):
    first = testapp.get("/").headers["X-Request-Id"]
    second = testapp.get("/sante").headers["X-Request-Id"]
    refused = testapp.get("/", headers={"Host": "ailleurs.example"}, expect_errors=True)
    assert refused.status_int == 400
    assert ID.fullmatch(first) and ID.fullmatch(second) and first != second
    assert ID.fullmatch(refused.headers["X-Request-Id"])
    assert current_request_id() == "-"  # nothing left behind once the request is over


def test_the_log_lines_of_a_request_carry_its_id(testapp, caplog):
    caplog.set_level(logging.DEBUG, logger="guide.requests")
    response = testapp.get("/recherche?q=aide")
    request_id = response.headers["X-Request-Id"]
    lines = [r for r in caplog.records if r.name == "guide.requests"]
    assert lines and all(r.request_id == request_id for r in lines)
    assert "GET /recherche 200" in lines[-1].getMessage()
    # a line written outside any request says so
    logging.getLogger("guide").warning("hors requête")
    assert caplog.records[-1].request_id == "-"


def test_the_id_of_a_client_is_not_believed_unless_the_proxy_is_trusted(testapp, app, monkeypatch):
    sent = "from-the-client-1234"
    assert testapp.get("/", headers={"X-Request-Id": sent}).headers["X-Request-Id"] != sent
    typed = settings.parse({**app.registry.settings, "request_id.trusted": "true"})
    monkeypatch.setitem(app.registry, settings.REGISTRY_KEY, typed)
    assert testapp.get("/", headers={"X-Request-Id": sent}).headers["X-Request-Id"] == sent
    # even from a trusted proxy, what could forge log lines is replaced
    forged = testapp.get("/", headers={"X-Request-Id": "x\r\nfaux"}, expect_errors=True)
    assert ID.fullmatch(forged.headers["X-Request-Id"])


def test_json_and_text_formatters_include_the_request_id():
    record = logging.LogRecord("guide.views", logging.ERROR, __file__, 1, "échec %s", ("x",), None)
    record.request_id = "abc"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["logger"] == "guide.views"
    assert line["message"] == "échec x" and line["request_id"] == "abc"
    bare = logging.LogRecord("waitress", logging.INFO, __file__, 1, "serving", (), None)
    assert TextFormatter("[%(request_id)s] %(message)s").format(bare) == "[-] serving"
