"""Route factories: each returns the object whose computed ACL guards the view."""

from __future__ import annotations

import re
from typing import Any

from pyramid.httpexceptions import HTTPNotFound

from guide.models import Fiche, Lieu, Organisation

_REF = re.compile(r"^(\d{1,12})(?:-[\w-]*)?$")


def _int(value: str | None) -> int:
    if value is None or not value.isdigit() or len(value) > 12:
        raise HTTPNotFound()
    return int(value)


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
