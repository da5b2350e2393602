"""The Lineage 2M KPI board's API over ten days a real run published: a week against the partial week before it
(each figure recounted from the published rows, the paying rate's and its change's intervals, the targets of a
settings file), the splits by country, server and VIP tier adding up to the whole, the economy's sources and sinks
and the cumulative revenue summing the published tables, and the D1/D3/D7 cohorts of the retention triangle."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest

from gamestats_assets.serve.core import l2m_targets
from gamestats_assets_tests.serve.conftest import DAY, client_for
from gamestats_assets_tests.serve.l2m_weeks import LAST_DAY, l2m_weeks  # noqa: F401 (the module's fixture)

WEEK_START = LAST_DAY - dt.timedelta(days=6)


@pytest.fixture(scope="module")
def pg_url(l2m_weeks) -> str:  # noqa: F811
    return l2m_weeks["pg_url"]


@pytest.fixture(scope="module")
def client(pg_url):
    with client_for(pg_url, requests_per_minute=100_000) as test_client:
        yield test_client


def one(pg_url: str, statement: str, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement, params).fetchone()


def published_period(pg_url: str, first: dt.date, last: dt.date, server_id: int | None = None) -> dict:
    """A period's figures recounted from the published tables: the day sums of `l2m_daily_kpis`, and distinct users
    of `l2m_active` and `l2m_recharge` (a payer counted on the server they were active on that day)."""
    server = "AND server_id = %s" if server_id is not None else ""
    extra = (server_id,) if server_id is not None else ()
    user_days, new_users, revenue = one(pg_url, "SELECT sum(dau)::bigint, sum(nru)::bigint, sum(revenue_usd) FROM "
                                                f"l2m.l2m_daily_kpis WHERE date BETWEEN %s AND %s {server}",
                                        first, last, *extra)
    (users,) = one(pg_url, "SELECT count(DISTINCT user_id) FROM l2m.l2m_active WHERE date BETWEEN %s AND %s "
                           f"{server}", first, last, *extra)
    (payers,) = one(pg_url, "SELECT count(DISTINCT r.user_id) FROM l2m.l2m_recharge r JOIN l2m.l2m_active a "
                            "USING (date, user_id) WHERE date BETWEEN %s AND %s "
                            f"{server.replace('server_id', 'a.server_id')}", first, last, *extra)
    return {"user_days": user_days or 0, "new_users": new_users or 0, "revenue_usd": revenue or 0.0,
            "active_users": users, "payers": payers}


def test_a_week_against_the_week_before_recounts_the_published_rows(client, pg_url):
    answer = client.get("/api/v1/l2m/compare", params={"to": LAST_DAY.isoformat()}).json()
    data = answer["data"]
    current, previous = data["current"], data["previous"]
    assert (current["date_from"], current["days"], current["days_published"]) == (WEEK_START.isoformat(), 7, 7)
    assert previous["date_to"] == (WEEK_START - dt.timedelta(days=1)).isoformat()
    assert previous["days_published"] == (WEEK_START - DAY).days and data["complete"] is False
    for period, first, last in ((current, WEEK_START, LAST_DAY), (previous, DAY, WEEK_START - dt.timedelta(days=1))):
        recounted = published_period(pg_url, first, last)
        assert {k: period[k] for k in recounted} == pytest.approx(recounted)
        assert period["mean_dau"] == pytest.approx(recounted["user_days"] / period["days_published"])
        assert period["arpu_usd"] == pytest.approx(recounted["revenue_usd"] / recounted["active_users"])
        assert period["arppu_usd"] == pytest.approx(recounted["revenue_usd"] / recounted["payers"])
        assert period["paying_rate_ci_low"] < period["paying_rate"] < period["paying_rate_ci_high"]
    metrics = {m["metric"]: m for m in data["metrics"]}
    assert list(metrics) == ["mean_dau", "new_users", "revenue_usd", "arpu_usd", "arppu_usd", "paying_rate"]
    assert all(m["previous"] is None and m["change"] is None and m["change_share"] is None
               and m["change_ci_low"] is None for m in metrics.values()), "a partial week is not compared"


def test_a_day_against_the_day_before_on_one_server(client, pg_url):
    (server,) = one(pg_url, "SELECT server_id FROM l2m.l2m_daily_kpis GROUP BY server_id ORDER BY sum(dau) DESC "
                            "LIMIT 1")
    data = client.get("/api/v1/l2m/compare", params={"to": LAST_DAY.isoformat(), "period": "day",
                                                     "server_id": server}).json()["data"]
    assert data["complete"] is True
    current, previous = data["current"], data["previous"]
    before = LAST_DAY - dt.timedelta(days=1)
    for period, day in ((current, LAST_DAY), (previous, before)):
        recounted = published_period(pg_url, day, day, server)
        assert {k: period[k] for k in recounted} == pytest.approx(recounted)
        assert period["mean_dau"] == recounted["user_days"]
    metrics = {m["metric"]: m for m in data["metrics"]}
    rate = metrics["paying_rate"]
    assert (rate["n"], rate["previous_n"]) == (current["active_users"], previous["active_users"])
    assert rate["change"] == pytest.approx(current["paying_rate"] - previous["paying_rate"])
    assert rate["change_ci_low"] < rate["change"] < rate["change_ci_high"]
    assert metrics["mean_dau"]["change"] == pytest.approx(current["mean_dau"] - previous["mean_dau"])
    assert all(m["n"] is None and m["change_ci_low"] is None for name, m in metrics.items() if name != "paying_rate")


def test_a_partial_period_is_judged_on_its_published_days(client, pg_url):
    """A week of which three days are published, after a week of none: nothing is compared, a total's target is
    pro-rated to the three days, a per-user figure's is not judged yet."""
    to = DAY + dt.timedelta(days=2)
    data = client.get("/api/v1/l2m/compare", params={"to": to.isoformat()}).json()["data"]
    assert (data["current"]["days_published"], data["previous"]["days_published"], data["complete"]) == (3, 0, False)
    metrics = {m["metric"]: m for m in data["metrics"]}
    assert all(m["previous"] is None and m["change"] is None for m in metrics.values())
    recounted = published_period(pg_url, DAY, to)
    week = l2m_targets.read(l2m_targets.PACKAGED).week
    revenue = metrics["revenue_usd"]
    assert revenue["current"] == pytest.approx(recounted["revenue_usd"])
    assert revenue["target_due"] == pytest.approx(week.revenue_usd * 3 / 7)
    assert revenue["target_met"] is (recounted["revenue_usd"] >= week.revenue_usd * 3 / 7)
    for name in ("arpu_usd", "arppu_usd", "paying_rate"):
        assert metrics[name]["target_due"] is None and metrics[name]["target_met"] is None, name
    empty = client.get("/api/v1/l2m/compare", params={"to": (DAY - dt.timedelta(days=1)).isoformat()}).json()["data"]
    assert all(m["target_met"] is None and m["change"] is None for m in empty["metrics"])


