"""The authorization matrix over HTTP: every role walks every page; each workflow transition and each
refusal is tried by a sample of roles (one allowed, one refused, an anonymous visitor). The whole matrix of
roles × contexts × permissions is checked on the ACL functions themselves in tests/unit/test_acl.py.

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
def test_pages(testapp, world, login, who):
    """Each role walks every page once (one world, one login per role; every page checked)."""
    _login(login, world, who)
    wrong = []
    for name, _method, template, allowed in PAGES:
        response = testapp.get(_url(template, world), expect_errors=True)
        if response.status_int not in _expect(who in allowed, who):
            wrong.append((name, response.status))
        elif who == "anonymous" and who not in allowed and "/connexion?next=" not in response.location:
            wrong.append((name, response.location))
    assert not wrong, (who, wrong)


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


def _sample(allowed: set[str], key: str) -> list[str]:
    """A role that may apply the transition (a partner when one may) and a partner that may not (a member of
    the fiche's organisation when one may not, else one of another organisation)."""
    members = {"a": ["editor_a", "owner_a"], "c": ["editor_c"]}[key[-1]]
    yes = next((who for who in [*members, "coord"] if who in allowed), "admin")
    no = next(who for who in [*members, "owner_b", "nobody"] if who not in allowed)
    return [yes, no]


TRANSITION_CASES = [
    pytest.param(who, transition, key, allowed, id=f"{transition}-{key}-{who}")
    for transition, key, allowed in TRANSITIONS
    for who in _sample(allowed, key)
] + [pytest.param("anonymous", "submit", "draft_a", TRANSITIONS[0][2], id="submit-draft_a-anonymous")]


@pytest.mark.parametrize(("who", "transition", "key", "allowed"), TRANSITION_CASES)
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


@pytest.mark.parametrize("who", ["anonymous", "editor_a", "owner_b", "coord"])
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


@pytest.mark.parametrize("who", ["anonymous", "owner_a", "admin"])
def test_unpublished_fiches_are_not_public(testapp, world, login, who):
    """Whoever asks, the public page of a fiche that is not published does not exist."""
    _login(login, world, who)
    for key in ("draft_a", "pending_a", "archived_a"):
        response = testapp.get(f"/fiche/{world.fiches[key].id}", expect_errors=True)
        assert response.status_int == 404, (who, key)


@pytest.mark.parametrize("who", ["anonymous", "owner_a", "coord"])
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
