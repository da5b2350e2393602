"""Every GET answers what its route declares: each domain's routes are asked over rows a real run published, and
each answer is validated strictly against its route's `response_model` (built from the published tables'
declared columns) and must render back unchanged, so an undeclared, missing or retyped field fails here; the
OpenAPI document shows the same models, field by field."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from gamestats_assets.published.lol import COLUMNS
from gamestats_assets.serve.intake.ballchasing_sends import SENT, noted
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.serve.conftest import DAY, L2M_DAYS, TOKEN, client_for, publish_rocket_day
from gamestats_assets_tests.serve.typed import get_routes, typed_get

FEW_GAMES = {"dragon-vs-herald", "build-paths", "skill-ngrams", "coordination", "objective-tree"}
"""The findings the 60 games of `lol_and_l2m` may leave empty: fewer than 30 teams took the first dragon alone, or
the first herald alone; fewer than 30 games of a path, an n-gram, takes or a tree's leaf (`test_lol_findings` reads
them from a larger day)."""


def first(pg_url: str, query: str):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query).fetchone()


def covered(client, prefix: str, asked: set[str]) -> None:
    """Every GET route under `prefix` was asked."""
    assert {p for p in get_routes() if p.startswith(prefix)} - asked == set()


@pytest.fixture(scope="module")
def lol_l2m_client(lol_and_l2m):
    with client_for(lol_and_l2m["pg_url"], requests_per_minute=100_000) as client:
        yield client


def test_every_l2m_answer_is_its_declared_model(lol_and_l2m, lol_l2m_client):
    days = {"from": DAY.isoformat(), "to": (DAY.replace(day=DAY.day + L2M_DAYS)).isoformat()}
    asked = set()
    for path, table in (("kpis", "l2m_daily_kpis"), ("retention", "l2m_server_retention"),
                        ("farms", "l2m_server_farms")):
        (server,) = first(lol_and_l2m["pg_url"], f"SELECT server_id FROM l2m.{table} ORDER BY server_id LIMIT 1")
        for params in (days, {**days, "server_id": server}):
            route, answer = typed_get(lol_l2m_client, f"/api/v1/l2m/{path}", params)
            asked.add(route)
            assert answer["data"], (path, params)
    route, answer = typed_get(lol_l2m_client, "/api/v1/l2m/servers")
    asked.add(route)
    assert server in {s["server_id"] for s in answer["data"]["servers"]}
    for path, params in (("compare", {"to": days["to"], "server_id": server}), ("split", {**days, "by": "vip_tier"}),
                         ("economy", days), ("revenue", days), ("targets", {}), ("lifetime", {"to": days["to"]})):
        route, answer = typed_get(lol_l2m_client, f"/api/v1/l2m/{path}", params)
        asked.add(route)
        assert answer["data"], path
    asked.add(typed_get(lol_l2m_client, "/api/v1/l2m/farmer-types", days)[0])
    covered(lol_l2m_client, "/api/v1/l2m", asked)


NOT_IN_THE_DEMO = {"late-items"}
"""The champion tables the demo's games leave empty: its players finish three core items, never a fourth."""


def test_every_lol_answer_is_its_declared_model(lol_and_l2m, lol_l2m_client):
    name, queue, patch = first(lol_and_l2m["pg_url"], "SELECT champion_name, queue, patch FROM lol.item_build_stats "
                                                      "ORDER BY games DESC, champion_name LIMIT 1")
    asked = set()
    for path in ("roles", "builds", "skill-orders", "matchups", "length-win-rates", "patch-trend", "keystones",
                 "rune-pages", "spells", "starting-items", "skill-paths", "late-items", "boots", "tiers"):
        route, answer = typed_get(lol_l2m_client, f"/api/v1/lol/champions/{name}/{path}",
                                  {"queue": queue, "patch": patch})
        asked.add(route)
        assert answer["data"] or path in NOT_IN_THE_DEMO, path
    for path, params in (("champions", {}), ("tier-list", {}), ("tier-list", {"queue": queue, "role": "MIDDLE"}),
                         ("query", {"champion": name, "metric": "dpm"}),
                         *((path, {"queue": queue}) for path in ("patterns", "correlations", "objectives",
                                                                 "objective-timing", "dragon-vs-herald",
                                                                 "build-paths", "skill-ngrams", "coordination",
                                                                 "objective-tree", "vision", "win-model",
                                                                 "first-item-gold"))):
        route, answer = typed_get(lol_l2m_client, f"/api/v1/lol/{path}", params)
        asked.add(route)
        assert answer["data"] or path in FEW_GAMES, path
    covered(lol_l2m_client, "/api/v1/lol", asked)


