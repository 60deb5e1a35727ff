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
from guide.services import lexicon
from guide.vocabulary import LANGUES
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


def _listing(request: Any, form: Any, word: str = "", add_error: str | None = None) -> dict[str, Any]:
    """What the synonyms page shows: the groups, filtered by language and text (``langue``, ``q``), and the
    word a coordinator is placing in an existing group (``mot``, or the first of ``expressions`` coming
    from the searches without results)."""
    language = request.params.get("langue", "")[:8]
    text = request.params.get("q", "")[: lexicon.MAX_FILTER_LENGTH]
    filter_error = None
    if language and language not in LANGUES:
        filter_error = f"Langue inconnue : « {language} »."
        language = ""
    groups = lexicon.find_groups(request.dbsession, language=language or None, text=text)
    return {
        "synonyms": groups,
        "total": request.dbsession.scalar(select(func.count(Synonym.id))) or 0,
        "form": form,
        "synonym": None,
        "languages": lexicon.languages_in_use(request.dbsession),
        "language": language,
        "text": text,
        "filter_error": filter_error,
        "kept_filters": {name: value for name, value in (("langue", language), ("q", text)) if value},
        "word": word,
        "add_error": add_error,
        "origin": lexicon.origin,
        "language_label": lambda code: LANGUES.get(code, code),
    }


def _word(request: Any) -> str:
    word = request.params.get("mot", "")
    if not word:
        expressions = split_terms(request.params.get("expressions", "")[:200])
        word = expressions[0] if expressions else ""
    return " ".join(word.split())[: lexicon.MAX_EXPRESSION_LENGTH]


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
    return _listing(request, result, _word(request) if request.method == "GET" else "")


@view_config(
    route_name="coord_synonym_edit",
    renderer="coord_synonyms.jinja2",
    request_method="POST",
    request_param="mot",
    permission=Permission.COORDINATE,
)
def coord_synonym_add(request: Any) -> Any:
    """Add one word to an existing group (« colis » to « aide alimentaire, colis alimentaire… »), from the
    synonyms page: a POST of ``mot`` to the group's address."""
    synonym = _get(request)
    word = request.POST.get("mot", "")[:200]
    try:
        added = lexicon.add_expression(request.dbsession, synonym, word)
    except lexicon.SynonymError as error:
        request.response.status_int = 400
        form = process_form(request, SynonymSchema(), buttons=(("add", "Ajouter le groupe"),))
        return _listing(request, form, " ".join(word.split())[:100], add_error=error.message)
    request.search.synonyms_changed()
    request.session.flash(f"« {added} » ajouté au groupe : {synonym.terms}.", "success")
    return HTTPSeeOther(request.route_path("coord_synonyms"))


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
    return {
        "synonyms": [],
        "form": result,
        "synonym": synonym,
        "origin": lexicon.origin,
        "language_label": lambda code: LANGUES.get(code, code),
    }


@view_config(route_name="coord_synonym_delete", request_method="POST", permission=Permission.COORDINATE)
def coord_synonym_delete(request: Any) -> Any:
    synonym = _get(request)
    lexicon.delete_group(request.dbsession, synonym)  # a lexicon group is not loaded again
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
