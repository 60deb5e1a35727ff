"""Languages of the public guide: the URL says the language (« /en/fiche/12-… »), French has no prefix.

* :class:`LanguagePrefixMiddleware` (wrapped around the WSGI app by ``guide.main``) moves a leading
  language segment of the path into ``SCRIPT_NAME`` and records the locale in the environ: every
  ``route_url``/``route_path``/``static_path`` of that request then carries the prefix by itself (the host
  tween of :mod:`guide.tweens` keeps it when it rewrites ``SCRIPT_NAME`` from ``site_url``).
* :func:`locale_negotiator` answers the prefix's locale; the partner space and coordination stay French.
* :func:`language_tween_factory`: a first visit without a prefix to a public page (GET/HEAD) is sent to the
  visitor's language (remembered choice first — the ``guide_langue`` cookie set by the switcher — then
  ``Accept-Language``, negotiated by Babel), with ``Vary: Accept-Language``; a prefixed URL to the partner
  space or coordination is sent to the French one.
* ``/langue/{code}`` (:func:`switch_language`) is the switcher's link: it remembers the choice in a cookie
  (``SameSite=Lax``, no account needed) and goes back to the same page in that language.
* ``request.language`` (the :class:`Language`), ``request.language_links`` (the switcher and the
  ``hreflang`` alternates) and ``request.translate`` are for templates and views.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from babel import Locale, negotiate_locale
from pyramid.events import NewRequest
from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.i18n import TranslationStringFactory
from pyramid.interfaces import IRoutesMapper

from .hours import language as hours_language

DOMAIN = "guide"
_ = TranslationStringFactory(DOMAIN)
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

LOCALE_KEY = "guide.locale"  # environ: the Babel locale the URL's prefix names
PREFIX_KEY = "guide.language_prefix"  # environ: the prefix moved into SCRIPT_NAME (« /en »)
COOKIE = "guide_langue"  # the switcher's remembered choice: a URL segment (« fr », « en »…)
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_ACCEPT_LANGUAGE = 1000  # characters: a longer header is ignored rather than parsed
MAX_PAGE = 2000  # characters of the page a switcher link returns to


@dataclass(frozen=True)
class Language:
    segment: str  # in the URL: « en », « prs » (Dari); "" for French
    locale: str  # Babel's and the catalogues' name: « en », « fa_AF »
    tag: str  # BCP 47, for lang= and hreflang=
    name: str  # its own name, as its readers write it
    rtl: bool = False

    @property
    def dir(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def prefix(self) -> str:
        return f"/{self.segment}" if self.segment else ""

    @property
    def code(self) -> str:
        """The switcher's code (cookie, ``/langue/{code}``): the segment, « fr » for French."""
        return self.segment or "fr"

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.locale)


FRENCH = Language("", "fr", "fr", "Français")
LANGUAGES: tuple[Language, ...] = (
    FRENCH,
    Language("en", "en", "en", "English"),
    Language("ar", "ar", "ar", "العربية", rtl=True),
    Language("uk", "uk", "uk", "Українська"),
    Language("prs", "fa_AF", "fa-AF", "دری", rtl=True),
    Language("es", "es", "es", "Español"),
)
BY_SEGMENT = {language.segment: language for language in LANGUAGES if language.segment}
BY_CODE = {language.code: language for language in LANGUAGES}
BY_LOCALE = {language.locale: language for language in LANGUAGES}
# Accept-Language tags (lower case) → language; Dari is also asked for as « fa », « fa-AF » or « prs »
_ACCEPTED = {language.tag.lower(): language for language in LANGUAGES}
_ACCEPTED.update({"fa": BY_SEGMENT["prs"], "prs": BY_SEGMENT["prs"], "fa-af": BY_SEGMENT["prs"]})

