"""A player's rank outlook (`GET /api/v1/rocket/analytics/rank-outlook`) over a day as a real run published it: every
ranked human player's answer against their days with a known rank in the published `rocket.users` (one day: too few
to tell, with no change predicted and no training effect measured), a player no source ranked is answered empty with
the reason, and an unknown one is a 404."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.conftest import TOKEN, client_for

OUTLOOK = "/api/v1/rocket/analytics/rank-outlook"


@pytest.fixture(scope="module")
def api(rocket_day):
    with client_for(rocket_day["pg_url"], api_token=TOKEN, requests_per_minute=100_000,
                    data_dir=rocket_day["data_dir"]) as client:
        yield {"client": client, **rocket_day}


def test_each_ranked_player_is_answered_from_their_known_ranks(api):
    with psycopg.connect(api["pg_url"]) as conn:
        ranked = dict(conn.execute("SELECT player_id, count(DISTINCT date) FROM rocket.users WHERE NOT is_bot AND "
                                   "rank_index IS NOT NULL GROUP BY player_id").fetchall())
        unranked = conn.execute("SELECT DISTINCT s.player_id FROM rocket.player_stats s WHERE NOT EXISTS (SELECT 1 "
                                "FROM rocket.users u WHERE u.player_id = s.player_id AND u.rank_index IS NOT NULL)"
                                ).fetchall()
    assert ranked
    for player, days in list(ranked.items())[:25]:
        answer = api["client"].get(OUTLOOK, params={"player_id": player})
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        assert (data["rank_days"], data["outlook"], data["predicted_change"]) == (
            days, "too few ranked days to tell", None)
        assert data["rank"] and data["backtest"] == {"players": 0, "trend_mae": None, "no_change_mae": None,
                                                      "difference_ci": None, "verdict": "unjudged"}
        assert (data["training_effect"], data["training_effect_players"], data["training_effect_applied"],
                data["training_change"]) == (None, 0, False, None)
    if unranked:
        answer = api["client"].get(OUTLOOK, params={"player_id": unranked[0][0]}).json()
        assert answer["data"] is None and "carry none" in answer["metadata"]["reason"]
    assert api["client"].get(OUTLOOK, params={"player_id": "steam:0000"}).status_code == 404
