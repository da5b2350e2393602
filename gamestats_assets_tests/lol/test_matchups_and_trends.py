"""Lane matchups, win rate by game length and the patch trend on real games (cases built from the fixtures):
each within its queue and patch, on counted games only."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets_tests.lol.real_games import (
    TOURNAMENT,
    changes,
    info,
    lasting,
    load,
    remake,
    tables_of,
    timeline_cut,
    variant,
    winner_swapped,
)

ILLAOI, GNAR = 420, 150
"""The real ranked game's top lane: Illaoi (blue, lost) against Gnar (red, won)."""


@pytest.fixture(scope="module")
def day() -> dict[str, pl.DataFrame]:
    """The real ranked game; a copy whose timeline stops at 12 minutes; a copy of 22 minutes the other team
    won; a remake; a copy in ARAM; a copy on patch 11.17; a copy in normal draft; the real tournament game."""
    ranked = load()
    games = [
        ranked,
        variant(ranked, 1001, change=timeline_cut(13)),
        variant(ranked, 1002, change=changes(lasting(22), winner_swapped)),
        variant(ranked, 1003, change=remake),
        variant(ranked, 1004, queue=450, map_id=12),
        variant(ranked, 1005, version="11.17.392.9999", change=winner_swapped),
        variant(ranked, 1006, queue=400),
        load(TOURNAMENT),
    ]
    return tables_of(games)


def frame_value(minute: int, participant: int, measure: str) -> int:
    """A measure of the real ranked game's participant frame at `minute`, read from the file itself."""
    player = info(load()[1])["frames"][minute]["participantFrames"][str(participant)]
    if measure == "cs":
        return player["minionsKilled"] + player["jungleMinionsKilled"]
    return player["totalGold" if measure == "gold" else "xp"]


def test_lane_states_pair_each_position_with_its_opponent(day):
    lanes = day["lane_states"].filter(match_id="JP1_323466834")
    assert lanes.height == 10
    top = lanes.filter(participant_id=1).row(0, named=True)
    assert (top["team_position"], top["opponent_participant_id"], top["opponent_champion_id"]) == ("TOP", 6, GNAR)
    for minute in (10, 15):
        for measure in ("gold", "xp", "cs"):
            assert top[f"{measure}_diff_{minute}"] == frame_value(minute, 1, measure) - frame_value(minute, 6, measure)
    cut = day["lane_states"].filter(match_id="JP1_1001", participant_id=1).row(0, named=True)
    assert cut["gold_diff_10"] == top["gold_diff_10"] and cut["gold_diff_15"] is None, "the timeline stops at 12"


def test_a_position_riot_could_not_tell_has_no_opponent(day):
    """The real tournament game lists one player of each team as `AFK` and no one as MIDDLE."""
    tournament = day["lane_states"].filter(match_id="ESPORTSTMNT01_2693492")
    assert tournament.height == 8 and "AFK" not in set(tournament["team_position"])
    assert set(day["lane_matchups"].filter(queue="other")["team_position"]) == {"TOP", "JUNGLE", "BOTTOM", "UTILITY"}


def test_lane_matchups_within_queue_and_patch_with_intervals(day):
    matchups = day["lane_matchups"]
    assert set(matchups.select("queue", "patch").unique().iter_rows()) == {
        ("ranked_solo", "11.16"), ("ranked_solo", "11.17"), ("normal", "11.16"), ("other", "12.1")}, \
        "no ARAM (not Summoner's Rift), the remake left out"
    top = matchups.filter(queue="ranked_solo", patch="11.16", champion_id=ILLAOI).row(0, named=True)
    assert (top["team_position"], top["opponent_champion_id"], top["champion_name"], top["opponent_champion_name"]) \
        == ("TOP", GNAR, "Illaoi", "Gnar")
    assert (top["games"], top["wins"], top["n_at_10"], top["n_at_15"]) == (3, 1, 3, 2)
    assert top["win_rate"] == pytest.approx(1 / 3) and top["low_sample"]
    assert top["win_rate_ci_low"] < 1 / 3 < top["win_rate_ci_high"]
    gold_10 = frame_value(10, 1, "gold") - frame_value(10, 6, "gold")
    assert top["gold_diff_10_mean"] == pytest.approx(gold_10)
    assert top["gold_diff_10_ci_low"] == pytest.approx(gold_10) == top["gold_diff_10_ci_high"], "three equal games"
    mirrored = matchups.filter(queue="ranked_solo", patch="11.16", champion_id=GNAR).row(0, named=True)
    assert (mirrored["opponent_champion_id"], mirrored["wins"]) == (ILLAOI, 2)
    for difference in ("gold_diff_10", "xp_diff_15", "cs_diff_15"):
        assert mirrored[f"{difference}_mean"] == pytest.approx(-top[f"{difference}_mean"])


def test_win_rate_by_game_length_per_champion_and_build(day):
    lengths = day["length_win_rates"].filter(queue="ranked_solo", patch="11.16", champion_id=ILLAOI)
    overall = lengths.filter(depth=0)
    assert set(overall["core_path"]) == {""}
    assert overall.select("length_from_min", "length_to_min", "games", "wins").rows() == [(20, 25, 1, 1),
                                                                                          (30, 35, 2, 0)]
    assert overall["share_of_games"].to_list() == pytest.approx([1 / 3, 2 / 3])
    full_build = lengths.filter(depth=3)
    assert full_build["core_path"].unique().to_list() == ["Goredrinker > Sterak's Gage > Death's Dance"]
    assert full_build["games"].sum() == 2, "the game whose timeline stops at 12 minutes finishes no item after"
    assert full_build["low_sample"].all()
    assert (lengths["win_rate_ci_low"] <= lengths["win_rate"]).all()
    assert (lengths["win_rate"] <= lengths["win_rate_ci_high"]).all()


def test_patch_trend_sets_a_queues_patches_side_by_side(day):
    trend = day["patch_trend"].filter(queue="ranked_solo", champion_id=ILLAOI).sort("patch")
    assert trend.select("patch", "games", "wins", "picked_games", "queue_games").rows() == [
        ("11.16", 3, 1, 3, 3), ("11.17", 1, 1, 1, 1)], "the remake counted nowhere"
    latest = trend.row(1, named=True)
    assert latest["previous_patch"] == "11.16"
    assert latest["win_rate_change"] == pytest.approx(1 - 1 / 3) and latest["pick_rate_change"] == 0
    assert trend["previous_patch"][0] is None
    assert latest["pick_rate_ci_low"] < 1 == latest["pick_rate_ci_high"]
    normal = day["patch_trend"].filter(queue="normal", champion_id=ILLAOI).row(0, named=True)
    assert (normal["games"], normal["queue_games"], normal["previous_patch"]) == (1, 1, None)
    assert "aram" in set(day["patch_trend"]["queue"]), "the trend is not a Summoner's Rift table"
