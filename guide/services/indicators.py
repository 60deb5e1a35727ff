"""The city's indicators (seed 004, action 08): consultations, searches, clicks, updates, confirmation age.

**Counting without personal data.** A public read must never fail, nor wait, because of a counter, and
nothing about the reader is kept. :meth:`UsageRecorder.record` adds one to a counter in memory, per
(kind, key, day): no address, no user agent, no cookie, no time within the day ever leaves the request.
The counts are written in batches, in a short transaction of their own (an upsert adding to the day's
row), by a background thread every ``flush_seconds`` (or sooner when ``max_pending`` events wait, and at
exit) when the session factory is bound to an Engine; otherwise (the tests' single connection) after a
request when a flush is due, or on :meth:`UsageRecorder.flush`. A failed write is logged and its counts
go back to the buffer; memory is bounded by ``max_keys`` distinct keys (more are dropped and counted).
The buffering is :class:`guide.counting.BufferedCounter`'s, shared with :mod:`search_index.misses`.

**Bots are not counted**: :func:`is_countable` refuses requests whose user agent is empty, unusually long
or recognised by the maintained ``crawlerdetect`` patterns (its big regular expression is slow on long
crafted strings, so at most :data:`MAX_USER_AGENT` characters are looked at, and answers are cached),
prefetches, and requests that are not GET.

**Rolling up.** ``guide-housekeeping`` adds the daily rows of whole months older than
:data:`DAILY_KEEP_DAYS` to :class:`UsageMonthly` and deletes them (:func:`roll_up`): recent periods are
charted per day, older ones per month.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import statistics
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.dates import get_month_names
from crawlerdetect import CrawlerDetect
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from ..counting import BufferedCounter, add_counts
from ..hours.library import midnight
from ..models import Fiche, FicheEvent, FicheVersion, Quartier, Thematique
from ..models.stats import UsageDaily, UsageKind, UsageMonthly

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 10.0
MAX_PENDING = 2_000  # events waiting before a flush is due at once
MAX_KEYS = 50_000  # distinct (kind, key, day) counters held in memory at most
DAILY_KEEP_DAYS = 92  # daily rows of months older than this are rolled up into monthly rows
MAX_USER_AGENT = 300  # characters of the user agent given to the bot patterns
MAX_PERIOD_DAYS = 3 * 366  # the longest period the indicators page shows
DAILY_CHART_MAX_DAYS = 62  # longer periods are charted per month
MAX_KEY_LENGTH = 80

_detector = threading.local()


# --- who is counted ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """True for a robot's user agent (or none at all); the answer for a string is cached (bounded)."""
    if not user_agent or len(user_agent) > 4 * MAX_USER_AGENT or not user_agent.isprintable():
        return True
    detector = getattr(_detector, "value", None)
    if detector is None:  # CrawlerDetect keeps state between calls: one per thread
        detector = _detector.value = CrawlerDetect()
    return bool(detector.isCrawler(user_agent[:MAX_USER_AGENT]))