# Public HTML pages: translated, reached in the visitor's language on a first visit. Other modules add
# theirs with ``config.add_public_pages("agenda", …)``.
PUBLIC_PAGES = frozenset(
    {
        "home",
        "fiche",
        "fiche_report",
        "organisation",
        "quartier",
        "search",
        "opendata",
        "api_doc",
        "public_freshness",
        "selection",
        "selection_print",
        "selection_shared",
    }
)
REGISTRY_KEY = "guide.i18n.public_pages"
# Paths that stay in French (the partner space, coordination, accounts): a prefixed URL goes to the French one
FRENCH_ONLY = (
    "/espace",
    "/coordination",
    "/admin",
    "/connexion",
    "/deconnexion",
    "/mot-de-passe",
    "/invitation",
    "/mise-a-jour",
    "/reseau",
)


def is_french_only(path: str) -> bool:
    return any(path == root or path.startswith(root + "/") for root in FRENCH_ONLY)


# --- the URL prefix -------------------------------------------------------------------------------


class LanguagePrefixMiddleware:
    """WSGI: « /en/fiche/3 » → SCRIPT_NAME += « /en », PATH_INFO « /fiche/3 », locale « en » in the
    environ. « /fr/… » is recorded too (French has no prefix: the tween sends it to the unprefixed URL)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:  # ``registry`` and the router's other attributes
        return getattr(self.app, name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO") or ""
        if path.startswith("/"):
            segment, slash, rest = path[1:].partition("/")
            language = FRENCH if segment == "fr" else BY_SEGMENT.get(segment)
            if language is not None:
                prefix = "/" + segment
                environ["SCRIPT_NAME"] = (environ.get("SCRIPT_NAME") or "") + prefix
                environ["PATH_INFO"] = "/" + rest if slash else "/"
                environ[LOCALE_KEY] = language.locale
                environ[PREFIX_KEY] = prefix
        return self.app(environ, start_response)


def wrap(app: Any) -> Any:
    return LanguagePrefixMiddleware(app)


# --- which language ----------------------------------------------------------------------------------


def from_accept_language(header: str | None) -> Language | None:
    """The visitor's preferred language among the guide's, from an ``Accept-Language`` header (parsed by
    WebOb, matched by Babel: « en-GB » is English, « fa-AF » or « prs » Dari); None when none fits."""
    if not header or len(header) > MAX_ACCEPT_LANGUAGE:
        return None
    from webob.acceptparse import create_accept_language_header

    parsed = getattr(create_accept_language_header(header), "parsed", None) or []
    ranked = [tag for tag, quality in sorted(parsed, key=lambda pair: -pair[1]) if quality > 0 and tag != "*"]
    found = negotiate_locale(ranked, list(_ACCEPTED), sep="-")
    return _ACCEPTED.get(found.lower()) if found else None


def requested_language(request: Any) -> Language:
    """The language the URL names (French without a prefix)."""
    return BY_LOCALE.get(request.environ.get(LOCALE_KEY, ""), FRENCH)


def locale_negotiator(request: Any) -> str:
    """The URL's language; French for the partner space and coordination (whatever the URL)."""
    if is_french_only(request.environ.get("PATH_INFO") or ""):
        return FRENCH.locale
    return requested_language(request).locale


def language(request: Any) -> Language:
    return BY_LOCALE.get(request.locale_name, FRENCH)


def _public_pages(registry: Any) -> frozenset[str]:
    return registry.get(REGISTRY_KEY, PUBLIC_PAGES)


def is_public_page(request: Any) -> bool:
    route = getattr(request, "matched_route", None)
    return route is not None and route.name in _public_pages(request.registry)


def language_switchable(request: Any) -> bool:
    """Whether this page offers the language switcher: not in the partner space nor coordination."""
    return not is_french_only(request.environ.get("PATH_INFO") or "")


def current_page(request: Any) -> str:
    """This page's path and query string without the language prefix, percent-encoded (never raises)."""
    raw = request.environ.get("PATH_INFO") or "/"
    try:
        path = quote(raw.encode("latin-1"), safe="/:@!$&'()*+,;=-._~%")
    except UnicodeEncodeError:
        path = "/"
    query = request.environ.get("QUERY_STRING") or ""
    return path + (f"?{query}" if query else "")


