"""The application's request: Pyramid's, with the query string read as browsers, caches and the URL standard
read it — only « & » separates its parameters.

WebOb 1.8 (its latest release) also splits on « ; » (``webob.compat.parse_qsl_text``), as Python's own
parser did until CVE-2021-23336 (« web cache poisoning »): a cache in front of the site that keys on
``?q=aide;q=autre`` as one parameter, or drops one it ignores, while the application reads two, can be made
to serve one visitor's answer to others. It also let ``?thematique=a;thematique=b;…`` carry thousands of
values past the field limit (``guide.tweens`` counts the fields the standard way). The URL standard gives
« ; » no meaning in a query (url.spec.whatwg.org, application/x-www-form-urlencoded), nor do
``urllib.parse`` since Python 3.10 and WebOb's own reading of a form body (``request.POST``).

Hand-written because WebOb has no setting for it: ``GET`` is WebOb's property with the separator changed,
same cache in the environ, same ``GetDict`` (which keeps ``QUERY_STRING`` in step when a view changes it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from pyramid.request import Request
from webob.multidict import GetDict

_PARSED = "webob._parsed_query_vars"  # WebOb's cache key, so that BaseRequest's other readers share it


def query_pairs(query_string: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a WSGI ``QUERY_STRING`` (its bytes as latin-1 text): « & » separates,
    « + » is a space, blank values are kept; text and escapes are UTF-8 (an undecodable one raises
    UnicodeDecodeError, as in WebOb; ``guide.tweens`` answers such a request with a 400 first)."""
    text = query_string.encode("latin-1").decode("utf-8")
    return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", separator="&")


class GuideRequest(Request):
    @property
    def GET(self) -> GetDict:  # WebOb's name
        environ = self.environ
        source = environ.get("QUERY_STRING", "")
        cached = environ.get(_PARSED)
        if cached is not None and cached[1] == source:
            return cached[0]
        values = GetDict(query_pairs(source) if source else [], environ)
        environ[_PARSED] = (values, source)
        return values


def includeme(config: Any) -> None:
    config.set_request_factory(GuideRequest)
