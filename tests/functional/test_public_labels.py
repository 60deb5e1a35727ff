"""Public labels in plain words (issue 12): the public pages say the plain label (or the coordination's
French wording), the API and the exports keep data·inclusion's codes and labels; only coordinators
rename; bad input gets a French message beside the field, the value typed kept."""

from __future__ import annotations

import json

import pytest

from guide.services import export, public_labels

from .helpers import field_error, post, visible

LIST = "/coordination/libelles-publics"
EDIT = LIST + "/public/tous-publics"
MINE = "Pour tout le monde, sans exception"


def _fiche_page(testapp, world):
    return testapp.get(f"/fiche/{world.fiches['published_a'].id}").maybe_follow()


def test_the_fiche_page_says_the_plain_labels(testapp, world):
    text = visible(_fiche_page(testapp, world))
    assert "Tout le monde" in text and "Tous publics" not in text
    assert "Ouvert à tous, sans condition" in text and "Accueil inconditionnel" not in text
    assert "Accueil à heures fixes" in text


def test_a_coordinator_renames_a_public_shown_on_public_pages_not_in_exports(testapp, world, login, db):
    login(world.users["coord"].email)
    page = testapp.get(LIST)
    row = page.html.select_one("#public-residents-qpv-frr").get_text(" ")
    assert "residents-qpv-frr" in row and "Résidents en QPV ou FRR" in row
    assert "Habitants des quartiers prioritaires" in row
    form = testapp.get(EDIT).forms["deform"]
    assert form["label"].value == "Tout le monde"
    form["label"] = MINE
    page = form.submit("save").follow()
    assert f"Les pages publiques disent maintenant « {MINE} »." in visible(page)
    assert "modifié par" in page.html.select_one("#public-tous-publics").get_text(" ")
    testapp.reset()  # an anonymous visitor
    assert MINE in visible(_fiche_page(testapp, world))
    fiche = world.fiches["published_a"]
    api = testapp.get(f"/api/v1/fiches/{fiche.id}").json
    assert MINE not in json.dumps(api, ensure_ascii=False)
    assert "tous-publics" in json.dumps(api)
    for fmt in export.FORMATS:  # data·inclusion, HSDS, CSV: the codes, never the plain words
        files = export.build(db, fmt, site_name="Guide", site_url="http://localhost")
        body = b"".join(files.values()).decode("utf-8")
        assert MINE not in body and "Tout le monde" not in body, fmt
    assert (
        "tous-publics"
        in b"".join(export.build(db, "data-inclusion", site_name="G", site_url="http://x").values()).decode()
    )
    # the search finds the fiche by the coordination's words at once (the change queued its fiches for the
    # index), and its public filter says them
    results = testapp.get("/recherche", {"q": "sans exception"})
    assert "Fiche published a" in visible(results)
    facets = results.html.select_one("aside.facets")
    assert facets is not None and MINE in facets.get_text(" ")
    # the search API gives the guide's plain labels beside its codes, like the fiches' API
    found = testapp.get("/api/v1/search", {"q": "sans exception"}).json
    publics = {v["valeur"]: v["libelle"] for v in found["facets"]["public"]}
    assert publics["tous-publics"] == "Tout le monde" and MINE not in json.dumps(found, ensure_ascii=False)
    # back to the default
    login(world.users["coord"].email)
    post(testapp, EDIT, {"reset": "1"})
    testapp.reset()
    text = visible(_fiche_page(testapp, world))
    assert MINE not in text and "Tout le monde" in text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Écrivez le libellé"),
        ("x" * 300, "120 caractères au plus"),
        ("<b>Tout le monde</b>", "sans balise"),
    ],
)
def test_bad_input_french_message_beside_the_field_value_kept(testapp, world, login, typed, message):
    login(world.users["coord"].email)
    form = testapp.get(EDIT).forms["deform"]
    form["label"] = typed
    page = form.submit("save")
    assert page.status_int == 200
    assert message in field_error(page, "label")
    assert page.forms["deform"]["label"].value == typed
    testapp.reset()
    assert "Tout le monde" in visible(_fiche_page(testapp, world))


