"""The LoL champion statistics and the L2M daily KPIs, from the tables a real run of each domain published."""

from __future__ import annotations

import dataclasses
import json

import polars as pl
import psycopg
import pytest

from gamestats_assets.defs.lol.query import read_facts
from gamestats_assets.sources.riot.compound import champion_id_of, compound_query, known_champions
from gamestats_assets_tests.serve.conftest import DAY, client_for

LOL = "/api/v1/lol/champions"


@pytest.fixture(scope="module")
def client(lol_and_l2m):
    with client_for(lol_and_l2m["pg_url"], requests_per_minute=100_000) as test_client:
        test_client.pg_url = lol_and_l2m["pg_url"]
        test_client.data_dir = lol_and_l2m["data_dir"]
        yield test_client


def top_champion(client) -> tuple[str, str, str]:
    with psycopg.connect(client.pg_url) as conn:
        return conn.execute("SELECT champion_name, queue, patch FROM lol.item_build_stats ORDER BY games DESC, "
                            "champion_name LIMIT 1").fetchone()


@pytest.mark.parametrize("path", ["roles", "builds", "skill-orders", "matchups", "length-win-rates", "patch-trend",
                                  "keystones", "rune-pages", "spells", "starting-items", "skill-paths", "boots"])
def test_a_champions_tables_by_queue_and_patch(client, path):
    name, queue, patch = top_champion(client)
    answer = client.get(f"{LOL}/{name.upper()}/{path}", params={"queue": queue, "patch": patch}).json()
    rows = answer["data"]
    assert rows and all(r["queue"] == queue and r["patch"] == patch and r["champion_name"] == name for r in rows)
    assert answer["metadata"]["published_at"] and all(answer["metadata"]["published_at"].values())
    assert all("win_rate_ci_low" in r and "games" in r for r in rows)
    missing = client.get(f"{LOL}/Nobody/{path}")
    assert missing.status_code == 404 and "Nobody" in missing.json()["detail"]
    assert client.get(f"{LOL}/{name}/{path}", params={"patch": "latest'--"}).status_code == 422


def test_the_tier_list_ranks_a_queue_and_patchs_champions_by_their_interval(client):
    """Without a queue or patch: the queue with the most games and its latest patch, every row of it, ranked by the
    lower bound of the win rate's interval; a role and a minimum of games filter; an unknown queue or patch is a
    404, a malformed role or patch a 422."""
    with psycopg.connect(client.pg_url) as conn:
        queue, patch, rows = conn.execute("SELECT queue, patch, count(*) FROM lol.champion_stats WHERE tier = 'all' "
                                          "GROUP BY queue, patch ORDER BY sum(games) DESC LIMIT 1").fetchone()
    answer = client.get("/api/v1/lol/tier-list").json()["data"]
    champions = answer["champions"]
    assert (answer["queue"], answer["patch"], len(champions)) == (queue, patch, rows) and queue in answer["queues"]
    order = [(row["low_sample"], -row["win_rate_ci_low"]) for row in champions]
    assert order == sorted(order), "the best lower bound first, the low-sample rows after every other"
    assert all(row["low_sample"] == (row["games"] < 100) for row in champions)
    assert all(row["win_rate_ci_low"] <= row["win_rate"] + 1e-9 and row["win_rate"] <= row["win_rate_ci_high"] + 1e-9
               and row["picked_games"] <= row["queue_games"] for row in champions), "within the interval, as its CHECK"
    middle = client.get("/api/v1/lol/tier-list", params={"role": "MIDDLE", "queue": queue, "patch": patch}).json()
    assert middle["data"]["champions"] and {r["team_position"] for r in middle["data"]["champions"]} == {"MIDDLE"}
    most = max(row["games"] for row in champions)
    frequent = client.get("/api/v1/lol/tier-list", params={"min_games": most}).json()["data"]["champions"]
    assert frequent and all(row["games"] == most for row in frequent)
    assert client.get("/api/v1/lol/tier-list", params={"queue": "nowhere"}).status_code == 404
    assert client.get("/api/v1/lol/tier-list", params={"patch": "1.1"}).status_code == 404
    assert client.get("/api/v1/lol/tier-list", params={"role": "ADC"}).status_code == 422
    assert client.get("/api/v1/lol/tier-list", params={"patch": "latest"}).status_code == 422


def cli_answer(client, champion: str, completed: list[str], metric: str, queue: list[str], **conditions) -> dict:
    """What `gamestats lol query` computes from the warehouse the run wrote, as JSON carries it."""
    facts = read_facts(client.data_dir / "warehouse.duckdb", champion_id_of(champion)[1])
    result = compound_query(facts, champion, completed, metric, queue, **conditions)
    return json.loads(json.dumps(dataclasses.asdict(result)))


