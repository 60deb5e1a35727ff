"""Référents par thématique: the coordination names them; they review the fiches of their thématiques
only (their own queue, the same workflow and history), hear of residents' reports on them, and appear on
the « Réseau » page (contact details for anonymous visitors only when they agreed)."""

from __future__ import annotations

import datetime as dt
import time

import webtest
from sqlalchemy import select

from guide.models import Campaign, FicheEvent, Referent, State, Thematique
from guide.services import campaigns, fiches, referents, reports
from guide.services.demo import DEMO_PASSWORD

from .. import factories
from .helpers import choose, csrf_token, field_error, post, visible


def _tick(form, *values):
    """Tick exactly these boxes of deform's checkbox choice (its boxes are all named « checkbox »)."""
    for box in form.fields.get("checkbox", []):
        box.checked = box._value in values


def _choice_error(page):
    """The error message beside the thématiques' boxes."""
    from bs4 import BeautifulSoup

    box = BeautifulSoup(page.text, "lxml").find("input", attrs={"name": "checkbox"})
    item = box.find_parent(id=lambda value: bool(value) and value.startswith("item-"))
    return " ".join(e.get_text(" ", strip=True) for e in item.select(".invalid-feedback, .error-msg"))


def _thematique(db, slug):
    return db.scalars(select(Thematique).where(Thematique.slug == slug)).one()


def _setup(db, world):
    """A référent « Santé » (a partner without organisation), a pending Santé fiche of B, a pending fiche
    of B in both thématiques; the world's fiches are all « Accès aux droits »."""
    sante, droits = _thematique(db, "sante"), _thematique(db, "acces-aux-droits")
    coord = world.users["coord"]
    referent = factories.user(db, "referente.sante@test.fr")
    referent.name = "Rose Santé"
    db.flush()
    referents.name(db, referent.email, [sante.id], coord)
    fiche_sante = fiches.create_fiche(
        db, world.orgs["b"], factories.content(nom="Consultation infirmière", thematiques=["sante"]), coord
    )
    fiches.transition(db, fiche_sante, "submit", coord)
    fiche_both = fiches.create_fiche(
        db,
        world.orgs["b"],
        factories.content(nom="Bilan de santé et droits", thematiques=["sante", "acces-aux-droits"]),
        coord,
    )
    fiches.transition(db, fiche_both, "submit", coord)
    db.flush()
    return referent, sante, droits, fiche_sante, fiche_both


def test_coordinator_names_a_referent_with_clear_errors(testapp, world, db, login):
    sante = _thematique(db, "sante")
    login(world.users["coord"].email)
    page = testapp.get("/coordination/referents")
    form = page.forms["deform"]
    form["email"] = "personne@inconnue.fr"
    _tick(form, str(sante.id))
    page = form.submit("name")
    assert "Aucun compte actif" in field_error(page, "email")
    assert page.forms["deform"]["email"].value == "personne@inconnue.fr"  # what was typed is kept
    form = page.forms["deform"]
    form["email"] = world.users["owner_b"].email
    _tick(form)
    page = form.submit("name")
    assert "au moins une thématique" in _choice_error(page)
    form = page.forms["deform"]
    _tick(form, str(sante.id))
    page = form.submit("name").follow()
    assert "est référent pour « Santé »" in visible(page)
    row = db.scalars(select(Referent)).one()
    assert row.user_id == world.users["owner_b"].id and row.named_by_id == world.users["coord"].id
    # a forged thématique id is refused beside the field, never a 500
    forged = [
        ("csrf_token", csrf_token(testapp)),
        ("__formid__", "deform"),
        ("email", "x@y.fr"),
        ("__start__", "thematiques:sequence"),
        ("checkbox", "999999"),
        ("__end__", "thematiques:sequence"),
        ("name", "Nommer"),
    ]
    page = testapp.post("/coordination/referents", forged)
    assert "Thématique inconnue" in _choice_error(page)
    # removal
    page = post(testapp, f"/coordination/referents/{row.id}/retirer").follow()
    assert "n'est plus référent" in visible(page)
    assert db.scalars(select(Referent)).all() == []


def test_referent_pages_are_refused_to_non_coordinators(testapp, world, db, login):
    referent, *_ = _setup(db, world)
    login(referent.email)
    assert testapp.get("/coordination/referents", expect_errors=True).status_int == 403
    row = db.scalars(select(Referent)).one()
    assert post(testapp, f"/coordination/referents/{row.id}/retirer", expect_errors=True).status_int == 403
    for url in (
        "/coordination/structures",
        "/coordination/signalements",
        "/coordination/inviter",
        "/admin/comptes",
    ):
        assert testapp.get(url, expect_errors=True).status_int in (403, 404), url


