"""The shared agenda, partner and coordination side: a partner announces an event (once or a series),
submits it, the coordination (or a référent of its thématique) publishes it or sends it back with a
comment and a mail; a date of a series can be cancelled; partners touch only their own organisation's
events (the authorization matrix); bad input gets a French message beside the field, typed values kept."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from guide import hours
from guide.models import Event, EventHistory, EventKind, State, Thematique
from guide.services import agenda, referents
from guide.services.agenda import EventInput, Recurrence

from .. import factories
from .helpers import choose, csrf_token, field_error, post, visible

ROLES = ["anonymous", "nobody", "editor_a", "owner_a", "owner_b", "editor_c", "coord", "admin"]
STAFF = {"coord", "admin"}


def _next_weekday(weekday: int, weeks: int = 1) -> dt.date:
    today = hours.today()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def _thematique(db, slug):
    return db.scalars(select(Thematique).where(Thematique.slug == slug)).one()


def _event(db, world, org="a", state=State.DRAFT, thematique="acces-aux-droits", recurrence=None, **kw):
    organisation = world.orgs[org]
    data = EventInput(
        titre=kw.pop("titre", f"Atelier {org}"),
        kind=kw.pop("kind", EventKind.ATELIER),
        day=kw.pop("day", _next_weekday(1)),
        start_time=dt.time(14),
        end_time=dt.time(16),
        recurrence=recurrence,
        thematique_ids=[_thematique(db, thematique).id],
        lieu_id=world.lieux[org].id,
        **kw,
    )
    event = agenda.save_event(db, organisation, data, world.users["coord"])
    if state in (State.PENDING, State.PUBLISHED, State.ARCHIVED):
        agenda.transition(db, event, "submit", world.users["coord"])
    if state in (State.PUBLISHED, State.ARCHIVED):
        agenda.transition(db, event, "publish", world.users["coord"])
    if state == State.ARCHIVED:
        agenda.transition(db, event, "archive", world.users["coord"])
    db.flush()
    return event


def _tick(form, name_values):
    """Tick exactly these boxes of deform's checkbox choices (all named « checkbox »)."""
    for box in form.fields.get("checkbox", []):
        box.checked = box._value in name_values


def _fill(form, day, thematique_id, **values):
    form["titre"] = values.get("titre", "Atelier cuisine parents-enfants")
    form["day"] = day.isoformat()
    form["start_time"] = values.get("start_time", "14:00")
    form["end_time"] = values.get("end_time", "16:00")
    for key in (
        "frequency",
        "until",
        "count",
        "end_day",
        "tarif",
        "adresse",
        "inscription",
        "inscription_modalites",
    ):
        if key in values:
            form[key] = values[key]
    _tick(form, {str(thematique_id)} | set(values.get("publics", ())))


def test_partner_announces_a_weekly_series_coordination_sends_back_then_publishes(
    testapp, world, db, login, mailbox
):
    droits = _thematique(db, "acces-aux-droits")
    tuesday = _next_weekday(1)
    until = tuesday + dt.timedelta(weeks=6)
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}").click(
        href=r"/espace/structures/\d+/agenda$"
    )
    assert "Aucun événement publié à venir" in visible(page)
    assert (
        f"/espace/structures/{world.orgs['a'].id}/agenda" in testapp.get("/espace").text
    )  # from the dashboard
    page = page.click(href="/agenda/nouveau$")
    form = page.forms["deform"]
    _fill(form, tuesday, droits.id, frequency="weekly", until=until.isoformat())
    form["lieu_id"] = str(world.lieux["a"].id)
    page = form.submit("save_submit").follow()
    text = visible(page)
    assert "soumis à la coordination" in text
    assert "tous les mardis de 14 h à 16 h" in text
    assert f"jusqu'au {agenda.date_fr(until)}" in text
    event = db.scalars(select(Event).where(Event.titre == "Atelier cuisine parents-enfants")).one()
    assert event.state == State.PENDING and event.rrule.startswith("FREQ=WEEKLY;BYDAY=TU")
    assert len(agenda.occurrences(event)) == 7
    assert agenda.upcoming_occurrences(db, organisation=world.orgs["a"].id) == []  # not public yet

    login(world.users["coord"].email)
    assert "Atelier cuisine parents-enfants" in visible(testapp.get("/coordination"))  # the one review queue
    queue = testapp.get("/coordination/agenda")
    assert "Atelier cuisine parents-enfants" in visible(queue)
    page = post(
        testapp, f"/espace/agenda/{event.id}/etat/send_back?from=queue", {"comment": "Précisez le public."}
    )
    assert page.location.endswith("/coordination/agenda")
    db.refresh(event)
    assert event.state == State.DRAFT and event.review_comment == "Précisez le public."
    mail = mailbox.wait_for("editor.a@test.fr")
    subject = str(make_header(decode_header(mail["Subject"]))).replace("\r\n", "")
    assert subject == "Événement renvoyé : Atelier cuisine parents-enfants"
    assert "Précisez le public." in mailbox.body(mail)
    assert f"http://localhost/espace/agenda/{event.id}" in mailbox.body(mail)
    assert mailbox.wait_for("owner.a@test.fr")

    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/agenda/{event.id}")
    assert "Précisez le public." in visible(page)
    form = testapp.get(f"/espace/agenda/{event.id}/modifier").forms["deform"]
    assert form["until"].value == until.isoformat()  # the series comes back into the form
    _fill(form, tuesday, droits.id, frequency="weekly", until=until.isoformat(), publics={"familles"})
    form.submit("save_submit").follow()
    login(world.users["coord"].email)
    post(testapp, f"/espace/agenda/{event.id}/etat/publish", {"comment": ""})
    db.refresh(event)
    assert event.state == State.PUBLISHED
    found = agenda.upcoming_occurrences(db, organisation=world.orgs["a"].id)
    assert [o.local_date for o in found][:2] == [tuesday, tuesday + dt.timedelta(weeks=1)]
    actions = [h.action for h in db.scalars(select(EventHistory).where(EventHistory.event_id == event.id))]
    assert actions == ["create", "submit", "send_back", "save", "submit", "publish"]


