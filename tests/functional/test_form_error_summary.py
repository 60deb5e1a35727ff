"""A partner on a phone sends a fiche with mistakes: the top of the page lists each one, linked to its field
(the form is many screens long), and keeps everything typed."""

from __future__ import annotations

from .helpers import visible


def test_a_fiche_sent_with_mistakes_lists_them_at_the_top_with_links(testapp, world, login):
    org = world.orgs["a"]
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/structures/{org.id}/fiches/nouvelle").forms["deform"]
    form["nom"] = "Permanence logement du jeudi"
    form["resume"] = "Aide pour les impayés de loyer."
    form["telephone"] = "04 73 12"
    page = form.submit("save", status=200)

    summary = page.html.select_one(".error-summary")
    assert summary is not None and summary.get("role") == "alert"
    assert "Rien de ce que vous avez saisi n'a été perdu." in summary.get_text(" ")
    links = summary.select("li a")
    texts = [" ".join(a.get_text(" ").split()) for a in links]
    assert texts[0] == "Thématiques : Choisissez au moins une thématique."
    assert texts[1].startswith("Téléphone : Numéro de téléphone non reconnu")
    for link in links:
        target = page.html.find(id=link["href"].removeprefix("#"))
        assert target is not None and target.select_one("[aria-invalid=true], .invalid-feedback"), link
    # nothing typed is lost
    again = page.forms["deform"]
    assert again["nom"].value == "Permanence logement du jeudi"
    assert again["telephone"].value == "04 73 12"


def test_a_form_shown_for_the_first_time_lists_no_error(testapp, world, login):
    login(world.users["editor_a"].email)
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}/fiches/nouvelle")
    assert page.html.select_one(".error-summary") is None
    assert "contient des erreurs" not in visible(page)


def test_the_login_form_links_its_fields_too(testapp):
    form = testapp.get("/connexion").forms["deform"]
    form["email"] = "pas-une-adresse"
    page = form.submit("login", status=200)
    links = page.html.select(".error-summary li a")
    assert links, page.html.select_one(".error-summary")
    for link in links:
        target = page.html.find(id=link["href"].removeprefix("#"))
        assert target is not None and target.select_one(".invalid-feedback"), link
    assert page.forms["deform"]["email"].value == "pas-une-adresse"


def test_a_broken_submission_is_answered_with_no_link_to_nowhere(testapp, world, login):
    """A hand-made or truncated POST (unbalanced groups) gets the form again with a general message: the list
    links only to places on that page."""
    org = world.orgs["a"]
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/structures/{org.id}/fiches/nouvelle").forms["deform"]
    fields = [*form.submit_fields(), ("fermetures", "x")]  # a flat value where a sequence is expected
    page = testapp.post(f"/espace/structures/{org.id}/fiches/nouvelle", [*fields, ("save", "")], status=200)
    assert "incomplet ou abîmé" in visible(page)
    for link in page.html.select(".error-summary a"):
        assert page.html.find(id=link["href"].removeprefix("#")) is not None, link


def test_the_coordination_and_member_invitations_list_their_mistakes(testapp, world, login):
    login(world.users["admin"].email)
    page = testapp.get("/coordination/inviter")
    form = page.forms["partner"]
    form["email"] = "pas une adresse"
    page = form.submit("invite", status=200)
    links = page.html.select(".error-summary li a")
    assert [a.get_text().split(" : ")[0] for a in links] == ["Adresse électronique", "Structure"], links
    assert page.html.find(id=links[0]["href"][1:]).select_one("[aria-invalid=true]") is not None

    login(world.users["owner_a"].email)
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}/membres")
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = "pas une adresse"
    page = form.submit(status=200)
    assert page.html.select(".error-summary li a"), page.html.select_one(".error-summary")
