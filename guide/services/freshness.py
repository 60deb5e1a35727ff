"""Freshness of published fiches: confirmed within their update period, soon due, or due.

Every public fiche has an **update period** in months: its own (``Fiche.update_period_months``, set by a
coordinator), else the shortest period of its thématiques (``Thematique.update_period_months``: 3 months
for a food distribution, 12 for a legal permanence), else :data:`DEFAULT_PERIOD_MONTHS`. The period
runs from ``Fiche.confirmed_at`` (set by every save and every « À jour »):

- :attr:`Freshness.A_JOUR` « À jour »: confirmed within the period, before its last month;
- :attr:`Freshness.BIENTOT` « À vérifier bientôt »: in the last month of the period (the last 7 days for
  a one-month period, so that a fiche just confirmed is not already « bientôt »);
- :attr:`Freshness.A_VERIFIER` « À vérifier »: the period is over, or the fiche was never confirmed.

Only public fiches (published and not archived) have a freshness; drafts and archives have ``None``.

Two ways to ask, giving the same answers:

- per object, for pages that already hold the fiche: :func:`period_months`, :func:`due_date`,
  :func:`freshness_of`;
- set-based SQL, for 10 000 fiches without loading them: :func:`period_expression`,
  :func:`freshness_expression` (a CASE usable in any select), :func:`freshness_counts` (totals, or grouped
  by thématique, quartier or organisation) and :func:`stale_fiches_query`; for the public page « Ce guide
  est-il à jour ? », :func:`public_freshness`.

The SQL stays portable (SQLite and PostgreSQL): month arithmetic is done in Python — for each allowed
period the cutoff dates are computed for ``today`` and the CASE compares ``confirmed_at`` with them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ..models import Fiche, Lieu, Organisation, Quartier, Thematique, version_lieu, version_thematique

DEFAULT_PERIOD_MONTHS = 12
#: The periods a coordinator may choose (months).
MIN_PERIOD_MONTHS = 1
MAX_PERIOD_MONTHS = 36
PERIOD_CHOICES: tuple[int, ...] = (1, 2, 3, 4, 6, 9, 12, 18, 24, 36)


class Freshness(enum.StrEnum):
    A_JOUR = "a_jour"
    BIENTOT = "bientot"
    A_VERIFIER = "a_verifier"

    @property
    def label(self) -> str:
        return FRESHNESS_LABELS[self]

    @property
    def rank(self) -> int:
        """Sort key: the most urgent first (0 = « À vérifier »)."""
        return {Freshness.A_VERIFIER: 0, Freshness.BIENTOT: 1, Freshness.A_JOUR: 2}[self]


FRESHNESS_LABELS = {
    Freshness.A_JOUR: "À jour",
    Freshness.BIENTOT: "À vérifier bientôt",
    Freshness.A_VERIFIER: "À vérifier",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (negative: back), clipped to the month's last day (31 Jan + 1 → 28/29 Feb).

    Hand-written (six lines of ``calendar``) rather than pulling python-dateutil in for ``relativedelta``.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def clamp_period(months: int | None) -> int | None:
    if months is None:
        return None
    return max(MIN_PERIOD_MONTHS, min(MAX_PERIOD_MONTHS, int(months)))


def _content_version_id(fiche: Fiche) -> int | None:
    return fiche.published_version_id or fiche.current_version_id


def period_months(fiche: Fiche) -> int:
    """The fiche's update period: its own, else its thématiques' shortest, else the default."""
    if fiche.update_period_months:
        return clamp_period(fiche.update_period_months) or DEFAULT_PERIOD_MONTHS
    version = fiche.published_version or fiche.current_version
    periods = [
        t.update_period_months for t in (version.thematiques if version else []) if t.update_period_months
    ]
    if periods:
        return clamp_period(min(periods)) or DEFAULT_PERIOD_MONTHS
    return DEFAULT_PERIOD_MONTHS


def _soon_start(due: dt.date, period: int) -> dt.date:
    return due - dt.timedelta(days=7) if period <= 1 else add_months(due, -1)


def due_date(fiche: Fiche) -> dt.date | None:
    """The day the fiche becomes « À vérifier » (None when it was never confirmed: it already is)."""
    if fiche.confirmed_at is None:
        return None
    return add_months(fiche.confirmed_at, period_months(fiche))


def freshness_for(confirmed_at: dt.date | None, period: int, today: dt.date) -> Freshness:
    """The freshness of a fiche confirmed on ``confirmed_at`` with an update period of ``period`` months."""
    if confirmed_at is None:
        return Freshness.A_VERIFIER
    due = add_months(confirmed_at, period)
    if today >= due:
        return Freshness.A_VERIFIER
    if today >= _soon_start(due, period):
        return Freshness.BIENTOT
    return Freshness.A_JOUR


def freshness_of(fiche: Fiche, today: dt.date | None = None) -> Freshness | None:
    """The fiche's freshness on ``today`` (default: today); None when the fiche is not public."""
    if not fiche.is_public:
        return None
    return freshness_for(fiche.confirmed_at, period_months(fiche), today or dt.date.today())


