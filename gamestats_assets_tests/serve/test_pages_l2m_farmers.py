"""The Lineage 2M KPI board's farmers by type in headless Chromium, on a desktop and a phone, over ten days a real
run published without an opening balance: the PU and non-PU farmers and each country's, checked against
`l2m.l2m_farmer_types`, and the board saying that cumulative figures start at adoption on the first day
`l2m.l2m_lifetime_totals` counts from."""

from __future__ import annotations

import contextlib

import psycopg
import pytest

from gamestats_assets_tests.serve.conftest import DAY
from gamestats_assets_tests.serve.l2m_weeks import LAST_DAY, l2m_weeks  # noqa: F401 (the module's fixture)
from gamestats_assets_tests.serve.pages import at_phone_width, browser, check, clean_load, served

ROWS = ("[...document.querySelectorAll({table!r} + ' tbody tr')].map((r) => "
        "[...r.cells].map((c) => c.innerText.trim()))")


@pytest.fixture(scope="module")
def site(chromium, l2m_weeks):  # noqa: F811
    with served(l2m_weeks["pg_url"]) as base, browser() as page:
        yield base, page, l2m_weeks["pg_url"]


def published(pg_url: str, by_country: bool) -> list[tuple]:
    """(country, type, mean accounts a day, account-days, most farms a day, revenue, diamonds +, −, net) of the
    range, most account-days first."""
    country = "country_code" if by_country else "NULL"
    with psycopg.connect(pg_url) as conn:
        return conn.execute(
            f"SELECT {country}, farmer_type, sum(accounts)::float8 / count(DISTINCT date), sum(accounts), max(farms), "
            "sum(revenue_usd), sum(diamonds_gained), sum(diamonds_spent), sum(diamonds_net) "
            "FROM l2m.l2m_farmer_types WHERE date BETWEEN %s AND %s GROUP BY 1, 2", (DAY, LAST_DAY)).fetchall()


def shown(row: tuple) -> list[str]:
    """A published row as the board writes its cells (without its country)."""
    _, kind, mean, days, farms, revenue, gained, spent, net = row
    return ["PU (paid that day)" if kind == "PU" else "non-PU", f"{mean:,.1f}", f"{days:,}", f"{farms:,}",
            f"${revenue:,.2f}", f"{gained:,}", f"{spent:,}", f"{net:,}"]


@pytest.mark.parametrize("phone", (False, True))
def test_the_board_splits_farmers_by_type_and_by_country(site, request, phone):
    base, page, pg_url = site
    with check(page, request), at_phone_width(page, "phone_kpi_farmers") if phone else contextlib.nullcontext():
        clean_load(page, f"{base}/kpi.html?from={DAY}&to={LAST_DAY}")
        types = sorted(published(pg_url, by_country=False), key=lambda r: r[1] == "non-PU")
        assert [r[1] for r in types] == ["PU", "non-PU"]
        assert page.evaluate(ROWS.format(table="#farmer-types")) == [shown(r) for r in types]
        countries = page.evaluate(ROWS.format(table="#farmer-countries"))
        expected = published(pg_url, by_country=True)
        assert sorted(countries) == sorted([r[0], *shown(r)] for r in expected)
        assert [int(c[3].replace(",", "")) for c in countries] == sorted((r[3] for r in expected), reverse=True)
        assert "PU farmer paid on the day" in page.evaluate("document.getElementById('farmer-note').innerText")


@pytest.mark.parametrize("phone", (False, True))
def test_the_board_says_cumulative_figures_start_at_adoption(site, request, phone):
    base, page, pg_url = site
    with check(page, request), at_phone_width(page, "phone_kpi_adoption") if phone else contextlib.nullcontext():
        clean_load(page, f"{base}/kpi.html?from={DAY}&to={LAST_DAY}")
        with psycopg.connect(pg_url) as conn:
            ((since, opening),) = conn.execute("SELECT cumulative_since, opening_balance FROM "
                                               "l2m.l2m_lifetime_totals WHERE date = %s", (LAST_DAY,)).fetchall()
        assert since == DAY and opening is False
        for region in ("adoption", "cumulative-note"):
            note = page.evaluate(f"document.getElementById({region!r}).innerText")
            assert note.startswith(f"Cumulative figures start at adoption on {since}:"), note
