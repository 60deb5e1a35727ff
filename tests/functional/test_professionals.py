"""The professionals' directory (issue 14): a member agrees to be listed and writes their card, withdraws
at any time (gone at once); only members of partner organisations, référents and the coordination read
it; it is searched by name, job, organisation, thématique and free text, accents and case ignored."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from guide.models import Referent, Thematique
from guide.models.professionals import ProfessionalCard
from guide.services import professionals

from .helpers import field_error, post, visible

CARD = "/espace/annuaire/ma-fiche"
DIRECTORY = "/espace/annuaire"


def _thematique(db, slug):
    return db.scalars(select(Thematique).where(Thematique.slug == slug)).one()


def _list(db, world, key, name, fonction, **values):
    user = world.users[key]
    user.name = name
    db.flush()
    thematiques = values.pop("thematiques", [])
    card = professionals.save_card(
        db,
        user,
        {"fonction": fonction, "courriel": user.email, **values},
        [_thematique(db, slug).id for slug in thematiques],
    )
    db.commit()
    return card


def _names(page):
    return [h.get_text(strip=True) for h in page.html.select(".pro-directory li.card h2")]


def test_not_listed_until_agreed_then_gone_at_once_when_withdrawn(testapp, world, login, db):
    login(world.users["owner_a"].email)
    assert "Camille" not in testapp.get(DIRECTORY).text
    form = testapp.get(CARD).forms["deform"]
    form["fonction"] = "Conseillère en économie sociale et familiale"
    form["telephone"] = "04.73.98.07.81"
    form["missions"] = "Budget, surendettement, accès à l'énergie"
    page = form.submit("save")
    # no consent: nothing saved, the values typed are kept and the reason is beside the box
    assert page.status_int == 200
    assert "Cochez cette case pour figurer dans l'annuaire" in field_error(page, "listed")
    assert page.forms["deform"]["fonction"].value == "Conseillère en économie sociale et familiale"
    assert db.get(ProfessionalCard, world.users["owner_a"].id) is None
    form = page.forms["deform"]
    form["listed"] = True
    page = form.submit("save").follow()
    assert "Votre fiche est dans l'annuaire des professionnels." in visible(page)
    card = page.html.select_one(f"#pro-{world.users['owner_a'].id}")
    text = card.get_text(" ")
    assert "Conseillère en économie sociale et familiale" in text
    assert "04 73 98 07 81" in text  # written the French way
    assert card.select_one('a[href="tel:+33473980781"]') is not None
    assert card.select_one('a[href="/structure/alpha"]') is not None  # their organisation's page
    assert "Fiche published a" in text  # and its public fiches
    assert "Fiche draft a" not in text
    # withdraw: the card and what it said are gone at once
    post(testapp, "/espace/annuaire/retirer")
    db.expire_all()
    assert db.get(ProfessionalCard, world.users["owner_a"].id) is None
    assert "Conseillère en économie" not in testapp.get(DIRECTORY).text
    assert "Vous ne figurez pas dans l'annuaire." in visible(testapp.get(CARD))


def test_form_errors_in_french_beside_the_fields_values_kept(testapp, world, login):
    login(world.users["editor_a"].email)
    form = testapp.get(CARD).forms["deform"]
    form["listed"] = True
    form["fonction"] = "x" * 121
    form["telephone"] = "04 73"
    form["courriel"] = "pas un courriel"
    form["missions"] = "<script>alert(1)</script>"
    page = form.submit("save")
    assert page.status_int == 200
    assert "120 caractères au plus" in field_error(page, "fonction")
    assert "numéro" in field_error(page, "telephone").lower()
    assert "Adresse électronique non valide" in field_error(page, "courriel")
    assert page.forms["deform"]["missions"].value == "<script>alert(1)</script>"
    assert "<script>alert(1)" not in page.text  # escaped
    # a card nobody can reach is refused
    form = page.forms["deform"]
    form["fonction"] = "Éducatrice spécialisée"
    form["telephone"] = ""
    form["courriel"] = ""
    page = form.submit("save")
    assert "Indiquez un téléphone ou un courriel" in field_error(page, "telephone")
    # a forged lieu or thématique is refused, not a 500
    response = post(
        testapp,
        CARD,
        {
            "listed": "true",
            "fonction": "Éducatrice",
            "courriel": "a@b.fr",
            "__start__": "lieux:sequence",
            "checkbox": "999999",
            "__end__": "lieux:sequence",
            "save": "save",
        },
    )
    assert response.status_int in (200, 303)
    assert response.status_int == 200 or "999999" not in str(
        [lieu.id for lieu in (world.users["editor_a"].professional_card or ProfessionalCard()).lieux]
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("nobody", 403),  # an account that belongs to no organisation
        ("editor_c", 200),
        ("coord", 200),
        ("referent", 200),
        ("deactivated", "login"),
    ],
)
def test_who_reads_the_directory(testapp, world, login, db, who, expected):
    _list(db, world, "owner_a", "Camille Martin", "Médiatrice sociale", telephone="04 73 98 07 81")
    user = None
    if who == "referent":
        user = world.users["nobody"]
        db.add(Referent(user=user, thematique=_thematique(db, "sante")))
        db.commit()
    elif who == "deactivated":
        user = world.users["editor_c"]
    elif who != "anonymous":
        user = world.users[who]
    if user is not None:
        login(user.email)
    if who == "deactivated":
        user.active = False
        db.commit()
    for path in (DIRECTORY, f"{DIRECTORY}?q=camille", CARD):
        response = testapp.get(path, expect_errors=True)
        if expected == "login":
            assert response.status_int == 303 and "/connexion" in response.location, path
        else:
            assert response.status_int == expected, path
        if expected != 200:
            assert "04 73 98 07 81" not in response.text
    if expected == 200:
        page = testapp.get(DIRECTORY)
        assert _names(page) == ["Camille Martin"]
        assert "no-store" in page.headers["Cache-Control"]
    # the Réseau page links to it for those who may read it only
    network = testapp.get("/reseau")
    assert (network.html.select_one(f'a[href="{DIRECTORY}"]') is not None) == (expected == 200)


def test_search_by_name_job_organisation_thematique_and_free_text(testapp, world, login, db):
    _list(
        db,
        world,
        "owner_a",
        "Camille Martin",
        "Conseillère en économie sociale et familiale",
        thematiques=["acces-aux-droits"],
        missions="Dossiers de surendettement",
    )
    _list(
        db,
        world,
        "owner_b",
        "Éloïse Dupré",
        "Infirmière de santé publique",
        thematiques=["sante"],
        presence="Mardi matin à la Gauthière",
    )
    _list(db, world, "editor_c", "Rachid Benali", "Agent d'accueil")
    login(world.users["coord"].email)

    def search(**params):
        return _names(testapp.get(DIRECTORY, params))

    assert search() == ["Camille Martin", "Éloïse Dupré", "Rachid Benali"]  # by name
    assert search(q="eloise") == ["Éloïse Dupré"]  # accents and case ignored
    assert search(q="DUPRE") == ["Éloïse Dupré"]
    assert search(q="conseillere economie") == ["Camille Martin"]  # the job, every word
    assert search(q="conseillère santé") == []  # all words must match
    assert search(q="Bêta") == ["Éloïse Dupré"]  # the organisation (« Bêta Santé »)
    assert search(q="gamma") == ["Rachid Benali"]
    assert search(q="surendettement") == ["Camille Martin"]  # free text
    assert search(q="gauthiere") == ["Éloïse Dupré"]
    assert search(q="acces droits") == ["Camille Martin"]  # a thématique's name
    assert search(thematique="sante") == ["Éloïse Dupré"]
    world.orgs["b"].nom = "Maison de santé Zéphyr"  # renamed: found by its new name at once
    db.commit()
    assert search(q="zephyr") == ["Éloïse Dupré"]
    assert search(q="Bêta") == []
    world.users["editor_c"].name = "Rachid Benali-Moreau"  # a member renamed: found by the new name
    db.commit()
    assert search(q="moreau") == ["Rachid Benali-Moreau"]
    assert search(q="mart_n") == []  # LIKE's wildcards are plain characters (« _ » would match « i »)
    assert search(q="%") == search(q="") == search(q="  ,; ")  # no word: everyone
    page = testapp.get(DIRECTORY, {"q": "x" * 5000, "page": "99999999999", "thematique": "y" * 500})
    assert page.status_int == 200 and "Personne ne correspond" in visible(page)


def test_pages_of_twenty(testapp, world, login, db):
    from .. import factories

    org = world.orgs["a"]
    for i in range(23):
        user = factories.user(db, f"pro{i:02d}@test.fr")
        factories.member(db, user, org)
        user.name = f"Pro {i:02d}"
        db.flush()
        professionals.save_card(db, user, {"fonction": "Animatrice", "courriel": user.email})
    db.commit()
    login(world.users["owner_a"].email)
    first = testapp.get(DIRECTORY, {"q": "animatrice"})
    assert "23 professionnels" in visible(first)
    assert len(_names(first)) == 20
    second = first.click(description="Suivants")
    assert _names(second) == ["Pro 20", "Pro 21", "Pro 22"]


def test_a_member_who_leaves_every_organisation_leaves_the_directory(db, world):
    _list(db, world, "editor_c", "Rachid Benali", "Agent d'accueil")
    assert [c.user.name for c in professionals.search(db).cards] == ["Rachid Benali"]
    world.users["editor_c"].memberships.clear()
    db.flush()
    assert professionals.search(db).cards == []


def test_the_demo_guide_lists_a_dozen_professionals(testapp, demo_guide, login):
    from guide.services.demo import DEMO_PASSWORD

    login("partenaire@guide.localhost", DEMO_PASSWORD)
    page = testapp.get(DIRECTORY)
    assert "12 professionnels" in visible(page)
    assert "Conseillère en économie sociale et familiale" in visible(
        testapp.get(DIRECTORY, {"q": "cesf ccas"})
    )
    found = testapp.get(DIRECTORY, {"q": "conseillere economie"})
    assert _names(found) == ["Sophie Aubert"]
    card = found.html.select_one(".pro-directory li.card")
    assert card.select_one('a[href^="/structure/"]') is not None
    assert len(card.select('a[href^="/fiche/"]')) >= 3  # the CCAS's fiches
    assert _names(testapp.get(DIRECTORY, {"q": "gauthiere"}))  # a lieu's name


ODD = st.text(max_size=60) | st.sampled_from(
    ["", "0", "-1", "9" * 30, "%", "_", "<script>", "\x00", "é" * 300]
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=ODD, page=ODD, thematique=ODD)
def test_any_search_is_a_page(testapp, world, login, q, page, thematique):
    if testapp.cookies.get("guide_session") is None:
        login(world.users["coord"].email)
    response = testapp.get(DIRECTORY, {"q": q, "page": page, "thematique": thematique}, expect_errors=True)
    assert response.status_int in (200, 400), response.status


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fonction=ODD, telephone=ODD, courriel=ODD, missions=ODD)
def test_any_card_is_a_page(testapp, world, login, fonction, telephone, courriel, missions):
    if testapp.cookies.get("guide_session") is None:
        login(world.users["editor_a"].email)
    data = {"listed": "true", "fonction": fonction, "telephone": telephone, "courriel": courriel}
    response = post(testapp, CARD, {**data, "missions": missions, "save": "save"}, expect_errors=True)
    assert response.status_int in (200, 303, 400), response.status
    assert "/connexion" not in (response.location or "")  # still logged in: the form was processed