def site_base(request: Any) -> str:
    """The site's absolute address without the language prefix (``site_url``, as the host tween set it)."""
    base = request.application_url
    prefix = request.environ.get(PREFIX_KEY, "")
    return base[: -len(prefix)] if prefix and base.endswith(prefix) else base


def url_in(request: Any, target: Language, page: str | None = None) -> str:
    """This page (or ``page``, unprefixed) in ``target``'s language, absolute from ``site_url``."""
    return site_base(request) + target.prefix + (page if page is not None else current_page(request))


@dataclass(frozen=True)
class LanguageLink:
    language: Language
    href: str  # the switcher's link (remembers the choice)
    alternate: str  # the page in that language (hreflang alternates)
    current: bool


def language_links(request: Any) -> list[LanguageLink]:
    page = current_page(request)
    here = language(request)
    return [
        LanguageLink(
            target,
            request.route_path("language", code=target.code, _query={"page": page}),
            url_in(request, target, page),
            target == here,
        )
        for target in LANGUAGES
    ]


def translate(request: Any, message: Any, mapping: dict[str, Any] | None = None) -> str:
    """``message`` (a TranslationString or plain text) in the request's language, ``${name}``s filled; a
    French message that carries its catalogue entry (``.translation``, e.g. a search error) says that."""
    message = getattr(message, "translation", message)
    return request.localizer.translate(message, domain=DOMAIN, mapping=mapping)


def ngettext(singular: str, plural: str, n: int, request: Any, **mapping: Any) -> str:
    """The plural form of the request's language (``${count}`` is ``n``); named so that ``make messages``
    extracts both forms (Babel's default ``ngettext`` keyword)."""
    return request.localizer.pluralize(singular, plural, n, domain=DOMAIN, mapping={"count": n, **mapping})


# --- the switcher and the first visit --------------------------------------------------------------


def _safe_page(page: str) -> str:
    """A page of this site (« /fiche/3?x=1 »), or « / » for anything else (another site, a scheme…)."""
    if not page.startswith("/") or page.startswith("//") or "\\" in page or len(page) > MAX_PAGE:
        return "/"
    if any(ord(c) < 32 or c.isspace() for c in page):
        return "/"
    return page


def switch_language(request: Any) -> Any:
    """``/langue/{code}?page=/fiche/3``: remember the choice and show the page in that language."""
    target = BY_CODE.get(request.matchdict.get("code", ""))
    page = _safe_page(request.GET.get("page", "/") if isinstance(request.GET.get("page"), str) else "/")
    if target is None:
        target = language(request)
    response = HTTPSeeOther(location=url_in(request, target, page))
    response.set_cookie(
        COOKIE,
        target.code,
        max_age=COOKIE_MAX_AGE,
        path=urlsplit(site_base(request)).path or "/",
        samesite="Lax",
        httponly=True,
        secure=request.scheme == "https",
    )
    return response


def tell_hours_in_language(event: Any) -> None:
    """NewRequest: « Ouvert maintenant », weekdays and times of this request in its language
    (:mod:`guide.hours.language`), back to French when the request is over."""
    request = event.request
    locale = locale_negotiator(request)
    token = hours_language.use(
        locale,
        lambda message: request.localizer.translate(message),
        lambda singular, plural, n, mapping: request.localizer.pluralize(
            singular, plural, n, domain=DOMAIN, mapping=mapping
        ),
    )
    request.add_finished_callback(lambda _request: hours_language.reset(token))


def _add_vary(response: Any, *names: str) -> None:
    response.vary = tuple(dict.fromkeys([*(response.vary or ()), *names]))


