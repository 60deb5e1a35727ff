"""The read-only JSON API."""

from __future__ import annotations


def test_fiche_by_stable_id(testapp, world):
    fiche = world.fiches["published_a"]
    data = testapp.get(f"/api/v1/fiches/{fiche.uid}").json
    assert data["id"] == fiche.uid
    assert data["nom"] == "Fiche published a"
    assert data["structure"]["nom"] == "Association Alpha"
    assert data["horaires_accueil"] == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    assert data["horaires_texte"].startswith("du lundi au vendredi de 9 h à 12 h")
    assert data["lieux"][0]["quartier"] == "Quartier test"
    assert data["thematiques_data_inclusion"] == [
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
    ]
    assert data["url"].endswith(f"/fiche/{fiche.id}-fiche-published-a")


def test_unpublished_fiche_is_a_json_404(testapp, world):
    for key in ("draft_a", "pending_a", "archived_a"):
        response = testapp.get(f"/api/v1/fiches/{world.fiches[key].uid}", expect_errors=True)
        assert response.status_int == 404
        assert "erreur" in response.json


def test_working_copy_is_not_exposed(testapp, world, db):
    from guide.services import fiches

    fiche = world.fiches["published_a"]
    data = fiches.content_of(fiche.current_version)
    data["nom"] = "Brouillon secret"
    fiches.save(db, fiche, data, world.users["editor_a"], base_number=1, can_publish=False)
    db.commit()
    assert testapp.get(f"/api/v1/fiches/{fiche.uid}").json["nom"] == "Fiche published a"