def test_bad_input_gets_french_messages_beside_the_fields_and_keeps_what_was_typed(testapp, world, db, login):
    droits = _thematique(db, "acces-aux-droits")
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}/agenda/nouveau")
    form = page.forms["deform"]
    day = _next_weekday(2)
    _fill(form, day, droits.id, titre="Réunion RSA", start_time="16:00", end_time="14h")
    form["lieu_id"] = str(world.lieux["a"].id)
    page = form.submit("save")
    assert "L'heure de fin doit être après l'heure de début." in field_error(page, "end_time")
    assert page.forms["deform"]["titre"].value == "Réunion RSA"
    assert page.forms["deform"]["start_time"].value == "16:00"
    form = page.forms["deform"]
    _fill(form, day, droits.id, titre="Réunion RSA", start_time="demain")
    page = form.submit("save")
    assert "Heure illisible" in field_error(page, "start_time")
    form = page.forms["deform"]
    _fill(form, day, droits.id, titre="Réunion RSA", end_time="17:00", frequency="weekly")
    page = form.submit("save")
    assert "jusqu'à quand" in field_error(page, "until")
    form = page.forms["deform"]
    form["frequency"] = ""
    form = page.forms["deform"]
    _fill(form, day, droits.id, titre="Réunion RSA", end_time="17:00", tarif="")
    choose(form, "non")
    form["inscription"] = "obligatoire"
    page = form.submit("save")
    assert "Indiquez le tarif" in field_error(page, "tarif")
    form = page.forms["deform"]
    choose(form, "non")
    form["tarif"] = "2 € par famille"
    form["inscription"] = "obligatoire"
    page = form.submit("save")
    assert "comment s'inscrire" in field_error(page, "inscription_modalites")
    assert page.forms["deform"]["tarif"].value == "2 € par famille"
    form = page.forms["deform"]
    form["day"] = (hours.today() - dt.timedelta(days=3)).isoformat()
    choose(form, "oui")
    form["inscription"] = "aucune"
    page = form.submit("save")
    assert "Cette date est passée" in field_error(page, "day")
    assert db.scalars(select(Event).where(Event.titre == "Réunion RSA")).first() is None


def test_a_forged_form_never_gets_a_server_error(testapp, world, login):
    login(world.users["editor_a"].email)
    url = f"/espace/structures/{world.orgs['a'].id}/agenda/nouveau"
    for data in (
        {"titre": "x" * 5000, "day": "31/02/2027", "start_time": "25:99", "lieu_id": "999999999999"},
        {"titre": "Atelier", "count": "9999999999999", "frequency": "yearly", "kind": "<script>"},
        {"save": "1", "checkbox": ["1"] * 500, "publics": "nope", "gratuit": "peut-être"},
    ):
        response = post(testapp, url, {"save": "Enregistrer", **data}, status="*")
        assert response.status_int == 200
    assert post(testapp, "/espace/agenda/0/etat/publish", status="*").status_int == 404
    assert post(testapp, "/espace/agenda/abc/annuler-une-date", status="*").status_int == 404