def test_the_targets_come_from_the_settings_file(client, pg_url, tmp_path, monkeypatch):
    packaged, written = client.get("/api/v1/l2m/targets").json()["data"], json.loads(l2m_targets.PACKAGED.read_text())
    assert all(packaged[p] == {**dict.fromkeys(l2m_targets.METRICS), **written[p]} for p in l2m_targets.PERIODS)
    week = client.get("/api/v1/l2m/compare", params={"to": LAST_DAY.isoformat()}).json()["data"]
    revenue = next(m for m in week["metrics"] if m["metric"] == "revenue_usd")["current"]
    path = tmp_path / "targets.json"
    path.write_text(json.dumps({"week": {"revenue_usd": revenue - 1, "paying_rate": 0.99},
                                "retention": {"d1": 0.5}}))
    monkeypatch.setenv("GAMESTATS_L2M_TARGETS", str(path))
    with client_for(pg_url, requests_per_minute=100_000) as restarted:
        retention = restarted.get("/api/v1/l2m/targets").json()["data"]["retention"]
        metrics = {m["metric"]: m for m in restarted.get("/api/v1/l2m/compare",
                                                         params={"to": LAST_DAY.isoformat()}).json()["data"]["metrics"]}
    assert retention == {"d1": 0.5, "d3": None, "d7": None, "d30": None}
    assert (metrics["revenue_usd"]["target"], metrics["revenue_usd"]["target_met"]) == (revenue - 1, True)
    assert metrics["paying_rate"]["target_met"] is False
    assert (metrics["mean_dau"]["target"], metrics["mean_dau"]["target_met"]) == (None, None)


def test_a_bad_targets_file_is_named_in_the_error(tmp_path, monkeypatch):
    path = tmp_path / "targets.json"
    path.write_text(json.dumps({"week": {"paying_rate": 1.5}}))
    monkeypatch.setenv("GAMESTATS_L2M_TARGETS", str(path))
    with pytest.raises(l2m_targets.TargetsError, match="(?s)targets.json.*paying_rate"):
        l2m_targets.targets()


@pytest.mark.parametrize("by", ["country", "server", "vip_tier"])
def test_a_split_adds_up_to_the_whole(client, pg_url, by):
    data = client.get("/api/v1/l2m/split", params={"from": WEEK_START.isoformat(), "to": LAST_DAY.isoformat(),
                                                   "by": by}).json()["data"]
    recounted = published_period(pg_url, WEEK_START, LAST_DAY)
    assert {k: data["whole"][k] for k in recounted} == pytest.approx(recounted)
    for key in recounted:
        assert sum(s[key] for s in data["segments"]) == pytest.approx(recounted[key])
    segments = [s["segment"] for s in data["segments"]]
    if by == "vip_tier":
        assert segments[0] == "Free" and segments[1:] == sorted(segments[1:])
        assert set(segments) <= {"Free", *"ABCDEFG"}
        assert data["segments"][0]["payers"] == 0
    else:
        column = "country_code" if by == "country" else "server_id::text"
        published = {r for (r,) in psycopg.connect(pg_url).execute(
            f"SELECT DISTINCT {column} FROM l2m.l2m_active WHERE date BETWEEN %s AND %s", (WEEK_START, LAST_DAY))}
        assert set(segments) == published
        assert [s["active_users"] for s in data["segments"]] == sorted((s["active_users"] for s in data["segments"]),
                                                                       reverse=True)


