"""The OpenAPI 3.1 document of /api/v1/: valid (openapi-spec-validator), and true of the real application
(schemathesis fuzzes every operation in-process, on the demo guide: no 500, every answer as documented)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

EXAMPLES = 25  # per operation and mode: 3 operations x 2 modes x 25 = 150 requests


@pytest.fixture
def app_settings(app_settings):
    # the fuzzer's few hundred requests are one client: the limits are tested in test_api.py
    return {**app_settings, "ratelimit.api": "100000/minute", "ratelimit.search": "100000/minute"}


def test_openapi_document_is_valid_openapi_3_1(testapp):
    document = testapp.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
    assert document["info"]["license"]["name"] == "Licence Ouverte / Open Licence version 2.0"
    assert {"/fiches", "/fiches/{id}", "/search", "/openapi.json"} <= set(document["paths"])


def test_readable_page_lists_every_operation(testapp):
    page = testapp.get("/api/v1/")
    for path in ("/fiches", "/fiches/{id}", "/search"):
        assert f"http://localhost/api/v1{path}" in page.text
    assert "updated_since" in page.text and "Licence Ouverte" in page.text
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_error_and_no_undocumented_answer(app, demo_guide, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /fiches", "GET /fiches/{id}", "GET /search"}
    strategy = st.one_of([op.as_strategy(generation_mode=mode) for op in operations])
    seen = set()

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES * len(operations),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        # schemathesis' WSGI client does not decode gzip (the compression tween's own tests cover it)
        response = case.call(headers={"Host": "localhost", "Accept-Encoding": "identity"})
        seen.add(response.status_code)
        assert response.status_code < 500, (case.path, case.query, response.text[:300])
        # /search has parameters that go together (lat with lon, tri=distance with a position) and reads q
        # after folding its blanks: OpenAPI cannot say so. It must still never fail and answer as documented.
        search = case.operation.label == "GET /search"
        excluded = [positive_data_acceptance, negative_data_rejection] if search else []
        case.validate_response(response, excluded_checks=excluded)

    fuzz()
    assert 200 in seen if mode == GenerationMode.POSITIVE else seen & {400, 404}


def test_an_api_answer_is_gzipped_when_asked_and_decodes_to_the_same_json(app, demo_guide):
    import gzip
    import json

    from webob import Request

    def raw(**headers):  # as a client receives it (WebTest would decode the gzip body)
        request = Request.blank("/api/v1/fiches", headers={"Host": "localhost", **headers})
        request.remote_addr = "127.0.0.1"
        return request.get_response(app)

    plain, packed = raw(**{"Accept-Encoding": "identity"}), raw(**{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.body)) == json.loads(plain.body)
    assert len(packed.body) < len(plain.body) / 2
