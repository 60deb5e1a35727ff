"""« État du guide »: what the coordinators must look after, counted set-based, each number with its list.

Every figure of the page is the row count of one of the lists below (:data:`LISTS`), computed by the very
statement that gives the list (``SELECT count(*) FROM (<the list>)``), so that a number always matches
the list its link opens. Freshness comes from :mod:`guide.services.freshness` (the same CASE the
dashboards use). The whole page is a dozen aggregate queries: no fiche is loaded to be counted.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from ..models import (
    ErrorReport,
    Fiche,
    FicheVersion,
    Lieu,
    Membership,
    Organisation,
    Quartier,
    State,
    Thematique,
    version_lieu,
    version_thematique,
)
from ..models.directory import ChangeState, DirectoryChange
from . import freshness, revision
from .freshness import Freshness

PAGE_SIZE = 100


class UnknownList(LookupError):
    """No such list (or a filter naming nothing): a 404 for the view."""


@dataclass(frozen=True)
class Filter:
    """Fiches of one thématique, one quartier (``quartier=0``: in no quartier) or one organisation."""

    thematique: int | None = None
    quartier: int | None = None
    organisation: int | None = None

    def params(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items() if v is not None}


def _published() -> Any:
    """The published version joined to ``Fiche`` (its content: hours, contact, lieux)."""
    return aliased(FicheVersion, name="published")


def _fiche_rows(version: Any) -> Select[Any]:
    return (
        select(
            Fiche.id,
            version.nom,
            Organisation.id.label("organisation_id"),
            Organisation.nom.label("organisation"),
            Fiche.confirmed_at,
            version.telephone,
            version.courriel,
        )
        .join(version, version.id == Fiche.published_version_id)
        .join(Organisation, Organisation.id == Fiche.organisation_id)
        .where(Fiche.is_public)
    )


def _filtered(stmt: Select[Any], flt: Filter) -> Select[Any]:
    if flt.organisation is not None:
        stmt = stmt.where(Fiche.organisation_id == flt.organisation)
    if flt.thematique is not None:
        stmt = stmt.where(
            exists().where(
                version_thematique.c.version_id == Fiche.published_version_id,
                version_thematique.c.thematique_id == flt.thematique,
            )
        )
    if flt.quartier is not None:
        in_a_quartier = (
            select(version_lieu.c.version_id)
            .join(Lieu, Lieu.id == version_lieu.c.lieu_id)
            .where(version_lieu.c.version_id == Fiche.published_version_id)
        )
        if flt.quartier == 0:  # as freshness_counts groups them: no lieu, or a lieu in no quartier
            linked = select(version_lieu.c.version_id).where(
                version_lieu.c.version_id == Fiche.published_version_id
            )
            stmt = stmt.where(or_(~exists(linked), exists(in_a_quartier.where(Lieu.quartier_id.is_(None)))))
        else:
            stmt = stmt.where(exists(in_a_quartier.where(Lieu.quartier_id == flt.quartier)))
    return stmt


def _freshness_list(*states: Freshness) -> Callable[[dt.date, Filter], Select[Any]]:
    def build(today: dt.date, flt: Filter) -> Select[Any]:
        version = _published()
        status = freshness.freshness_expression(today)
        stmt = _fiche_rows(version).where(status.in_([s.value for s in states]))
        return _filtered(stmt, flt).order_by(Fiche.confirmed_at.is_not(None), Fiche.confirmed_at, Fiche.id)

    return build


def _no_hours(version: Any) -> Any:
    return func.trim(version.horaires) == ""


def _no_contact(version: Any) -> Any:
    return and_(
        func.trim(version.telephone) == "",
        func.trim(version.courriel) == "",
        func.trim(version.site_web) == "",
    )


def _no_address(version: Any) -> Any:
    with_address = (
        select(version_lieu.c.version_id)
        .join(Lieu, Lieu.id == version_lieu.c.lieu_id)
        .where(version_lieu.c.version_id == version.id, func.trim(Lieu.adresse) != "")
    )
    return ~exists(with_address)


INCOMPLETE = {"sans-horaires": _no_hours, "sans-contact": _no_contact, "sans-adresse": _no_address}


def _incomplete_list(predicate: Callable[[Any], Any]) -> Callable[[dt.date, Filter], Select[Any]]:
    def build(today: dt.date, flt: Filter) -> Select[Any]:
        version = _published()
        stmt = _fiche_rows(version).where(predicate(version))
        return _filtered(stmt, flt).order_by(Organisation.nom, version.nom, Fiche.id)

    return build


def _incomplete_counts(db: Session) -> dict[str, int]:
    """The three « incomplete » lists counted in one pass over the public fiches (same predicates)."""
    version = _published()
    sums = [
        func.coalesce(func.sum(case((predicate(version), 1), else_=0)), 0)
        for predicate in INCOMPLETE.values()
    ]
    row = db.execute(
        select(*sums)
        .select_from(Fiche)
        .join(version, version.id == Fiche.published_version_id)
        .where(Fiche.is_public)
    ).one()
    return {slug: int(n) for slug, n in zip(INCOMPLETE, row, strict=True)}


def _organisations_without_members(today: dt.date, flt: Filter) -> Select[Any]:
    public_fiches = (
        select(func.count(Fiche.id))
        .where(Fiche.organisation_id == Organisation.id, Fiche.is_public)
        .scalar_subquery()
    )
    stmt = select(
        Organisation.id,
        Organisation.nom,
        Organisation.courriel,
        Organisation.telephone,
        public_fiches.label("fiches"),
    ).where(~exists().where(Membership.organisation_id == Organisation.id))
    if flt.organisation is not None:
        stmt = stmt.where(Organisation.id == flt.organisation)
    return stmt.order_by(public_fiches.desc(), Organisation.nom, Organisation.id)


def _open_reports(today: dt.date, flt: Filter) -> Select[Any]:
    version = aliased(FicheVersion, name="content")
    stmt = (
        select(
            ErrorReport.id,
            ErrorReport.created_at,
            Fiche.id.label("fiche_id"),
            version.nom,
            Organisation.nom.label("organisation"),
            func.substr(ErrorReport.message, 1, 200).label("message"),
        )
        .join(Fiche, Fiche.id == ErrorReport.fiche_id)
        .join(version, version.id == func.coalesce(Fiche.published_version_id, Fiche.current_version_id))
        .join(Organisation, Organisation.id == Fiche.organisation_id)
        .where(ErrorReport.handled_at.is_(None))
    )
    if flt.organisation is not None:
        stmt = stmt.where(Fiche.organisation_id == flt.organisation)
    return stmt.order_by(ErrorReport.created_at, ErrorReport.id)


def _review_queue(today: dt.date, flt: Filter) -> Select[Any]:
    version = aliased(FicheVersion, name="content")
    stmt = (
        select(
            Fiche.id,
            version.nom,
            Organisation.nom.label("organisation"),
            Fiche.state_changed_at.label("waiting_since"),
        )
        .join(version, version.id == Fiche.current_version_id)
        .join(Organisation, Organisation.id == Fiche.organisation_id)
        .where(Fiche.state == State.PENDING)
    )
    if flt.organisation is not None:
        stmt = stmt.where(Fiche.organisation_id == flt.organisation)
    return stmt.order_by(Fiche.state_changed_at, Fiche.id)


@dataclass(frozen=True)
class ListSpec:
    slug: str
    title: str
    build: Callable[[dt.date, Filter], Select[Any]]
    columns: tuple[tuple[str, str], ...]  # (row attribute, French heading) for the CSV and the table
    kind: str = "fiche"  # "fiche", "organisation", "report": what a row links to


FICHE_COLUMNS = (
    ("id", "N°"),
    ("nom", "Fiche"),
    ("organisation", "Structure"),
    ("confirmed_at", "Dernière confirmation"),
    ("telephone", "Téléphone"),
    ("courriel", "Courriel"),
)

LISTS: dict[str, ListSpec] = {
    spec.slug: spec
    for spec in (
        ListSpec("a-verifier", "Fiches à vérifier", _freshness_list(Freshness.A_VERIFIER), FICHE_COLUMNS),
        ListSpec("bientot", "Fiches à vérifier bientôt", _freshness_list(Freshness.BIENTOT), FICHE_COLUMNS),
        ListSpec(
            "a-jour",
            "Fiches confirmées dans leur délai",
            _freshness_list(Freshness.A_JOUR, Freshness.BIENTOT),
            FICHE_COLUMNS,
        ),
        ListSpec("sans-horaires", "Fiches sans horaires", _incomplete_list(_no_hours), FICHE_COLUMNS),
        ListSpec(
            "sans-contact",
            "Fiches sans contact (ni téléphone, ni courriel, ni site)",
            _incomplete_list(_no_contact),
            FICHE_COLUMNS,
        ),
        ListSpec("sans-adresse", "Fiches sans adresse", _incomplete_list(_no_address), FICHE_COLUMNS),
        ListSpec(
            "structures-sans-membre",
            "Structures sans membre (personne ne peut les mettre à jour)",
            _organisations_without_members,
            (
                ("id", "N°"),
                ("nom", "Structure"),
                ("courriel", "Courriel"),
                ("telephone", "Téléphone"),
                ("fiches", "Fiches publiées"),
            ),
            kind="organisation",
        ),
        ListSpec(
            "signalements",
            "Signalements d'erreur à traiter",
            _open_reports,
            (
                ("id", "N°"),
                ("created_at", "Reçu le"),
                ("nom", "Fiche"),
                ("organisation", "Structure"),
                ("message", "Message"),
            ),
            kind="report",
        ),
        ListSpec(
            "relecture",
            "Fiches en attente de relecture",
            _review_queue,
            (
                ("id", "N°"),
                ("nom", "Fiche"),
                ("organisation", "Structure"),
                ("waiting_since", "En attente depuis"),
            ),
        ),
    )
}


def list_spec(slug: str) -> ListSpec:
    spec = LISTS.get(slug)
    if spec is None:
        raise UnknownList(slug)
    return spec


def count_of(db: Session, stmt: Select[Any]) -> int:
    return db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def list_rows(
    db: Session, slug: str, today: dt.date, flt: Filter = Filter(), *, page: int | None = 1
) -> tuple[ListSpec, list[Any], int]:
    """The rows of one list (one page of :data:`PAGE_SIZE`, or all with ``page=None``) and its total."""
    spec = list_spec(slug)
    stmt = spec.build(today, flt)
    total = count_of(db, stmt)
    if page is not None:
        stmt = stmt.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    return spec, db.execute(stmt).all(), total


def filter_label(db: Session, flt: Filter) -> str:
    """« thématique Santé », « quartier Saint-Jacques »…; UnknownList when the filter names nothing."""
    parts = []
    for value, model, label, noun in (
        (flt.thematique, Thematique, Thematique.label, "thématique"),
        (flt.quartier, Quartier, Quartier.nom, "quartier"),
        (flt.organisation, Organisation, Organisation.nom, "structure"),
    ):
        if value is None:
            continue
        if model is Quartier and value == 0:
            parts.append("sans quartier")
            continue
        name = db.scalar(select(label).where(model.id == value))
        if name is None:
            raise UnknownList(f"{noun} {value}")
        parts.append(f"{noun} « {name} »")
    return ", ".join(parts)


# --- the page --------------------------------------------------------------------------------------


@dataclass
class QueueAge:
    count: int
    oldest_days: int | None
    median_days: float | None
    directory_changes: int


@dataclass
class GuideState:
    today: dt.date
    overall: freshness.FreshnessCount
    by_thematique: list[freshness.FreshnessCount]
    by_quartier: list[freshness.FreshnessCount]
    by_organisation: list[freshness.FreshnessCount]
    counts: dict[str, int]  # slug of each list -> its number of rows
    queue: QueueAge


def freshness_groups(db: Session, today: dt.date) -> dict[str, Any]:
    """:func:`freshness.freshness_counts` for the guide and by thématique, quartier and organisation, in
    one statement: the freshness CASE is computed once per fiche (a materialised CTE), then grouped four
    ways (UNION ALL). Same rules, same groups (a fiche counts in each of its thématiques and quartiers;
    « Sans quartier » for fiches with no lieu or a lieu in no quartier)."""
    # the period (a correlated subquery over the thématiques) once per fiche, then the freshness CASE
    # over plain columns: inlined, the subquery ran twice per fiche (half of the page's time at 10,000)
    base = (
        select(
            Fiche.id.label("id"),
            Fiche.published_version_id.label("vid"),
            Fiche.organisation_id.label("org"),
            Fiche.confirmed_at.label("confirmed"),
            freshness.period_expression().label("period"),
        )
        .where(Fiche.is_public)
        .cte("public_base")
        .prefix_with("MATERIALIZED")
    )
    status = freshness.freshness_expression(today, confirmed=base.c.confirmed, period=base.c.period)
    public = (
        select(base.c.id, base.c.vid, base.c.org, status.label("s"))
        .cte("public_fiche")
        .prefix_with("MATERIALIZED")
    )
    statement = union_all(
        select(literal("guide"), literal(None), public.c.s, func.count()).group_by(public.c.s),
        select(literal("organisation"), public.c.org, public.c.s, func.count()).group_by(
            public.c.org, public.c.s
        ),
        select(literal("thematique"), version_thematique.c.thematique_id, public.c.s, func.count())
        .select_from(public)
        .join(version_thematique, version_thematique.c.version_id == public.c.vid)
        .group_by(version_thematique.c.thematique_id, public.c.s),
        select(literal("quartier"), Lieu.quartier_id, public.c.s, func.count(func.distinct(public.c.id)))
        .select_from(public)
        .outerjoin(version_lieu, version_lieu.c.version_id == public.c.vid)
        .outerjoin(Lieu, Lieu.id == version_lieu.c.lieu_id)
        .group_by(Lieu.quartier_id, public.c.s),
    )
    # Core rows (the connection's execute): ~4,000 of them at 10,000 fiches, no ORM entity among them
    connection = db.connection()
    rows = connection.execute(statement).all()
    labels: dict[str, dict[Any, str]] = {"guide": {None: "Guide"}}
    for by, model, column in (
        ("organisation", Organisation, Organisation.nom),
        ("thematique", Thematique, Thematique.label),
        ("quartier", Quartier, Quartier.nom),
    ):
        wanted = {key for group, key, _s, _n in rows if group == by and key is not None}
        # one expanding parameter: 2,000 organisation ids as literals cost more than the query
        ids = bindparam("ids", expanding=True)
        labels[by] = dict(
            connection.execute(select(model.id, column).where(model.id.in_(ids)), {"ids": list(wanted)}).all()
        )
    groups: dict[str, dict[Any, freshness.FreshnessCount]] = {by: {} for by in labels}
    states = {state.value: state for state in Freshness}
    for by, key, value, n in rows:
        group = groups[by].get(key)
        if group is None:
            label = labels[by].get(key, "Sans quartier" if by == "quartier" else "")
            group = groups[by][key] = freshness.FreshnessCount(key=key, label=label)
        group.counts[states[value]] += int(n)
    overall = groups["guide"].get(None, freshness.FreshnessCount(label="Guide"))
    out: dict[str, Any] = {"guide": overall}
    for by in ("thematique", "quartier", "organisation"):
        out[by] = sorted(groups[by].values(), key=lambda g: (g.key is None, g.label.casefold()))
    return out


# the figures of « État du guide » of each day, per data revision, in this process
STATE_CACHE = revision.RevisionCache()


def _figures(db: Session, today: dt.date) -> tuple[dict[str, Any], dict[str, int]]:
    groups = freshness_groups(db, today)
    counts = _incomplete_counts(db)
    for slug in ("structures-sans-membre", "signalements"):
        counts[slug] = count_of(db, LISTS[slug].build(today, Filter()))
    return groups, counts


def guide_state(db: Session, today: dt.date, now: dt.datetime) -> GuideState:
    """Every figure of « État du guide »: about six queries, whatever the size of the guide, computed
    again only when the data changed (:mod:`.revision`) or the day did; the review queue's ages live."""
    groups, cached_counts = STATE_CACHE.get(db, ("etat-du-guide", today), lambda: _figures(db, today))
    overall = groups["guide"]
    counts = dict(cached_counts)
    counts["a-verifier"] = overall.counts[Freshness.A_VERIFIER]
    counts["bientot"] = overall.counts[Freshness.BIENTOT]
    counts["a-jour"] = overall.a_jour
    waiting = db.scalars(select(Fiche.state_changed_at).where(Fiche.state == State.PENDING)).all()
    ages = [max(0, (now - at).days) for at in waiting if at is not None]
    counts["relecture"] = len(waiting)
    queue = QueueAge(
        count=len(waiting),
        oldest_days=max(ages) if ages else None,
        median_days=statistics.median(ages) if ages else None,
        directory_changes=db.scalar(
            select(func.count(DirectoryChange.id)).where(DirectoryChange.state == ChangeState.PENDING)
        )
        or 0,
    )
    return GuideState(
        today=today,
        overall=overall,
        by_thematique=groups["thematique"],
        by_quartier=groups["quartier"],
        by_organisation=groups["organisation"],
        counts=counts,
        queue=queue,
    )


__all__ = [
    "LISTS",
    "PAGE_SIZE",
    "Filter",
    "GuideState",
    "ListSpec",
    "UnknownList",
    "count_of",
    "filter_label",
    "guide_state",
    "list_rows",
    "list_spec",
]
