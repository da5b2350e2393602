"""A stat value's rank percentile among every published game's values: the games' counts per bin add up to the
counts a recount of every row gives, a value ranks by mid-rank among its bin's peers, a value newer than the counts
ranks from the largest bin at or below it, and the check on the counts finds every disagreement."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamestats_assets.defs.rocket.checks import _count_gaps
from gamestats_assets.defs.rocket.transforms import daily
from gamestats_assets.defs.rocket.transforms.percentiles import percentile, value_bin, value_counts, value_partials
from gamestats_assets.generator.emitters.rocket import generate_replays
from gamestats_assets.sources.ballchasing.measures import STATS
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json


def stat_rows(games: int, seed: int = 4) -> pl.DataFrame:
    """Four players' values of two stats in each of `games` games, in two rank bands and two playlists, some missing
    and some not finite."""
    rng = np.random.default_rng(seed)
    n = games * 8
    value = rng.normal(50, 20, n).round(1)
    return pl.DataFrame({
        "match_id": np.repeat([f"g{game}" for game in range(games)], 8),
        "rank_band": rng.choice(["gold", "silver"], n), "playlist": rng.choice(["ranked-duels", "ranked-doubles"], n),
        "stat_type": np.tile(["goals", "goals", "goals", "goals", "saves", "saves", "saves", "saves"], games),
        "value": [None if missing else float(v) for missing, v in zip(rng.random(n) < 0.05, value)],
    }).with_columns(value=pl.when(pl.col("match_id") == "g0").then(float("nan")).otherwise(pl.col("value"))
                    ).with_columns(value_bin=value_bin(pl.col("value")))


def test_a_value_bin_is_the_value_to_three_significant_digits():
    values = pl.DataFrame({"value": [1234.5, 0.012345, -98.76, 0.0, None, float("inf"), float("nan")]})
    binned = values.select(value_bin(pl.col("value")))["value"].to_list()
    assert binned[:4] == pytest.approx([1230.0, 0.0123, -98.8, 0.0], rel=1e-12) and binned[4:] == [None] * 3


def test_the_games_counts_add_up_to_a_recount_of_every_value():
    rows = stat_rows(300)
    by_game = value_counts(pl.concat([value_partials(game) for _, game in rows.group_by("match_id")]))
    assert_frame_equal(by_game, value_counts(value_partials(rows)))
    assert int(by_game["games"].sum()) == rows.filter(pl.col("value").is_finite()).height
    assert _count_gaps(by_game, value_partials(rows)).height == 0


def test_a_value_ranks_by_mid_rank_among_its_peers_values():
    rows = stat_rows(200)
    ranked = rows.with_columns(rank_percentile=percentile(rows, value_counts(value_partials(rows))))
    peers = ["rank_band", "playlist", "stat_type"]
    expected = rows.with_columns(expected=pl.when(pl.col("value_bin").is_not_null()).then(
        100 * (pl.col("value_bin").rank("average").over(peers) - 0.5) / pl.col("value_bin").count().over(peers)))
    assert ranked["rank_percentile"].null_count() == rows["value_bin"].null_count() > 0
    assert np.allclose(ranked["rank_percentile"].drop_nulls().to_numpy(),
                       expected["expected"].drop_nulls().to_numpy())


def test_a_value_newer_than_the_counts_ranks_from_the_largest_bin_at_or_below_it():
    counts = value_counts(value_partials(pl.DataFrame({
        "match_id": ["a", "a", "b", "b"], "rank_band": ["gold"] * 4, "playlist": ["ranked-duels"] * 4,
        "stat_type": ["goals"] * 4, "value_bin": [1.0, 2.0, 2.0, 5.0]})))
    new = pl.DataFrame({"rank_band": ["gold"] * 4 + ["silver"], "playlist": ["ranked-duels"] * 5,
                        "stat_type": ["goals"] * 5, "value_bin": [2.0, 3.0, 9.0, 0.5, 2.0]})
    assert percentile(new, counts).to_list() == [50.0, 50.0, 87.5, None, None]


def test_the_check_finds_a_missing_extra_or_miscounted_bin():
    rows = stat_rows(50)
    partials = value_partials(rows)
    counts = value_counts(partials)
    assert _count_gaps(counts, partials).height == 0
    assert _count_gaps(counts.slice(1), partials).height > 0
    assert _count_gaps(counts.with_columns(games=pl.col("games") + (pl.int_range(pl.len()) == 3)), partials).height
    assert _count_gaps(counts.with_columns(games_below=pl.col("games_below") + 1), partials).height
    assert _count_gaps(counts.with_columns(total=pl.col("total") - 1), partials).height


def test_an_overtime_game_is_compared_per_minute_not_put_at_the_top_of_every_band():
    """A synthetic day through the daily tables: the totals and times of an overtime game (longer than its five
    minutes) rank, per minute of the game or as a share of it, in the middle of their bands as other games' do, where
    compared as they are they would be at the top for everyone of the game."""
    day = dt.date(2026, 1, 5)
    parsed = [parse_replay_json(d) for d in generate_replays(day, seed=5, n_players=600, anchor=day)]
    etl = daily.etl_tables(parsed, day)
    best = daily.matches(etl["matches"])
    stats = daily.player_stats(etl["match_stats"], daily.match_players(etl["match_players"], best), best)
    ranked = stats.with_columns(rank_percentile=percentile(stats, value_counts(value_partials(stats))))
    grows = [s.stat_type for s in STATS.values() if s.adds_up]
    long_games = best.filter(pl.col("overtime") & (pl.col("duration") >= 400))["match_id"]
    overtime = ranked.filter(pl.col("match_id").is_in(long_games.implode()) & pl.col("stat_type").is_in(grows)
                             & pl.col("rank_percentile").is_not_null())
    assert long_games.len() > 10 and overtime.height > 500
    assert 30 < overtime["rank_percentile"].mean() < 70, overtime.group_by("stat_type").agg(
        pl.col("rank_percentile").mean()).sort("rank_percentile")
    times = overtime.filter(pl.col("stat_type").is_in(["movement_time_ground", "positioning_time_defensive_half",
                                                        "movement_total_distance"]))
    assert times["rank_percentile"].quantile(0.5) < 80
    raw = stats.with_columns(value_bin=value_bin(pl.col("value")))
    as_they_are = raw.with_columns(rank_percentile=percentile(raw, value_counts(value_partials(raw)))).filter(
        pl.col("match_id").is_in(long_games.implode()) & pl.col("stat_type").is_in(["movement_time_ground",
                                                                                   "positioning_time_defensive_half"]))
    assert as_they_are["rank_percentile"].quantile(0.5) > 90
