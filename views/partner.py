"""The partner space's home: the dashboard of one's organisations and fiches, and ``read_comment``, the
comment of a workflow decision that the partner, agenda, translation and coordination views all read.

The partner space's other rooms: ``views/partner_orgs.py`` (organisations, lieux, members),
``views/partner_fiches.py`` (fiches: editing, workflow, history), ``views/partner_pro.py`` (information for
professionals); their routes are declared with the others in ``views/__init__.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import colander
from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from guide.models import Fiche, State
from guide.permissions import Permission
from guide.services import notifications
from guide.services import translations as fiche_translations
from guide.services.freshness import Freshness, freshness_of
from schemas.accounts import CommentSchema

# --- dashboard --------------------------------------------------------------------------------


@view_config(route_name="dashboard", renderer="dashboard.jinja2", permission=Permission.PARTNER_SPACE)
def dashboard(request: Any) -> Any:
    user = request.user
    organisations = [m.organisation for m in user.memberships]
    org_ids = [o.id for o in organisations]
    by_state: dict[State, list[Fiche]] = defaultdict(list)
    if org_ids:
        rows = request.dbsession.scalars(
            select(Fiche)
            .where(Fiche.organisation_id.in_(org_ids))
            .options(selectinload(Fiche.current_version), selectinload(Fiche.organisation))
            .order_by(Fiche.updated_at.desc())
        )
        for fiche in rows:
            by_state[fiche.state].append(fiche)
    # freshness of published fiches: the stale ones first, and listed under « À noter »
    today = dt.date.today()
    freshness = {f.id: freshness_of(f, today) for f in by_state.get(State.PUBLISHED, [])}
    by_state[State.PUBLISHED].sort(key=lambda f: freshness[f.id].rank if freshness[f.id] else 3)
    to_check = [
        f for f in by_state[State.PUBLISHED] if freshness[f.id] in (Freshness.A_VERIFIER, Freshness.BIENTOT)
    ]
    return {
        "organisations": sorted(organisations, key=lambda o: o.nom),
        "by_state": by_state,
        "states": list(State),
        "freshness": freshness,
        "to_check": to_check,
        "reports": notifications.open_reports_for(request.dbsession, org_ids),
        # translations sent back or « à revoir » (guide.services.translations)
        "translations_to_do": fiche_translations.for_organisations(request.dbsession, org_ids),
        "translation_languages": fiche_translations.LANGUAGES,
    }


def read_comment(request: Any) -> str | None:
    """The comment of a workflow decision (a fiche's transition, a directory change sent back), read
    through :class:`CommentSchema`: invisible characters removed, at most 2,000 characters. None, with
    the French reason flashed, when it is refused."""
    raw = request.POST.get("comment", "")
    try:
        values = CommentSchema().deserialize({"comment": raw if isinstance(raw, str) else ""})
    except colander.Invalid as error:
        request.session.flash("Commentaire refusé : " + " ".join(error.asdict().values()), "error")
        return None
    return values["comment"]