def test_a_date_of_a_series_is_cancelled_and_leaves_the_public_agenda(testapp, world, db, login):
    event = _event(
        db, world, state=State.PUBLISHED, recurrence=Recurrence("weekly", count=4), titre="Permanence CAF"
    )
    second = agenda.occurrences(event)[1].local_date
    login(world.users["editor_a"].email)
    page = post(
        testapp, f"/espace/agenda/{event.id}/annuler-une-date", {"day": second.isoformat(), "reason": "Grève"}
    )
    page = page.follow()
    assert "La date est annulée" in visible(page)
    db.refresh(event)
    assert event.cancelled == [second.isoformat()]
    assert second not in [
        o.local_date for o in agenda.upcoming_occurrences(db, organisation=world.orgs["a"].id)
    ]
    assert event.state == State.PUBLISHED  # cancelling a date needs no new review
    page = post(testapp, f"/espace/agenda/{event.id}/annuler-une-date", {"day": "2001-01-01"}).follow()
    assert "L'événement n'a pas lieu ce jour-là." in visible(page)
    post(testapp, f"/espace/agenda/{event.id}/annuler-une-date", {"day": second.isoformat(), "restore": "1"})
    db.refresh(event)
    assert event.cancelled == []


def test_a_partner_edit_of_a_published_event_goes_back_to_review(testapp, world, db, login):
    event = _event(db, world, state=State.PUBLISHED, titre="Fête de quartier")
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/agenda/{event.id}/modifier")
    assert "repasse en validation" in visible(page)
    form = page.forms["deform"]
    form["titre"] = "Fête de quartier (nouvel horaire)"
    form.submit("save")
    db.refresh(event)
    assert event.state == State.PENDING
    assert agenda.published_event(db, event.id) is None


def test_direct_publication_organisation_publishes_its_own_events(testapp, world, db, login):
    droits = _thematique(db, "acces-aux-droits")
    login(world.users["editor_c"].email)
    form = testapp.get(f"/espace/structures/{world.orgs['c'].id}/agenda/nouveau").forms["deform"]
    _fill(form, _next_weekday(3), droits.id, titre="Forum de l'emploi", adresse="Place de Jaude")
    page = form.submit("save_publish").follow()
    assert "publié" in visible(page)
    event = db.scalars(select(Event).where(Event.titre == "Forum de l'emploi")).one()
    assert event.state == State.PUBLISHED and event.adresse == "Place de Jaude"


def _ids(db, world):
    return {
        "draft_a": _event(db, world, titre="Brouillon A").id,
        "pending_a": _event(db, world, state=State.PENDING, titre="En attente A").id,
        "pending_b": _event(db, world, org="b", state=State.PENDING, titre="En attente B").id,
        "org_a": world.orgs["a"].id,
    }


PAGES = [
    ("event list of A", "GET", "/espace/structures/{org_a}/agenda", {"editor_a", "owner_a"} | STAFF),
    (
        "new event form of A",
        "GET",
        "/espace/structures/{org_a}/agenda/nouveau",
        {"editor_a", "owner_a"} | STAFF,
    ),
    ("manage a draft of A", "GET", "/espace/agenda/{draft_a}", {"editor_a", "owner_a"} | STAFF),
    ("edit a draft of A", "GET", "/espace/agenda/{draft_a}/modifier", {"editor_a", "owner_a"} | STAFF),
    ("manage a pending event of B", "GET", "/espace/agenda/{pending_b}", {"owner_b"} | STAFF),
    ("submit a draft of A", "POST", "/espace/agenda/{draft_a}/etat/submit", {"editor_a", "owner_a"} | STAFF),
    ("publish a pending event of A", "POST", "/espace/agenda/{pending_a}/etat/publish", STAFF),
    ("send back a pending event of B", "POST", "/espace/agenda/{pending_b}/etat/send_back", STAFF),
    (
        "edit a draft of A (POST)",
        "POST",
        "/espace/agenda/{draft_a}/modifier",
        {"editor_a", "owner_a"} | STAFF,
    ),
    ("event review queue", "GET", "/coordination/agenda", STAFF),
]


@pytest.mark.parametrize("who", ROLES)
def test_authorization_matrix(testapp, world, db, login, who):
    ids = _ids(db, world)
    if who != "anonymous":
        login(world.users[who].email)
    # the session's token, read once: none of these requests changes the session (a refused token would be
    # a 400, never in the expected statuses)
    token = csrf_token(testapp)
    for name, method, template, allowed in PAGES:
        url = template.format(**ids)
        if method == "GET":
            response = testapp.get(url, status="*")
        else:
            response = testapp.post(url, {"csrf_token": token, "comment": "Un commentaire."}, status="*")
        expected = {200, 303} if who in allowed else ({303} if who == "anonymous" else {403})
        assert response.status_int in expected, (name, who, response.status_int)
        if who == "anonymous" and response.status_int == 303:
            assert "/connexion" in response.location, name


