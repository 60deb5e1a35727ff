"""Quality and indicators: « État du guide », the city's indicators, their CSV exports, the public freshness
page, and the counters behind the indicators (fiche reads, searches, telephone and itinerary clicks).

Counting never writes in the request: a read adds to :class:`guide.services.indicators.UsageRecorder`'s
memory, written in batches off the request. Nothing about the reader is stored (no address, no user agent,
no cookie); robots, prefetches and logged-in partners and coordinators are not counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from typing import Any
from urllib.parse import urlsplit

from pyramid.events import BeforeRender, NewResponse
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from guide import hours
from guide.caching import check_same_origin_or_token
from guide.models import Fiche, utcnow
from guide.models.stats import UsageKind
from guide.permissions import Permission
from guide.ratelimit import client_ip
from guide.services import charts, freshness, indicators, quality
from guide.services.indicators import Period, PeriodError, UsageRecorder

from .resources import parse_id

BEACON_MAX_BYTES = 512
BEACON_ACTIONS = {"call": UsageKind.CALL.value, "directions": UsageKind.DIRECTIONS.value}
_FICHE_PATH = re.compile(r"^/fiche/([0-9]{1,12})(?:-[\w-]*)?/?$")
GROUPS = {"thematique": "Par thématique", "quartier": "Par quartier", "organisation": "Par structure"}
ORGANISATIONS_SHOWN = 50
PUBLIC_FRESHNESS_SECONDS = 60.0
_FRESHNESS_CACHE = "quality.public_freshness"


# --- counting ------------------------------------------------------------------------------------------


def usage_recorder(registry: Any) -> UsageRecorder:
    """The process's recorder, writing through the registry's session factory (which the tests swap)."""
    recorder: UsageRecorder = registry["usage"]
    factory = registry["dbsession_factory"]
    if recorder.session_factory is not factory:
        recorder.rebind(factory)
    return recorder


def _counted_visitor(request: Any) -> bool:
    """A resident, not a robot nor a logged-in partner or coordinator (their own visits are work)."""
    return not (request.has_session and request.user is not None)


def _today() -> dt.date:
    return hours.today()


def count_fiche_read(event: NewResponse) -> None:
    """A public fiche page served to a resident: one read of the fiche, its thématiques and quartiers."""
    request, response = event.request, event.response
    route = request.matched_route
    if route is None or route.name != "fiche" or response.status_code not in (200, 304):
        return
    try:
        if not indicators.is_countable(request.method, request.headers) or not _counted_visitor(request):
            return
        fiche = request.context
        if not isinstance(fiche, Fiche) or not fiche.is_public:
            return
        usage_recorder(request.registry).record(_today(), indicators.fiche_events(fiche))
    except Exception:  # noqa: BLE001 - a counter never breaks a page
        indicators.logger.warning("usage counters: a fiche read was not counted", exc_info=True)


def count_search(event: BeforeRender) -> None:
    """A search made on the public results page (its first page), and whether it found nothing."""
    if event.get("renderer_name") != "search_results.jinja2":
        return
    request = event.get("request")
    results, params = event.rendering_val.get("results"), event.rendering_val.get("params")
    if request is None or results is None or params is None or not (params.q or "").strip():
        return
    if getattr(params, "page", 1) not in (1, None):
        return
    try:
        if not indicators.is_countable(request.method, request.headers) or not _counted_visitor(request):
            return
        events = [(UsageKind.SEARCH.value, "")]
        if not results.total:
            events.append((UsageKind.SEARCH_EMPTY.value, ""))
        usage_recorder(request.registry).record(_today(), events)
    except Exception:  # noqa: BLE001 - a counter never breaks a page
        indicators.logger.warning("usage counters: a search was not counted", exc_info=True)


def _write_counts(request: Any) -> None:
    usage_recorder(request.registry).after_request()


def _on_new_response(event: NewResponse) -> None:
    count_fiche_read(event)
    event.request.add_finished_callback(_write_counts)


def _no_content(status: int = 204) -> Response:
    response = Response(status=status)
    response.cache_control = "no-store"
    return response


@view_config(route_name="usage_beacon", request_method="POST", require_csrf=False)
def usage_beacon(request: Any) -> Response:
    """``navigator.sendBeacon`` from ``beacon.js`` on a click of a fiche's telephone or itinerary link.

    No CSRF token (an anonymous visitor has no session), so the Origin is checked as for the selection's
    buttons; bounded: a tiny body, the « beacon » rate limit per address, known actions and public fiches
    only. Always an empty answer; never counted for a robot or a logged-in user."""
    if (request.content_length or 0) > BEACON_MAX_BYTES or len(request.body or b"") > BEACON_MAX_BYTES:
        return _no_content(413)
    try:
        check_same_origin_or_token(request)
    except BadCSRFToken:
        return _no_content(403)
    if not request.ratelimiter.hit("beacon", client_ip(request)):
        return _no_content(429)
    action = BEACON_ACTIONS.get(str(request.POST.get("action", ""))[:20])
    if action is None:
        return _no_content(400)
    fiche_id = parse_id(str(request.POST.get("fiche", ""))[:20])
    if fiche_id is None:
        match = _FICHE_PATH.match(urlsplit(str(request.POST.get("page", ""))[:300]).path)
        fiche_id = int(match.group(1)) if match else None
    if fiche_id is None:
        return _no_content(400)
    if indicators.is_bot(request.user_agent or "") or not _counted_visitor(request):
        return _no_content()
    fiche = request.dbsession.get(Fiche, fiche_id)
    if fiche is None or not fiche.is_public:
        return _no_content()
    usage_recorder(request.registry).record(_today(), [(action, str(fiche.id))])
    return _no_content()


# --- CSV -----------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would take for a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(hours.timezone()).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> Response:
    """A CSV file as French spreadsheets open it: UTF-8 with a BOM, « ; » between cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    response = Response(body=out.getvalue().encode("utf-8"), content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    response.cache_control = "private, no-store"
    return response


# --- État du guide -------------------------------------------------------------------------------------


def _filter(request: Any) -> quality.Filter:
    values = {}
    for name in ("thematique", "quartier", "organisation"):
        raw = request.GET.get(name)
        if raw is None or raw == "":
            continue
        number = parse_id(str(raw))
        if number is None:
            raise HTTPNotFound()
        values[name] = number
    return quality.Filter(**values)


@view_config(route_name="quality_state", renderer="quality_state.jinja2", permission=Permission.COORDINATE)
def quality_state(request: Any) -> Any:
    state = quality.guide_state(request.dbsession, _today(), utcnow())
    # 2,000 organisations do not make a readable table: those with fiches to check, the most first
    to_check = [g for g in state.by_organisation if g.total - g.counts[quality.Freshness.A_JOUR]]
    to_check.sort(
        key=lambda g: (-g.counts[quality.Freshness.A_VERIFIER], -g.counts[quality.Freshness.BIENTOT], g.label)
    )
    shown = {
        "thematique": state.by_thematique,
        "quartier": state.by_quartier,
        "organisation": to_check[:ORGANISATIONS_SHOWN],
    }
    return {
        "state": state,
        "lists": quality.LISTS,
        "groups": GROUPS,
        "shown": shown,
        "organisations_hidden": len(state.by_organisation) - len(shown["organisation"]),
    }


@view_config(route_name="quality_list", renderer="quality_list.jinja2", permission=Permission.COORDINATE)
def quality_list(request: Any) -> Any:
    flt = _filter(request)
    page = parse_id(str(request.GET.get("page", "1"))) or 1
    try:
        label = quality.filter_label(request.dbsession, flt)
        spec, rows, total = quality.list_rows(
            request.dbsession, request.matchdict["list"], _today(), flt, page=page
        )
    except quality.UnknownList:
        raise HTTPNotFound() from None
    pages = max(1, -(-total // quality.PAGE_SIZE))
    if page > pages:
        raise HTTPNotFound()
    return {
        "spec": spec,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "filter_label": label,
        "params": flt.params(),
    }


@view_config(route_name="quality_list_csv", permission=Permission.COORDINATE)
def quality_list_csv(request: Any) -> Response:
    flt = _filter(request)
    try:
        quality.filter_label(request.dbsession, flt)
        spec, rows, _total = quality.list_rows(
            request.dbsession, request.matchdict["list"], _today(), flt, page=None
        )
    except quality.UnknownList:
        raise HTTPNotFound() from None
    return csv_response(
        f"{spec.slug}-{_today().isoformat()}.csv",
        [heading for _, heading in spec.columns],
        [[getattr(row, name) for name, _ in spec.columns] for row in rows],
    )


@view_config(route_name="quality_groups_csv", permission=Permission.COORDINATE)
def quality_groups_csv(request: Any) -> Response:
    by = request.matchdict["by"]
    if by not in GROUPS:
        raise HTTPNotFound()
    groups = freshness.freshness_counts(request.dbsession, _today(), by=by)
    rows = [
        [
            g.label,
            g.total,
            g.a_jour,
            g.counts[quality.Freshness.BIENTOT],
            g.counts[quality.Freshness.A_VERIFIER],
            f"{round(100 * g.share_confirmed)} %" if g.share_confirmed is not None else "",
        ]
        for g in groups  # type: ignore[union-attr]
    ]
    header = [
        GROUPS[by].removeprefix("Par ").capitalize(),
        "Fiches publiées",
        "Dans leur délai",
        "Dont à vérifier bientôt",
        "À vérifier",
        "Part dans leur délai",
    ]
    return csv_response(f"delais-{by}-{_today().isoformat()}.csv", header, rows)


# --- indicators ---------------------------------------------------------------------------------------


def _period(request: Any) -> tuple[Period, dict[str, str], dict[str, str]]:
    """The period asked for, what was typed (kept in the fields), and the French error of each field."""
    typed = {name: str(request.GET.get(name, ""))[:20] for name in ("du", "au")}
    today = _today()
    try:
        return indicators.parse_period(typed["du"], typed["au"], today), typed, {}
    except PeriodError as error:
        return indicators.default_period(today), typed, {error.field: error.message}


def _bucket_label(period: Period, day: dt.date) -> str:
    return indicators.month_label(day) if period.monthly else day.strftime("%d/%m")


def indicator_data(request: Any, period: Period) -> dict[str, Any]:
    db = request.dbsession
    kinds = [k.value for k in UsageKind]
    series = indicators.usage_series(db, period, kinds)
    buckets = period.buckets()
    labels = [_bucket_label(period, b) for b in buckets]
    updates = indicators.updates_per_month(db, period.start, period.end)
    update_months = list(updates)
    totals = {kind: sum(values.values()) for kind, values in series.items()}
    searches = totals[UsageKind.SEARCH.value]
    empty = totals[UsageKind.SEARCH_EMPTY.value]
    thematiques = indicators.thematique_ranking(db, period)
    quartiers = indicators.quartier_ranking(db, period)
    step = "jour" if not period.monthly else "mois"
    return {
        "period": period,
        "buckets": buckets,
        "labels": labels,
        "series": series,
        "totals": totals,
        "empty_share": round(100 * empty / searches) if searches else None,
        "updates": updates,
        "confirmation": indicators.confirmation_age(db, _today()),
        "fiches": indicators.fiche_ranking(db, period, limit=20),
        "thematiques": thematiques,
        "quartiers": quartiers,
        "charts": {
            "consultations": charts.bar_chart(
                f"Consultations de fiches par {step}",
                labels,
                {"Consultations": [series[UsageKind.FICHE.value][b] for b in buckets]},
                unit="consultations",
            ),
            "searches": charts.line_chart(
                f"Recherches par {step}",
                labels,
                {
                    "Recherches": [series[UsageKind.SEARCH.value][b] for b in buckets],
                    "Sans résultat": [series[UsageKind.SEARCH_EMPTY.value][b] for b in buckets],
                },
            ),
            "clicks": charts.bar_chart(
                f"Clics sur le téléphone et l'itinéraire par {step}",
                labels,
                {
                    "Téléphone": [series[UsageKind.CALL.value][b] for b in buckets],
                    "Itinéraire": [series[UsageKind.DIRECTIONS.value][b] for b in buckets],
                },
            ),
            "updates": charts.bar_chart(
                "Mises à jour des fiches par mois",
                [indicators.month_label(m) for m in update_months],
                {
                    "Confirmations": [updates[m]["confirmations"] for m in update_months],
                    "Modifications": [updates[m]["modifications"] for m in update_months],
                },
            ),
            "thematiques": charts.hbar_chart(
                "Consultations par thématique",
                [(r.label, r.count) for r in thematiques[:15]],
                unit="consultations",
            ),
            "quartiers": charts.hbar_chart(
                "Consultations par quartier",
                [(r.label, r.count) for r in quartiers[:15]],
                unit="consultations",
            ),
        },
    }


@view_config(route_name="indicators", renderer="indicators.jinja2", permission=Permission.COORDINATE)
def indicators_page(request: Any) -> Any:
    period, typed, errors = _period(request)
    if errors:
        request.response.status = 400
    return {**indicator_data(request, period), "typed": typed, "errors": errors}


CSV_TABLES = ("series", "fiches", "thematiques", "quartiers", "mises-a-jour")


@view_config(route_name="indicators_csv", permission=Permission.COORDINATE)
def indicators_csv(request: Any) -> Response:
    period, _typed, errors = _period(request)
    table = request.matchdict["table"]
    if errors or table not in CSV_TABLES:
        raise HTTPNotFound()
    db = request.dbsession
    name = f"indicateurs-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    if table == "series":
        kinds = [k.value for k in UsageKind if k not in (UsageKind.THEMATIQUE, UsageKind.QUARTIER)]
        series = indicators.usage_series(db, period, kinds)
        header = [
            "Mois" if period.monthly else "Jour",
            "Consultations de fiches",
            "Recherches",
            "Recherches sans résultat",
            "Clics téléphone",
            "Clics itinéraire",
        ]
        rows = [
            [indicators.month_label(b) if period.monthly else b, *(series[k][b] for k in kinds)]
            for b in period.buckets()
        ]
        return csv_response(name, header, rows)
    if table == "fiches":
        ranked = indicators.fiche_ranking(db, period, limit=None)
        return csv_response(
            name,
            ["N°", "Fiche", "Consultations", "Clics téléphone", "Clics itinéraire"],
            [[r.key, r.label, r.count, r.extra["call"], r.extra["directions"]] for r in ranked],
        )
    if table in ("thematiques", "quartiers"):
        ranked = (indicators.thematique_ranking if table == "thematiques" else indicators.quartier_ranking)(
            db, period
        )
        heading = "Thématique" if table == "thematiques" else "Quartier"
        return csv_response(name, [heading, "Consultations"], [[r.label, r.count] for r in ranked])
    updates = indicators.updates_per_month(db, period.start, period.end)
    return csv_response(
        name,
        ["Mois", "Confirmations", "Modifications"],
        [[indicators.month_label(m), v["confirmations"], v["modifications"]] for m, v in updates.items()],
    )


# --- the public page ---------------------------------------------------------------------------------


@view_config(route_name="public_freshness", renderer="public_freshness.jinja2")
def public_freshness(request: Any) -> Any:
    """Anyone may ask, as often as they like (a query string defeats the shared cache): the figures (about
    100 ms of CPU at 10,000 fiches) are computed at most once a minute per process."""
    today = _today()
    factory = request.registry["dbsession_factory"]  # the tests' cached application changes it
    cached = request.registry.get(_FRESHNESS_CACHE)
    if (
        cached is not None
        and cached[0] is factory
        and cached[1] == today
        and time.monotonic() - cached[2] < PUBLIC_FRESHNESS_SECONDS
    ):
        return cached[3]
    by_thematique = freshness.freshness_counts(request.dbsession, today, by="thematique")
    data = {
        "figures": freshness.public_freshness(request.dbsession, today),
        "by_thematique": [g for g in by_thematique if g.total],  # type: ignore[union-attr]
        "today": today,
    }
    request.registry[_FRESHNESS_CACHE] = (factory, today, time.monotonic(), data)
    return data


def includeme(config: Any) -> None:
    factory = config.registry["dbsession_factory"]
    config.registry["usage"] = UsageRecorder(factory)
    config.add_subscriber(_on_new_response, NewResponse)
    config.add_subscriber(count_search, BeforeRender)
