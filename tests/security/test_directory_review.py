"""Organisations and lieux follow the rule of fiches: a partner's change is public only once reviewed.

The attack (issue 7, item 6): an editor of organisation A renames a lieu shared with organisation B; before
the fix the new name showed at once on B's published fiches, in the search results and in the API.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from guide.models import IndexChange, Lieu, Organisation
from guide.models.directory import ChangeState, DirectoryChange
from tests.functional.helpers import post, visible

NEW_NAME = "Zygomorphe Repaire"


@pytest.fixture
def shared(world, db):
    """Lieu of organisation B (shown by B's published fiche), also used by organisation A."""
    lieu = world.lieux["b"]
    lieu.organisations.append(world.orgs["a"])
    db.commit()
    return lieu


def _rename_lieu(testapp, lieu, name=NEW_NAME):
    form = testapp.get(f"/espace/lieux/{lieu.id}/modifier").forms["deform"]
    form["nom"] = name
    return form.submit("save").follow()


def _public_views(testapp, fiche):
    page = visible(testapp.get(f"/fiche/{fiche.id}").maybe_follow())
    api = testapp.get(f"/api/v1/fiches/{fiche.uid}").json
    found_new = testapp.get("/api/v1/search", {"q": "Zygomorphe"}).json
    found_old = testapp.get("/api/v1/search", {"q": "Lieu Bêta Santé"}).json
    results = visible(testapp.get("/recherche", {"q": "Fiche published b"}))
    return page, api, found_new, found_old, results


def _open_change(db, lieu):
    return db.scalar(
        select(DirectoryChange).where(
            DirectoryChange.lieu_id == lieu.id, DirectoryChange.state == ChangeState.PENDING
        )
    )


def test_renaming_a_shared_lieu_waits_for_review_everywhere_the_public_looks(
    testapp, world, login, db, shared
):
    fiche_b = world.fiches["published_b"]
    login("editor.a@test.fr")
    page = _rename_lieu(testapp, shared)
    assert "Vos modifications seront visibles après validation par la coordination" in page.text
    # The partner finds their proposal in their form, and a notice on their organisation's page.
    form = testapp.get(f"/espace/lieux/{shared.id}/modifier").forms["deform"]
    assert form["nom"].value == NEW_NAME
    assert "en attente de validation" in visible(testapp.get(f"/espace/structures/{world.orgs['a'].id}"))

    testapp.reset()
    text, api, found_new, found_old, results = _public_views(testapp, fiche_b)
    assert "Lieu Bêta Santé" in text and NEW_NAME not in text
    assert api["lieux"][0]["nom"] == "Lieu Bêta Santé"
    assert found_new["total"] == 0
    assert fiche_b.uid in {r["id"] for r in found_old["results"]}
    assert NEW_NAME not in results
    db.expire_all()
    assert db.get(Lieu, shared.id).nom == "Lieu Bêta Santé"

    # The coordinator sees the change, field by field, in the review queue, and publishes it.
    login("coord@test.fr")
    queue = testapp.get("/coordination")
    section = queue.html.select_one(f"#modification-{_open_change(db, shared).id}")
    assert section is not None
    row = " ".join(section.select_one("table.diff").get_text(" ").split())
    assert "Nom du lieu Lieu Bêta Santé Zygomorphe Repaire" in row
    before = db.scalar(select(func.count()).select_from(IndexChange))
    section_form = queue.forms[
        [f.action for f in queue.forms.values()].index(
            f"/coordination/modifications/{_open_change(db, shared).id}/publier"
        )
    ]
    section_form.submit().follow()
    db.expire_all()
    assert db.get(Lieu, shared.id).nom == NEW_NAME
    # The search-index change log got the fiches that show the lieu, as for a direct edit.
    assert db.scalar(select(func.count()).select_from(IndexChange)) > before

    testapp.reset()
    text, api, found_new, _old, _results = _public_views(testapp, fiche_b)
    assert NEW_NAME in text
    assert api["lieux"][0]["nom"] == NEW_NAME
    assert fiche_b.uid in {r["id"] for r in found_new["results"]}

    # The history says who proposed and who published.
    login("owner.b@test.fr")
    history = visible(testapp.get(f"/espace/lieux/{shared.id}/historique"))
    assert "Publiée" in history and "Editor.a" in history and "Coord" in history


def test_sent_back_with_a_required_comment_and_the_partner_is_told(testapp, world, login, db):
    login("editor.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    form["nom"] = "Association Alpha (nom usurpé)"
    form.submit("save").follow()
    change = db.scalar(select(DirectoryChange).where(DirectoryChange.organisation_id == world.orgs["a"].id))
    assert change.state == ChangeState.PENDING
    assert "(nom usurpé)" not in testapp.get("/structure/alpha").text

    login("coord@test.fr")
    page = post(testapp, f"/coordination/modifications/{change.id}/renvoyer", {"comment": "  "}).follow()
    assert "commentaire est obligatoire" in page.text
    db.expire_all()
    assert db.get(DirectoryChange, change.id).state == ChangeState.PENDING
    page = post(
        testapp, f"/coordination/modifications/{change.id}/renvoyer", {"comment": "é" * 2001}
    ).follow()
    assert "2000 caractères au plus" in page.text
    db.expire_all()
    assert db.get(DirectoryChange, change.id).state == ChangeState.PENDING
    comment = "Nom\u2067 officiel\u200b ?"  # bidi isolate and zero-width space, invisible to the partner
    post(testapp, f"/coordination/modifications/{change.id}/renvoyer", {"comment": comment}).follow()
    db.expire_all()
    assert db.get(DirectoryChange, change.id).state == ChangeState.REJECTED
    assert db.get(DirectoryChange, change.id).comment == "Nom officiel ?"
    assert db.get(Organisation, world.orgs["a"].id).nom == "Association Alpha"
    # Already decided: publishing it now does nothing.
    page = post(testapp, f"/coordination/modifications/{change.id}/publier").follow()
    assert "déjà été traitée" in page.text
    db.expire_all()
    assert db.get(Organisation, world.orgs["a"].id).nom == "Association Alpha"

    login("editor.a@test.fr")
    manage = visible(testapp.get(f"/espace/structures/{world.orgs['a'].id}"))
    assert "La coordination a renvoyé une modification" in manage and "Nom officiel ?" in manage


def test_direct_publication_organisation_edits_go_live_and_are_in_the_history(testapp, world, login, db):
    lieu = world.lieux["c"]
    login("editor.c@test.fr")
    page = _rename_lieu(testapp, lieu, "Mairie annexe Gamma")
    assert "visibles après validation" not in page.text
    db.expire_all()
    assert db.get(Lieu, lieu.id).nom == "Mairie annexe Gamma"
    assert "Mairie annexe Gamma" in visible(
        testapp.get(f"/fiche/{world.fiches['published_c'].id}").maybe_follow()
    )
    assert "Enregistrée et publiée directement" in visible(testapp.get(f"/espace/lieux/{lieu.id}/historique"))
    assert _open_change(db, lieu) is None


def test_a_lieu_shared_with_a_non_direct_organisation_is_reviewed_even_for_a_direct_one(
    testapp, world, login, db
):
    lieu = world.lieux["c"]
    lieu.organisations.append(world.orgs["b"])
    db.commit()
    login("editor.c@test.fr")
    _rename_lieu(testapp, lieu, "Renommé par Gamma")
    db.expire_all()
    assert db.get(Lieu, lieu.id).nom == "Lieu Service municipal Gamma"
    assert _open_change(db, lieu) is not None


def test_staff_edits_apply_at_once(testapp, world, login, db, shared):
    login("coord@test.fr")
    _rename_lieu(testapp, shared, "Corrigé par la coordination")
    db.expire_all()
    assert db.get(Lieu, shared.id).nom == "Corrigé par la coordination"
    record = db.scalar(select(DirectoryChange).where(DirectoryChange.lieu_id == shared.id))
    assert record.state == ChangeState.APPLIED and record.direct and record.author == world.users["coord"]
    assert record.previous == {"nom": "Lieu Bêta Santé"} and record.values == {
        "nom": "Corrigé par la coordination"
    }


def test_a_new_logo_waits_for_review_and_the_coordinator_sees_it(testapp, world, login, db):
    import io

    from PIL import Image
    from webtest import Upload

    out = io.BytesIO()
    Image.new("RGB", (30, 30), (200, 0, 0)).save(out, format="PNG")
    login("owner.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]
    form["upload"] = Upload("logo.png", out.getvalue(), "image/png")
    form.submit("save").follow()
    testapp.reset()
    assert testapp.get("/structure/alpha").html.select_one("img.org-logo") is None
    login("coord@test.fr")
    queue = testapp.get("/coordination")
    change = db.scalar(select(DirectoryChange).where(DirectoryChange.organisation_id == world.orgs["a"].id))
    proposed = queue.html.select_one(f"#modification-{change.id} table.diff img.org-logo")["src"]
    assert testapp.get(proposed).content_type == "image/png"
    post(testapp, f"/coordination/modifications/{change.id}/publier").follow()
    testapp.reset()
    assert testapp.get("/structure/alpha").html.select_one("img.org-logo")["src"] == proposed


def test_partners_cannot_publish_or_see_a_change(testapp, world, login, db, shared):
    login("editor.a@test.fr")
    _rename_lieu(testapp, shared)
    change = _open_change(db, shared)
    # The author cannot publish their own change by posting to the publication URL…
    response = post(testapp, f"/coordination/modifications/{change.id}/publier", expect_errors=True)
    assert response.status_int == 403
    assert testapp.get("/coordination", expect_errors=True).status_int == 403
    # …nor can a member of an unrelated organisation (Gamma) see, publish or send it back.
    login("editor.c@test.fr")
    for url in (
        f"/coordination/modifications/{change.id}/publier",
        f"/coordination/modifications/{change.id}/renvoyer",
    ):
        assert post(testapp, url, {"comment": "non"}, expect_errors=True).status_int == 403
    assert testapp.get("/coordination", expect_errors=True).status_int == 403
    assert testapp.get(f"/espace/lieux/{shared.id}/historique", expect_errors=True).status_int == 403
    assert testapp.get(f"/espace/lieux/{shared.id}/modifier", expect_errors=True).status_int == 403
    assert NEW_NAME not in testapp.get(f"/espace/structures/{world.orgs['c'].id}").text
    db.expire_all()
    assert db.get(DirectoryChange, change.id).state == ChangeState.PENDING
    assert db.get(Lieu, shared.id).nom == "Lieu Bêta Santé"


def test_a_new_lieu_is_not_public_until_a_published_fiche_shows_it(testapp, world, login, db):
    login("editor.a@test.fr")
    form = testapp.get(f"/espace/structures/{world.orgs['a'].id}/lieux/nouveau").forms["deform"]
    form["nom"] = "Local clandestin"
    form["adresse"] = "3 rue Cachée"
    form["code_postal"] = "63000"
    form.submit("save").follow()
    testapp.reset()
    assert "Local clandestin" not in testapp.get("/structure/alpha").text
    assert "Lieu Association Alpha" in testapp.get("/structure/alpha").text  # shown by a published fiche


def test_a_later_save_updates_the_open_change_and_going_back_withdraws_it(testapp, world, login, db, shared):
    login("editor.a@test.fr")
    _rename_lieu(testapp, shared, "Premier essai")
    _rename_lieu(testapp, shared, "Second essai")
    assert (
        db.scalar(
            select(func.count()).select_from(DirectoryChange).where(DirectoryChange.lieu_id == shared.id)
        )
        == 1
    )
    assert _open_change(db, shared).values == {"nom": "Second essai"}
    _rename_lieu(testapp, shared, "Lieu Bêta Santé")
    db.expire_all()
    assert _open_change(db, shared) is None


def test_publishing_what_the_reviewer_did_not_read_is_refused(testapp, world, login, db, shared):
    login("editor.a@test.fr")
    _rename_lieu(testapp, shared, "Version lue")
    login("coord@test.fr")
    queue = testapp.get("/coordination")
    change = _open_change(db, shared)
    seen = queue.html.select_one(f"#modification-{change.id} input[name=seen]")["value"]
    login("editor.a@test.fr")
    _rename_lieu(testapp, shared, "Version changée ensuite")
    login("coord@test.fr")
    page = post(testapp, f"/coordination/modifications/{change.id}/publier", {"seen": seen}).follow()
    assert "relisez-la" in page.text
    db.expire_all()
    assert db.get(Lieu, shared.id).nom == "Lieu Bêta Santé"