def test_the_compound_query_answers_as_the_command_does(client):
    name, queue, _ = top_champion(client)
    facts = read_facts(client.data_dir / "warehouse.duckdb", champion_id_of(name)[1])
    items = facts.select(pl.col("completed_items").explode().struct.field("item_name")).to_series().drop_nulls()
    item = items.value_counts(sort=True).row(0)[0]
    order = facts["max_order"].drop_nulls().value_counts(sort=True).row(0)[0]
    queries = [
        ({"champion": name.upper(), "completed": item, "metric": "dpm"}, (name, [item], "dpm", [])),
        ({"champion": name, "max_order": order.replace(">", ""), "minutes": "20-", "metric": "WIN", "queue": queue},
         (name, [], "WIN", [queue], {"max_order": order.replace(">", ""), "minutes": "20-"})),
        ({"champion": name, "completed": item, "first_objective": "dragon", "metric": "gold_diff_10"},
         (name, [item], "gold_diff_10", [], {"first_objective": "dragon"})),
    ]
    for params, (champion, completed, metric, queues, *conditions) in queries:
        response = client.get(f"{LOL.removesuffix('/champions')}/query", params=params)
        assert response.status_code == 200, response.text
        answer = response.json()
        expected = cli_answer(client, champion, completed, metric, queues, **(conditions[0] if conditions else {}))
        assert answer["data"] == expected
        assert expected["meeting"]["n"] > 0 and expected["meeting"]["n"] + expected["others"]["n"] > 1
        assert answer["metadata"]["published_at"]["lol.participant_query_facts"]
    with psycopg.connect(client.pg_url) as conn:
        played = {row[0] for row in conn.execute("SELECT DISTINCT champion_id FROM lol.participant_query_facts")}
    unplayed = known_champions().filter(~pl.col("champion_id").is_in(played))["champion_name"][0]
    none = client.get(f"{LOL.removesuffix('/champions')}/query", params={"champion": unplayed, "max_order": "qew"})
    assert none.status_code == 200 and none.json()["data"] == cli_answer(client, unplayed, [], "dpm", [],
                                                                           max_order="qew")
    assert none.json()["data"]["meeting"]["n"] == none.json()["data"]["others"]["n"] == 0


def test_the_compound_query_names_what_it_does_not_know_and_refuses_malformed_input(client):
    query = f"{LOL.removesuffix('/champions')}/query"
    for params, wanted in [({"champion": "Ezrael"}, "did you mean 'Ezreal'"),
                           ({"champion": "Ezreal", "completed": "Trinity Forse"}, "Trinity Force"),
                           ({"champion": "Ezreal", "metric": "dpn"}, "did you mean 'dpm'")]:
        missing = client.get(query, params=params)
        assert missing.status_code == 404 and wanted in missing.json()["detail"], missing.text
    for params in [{}, {"champion": "Ezreal", "max_order": "Q>Q>E"}, {"champion": "Ezreal", "minutes": "ten"},
                   {"champion": "Ezreal", "first_objective": "inhibitor"}, {"champion": "Ezreal", "patch": "14.9'--"},
                   {"champion": "Ezreal", "metric": "dpm; DROP TABLE lol.participant_query_facts"}]:
        assert client.get(query, params=params).status_code == 422, params


def test_l2m_daily_kpis_for_a_range_and_a_server(client):
    every = client.get("/api/v1/l2m/kpis", params={"from": DAY.isoformat(), "to": DAY.isoformat()}).json()["data"]
    assert every and {r["date"] for r in every} == {DAY.isoformat()}
    server = every[0]["server_id"]
    one = client.get("/api/v1/l2m/kpis", params={"from": "2026-01-01", "to": "2026-03-01", "server_id": server}).json()
    assert {r["server_id"] for r in one["data"]} == {server} and one["metadata"]["server_id"] == server
    assert all(r["dau"] >= r["pu"] >= 0 for r in one["data"])
    assert client.get("/api/v1/l2m/kpis", params={"from": "2026-02-02", "to": "2026-02-01"}).status_code == 422
    assert client.get("/api/v1/l2m/kpis", params={"from": "2020-01-01", "to": "2026-02-01"}).status_code == 422
    assert client.get("/api/v1/l2m/kpis", params={"from": "2026-02-01"}).status_code == 422
    assert client.get("/api/v1/l2m/kpis", params={"from": "x", "to": "2026-02-01"}).status_code == 422
    assert client.get("/api/v1/l2m/kpis", params={"from": DAY.isoformat(), "to": DAY.isoformat(),
                                                  "server_id": 987654321}).status_code == 404
    assert client.get("/api/v1/l2m/kpis", params={"from": DAY.isoformat(), "to": DAY.isoformat(),
                                                  "server_id": -1}).status_code == 422
