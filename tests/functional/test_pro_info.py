"""Information for professionals only: who reads it on the public pages, who edits it, the form's errors."""

from __future__ import annotations

import pytest

from guide.models import Referent, User
from guide.models.pro import ProInfo
from guide.services import pro_info

from .helpers import field_error

DIRECT = "04 73 00 11 22"


def _fill(db, world):
    pro_info.save(
        db,
        world.fiches["published_a"],
        {
            "ligne_directe": DIRECT,
            "referent_nom": "Camille Référente",
            "orientation": "Par mail, avec accord",
        },
        None,
    )
    pro_info.save(db, world.orgs["a"], {"remarques": "Remarque interne structure"}, None)
    pro_info.save(db, world.lieux["a"], {"documents": "Pièce d'identité <b>x</b>"}, None)
    db.commit()


def _fiche_page(testapp, world):
    return testapp.get(f"/fiche/{world.fiches['published_a'].id}").maybe_follow()


@pytest.mark.parametrize("who", ["anonymous", "nobody"])
def test_the_public_and_accounts_without_organisation_never_see_it(testapp, world, login, db, who):
    _fill(db, world)
    if who != "anonymous":
        login(world.users[who].email)
    for page in (_fiche_page(testapp, world), testapp.get("/structure/alpha")):
        assert "Association Alpha" in page.text
        assert "Pour les professionnels" not in page.text
        assert DIRECT not in page.text and "Remarque interne" not in page.text


@pytest.mark.parametrize("who", ["editor_c", "coord", "referent"])
def test_any_partner_member_referent_or_coordinator_reads_it(testapp, world, login, db, who):
    _fill(db, world)
    if who == "referent":
        user = world.users["nobody"]
        db.add(Referent(user=user, thematique=world.fiches["published_a"].published_version.thematiques[0]))
        db.commit()
    else:
        user = world.users[who]
    login(user.email)
    page = _fiche_page(testapp, world)
    section = page.html.select_one("section.pro-info")
    assert section is not None
    assert "no-store" in page.headers["Cache-Control"]  # no shared cache ever keeps this page
    text = section.get_text(" ")
    assert DIRECT in text and "Camille Référente" in text and "Par mail, avec accord" in text
    assert "Remarque interne structure" in text  # the organisation's
    assert "Pièce d'identité <b>x</b>" in text  # the lieu's, escaped (a text node, not markup)
    org_page = testapp.get("/structure/alpha")
    assert "Remarque interne structure" in org_page.html.select_one("section.pro-info").get_text()
    # only the organisation's editors (and the coordination) get the edit link
    edit = f"/espace/fiches/{world.fiches['published_a'].id}/infos-pro"
    assert (page.html.select_one(f'a[href="{edit}"]') is not None) == (who == "coord")


def test_partner_edits_their_fiche_pro_info_errors_beside_fields(testapp, world, login, db):
    login("editor.a@test.fr")
    fiche = world.fiches["published_a"]
    assert page_has_edit_link(_fiche_page(testapp, world), fiche)
    form = testapp.get(f"/espace/fiches/{fiche.id}/infos-pro").forms["deform"]
    form["ligne_directe"] = "04 73"
    form["referent_courriel"] = "pas un courriel"
    form["orientation"] = "Orientation par mail avec l'accord de la personne"
    page = form.submit("save")
    assert page.status_int == 200
    assert "téléphone" in field_error(page, "ligne_directe").lower()
    assert field_error(page, "referent_courriel")
    assert page.forms["deform"]["orientation"].value == "Orientation par mail avec l'accord de la personne"
    form = page.forms["deform"]
    form["ligne_directe"] = "+33 4 73 00 11 22"
    form["referent_courriel"] = "Camille@Alpha.fr"
    form["documents"] = "Pièce d'identité\nAttestation CAF"
    page = form.submit("save").follow()
    assert "sont enregistrées" in page.text
    db.expire_all()
    info = pro_info.get(db, fiche)
    assert info is not None and info.ligne_directe == DIRECT and info.referent_courriel == "Camille@alpha.fr"
    assert info.updated_by_id == world.users["editor_a"].id
    text = _fiche_page(testapp, world).html.select_one("section.pro-info").get_text(" ")
    assert "Attestation CAF" in text and "Orientation par mail" in text
    # emptied, the information goes
    form = testapp.get(f"/espace/fiches/{fiche.id}/infos-pro").forms["deform"]
    for name in ("ligne_directe", "referent_courriel", "orientation", "documents"):
        form[name] = ""
    form.submit("save").follow()
    db.expire_all()
    assert pro_info.get(db, fiche) is None


