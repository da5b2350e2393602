"""How a PUBG leaderboard shows a player deleted at their request: not at all. Their figures stay in their team's (a
match's score is every player's), no row stands for them under their token, and the players below them close up,
so that no gap or token row tells a reader of the board which player of a team is gone."""

from __future__ import annotations

import dagster as dg
from fastapi.testclient import TestClient

from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets_tests.serve.conftest import TOKEN

PLAYERS = "/api/v1/tournaments/leaderboard/players"
TEAMS = "/api/v1/tournaments/leaderboard/teams"
RECENT = "/api/v1/tournaments/matches/recent"


def closed_up(rows: list[dict], gone: str) -> dict[str, int]:
    """Each player's rank among `rows` without the player `gone`: one more than the players ranked above them."""
    kept = [row for row in rows if row["player_id"] != gone]
    return {row["player_id"]: 1 + sum(other["rank"] < row["rank"] for other in kept) for row in kept}


def test_a_deleted_player_has_no_row_and_the_players_below_close_up(published):
    app = create_app(ServeSettings(pg_url=published["pg_url"], api_token=TOKEN, data_dir=published["data_dir"],
                                   requests_per_minute=100_000))
    app.state.dagster_instance = dg.DagsterInstance.ephemeral
    with TestClient(app) as client:
        def board(path: str, **params) -> dict:
            """Every row of the board at `path`, page after page, and its `total_count`."""
            rows, total, key = [], 1, "players" if path == PLAYERS else "teams" if path == TEAMS else "matches"
            while len(rows) < total:
                answer = client.get(path, params={"limit": 100, "offset": len(rows), **params})
                assert answer.status_code == 200, answer.text
                page, total = answer.json()["data"][key], answer.json()["data"]["total_count"]
                assert page, "a page short of the total"
                rows += page
            return {key: rows, "total_count": total}

        players, teams = board(PLAYERS), board(TEAMS)
        match_id = board(RECENT)["matches"][0]["match_id"]
        in_match = board(PLAYERS, match_id=match_id)
        victim = next(row for row in players["players"] if row["rank"] > 1
                      and any(row["player_id"] == p["player_id"] for p in in_match["players"]))
        deleted = client.delete(f"/api/v1/players/pubg/{victim['player_id']}",
                                headers={"Authorization": f"Bearer {TOKEN}"})
        assert deleted.status_code == 200, deleted.text
        token = deleted.json()["token"]

        after, after_in_match = board(PLAYERS), board(PLAYERS, match_id=match_id)
        for shown, before in ((after, players), (after_in_match, in_match)):
            ids = {row["player_id"] for row in shown["players"]}
            assert victim["player_id"] not in ids and token not in ids
            assert victim["player_name"] not in {row["player_name"] for row in shown["players"]}
            assert shown["total_count"] == before["total_count"] - 1
            assert {row["player_id"]: row["rank"] for row in shown["players"]} == closed_up(
                before["players"], victim["player_id"])
        assert board(TEAMS) == teams
        for gone in (victim["player_id"], token):
            page = client.get(f"/api/v1/tournaments/players/{gone}")
            assert page.status_code == 404, (gone, page.text)
        match = client.get(f"/api/v1/tournaments/matches/{match_id}").json()["data"]
        assert {victim["player_id"], token}.isdisjoint(p["account_id"] for p in match["players"])
        assert victim["player_name"] not in {p["player_name"] for p in match["players"]}
