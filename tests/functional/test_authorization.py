"""The authorization matrix: every role × every action × own / other organisation.

Users (tests/factories.py): admin, coord (coordinator), owner_a and editor_a (organisation A),
owner_b (organisation B), editor_c (organisation C, which has direct publication), nobody (a partner
without organisation), and anonymous visitors (None).
"""

from __future__ import annotations

import pytest

from guide.models import State

from .helpers import post

ROLES = ["anonymous", "nobody", "editor_a", "owner_a", "owner_b", "editor_c", "coord", "admin"]
STAFF = {"coord", "admin"}


def _login(login, world, who):
    if who != "anonymous":
        login(world.users[who].email)


def _expect(allowed: bool, who: str) -> set[int]:
    if allowed:
        return {200, 303}
    return {303} if who == "anonymous" else {403}


# (name, method, url template, who is allowed). Fiche keys are "<state>_<org>".
PAGES = [
    ("manage own draft", "GET", "/espace/fiches/{draft_a}", {"editor_a", "owner_a"} | STAFF),
    ("edit form of a draft", "GET", "/espace/fiches/{draft_a}/modifier", {"editor_a", "owner_a"} | STAFF),
    ("history of a draft", "GET", "/espace/fiches/{draft_a}/historique", {"editor_a", "owner_a"} | STAFF),
    ("a version of a draft", "GET", "/espace/fiches/{draft_a}/versions/1", {"editor_a", "owner_a"} | STAFF),
    (
        "compare versions",
        "GET",
        "/espace/fiches/{draft_a}/comparer?de=1&a=1",
        {"editor_a", "owner_a"} | STAFF,
    ),
    ("manage a pending fiche of B", "GET", "/espace/fiches/{pending_b}", {"owner_b"} | STAFF),
    (
        "archived fiche stays readable by its members",
        "GET",
        "/espace/fiches/{archived_a}",
        {"editor_a", "owner_a"} | STAFF,
    ),
    ("new fiche form", "GET", "/espace/structures/{org_a}/fiches/nouvelle", {"editor_a", "owner_a"} | STAFF),
    ("organisation space", "GET", "/espace/structures/{org_a}", {"editor_a", "owner_a"} | STAFF),
    ("edit organisation", "GET", "/espace/structures/{org_a}/modifier", {"editor_a", "owner_a"} | STAFF),
    ("add a lieu", "GET", "/espace/structures/{org_a}/lieux/nouveau", {"editor_a", "owner_a"} | STAFF),
    ("edit a lieu", "GET", "/espace/lieux/{lieu_a}/modifier", {"editor_a", "owner_a"} | STAFF),
    ("manage members", "GET", "/espace/structures/{org_a}/membres", {"owner_a"} | STAFF),
    ("dashboard", "GET", "/espace", set(ROLES) - {"anonymous"}),
    ("review queue", "GET", "/coordination", STAFF),
    ("organisations", "GET", "/coordination/structures", STAFF),
    ("invite partners", "GET", "/coordination/inviter", STAFF),
    ("quartiers", "GET", "/coordination/quartiers", STAFF),
    ("thématiques", "GET", "/coordination/thematiques", STAFF),
    ("accounts", "GET", "/admin/comptes", {"admin"}),
]


def _url(template: str, world) -> str:
    values = {key: fiche.id for key, fiche in world.fiches.items()}
    values.update({f"org_{k}": org.id for k, org in world.orgs.items()})
    values.update({f"lieu_{k}": lieu.id for k, lieu in world.lieux.items()})
    return template.format(**values)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("name", "method", "template", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(testapp, world, login, who, name, method, template, allowed):
    _login(login, world, who)
    response = testapp.get(_url(template, world), expect_errors=True)
    assert response.status_int in _expect(who in allowed, who), (who, name, response.status)
    if who == "anonymous" and who not in allowed:
        assert "/connexion?next=" in response.location


# (transition, fiche key, who may apply it)
TRANSITIONS = [
    ("submit", "draft_a", {"editor_a", "owner_a"} | STAFF),
    ("retract", "pending_a", {"editor_a", "owner_a"} | STAFF),
    ("publish", "pending_a", STAFF),
    ("publish", "pending_c", {"editor_c"} | STAFF),  # direct publication
    ("publish", "draft_c", {"editor_c"} | STAFF),
    ("send_back", "pending_a", STAFF),
    ("archive", "published_a", STAFF),
    ("restore", "archived_a", STAFF),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(
    ("transition", "key", "allowed"), TRANSITIONS, ids=[f"{t[0]}-{t[1]}" for t in TRANSITIONS]
)
def test_transitions(testapp, world, login, db, who, transition, key, allowed):
    _login(login, world, who)
    fiche = world.fiches[key]
    before = fiche.state
    response = post(
        testapp,
        f"/espace/fiches/{fiche.id}/etat/{transition}",
        {"comment": "Merci de préciser les horaires."},
        expect_errors=True,
    )
    db.expire_all()
    if who in allowed:
        assert response.status_int == 303
        assert fiche.state != before, (who, transition)
    else:
        assert response.status_int in _expect(False, who)
        assert fiche.state == before


@pytest.mark.parametrize("who", ROLES)
def test_saving_another_organisations_fiche_is_refused(testapp, world, login, db, who):
    """Even with a hand-made POST, a fiche of organisation B cannot be changed by A's partners."""
    _login(login, world, who)
    fiche = world.fiches["draft_b"]
    response = post(
        testapp, f"/espace/fiches/{fiche.id}/modifier", {"nom": "Piraté", "save": "save"}, expect_errors=True
    )
    db.expire_all()
    if who in {"owner_b"} | STAFF:
        assert response.status_int in {200, 303}
    else:
        assert response.status_int in _expect(False, who)
        assert fiche.title == "Fiche draft b"


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("key", ["draft_a", "pending_a", "archived_a"])
def test_unpublished_fiches_are_not_public(testapp, world, login, who, key):
    """Whoever asks, the public page of a fiche that is not published does not exist."""
    _login(login, world, who)
    response = testapp.get(f"/fiche/{world.fiches[key].id}", expect_errors=True)
    assert response.status_int == 404


@pytest.mark.parametrize("who", ROLES)
def test_published_fiches_are_public(testapp, world, login, who):
    _login(login, world, who)
    response = testapp.get(f"/fiche/{world.fiches['published_b'].id}").maybe_follow()
    assert "Fiche published b" in response.text


def test_direct_url_to_another_organisations_draft_shows_nothing_of_it(testapp, world, login):
    login(world.users["owner_b"].email)
    for url in (
        f"/espace/fiches/{world.fiches['draft_a'].id}",
        f"/espace/fiches/{world.fiches['draft_a'].id}/versions/1",
        f"/espace/fiches/{world.fiches['draft_a'].id}/historique",
    ):
        response = testapp.get(url, expect_errors=True)
        assert response.status_int == 403
        assert "Fiche draft a" not in response.text


def test_members_of_an_organisation_cannot_touch_an_archived_fiche(testapp, world, login, db):
    login(world.users["editor_a"].email)
    fiche = world.fiches["archived_a"]
    response = testapp.get(f"/espace/fiches/{fiche.id}/modifier", expect_errors=True)
    assert response.status_int == 403
    assert fiche.state == State.ARCHIVED