def test_referents_review_only_the_events_of_their_thematiques(testapp, world, db, login, mailbox):
    sante = _thematique(db, "sante")
    referent = factories.user(db, "referente.sante@test.fr")
    referent.name = "Rose Santé"
    db.flush()
    referents.name(db, referent.email, [sante.id], world.users["coord"])
    event_sante = _event(db, world, org="b", state=State.PENDING, thematique="sante", titre="Dépistage")
    event_droits = _event(db, world, org="b", state=State.PENDING, titre="Aide aux démarches")
    db.flush()
    login(referent.email)
    for url in ("/coordination/agenda", "/coordination"):
        queue = visible(testapp.get(url))
        assert "Dépistage" in queue and "Aide aux démarches" not in queue
    refused = post(testapp, f"/espace/agenda/{event_droits.id}/etat/publish", {"comment": ""}, status="*")
    assert refused.status_int == 403
    assert testapp.get(f"/espace/agenda/{event_droits.id}/modifier", status="*").status_int == 403
    post(testapp, f"/espace/agenda/{event_sante.id}/etat/publish", {"comment": ""})
    db.refresh(event_sante)
    db.refresh(event_droits)
    assert event_sante.state == State.PUBLISHED and event_droits.state == State.PENDING
    # a référent reviews, never edits the content
    assert testapp.get(f"/espace/agenda/{event_sante.id}/modifier", status="*").status_int == 403
    # the partner reads who sent it back: the référent, not « la coordination »
    event_back = _event(db, world, org="b", state=State.PENDING, thematique="sante", titre="Vaccination")
    db.flush()
    mailbox.messages.clear()  # the publication's mail
    post(testapp, f"/espace/agenda/{event_back.id}/etat/send_back", {"comment": "Ajoutez le lieu."})
    body = mailbox.body(mailbox.wait_for("owner.b@test.fr"))
    assert "Rose Santé, référent·e du" in body and "Ajoutez le lieu." in body
    assert "coordination" not in body.lower()


def test_a_partner_withdraws_a_published_event_and_past_events_leave_the_agenda(testapp, world, db, login):
    event = _event(db, world, state=State.PUBLISHED, titre="Sortie au musée")
    assert agenda.published_event(db, event.id) is event
    login(world.users["owner_a"].email)
    page = post(testapp, f"/espace/agenda/{event.id}/etat/archive", {"comment": ""}).follow()
    assert "archivé" in visible(page)
    db.refresh(event)
    assert event.state == State.ARCHIVED and agenda.published_event(db, event.id) is None
    assert "Sortie au musée" in visible(testapp.get(f"/espace/structures/{world.orgs['a'].id}/agenda"))
    # an event that is over leaves the public agenda without anyone touching it
    published = _event(db, world, state=State.PUBLISHED, titre="Atelier passé")
    later = published.last_ends_at + dt.timedelta(minutes=1)
    assert published not in [o.event for o in agenda.upcoming_occurrences(db, now=later)]
    assert published in [o.event for o in agenda.upcoming_occurrences(db)]


def test_a_forged_cross_site_post_changes_nothing(testapp, world, db, login):
    event = _event(db, world, state=State.PENDING, titre="Réunion à protéger")
    login(world.users["coord"].email)
    response = testapp.post(f"/espace/agenda/{event.id}/etat/publish", {"comment": ""}, status="*")
    assert response.status_int in (400, 403)
    response = testapp.post(f"/espace/agenda/{event.id}/annuler-une-date", {"day": "2030-01-01"}, status="*")
    assert response.status_int in (400, 403)
    db.refresh(event)
    assert event.state == State.PENDING


def test_an_event_is_duplicated_with_new_dates(testapp, world, db, login):
    event = _event(db, world, state=State.PUBLISHED, titre="Atelier couture", gratuit=False, tarif="3 €")
    other = _event(db, world, org="b", titre="Atelier de B")
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/agenda/{event.id}").click(description="Dupliquer")
    form = page.forms["deform"]
    assert form["titre"].value == "Atelier couture" and form["tarif"].value == "3 €"
    assert form["day"].value == ""  # the new dates are the partner's to give
    form["day"] = _next_weekday(1, weeks=3).isoformat()
    page = form.submit("save").follow()
    copies = db.scalars(select(Event).where(Event.titre == "Atelier couture")).all()
    assert len(copies) == 2 and {e.state for e in copies} == {State.PUBLISHED, State.DRAFT}
    # another organisation's event is not copied into A's form
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}/agenda/nouveau?copie={other.id}")
    assert page.forms["deform"]["titre"].value == ""
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}/agenda/nouveau?copie=abc")
    assert page.forms["deform"]["titre"].value == ""