@pytest.mark.parametrize(("who", "status"), [("anonymous", 303), ("editor_a", 403), ("owner_b", 403)])
def test_only_coordinators_rename(testapp, world, login, who, status):
    if who != "anonymous":
        login(world.users[who].email)
    for path in (LIST, EDIT):
        assert testapp.get(path, expect_errors=True).status_int == status
    response = post(testapp, EDIT, {"label": MINE, "save": "save"}, expect_errors=True)
    assert response.status_int == status
    testapp.reset()
    assert MINE not in visible(_fiche_page(testapp, world))


def test_unknown_codes_are_not_found(testapp, world, login):
    login(world.users["coord"].email)
    for path in (LIST + "/public/inconnu", LIST + "/autre/tous-publics", LIST + "/public/" + "x" * 500):
        assert testapp.get(path, expect_errors=True).status_int == 404


def test_the_partner_form_shows_the_plain_label_and_data_inclusions(testapp, world, login):
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/fiches/{world.fiches['published_a'].id}/modifier")
    assert "Habitants des quartiers prioritaires (Résidents en QPV ou FRR)" in visible(page)


def test_the_labels_are_read_once_per_request(db, world):
    labels = public_labels.load(db)
    assert labels.public("tous-publics") == "Tout le monde"
    public_labels.set_label(db, "public", "tous-publics", MINE, world.users["coord"])
    assert labels.public("tous-publics") == "Tout le monde"  # the same request's cache
    assert public_labels.load(db).public("tous-publics") == MINE
    # writing the default label back removes the override
    assert public_labels.set_label(db, "public", "tous-publics", "Tout le monde", None) is None
    assert public_labels.overrides(db) == {}


def test_the_agenda_says_the_plain_labels(testapp, world, db):
    from .agenda_helpers import local_start, make_event, tomorrow

    day = tomorrow()
    event = make_event(
        db, world.orgs["a"], "Atelier budget", local_start(day, 10), publics=("residents-qpv-frr",),
        lieu=world.lieux["a"],
    )  # fmt: skip
    page = testapp.get("/agenda", params={"semaine": day.isoformat(), "public": "residents-qpv-frr"})
    chip = page.html.select_one(".active-filters").get_text(" ")
    assert "Habitants des quartiers prioritaires" in chip  # the filter in force
    assert "Habitants des quartiers prioritaires" in page.html.select_one("aside.facets").get_text(" ")
    assert "QPV" not in visible(page)
    assert "Habitants des quartiers prioritaires" in visible(
        testapp.get(f"/agenda/rendez-vous/{event.id}").maybe_follow()
    )


def test_in_the_demo_guide_the_plain_words_find_the_fiches_and_name_the_filter(testapp, demo_guide):
    results = testapp.get("/recherche", {"q": "quartiers prioritaires"})
    assert results.html.select('a[href^="/fiche/"]')  # the fiches for residents of the QPV
    facets = results.html.select_one("aside.facets").get_text(" ")
    assert "Habitants des quartiers prioritaires" in facets
    assert "QPV" not in facets and "minimas" not in facets
    elders = testapp.get("/recherche", {"q": "personnes âgées"})
    assert "Personnes âgées" in elders.html.select_one("aside.facets").get_text(" ")
    assert len(elders.html.select('a[href^="/fiche/"]')) >= 3


def test_other_languages_get_the_translated_default_never_the_french_wording(testapp, world, db):
    public_labels.set_label(db, "public", "tous-publics", MINE, world.users["coord"])
    db.commit()
    assert MINE in visible(_fiche_page(testapp, world))
    english = visible(testapp.get(f"/en/fiche/{world.fiches['published_a'].id}").maybe_follow())
    assert "Everyone" in english and MINE not in english
