"""The Lineage 2M KPI board's comparisons in headless Chromium at a desktop's and a phone's width, over ten days a
real run published, each figure checked against the published tables: a week whose week before is partly published
is compared with nothing (no "vs $0.00"), only two whole days are; a week of which three days are published has its
totals' targets pro-rated to those days and its per-user figures not judged yet."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest

from gamestats_assets.serve.core.l2m_targets import PACKAGED
from gamestats_assets_tests.serve.chromium import PHONE
from gamestats_assets_tests.serve.conftest import DAY
from gamestats_assets_tests.serve.l2m_weeks import LAST_DAY, l2m_weeks  # noqa: F401 (the module's fixture)
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, cut_elements, served

WIDTHS = {"desktop": (1400, 900), "phone": PHONE}
TARGETS = json.loads(PACKAGED.read_text())
METRICS = ("mean_dau", "new_users", "revenue_usd", "arpu_usd", "arppu_usd", "paying_rate")


@pytest.fixture(scope="module")
def site(chromium, l2m_weeks):  # noqa: F811
    with served(l2m_weeks["pg_url"]) as base, browser() as page:
        yield base, page, l2m_weeks["pg_url"]


def one(pg_url: str, statement: str, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement, params).fetchone()


def text(page, selector: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r}).innerText")


def money(value: float) -> str:
    return f"${value:,.2f}"


@pytest.fixture(params=WIDTHS)
def page_at(site, request):
    base, page, pg_url = site
    page.viewport(*WIDTHS[request.param])
    yield base, page, pg_url, request.param
    page.viewport(*WIDTHS["desktop"])


def test_only_whole_periods_are_compared(page_at, request):
    base, page, pg_url, width = page_at
    with check(page, request):
        clean_load(page, f"{base}/kpi.html?to={LAST_DAY}&period=week")
        before_from = LAST_DAY - dt.timedelta(days=13)
        (published,) = one(pg_url, "SELECT count(DISTINCT date) FROM l2m.l2m_daily_kpis WHERE date BETWEEN %s AND %s",
                           before_from, LAST_DAY - dt.timedelta(days=7))
        assert published == 3
        for metric in METRICS:
            said = text(page, f"[data-change={metric}]")
            assert said == (f"no comparison: {before_from} to {LAST_DAY - dt.timedelta(days=7)} has 3 of its 7 days "
                            "published"), (metric, said)
            assert "vs " not in text(page, f"[data-metric={metric}]")
        clean_load(page, f"{base}/kpi.html?to={LAST_DAY}&period=day")
        today, yesterday = (one(pg_url, "SELECT sum(revenue_usd) FROM l2m.l2m_daily_kpis WHERE date = %s", day)[0]
                              for day in (LAST_DAY, LAST_DAY - dt.timedelta(days=1)))
        revenue = text(page, "[data-metric=revenue_usd]")
        assert f"vs {money(yesterday)}: " in revenue and f"{(today / yesterday - 1) * 100:+.1f}%".lstrip("+") in revenue
        assert cut_elements(page) == []


def test_a_partial_week_is_judged_on_its_published_days(page_at, request):
    base, page, pg_url, width = page_at
    to = DAY + dt.timedelta(days=2)
    with check(page, request):
        clean_load(page, f"{base}/kpi.html?to={to}&period=week")
        revenue, new_users = one(pg_url, "SELECT sum(revenue_usd), sum(nru)::bigint FROM l2m.l2m_daily_kpis "
                                         "WHERE date BETWEEN %s AND %s", to - dt.timedelta(days=6), to)
        week = TARGETS["week"]
        due = week["revenue_usd"] * 3 / 7
        assert text(page, "[data-target=revenue_usd]") == (
            f"target {money(week['revenue_usd'])} pro-rated to 3 of 7 days: {money(due)}: "
            f"{'met' if revenue >= due else 'not met'}")
        due_users = week["new_users"] * 3 / 7
        assert text(page, "[data-target=new_users]") == (
            f"target {week['new_users']:,} pro-rated to 3 of 7 days: {due_users:,.0f}: "
            f"{'met' if new_users >= due_users else 'not met'}")
        for metric in ("arpu_usd", "arppu_usd", "paying_rate"):
            said = text(page, f"[data-target={metric}]")
            assert said.endswith("judged once all 7 days are published (3 are)"), said
            assert page.evaluate(f"document.querySelector('[data-target={metric}]').className") == ""
        assert "no comparison" in text(page, "[data-change=revenue_usd]")
        assert cut_elements(page) == []
        page.screenshot(SCREENSHOTS / "pages" / f"kpi_partial_week_{width}.png")
