"""Slugs and folding, as they show in URLs and in matching of names."""

from __future__ import annotations

import pytest

from guide.text import fold, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Œuvre des cœurs", "oeuvre-des-coeurs"),
        ("Sœurs Lætitia", "soeurs-laetitia"),
        ("Saint-Jacques Nord", "saint-jacques-nord"),
        ("L'Épicerie « solidaire »", "l-epicerie-solidaire"),
        ("???", "sans-titre"),
    ],
)
def test_slugs_keep_every_letter(name, slug):
    assert slugify(name) == slug


def test_fold_spells_out_ligatures():
    assert fold("Cœur ÉTÉ") == "coeur ete"
