"""The publication workflow, working copies of published fiches, the review queue and the dashboard."""

from __future__ import annotations

import pytest

from guide import workflow
from guide.models import FicheEvent, IndexChange, State
from guide.services import fiches
from tests.factories import content

from .helpers import post, visible


def test_workflow_is_consistent():
    workflow.check()


def test_workflow_check_refuses_an_unreachable_state():
    broken = [t for t in workflow.TRANSITIONS if t.name != "archive"]
    with pytest.raises(workflow.WorkflowError):
        workflow.check(broken)


def test_transition_from_wrong_state_is_refused(db, world):
    with pytest.raises(workflow.WorkflowError):
        fiches.transition(db, world.fiches["draft_a"], "send_back", world.users["coord"], "non")


def test_send_back_requires_a_comment(db, world):
    with pytest.raises(workflow.WorkflowError, match="commentaire"):
        fiches.transition(db, world.fiches["pending_a"], "send_back", world.users["coord"], "   ")


def test_full_cycle_is_recorded_in_history(db, world):
    fiche = world.fiches["draft_a"]
    coord, editor = world.users["coord"], world.users["editor_a"]
    fiches.transition(db, fiche, "submit", editor)
    fiches.transition(db, fiche, "send_back", coord, "Ajoutez le téléphone.")
    fiches.transition(db, fiche, "submit", editor)
    fiches.transition(db, fiche, "publish", coord)
    fiches.transition(db, fiche, "archive", coord, "Le service a fermé.")
    fiches.transition(db, fiche, "restore", coord)
    actions = [(e.action, e.from_state, e.to_state, e.actor.email if e.actor else None) for e in fiche.events]
    assert actions[1:] == [
        ("submit", State.DRAFT, State.PENDING, "editor.a@test.fr"),
        ("send_back", State.PENDING, State.DRAFT, "coord@test.fr"),
        ("submit", State.DRAFT, State.PENDING, "editor.a@test.fr"),
        ("publish", State.PENDING, State.PUBLISHED, "coord@test.fr"),
        ("archive", State.PUBLISHED, State.ARCHIVED, "coord@test.fr"),
        ("restore", State.ARCHIVED, State.DRAFT, "coord@test.fr"),
    ]
    assert fiche.events[2].comment == "Ajoutez le téléphone."
    # a restored fiche is not public until it is published again
    assert not fiche.is_public


def test_publishing_and_archiving_write_the_search_change_log(db, world):
    fiche = world.fiches["pending_a"]
    before = db.query(IndexChange).filter_by(fiche_id=fiche.id).count()
    fiches.transition(db, fiche, "publish", world.users["coord"])
    fiches.transition(db, fiche, "archive", world.users["coord"])
    db.flush()
    assert db.query(IndexChange).filter_by(fiche_id=fiche.id).count() == before + 2


def test_partner_edit_of_published_fiche_is_a_working_copy(testapp, world, login, db):
    fiche = world.fiches["published_a"]
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Nouveau titre pas encore validé"
    page = form.submit("save").follow()
    assert "Le public voit la version publiée" in page.text
    db.expire_all()
    assert fiche.state == State.DRAFT
    assert fiche.published_version.nom == "Fiche published a"
    assert fiche.current_version.nom == "Nouveau titre pas encore validé"
    # the public still sees the published version
    public = testapp.get(f"/fiche/{fiche.id}").maybe_follow()
    assert "Fiche published a" in public.text
    assert "pas encore validé" not in public.text
    # submit, then a coordinator publishes the new version
    post(testapp, f"/espace/fiches/{fiche.id}/etat/submit")
    login(world.users["coord"].email)
    queue = testapp.get("/coordination")
    assert "Nouveau titre pas encore validé" in queue.text
    assert "Modification d'une fiche publiée" in visible(queue)
    post(testapp, f"/espace/fiches/{fiche.id}/etat/publish")
    testapp.reset()
    public = testapp.get(f"/fiche/{fiche.id}").maybe_follow()
    assert "Nouveau titre pas encore validé" in public.text


def test_direct_publication_makes_edits_public_at_once(testapp, world, login, db):
    fiche = world.fiches["published_c"]
    login(world.users["editor_c"].email)
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Titre publié directement"
    form.submit("save").follow()
    db.expire_all()
    assert fiche.state == State.PUBLISHED
    assert fiche.published_version.nom == "Titre publié directement"