def test_referent_queue_shows_only_their_thematiques_and_they_publish_or_send_back(testapp, world, db, login):
    referent, _sante, _droits, fiche_sante, fiche_both = _setup(db, world)
    login(referent.email)
    page = testapp.get("/coordination")
    text = visible(page)
    assert "Vous êtes référent pour Santé" in text
    assert "Consultation infirmière" in text and "Bilan de santé et droits" in text
    assert "Fiche pending a" not in text and "Fiche pending b" not in text  # « Accès aux droits » only
    assert "Structures et lieux à valider" not in text  # the coordination's part of the page
    # a fiche of another thématique: nothing
    other = world.fiches["pending_b"]
    assert testapp.get(f"/espace/fiches/{other.id}", expect_errors=True).status_int == 403
    assert post(testapp, f"/espace/fiches/{other.id}/etat/publish", expect_errors=True).status_int == 403
    # their fiches: read, never edit; publish one, send the other back with a comment
    manage = testapp.get(f"/espace/fiches/{fiche_sante.id}")
    assert "Publier" in visible(manage)
    assert f"/espace/structures/{world.orgs['b'].id}" not in manage.text  # not a member: no 403 link
    assert manage.click("← À relire").request.path == "/coordination"
    assert testapp.get(f"/espace/fiches/{fiche_sante.id}/modifier", expect_errors=True).status_int == 403
    assert post(testapp, f"/espace/fiches/{fiche_sante.id}/etat/publish").status_int == 303
    post(testapp, f"/espace/fiches/{fiche_both.id}/etat/send_back", {"comment": "Précisez les horaires."})
    db.expire_all()
    assert fiche_sante.state == State.PUBLISHED and fiche_both.state == State.DRAFT
    events = db.scalars(select(FicheEvent).where(FicheEvent.actor_id == referent.id)).all()
    assert {(e.fiche_id, e.action) for e in events} == {
        (fiche_sante.id, "publish"),
        (fiche_both.id, "send_back"),
    }
    assert "Rien à valider" in visible(testapp.get("/coordination"))


def test_the_partner_reads_who_sent_the_fiche_back_a_referent_or_the_coordination(
    testapp, world, db, login, mailbox
):
    referent, _sante, _droits, fiche_sante, fiche_both = _setup(db, world)
    login(referent.email)
    post(testapp, f"/espace/fiches/{fiche_both.id}/etat/send_back", {"comment": "Précisez les horaires."})
    body = mailbox.body(mailbox.wait_for("owner.b@test.fr"))
    assert "Rose Santé, référent·e du" in body and "Précisez les horaires." in body
    assert "coordination" not in body.lower()
    mailbox.messages.clear()
    login("coord@test.fr")
    post(testapp, f"/espace/fiches/{fiche_sante.id}/etat/send_back", {"comment": "Ajoutez un téléphone."})
    body = mailbox.body(mailbox.wait_for("owner.b@test.fr"))
    assert "La coordination du" in body and "Ajoutez un téléphone." in body


def test_after_a_decision_the_reviewer_goes_on_to_the_next_fiche_of_their_queue(testapp, world, db, login):
    referent, _sante, _droits, fiche_sante, fiche_both = _setup(db, world)
    login(referent.email)
    page = post(testapp, f"/espace/fiches/{fiche_sante.id}/etat/publish").follow()
    assert "Fiche suivante à relire : « Bilan de santé et droits »" in visible(page)
    assert "1 fiche en attente" in visible(page)
    page = page.click("Fiche suivante à relire")
    assert page.request.path == f"/espace/fiches/{fiche_both.id}"
    assert "Fiche suivante" not in visible(page)  # the last one of their thématiques
    # the coordination's queue holds every pending fiche; the partner who wrote it has no queue
    login("coord@test.fr")
    assert "fiches en attente" in visible(testapp.get(f"/espace/fiches/{fiche_both.id}"))
    login("owner.b@test.fr")
    assert "Fiche suivante" not in visible(testapp.get(f"/espace/fiches/{fiche_both.id}"))


def test_a_fiche_in_two_thematiques_can_be_reviewed_by_either_referent(testapp, world, db, login):
    _referent, _sante, droits, _fiche_sante, fiche_both = _setup(db, world)
    other = factories.user(db, "referent.droits@test.fr")
    db.flush()
    referents.name(db, other.email, [droits.id], world.users["coord"])
    db.flush()
    login(other.email)
    text = visible(testapp.get("/coordination"))
    assert "Bilan de santé et droits" in text and "Consultation infirmière" not in text
    assert post(testapp, f"/espace/fiches/{fiche_both.id}/etat/publish").status_int == 303


