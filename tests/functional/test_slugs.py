"""Unique slugs against the database: a new organisation never takes another's URL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from guide.models import Organisation, Quartier
from guide.services import thematiques
from guide.slugs import unique_slug


def test_unique_slug_skips_the_slugs_in_the_database_and_the_reserved_ones(world, db):
    assert world.orgs["a"].slug == "alpha"
    assert unique_slug(db, Organisation, "Alpha") == "alpha-2"
    assert unique_slug(db, Organisation, "Alpha", reserved={"alpha-2"}) == "alpha-3"
    assert unique_slug(db, Quartier, "Alpha") == "alpha"  # each table has its own slugs


def test_a_new_organisation_named_like_another_gets_its_own_address(testapp, world, login, db):
    login("coord@test.fr")
    form = testapp.get("/coordination/structures/nouvelle").forms["deform"]
    form["nom"] = "Alpha"
    form.submit("save").follow()
    created = db.scalar(select(Organisation).where(Organisation.nom == "Alpha"))
    assert created.slug == "alpha-2"
    assert world.orgs["a"].slug == "alpha"


def test_a_thematique_named_like_another_is_refused_not_numbered(world, db):
    with pytest.raises(thematiques.ThematiqueConflict):
        thematiques.add_thematique(db, "SANTÉ !", "", 1, [])
    added = thematiques.add_thematique(db, "Œuvres sociales", "", 9, ["famille", "sante"])
    db.flush()
    assert (added.slug, added.di_codes) == ("oeuvres-sociales", ["famille", "sante"])
