"""The language prefix middleware and the Accept-Language negotiation (guide.i18n), without a database."""

from __future__ import annotations

from typing import Any

import pytest

from guide import i18n


def _seen(path: str, script_name: str = "") -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return [b""]

    i18n.LanguagePrefixMiddleware(app)({"PATH_INFO": path, "SCRIPT_NAME": script_name}, lambda *a: None)
    return seen


@pytest.mark.parametrize(
    ("path", "script", "rest", "locale"),
    [
        ("/en/fiche/3-aide", "/en", "/fiche/3-aide", "en"),
        ("/ar/", "/ar", "/", "ar"),
        ("/prs", "/prs", "/", "fa_AF"),
        ("/uk/recherche", "/uk", "/recherche", "uk"),
        ("/es/api/v1/search", "/es", "/api/v1/search", "es"),
    ],
)
def test_a_language_segment_moves_into_script_name(path: str, script: str, rest: str, locale: str) -> None:
    environ = _seen(path)
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (script, rest)
    assert environ[i18n.LOCALE_KEY] == locale and environ[i18n.PREFIX_KEY] == script


@pytest.mark.parametrize("path", ["/", "/fiche/3", "/english/", "/EN/fiche", "/enx", "", "/static/guide.css"])
def test_other_paths_are_left_alone(path: str) -> None:
    environ = _seen(path, "/guide")
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/guide", path)
    assert i18n.LOCALE_KEY not in environ


def test_the_prefix_follows_a_site_mounted_under_a_path() -> None:
    environ = _seen("/en/fiche/3", "/guide")
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/guide/en", "/fiche/3")


def test_french_prefix_is_recorded_for_a_redirect() -> None:
    environ = _seen("/fr/fiche/3")
    assert environ[i18n.PREFIX_KEY] == "/fr" and environ["PATH_INFO"] == "/fiche/3"


def test_the_middleware_gives_the_router_attributes() -> None:
    class Router:
        registry = "the registry"

        def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
            return []

    assert i18n.wrap(Router()).registry == "the registry"


@pytest.mark.parametrize(
    ("header", "segment"),
    [
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", None),
        ("de-DE,ar;q=0.7,en;q=0.5", "ar"),
        ("prs", "prs"),
        ("fa-AF,fa;q=0.9", "prs"),
        ("fa", "prs"),
        ("uk-UA", "uk"),
        ("es-419,es;q=0.9", "es"),
        ("en;q=0.2, es;q=0.8", "es"),
        ("en;q=0", None),
        ("de-DE", None),
        ("*", None),
        ("", None),
        (None, None),
        (";;;,,,q=", None),
        ("en," * 2000, None),  # too long: ignored, not parsed
    ],
)
def test_accept_language(header: str | None, segment: str | None) -> None:
    language = i18n.from_accept_language(header)
    if segment is None:
        assert language is None or language is i18n.FRENCH
    else:
        assert language is not None and language.segment == segment


@pytest.mark.parametrize(
    ("page", "safe"),
    [
        ("/fiche/3?q=aide", "/fiche/3?q=aide"),
        ("/", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/a\nb", "/"),
        ("", "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_the_switcher_returns_only_to_a_page_of_the_site(page: str, safe: str) -> None:
    assert i18n._safe_page(page) == safe


def test_languages_say_their_own_name_and_direction() -> None:
    names = {language.code: (language.name, language.dir) for language in i18n.LANGUAGES}
    assert names == {
        "fr": ("Français", "ltr"),
        "en": ("English", "ltr"),
        "ar": ("العربية", "rtl"),
        "uk": ("Українська", "ltr"),
        "prs": ("دری", "rtl"),
        "es": ("Español", "ltr"),
    }
    assert i18n.BY_CODE["prs"].babel.language == "fa"  # Babel knows Dari as fa_AF