def test_coordinator_can_grant_direct_publication(testapp, world, login, db):
    login(world.users["coord"].email)
    org = world.orgs["a"]
    post(testapp, f"/coordination/structures/{org.id}/publication-directe", {"direct": "1"})
    db.expire_all()
    assert org.direct_publication
    login(world.users["editor_a"].email)
    response = post(testapp, f"/espace/fiches/{world.fiches['draft_a'].id}/etat/publish")
    assert response.status_int == 303
    db.expire_all()
    assert world.fiches["draft_a"].state == State.PUBLISHED


def test_review_queue_lists_oldest_first(db, world):
    coord = world.users["coord"]
    newer = fiches.create_fiche(db, world.orgs["b"], content(nom="Toute nouvelle"), coord)
    fiches.transition(db, newer, "submit", coord)
    queue = fiches.review_queue(db)
    names = [f.title for f in queue]
    assert names.index("Toute nouvelle") == len(names) - 1
    assert all(f.state == State.PENDING for f in queue)


def test_send_back_from_the_page_requires_a_comment(testapp, world, login, db):
    login(world.users["coord"].email)
    fiche = world.fiches["pending_a"]
    page = post(testapp, f"/espace/fiches/{fiche.id}/etat/send_back", {"comment": ""}).follow()
    assert "commentaire est obligatoire" in page.text
    db.expire_all()
    assert fiche.state == State.PENDING
    post(testapp, f"/espace/fiches/{fiche.id}/etat/send_back", {"comment": "Précisez le public."})
    db.expire_all()
    assert fiche.state == State.DRAFT
    login(world.users["editor_a"].email)
    dashboard = testapp.get("/espace")
    assert "Précisez le public." in dashboard.text


def test_a_workflow_comment_is_stored_without_invisible_characters_and_capped(testapp, world, login, db):
    login(world.users["coord"].email)
    fiche = world.fiches["pending_a"]
    url = f"/espace/fiches/{fiche.id}/etat/send_back"
    page = post(testapp, url, {"comment": "x" * 2001}).follow()
    assert "2000 caractères au plus" in visible(page)
    db.expire_all()
    assert fiche.state == State.PENDING
    # a right-to-left override and zero-width spaces would disguise the text shown to the partner
    post(testapp, url, {"comment": "  Pr\u202eécisez\u200b le public.\u200b  "})
    db.expire_all()
    assert fiche.state == State.DRAFT
    assert fiche.events[-1].comment == "Précisez le public."


def test_dashboard_groups_fiches_by_state(testapp, world, login):
    login(world.users["owner_a"].email)
    page = testapp.get("/espace")
    text = page.text
    for state in ("draft", "pending", "published", "archived"):
        assert f"Fiche {state} a" in text
    assert "Fiche draft b" not in text
    assert text.index("Fiche draft a") < text.index("Fiche pending a") < text.index("Fiche published a")


def test_unknown_transition_is_404(testapp, world, login):
    login(world.users["coord"].email)
    response = post(testapp, f"/espace/fiches/{world.fiches['draft_a'].id}/etat/explode", expect_errors=True)
    assert response.status_int == 404


def test_events_keep_who_and_when(db, world):
    fiche = world.fiches["published_a"]
    events = db.query(FicheEvent).filter_by(fiche_id=fiche.id).all()
    assert [e.action for e in events] == ["create", "publish"]
    assert all(e.at is not None and e.at.tzinfo is not None for e in events)


def _buttons(page):
    return [button.get_text(strip=True) for button in page.html.select("form#deform button[type=submit]")]


def test_a_partner_creates_a_fiche_and_submits_it_in_the_same_click(testapp, world, login, db):
    """« Créer et soumettre »: the partner does not have to find a second button on the next page. The new
    fiche starts with its organisation's contact details (most services answer there)."""
    org = world.orgs["a"]
    org.telephone, org.courriel = "04 73 98 07 81", "accueil@alpha.example"
    db.commit()
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/structures/{org.id}/fiches/nouvelle")
    assert _buttons(page) == ["Créer la fiche", "Créer et soumettre"]
    form = page.forms["deform"]
    assert form["telephone"].value == "04 73 98 07 81"
    assert form["courriel"].value == "accueil@alpha.example"
    assert form["site_web"].value == ""
    form["nom"] = "Permanence logement du jeudi"
    form["resume"] = "Aide pour les impayés de loyer et les démarches auprès du bailleur."
    next(box for box in form.fields["checkbox"] if box._value == "acces-aux-droits").checked = True
    page = form.submit("save_submit").follow()
    assert "La fiche est créée et soumise à la coordination." in visible(page)
    fiche = next(f for f in org.fiches if f.title == "Permanence logement du jeudi")
    db.refresh(fiche)
    assert fiche.state == State.PENDING
    assert [event.action for event in fiche.events] == ["create", "submit"]
    assert fiche.current_version.telephone == "04 73 98 07 81"