def test_referent_sees_the_freshness_of_their_thematiques(testapp, world, db, login):
    referent, *_ = _setup(db, world)
    world.fiches["published_a"].confirmed_at = dt.date(2020, 1, 6)  # « Accès aux droits »: not theirs
    db.flush()
    login(referent.email)
    text = visible(testapp.get("/coordination"))
    assert "Fraîcheur des fiches publiées de vos thématiques" in text
    assert "Aucune fiche publiée dans vos thématiques" in text and "Fiche published a" not in text
    droits = factories.user(db, "referent.droits@test.fr")
    db.flush()
    referents.name(db, droits.email, [_thematique(db, "acces-aux-droits").id], world.users["coord"])
    db.flush()
    login(droits.email)
    page = testapp.get("/coordination")
    text = visible(page)
    assert "Accès aux droits : 3 fiches publiées" in text  # the three published fiches of the world
    assert "Fiches à vérifier, les plus en retard d'abord (1)" in text
    assert "Fiche published a — Association Alpha, confirmée le 6 janvier 2020" in text


def test_error_report_reaches_the_referents_of_the_fiche(testapp, world, db, mailbox, login):
    referent, *_ = _setup(db, world)
    fiche = fiches.create_fiche(
        db,
        world.orgs["b"],
        factories.content(nom="Centre de vaccination", thematiques=["sante"]),
        world.users["coord"],
    )
    fiches.transition(db, fiche, "publish", world.users["coord"])
    bystander = factories.user(db, "referent.droits@test.fr")
    db.flush()
    referents.name(db, bystander.email, [_thematique(db, "acces-aux-droits").id], world.users["coord"])
    db.flush()
    page = testapp.get(f"/fiche/{fiche.id}/signaler")
    form = page.forms["deform"]
    form["stamp"] = reports.form_stamp(testapp.app.registry.settings["secret"], time.time() - 10)
    form["message"] = "Le centre de vaccination a déménagé rue Montlosier."
    assert form.submit("send").status_int == 303
    mail = mailbox.wait_for(referent.email)
    body = mailbox.body(mail)
    assert "Centre de vaccination" in body and "déménagé rue Montlosier" in body
    assert "/coordination" in body
    mailbox.wait_for("coord@test.fr")
    assert all(bystander.email not in str(m["To"]) for m in mailbox.messages)
    # and the report is listed on the référent's own page
    login(referent.email)
    text = visible(testapp.get("/coordination"))
    assert "Signalements des habitants sur vos thématiques (1)" in text and "déménagé rue Montlosier" in text


def test_network_page_who_sees_what(testapp, world, db, login):
    referent, *_ = _setup(db, world)
    shy = factories.user(db, "discrete@test.fr")
    shy.name = "Denise Discrète"
    db.flush()
    referents.name(db, shy.email, [_thematique(db, "acces-aux-droits").id], world.users["coord"])
    referents.save_card(
        db,
        referent,
        fonction="Infirmière coordinatrice",
        telephone="04 73 00 00 01",
        courriel="rose@centre.fr",
        disponibilites="Le mardi matin",
        public=True,
    )
    referents.save_card(
        db,
        shy,
        fonction="Conseillère",
        telephone="04 73 00 00 02",
        courriel="denise@asso.fr",
        disponibilites="",
        public=False,
    )
    db.flush()
    text = visible(testapp.get("/reseau"))  # anonymous visitor
    assert "Rose Santé" in text and "04 73 00 00 01" in text and "rose@centre.fr" in text
    assert "Denise" not in text and "04 73 00 00 02" not in text and "denise@asso.fr" not in text
    assert "Un référent joignable par les partenaires connectés" in text
    assert "discrete@test.fr" not in text and "referente.sante@test.fr" not in text
    login(world.users["nobody"].email)  # any logged-in partner sees every card
    text = visible(testapp.get("/reseau"))
    assert "Denise Discrète" in text and "04 73 00 00 02" in text and "denise@asso.fr" in text
    assert "Mes fiches à relire" not in text


def test_referent_edits_their_own_card(testapp, world, db, login):
    referent, *_ = _setup(db, world)
    login(world.users["nobody"].email)
    assert testapp.get("/reseau/mes-coordonnees").status_int == 303  # not a référent
    login(referent.email)
    form = testapp.get("/reseau/mes-coordonnees").forms["deform"]
    form["telephone"] = "pas un numéro"
    form["disponibilites"] = "<script>alert(1)</script> le jeudi"
    page = form.submit("save")
    assert field_error(page, "telephone")
    assert page.forms["deform"]["disponibilites"].value == "<script>alert(1)</script> le jeudi"
    form = page.forms["deform"]
    form["telephone"] = "04 73 11 22 33"
    form["public"] = True
    page = form.submit("save").follow()
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    testapp.reset()
    assert "04 73 11 22 33" in visible(testapp.get("/reseau"))


