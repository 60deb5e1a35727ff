"""French formats of guide/formatting.py: what a reader sees on a page or a printed sheet."""

from __future__ import annotations

from guide.formatting import NBSP, display_url, format_phone, french_spaces, unbreakable_times


def test_no_line_starts_with_french_punctuation_or_a_closing_quote():
    text = french_spaces("Accueil : sur rendez-vous ; gratuit ! « Bienvenue » ?")
    assert text == f"Accueil{NBSP}: sur rendez-vous{NBSP}; gratuit{NBSP}! «{NBSP}Bienvenue{NBSP}»{NBSP}?"
    assert french_spaces("") == ""
    assert french_spaces("http://exemple.fr") == "http://exemple.fr"  # no space, nothing to bind


def test_a_time_is_never_cut_at_the_end_of_a_line():
    assert unbreakable_times("du lundi au vendredi de 9 h à 13 h 30") == (
        f"du lundi au vendredi de 9{NBSP}h à 13{NBSP}h{NBSP}30"
    )
    assert unbreakable_times("sur rendez-vous") == "sur rendez-vous"


def test_addresses_and_phone_numbers_as_printed():
    assert display_url("https://www.exemple.fr/") == "exemple.fr"
    assert display_url("http://asso.exemple.fr/contact/") == "asso.exemple.fr/contact"
    assert format_phone("0473426363") == "04 73 42 63 63"
    assert format_phone("pas un numéro") == "pas un numéro"  # left as written, never an error
    assert format_phone("") == ""
