"""The OpenAPI 3.1 document of /api/v1/: valid (openapi-spec-validator), and true of the real application
(schemathesis fuzzes every operation in-process, on the demo guide: no 500, every answer as documented)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

EXAMPLES = 15  # per operation and mode: 4 operations x 2 modes x 15 = 120 requests at most


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


def test_schemathesis_finds_no_error_and_no_undocumented_answer(app, demo_guide):
    """Both generation modes on one loaded schema (loading it is a good part of the work)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    every_operation = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in every_operation} >= {"GET /fiches", "GET /fiches/{id}", "GET /search"}
    # the fuzzer's requests are one client: its count is forgotten before each of them (the limits are
    # tested in test_api.py), on the app every test shares rather than one built with limits of its own
    limiter = app.registry["ratelimiter"]
    seen: set[int] = set()
    called: dict[str, int] = {}

    def check(case):
        limiter.reset()
        # schemathesis' WSGI client does not decode gzip (the compression tween's own tests cover it)
        response = case.call(headers={"Host": "localhost", "Accept-Encoding": "identity"})
        called[case.operation.label] = called.get(case.operation.label, 0) + 1
        seen.add(response.status_code)
        assert response.status_code < 500, (case.path, case.query, response.text[:300])
        # /search has parameters that go together (lat with lon, tri=distance with a position) and reads q
        # after folding its blanks: OpenAPI cannot say so. It must still never fail and answer as documented.
        search = case.operation.label == "GET /search"
        excluded = [positive_data_acceptance, negative_data_rejection] if search else []
        case.validate_response(response, excluded_checks=excluded)

    fuzz = settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        operations = every_operation
        if mode == GenerationMode.NEGATIVE:
            # a path parameter alone (/fiches/{id}) cannot be broken in a request schemathesis can send: it
            # finds no negative case for those (the strategy drawing among all operations never drew them)
            operations = [op for op in operations if any(p.location == "query" for p in op.iter_parameters())]
        seen.clear()
        called.clear()
        # each operation fuzzed on its own: every one gets its EXAMPLES cases (one strategy drawing among all
        # of them needed more cases in all for each to get as many)
        for operation in operations:
            fuzz(given(case=operation.as_strategy(generation_mode=mode))(check))()
        assert 200 in seen if mode == GenerationMode.POSITIVE else seen & {400, 404}, (mode, seen)
        assert set(called) == {op.label for op in operations}, (mode, called)  # each operation got its cases
        assert {"GET /fiches", "GET /search"} <= set(called), mode


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
