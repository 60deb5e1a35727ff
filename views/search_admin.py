"""Coordination pages of the search engine: synonym groups, and the public searches that found nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import func, select

from guide.models import SearchMiss, Synonym, utcnow
from guide.models.search import split_terms
from guide.permissions import Permission
from schemas.search import SynonymSchema
from search_index.analysis import analyse

from .rendering import process_form
from .resources import get_or_404

MISSES_DAYS = 90  # the page shows this many days
MISSES_SHOWN = 200


def _normalised(terms: str) -> str:
    return ", ".join(split_terms(terms))


def _check(request: Any, result: Any, terms: str, synonym_id: int | None = None) -> str | None:
    """The group as stored, or None after showing why it cannot be saved."""
    expressions = split_terms(terms)
    empty = [e for e in expressions if not analyse(e)]
    if empty:
        result.fail("terms", f"« {empty[0]} » ne contient aucun mot que la recherche prend en compte.")
        return None
    normalised = ", ".join(expressions)
    for other_id, other in request.dbsession.execute(select(Synonym.id, Synonym.terms)):
        if other_id != synonym_id and _normalised(other).lower() == normalised.lower():
            result.fail("terms", "Ce groupe de synonymes existe déjà.")
            return None
    return normalised


def _get(request: Any) -> Synonym:
    return get_or_404(request, Synonym, "synonym_id")


@view_config(route_name="coord_synonyms", renderer="coord_synonyms.jinja2", permission=Permission.COORDINATE)
def coord_synonyms(request: Any) -> Any:
    preset = request.params.get("expressions", "")[:200] if request.method == "GET" else ""
    result = process_form(
        request,
        SynonymSchema(),
        appstruct={"terms": preset} if preset else None,
        buttons=(("add", "Ajouter le groupe"),),
    )
    if result.valid:
        assert result.appstruct is not None
        terms = _check(request, result, result.appstruct["terms"])
        if terms is not None:
            request.dbsession.add(Synonym(terms=terms, updated_at=utcnow()))
            request.search.synonyms_changed()
            request.session.flash(f"Synonymes ajoutés : {terms}.", "success")
            return HTTPSeeOther(request.route_path("coord_synonyms"))
    synonyms = request.dbsession.scalars(select(Synonym).order_by(func.lower(Synonym.terms))).all()
    return {"synonyms": synonyms, "form": result, "synonym": None}


@view_config(
    route_name="coord_synonym_edit", renderer="coord_synonyms.jinja2", permission=Permission.COORDINATE
)
def coord_synonym_edit(request: Any) -> Any:
    synonym = _get(request)
    result = process_form(request, SynonymSchema(), appstruct={"terms": synonym.terms})
    if result.valid:
        assert result.appstruct is not None
        terms = _check(request, result, result.appstruct["terms"], synonym.id)
        if terms is not None:
            synonym.terms = terms
            synonym.updated_at = utcnow()
            request.search.synonyms_changed()
            request.session.flash("Le groupe de synonymes est enregistré.", "success")
            return HTTPSeeOther(request.route_path("coord_synonyms"))
    return {"synonyms": [], "form": result, "synonym": synonym}


@view_config(route_name="coord_synonym_delete", request_method="POST", permission=Permission.COORDINATE)
def coord_synonym_delete(request: Any) -> Any:
    synonym = _get(request)
    request.dbsession.delete(synonym)
    request.search.synonyms_changed()
    request.session.flash(f"Synonymes supprimés : {synonym.terms}.", "success")
    return HTTPSeeOther(request.route_path("coord_synonyms"))


@view_config(route_name="coord_misses", renderer="coord_misses.jinja2", permission=Permission.COORDINATE)
def coord_misses(request: Any) -> Any:
    """The most frequent queries without results of the last days (read only: the counts are written,
    and the old ones deleted, by :class:`search_index.MissRecorder`)."""
    db = request.dbsession
    since = utcnow().date() - dt.timedelta(days=MISSES_DAYS)
    count = func.sum(SearchMiss.count).label("count")
    last = func.max(SearchMiss.day).label("last")
    rows = db.execute(
        select(SearchMiss.query, count, last)
        .where(SearchMiss.day >= since)
        .group_by(SearchMiss.query)
        .order_by(count.desc(), last.desc(), SearchMiss.query)
        .limit(MISSES_SHOWN)
    ).all()
    total = db.scalar(select(func.sum(SearchMiss.count)).where(SearchMiss.day >= since)) or 0
    return {"rows": rows, "total": total, "days": MISSES_DAYS}
