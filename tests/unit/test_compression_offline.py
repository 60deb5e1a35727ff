"""Units of issue 12: the gzip rules, the static version, the accessibility statement's rate."""

from __future__ import annotations

import gzip

import pytest
from webob import Request, Response

from guide import compression
from guide.offline import compute_version
from guide.services import accessibility

TEXT = ("<p>Permanence juridique gratuite au centre social.</p>\n" * 100).encode()


def answer(body: bytes = TEXT, content_type: str = "text/html", **headers: str) -> tuple[Request, Response]:
    request = Request.blank("/", headers={"Accept-Encoding": "gzip", **headers})
    response = Response(body=body, content_type=content_type, charset="utf-8")
    return request, response


def test_text_is_gzipped_and_says_so():
    request, response = answer()
    compression.compress(request, response)
    assert response.content_encoding == "gzip"
    assert gzip.decompress(response.body) == TEXT
    assert response.content_length == len(response.body) < len(TEXT) / 5
    assert "Accept-Encoding" in response.vary


@pytest.mark.parametrize(
    ("body", "content_type", "headers", "method"),
    [
        (TEXT[:500], "text/html", {}, "GET"),  # too small to gain anything
        (b"\x89PNG" + TEXT, "image/png", {}, "GET"),  # compressed already
        (TEXT, "text/html", {"Accept-Encoding": "identity"}, "GET"),
        (TEXT, "text/html", {"Accept-Encoding": "gzip;q=0"}, "GET"),
        (TEXT, "text/html", {"Accept-Encoding": ""}, "GET"),
        (TEXT, "text/html", {"Range": "bytes=0-99"}, "GET"),
        (TEXT, "text/html", {}, "HEAD"),
        (b"x" * (compression.MAX_SIZE + 1), "text/plain", {}, "GET"),  # bounded CPU per request
    ],
)
def test_what_is_left_alone(body, content_type, headers, method):
    request, response = answer(body, content_type, **headers)
    request.method = method
    compression.compress(request, response)
    assert response.content_encoding is None
    assert response.body == body


def test_an_etag_names_the_compressed_variant():
    request, response = answer()
    response.etag = "abc"
    compression.compress(request, response)
    assert response.etag == "abc-gzip"


def test_static_version_follows_the_files(tmp_path):
    (tmp_path / "guide.css").write_text("body { color: black; }")
    first = compute_version(tmp_path)
    assert first == compute_version(tmp_path) and len(first) == 12
    (tmp_path / "guide.css").write_text("body { color: navy; }")
    assert compute_version(tmp_path) != first  # a deployment changes every static URL


def test_statement_rate_counts_applicable_criteria_only():
    percent, conforming, applicable = accessibility.conformity_rate()
    results = [c.result for c in accessibility.CRITERIA]
    assert applicable == len(results) - results.count(accessibility.NON_APPLICABLE)
    assert conforming == results.count(accessibility.CONFORME)
    assert percent == conforming * 100 // applicable
    assert 0 < percent < 100  # « partiellement conforme », as the page says
    numbers = [c.number for c in accessibility.CRITERIA]
    assert len(numbers) == len(set(numbers))
