"""The « En mots simples » readability hint (guide.services.readability): FALC rules a partner sees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guide.services.readability import MAX_WORDS, analyse

GOOD = (
    "Vous avez des questions sur vos droits ? Un avocat vous écoute. "
    "C'est gratuit. Vous pouvez venir sans rendez-vous le mardi. "
    "Vous pouvez aussi appeler le 04 73 00 00 00."
)


def advice(text: str) -> list[str]:
    return [a.interpolate() for a in analyse(text).advice]


def test_a_good_falc_text_passes() -> None:
    report = analyse(GOOD)
    assert report.ok, advice(GOOD)
    assert report.sentences == 5
    assert report.longest <= MAX_WORDS
    assert report.rare_words == ()


def test_a_long_sentence_is_flagged_with_its_length() -> None:
    text = (
        "La permanence est ouverte à toutes les personnes qui habitent dans le quartier et qui veulent "
        "poser une question sur leur logement ou leur travail. Vous pouvez venir."
    )
    report = analyse(text)
    assert report.longest == 25
    assert len(report.long_sentences) == 1
    assert report.long_sentences[0].startswith("La permanence est ouverte")
    assert any("25 mots" in a and "15 mots au plus" in a for a in advice(text))


def test_rare_words_are_flagged_but_not_everyday_words_nor_proper_names() -> None:
    text = "Vous êtes allocataire. Vérifiez votre éligibilité. Le centre social est à Clermont-Ferrand."
    report = analyse(text)
    assert report.rare_words == ("allocataire", "éligibilité")
    assert not {"clermont-ferrand", "social", "centre"} & set(report.rare_words)
    assert any("Mots peu courants : allocataire, éligibilité" in a for a in advice(text))


def test_a_conjugated_everyday_verb_is_not_rare() -> None:
    # « habitez », « séparez » are rare as such, « habiter », « séparer » are not
    assert analyse("Vous habitez ici ? Vous vous séparez ? Nous rencontrons les familles.").rare_words == ()


def test_an_acronym_needs_its_meaning_and_the_lexicon_suggests_it() -> None:
    text = "Vous pouvez demander une aide à la CAF."
    report = analyse(text)
    assert report.acronyms == ("CAF",)
    assert any("caisse d'allocations familiales (CAF)" in a for a in advice(text))
    explained = "Vous pouvez demander une aide à la CAF (caisse d'allocations familiales)."
    assert analyse(explained).acronyms == ()


def test_abbreviations_and_numbers_in_letters_are_flagged() -> None:
    text = "Prenez rdv avec Mme Durand. Il y a trois ateliers, etc."
    report = analyse(text)
    assert {"rdv", "mme", "etc"} <= set(report.abbreviations)
    assert report.number_words == ("trois",)


def test_a_text_that_does_not_speak_to_the_reader_gets_the_vous_advice() -> None:
    assert any(
        "Vous pouvez venir" in a for a in advice("Le centre accueille les familles. Le café est offert.")
    )


def test_empty_text_has_no_advice_and_is_not_ok() -> None:
    for text in ("", "   ", "... !!", "\n\n"):
        report = analyse(text)
        assert report.words == 0 and not report.ok and report.advice == ()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=800))
def test_any_input_gives_a_report(text: str) -> None:
    report = analyse(text)
    assert report.longest <= report.words
    assert len(report.rare_words) <= 8
    assert all(len(w) <= 30 for w in report.rare_words)
    report.as_dict()
