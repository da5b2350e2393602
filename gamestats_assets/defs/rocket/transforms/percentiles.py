"""Rank percentiles answered when read: a stat value's percentile among every published game's values of the same
stat, rank band and playlist.

A `player_stats` row carries its value's bin (`value_bin`: the value to `SIGNIFICANT_DIGITS` significant digits,
which depends on the row alone); each game's count of values per bin (`peer_value_partials`) is added up over every
game into `peer_value_counts` (a fold of them kept from their Delta log, `VALUE_FOLD`), which says of each bin how
many values fall in it and below it; the query layer answers a row's percentile from the largest bin at or below the
row's (`serve/queries/rocket.py`), so a game published after the counts still gets one. `percentile` is the same definition over frames."""

from __future__ import annotations

import polars as pl

from gamestats_assets.lib.refresh.fold import Fold

SIGNIFICANT_DIGITS = 3
PEER_GROUP = ("rank_band", "playlist", "stat_type")
"""The values a value is ranked among: those of the same rank band, playlist and stat."""
PARTIAL_SCHEMA = {"match_id": pl.String, "rank_band": pl.String, "playlist": pl.String, "stat_type": pl.String,
                  "value_bin": pl.Float64, "games": pl.Int64}
COUNTS_SCHEMA = {"rank_band": pl.String, "playlist": pl.String, "stat_type": pl.String, "value_bin": pl.Float64,
                 "games": pl.Int64, "games_below": pl.Int64, "total": pl.Int64}


def value_bin(value: pl.Expr) -> pl.Expr:
    """A value's bin: the value rounded to `SIGNIFICANT_DIGITS` significant digits; none for a missing, infinite or
    NaN value, which is ranked among nothing."""
    return pl.when(value.is_finite()).then(value.round_sig_figs(SIGNIFICANT_DIGITS))


def value_partials(stats: pl.DataFrame) -> pl.DataFrame:
    """`peer_value_partials`: the games' share of `peer_value_counts`, one row per game, rank band, playlist, stat and
    value bin of its stat rows with a bin (key `date, match_id, rank_band, playlist, stat_type, value_bin`): how many
    of its players' values fall in the bin (`games`). `value_counts` adds them up over every game."""
    return (stats.filter(pl.all_horizontal(pl.col(*PEER_GROUP, "value_bin").is_not_null()))
            .group_by("match_id", *PEER_GROUP, "value_bin").agg(games=pl.len().cast(pl.Int64))
            .select(list(PARTIAL_SCHEMA)).cast(PARTIAL_SCHEMA).sort("match_id", *PEER_GROUP, "value_bin"))


def value_counts(partials: pl.DataFrame) -> pl.DataFrame:
    """`peer_value_counts`: how the values of every published game fall, one row per rank band, playlist, stat and
    value bin (key `rank_band, playlist, stat_type, value_bin`): the values in the bin (`games`: a player's value in
    a game counts once), those in the bins below it (`games_below`) and in every bin of the rank band, playlist and
    stat (`total`). Added up from the games' partial counts (`peer_value_partials`), so a new game costs its own
    rows. A value's rank percentile is `100 * (games_below + games / 2) / total` of the largest bin at or below the
    value's bin (`percentile`)."""
    return (partials.group_by(*PEER_GROUP, "value_bin").agg(games=pl.col("games").sum())
            .sort(*PEER_GROUP, "value_bin")
            .with_columns(games_below=(pl.col("games").cum_sum() - pl.col("games")).over(PEER_GROUP),
                          total=pl.col("games").sum().over(PEER_GROUP))
            .select(list(COUNTS_SCHEMA)).cast(COUNTS_SCHEMA))


VALUE_FOLD = Fold({**{name: pl.String for name in PEER_GROUP}, "value_bin": pl.Float64, "games": pl.Int64},
                  (*PEER_GROUP, "value_bin"), {"rows": pl.lit(1, pl.Int64), "games": pl.col("games")},
                  lambda state: value_counts(state), counted="rows")
"""`peer_value_counts` as a fold of the games' partial counts: the partial rows and values per bin, summed."""


def percentile(stats: pl.DataFrame, counts: pl.DataFrame) -> pl.Series:
    """The rank percentile of each row of `stats` (with `value_bin` and the peer group's columns) against `counts`
    (`peer_value_counts`), as the query layer answers it: `100 * (games_below + games / 2) / total` of the largest
    bin at or below the row's bin of its rank band, playlist and stat; null where there is none (no value, no
    peers, or a value below every published one)."""
    rows = stats.with_row_index("_row").sort("value_bin")
    found = rows.filter(pl.col("value_bin").is_not_null()).join_asof(
        counts.sort("value_bin"), on="value_bin", by=list(PEER_GROUP), strategy="backward")
    answered = found.select("_row", (100 * (pl.col("games_below") + pl.col("games") / 2) / pl.col("total"))
                            .alias("rank_percentile"))
    return (rows.select("_row").join(answered, on="_row", how="left").sort("_row")["rank_percentile"])
