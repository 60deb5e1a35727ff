"""Unique slugs: one rule for organisations, quartiers and the importer (no database needed for the rule)."""

from __future__ import annotations

from guide.slugs import free_slug


def test_a_free_name_keeps_its_slug_and_ligatures_are_spelt_out():
    assert free_slug("Œuvre des cœurs", lambda slug: False) == "oeuvre-des-coeurs"


def test_taken_slugs_are_numbered_from_two():
    taken = {"secours-populaire", "secours-populaire-2"}
    assert free_slug("Secours populaire", taken.__contains__) == "secours-populaire-3"


def test_a_numbered_slug_stays_within_the_length():
    name = "Association " + "très " * 40
    first = free_slug(name, lambda slug: False, max_length=30)
    slug = free_slug(name, {first}.__contains__, max_length=30)
    assert len(slug) <= 30
    assert slug.endswith("-2")
    assert "--" not in slug


def test_the_second_choice_comes_before_numbering():
    taken = {"les-vergnes"}
    assert free_slug("Les Vergnes", taken.__contains__, second_choice="Les Vergnes 6311301") == (
        "les-vergnes-6311301"
    )
    taken.add("les-vergnes-6311301")
    assert free_slug("Les Vergnes", taken.__contains__, second_choice="Les Vergnes 6311301") == (
        "les-vergnes-6311301-2"
    )
