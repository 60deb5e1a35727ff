"""Route factories: each returns the object whose computed ACL guards the view."""

from __future__ import annotations

import re
from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from guide.models import Fiche, Lieu, Organisation

_REF = re.compile(r"^([0-9]{1,12})(?:-[\w-]*)?$")
_ID = re.compile(r"[0-9]{1,12}")


def parse_id(value: object) -> int | None:
    """A positive database id from a URL or a form, or None (never an exception)."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


def _int(value: str | None) -> int:
    number = parse_id(value)
    if number is None:
        raise HTTPNotFound()
    return number


def fiche_factory(request: Any) -> Fiche:
    matchdict = request.matchdict
    if "ref" in matchdict:
        match = _REF.match(matchdict["ref"])
        if not match:
            raise HTTPNotFound()
        fiche_id = int(match.group(1))
    else:
        fiche_id = _int(matchdict.get("fiche_id"))
    fiche = request.dbsession.get(Fiche, fiche_id)
    if fiche is None:
        raise HTTPNotFound()
    return fiche


def organisation_factory(request: Any) -> Organisation:
    organisation = request.dbsession.get(Organisation, _int(request.matchdict.get("org_id")))
    if organisation is None:
        raise HTTPNotFound()
    return organisation


def lieu_factory(request: Any) -> Lieu:
    lieu = request.dbsession.get(Lieu, _int(request.matchdict.get("lieu_id")))
    if lieu is None:
        raise HTTPNotFound()
    return lieu
