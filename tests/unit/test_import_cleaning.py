"""The importer's pure parts: quartier names compared tolerantly, Markdown as text, lenient rows."""

from __future__ import annotations

import pytest
from data_inclusion.schema.v1 import Service

from guide.services.importer import Record, RowError, quartier_key
from guide.services.importer.cleaning import lenient_validate, plain_text


@pytest.mark.parametrize(
    "written",
    [
        "La Croix-de-Neyrat",
        "Croix de Neyrat",
        "CROIX-DE-NEYRAT",
        "la croix  de neyrat",
        "Quartier de la Croix de Neyrat",
    ],
)
def test_spellings_of_one_quartier_have_one_key(written: str) -> None:
    assert quartier_key(written) == "croix de neyrat"


def test_saint_abbreviated_and_a_lone_article_kept() -> None:
    assert quartier_key("St-Jacques") == quartier_key("Saint Jacques") == "saint jacques"
    assert quartier_key("Les") == "les"  # a name that is only an article stays a name


@pytest.mark.parametrize(
    ("formatted", "text"),
    [
        ("**Accueil** de jour.<br>Sur rendez-vous<!-- interne -->.", "Accueil de jour.\n\nSur rendez-vous."),
        ("Aides :\n- alimentaire\n- vestimentaire", "Aides :\n- alimentaire\n- vestimentaire"),
        (
            "Voir [le site](https://ex.fr) &amp; <script>alert(1)</script>la suite",
            "Voir le site (https://ex.fr) & la suite",
        ),
        ("Un texte simple, 3 * 4 = 12 et a_b_c.", "Un texte simple, 3 * 4 = 12 et a_b_c."),
    ],
)
def test_markdown_and_html_become_plain_text(formatted: str, text: str) -> None:
    assert plain_text(formatted) == text


def _service(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "source": "dora",
        "id": "s1",
        "structure_id": "st1",
        "nom": "Atelier",
        "description": "Un atelier pour tous.",
        "date_maj": "2024-05-02",
    }
    row.update(changes)
    return row


def test_a_lenient_row_keeps_what_is_usable_and_says_what_it_dropped() -> None:
    warnings: list[tuple[str, str]] = []
    row = _service(
        nom="EI",
        description=".",
        date_maj="1970-01-01",
        publics=[],
        thematiques=["numerique--acceder-a-une-connexion-internet", "inventee"],
    )
    parsed, overrides = lenient_validate(
        Service, Record("services.json", 1, row), lambda f, m: warnings.append((f, m))
    )
    parsed = parsed.model_copy(update=overrides)
    assert parsed.nom == "EI" and parsed.description == "" and parsed.date_maj is None
    assert parsed.publics is None
    assert [t.value for t in parsed.thematiques] == ["numerique--acceder-a-une-connexion-internet"]
    assert {field for field, _message in warnings} == {"description", "date_maj", "thematiques"}


def test_a_row_without_structure_cannot_be_made_usable() -> None:
    with pytest.raises(RowError, match="service sans structure"):
        lenient_validate(Service, Record("services.json", 1, _service(structure_id=None)), lambda f, m: None)
