"""`peer_stats` from stat rows, and its check against them: a band's sums as the rows give them, and any pair
missing, extra or off fails the check; folded from the games' partial sums, it equals the one computed from every
row to the fixed point of the values, and the same games give the same table to the last bit in any order."""

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from gamestats_assets.defs.rocket.checks import _peer_gaps, _state_gaps
from gamestats_assets.defs.rocket.transforms.peers import (
    PEER_FOLD,
    SCALE,
    merged_peer_stats,
    peer_partials,
    peer_stats,
)
from gamestats_assets.lib.core.stats import against_band

STATS = pl.DataFrame({
    "match_id": ["m1", "m2", "m1", "m1", "m2", "m1", "m1"],
    "player_id": ["a", "a", "b", "c", "c", "d", "e"],
    "rank_band": ["gold", "gold", "gold", "gold", "gold", None, "silver"],
    "category": ["core"] * 7,
    "stat_type": ["goals"] * 7,
    "value": [1.0, 3.0, 2.0, 6.0, None, 4.0, 5.0],
})


def test_a_band_holds_its_players_games_and_sums_without_unranked_rows():
    gold = peer_stats(STATS).filter(rank_band="gold").to_dicts()[0]
    assert (gold["players"], gold["games"], gold["total"], gold["mean"]) == (3, 4, 12.0, 3.0)
    assert abs(gold["m2"] - (4 + 0 + 1 + 9)) < 1e-12
    assert set(peer_stats(STATS)["rank_band"]) == {"gold", "silver"}


def test_taking_a_player_out_gives_the_others_mean_and_sample_sd():
    gold = peer_stats(STATS).filter(rank_band="gold").to_dicts()[0]
    others = against_band(2.0, 2, 4.0, 2.0, gold["games"], gold["total"], gold["m2"])
    rest = pl.Series([2.0, 6.0])
    assert others["peer_games"] == 2 and others["peer_mean"] == rest.mean()
    assert abs(others["peer_sd"] - rest.std()) < 1e-12
    assert abs(others["z"] - (2.0 - rest.mean()) / rest.std()) < 1e-12


def test_the_check_finds_every_disagreement():
    peers = peer_stats(STATS)
    assert _peer_gaps(peers, STATS).height == 0
    off = peers.with_columns(games=pl.when(pl.col("rank_band") == "gold").then(5).otherwise(pl.col("games")))
    assert _peer_gaps(off, STATS)["rank_band"].to_list() == ["gold"]
    assert _peer_gaps(peers.filter(rank_band="gold"), STATS)["rank_band"].to_list() == ["silver"]
    extra = pl.concat([peers, peers.filter(rank_band="gold").with_columns(stat_type=pl.lit("saves"))])
    assert _peer_gaps(extra, STATS)["stat_type"].to_list() == ["saves"]


def history(days: int, rows_a_day: int, seed: int = 3) -> pl.DataFrame:
    """Stat rows of `days` days of 40 games each: players seen in several games and days and in two bands, values far
    from zero with a small
    spread (where a naive sum of squares loses its digits), some values missing, some rows unranked, a stat
    played on some days only, and a band whose values are all missing."""
    rng = np.random.default_rng(seed)
    n = days * rows_a_day
    band = rng.choice(["bronze", "gold", "silver", "none"], n)
    stat = np.where(rng.random(n) < 0.1, "demos", rng.choice(["goals", "boost_bpm"], n))
    value = rng.normal(1e6, 2.0, n)
    return pl.DataFrame({
        "date": np.repeat(np.arange(days), rows_a_day),
        "match_id": [f"{day}-{game}" for day, game in zip(np.repeat(np.arange(days), rows_a_day),
                                                           rng.integers(0, 40, n))],
        "player_id": [f"p{i}" for i in rng.integers(0, 60, n)],
        "rank_band": [None if b == "none" else b for b in band], "category": "core", "stat_type": stat,
        "value": [None if missing or b == "bronze" else float(v)
                  for missing, b, v in zip(rng.random(n) < 0.05, band, value)],
    }).with_columns(stat_type=pl.when((pl.col("stat_type") == "demos") & (pl.col("date") % 3 != 0))
                    .then(pl.lit("goals")).otherwise(pl.col("stat_type")))


def fixed_point(stats: pl.DataFrame) -> pl.DataFrame:
    """`stats` with each value the nearest multiple of a millionth, as the fold counts it (`SCALE`)."""
    return stats.with_columns(value=(pl.col("value") * SCALE).round() / SCALE)


def test_merged_from_the_games_partial_sums_it_equals_the_table_computed_from_every_row():
    stats = history(days=12, rows_a_day=800)
    partials = pl.concat([peer_partials(game.drop("date")) for _, game in stats.group_by("match_id")])
    merged, scratch = merged_peer_stats(partials), peer_stats(fixed_point(stats).drop("date"))
    assert_frame_equal(merged, scratch, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    bronze = merged.filter(rank_band="bronze")
    assert bronze["games"].to_list() == [0, 0, 0] and bronze["total"].is_null().all()
    assert bronze["m2"].to_list() == [0.0] * 3
    assert _state_gaps(merged, PEER_FOLD.state(partials)).height == 0 and _peer_gaps(merged, stats).height == 0


def test_a_game_added_changes_the_merge_as_a_recount_would():
    stats = history(days=5, rows_a_day=300, seed=8)
    before = peer_partials(stats.filter(pl.col("match_id") != "4-0"))
    merged = merged_peer_stats(pl.concat([before, peer_partials(stats.filter(match_id="4-0"))]))
    assert_frame_equal(merged, peer_stats(fixed_point(stats)), check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    assert merged_peer_stats(pl.DataFrame(schema=peer_partials(stats.head(0)).schema)).height == 0


def test_the_same_games_give_the_same_table_to_the_last_bit_in_any_order():
    stats = history(days=4, rows_a_day=400, seed=11)
    partials = pl.concat([peer_partials(game) for _, game in stats.group_by("match_id")])
    merged = merged_peer_stats(partials)
    for seed in range(3):
        assert_frame_equal(merged_peer_stats(partials.sample(fraction=1.0, shuffle=True, seed=seed)), merged,
                           check_exact=True)


def test_the_fold_check_finds_a_missing_or_changed_day():
    stats = history(days=3, rows_a_day=200, seed=5)
    partials = pl.concat([peer_partials(stats.filter(date=day)) for day in range(3)])
    stale = merged_peer_stats(partials.filter(pl.col("rank_band") != "gold")
                              .vstack(peer_partials(stats.filter(date=0, rank_band="gold"))))
    assert set(_state_gaps(stale, PEER_FOLD.state(partials))["rank_band"]) == {"gold"}


def test_partials_written_before_they_held_exact_sums_fold_from_their_one_value():
    stats = history(days=3, rows_a_day=300, seed=2).unique(["match_id", "player_id", "stat_type"])
    partials = peer_partials(stats)
    assert_frame_equal(merged_peer_stats(partials.drop("scaled", "squares")), merged_peer_stats(partials),
                       check_exact=True)
