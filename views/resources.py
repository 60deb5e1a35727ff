"""Route factories: each returns the object whose computed ACL guards the view."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pyramid.httpexceptions import HTTPNotFound

from guide.models import Fiche, Lieu, Organisation

T = TypeVar("T")

_REF = re.compile(r"^([0-9]{1,12})(?:-[\w-]*)?$")
_ID = re.compile(r"[0-9]{1,12}")
# Ids are 32-bit integers in the database: PostgreSQL refuses a larger number in a query on them
# (« integer out of range », a 500 found by schemathesis with ?after=2147483648); such a number names no row.
MAX_ID = 2**31 - 1


def as_id(text: str) -> int | None:
    """``text`` as a database id when it is digits naming a possible id, else None (never an exception)."""
    if isinstance(text, str) and _ID.fullmatch(text):
        number = int(text)
        return number if 0 < number <= MAX_ID else None
    return None


def parse_id(value: object) -> int | None:
    """A positive database id from a URL or a form, or None (never an exception)."""
    return as_id(value) if isinstance(value, str) else None


def get_or_404(request: Any, model: type[T], key: str) -> T:
    """The row whose id is in the URL's ``key`` segment; 404 for a missing row or a malformed id."""
    number = parse_id(request.matchdict.get(key))
    obj = request.dbsession.get(model, number) if number is not None else None
    if obj is None:
        raise HTTPNotFound()
    return obj


def fiche_factory(request: Any) -> Fiche:
    matchdict = request.matchdict
    if "ref" in matchdict:
        match = _REF.match(matchdict["ref"])
        if not match:
            raise HTTPNotFound()
        fiche_id = as_id(match.group(1))
        if fiche_id is None:
            raise HTTPNotFound()
    else:
        return get_or_404(request, Fiche, "fiche_id")
    fiche = request.dbsession.get(Fiche, fiche_id)
    if fiche is None:
        raise HTTPNotFound()
    return fiche


def organisation_factory(request: Any) -> Organisation:
    return get_or_404(request, Organisation, "org_id")


def lieu_factory(request: Any) -> Lieu:
    return get_or_404(request, Lieu, "lieu_id")
