"""The Lineage 2M KPI board in headless Chromium over ten days a real run published, each figure checked against
the published tables: the last week against the partial week before and the packaged targets, a day against the
day before, the retention triangle marked against its targets, the split by VIP tier, the economy's sources and
sinks, cumulative revenue and the VIP tiers; the page fits a phone and cuts no text on a desktop."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import psycopg
import pytest

from gamestats_assets.serve.core.l2m_targets import PACKAGED
from gamestats_assets_tests.serve.l2m_weeks import LAST_DAY, l2m_weeks  # noqa: F401 (the module's fixture)
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, at_phone_width, browser, check, clean_load, cut_elements,
                                                served)
from gamestats_assets_tests.serve.conftest import DAY

WEEK_START = LAST_DAY - dt.timedelta(days=6)
TARGETS = json.loads(PACKAGED.read_text())


@pytest.fixture(scope="module")
def site(chromium, l2m_weeks):  # noqa: F811
    with served(l2m_weeks["pg_url"]) as base, browser() as page:
        yield base, page, l2m_weeks["pg_url"]


def rows(pg_url: str, statement: str, *params) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement, params).fetchall()


def text(page, selector: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r}).innerText")


def choose(page, select: str, value: str) -> None:
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  " s.dispatchEvent(new Event('change')); })()")
    page.ready()


def money(value: float) -> str:
    return f"${value:,.2f}"


def test_the_week_against_the_week_before_and_the_targets(site, request):
    base, page, pg_url = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html")
        assert page.evaluate("document.getElementById('to').value") == LAST_DAY.isoformat()
        assert f"({WEEK_START} to {LAST_DAY})" in text(page, "#compare-title")
        ((user_days, revenue),) = rows(pg_url, "SELECT sum(dau)::bigint, sum(revenue_usd) FROM l2m.l2m_daily_kpis "
                                               "WHERE date BETWEEN %s AND %s", WEEK_START, LAST_DAY)
        ((users, payers),) = rows(pg_url, "SELECT count(DISTINCT a.user_id), count(DISTINCT r.user_id) FROM "
                                          "l2m.l2m_active a LEFT JOIN l2m.l2m_recharge r USING (date, user_id) "
                                          "WHERE date BETWEEN %s AND %s", WEEK_START, LAST_DAY)
        dau = text(page, "[data-metric=mean_dau]")
        assert dau.splitlines()[1] == f"{user_days / 7:,.0f}"
        assert money(revenue) in text(page, "[data-metric=revenue_usd]")
        paying = text(page, "[data-metric=paying_rate]")
        assert f"{payers / users * 100:.1f}% [" in paying and f"n={users:,}" in paying and "pts [" not in paying
        assert "no comparison" in paying and "3 of its 7 days published" in paying
        target = TARGETS["week"]["revenue_usd"]
        assert text(page, "[data-target=revenue_usd]") == (
            f"target {money(target)}: {'met' if revenue >= target else 'not met'}")
        assert "3 of its 7 days published" in text(page, "#compare-note")
        page.screenshot(SCREENSHOTS / "pages" / "kpi_board.png")
        choose(page, "period", "day")
        assert "The last day" in text(page, "#compare-title")
        assert "published" not in text(page, "#compare-note") and "period=day" in page.evaluate("location.search")


def test_the_retention_triangle_marks_each_cohort_against_its_target(site, request):
    base, page, pg_url = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html?from={DAY}&to={LAST_DAY}")
        published = rows(pg_url, "SELECT cohort_date, day_n, retention_rate, cohort_size FROM l2m.l2m_retention "
                                 "WHERE cohort_date BETWEEN %s AND %s ORDER BY cohort_date, day_n", DAY, LAST_DAY)
        cohorts = sorted({r[0] for r in published})
        assert page.evaluate("[...document.querySelectorAll('#triangle tbody tr')].map((r) => r.dataset.cohort)") == [
            c.isoformat() for c in cohorts]
        for cohort, day_n, rate, size in published:
            cell = f"#triangle tr[data-cohort='{cohort}'] td[data-day='{day_n}']"
            assert text(page, cell).startswith(f"{rate * 100:.1f}%") and f"n={size}" in text(page, cell)
            met = rate >= TARGETS["retention"][f"d{day_n}"]
            assert page.evaluate(f"document.querySelector({cell!r}).className") == ("met" if met else "missed")
        assert {day_n for _, day_n, _, _ in published} == {1, 3, 7}
        assert text(page, "#triangle thead").count("target") == 4


@pytest.mark.parametrize("phone", (False, True))
def test_the_retention_chart_draws_each_target(site, request, phone):
    base, page, _ = site
    with check(page, request), at_phone_width(page, "phone_kpi_targets") if phone else contextlib.nullcontext():
        clean_load(page, f"{base}/kpi.html?from={DAY}&to={LAST_DAY}")
        labels, target = page.evaluate(
            "(() => { const c = Chart.getChart(document.getElementById('retention'));"
            " return [c.data.labels, c.data.datasets.find((d) => d.label === 'target %').data]; })()")
        assert labels == ["D1", "D3", "D7"]
        assert target == [pytest.approx(TARGETS["retention"][f"d{n}"] * 100) for n in (1, 3, 7)]


@pytest.mark.parametrize("phone", (False, True))
def test_a_country_narrows_the_kpis_and_says_what_it_does_not(site, request, phone):
    base, page, pg_url = site
    with check(page, request), at_phone_width(page, "phone_kpi_country") if phone else contextlib.nullcontext():
        clean_load(page, f"{base}/kpi.html?from={WEEK_START}&to={LAST_DAY}")
        countries = rows(pg_url, "SELECT country_code, sum(dau)::bigint FROM l2m.l2m_daily_kpis WHERE date BETWEEN "
                                 "%s AND %s AND country_code IS NOT NULL GROUP BY 1 ORDER BY 2", WEEK_START, LAST_DAY)
        assert page.evaluate("[...document.getElementById('country').options].map((o) => o.value).slice(1)") == sorted(
            country for country, _ in countries)
        country, user_days = countries[0]
        choose(page, "country", country)
        assert text(page, "[data-metric=mean_dau]").splitlines()[1] == f"{user_days / 7:,.0f}"
        assert page.evaluate("[...document.querySelectorAll('#days tbody tr')].map((r) => "
                             "Number(r.cells[1].innerText.replace(/,/g, ''))).reduce((a, b) => a + b, 0)") == user_days
        assert f"{country} only" in text(page, "#country-note") and f"country_code={country}" in page.evaluate(
            "location.search")


def test_the_split_by_vip_tier_adds_up_to_the_active_users(site, request):
    base, page, pg_url = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html?from={WEEK_START}&to={LAST_DAY}")
        choose(page, "split-by", "vip_tier")
        tiers = page.evaluate("[...document.querySelectorAll('#split tbody tr')].map((r) => "
                              "[r.cells[0].innerText, Number(r.cells[1].innerText.replace(/,/g, ''))])")
        assert tiers[0][0] == "Free" and [t for t, _ in tiers[1:]] == sorted(t for t, _ in tiers[1:])
        ((users,),) = rows(pg_url, "SELECT count(DISTINCT user_id) FROM l2m.l2m_active WHERE date BETWEEN %s AND %s",
                           WEEK_START, LAST_DAY)
        assert sum(n for _, n in tiers) == users and "by=vip_tier" in page.evaluate("location.search")
        assert "VIP tier of their last active day" in text(page, "#split-note")


def test_the_economy_cumulative_revenue_and_vip_tiers(site, request):
    base, page, pg_url = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html?from={DAY}&to={LAST_DAY}")
        reasons = rows(pg_url, "SELECT reason_id, sum(amount) FROM l2m.l2m_money_gain WHERE date BETWEEN %s AND %s "
                               "GROUP BY reason_id ORDER BY 2 DESC", DAY, LAST_DAY)
        shown = page.evaluate("[...document.querySelectorAll('#reasons tbody tr')].filter((r) => "
                              "r.cells[1].innerText === 'source').map((r) => r.cells[2].innerText)")
        assert shown == [f"{amount:,}" for _, amount in reasons]
        ((gained,),) = rows(pg_url, "SELECT sum(amount) FROM l2m.l2m_money_gain WHERE date BETWEEN %s AND %s",
                            DAY, LAST_DAY)
        assert page.evaluate("Chart.getChart(document.getElementById('diamonds')).data.datasets[0].data"
                             ".reduce((a, b) => a + b, 0)") == gained
        ((lifetime, payers),) = rows(pg_url, "SELECT sum(cumulative_revenue_usd), count(*) FROM "
                                             "l2m.l2m_cumulative_revenue WHERE date = %s", LAST_DAY)
        assert page.evaluate("Chart.getChart(document.getElementById('cumulative')).data.datasets[0].data.at(-1)") == (
            pytest.approx(lifetime))
        tiers = rows(pg_url, "SELECT vip_tier, count(*) FROM l2m.l2m_cumulative_revenue WHERE date = %s "
                             "GROUP BY vip_tier ORDER BY vip_tier", LAST_DAY)
        assert page.evaluate("[...document.querySelectorAll('#vip tbody tr')].map((r) => "
                             "[r.cells[0].innerText, Number(r.cells[1].innerText.replace(/,/g, ''))])") == [
            [tier, n] for tier, n in tiers]
        assert sum(n for _, n in tiers) == payers and str(LAST_DAY) in text(page, "#vip-title")
        assert page.evaluate("document.querySelectorAll('#items > table tbody tr').length") == 10


def test_the_board_fits_a_phone(site, request):
    base, page, _ = site
    with check(page, request), at_phone_width(page, "phone_kpi_board"):
        clean_load(page, f"{base}/kpi.html")


def test_the_board_cuts_no_text_on_a_desktop(site, request):
    base, page, _ = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html")
        assert cut_elements(page) == []
