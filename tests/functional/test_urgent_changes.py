"""Urgent changes: a temporary closure or new hours go public at once, then coordinators look at them."""

from __future__ import annotations

from sqlalchemy import select

from guide.models import UrgentChange
from tests.security.test_hours_limits import edit_controls, with_hours

from .helpers import visible


def _controls(page, *, closure=None, resume=None):
    form = page.forms["deform"]
    controls = []
    for name, value in form.submit_fields():
        if name == "resume" and resume is not None:
            value = resume
        if closure and (name, value) == ("__end__", "fermetures:sequence"):
            debut, fin, message = closure
            controls += [
                ("__start__", "fermeture:mapping"),
                ("debut", debut),
                ("fin", fin),
                ("message", message),
                ("__end__", "fermeture:mapping"),
            ]
        controls.append((name, value))
    return [*controls, ("save", "save")]


def test_a_closure_is_public_at_once_and_other_changes_wait_for_review(testapp, world, login, db):
    fiche = world.fiches["published_a"]
    old_resume = fiche.published_version.resume
    login("owner.a@test.fr")
    page = testapp.get(f"/espace/fiches/{fiche.id}/modifier")
    controls = _controls(
        page, closure=("16/02/2027", "20/02/2027", "Fermé pour travaux"), resume="Un nouveau résumé à relire."
    )
    response = testapp.post(f"/espace/fiches/{fiche.id}/modifier", controls)
    assert response.status_int == 303, visible(response)
    page = response.follow()
    assert "Les fermetures et horaires sont publiés" in visible(page)
    assert "Vos autres modifications attendent la validation" in visible(page)
    db.refresh(fiche)
    published = fiche.published_version
    assert published.fermetures == [
        {"debut": "2027-02-16", "fin": "2027-02-20", "message": "Fermé pour travaux"}
    ]
    assert published.resume == old_resume  # the rest waits
    assert fiche.current_version.resume == "Un nouveau résumé à relire."
    public = visible(testapp.get(f"/fiche/{fiche.id}").maybe_follow())
    assert "Fermé pour travaux" in public
    change = db.scalar(select(UrgentChange))
    assert change.fields == ["fermetures"] and change.author.email == "owner.a@test.fr"
    # the coordinators see it in their queue and mark it seen
    login("coord@test.fr")
    page = testapp.get("/coordination")
    assert "Changements urgents déjà publiés, à relire (1)" in visible(page)
    form = next(f for f in page.forms.values() if f.action.endswith(f"/coordination/urgents/{change.id}/vu"))
    form.submit()
    assert "à relire (0)" in visible(testapp.get("/coordination"))


def test_a_closure_date_must_exist_and_the_form_keeps_what_was_typed(testapp, world, login, db):
    fiche = world.fiches["published_a"]
    login("owner.a@test.fr")
    page = testapp.get(f"/espace/fiches/{fiche.id}/modifier")
    controls = _controls(page, closure=("31/02/2027", "02/03/2027", "Travaux"))
    response = testapp.post(f"/espace/fiches/{fiche.id}/modifier", controls)
    assert response.status_int == 200
    assert "Cette date n'existe pas : écrivez-la comme 16/02/2027." in visible(response)
    assert 'value="31/02/2027"' in response.text
    assert db.scalar(select(UrgentChange)) is None


def test_a_change_of_hours_alone_is_published_at_once(testapp, world, login, db):
    fiche = world.fiches["published_a"]
    login("editor.a@test.fr")
    new_hours = "Mo-Fr 08:30-12:00; PH off"
    controls = with_hours(
        edit_controls(testapp, fiche), "raw", [("raw", new_hours), ("confirm_reading", new_hours)]
    )
    response = testapp.post(f"/espace/fiches/{fiche.id}/modifier", controls)
    assert response.status_int == 303, visible(response)
    db.refresh(fiche)
    assert fiche.published_version.horaires == "Mo-Fr 08:30-12:00; PH off"
    assert fiche.published_version_id == fiche.current_version_id  # nothing else waits
    assert db.scalar(select(UrgentChange)).fields == ["horaires"]
