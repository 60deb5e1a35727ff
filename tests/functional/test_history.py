"""Versions: every save is kept, any two compare field by field, an old one can be restored."""

from __future__ import annotations

from guide.models import State
from guide.services import fiches
from tests.factories import content

from .helpers import post


def _save(db, fiche, actor, **changes):
    data = fiches.content_of(fiche.current_version)
    data.update(changes)
    return fiches.save(db, fiche, data, actor, base_number=fiche.current_version.number, can_publish=False)


def test_every_save_is_a_version(db, world):
    fiche = world.fiches["draft_a"]
    editor = world.users["editor_a"]
    _save(db, fiche, editor, nom="Deuxième titre")
    _save(db, fiche, editor, horaires="We 14:00-18:00")
    assert [v.number for v in fiche.versions] == [1, 2, 3]
    assert fiche.versions[0].nom == "Fiche draft a"  # older versions are untouched
    assert fiche.current_version.horaires == "We 14:00-18:00"


def test_saving_the_same_content_makes_no_version(db, world):
    fiche = world.fiches["draft_a"]
    assert _save(db, fiche, world.users["editor_a"]) is None
    assert len(fiche.versions) == 1


def test_compare_field_by_field(db, world):
    fiche = world.fiches["draft_a"]
    _save(
        db, fiche, world.users["editor_a"], nom="Autre titre", horaires="We 14:00-18:00", publics=["femmes"]
    )
    changes = {c.name: c for c in fiches.compare(fiche.versions[0], fiche.versions[1])}
    assert set(changes) == {"nom", "horaires", "publics"}
    assert changes["nom"].before == "Fiche draft a" and changes["nom"].after == "Autre titre"
    assert "mercredi" in changes["horaires"].after
    assert changes["publics"].after == "Femmes"


def test_restore_an_old_version_as_a_new_one(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    _save(db, fiche, world.users["editor_a"], nom="Titre erroné")
    db.commit()
    login(world.users["editor_a"].email)
    history = testapp.get(f"/espace/fiches/{fiche.id}/historique")
    assert "/versions/2" in history.text and "/versions/1" in history.text
    page = post(testapp, f"/espace/fiches/{fiche.id}/versions/1/restaurer").follow()
    assert "La version 1 est rétablie : elle devient la version 3" in page.text
    db.expire_all()
    assert [v.number for v in fiche.versions] == [1, 2, 3]
    assert fiche.current_version.nom == "Fiche draft a"
    assert fiche.events[-1].comment == "Retour à la version 1"


def test_compare_page_shows_both_values(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    _save(db, fiche, world.users["editor_a"], nom="Titre modifié", telephone="04 73 00 00 00")
    db.commit()
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/fiches/{fiche.id}/comparer?de=1&a=2")
    assert "Version 1 → version 2" in page.text
    assert "Fiche draft a" in page.text and "Titre modifié" in page.text
    assert "04 73 00 00 00" in page.text
    assert "Résumé" not in page.text  # unchanged fields are not listed


def test_compare_with_bad_parameters_is_404_not_500(testapp, world, login):
    login(world.users["editor_a"].email)
    fiche = world.fiches["draft_a"]
    for query in ("de=abc&a=1", "de=99&a=1", "de=1&a=" + "9" * 40, "de=-1"):
        assert (
            testapp.get(f"/espace/fiches/{fiche.id}/comparer?{query}", expect_errors=True).status_int == 404
        )


def test_restoring_on_a_published_fiche_keeps_the_public_version(db, world):
    fiche = world.fiches["published_a"]
    _save(db, fiche, world.users["editor_a"], nom="Changement")
    fiches.restore_version(db, fiche, 1, world.users["editor_a"], can_publish=False)
    assert fiche.state == State.DRAFT
    assert fiche.published_version.number == 1
    assert fiche.current_version.number == 3


def test_new_fiche_gets_a_stable_uid(db, world):
    fiche = fiches.create_fiche(db, world.orgs["a"], content(), world.users["editor_a"])
    assert fiche.uid == f"guide--{fiche.id}"


def test_saving_unchanged_confirms_unless_asked_not_to(db, world):
    import datetime as dt

    fiche = world.fiches["draft_a"]
    fiche.confirmed_at = dt.date(2025, 1, 2)
    data = fiches.content_of(fiche.current_version)
    assert fiches.save(db, fiche, data, None, base_number=None, can_publish=False, confirm=False) is None
    assert fiche.confirmed_at == dt.date(2025, 1, 2)
    assert fiches.save(db, fiche, data, world.users["editor_a"], base_number=None, can_publish=False) is None
    assert fiche.confirmed_at == dt.date.today()


def test_the_places_keep_the_order_the_partner_chose(db, world):
    """A fiche held in two places lists them as chosen (the first is the main one), on every read.

    Positions were never written, so two databases holding the same rows (a guide and its restored
    backup) could show a fiche's places in different orders.
    """
    from guide.models import Lieu

    fiche = world.fiches["draft_a"]
    first, second = Lieu(nom="Maison de quartier"), Lieu(nom="Antenne du marché")
    db.add_all([first, second])
    db.flush()
    _save(db, fiche, world.users["editor_a"], lieux=[second.id, first.id])
    _save(db, fiche, world.users["editor_a"], nom="Titre suivant")
    version_id = fiche.current_version.id
    db.flush()
    db.expire_all()
    from guide.models import FicheVersion

    assert [lieu.nom for lieu in db.get(FicheVersion, version_id).lieux] == [
        "Antenne du marché",
        "Maison de quartier",
    ]


def test_the_summary_says_the_one_length_rule_the_print_check_applies(testapp, world, login):
    """The form states what the paper guide prints (the booklet's check list flags beyond it), and gives
    the field what forms.js needs to count beside it; the site still takes up to 280 characters."""
    from guide.print.checklist import SUMMARY_LIMITS

    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}/fiches/nouvelle")
    field = page.html.select_one("textarea[name=resume]")
    assert field["data-print-limit"] == str(SUMMARY_LIMITS["A5"]) == "180"
    assert field["maxlength"] == "280"
    assert "imprime 180 caractères" in page.html.get_text(" ")