# --- set-based SQL ------------------------------------------------------------------------------------


def period_expression() -> ColumnElement[int]:
    """SQL for :func:`period_months` of ``Fiche`` rows (a correlated subquery over the thématiques)."""
    version_id = func.coalesce(Fiche.published_version_id, Fiche.current_version_id)
    thematique_period = (
        select(func.min(Thematique.update_period_months))
        .join(version_thematique, version_thematique.c.thematique_id == Thematique.id)
        .where(version_thematique.c.version_id == version_id)
        .scalar_subquery()
    )
    return func.coalesce(Fiche.update_period_months, thematique_period, literal(DEFAULT_PERIOD_MONTHS))


def _cutoffs(today: dt.date) -> dict[int, tuple[dt.date, dt.date]]:
    """For each period p: (stale_cutoff, soon_cutoff). A fiche confirmed on or before stale_cutoff is
    « À vérifier »; on or before soon_cutoff (and after stale_cutoff), « À vérifier bientôt».

    confirmed + p months <= today  ⟺  confirmed <= today - p months (with end-of-month clipping, the
    inverse is checked exactly by :func:`freshness_for`; the cutoff is the latest such day).
    """
    out = {}
    for p in range(MIN_PERIOD_MONTHS, MAX_PERIOD_MONTHS + 1):
        out[p] = (_latest_confirmed(today, p, soon=False), _latest_confirmed(today, p, soon=True))
    return out


def _latest_confirmed(today: dt.date, period: int, *, soon: bool) -> dt.date:
    """The latest confirmation day whose freshness on ``today`` is at least as bad as asked."""
    # Start from a close guess and walk: month clipping makes the inverse off by up to 3 days.
    guess = add_months(today, -period) + dt.timedelta(days=10 if not soon else 45)
    wanted = (Freshness.A_VERIFIER,) if not soon else (Freshness.A_VERIFIER, Freshness.BIENTOT)
    while freshness_for(guess, period, today) not in wanted:
        guess -= dt.timedelta(days=1)
    return guess


def freshness_expression(today: dt.date, *, confirmed: Any = None, period: Any = None) -> ColumnElement[str]:
    """SQL CASE giving the :class:`Freshness` value of ``Fiche`` rows on ``today`` (for public fiches).

    ``confirmed`` and ``period`` default to ``Fiche.confirmed_at`` and :func:`period_expression`; a query
    over many fiches passes columns it computed once per fiche instead (the period's correlated subquery
    would otherwise run twice per row: see :func:`guide.services.quality.freshness_groups`)."""
    # Periods are clamped when written; a value outside the allowed range falls to the default's cutoffs.
    if period is None:
        period = period_expression()
    if confirmed is None:
        confirmed = Fiche.confirmed_at
    cutoffs = _cutoffs(today)
    stale_cutoff = case(
        {p: literal(c[0]) for p, c in cutoffs.items()}, value=period, else_=literal(cutoffs[12][0])
    )
    soon_cutoff = case(
        {p: literal(c[1]) for p, c in cutoffs.items()}, value=period, else_=literal(cutoffs[12][1])
    )
    return case(
        (
            or_(confirmed.is_(None), confirmed <= stale_cutoff),
            literal(Freshness.A_VERIFIER.value),
        ),
        (confirmed <= soon_cutoff, literal(Freshness.BIENTOT.value)),
        else_=literal(Freshness.A_JOUR.value),
    )


GroupBy = Literal["thematique", "quartier", "organisation"]