def is_countable(method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request is a person reading the guide: a GET, not a prefetch, not a bot."""
    if method != "GET":
        return False
    purpose = (headers.get("Sec-Purpose") or headers.get("Purpose") or "").lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    return not is_bot(headers.get("User-Agent") or "")


# --- the counter in memory and its writer -----------------------------------------------------------

Key = tuple[str, str, dt.date]


class UsageRecorder(BufferedCounter[Key]):
    """Usage counts per (kind, key, day), buffered in memory and written in batches to :class:`UsageDaily`
    (:class:`guide.counting.BufferedCounter`). Thread-safe."""

    name = "usage-counters"

    def __init__(
        self,
        session_factory: sessionmaker[Session] | None,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        max_pending: int = MAX_PENDING,
        max_keys: int = MAX_KEYS,
        background: bool | None = None,
    ) -> None:
        super().__init__(
            session_factory,
            flush_seconds=flush_seconds,
            max_pending=max_pending,
            max_keys=max_keys,
            background=background,
        )

    def record(self, day: dt.date, events: Iterable[tuple[str, str]]) -> int:
        """Count one of each (kind, key) event on ``day`` in memory; returns how many were kept."""
        return self.add((str(kind), str(key)[:MAX_KEY_LENGTH], day) for kind, key in events)

    def write(self, session: Session, batch: Counter[Key]) -> None:
        rows = [{"kind": k, "key": key, "day": d, "count": n} for (k, key, d), n in sorted(batch.items())]
        add_daily_counts(session, rows)


def add_daily_counts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rows ``{"kind", "key", "day", "count"}`` added to :class:`UsageDaily` (one upsert)."""
    add_counts(session, UsageDaily.__table__, ("kind", "key", "day"), rows)


def add_monthly_counts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rows ``{"kind", "key", "month", "count"}`` added to :class:`UsageMonthly` (one upsert)."""
    add_counts(session, UsageMonthly.__table__, ("kind", "key", "month"), rows)


def fiche_events(fiche: Fiche) -> list[tuple[str, str]]:
    """The counters one read of a public fiche adds to: the fiche, its thématiques, its quartiers."""
    version = fiche.published_version
    events = [(UsageKind.FICHE.value, str(fiche.id))]
    if version is not None:
        events += [(UsageKind.THEMATIQUE.value, t.slug) for t in version.thematiques]
        quartiers = {lieu.quartier.slug for lieu in version.lieux if lieu.quartier is not None}
        events += [(UsageKind.QUARTIER.value, slug) for slug in sorted(quartiers)]
    return events


# --- rolling up (guide-housekeeping) ----------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def roll_up_boundary(today: dt.date) -> dt.date:
    """Daily rows before this day (a month's first day) are rolled up into monthly rows."""
    return month_start(today - dt.timedelta(days=DAILY_KEEP_DAYS))


def roll_up(db: Session, today: dt.date | None = None) -> int:
    """Sum the daily rows of whole months older than :data:`DAILY_KEEP_DAYS` into monthly rows and delete
    them; returns how many daily rows were removed. Idempotent (nothing left to roll up the second time)."""
    boundary = roll_up_boundary(today or dt.date.today())
    old = UsageDaily.day < boundary
    sums: Counter[tuple[str, str, dt.date]] = Counter()
    for kind, key, day, count in db.execute(
        select(UsageDaily.kind, UsageDaily.key, UsageDaily.day, UsageDaily.count).where(old)
    ):
        sums[kind, key, month_start(day)] += count
    add_monthly_counts(
        db, [{"kind": k, "key": key, "month": m, "count": n} for (k, key, m), n in sorted(sums.items())]
    )
    result = db.execute(delete(UsageDaily).where(old))
    return result.rowcount or 0


# --- the period asked for ---------------------------------------------------------------------------


class PeriodError(ValueError):
    """A period that cannot be shown; ``field`` is "du" or "au", ``message`` is French."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_day(value: str) -> dt.date | None:
    """« 16/02/2027 » or « 2027-02-16 » (a date field) as a date; None when it is not one."""
    value = (value or "").strip()[:20]
    try:
        if match := _DATE_FR.match(value):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if match := _DATE_ISO.match(value):
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included
    # charted per month: a long period, or one reaching back to the months already rolled up
    monthly: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def buckets(self) -> list[dt.date]:
        """The chart's x values: each day, or each month's first day."""
        if not self.monthly:
            return [self.start + dt.timedelta(days=i) for i in range(self.days)]
        out, month = [], month_start(self.start)
        while month <= self.end:
            out.append(month)
            month = _next_month(month)
        return out

    def bucket_of(self, day: dt.date) -> dt.date:
        return month_start(day) if self.monthly else day


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def make_period(start: dt.date, end: dt.date, today: dt.date) -> Period:
    monthly = (end - start).days + 1 > DAILY_CHART_MAX_DAYS or start < roll_up_boundary(today)
    return Period(start, end, monthly)


def default_period(today: dt.date) -> Period:
    """The last 30 days, today included."""
    return make_period(today - dt.timedelta(days=29), today, today)


def parse_period(start: str | None, end: str | None, today: dt.date) -> Period:
    """The period of the « du » and « au » fields (each may be empty: the last 30 days); PeriodError."""
    default = default_period(today)
    first = parse_day(start) if start else default.start
    if first is None:
        raise PeriodError("du", "Date de début invalide : écrivez-la comme 16/02/2027.")
    last = parse_day(end) if end else today
    if last is None:
        raise PeriodError("au", "Date de fin invalide : écrivez-la comme 16/02/2027.")
    if first > today:
        raise PeriodError("du", "La date de début est dans le futur : aucun chiffre encore.")
    if first > last:
        raise PeriodError("au", "La date de fin doit suivre la date de début.")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError("du", "Période trop longue : trois ans au plus.")
    return make_period(first, min(last, today), today)


# --- reading the indicators -------------------------------------------------------------------------


def _grouped(db: Session, period: Period, kinds: list[str], by: str) -> Iterable[tuple[str, Any, int]]:
    """(kind, day or key, total) of the daily rows, then of the monthly rows, of ``period``: two grouped
    queries on the (kind, key, day) index rather than one over a UNION (which no index serves)."""
    for model, column, first in (
        (UsageDaily, UsageDaily.day, period.start),
        (UsageMonthly, UsageMonthly.month, month_start(period.start)),
    ):
        group = column if by == "day" else model.key
        yield from db.execute(
            select(model.kind, group, func.sum(model.count))
            .where(model.kind.in_(kinds), column.between(first, period.end))
            .group_by(model.kind, group)
        )


def usage_series(db: Session, period: Period, kinds: Iterable[str]) -> dict[str, dict[dt.date, int]]:
    """For each kind, its total per bucket (day or month) of ``period`` (every bucket present, 0 if none)."""
    kinds = list(kinds)
    series = {kind: dict.fromkeys(period.buckets(), 0) for kind in kinds}
    for kind, day, total in _grouped(db, period, kinds, "day"):
        bucket = period.bucket_of(day)
        if bucket in series[kind]:
            series[kind][bucket] += int(total or 0)
    return series


def usage_totals(db: Session, period: Period, kind: str) -> list[tuple[str, int]]:
    """(key, total) of one kind over ``period``, the largest first (every key)."""
    totals: Counter[str] = Counter()
    for _kind, key, total in _grouped(db, period, [kind], "key"):
        totals[key] += int(total or 0)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


@dataclass
class Ranked:
    label: str
    count: int
    url_kind: str = ""  # "fiche", "thematique" or "quartier": what ``key`` names
    key: str = ""
    extra: dict[str, int] = field(default_factory=dict)


def fiche_ranking(db: Session, period: Period, limit: int | None = 20) -> list[Ranked]:
    """Fiches by consultations over ``period``, with their telephone and itinerary clicks."""
    views = usage_totals(db, period, UsageKind.FICHE.value)
    calls = dict(usage_totals(db, period, UsageKind.CALL.value))
    directions = dict(usage_totals(db, period, UsageKind.DIRECTIONS.value))
    viewed = dict(views)
    keys = list(dict.fromkeys([*viewed, *calls, *directions]))
    keys.sort(key=lambda k: (-viewed.get(k, 0), -calls.get(k, 0), -directions.get(k, 0), k))
    if limit is not None:
        keys = keys[:limit]
    ids = [int(k) for k in keys if k.isdigit()]
    names = dict(
        db.execute(
            select(Fiche.id, FicheVersion.nom)
            .join(
                FicheVersion,
                FicheVersion.id == func.coalesce(Fiche.published_version_id, Fiche.current_version_id),
            )
            .where(Fiche.id.in_(ids))
        ).all()
    )
    return [
        Ranked(
            label=names.get(int(k), "Fiche supprimée") if k.isdigit() else k,
            count=viewed.get(k, 0),
            url_kind="fiche" if k.isdigit() and int(k) in names else "",
            key=k,
            extra={"call": calls.get(k, 0), "directions": directions.get(k, 0)},
        )
        for k in keys
    ]


def _labelled(db: Session, period: Period, kind: str, model: Any, label_column: Any) -> list[Ranked]:
    labels = dict(db.execute(select(model.slug, label_column)).all())
    return [
        Ranked(label=labels.get(key, key), count=n, url_kind=kind if key in labels else "", key=key)
        for key, n in usage_totals(db, period, kind)
    ]


def thematique_ranking(db: Session, period: Period) -> list[Ranked]:
    return _labelled(db, period, UsageKind.THEMATIQUE.value, Thematique, Thematique.label)


def quartier_ranking(db: Session, period: Period) -> list[Ranked]:
    return _labelled(db, period, UsageKind.QUARTIER.value, Quartier, Quartier.nom)


CONFIRM_ACTIONS = ("confirm", "confirm_all", "campaign_confirm")
MODIFY_ACTIONS = ("save", "restore")


def updates_per_month(db: Session, start: dt.date, end: dt.date) -> dict[dt.date, dict[str, int]]:
    """Confirmations and modifications of fiches per month (from their history), every month present.

    Months are the guide's (its ``timezone``), not UTC's: a fiche confirmed at 00:30 on the 1st in Paris
    counts in that month although it is still the last day of the previous one in UTC. Each month is the
    range of instants between two local midnights, told apart by a CASE (portable; SQLite has no zones)."""
    months: dict[dt.date, dict[str, int]] = {}
    month = month_start(start)
    while month <= end:
        months[month] = {"confirmations": 0, "modifications": 0}
        month = _next_month(month)
    keys = list(months)
    if not keys:
        return months
    finish = midnight(end + dt.timedelta(days=1)).astimezone(dt.UTC)
    ends = [min(midnight(_next_month(m)).astimezone(dt.UTC), finish) for m in keys]
    month_index = case(*((FicheEvent.at < instant, index) for index, instant in enumerate(ends)), else_=-1)
    is_confirm = FicheEvent.action.in_(CONFIRM_ACTIONS) | FicheEvent.action.like("confirm%")
    rows = db.execute(
        select(month_index, is_confirm, func.count())
        .where(
            FicheEvent.at >= midnight(keys[0]).astimezone(dt.UTC),
            FicheEvent.at < finish,
            FicheEvent.action.in_(MODIFY_ACTIONS) | is_confirm,
        )
        .group_by(month_index, is_confirm)
    )
    for index, confirming, n in rows:
        if 0 <= index < len(keys):
            months[keys[index]]["confirmations" if confirming else "modifications"] += int(n)
    return months


@dataclass
class ConfirmationAge:
    median_days: float | None
    never: int
    total: int


def confirmation_age(db: Session, today: dt.date) -> ConfirmationAge:
    """The median age in days of the last confirmation of public fiches (and those never confirmed)."""
    dates = db.scalars(select(Fiche.confirmed_at).where(Fiche.is_public)).all()
    ages = [(today - d).days for d in dates if d is not None]
    return ConfirmationAge(
        median_days=statistics.median(ages) if ages else None,
        never=sum(1 for d in dates if d is None),
        total=len(dates),
    )


def month_label(month: dt.date) -> str:
    return f"{MONTHS_FR[month.month - 1]} {month.year}"


# Babel's abbreviated French month names (« janv. », « févr. »…): no hand-written table
MONTHS_FR = tuple(get_month_names("abbreviated", locale="fr")[month] for month in range(1, 13))


__all__ = [
    "DAILY_KEEP_DAYS",
    "ConfirmationAge",
    "Period",
    "PeriodError",
    "Ranked",
    "UsageKind",
    "UsageRecorder",
    "add_daily_counts",
    "confirmation_age",
    "fiche_events",
    "fiche_ranking",
    "is_bot",
    "is_countable",
    "make_period",
    "parse_period",
    "quartier_ranking",
    "roll_up",
    "thematique_ranking",
    "updates_per_month",
    "usage_series",
    "usage_totals",
]


# --- the demo guide ---------------------------------------------------------------------------------


def seed_demo_usage(db: Session, params: Mapping[str, Any], today: dt.date | None = None) -> int:
    """A few months of plausible counters for the demo guide (fixed seed: the same on every load).

    Months older than :func:`roll_up_boundary` are written as monthly rows, as ``guide-housekeeping``
    leaves them; returns how many rows were written."""
    import random

    today = today or dt.date.today()
    rng = random.Random(int(params.get("seed", 8)))
    fiches = list(db.scalars(select(Fiche).where(Fiche.is_public).order_by(Fiche.id)))
    if not fiches:
        return 0
    popularity = [rng.lognormvariate(0, 1.1) for _ in fiches]
    events_of = {f.id: fiche_events(f) for f in fiches}
    days = min(int(params.get("days", 150)), MAX_PERIOD_DAYS)
    boundary = roll_up_boundary(today)
    daily: Counter[Key] = Counter()
    monthly: Counter[Key] = Counter()
    weekday = list(params.get("weekday_factor", [1] * 7))
    for offset in range(days, -1, -1):
        day = today - dt.timedelta(days=offset)
        growth = (1 + float(params.get("growth_per_month", 0))) ** (-(offset / 30))
        reads = int(
            float(params.get("reads_per_day", 100)) * weekday[day.weekday()] * growth * rng.uniform(0.8, 1.2)
        )
        target = daily if day >= boundary else monthly
        bucket = day if day >= boundary else month_start(day)
        for fiche in rng.choices(fiches, weights=popularity, k=reads):
            for kind, key in events_of[fiche.id]:
                target[kind, key, bucket] += 1
            if rng.random() < float(params.get("call_per_read", 0)):
                target[UsageKind.CALL.value, str(fiche.id), bucket] += 1
            if rng.random() < float(params.get("directions_per_read", 0)):
                target[UsageKind.DIRECTIONS.value, str(fiche.id), bucket] += 1
        searches = int(reads * float(params.get("searches_per_read", 0.5)))
        target[UsageKind.SEARCH.value, "", bucket] += searches
        target[UsageKind.SEARCH_EMPTY.value, "", bucket] += sum(
            1 for _ in range(searches) if rng.random() < float(params.get("empty_search_share", 0.1))
        )
    add_daily_counts(
        db, [{"kind": k, "key": key, "day": d, "count": n} for (k, key, d), n in sorted(daily.items())]
    )
    add_monthly_counts(
        db, [{"kind": k, "key": key, "month": m, "count": n} for (k, key, m), n in sorted(monthly.items())]
    )
    return len(daily) + len(monthly)