def test_demo_guide_has_referents_on_the_network_page(testapp, demo_guide, login):
    text = visible(testapp.get("/reseau"))
    assert "Famille" in text and "Référente familles des centres sociaux" in text and "04 65 71 50 10" in text
    assert "Conseillère conjugale" not in text  # that référente did not agree to be shown to everyone
    login("partenaire@guide.localhost", DEMO_PASSWORD)
    text = visible(testapp.get("/reseau"))
    assert "Conseillère conjugale et familiale" in text and "Travailleur social, accueil du CCAS" in text
    login("centre-social@guide.localhost", DEMO_PASSWORD)
    assert "Vous êtes référent pour" in visible(testapp.get("/coordination"))


def test_a_coordinator_who_is_also_referent_gets_one_digest(testapp, world, db):
    coord = world.users["coord"]
    referents.name(db, coord.email, [_thematique(db, "acces-aux-droits").id], coord)
    plain = factories.user(db, "referent.droits@test.fr")
    db.flush()
    referents.name(db, plain.email, [_thematique(db, "acces-aux-droits").id], coord)
    fiche = world.fiches["published_a"]
    reports.submit(db, fiche, "Les horaires du mercredi ont changé.", "", "hash")
    db.flush()

    class Mailer:
        def __init__(self):
            self.sent = []

        def build(self, to, subject, body):
            return (to, subject, body)

        def deliver(self, message):
            self.sent.append(message)

    mailer = Mailer()
    count = reports.send_report_digest(db, mailer, testapp.app.registry.settings)
    recipients = sorted(to for to, _subject, _body in mailer.sent)
    assert recipients == sorted({"admin@test.fr", "coord@test.fr", "referent.droits@test.fr"})
    assert count == 3


def test_referent_runs_a_campaign_on_their_thematiques_only(testapp, world, db, login, mailbox):
    referent, sante, droits, *_ = _setup(db, world)
    fiche = fiches.create_fiche(
        db, world.orgs["b"], factories.content(nom="Centre de vaccination", thematiques=["sante"]), referent
    )
    fiches.transition(db, fiche, "publish", world.users["coord"])
    theirs = campaigns.create_campaign(db, "Coordination", {"mode": "all"}, "", world.users["coord"])
    db.flush()
    login(referent.email)
    assert testapp.get(f"/coordination/campagnes/{theirs.id}", expect_errors=True).status_int == 403
    assert post(testapp, f"/coordination/campagnes/{theirs.id}/envoyer", expect_errors=True).status_int == 403
    assert f"/coordination/campagnes/{theirs.id}" not in testapp.get("/coordination/campagnes").text
    page = testapp.get("/coordination").click("Campagnes de mise à jour de vos thématiques")
    page = page.click("Nouvelle campagne")
    form = page.forms["deform"]
    boxes = [box._value for box in form.fields.get("checkbox", [])]
    assert boxes == [str(sante.id)]  # their thématique only; no « toutes les structures », no quartier
    (radio_name, radios), *_ = [
        (name, fields) for name, fields in form.fields.items() if isinstance(fields[0], webtest.forms.Radio)
    ]
    assert [option[0] for option in radios[0].options] == ["thematique"]
    # a forged thématique or mode is refused beside the field, with the title kept
    forged = [
        ("csrf_token", csrf_token(testapp)),
        ("__formid__", "deform"),
        ("title", "Relance santé"),
        (radio_name, "all"),
        ("__start__", "thematique:sequence"),
        ("checkbox", str(droits.id)),
        ("__end__", "thematique:sequence"),
        ("message", ""),
        ("preview", "1"),
    ]
    page = testapp.post("/coordination/campagnes/nouvelle", forged)
    assert page.status_int == 200 and page.forms["deform"]["title"].value == "Relance santé"
    assert db.scalars(select(Campaign).where(Campaign.created_by_id == referent.id)).all() == []
    form = page.forms["deform"]
    choose(form, "thematique")
    _tick(form, str(sante.id))
    page = form.submit("preview").follow()
    assert "Structures concernées (1)" in visible(page)  # Bêta Santé
    page = page.forms["send-campaign"].submit().follow()
    assert "Bêta Santé" in visible(page)
    # no link to pages a référent may not open (invitations, the organisation's space)
    assert "/coordination/inviter" not in page.text and "/espace/structures/" not in page.text
    mail = mailbox.wait_for("owner.b@test.fr")
    assert "Centre de vaccination" in mailbox.body(mail)
    assert "Fiche published b" not in mailbox.body(mail)  # « Accès aux droits »: not this campaign's