def test_the_economy_sums_its_published_sources_and_sinks(client, pg_url):
    data = client.get("/api/v1/l2m/economy", params={"from": WEEK_START.isoformat(),
                                                     "to": LAST_DAY.isoformat()}).json()["data"]
    sums = {table: one(pg_url, f"SELECT sum({column}) FROM l2m.{table} WHERE date BETWEEN %s AND %s",
                       WEEK_START, LAST_DAY)[0]
            for table, column in (("l2m_money_gain", "amount"), ("l2m_money_spend", "amount"),
                                  ("l2m_item_gain", "quantity"), ("l2m_item_spend", "quantity"))}
    assert [d["date"] for d in data["days"]] == [(WEEK_START + dt.timedelta(days=n)).isoformat() for n in range(7)]
    assert sum(d["diamonds_gained"] for d in data["days"]) == sums["l2m_money_gain"]
    assert sum(d["diamonds_spent"] for d in data["days"]) == sums["l2m_money_spend"]
    for direction, table in (("source", "l2m_money_gain"), ("sink", "l2m_money_spend")):
        flows = [r for r in data["reasons"] if r["direction"] == direction]
        assert sum(r["amount"] for r in flows) == sums[table]
        assert sum(r["share"] for r in flows) == pytest.approx(1)
        assert all(not r["reason"].isdigit() for r in flows)
    assert sum(i["gained"] for i in data["items"]) == sums["l2m_item_gain"]
    assert sum(i["spent"] for i in data["items"]) == sums["l2m_item_spend"]
    assert sum(t["diamonds_gained"] for t in data["tiers"]) == sums["l2m_money_gain"]
    assert sum(t["items_spent"] for t in data["tiers"]) == sums["l2m_item_spend"]


def test_cumulative_revenue_and_the_vip_tiers_sum_the_published_table(client, pg_url):
    data = client.get("/api/v1/l2m/revenue", params={"from": DAY.isoformat(),
                                                     "to": LAST_DAY.isoformat()}).json()["data"]
    assert data["last_day"] == LAST_DAY.isoformat()
    cumulative, payers = one(pg_url, "SELECT sum(cumulative_revenue_usd), count(*) FROM l2m.l2m_cumulative_revenue "
                                     "WHERE date = %s", LAST_DAY)
    assert (data["days"][-1]["cumulative_revenue_usd"], data["days"][-1]["payers_ever"]) == (
        pytest.approx(cumulative), payers)
    assert data["days"][-1]["cumulative_revenue_usd"] == pytest.approx(sum(d["revenue_usd"] for d in data["days"]))
    (revenue,) = one(pg_url, "SELECT sum(revenue_usd) FROM l2m.l2m_daily_kpis WHERE date BETWEEN %s AND %s",
                     DAY, LAST_DAY)
    assert sum(t["revenue_usd"] for t in data["tiers"]) == pytest.approx(revenue)
    assert sum(t["users"] for t in data["tiers"]) == payers
    assert sum(t["revenue_share"] for t in data["tiers"]) == pytest.approx(1)
    tiers = [t["vip_tier"] for t in data["tiers"]]
    assert tiers == sorted(tiers) and set(tiers) <= set("ABCDEFG")


def test_the_retention_triangle_has_d1_d3_and_d7_cohorts(client):
    rows = client.get("/api/v1/l2m/retention", params={"from": DAY.isoformat(),
                                                       "to": LAST_DAY.isoformat()}).json()["data"]
    first = [r for r in rows if r["cohort_date"] == DAY.isoformat()]
    assert [r["day_n"] for r in first] == [1, 3, 7]
    for r in first:
        assert r["date"] == (DAY + dt.timedelta(days=r["day_n"])).isoformat()
        assert r["ci_low"] <= r["retention_rate"] <= r["ci_high"] and r["retained_users"] <= r["cohort_size"]


def test_the_board_refuses_what_it_cannot_answer(client):
    day = LAST_DAY.isoformat()
    assert client.get("/api/v1/l2m/compare", params={"to": day, "server_id": 987654321}).status_code == 404
    assert client.get("/api/v1/l2m/compare", params={"to": day, "period": "year"}).status_code == 422
    assert client.get("/api/v1/l2m/compare", params={"to": day, "country_code": "../x"}).status_code == 422
    assert client.get("/api/v1/l2m/split", params={"from": day, "to": day, "by": "guild"}).status_code == 422
    for path in ("/api/v1/l2m/split", "/api/v1/l2m/economy", "/api/v1/l2m/revenue"):
        backwards = client.get(path, params={"from": day, "to": DAY.isoformat()})
        assert backwards.status_code == 422 and backwards.json()["detail"][0]["loc"] == ["query", "to"]
    assert client.get("/api/v1/l2m/economy", params={"from": day, "to": day, "server_id": 987654321}).status_code == 404
