"""Organisations and lieux: partners' forms, normalised input, French errors, logo uploads."""

from __future__ import annotations

import io

from PIL import Image
from webtest import Upload

from guide.models import Lieu, Organisation
from guide.services import directory

from .helpers import choose, field_error


def _publish_pending(db, target, coordinator):
    """What the coordination does from its review queue (tests/security/test_directory_review.py)."""
    change = directory.open_change(db, target)
    assert change is not None, "the partner's change should wait for review"
    directory.publish(db, change, coordinator)
    db.commit()


def _png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 79, 159)).save(out, format="PNG")
    return out.getvalue()


def test_partner_edits_their_organisation_with_normalised_values(testapp, world, login, db):
    login("editor.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    form["telephone"] = "+33 4 73 98 07 81"
    form["siret"] = "216 301 135 00010"
    form["site_web"] = "www.alpha-asso.fr"
    form["courriel"] = "Contact@Alpha-Asso.FR"
    page = form.submit("save").follow()
    assert "visibles après validation par la coordination" in page.text
    db.expire_all()
    org = world.orgs["a"]
    assert org.telephone == ""  # reviewed: the public sees the old values until published
    _publish_pending(db, org, world.users["coord"])
    db.expire_all()
    assert org.telephone == "04 73 98 07 81"
    assert org.siret == "21630113500010"
    assert org.site_web == "https://www.alpha-asso.fr"
    assert org.courriel == "Contact@alpha-asso.fr"


def test_bad_siret_and_phone_explained_beside_fields_and_kept(testapp, world, login, db):
    login("editor.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    form["siret"] = "21630113500011"
    form["telephone"] = "04 73"
    form["nom"] = "Nouveau nom pas enregistré"
    page = form.submit("save")
    assert page.status_int == 200
    assert "SIRET" in field_error(page, "siret") or "clé" in field_error(page, "siret")
    assert "téléphone" in field_error(page, "telephone").lower()
    assert page.forms["deform"]["siret"].value == "21630113500011"
    assert page.forms["deform"]["nom"].value == "Nouveau nom pas enregistré"
    db.expire_all()
    assert world.orgs["a"].nom == "Association Alpha"


def test_logo_upload_is_reencoded_and_served(testapp, world, login, db):
    login("owner.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    form["upload"] = Upload("logo.png", _png(), "image/png")
    form.submit("save").follow()
    db.expire_all()
    org = db.get(Organisation, world.orgs["a"].id)
    assert org.logo is None  # the uploaded file is kept with the change, applied on publication
    assert testapp.get(f"/structure/{org.slug}").html.select_one("img.org-logo") is None
    _publish_pending(db, org, world.users["coord"])
    db.expire_all()
    assert org.logo and org.logo.endswith(".png")
    page = testapp.get(f"/structure/{org.slug}")
    src = page.html.select_one("img.org-logo")["src"]
    image = testapp.get(src)
    assert image.content_type == "image/png"
    assert Image.open(io.BytesIO(image.body)).size == (40, 20)


def test_non_image_upload_is_refused_with_a_french_message(testapp, world, login, db):
    login("owner.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    form["upload"] = Upload("logo.png", b"#!/bin/sh\necho pas une image\n", "image/png")
    page = form.submit("save")
    assert "pas une image" in field_error(page, "upload")
    db.expire_all()
    assert world.orgs["a"].logo is None


def test_oversized_upload_is_refused(testapp, world, login, app_settings, db):
    login("owner.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    big = _png() + b"\0" * (2 * 1024 * 1024)
    form["upload"] = Upload("logo.png", big, "image/png")
    page = form.submit("save")
    assert "trop lourd" in field_error(page, "upload")
    db.expire_all()
    assert world.orgs["a"].logo is None


def test_partner_adds_a_lieu_and_its_quartier_comes_from_coordinates(testapp, world, login, db):
    login("editor.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/lieux/nouveau").forms["deform"]
    form["nom"] = "Antenne Nord"
    form["adresse"] = "12 rue du Test"
    form["code_postal"] = "63100"
    form["latitude"] = "45,79"
    form["longitude"] = "3,07"
    choose(form, "oui")
    form.submit("save").follow()
    lieu = db.query(Lieu).filter_by(nom="Antenne Nord").one()
    assert lieu.quartier is not None and lieu.quartier.code == "Q-TEST"
    assert lieu.latitude == 45.79
    assert [o.id for o in lieu.organisations] == [world.orgs["a"].id]


def test_lieu_form_errors(testapp, world, login):
    login("editor.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/lieux/nouveau").forms["deform"]
    form["nom"] = "Lieu"
    form["adresse"] = "1 rue"
    form["code_postal"] = "6300"
    form["latitude"] = "145"
    page = form.submit("save")
    assert "code postal" in field_error(page, "code_postal").lower()
    assert "latitude" in field_error(page, "latitude").lower()
    assert page.forms["deform"]["code_postal"].value == "6300"
    form = page.forms["deform"]
    form["code_postal"] = "63000"
    form["latitude"] = "45,78"
    page = form.submit("save")
    assert "latitude et la longitude" in field_error(page, "longitude")


def test_coordinator_creates_an_organisation(testapp, world, login, db):
    login("coord@test.fr")
    form = testapp.get("/coordination/structures/nouvelle").forms["deform"]
    form["nom"] = "Maison des Jeunes"
    page = form.submit("save").follow()
    assert "Maison des Jeunes" in page.text
    org = db.query(Organisation).filter_by(nom="Maison des Jeunes").one()
    assert org.slug == "maison-des-jeunes"