def language_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """First visit of a public page without a prefix → the visitor's language; a prefixed partner-space
    URL → the French one. Only GET and HEAD: a form is never redirected."""
    mapper = registry.queryUtility(IRoutesMapper)

    def tween(request: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return handler(request)
        environ = request.environ
        prefix = environ.get(PREFIX_KEY)
        path = environ.get("PATH_INFO") or "/"
        if prefix and (prefix == "/fr" or is_french_only(path)):
            return HTTPFound(location=url_in(request, FRENCH))
        if prefix:
            return handler(request)
        info = mapper(request) if mapper is not None else {}
        route = info.get("route")
        if route is None or route.name not in _public_pages(registry):
            return handler(request)
        wanted = BY_CODE.get(request.cookies.get(COOKIE, ""))
        if wanted is None:
            wanted = from_accept_language(request.headers.get("Accept-Language"))
        if wanted is not None and wanted is not FRENCH:
            response = HTTPFound(location=url_in(request, wanted))
        else:
            response = handler(request)
        _add_vary(response, "Accept-Language", "Cookie")
        return response

    return tween


# --- catalogues ----------------------------------------------------------------------------------------


def compile_catalogues(folder: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` of ``folder`` into its ``.mo`` (when missing or older);
    the compiled files are build artefacts, not kept in git (``make catalogues`` runs it)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}.partial")  # two test workers may compile at once
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)
        written.append(mo)
    return written


def compile_main(argv: Iterable[str] | None = None) -> None:
    for mo in compile_catalogues():
        print(mo)


# --- extraction -----------------------------------------------------------------------------------------


def extract_chameleon(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterable[Any]:
    """Babel extractor (``babel.cfg``) for the deform templates we override (``templates/deform/*.pt``): the
    text of each element marked ``i18n:translate=""`` whose ``i18n:domain`` is the guide's, its white space
    collapsed as Chameleon does; dynamic texts (``${…}``) are not message ids. Hand-written because Babel has
    no Chameleon extractor and lingua (which has one) is a whole second extraction tool."""
    from html.parser import HTMLParser

    found: list[tuple[int, str, str, list[str]]] = []

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[tuple[str, str, bool]] = []  # (tag, domain, collecting)
            self.text: list[str] = []
            self.line = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = dict(attrs)
            domain = values.get("i18n:domain") or (self.stack[-1][1] if self.stack else "")
            collecting = "i18n:translate" in values and not values.get("i18n:translate")
            if collecting:
                self.text, self.line = [], self.getpos()[0]
            self.stack.append((tag, domain or "", collecting))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            pass

        def handle_data(self, data: str) -> None:
            if any(collecting for _tag, _domain, collecting in self.stack):
                self.text.append(data)

        def handle_endtag(self, tag: str) -> None:
            while self.stack:
                name, domain, collecting = self.stack.pop()
                if collecting:
                    message = " ".join("".join(self.text).split())
                    if message and "${" not in message and domain == DOMAIN:
                        found.append((self.line, "_", message, []))
                if name == tag:
                    break

    parser = Parser()
    parser.feed(fileobj.read().decode(options.get("encoding", "utf-8")))
    parser.close()
    return found


# --- configuration -------------------------------------------------------------------------------------


def add_public_pages(config: Any, *names: str) -> None:
    """Mark more routes as public pages (translated, reached in the visitor's language on a first visit)."""
    registry = config.registry
    registry[REGISTRY_KEY] = frozenset(registry.get(REGISTRY_KEY, PUBLIC_PAGES)) | frozenset(names)


def includeme(config: Any) -> None:
    config.registry[REGISTRY_KEY] = PUBLIC_PAGES
    config.add_directive("add_public_pages", add_public_pages)
    # the guide's catalogues after colander's and deform's (guide.core): ours win where both translate
    config.add_translation_dirs("guide:locale/")
    config.add_tween("guide.i18n.language_tween_factory", under="guide.tweens.nul_byte_tween_factory")
    config.add_subscriber(tell_hours_in_language, NewRequest)
    config.add_route("language", "/langue/{code}")
    config.add_view(switch_language, route_name="language", request_method=("GET", "HEAD"))
    config.add_request_method(language, "language", reify=True)
    config.add_request_method(language_links, "language_links", reify=True)
    config.add_request_method(is_public_page, "is_public_page", reify=True)
    config.add_request_method(language_switchable, "language_switchable", reify=True)
    config.add_request_method(translate, "translate")