def test_every_pubg_answer_is_its_declared_model(published, client):
    import dagster as dg

    base, admin, auth = "/api/v1/tournaments", "/api/v1/admin/pubg", {"Authorization": f"Bearer {TOKEN}"}
    season, division, round_id = first(published["pg_url"], "SELECT season_id, division_id, round_id "
                                       "FROM pubg.tournament_scheduled_matches ORDER BY 1, 2, 3 LIMIT 1")
    (match,) = first(published["pg_url"], "SELECT match_id FROM pubg.tournament_match_outcomes WHERE scored LIMIT 1")
    (player,) = first(published["pg_url"], "SELECT account_id FROM pubg.match_summaries ORDER BY 1 LIMIT 1")
    (competitor,) = first(published["pg_url"], "SELECT account_id FROM pubg.player_match_results ORDER BY 1 LIMIT 1")
    in_round = {"season_id": season, "division": division, "round": round_id}
    instance = dg.DagsterInstance.ephemeral()
    client.app.state.dagster_instance = lambda: instance
    assert client.post(f"{admin}/players", json={"player_id": player}, headers=auth).status_code == 201
    asked = set()
    for path, params in ((f"{base}/leaderboard/teams", {}), (f"{base}/leaderboard/teams", in_round),
                         (f"{base}/leaderboard/players", {"include_weapons": "true"}),
                         (f"{base}/leaderboard/players", in_round), (f"{base}/matches/recent", {}),
                         (f"{base}/rounds", {"season_id": season}), (f"{base}/schedule", in_round),
                         (f"{base}/matches/{match}", {}), (f"{base}/players/{competitor}", {}),
                         (f"{base}/seasons", {}), (f"{base}/decisions", {}),
                         (f"{admin}/decisions", {"season_id": season}), (f"{admin}/schedule", in_round),
                         (f"{admin}/season", {}),
                         (f"{admin}/validation", {}), (f"{admin}/validation", {"status": "confirmed"}),
                         (f"{admin}/players", {}), (f"{admin}/players/{player}/backfill", {}),
                         (f"{admin}/players/preview", {"player_id": player}), (f"{admin}/backfills", {}),
                         (f"{admin}/rounds/{round_id}/schedule/history", {"season_id": season, "division": division})):
        route, answer = typed_get(client, path, params, headers=auth)
        asked.add(route)
        never_edited = path.endswith("/history")
        assert never_edited or (answer["data"] if "data" in answer else answer["tracked"]), (path, params)
    covered(client, base, asked)
    covered(client, admin, asked)


@pytest.fixture(scope="module")
def rocket_client(rocket_day):
    with client_for(rocket_day["pg_url"], requests_per_minute=100_000, data_dir=rocket_day["data_dir"]) as client:
        yield client


FRAMES_DAY = "2026-03-02"
"""The day a real raw replay is landed on for the frames answer (the rocket day's games are JSON, without frames)."""


