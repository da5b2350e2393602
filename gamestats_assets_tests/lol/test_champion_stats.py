"""The tier list (`lol.champion_stats`) on the real ranked game and a blind-pick copy of it where both mid laners
play the same champion: a role's row counts each player on the champion for its win rate, and each game once for
its pick rate."""

import polars as pl

from gamestats_assets_tests.lol.real_games import info, load, tables_of, variant

BLIND_PICK = 430


def mid_laner(match_info: dict, team: int) -> dict:
    return next(p for p in match_info["participants"] if p["teamId"] == team and p["teamPosition"] == "MIDDLE")


def mirrored(match_info: dict, _: dict) -> None:
    """The red mid laner plays the blue one's champion, as blind pick allows."""
    blue, red = mid_laner(match_info, 100), mid_laner(match_info, 200)
    red["championId"], red["championName"] = blue["championId"], blue["championName"]


def test_a_mirror_match_counts_both_players_and_one_pick():
    ranked = load()
    stats = tables_of([ranked, variant(ranked, 1001, queue=BLIND_PICK, change=mirrored)])["champion_stats"]
    champion = mid_laner(info(ranked[0]), 100)["championId"]
    [mirror] = stats.filter(pl.col("queue") != "ranked_solo", team_position="MIDDLE").to_dicts()
    assert (mirror["champion_id"], mirror["games"], mirror["wins"], mirror["picked_games"]) == (champion, 2, 1, 1)
    assert (mirror["queue_games"], mirror["pick_rate"], mirror["win_rate"]) == (1, 1.0, 0.5)
    assert stats.filter(queue="ranked_solo").height == 10
    assert ((stats["picked_games"] <= stats["queue_games"]) & (stats["pick_rate"] <= 1)
            & stats["pick_rate_ci_low"].is_not_nan()).all()
