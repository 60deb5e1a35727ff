"""The JSON API in the address's language (issue 12): « /en/api/v1/… » gives the labels beside the codes in
English, « /ar/api/v1/… » in Arabic; the codes never change; no prefix is French."""

from __future__ import annotations

import pytest

from guide import i18n

FICHE = "demo--ccas-aide-domicile"  # handicap + seniors, sur rendez-vous, payant, Mo-Su 07:00-20:00


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    i18n.compile_catalogues()


def _fiche(testapp, prefix: str) -> dict:
    return testapp.get(f"{prefix}/api/v1/fiches/{FICHE}").json


def test_a_fiche_s_labels_follow_the_address_and_its_codes_do_not(testapp, demo_guide):
    french, english, arabic = (_fiche(testapp, prefix) for prefix in ("", "/en", "/ar"))
    for data in (french, english, arabic):  # the codes are the same in every language
        assert data["thematiques"] == ["handicap", "seniors"]
        assert data["conditions_acces"] == ["sur-rendez-vous"] and data["frais"] == "payant"
        assert set(data["publics"]) == {"seniors", "personnes-en-situation-de-handicap"}
        assert data["type"] == "accompagnement" and data["langues"] == ["fr"]
        assert data["horaires_accueil"] == "Mo-Su 07:00-20:00"

    assert french["thematiques_libelles"] == ["Handicap", "Seniors et proches aidants"]
    assert french["conditions_acces_libelles"] == ["Sur rendez-vous"] and french["frais_libelle"] == "Payant"
    assert french["langues_libelles"] == ["Français"] and french["type_libelle"] == "Suivi personnel"
    assert french["horaires_texte"] == "tous les jours de 7 h à 20 h"

    assert english["thematiques_libelles"] == ["Disability", "Older people and carers"]
    assert "Older people" in english["publics_libelles"]
    assert (
        english["conditions_acces_libelles"] == ["By appointment"] and english["frais_libelle"] == "Not free"
    )
    assert english["langues_libelles"] == ["French"] and english["type_libelle"] == "One-to-one support"
    assert english["horaires_texte"].startswith(
        tuple(f"{day}: 07:00" for day in ("Monday", "Sunday", "Tuesday"))
    )
    assert " h " not in english["horaires_texte"]

    assert arabic["thematiques_libelles"] == ["الإعاقة", "كبار السن ومن يعتنون بأقاربهم"]
    assert "كبار السن" in arabic["publics_libelles"]
    assert arabic["conditions_acces_libelles"] == ["بموعد مسبق"] and arabic["frais_libelle"] == "بمقابل"
    assert arabic["langues_libelles"] == ["الفرنسية"]
    assert "07:00" in arabic["horaires_texte"] and "tous les jours" not in arabic["horaires_texte"]


def test_the_listing_speaks_the_address_s_language_too(testapp, demo_guide):
    page = testapp.get("/en/api/v1/fiches", params={"limit": "100"}).json
    labels = {label for fiche in page["fiches"] for label in fiche["thematiques_libelles"]}
    assert "Rights and paperwork" in labels and "Accès aux droits et démarches" not in labels
    assert page["suivant"] is None or page["suivant"].startswith("http://localhost/en/api/v1/fiches")


def test_search_api_filters_and_hits_in_arabic_with_unchanged_codes(testapp, demo_guide):
    data = testapp.get("/ar/api/v1/search", params={"q": "aide", "quand": "samedi-soir"}).json
    assert data["filtres"]["quand"]["valeur"] == "samedi-soir"
    when = data["filtres"]["quand"]["libelle"]
    assert "18:00" in when and "Ouvert" not in when and "Open" not in when, when
    free = testapp.get("/ar/api/v1/search", params={"q": "aide", "gratuit": "1"}).json
    assert free["filtres"]["gratuit"] == {"valeur": "1", "libelle": "مجاني", "lu_dans_la_recherche": False}
    data = testapp.get("/ar/api/v1/search", params={"q": "aide"}).json
    themes = {v["valeur"]: v["libelle"] for v in data["facets"].get("thematique", [])}
    assert themes and all(label != slug for slug, label in themes.items()), themes
    assert all(label not in themes.values() for label in ("Handicap", "Seniors et proches aidants"))
    publics = {v["valeur"]: v["libelle"] for v in data["facets"].get("public", [])}
    assert publics and "Séniors" not in publics.values() and "seniors" in publics
    hit = next(h for h in data["results"] if h["thematiques"])
    assert len(hit["thematiques_libelles"]) == len(hit["thematiques"])
    assert not set(hit["thematiques_libelles"]) & set(hit["thematiques"])  # labels, not the slugs again


def test_english_search_api_names_the_flags_and_spoken_languages(testapp, demo_guide):
    data = testapp.get("/en/api/v1/search", params={"q": "aide"}).json
    flags = {
        name: data["facets"][name][0]["libelle"] for name in ("gratuit", "ouvert") if data["facets"].get(name)
    }
    assert flags.get("gratuit") == "Free" and flags.get("ouvert") != "Ouvert maintenant", flags
    spoken = {v["valeur"]: v["libelle"] for v in data["facets"].get("langue", [])}
    assert spoken.get("fr") == "French", spoken
    # no prefix: French labels, as before
    french = testapp.get("/api/v1/search", params={"q": "aide"}).json
    assert {v["valeur"]: v["libelle"] for v in french["facets"]["langue"]}.get("fr") == "Français"


def test_a_thematique_the_coordination_renamed_keeps_its_wording_in_the_api(testapp, world):
    # the world's « acces-aux-droits » is named « Accès aux droits » (not the shipped label): as written
    data = testapp.get(f"/en/api/v1/fiches/{world.fiches['published_a'].uid}").json
    assert data["thematiques"] == ["acces-aux-droits"]
    assert data["thematiques_libelles"] == ["Accès aux droits"]
    assert data["publics_libelles"] == ["Everyone"] and data["frais_libelle"] == "Free"


def test_agenda_api_event_kinds_and_publics_in_english(testapp, demo_guide):
    events = testapp.get("/en/api/v1/evenements").json["evenements"]
    kinds = {event["type"]: event["type_libelle"] for event in events}
    assert kinds.get("atelier") == "Workshop", kinds
    family = next(event for event in events if "familles" in event["publics"])
    assert family["publics_libelles"][family["publics"].index("familles")] == "Families"
    assert "Family and parenting" in family["thematiques_libelles"]
    french = testapp.get("/api/v1/evenements").json["evenements"]
    assert {event["type"]: event["type_libelle"] for event in french}.get("atelier") == "Atelier"


def test_the_search_api_says_how_it_understood_the_query_in_the_address_s_language(testapp, demo_guide):
    def message(prefix, q):
        return testapp.get(f"{prefix}/api/v1/search", params={"q": q}).json["message"]

    assert message("", "logemant") == "Résultats pour « logement »"
    assert message("/en", "logemant") == "Results for “logement”"
    assert message("/ar", "logemant") == "نتائج البحث عن «logement»"
    assert message("/uk", "urgence logement") == "Жодна послуга не відповідає всім словам; ось найближчі."
    assert message("/es", "urgence logement").startswith("Ningún servicio coincide")
    assert message("/en", "logement") is None
