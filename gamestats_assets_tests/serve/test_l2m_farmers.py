"""The Lineage 2M KPI board's farmer types and lifetime totals over ten days a real run published without an opening
balance: PU and non-PU farmers in all and by country recounted from `l2m.l2m_farmer_types`, one country narrowing
them, and the lifetime totals saying that cumulative figures start at the first day published."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.conftest import DAY, client_for
from gamestats_assets_tests.serve.l2m_weeks import LAST_DAY, l2m_weeks  # noqa: F401 (the module's fixture)

SUMS = ("account_days", "revenue_usd", "items_gained", "diamonds_gained", "diamonds_spent", "diamonds_net")


@pytest.fixture(scope="module")
def pg_url(l2m_weeks) -> str:  # noqa: F811
    return l2m_weeks["pg_url"]


@pytest.fixture(scope="module")
def client(pg_url):
    with client_for(pg_url, requests_per_minute=100_000) as test_client:
        yield test_client


def published(pg_url: str, by_country: bool, country: str | None = None) -> dict[tuple, dict]:
    """The range's farmer types recounted in Python from the published rows: (country or None, type) → sums."""
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT date, country_code, farmer_type, accounts, farms, revenue_usd, items_gained, "
                            "diamonds_gained, diamonds_spent, diamonds_net FROM l2m.l2m_farmer_types "
                            "WHERE date BETWEEN %s AND %s", (DAY, LAST_DAY)).fetchall()
    found: dict[tuple, dict] = {}
    for date, code, kind, accounts, farms, revenue, items, gained, spent, net in rows:
        if country is not None and code != country:
            continue
        key = (code if by_country else None, kind)
        sums = found.setdefault(key, {"days": set(), "account_days": 0, "max_farms": 0, "revenue_usd": 0.0,
                                      "items_gained": 0, "diamonds_gained": 0, "diamonds_spent": 0,
                                      "diamonds_net": 0})
        sums["days"].add(date)
        sums["max_farms"] = max(sums["max_farms"], farms)
        for name, value in zip(SUMS, (accounts, revenue, items, gained, spent, net)):
            sums[name] += value
    return found


def check(answered: list[dict], expected: dict[tuple, dict], by_country: bool) -> None:
    assert {(r["country_code"], r["farmer_type"]) for r in answered} == set(expected)
    for r in answered:
        sums = expected[(r["country_code"] if by_country else None, r["farmer_type"])]
        assert r["days"] == len(sums["days"]) and r["max_farms"] == sums["max_farms"]
        assert r["mean_accounts"] == pytest.approx(sums["account_days"] / len(sums["days"]))
        for name in SUMS:
            assert r[name] == pytest.approx(sums[name]), name


def test_farmers_split_by_type_in_all_and_by_country(client, pg_url):
    answer = client.get("/api/v1/l2m/farmer-types", params={"from": DAY.isoformat(), "to": LAST_DAY.isoformat()})
    assert answer.status_code == 200
    data = answer.json()["data"]
    expected = published(pg_url, by_country=False)
    assert {kind for _, kind in expected} == {"PU", "non-PU"}, "the planted farms hold both types"
    assert [t["farmer_type"] for t in data["types"]] == ["PU", "non-PU"]
    check(data["types"], expected, by_country=False)
    check(data["countries"], published(pg_url, by_country=True), by_country=True)
    days = [c["account_days"] for c in data["countries"]]
    assert days == sorted(days, reverse=True)
    assert all(t["revenue_usd"] == 0 for t in data["types"] if t["farmer_type"] == "non-PU")


def test_a_country_narrows_the_farmer_types(client, pg_url):
    country = max(published(pg_url, by_country=True).items(), key=lambda item: item[1]["account_days"])[0][0]
    answer = client.get("/api/v1/l2m/farmer-types", params={"from": DAY.isoformat(), "to": LAST_DAY.isoformat(),
                                                             "country_code": country}).json()
    assert answer["metadata"]["country_code"] == country
    check(answer["data"]["types"], published(pg_url, by_country=False, country=country), by_country=False)
    assert {c["country_code"] for c in answer["data"]["countries"]} == {country}


def test_a_range_past_a_year_or_backwards_is_refused(client):
    answer = client.get("/api/v1/l2m/farmer-types", params={"from": LAST_DAY.isoformat(), "to": DAY.isoformat()})
    assert answer.status_code == 422 and "before from" in answer.text


def test_the_lifetime_totals_say_cumulative_figures_start_at_adoption(client, pg_url):
    with psycopg.connect(pg_url) as conn:
        payers, revenue, since, opening = conn.execute(
            "SELECT payers, lifetime_revenue_usd, cumulative_since, opening_balance FROM l2m.l2m_lifetime_totals "
            "WHERE date = %s", (LAST_DAY,)).fetchone()
    assert since == DAY and opening is False
    data = client.get("/api/v1/l2m/lifetime", params={"to": LAST_DAY.isoformat()}).json()["data"]
    assert data == {"date": LAST_DAY.isoformat(), "payers": payers, "lifetime_revenue_usd": pytest.approx(revenue),
                    "cumulative_since": DAY.isoformat(), "opening_balance": False}
    before = client.get("/api/v1/l2m/lifetime", params={"to": "2000-01-01"}).json()
    assert before["data"] is None
