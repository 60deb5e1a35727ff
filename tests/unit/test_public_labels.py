"""Public labels in plain words (issue 12): every code has one, in everyday words; the coordination's
French wording wins in French only; what a coordinator may write."""

from __future__ import annotations

import pytest

from guide.services import public_labels
from guide.services.public_labels import DEFAULTS, VOCABULARIES, LabelError, PublicLabels, clean

JARGON = (
    "qpv",
    "frr",
    "minima",
    "bénéficiaire",
    "situation",
    "inconditionnel",
    "orientation d",
    "spécifique",
)


@pytest.mark.parametrize("kind", list(VOCABULARIES))
def test_every_code_has_a_plain_default(kind):
    assert set(DEFAULTS[kind]) == set(VOCABULARIES[kind])
    for code, label in DEFAULTS[kind].items():
        text = str(label)
        assert text and len(text) <= 60, code
        assert not any(word in text.lower() for word in JARGON), (code, text)
        assert label.domain == "guide"  # marked for the catalogues: every language gets its own


def test_the_jargon_of_the_public_filter_is_gone():
    labels = public_labels.load(None)
    assert labels.public("residents-qpv-frr") == "Habitants des quartiers prioritaires"
    assert (
        labels.public("beneficiaires-des-minimas-sociaux")
        == "Personnes qui touchent le RSA ou une autre aide"
    )
    assert labels.condition("sur-orientation") == "Il faut être envoyé par un professionnel"
    assert labels.publics(["jeunes", "code-inconnu"]) == ["Jeunes", "code-inconnu"]
    assert labels.frais(None) == "" and labels.type("") == ""


def test_the_coordinations_wording_is_french_only():
    overrides = {("public", "seniors"): "Retraités"}
    french = PublicLabels(overrides, str)
    assert french.public("seniors") == "Retraités"
    assert french.public("jeunes") == "Jeunes"
    english = public_labels.load(None, translate=lambda message: f"EN:{message}", french=False)
    assert english.public("seniors") == "EN:Personnes âgées"  # the translated default, never the override


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Écrivez le libellé"),
        ("   ", "Écrivez le libellé"),
        ("x" * 300, "120 caractères au plus"),
        ("<b>Jeunes</b>", "sans balise"),
        ("Jeunes {{ 7*7 }}", "sans balise"),
        ("Jeunes\x00", "sans balise"),
    ],
)
def test_bad_labels_are_refused_in_french(text, message):
    with pytest.raises(LabelError) as error:
        clean(text)
    assert message in error.value.message


def test_a_label_is_folded_to_one_line():
    assert clean("  Personnes   âgées\n ") == "Personnes âgées"
