"""Permissions: the leaf module, and the ACL of each kind of context checked without a database."""

from __future__ import annotations

import subprocess
import sys

from guide.models import Fiche, Lieu, MemberRole, Membership, Organisation, SiteRole, State, User
from guide.permissions import Permission, org_principal
from guide.security import Root, permits, principals_for


def test_permissions_module_imports_neither_models_nor_policy():
    code = "import sys, guide.permissions; print(sorted(m for m in sys.modules if m.startswith('guide.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "guide.permissions" in loaded
    assert "guide.models" not in loaded
    assert "guide.security" not in loaded


def test_models_do_not_import_the_security_policy():
    code = "import sys, guide.models; print('guide.security' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


def _partner(organisation: Organisation, role: MemberRole = MemberRole.EDITOR) -> User:
    user = User(id=7, email="p@example.org", role=SiteRole.PARTNER, session_generation=0)
    user.memberships.append(Membership(organisation_id=organisation.id, organisation=organisation, role=role))
    return user


def _fiche(organisation: Organisation, state: State, published: bool = False) -> Fiche:
    return Fiche(
        id=1,
        organisation_id=organisation.id,
        organisation=organisation,
        state=state,
        published_version_id=3 if published else None,
    )


def test_members_edit_their_fiche_but_not_publish_it_without_direct_publication():
    organisation = Organisation(id=5, nom="Secours", slug="secours", direct_publication=False)
    principals = principals_for(_partner(organisation))
    fiche = _fiche(organisation, State.DRAFT)
    assert permits(fiche, principals, Permission.EDIT)
    assert not permits(fiche, principals, Permission.PUBLISH)
    organisation.direct_publication = True
    assert permits(fiche, principals, Permission.PUBLISH)


def test_an_archived_fiche_is_read_only_for_its_members_and_hidden_from_the_public():
    organisation = Organisation(id=5, nom="Secours", slug="secours", direct_publication=True)
    fiche = _fiche(organisation, State.ARCHIVED, published=True)
    principals = principals_for(_partner(organisation))
    assert permits(fiche, principals, Permission.VIEW)
    assert not permits(fiche, principals, Permission.EDIT)
    assert not permits(fiche, principals_for(None), Permission.VIEW_PUBLIC)


def test_another_organisation_sees_nothing_of_a_draft():
    mine = Organisation(id=5, nom="Secours", slug="secours")
    theirs = Organisation(id=6, nom="Autre", slug="autre")
    principals = principals_for(_partner(theirs))
    assert not permits(_fiche(mine, State.DRAFT), principals, Permission.VIEW)
    assert not permits(mine, principals, Permission.EDIT_ORGANISATION)


def test_only_owners_manage_members():
    organisation = Organisation(id=5, nom="Secours", slug="secours")
    assert not permits(organisation, principals_for(_partner(organisation)), Permission.MANAGE_MEMBERS)
    owner = principals_for(_partner(organisation, MemberRole.OWNER))
    assert org_principal(5, MemberRole.OWNER) in owner
    assert permits(organisation, owner, Permission.MANAGE_MEMBERS)


def test_a_lieu_is_edited_by_the_members_of_any_organisation_using_it():
    first = Organisation(id=5, nom="Secours", slug="secours")
    second = Organisation(id=6, nom="Autre", slug="autre")
    lieu = Lieu(id=9, nom="Maison", organisations=[first, second])
    assert permits(lieu, principals_for(_partner(second)), Permission.EDIT_ORGANISATION)
    assert not permits(lieu, principals_for(_partner(Organisation(id=8))), Permission.EDIT_ORGANISATION)


def test_coordinators_coordinate_and_administrators_manage_accounts():
    coordinator = User(id=2, email="c@example.org", role=SiteRole.COORDINATOR, session_generation=0)
    admin = User(id=3, email="a@example.org", role=SiteRole.ADMIN, session_generation=0)
    assert permits(Root(), principals_for(coordinator), Permission.COORDINATE)
    assert not permits(Root(), principals_for(coordinator), Permission.MANAGE_USERS)
    assert permits(Root(), principals_for(admin), Permission.MANAGE_USERS)
    assert not permits(Root(), principals_for(None), Permission.PARTNER_SPACE)


def test_a_context_without_acl_is_closed():
    admin = User(id=3, email="a@example.org", role=SiteRole.ADMIN, session_generation=0)
    assert not permits(object(), principals_for(admin), Permission.VIEW)
