"""Indicator rules without a database: who is counted, the period asked for, the memory bound."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.services import indicators
from guide.services.indicators import PeriodError, parse_period

TODAY = dt.date(2026, 11, 30)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize("ua", [FIREFOX, IPHONE])
def test_browsers_are_counted(ua):
    assert indicators.is_countable("GET", {"User-Agent": ua})


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "facebookexternalhit/1.1",
        "Wget/1.21",
        "",
        "\x00\x01",
    ],
)
def test_robots_and_odd_agents_are_not(ua):
    assert not indicators.is_countable("GET", {"User-Agent": ua})


def test_only_gets_that_are_not_prefetches_count():
    assert not indicators.is_countable("HEAD", {"User-Agent": FIREFOX})
    assert not indicators.is_countable("POST", {"User-Agent": FIREFOX})
    assert not indicators.is_countable("GET", {"User-Agent": FIREFOX, "Sec-Purpose": "prefetch;prerender"})
    assert not indicators.is_countable("GET", {"User-Agent": FIREFOX, "Purpose": "prefetch"})


def test_period_defaults_to_the_last_thirty_days_per_day():
    period = parse_period("", "", TODAY)
    assert (period.start, period.end, period.days, period.monthly) == (dt.date(2026, 11, 1), TODAY, 30, False)
    assert len(period.buckets()) == 30


def test_period_accepts_french_and_iso_dates_and_goes_monthly_when_long():
    period = parse_period("01/01/2026", "2026-11-30", TODAY)
    assert period.monthly and period.buckets()[0] == dt.date(2026, 1, 1) and len(period.buckets()) == 11
    assert parse_period("15/11/2026", "31/12/2026", TODAY).end == TODAY  # the future is cut off


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("31/02/2026", "", "du", "Date de début invalide"),
        ("hier", "", "du", "Date de début invalide"),
        ("", "2026-13-01", "au", "Date de fin invalide"),
        ("20/11/2026", "10/11/2026", "au", "doit suivre"),
        ("01/12/2026", "", "du", "futur"),
        ("01/01/2020", "30/11/2026", "du", "trop longue"),
    ],
)
def test_bad_periods_name_their_field_in_french(start, end, field, words):
    with pytest.raises(PeriodError) as caught:
        parse_period(start, end, TODAY)
    assert caught.value.field == field and words in caught.value.message


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_typed_period_is_a_period_or_a_french_error(start, end):
    try:
        period = parse_period(start, end, TODAY)
    except PeriodError as error:
        assert error.field in ("du", "au") and error.message
    else:
        assert period.start <= period.end <= TODAY and period.days <= indicators.MAX_PERIOD_DAYS


def test_roll_up_boundary_is_a_month_start_at_least_three_months_back():
    boundary = indicators.roll_up_boundary(TODAY)
    assert boundary.day == 1 and (TODAY - boundary).days >= indicators.DAILY_KEEP_DAYS
