"""Changing what a public fiche shows without touching the fiche still reaches the search index's log."""

from __future__ import annotations

from guide.models import IndexChange


def _logged(db, fiche):
    return db.query(IndexChange).filter_by(fiche_id=fiche.id).count()


def test_editing_a_lieu_logs_its_public_fiches(db, world):
    public, draft = world.fiches["published_a"], world.fiches["draft_a"]
    before_public, before_draft = _logged(db, public), _logged(db, draft)
    world.lieux["a"].adresse = "3 place Nouvelle"
    db.flush()
    assert _logged(db, public) == before_public + 1
    assert _logged(db, draft) == before_draft  # not public: nothing to index


def test_renaming_an_organisation_or_a_thematique_logs_its_public_fiches(db, world):
    public_b, archived_b = world.fiches["published_b"], world.fiches["archived_b"]
    before, before_archived = _logged(db, public_b), _logged(db, archived_b)
    world.orgs["b"].nom = "Bêta Santé Solidaire"
    db.flush()
    assert _logged(db, public_b) == before + 1
    from guide.models import Thematique

    theme = db.query(Thematique).filter_by(slug="acces-aux-droits").one()
    theme.label = "Droits et démarches"
    db.flush()
    assert _logged(db, public_b) == before + 2
    assert _logged(db, archived_b) == before_archived  # archived: no longer public, nothing to index


def test_an_unchanged_flush_logs_nothing(db, world):
    before = db.query(IndexChange).count()
    world.lieux["a"].adresse = world.lieux["a"].adresse
    db.flush()
    assert db.query(IndexChange).count() == before
