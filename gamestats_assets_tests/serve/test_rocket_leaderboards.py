"""Rocket League leaderboards (`GET /api/v1/rocket/leaderboards`) over a day as a real run published it: every
player's games, mean and interval recounted in plain Python from the published `rocket.player_stats` rows, each
stat ranked in its own direction, pages that add up to the board, and what is refused."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

import psycopg
import pytest
from scipy.stats import t as student

from gamestats_assets_tests.serve.conftest import TOKEN, client_for

BOARD = "/api/v1/rocket/leaderboards"


@pytest.fixture(scope="module")
def api(rocket_day):
    with client_for(rocket_day["pg_url"], api_token=TOKEN, requests_per_minute=100_000,
                    data_dir=rocket_day["data_dir"]) as client:
        yield {"client": client, **rocket_day}


def published(pg_url: str, stat: str) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute("SELECT player_id, rank_band, playlist, value_bin FROM rocket.player_stats "
                            "WHERE stat_type = %s", (stat,)).fetchall()


def recounted(rows: list[tuple], band: str, playlist: str | None, min_games: int, higher: bool) -> list[dict]:
    """The board from the published rows: each player's values of the band (and playlist), their count, mean,
    standard deviation and 95 % Student's t interval, best mean first."""
    values = defaultdict(list)
    for player, row_band, row_playlist, value in rows:
        if row_band == band and playlist in (None, row_playlist) and value is not None:
            values[player].append(value)
    board = []
    for player, found in values.items():
        if len(found) >= min_games:
            mean = statistics.fmean(found)
            sd = statistics.stdev(found) if len(found) > 1 else None
            half = student.ppf(0.975, len(found) - 1) * sd / math.sqrt(len(found)) if sd is not None else None
            board.append({"player_id": player, "games": len(found), "mean": mean, "sd": sd,
                          "ci_low": None if half is None else mean - half,
                          "ci_high": None if half is None else mean + half})
    return sorted(board, key=lambda leader: (-leader["mean"] if higher else leader["mean"], leader["player_id"]))


def busiest(rows: list[tuple]) -> tuple[str, str]:
    """The band and playlist with the most players of two games or more."""
    games = defaultdict(int)
    for player, band, playlist, value in rows:
        if value is not None:
            games[(band, playlist, player)] += 1
    players = defaultdict(int)
    for (band, playlist, _), count in games.items():
        players[(band, playlist)] += count >= 2
    return max(players, key=lambda key: (players[key], key))


def close(served: dict, expected: dict) -> bool:
    return all(served[k] == expected[k] if not isinstance(expected[k], float) else
               math.isclose(served[k], expected[k], rel_tol=1e-9, abs_tol=1e-9) for k in expected)


@pytest.mark.parametrize(("stat", "higher"), [("goals", True), ("goals_against", False)])
def test_each_players_games_mean_and_interval_are_the_published_rows_ranked_in_the_stats_direction(api, stat,
                                                                                                     higher):
    rows = published(api["pg_url"], stat)
    band, playlist = busiest(rows)
    for asked_playlist, min_games in ((playlist, 2), (None, 1)):
        expected = recounted(rows, band, asked_playlist, min_games, higher)
        params = {"stat": stat, "band": band, "min_games": min_games, "limit": 100,
                  **({"playlist": asked_playlist} if asked_playlist else {})}
        answer = api["client"].get(BOARD, params=params)
        assert answer.status_code == 200, answer.text
        served, metadata = answer.json()["data"], answer.json()["metadata"]
        assert len(expected) >= 2 and metadata["total_count"] == len(expected), (band, asked_playlist)
        assert (metadata["min_games"], metadata["better"]) == (min_games, "higher" if higher else "lower")
        assert [leader["position"] for leader in served] == list(range(1, len(served) + 1))
        assert [leader["player_id"] for leader in served] == [leader["player_id"] for leader in expected[:100]]
        assert all(close(got, want) for got, want in zip(served, expected)), (served[:2], expected[:2])
        assert all(leader["games"] >= min_games for leader in served)


def test_pages_add_up_to_the_board_and_a_page_past_its_end_still_says_how_many(api):
    rows = published(api["pg_url"], "saves")
    band, playlist = busiest(rows)
    asked = {"stat": "saves", "band": band, "playlist": playlist, "min_games": 1}
    whole = api["client"].get(BOARD, params={**asked, "limit": 100}).json()
    total = whole["metadata"]["total_count"]
    assert total > 5
    pages = [api["client"].get(BOARD, params={**asked, "limit": 3, "offset": offset}).json()
             for offset in range(0, total, 3)]
    assert [leader for page in pages for leader in page["data"]] == whole["data"][:total]
    assert {page["metadata"]["total_count"] for page in pages} == {total}
    beyond = api["client"].get(BOARD, params={**asked, "limit": 3, "offset": total + 10}).json()
    assert beyond["data"] == [] and beyond["metadata"]["total_count"] == total


@pytest.mark.parametrize(("params", "where", "says"), [
    ({"stat": "no_such_stat", "band": "gold"}, ["query", "stat"], "'goals'"),
    ({"stat": "boost_bpm", "band": "gold"}, ["query", "stat"], "'goals'"),
    ({"stat": "goals", "band": "wood"}, ["query", "band"], "'bronze'"),
    ({"stat": "goals"}, ["query", "band"], "Field required"),
    ({"stat": "../goals", "band": "gold"}, ["query", "stat"], "'goals'"),
    ({"stat": "goals", "band": "gold", "min_games": 0}, ["query", "min_games"], "greater than or equal to 1"),
])
def test_a_bad_stat_band_or_minimum_is_422_saying_which_and_why(api, params, where, says):
    answer = api["client"].get(BOARD, params=params)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == where and says in error["msg"], error