def test_every_rocket_answer_is_its_declared_model(rocket_day, rocket_client):
    (player,) = first(rocket_day["pg_url"], "SELECT player_id FROM rocket.player_stats GROUP BY player_id "
                                            "ORDER BY count(DISTINCT match_id) DESC, player_id LIMIT 1")
    (trained,) = first(rocket_day["pg_url"], "SELECT player_id FROM rocket.training_sessions ORDER BY 1 LIMIT 1")
    (replay,) = first(rocket_day["pg_url"], f"SELECT match_id FROM rocket.player_stats WHERE player_id = '{player}' "
                                            "LIMIT 1")
    base, asked = "/api/v1/rocket", set()
    for path in ("player", "replays/recent", "analytics/weaknesses", "analytics/progress", "analytics/rank-prediction",
                 "analytics/rank-outlook", "analytics/comparison", "analytics/heatmap", "analytics/game", "training/recommendations",
                 "training/progress"):
        route, answer = typed_get(rocket_client, f"{base}/{path}",
                                  {"player_id": trained if path == "training/progress" else player})
        asked.add(route)
        assert answer["data"] or answer["metadata"].get("reason"), path
    reasons = 0
    for path, table in (("analytics/weaknesses", "player_weaknesses"),
                        ("analytics/rank-prediction", "rank_predictions"), ("analytics/rank-outlook", "rank_outlook"),
                        ("training/recommendations", "recommendations")):
        without = first(rocket_day["pg_url"], f"SELECT player_id FROM rocket.player_stats EXCEPT "
                                              f"SELECT player_id FROM rocket.{table} ORDER BY 1 LIMIT 1")
        if without is not None:
            reasons += 1
            assert typed_get(rocket_client, f"{base}/{path}", {"player_id": without[0]})[1]["metadata"]["reason"]
    assert reasons, "no player lacks a rank prediction, recommendations or skill scores: the empty answers untried"
    (band,) = first(rocket_day["pg_url"], "SELECT rank_band FROM rocket.player_stats WHERE stat_type = 'goals' "
                                          "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    for path, params in ((f"replays/{replay}", {}), ("training/packs", {"q": "a"}), ("players", {}), ("stats", {}),
                         ("leaderboards", {"stat": "goals", "band": band, "min_games": 1})):
        route, answer = typed_get(rocket_client, f"{base}/{path}", params)
        asked.add(route)
        assert answer["data"], path
    with client_for(rocket_day["pg_url"], api_token=TOKEN, requests_per_minute=100_000,
                    data_dir=rocket_day["data_dir"]) as operator:
        route, answer = typed_get(operator, f"{base}/conflicts", {}, headers={"Authorization": f"Bearer {TOKEN}"})
        asked.add(route)
    raw = REPLAYS / "0_SAVES.replay"
    landed = rocket_day["data_dir"] / "landing" / "rocket" / FRAMES_DAY
    landed.mkdir(parents=True, exist_ok=True)
    shutil.copy(raw, landed)
    publish_rocket_day(rocket_day["data_dir"], rocket_day["pg_url"], FRAMES_DAY)
    route, answer = typed_get(rocket_client, f"{base}/replays/{read_header_alone(raw).match_id}/frames", {})
    asked.add(route)
    assert answer["data"]["samples"] == len(answer["data"]["time"]) > 0
    with client_for(rocket_day["pg_url"], api_token=TOKEN, requests_per_minute=100_000,
                    data_dir=rocket_day["data_dir"]) as operator:
        sent = read_header_alone(raw).match_id
        noted(operator.app.state.settings, sent, {"account": "operator"}, SENT, duplicate=False,
              ballchasing_id="bdc27caf-fe82-4708-9f48-4f2561f93313",
              location="https://ballchasing.com/replay/bdc27caf-fe82-4708-9f48-4f2561f93313")
        route, answer = typed_get(operator, f"{base}/replays/{sent}/ballchasing", {},
                                  headers={"Authorization": f"Bearer {TOKEN}"})
        asked.add(route)
        assert answer["state"] == "sent"
    covered(rocket_client, base, asked)


def test_the_openapi_document_shows_every_field_of_every_answer(lol_l2m_client):
    document = lol_l2m_client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    for path, route in get_routes().items():
        ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok, path
    tier = schemas["LolChampionStats"]["properties"]
    assert set(COLUMNS["champion_stats"]) == set(tier)
    assert tier["pick_rate"]["description"] == COLUMNS["champion_stats"]["pick_rate"].description
