"""The player leaderboard's damage columns: total and per match, killsteals, and damage by weapon category."""

import polars as pl

from gamestats_assets.defs.pubg.transforms import leaderboards

KEYS = {"season_id": "S", "division_id": "D", "group_id": "A", "round_id": "R1"}


def results() -> pl.DataFrame:
    return pl.DataFrame({**{k: [v] * 3 for k, v in KEYS.items()}, "match_id": ["m1", "m2", "m1"],
                         "account_id": ["a", "a", "b"], "damage_dealt": [100.0, 50.5, 0.0],
                         "killsteals": [1, None, None]})


def round_rows(frame: pl.DataFrame) -> dict:
    return {row["account_id"]: row for row in frame.filter(pl.col("scope") == "round").iter_rows(named=True)}


def test_damage_is_summed_and_averaged_per_match_and_killsteals_stay_null_without_telemetry():
    rows = round_rows(leaderboards.player_damage(results()))
    assert (rows["a"]["damage_dealt"], rows["a"]["avg_damage"], rows["a"]["killsteals"]) == (150.5, 75.25, 1)
    assert rows["b"]["killsteals"] is None and rows["b"]["damage_dealt"] == 0.0


def test_weapon_damage_pairs_largest_first_beside_the_kills():
    distribution = pl.DataFrame({"match_id": ["m1", "m1", "m2", "m1"], "account_id": ["a", "a", "a", "b"],
                                 "weapon_category": ["AR", "SR", "AR", "SMG"], "kills": [2, 0, 1, 0],
                                 "damage_dealt": [80.0, 20.04, 50.5, 0.0]})
    rows = round_rows(leaderboards.player_weapon_mix(results(), distribution))
    assert rows["a"]["weapon_kills"] == "AR:3" and rows["a"]["weapon_damage"] == "AR:130.5,SR:20.0"
    assert "b" not in rows
