"""Indicators: consultations, searches and clicks counted without personal data, bots left out, the
beacon bounded, the indicators page and its CSV exports over a chosen period."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from guide import hours
from guide.models import FicheEvent, UsageDaily, UsageKind, UsageMonthly, utcnow
from guide.services import indicators
from guide.services.housekeeping import roll_up_usage_counters

from .helpers import visible

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
ORIGIN = "http://localhost"


def _flush(testapp) -> None:
    registry = testapp.app.registry
    recorder = registry["usage"]
    if recorder.session_factory is not registry["dbsession_factory"]:
        recorder.rebind(registry["dbsession_factory"])
    recorder.flush()


def _counts(db, kind=None):
    stmt = select(UsageDaily.kind, UsageDaily.key, UsageDaily.count)
    if kind:
        stmt = stmt.where(UsageDaily.kind == kind)
    return {(k, key): n for k, key, n in db.execute(stmt)}


def _read(testapp, fiche, ua=BROWSER, **headers):
    response = testapp.get(f"/fiche/{fiche.id}", headers={"User-Agent": ua, **headers}, expect_errors=True)
    if response.status_int == 301:  # to the fiche's canonical address
        response = response.follow(headers={"User-Agent": ua, **headers}, expect_errors=True)
    return response


def test_a_resident_reading_a_fiche_counts_it_with_its_thematique_and_quartier(
    testapp, world, db, monkeypatch
):
    recorder = testapp.app.registry["usage"]
    monkeypatch.setattr(recorder, "flush_seconds", 3600.0)  # no flush falls due during the test
    monkeypatch.setattr(recorder, "_last_flush", time.monotonic())
    fiche = world.fiches["published_a"]
    for _ in range(3):
        _read(testapp, fiche)
    # nothing written during the requests: the counts wait in memory
    assert db.scalar(select(UsageDaily.id)) is None
    _flush(testapp)
    counts = _counts(db)
    assert counts[("fiche", str(fiche.id))] == 3
    assert counts[("quartier", "quartier-test")] == 3
    slugs = [t.slug for t in fiche.published_version.thematiques]
    for slug in slugs:
        assert counts[("thematique", slug)] == 3


def test_stored_counters_hold_nothing_personal(testapp, world, db):
    fiche = world.fiches["published_a"]
    testapp.extra_environ["REMOTE_ADDR"] = "203.0.113.77"
    assert _read(testapp, fiche, ua=BROWSER + " Marqueur-Unique-42").status_int == 200
    testapp.get("/recherche?q=aide+alimentaire", headers={"User-Agent": BROWSER + " Marqueur-Unique-42"})
    _flush(testapp)
    columns = {c["name"] for c in inspect(db.get_bind()).get_columns("usage_daily")}
    assert columns == {"id", "kind", "key", "day", "count"}
    rows = db.execute(select(UsageDaily.__table__)).all()
    assert rows
    dump = repr(rows)
    for personal in ("203.0.113", "Marqueur", "Mozilla", "Chrome", "aide alimentaire"):
        assert personal not in dump
    assert "Set-Cookie" not in _read(testapp, fiche).headers


@pytest.mark.parametrize(
    "ua",
    [
        GOOGLEBOT,
        "curl/8.5.0",
        "python-requests/2.32",
        "",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "x" * 5000,
    ],
)
def test_robots_are_not_counted(testapp, world, db, ua):
    _read(testapp, world.fiches["published_a"], ua=ua)
    testapp.get("/recherche?q=logement", headers={"User-Agent": ua})
    _flush(testapp)
    assert _counts(db) == {}


def test_prefetches_logged_in_users_and_hidden_fiches_are_not_counted(testapp, world, db, login):
    _read(testapp, world.fiches["published_a"], **{"Sec-Purpose": "prefetch"})
    _read(testapp, world.fiches["draft_a"])
    login("coord@test.fr")
    _read(testapp, world.fiches["published_a"])
    _flush(testapp)
    assert _counts(db) == {}


def test_searches_and_searches_without_results_are_counted(testapp, world, db):
    testapp.get("/recherche?q=fiche", headers={"User-Agent": BROWSER})
    testapp.get("/recherche?q=zzzqqqxxw", headers={"User-Agent": BROWSER})
    testapp.get("/recherche", headers={"User-Agent": BROWSER})  # no query: not a search
    _flush(testapp)
    counts = _counts(db)
    assert counts[("search", "")] == 2
    assert counts[("search_empty", "")] == 1


def _beacon(testapp, data, *, origin=ORIGIN, ua=BROWSER, **kw):
    headers = {"User-Agent": ua}
    if origin is not None:
        headers["Origin"] = origin
    return testapp.post("/mesure/clic", data, headers=headers, expect_errors=True, **kw)


def test_beacon_counts_telephone_and_itinerary_clicks(testapp, world, db):
    fiche = world.fiches["published_a"]
    assert (
        _beacon(testapp, {"action": "call", "page": f"/fiche/{fiche.id}-fiche-published-a"}).status_int == 204
    )
    assert _beacon(testapp, {"action": "directions", "fiche": str(fiche.id)}).status_int == 204
    assert _beacon(testapp, {"action": "call", "fiche": str(fiche.id)}).status_int == 204
    _flush(testapp)
    counts = _counts(db)
    assert counts[("call", str(fiche.id))] == 2
    assert counts[("directions", str(fiche.id))] == 1


def test_beacon_refuses_other_sites_bad_input_and_bots_without_error(testapp, world, db):
    fiche = world.fiches["published_a"]
    assert (
        _beacon(testapp, {"action": "call", "fiche": str(fiche.id)}, origin="https://evil.example").status_int
        == 403
    )
    assert _beacon(testapp, {"action": "call", "fiche": str(fiche.id)}, origin=None).status_int == 403
    assert _beacon(testapp, {"action": "delete", "fiche": str(fiche.id)}).status_int == 400
    assert _beacon(testapp, {"action": "call", "fiche": "abc"}).status_int == 400
    assert _beacon(testapp, {"action": "call", "page": "/recherche"}).status_int == 400
    assert _beacon(testapp, {"action": "call", "fiche": "999999999"}).status_int == 204
    assert _beacon(testapp, {"action": "call", "fiche": str(world.fiches["draft_a"].id)}).status_int == 204
    assert _beacon(testapp, {"action": "call", "fiche": str(fiche.id)}, ua=GOOGLEBOT).status_int == 204
    assert _beacon(testapp, {"action": "call", "fiche": "1", "x": "y" * 600}).status_int == 413
    response = testapp.post(
        "/mesure/clic",
        b"\xff\xfe\x00garbage",
        headers={"Origin": ORIGIN, "Content-Type": "application/octet-stream"},
        expect_errors=True,
    )
    assert response.status_int < 500
    assert testapp.get("/mesure/clic", expect_errors=True).status_int == 404
    _flush(testapp)
    assert _counts(db) == {}


def test_beacon_is_rate_limited_per_client(testapp, world, db):
    fiche = world.fiches["published_a"]
    statuses = [_beacon(testapp, {"action": "call", "fiche": str(fiche.id)}).status_int for _ in range(25)]
    assert statuses[:20] == [204] * 20
    assert set(statuses[20:]) == {429}
    other = _beacon(
        testapp, {"action": "call", "fiche": str(fiche.id)}, extra_environ={"REMOTE_ADDR": "198.51.100.2"}
    )
    assert other.status_int == 204
    _flush(testapp)
    assert _counts(db)[("call", str(fiche.id))] == 21


def test_recorder_memory_is_bounded():
    recorder = indicators.UsageRecorder(None, max_keys=3, background=False)
    day = dt.date(2026, 11, 30)
    assert recorder.record(day, [("fiche", str(i)) for i in range(10)]) == 3
    assert recorder.dropped == 7
    assert recorder.record(day, [("fiche", "1")]) == 1  # an existing key still counts
    assert recorder.flush() == 0  # no database: kept for the next flush, never raised
    assert recorder.pending == 4


# --- the indicators page ---------------------------------------------------------------------------


def _seed(db, fiche_id, today):
    rows = []
    for offset in range(10):
        day = today - dt.timedelta(days=offset)
        rows.append({"kind": "fiche", "key": str(fiche_id), "day": day, "count": offset + 1})
        rows.append({"kind": "search", "key": "", "day": day, "count": 10})
        rows.append({"kind": "search_empty", "key": "", "day": day, "count": 2})
        rows.append({"kind": "call", "key": str(fiche_id), "day": day, "count": 1})
        rows.append({"kind": "thematique", "key": "sante", "day": day, "count": 3})
    indicators.add_daily_counts(db, rows)
    db.flush()


def test_indicators_page_shows_charts_figures_and_keeps_a_bad_period(testapp, world, db, login):
    today = hours.today()
    fiche = world.fiches["published_a"]
    _seed(db, fiche.id, today)
    login("coord@test.fr")
    page = testapp.get("/coordination/indicateurs")
    text = visible(page)
    assert "55 consultations de fiches" in text.replace("\n", " ")
    assert "100 recherches" in text and "20 % sans résultat" in text
    assert page.html.select("figure.chart svg rect.bar")
    assert page.html.select("figure.chart svg polyline.line")
    assert fiche.published_version.nom in text
    assert "Santé" in text
    bad = testapp.get("/coordination/indicateurs?du=31/02/2026&au=01/01/2026", status=400)
    assert bad.html.select_one("#periode-du")["value"] == "31/02/2026"
    assert "Date de début invalide" in bad.html.select_one("#periode-du-erreur").get_text()
    reversed_ = testapp.get("/coordination/indicateurs?du=10/01/2026&au=01/01/2026", status=400)
    assert "doit suivre" in reversed_.html.select_one("#periode-au-erreur").get_text()
    long = testapp.get("/coordination/indicateurs?du=01/01/2019&au=01/01/2026", status=400)
    assert "trop longue" in visible(long)
    for odd in ("du=%00", "du=" + "9" * 500, "au=2026-13-45", "du[]=1"):
        assert testapp.get(f"/coordination/indicateurs?{odd}", expect_errors=True).status_int in (200, 400)


def test_indicators_page_renders_an_empty_and_a_year_long_period(testapp, world, db, login):
    login("coord@test.fr")
    page = testapp.get("/coordination/indicateurs?du=01/01/2025&au=31/12/2025")
    assert "Aucune donnée sur cette période" in visible(page)
    assert "janv. 2025" in visible(page) and "déc. 2025" in visible(page)


def test_indicators_are_for_coordinators_only(testapp, world, login):
    assert testapp.get("/coordination/indicateurs", expect_errors=True).status_int in (302, 303, 403)
    login("owner.a@test.fr")
    assert testapp.get("/coordination/indicateurs", expect_errors=True).status_int == 403
    assert testapp.get("/coordination/indicateurs/series.csv", expect_errors=True).status_int == 403


def test_indicators_csv_exports(testapp, world, db, login):
    today = hours.today()
    fiche = world.fiches["published_a"]
    _seed(db, fiche.id, today)
    db.add(FicheEvent(fiche_id=fiche.id, action="confirm", at=utcnow()))
    db.add(FicheEvent(fiche_id=fiche.id, action="save", at=utcnow()))
    db.flush()
    login("coord@test.fr")
    series = testapp.get("/coordination/indicateurs/series.csv")
    assert series.content_type == "text/csv"
    lines = series.body.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "Jour;Consultations de fiches;Recherches;Recherches sans résultat;Clics téléphone;Clics itinéraire"
    )
    assert len(lines) == 31  # the last 30 days and the header
    assert lines[-1] == f"{today:%d/%m/%Y};1;10;2;1;0"
    fiches = testapp.get("/coordination/indicateurs/fiches.csv").body.decode("utf-8-sig").splitlines()
    assert fiches[1].split(";")[2:] == ["55", "10", "0"]
    updates = testapp.get("/coordination/indicateurs/mises-a-jour.csv").body.decode("utf-8-sig").splitlines()
    assert updates[-1].endswith(";1;1")
    assert testapp.get("/coordination/indicateurs/autre.csv", expect_errors=True).status_int == 404


def test_updates_are_counted_in_the_guides_months_not_utcs(world, db):
    """A fiche confirmed at 00:30 on 1 December in Paris (23:30 UTC on 30 November) is December's."""
    fiche = world.fiches["published_a"]
    for at, action in (
        (dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), "save"),  # 23:30 in Paris: November
        (dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), "confirm"),  # 00:30 in Paris: December
        (
            dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
            "save",
        ),  # 1 January 2027 in Paris: after the period
    ):
        db.add(FicheEvent(fiche_id=fiche.id, action=action, at=at))
    db.flush()
    months = indicators.updates_per_month(db, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert months == {
        dt.date(2026, 11, 1): {"confirmations": 0, "modifications": 1},
        dt.date(2026, 12, 1): {"confirmations": 1, "modifications": 0},
    }
    assert indicators.updates_per_month(db, dt.date(2026, 12, 1), dt.date(2026, 11, 1)) == {}


def test_housekeeping_rolls_old_days_into_months_and_prunes_them(db):
    today = dt.date(2026, 11, 30)
    old = [dt.date(2026, 6, 3), dt.date(2026, 6, 20), dt.date(2026, 7, 1)]
    indicators.add_daily_counts(
        db,
        [{"kind": "fiche", "key": "7", "day": d, "count": 2} for d in old]
        + [{"kind": "fiche", "key": "7", "day": today, "count": 5}],
    )
    db.flush()
    assert roll_up_usage_counters(db, now=dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)) == 3
    assert roll_up_usage_counters(db, now=dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)) == 0
    months = {m.month: m.count for m in db.scalars(select(UsageMonthly))}
    assert months == {dt.date(2026, 6, 1): 4, dt.date(2026, 7, 1): 2}
    assert [d.day for d in db.scalars(select(UsageDaily))] == [today]
    period = indicators.make_period(dt.date(2026, 6, 1), today, today)
    series = indicators.usage_series(db, period, [UsageKind.FICHE.value])["fiche"]
    assert series[dt.date(2026, 6, 1)] == 4 and series[dt.date(2026, 11, 1)] == 5


FUZZ = settings(
    max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TEXT = st.text(max_size=60) | st.sampled_from(
    ["", "0", "-1", "9" * 30, "/fiche/1", "call", "\x00", "31/02/2026"]
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["action", "fiche", "page", "du", "au"]), TEXT, max_size=4))
def test_whatever_is_sent_the_beacon_and_the_indicators_never_fail(testapp, world, login, data):
    testapp.app.registry["ratelimiter"].reset()
    anonymous = webtest.TestApp(testapp.app, extra_environ=dict(testapp.extra_environ))
    assert _beacon(anonymous, data).status_int < 500
    if "guide_session" not in testapp.cookies:
        login("coord@test.fr")
    assert testapp.get("/coordination/indicateurs", data, expect_errors=True).status_int < 500
    assert testapp.get("/coordination/indicateurs/series.csv", data, expect_errors=True).status_int < 500