def test_a_partner_saves_and_submits_a_working_copy_of_a_published_fiche(testapp, world, login, db):
    fiche = world.fiches["published_a"]
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/fiches/{fiche.id}/modifier")
    assert _buttons(page) == ["Enregistrer", "Enregistrer et soumettre"]
    form = page.forms["deform"]
    form["nom"] = "Nouveau titre à valider"
    page = form.submit("save_submit").follow()
    assert "La fiche est enregistrée et soumise à la coordination." in visible(page)
    db.expire_all()
    assert fiche.state == State.PENDING
    assert fiche.published_version.nom == "Fiche published a"  # the public keeps the published text
    assert fiche.current_version.nom == "Nouveau titre à valider"
    # submitted: saving again keeps it waiting, and no second button offers what is already done
    page = testapp.get(f"/espace/fiches/{fiche.id}/modifier")
    assert _buttons(page) == ["Enregistrer"]


def test_saving_and_submitting_an_unchanged_draft_submits_it(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"].submit("save_submit").follow()
    assert "La fiche est soumise à la coordination (sans modification)." in visible(page)
    db.expire_all()
    assert fiche.state == State.PENDING and len(fiche.versions) == 1


def test_those_who_may_publish_save_and_publish_in_one_click(testapp, world, login, db):
    """A direct-publication service's editor, and a coordinator on a fiche waiting for review."""
    draft = world.fiches["draft_c"]
    login(world.users["editor_c"].email)
    page = testapp.get(f"/espace/fiches/{draft.id}/modifier")
    assert _buttons(page) == ["Enregistrer", "Enregistrer et publier"]
    form = page.forms["deform"]
    form["nom"] = "Accueil du service Gamma"
    page = form.submit("save_publish").follow()
    assert "La fiche est enregistrée et publiée : le public la voit dès maintenant." in visible(page)
    db.expire_all()
    assert draft.state == State.PUBLISHED and draft.published_version.nom == "Accueil du service Gamma"
    assert "Accueil du service Gamma" in testapp.get(f"/fiche/{draft.id}").maybe_follow().text
    pending = world.fiches["pending_a"]
    login(world.users["coord"].email)
    page = testapp.get(f"/espace/fiches/{pending.id}/modifier")
    assert _buttons(page) == ["Enregistrer", "Enregistrer et publier"]
    page.forms["deform"].submit("save_publish").follow()
    db.expire_all()
    assert pending.state == State.PUBLISHED
    assert _buttons(testapp.get(f"/espace/structures/{world.orgs['a'].id}/fiches/nouvelle")) == [
        "Créer la fiche",
        "Créer et publier",
    ]


def test_a_second_button_cannot_take_a_step_the_person_may_not_take(testapp, world, login, db):
    """A partner who sends « save_publish » by hand (no such button is shown to them) only saves."""
    fiche = world.fiches["draft_a"]
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["nom"] = "Titre changé"
    page = testapp.post(form.action or f"/espace/fiches/{fiche.id}/modifier", [
        *form.submit_fields(), ("save_publish", "save_publish")
    ]).follow()  # fmt: skip
    assert "publiée" not in visible(page)
    db.expire_all()
    assert fiche.state == State.DRAFT and fiche.published_version is None
    assert fiche.current_version.nom == "Titre changé"


def test_a_fiche_without_any_way_to_reach_it_is_saved_and_said(testapp, world, login, db):
    fiche = world.fiches["draft_a"]
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["telephone"], form["courriel"], form["site_web"] = "", "", ""
    page = form.submit("save").follow()
    notice = page.html.select_one(".no-contact")
    assert notice is not None and "ni téléphone, ni courriel, ni site web" in notice.get_text(" ")
    assert notice.select_one("a")["href"] == f"/espace/fiches/{fiche.id}/modifier"
    form = testapp.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    form["site_web"] = "https://alpha.example/permanences"
    page = form.submit("save").follow()
    assert page.html.select_one(".no-contact") is None
