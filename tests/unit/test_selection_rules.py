"""The agents' selection rules: notes bounded to fit the session cookie, moves, sensitive fiches."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.services import selection


def test_a_note_is_one_clean_line():
    assert selection.clean_note("  RDV\r\nmardi\t14 h\u202e ") == "RDV mardi 14 h"
    assert selection.clean_note(None) == ""
    with pytest.raises(selection.SelectionError, match="200 au plus"):
        selection.clean_note("x" * 201)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=250), min_size=1, max_size=50))
def test_notes_never_outgrow_their_budget(texts):
    notes: dict[str, str] = {}
    for fiche_id, text in enumerate(texts):
        try:
            notes = selection.with_note(notes, fiche_id, text)
        except selection.SelectionError as error:
            assert error.message
    assert len(json.dumps(notes)) <= selection.NOTES_BUDGET


def test_moves_stay_within_the_list():
    assert selection.moved([1, 2, 3], 3, "haut") == [1, 3, 2]
    assert selection.moved([1, 2, 3], 1, "bas") == [2, 1, 3]
    assert selection.moved([1, 2, 3], 1, "haut") == [1, 2, 3]
    assert selection.moved([1, 2, 3], 3, "bas") == [1, 2, 3]
    assert selection.moved([1, 2, 3], 9, "bas") == [1, 2, 3]
    assert selection.moved([1, 2, 3], 2, "gauche") == [1, 2, 3]


def _version(nom, thematiques=(), publics=()):
    return SimpleNamespace(
        nom=nom, thematiques=[SimpleNamespace(slug=s) for s in thematiques], publics=list(publics)
    )


def test_sensitive_fiches_by_thematique_public_or_words():
    assert selection.is_sensitive(_version("Accueil de jour", ["violences-faites-aux-femmes"]))
    assert selection.is_sensitive(_version("Accueil", publics=["femmes-victimes-de-violences"]))
    assert selection.is_sensitive(_version("Écoute des VICTIMES"))
    assert selection.is_sensitive(_version("Consultations", ()), "Planning familial du Puy-de-Dôme")
    assert not selection.is_sensitive(_version("Aide aux devoirs", ["enfance-jeunesse"]), "Centre social")
    assert not selection.is_sensitive(_version("Violoncelle pour tous"))  # whole words only
