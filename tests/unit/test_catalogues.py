"""The translation catalogues of the public guide (issue 12): every ``guide/locale/<lang>/LC_MESSAGES/*.po``
parses, compiles, has no fuzzy entry, keeps its placeholders, fills every plural form of its language, and the
guide's own catalogue translates (almost) every entry of ``guide.pot`` — so a wave of new strings that lands
untranslated fails here rather than showing French to an Arabic reader.
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pyramid.i18n import Localizer, TranslationString

LOCALE_DIR = Path(__file__).resolve().parents[2] / "guide" / "locale"
POT = LOCALE_DIR / "guide.pot"
LANGUAGES = ("en", "ar", "uk", "fa_AF", "es")
PLURAL_FORMS = {"en": 2, "ar": 6, "uk": 3, "fa_AF": 1, "es": 2}
MIN_TRANSLATED = 0.98

# %(name)s / %(n)d (Python and Jinja's {% trans %}), a bare %s, {name} (str.format), ${name} (Pyramid)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdirf]|%[sdif]|\$\{\w+\}|(?<![{$])\{\w*\}(?!\})")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> set[str]:
    """The placeholders of ``text`` (``%%`` is a literal percent sign, not a placeholder)."""
    return {match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", ""))}


def formats(text: str, names: set[str]) -> bool:
    """``text % values`` works, as Jinja's ``|format`` and ``{% trans %}`` do it."""
    named = {name[2:].split(")")[0]: 1 for name in names if name.startswith("%(")}
    try:
        text % (named or tuple(1 for name in names if name.startswith("%")))
    except (TypeError, ValueError, KeyError):
        return False
    return True


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def forms(message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def ids(message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def translated(message) -> bool:
    return "fuzzy" not in message.flags and all(forms(message))


def problems(catalog: Catalog) -> list[str]:
    """What is wrong with a catalogue, one line per entry: fuzzy, placeholders changed, a missing plural form,
    HTML that the French text does not have."""
    found = []
    if catalog.fuzzy:
        found.append("the header is marked fuzzy")
    for message in catalog:
        if not message.id:
            continue
        label = repr(ids(message)[0][:60])
        if "fuzzy" in message.flags:
            found.append(f"{label}: fuzzy")
        if not any(forms(message)):
            continue  # untranslated: counted by the coverage test
        if message.pluralizable and len(forms(message)) != catalog.num_plurals:
            found.append(
                f"{label}: {len(forms(message))} plural forms, the language has {catalog.num_plurals}"
            )
        if message.pluralizable and not all(forms(message)):
            found.append(f"{label}: an empty plural form")
        expected = set().union(*(placeholders(text) for text in ids(message)))
        for index, text in enumerate(forms(message)):
            got = placeholders(text)
            # a plural form may leave out the number (Arabic's « one » and « two » forms say it in words)
            if got != expected and not (message.pluralizable and got < expected):
                found.append(f"{label}[{index}]: placeholders {sorted(got)} instead of {sorted(expected)}")
            if TAG.search(text) and not any(TAG.search(source) for source in ids(message)):
                found.append(f"{label}[{index}]: HTML in the translation")
            # Babel flags « 200 % dans » as python-format too: only a msgid that formats is %-formatted
            python_format = "python-format" in message.flags and formats(ids(message)[0], expected)
            if python_format and not formats(text, expected):
                found.append(f"{label}[{index}]: « % » formatting fails (a lone % must be written %%)")
    # Babel's checks, as ``pybabel compile`` runs them (plural forms, %-placeholders), less its false alarm
    for message, errors in catalog.check():
        false_alarm = "python-format" in message.flags and not formats(
            ids(message)[0], placeholders(ids(message)[0])
        )
        if errors and not false_alarm:
            found.append(f"{ids(message)[0][:60]!r}: {'; '.join(str(error) for error in errors)}")
    return found


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


@pytest.fixture(scope="module")
def template() -> Catalog:
    return read(POT)


def test_every_language_of_the_public_guide_has_its_catalogue():
    from guide import i18n

    offered = {language.locale for language in i18n.LANGUAGES} - {i18n.FRENCH.locale}
    assert offered == set(LANGUAGES)
    for language in offered:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "guide.po").is_file(), language


@pytest.mark.parametrize("path", catalogues(), ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_catalogue_parses_compiles_and_is_clean(path):
    locale = path.parent.parent.name
    catalog = read(path, locale)
    assert catalog.locale == Locale.parse(locale)
    if locale in PLURAL_FORMS:
        assert catalog.num_plurals == PLURAL_FORMS[locale]
    assert problems(catalog) == []
    # compiles, and gettext reads the compiled file back
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    translations = gettext.GNUTranslations(compiled)
    for message in catalog:
        if message.id and isinstance(message.id, str) and translated(message):
            assert translations.gettext(message.id) == message.string


@pytest.mark.parametrize("language", LANGUAGES)
def test_almost_every_entry_of_the_template_is_translated(template, language):
    catalog = read(LOCALE_DIR / language / "LC_MESSAGES" / "guide.po", language)
    wanted = [message.id for message in template if message.id]
    missing = [key for key in wanted if catalog.get(key) is None or not translated(catalog.get(key))]
    share = 1 - len(missing) / len(wanted)
    assert share >= MIN_TRANSLATED, (
        f"{language}: {len(wanted) - len(missing)}/{len(wanted)} translated; "
        f"pybabel update -i guide/locale/guide.pot -d guide/locale -D guide, then translate: {missing[:5]}"
    )


def test_a_translated_page_string_reaches_the_reader_with_its_values(template):
    """Through Pyramid's localizer, as a view or template asks: the translation, its ${name}s filled."""
    for language in LANGUAGES:
        catalog = read(LOCALE_DIR / language / "LC_MESSAGES" / "guide.po", language)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        localizer = Localizer(language, gettext.GNUTranslations(compiled))
        message = catalog.get("Trouver un service près de chez vous")
        assert message is not None and message.string
        assert (
            localizer.translate(TranslationString("Trouver un service près de chez vous")) == message.string
        )
        assert localizer.translate(TranslationString("Trouver un service près de chez vous")) != (
            "Trouver un service près de chez vous"
        )


# --- the checks themselves catch what they are for ---------------------------------------------------------


def make(locale: str, *entries) -> Catalog:
    catalog = Catalog(locale=locale, fuzzy=False)
    for msgid, msgstr, *flags in entries:
        catalog.add(msgid, msgstr, flags=flags)
    return catalog


def test_a_lost_or_renamed_placeholder_is_reported():
    catalog = make(
        "en",
        ("%(n)s fiches", "%(count)s listings"),
        ("Bonjour ${name}", "Hello"),
        ("{total} résultats", "{total} results"),
        ("Ouvert maintenant", "Open now"),
    )
    found = problems(catalog)
    assert "'%(n)s fiches'[0]: placeholders ['%(count)s'] instead of ['%(n)s']" in found
    assert "'Bonjour ${name}'[0]: placeholders [] instead of ['${name}']" in found
    assert not [line for line in found if "total" in line or "Ouvert" in line]


def test_a_fuzzy_entry_html_and_missing_plural_forms_are_reported():
    catalog = make(
        "ar",
        ("Ouvert maintenant", "مفتوح الآن", "fuzzy"),
        ("Aide", "<b>مساعدة</b>"),
        ("%(rate)s %% des critères", "%(rate)s % من المعايير", "python-format"),
    )
    catalog.add(("%(n)s fiche", "%(n)s fiches"), ("%(n)s بطاقة", "%(n)s بطاقات"))
    found = problems(catalog)
    assert any("fuzzy" in line for line in found)
    assert any("HTML" in line for line in found)
    assert any("2 plural forms, the language has 6" in line for line in found)
    assert any("formatting fails" in line for line in found)


def test_placeholders_are_read_as_gettext_and_pyramid_write_them():
    assert placeholders("%(n)s sur %(total)d, 100 %% gratuit") == {"%(n)s", "%(total)d"}
    assert placeholders("${name} — {count} — %s") == {"${name}", "{count}", "%s"}
    assert placeholders("Aucun {{ modèle }} ici") == set()


def test_form_messages_of_colander_and_deform_are_translated_where_they_ship_no_catalogue(tmp_path):
    """colander and deform ship no Arabic, Ukrainian or Dari catalogue: ours (in guide/locale, a translation
    directory of the app) gives a public form's « Required » and deform's error banner in those languages."""
    from pyramid.i18n import make_localizer

    for po in catalogues():
        target = tmp_path / po.relative_to(LOCALE_DIR).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as compiled:
            write_mo(compiled, read(po, po.parent.parent.name))
    expected = {"ar": "هذا الحقل مطلوب", "uk": "Обов'язкове поле", "fa_AF": "این فیلد الزامی است"}
    for language, required in expected.items():
        localizer = make_localizer(language, [str(tmp_path)])
        assert localizer.translate(TranslationString("Required", domain="colander")) == required
        banner = localizer.translate(
            TranslationString("There was a problem with your submission", domain="deform")
        )
        assert banner and banner != "There was a problem with your submission"
        maximum = TranslationString(
            "Longer than maximum length ${max}", domain="colander", mapping={"max": 200}
        )
        assert "200" in localizer.translate(maximum) and "${max}" not in localizer.translate(maximum)
