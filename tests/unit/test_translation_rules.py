"""Fiche translations without a database: « à revoir », what the public reads, the form, search hits."""

from __future__ import annotations

import datetime as dt

import colander
import pytest

from guide.models import Fiche, FicheTranslation, FicheVersion, State, TranslationState
from guide.services import translations
from schemas.translations import translation_schema
from search_index.results import Hit

NOW = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)


def _fiche(*versions: dict[str, str]) -> Fiche:
    fiche = Fiche(state=State.PUBLISHED)
    for number, text in enumerate(versions, start=1):
        fields = {"nom": "", "resume": "", "conditions_precisions": "", **text}
        fiche.versions.append(FicheVersion(number=number, **fields))
    fiche.current_version = fiche.published_version = fiche.versions[-1]
    fiche.published_version_id = number  # is_public reads the id
    return fiche


def _reviewed(fiche: Fiche, based_on: int, code: str = "en") -> FicheTranslation:
    translation = FicheTranslation(
        language=code,
        nom="Legal advice",
        resume="",
        conditions="",
        state=TranslationState.PUBLISHED,
        published_nom="Legal advice",
        published_resume="Free.",
        published_conditions="",
        published_based_on=based_on,
        based_on_version=based_on,
        reviewed_at=NOW,
    )
    fiche.translations.append(translation)
    return translation


def test_a_change_of_the_translated_french_text_makes_it_outdated():
    fiche = _fiche(
        {"nom": "Conseil juridique", "resume": "Gratuit."}, {"nom": "Conseil juridique", "resume": "Payant."}
    )
    assert translations.is_outdated(fiche, _reviewed(fiche, based_on=1))
    assert translations.public(fiche, "en").outdated


def test_a_change_elsewhere_in_the_fiche_does_not():
    fiche = _fiche(
        {"nom": "Conseil juridique", "horaires": "Mo 09:00-12:00"},
        {"nom": "Conseil juridique", "horaires": "Tu 09:00-12:00"},
    )
    assert not translations.is_outdated(fiche, _reviewed(fiche, based_on=1))


def test_a_translation_of_the_published_version_is_not_outdated():
    fiche = _fiche({"nom": "Conseil juridique"})
    assert not translations.is_outdated(fiche, _reviewed(fiche, based_on=1))


def test_the_public_reads_only_the_reviewed_text_of_its_language():
    fiche = _fiche({"nom": "Conseil juridique"})
    translation = _reviewed(fiche, based_on=1)
    translation.nom = "Unreviewed draft"
    translation.state = TranslationState.DRAFT
    public = translations.public(fiche, "en")
    assert public.nom == "Legal advice" and public.language.direction == "ltr"
    assert translations.public(fiche, "fr") is None and translations.public(fiche, "ar") is None
    assert translations.public(fiche, None) is None and translations.public(fiche, "../en") is None
    assert translations.public_texts(fiche) == {
        "en": {"nom": "Legal advice", "resume": "Free.", "conditions": ""}
    }
    # never reviewed: nothing public
    fresh = FicheTranslation(language="uk", nom="Консультація", state=TranslationState.SUBMITTED)
    fiche.translations.append(fresh)
    assert translations.public(fiche, "uk") is None and "uk" not in translations.public_texts(fiche)
    # an archived fiche shows nothing at all
    fiche.state = State.ARCHIVED
    assert translations.public(fiche, "en") is None


def test_right_to_left_languages():
    assert {code for code, lang in translations.LANGUAGES.items() if lang.direction == "rtl"} == {
        "ar",
        "fa_AF",
    }
    assert translations.LANGUAGES["fa_AF"].tag == "fa-AF"


def test_the_form_types_in_the_language_s_direction_and_explains_errors_in_french():
    schema = translation_schema(translations.LANGUAGES["ar"])
    assert (
        schema["nom"].widget.attributes["dir"] == "rtl" and schema["resume"].widget.attributes["lang"] == "ar"
    )
    assert schema.deserialize({"nom": "  مكتب  ", "resume": "", "conditions": ""})["nom"] == "مكتب"
    with pytest.raises(colander.Invalid) as error:
        schema.deserialize({"nom": "", "resume": "x" * 281, "conditions": "\x07"})
    messages = error.value.asdict()
    assert messages["nom"] == "Ce champ est obligatoire."
    assert "280 caractères au plus" in messages["resume"]
    assert "caractères invalides" in messages["conditions"]


def test_save_refuses_an_unknown_language_and_an_empty_title():
    fiche = _fiche({"nom": "Conseil juridique"})
    with pytest.raises(translations.TranslationError, match="langue"):
        translations.save(None, fiche, "de", {"nom": "Rechtsberatung"}, None)  # type: ignore[arg-type]
    with pytest.raises(translations.TranslationError, match="titre traduit est obligatoire"):
        translations.save(None, fiche, "en", {"nom": "   "}, None)  # type: ignore[arg-type]
    with pytest.raises(translations.TranslationError, match="150 caractères"):
        translations.save(None, fiche, "en", {"nom": "x" * 151}, None)  # type: ignore[arg-type]


def _hit() -> Hit:
    from guide import hours

    return Hit(
        fiche_id=1, uid="guide--1", nom="Conseil juridique", resume="Gratuit.", structure="CIDFF",
        quartier="", url="/fiche/1", horaires="", fermetures=[], status=hours.status("", []), today="",
        distance_km=None, latitude=None, longitude=None,
        translations={"en": {"nom": "Legal advice", "resume": "Free."}},
    )  # fmt: skip


def test_a_search_hit_in_the_visitor_s_language():
    hit = _hit()
    english = hit.in_language("en")
    assert (english.nom, english.resume, english.language) == ("Legal advice", "Free.", "en")
    assert hit.nom == "Conseil juridique"  # the cached hit is left as it was
    assert hit.in_language("ar") is hit and hit.in_language(None) is hit