@dataclass
class FreshnessCount:
    """Public fiches per freshness, for the whole guide or one group (thématique, quartier, organisation)."""

    key: int | None = None  # the group's id (None: the whole guide, or fiches without a quartier)
    label: str = ""
    counts: dict[Freshness, int] = field(default_factory=lambda: dict.fromkeys(Freshness, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def a_jour(self) -> int:
        """Confirmed within their period (« À jour » and « À vérifier bientôt »)."""
        return self.counts[Freshness.A_JOUR] + self.counts[Freshness.BIENTOT]

    @property
    def share_confirmed(self) -> float | None:
        """Share (0..1) of fiches confirmed within their period; None when there is no fiche."""
        return self.a_jour / self.total if self.total else None


def freshness_counts(
    db: Session, today: dt.date, *, by: GroupBy | None = None
) -> FreshnessCount | list[FreshnessCount]:
    """Count public fiches per freshness in one GROUP BY query.

    ``by=None`` gives one :class:`FreshnessCount` for the guide. ``by="thematique"`` / ``"quartier"`` /
    ``"organisation"`` gives one per group, sorted by label (a fiche with two thématiques, or lieux in two
    quartiers, counts in each; fiches without a lieu in a quartier are grouped under ``key=None``,
    « Sans quartier »). Thématiques and quartiers come from the published version.
    """
    status = freshness_expression(today).label("freshness")
    if by is None:
        rows = db.execute(select(status, func.count()).where(Fiche.is_public).group_by(status)).all()
        result = FreshnessCount(label="Guide")
        for value, n in rows:
            result.counts[Freshness(value)] += n
        return result
    if by == "organisation":
        key, label = Organisation.id, Organisation.nom
        stmt = select(key, label, status, func.count(Fiche.id)).join(Organisation, Fiche.organisation)
    elif by == "thematique":
        key, label = Thematique.id, Thematique.label
        stmt = (
            select(key, label, status, func.count(Fiche.id))
            .join(version_thematique, version_thematique.c.version_id == Fiche.published_version_id)
            .join(Thematique, Thematique.id == version_thematique.c.thematique_id)
        )
    elif by == "quartier":
        key, label = Quartier.id, Quartier.nom
        stmt = (
            select(key, label, status, func.count(func.distinct(Fiche.id)))
            .outerjoin(version_lieu, version_lieu.c.version_id == Fiche.published_version_id)
            .outerjoin(Lieu, Lieu.id == version_lieu.c.lieu_id)
            .outerjoin(Quartier, Quartier.id == Lieu.quartier_id)
        )
    else:
        raise ValueError(f"unknown grouping {by!r}")
    stmt = stmt.where(Fiche.is_public).group_by(key, label, status)
    groups: dict[int | None, FreshnessCount] = {}
    for gid, glabel, value, n in db.execute(stmt):
        group = groups.setdefault(gid, FreshnessCount(key=gid, label=glabel or "Sans quartier"))
        group.counts[Freshness(value)] += n
    return sorted(groups.values(), key=lambda g: (g.key is None, g.label.casefold()))


def stale_fiches_query(
    db: Session | None = None,
    today: dt.date | None = None,
    *,
    include_soon: bool = False,
    organisation_ids: Iterable[int] | None = None,
) -> Select[tuple[Fiche]]:
    """``select(Fiche)`` of public fiches « À vérifier » (and « bientôt » with ``include_soon``) on ``today``.

    Ordered most overdue first (never confirmed, then oldest confirmation). ``db`` is accepted for symmetry
    and unused: execute the statement with ``db.scalars(...)``, add ``.limit()``, or wrap it in a count.
    """
    status = freshness_expression(today or dt.date.today())
    wanted = [Freshness.A_VERIFIER.value] + ([Freshness.BIENTOT.value] if include_soon else [])
    stmt = select(Fiche).where(Fiche.is_public, status.in_(wanted))
    if organisation_ids is not None:
        stmt = stmt.where(Fiche.organisation_id.in_(list(organisation_ids)))
    return stmt.order_by(Fiche.confirmed_at.is_not(None), Fiche.confirmed_at, Fiche.id)


def fiches_with_freshness(
    fiches: Iterable[Fiche], today: dt.date | None = None
) -> list[tuple[Fiche, Freshness | None]]:
    """Pair each fiche with its freshness, the most urgent first (then by title): the dashboards' order."""
    today = today or dt.date.today()
    pairs = [(f, freshness_of(f, today)) for f in fiches]
    return sorted(pairs, key=lambda p: (p[1].rank if p[1] else 3, p[0].title.casefold()))


# --- the public page « Ce guide est-il à jour ? » ------------------------------------------------


@dataclass
class PublicFreshness:
    total: int
    within_year: int  # confirmed less than a year ago
    within_period: int  # confirmed within their own update period

    @property
    def share_year(self) -> int | None:
        return round(100 * self.within_year / self.total) if self.total else None

    @property
    def share_period(self) -> int | None:
        return round(100 * self.within_period / self.total) if self.total else None


def public_freshness(db: Session, today: dt.date) -> PublicFreshness:
    """The share of public fiches checked within a year and within their own period (two aggregates)."""
    year_ago = add_months(today, -12)
    total, within_year = db.execute(
        select(
            func.count(Fiche.id),
            func.coalesce(func.sum(case((Fiche.confirmed_at > year_ago, 1), else_=0)), 0),
        ).where(Fiche.is_public)
    ).one()
    overall = freshness_counts(db, today)
    assert isinstance(overall, FreshnessCount)
    return PublicFreshness(
        total=int(total or 0), within_year=int(within_year or 0), within_period=overall.a_jour
    )
