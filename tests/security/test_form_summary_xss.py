"""The list of mistakes above a form repeats what colander says of a value, and colander quotes the value
(« "…" ne fait pas partie des choix suivants »): a posted <img onerror> must reach that list as text."""

from __future__ import annotations

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_a_value_quoted_in_the_list_of_mistakes_is_text(testapp, world, login):
    org = world.orgs["a"]
    login(world.users["editor_a"].email)
    url = f"/espace/structures/{org.id}/fiches/nouvelle"
    form = testapp.get(url).forms["deform"]
    fields = [(k, v) for k, v in form.submit_fields() if k != "type_service"]
    page = testapp.post(url, [*fields, ("type_service", PAYLOAD), ("save", "")], status=200)
    summary = page.html.select_one(".error-summary")
    assert summary.select("img") == []
    assert PAYLOAD in summary.get_text()  # shown as typed, escaped in the HTML
    assert PAYLOAD not in page.text