def page_has_edit_link(page, fiche) -> bool:
    return page.html.select_one(f'a[href="/espace/fiches/{fiche.id}/infos-pro"]') is not None


def test_partner_edits_their_organisation_and_lieu_pro_info(testapp, world, login, db):
    login("owner.a@test.fr")
    page = testapp.get("/structure/alpha")
    lieu_link = page.html.select_one(f'a[href="/espace/lieux/{world.lieux["a"].id}/infos-pro"]')
    assert lieu_link is not None
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/infos-pro").forms["deform"]
    form["remarques"] = "Fermé le jeudi matin pour réunion d'équipe"
    form.submit("save").follow()
    form = testapp.get(lieu_link["href"]).forms["deform"]
    form["referent_nom"] = "Dominique Accueil"
    form.submit("save").follow()
    text = testapp.get("/structure/alpha").html.select_one("section.pro-info").get_text(" ")
    assert "Fermé le jeudi matin" in text and "Dominique Accueil" in text


@pytest.mark.parametrize(
    "path",
    [
        "/espace/fiches/{fiche}/infos-pro",
        "/espace/structures/{org}/infos-pro",
        "/espace/lieux/{lieu}/infos-pro",
    ],
)
def test_a_partner_edits_only_their_own_organisations_pro_info(testapp, world, login, db, path):
    _fill(db, world)
    url = path.format(fiche=world.fiches["published_a"].id, org=world.orgs["a"].id, lieu=world.lieux["a"].id)
    assert "/connexion" in testapp.get(url, status=303).location  # anonymous: asked to log in
    login("owner.b@test.fr")
    testapp.get(url, status=403)
    # a forged POST does not change anything either
    testapp.post(url, {"remarques": "piraté", "save": "save"}, status=403)
    db.expire_all()
    assert all(row.remarques != "piraté" for row in db.query(ProInfo))


def test_an_inactive_member_reads_nothing(db, world):
    user: User = world.users["editor_a"]
    assert pro_info.may_read(user)
    user.active = False
    assert not pro_info.may_read(user)
    assert not pro_info.may_read(None)
    assert not pro_info.may_read(world.users["nobody"])


def test_the_partner_space_links_to_the_pro_forms(testapp, world, login):
    login("editor.a@test.fr")
    fiche, org, lieu = world.fiches["draft_a"], world.orgs["a"], world.lieux["a"]
    manage = testapp.get(f"/espace/fiches/{fiche.id}")
    form = manage.click(href=f"/espace/fiches/{fiche.id}/infos-pro").forms["deform"]
    form["remarques"] = "Fiche en brouillon : déjà une remarque"
    form.submit("save").follow()
    org_page = testapp.get(f"/espace/structures/{org.id}")
    assert org_page.click(href=f"/espace/structures/{org.id}/infos-pro").forms["deform"]
    assert org_page.click(href=f"/espace/lieux/{lieu.id}/infos-pro").forms["deform"]


def test_the_demo_guide_has_pro_info_for_partners_only(testapp, demo_guide, login):
    from guide.services.demo import DEMO_PASSWORD

    results = testapp.get("/recherche", {"q": "Aides financières ponctuelles du CCAS"})
    fiche_href = results.html.select_one('a[href^="/fiche/"]')["href"]
    assert "Pour les professionnels" not in testapp.get(fiche_href).maybe_follow().text
    login("partenaire@guide.localhost", DEMO_PASSWORD)  # a partner of another organisation (25GH)
    text = testapp.get(fiche_href).maybe_follow().html.select_one("section.pro-info").get_text(" ")
    assert "Commission le mardi" in text  # the fiche's
    assert "Fiche de liaison par mail" in text  # the CCAS's


def test_deleting_the_object_deletes_its_pro_info(db, world):
    _fill(db, world)
    fiche = world.fiches["published_a"]
    fiche_id = fiche.id
    assert db.query(ProInfo).filter_by(fiche_id=fiche_id).count() == 1
    db.delete(fiche)
    db.flush()
    db.expire_all()
    assert db.query(ProInfo).filter_by(fiche_id=fiche_id).count() == 0
