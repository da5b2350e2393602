"""Same-rank peers' figures: per rank band and stat, the players and the sums a mean and a spread are made of,
so a player's comparison with the rest of their band is an index lookup and one subtraction (`serve.rocket.without`).

The table over every game is merged from each game's partial sums (`peer_partials`, `merged_peer_stats`), so a new
game costs its own rows; `peer_stats` computes the same from the rows themselves."""

from __future__ import annotations

import polars as pl

PEER_SCHEMA = {"rank_band": pl.String, "stat_type": pl.String, "category": pl.String, "players": pl.Int64,
               "games": pl.Int64, "total": pl.Float64, "mean": pl.Float64, "m2": pl.Float64}
PARTIAL_SCHEMA = {"match_id": pl.String, "rank_band": pl.String, "stat_type": pl.String, "player_id": pl.String,
                  "category": pl.String, "games": pl.Int64, "total": pl.Float64, "mean": pl.Float64, "m2": pl.Float64}
PARTIAL_READS = ("date", "match_id", "player_id", "rank_band", "category", "stat_type", "value")
"""The columns of `player_stats` the partials are made of."""


def _ranked(stats: pl.DataFrame) -> pl.DataFrame:
    return stats.filter(pl.col("rank_band").is_not_null() & pl.col("stat_type").is_not_null())


def _moments() -> list[pl.Expr]:
    """The games with a value, their sum, mean and sum of squared deviations from the mean, of a group's rows."""
    value = pl.col("value")
    return [pl.col("category").drop_nulls().first().alias("category"), value.count().cast(pl.Int64).alias("games"),
            value.sum().alias("total"), value.mean().alias("mean"), ((value - value.mean()) ** 2).sum().alias("m2")]


def _without_sum_of_nothing(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(total=pl.when(pl.col("games") > 0).then(pl.col("total")))


def peer_stats(stats: pl.DataFrame) -> pl.DataFrame:
    """`peer_stats`: one row per rank band and stat over every published game (key `rank_band, stat_type`): its
    category, the players with a row of it, the games with a value (`games`), their sum (`total`), mean and sum
    of squared deviations from the mean (`m2`). Rows without a rank band have no peers and are left out."""
    if stats.height == 0:
        return pl.DataFrame(schema=PEER_SCHEMA)
    moments = _moments()
    return _without_sum_of_nothing(
        _ranked(stats).group_by("rank_band", "stat_type")
        .agg(moments[0], pl.col("player_id").drop_nulls().n_unique().cast(pl.Int64).alias("players"), *moments[1:])
    ).select(list(PEER_SCHEMA)).cast(PEER_SCHEMA).sort("rank_band", "stat_type")


def peer_partials(stats: pl.DataFrame) -> pl.DataFrame:
    """`peer_partials`: the games' share of `peer_stats`, one row per game, rank band, stat and player of their
    ranked stat rows (key `date, match_id, rank_band, stat_type, player_id`): the category, the player's values in
    the game (`games`: one, or none without a value), their sum (`total`), mean and sum of squared deviations from
    that mean (`m2`). `merged_peer_stats` adds the games up; the player is kept so that players seen in several games
    are counted once."""
    if stats.height == 0:
        return pl.DataFrame(schema=PARTIAL_SCHEMA)
    return (_ranked(stats).group_by("match_id", "rank_band", "stat_type", "player_id").agg(*_moments())
            .select(list(PARTIAL_SCHEMA)).cast(PARTIAL_SCHEMA).sort("match_id", "rank_band", "stat_type", "player_id"))


def merged_peer_stats(partials: pl.DataFrame) -> pl.DataFrame:
    """`peer_stats` merged from the partials of every game (`peer_partials`): per rank band and stat, the distinct
    players, the games and sums added up, the mean their quotient, and `m2` by the parallel-variance formula
    (Chan, Golub and LeVeque): M2 = Σ M2ᵢ + Σ nᵢ (x̄ᵢ − x̄)² over the parts i of n values with mean x̄ᵢ, x̄ the mean
    of all. It equals `peer_stats` over the same rows (to floating-point rounding), at the cost of the partials:
    a new game adds its players' rows, not a recount of every game. The parts are added in an order of their games
    and values alone, so the same games give the same sums to the last bit whatever order the lake holds them in and
    whatever the players are called (a deleted player's token in place of their id)."""
    if partials.height == 0:
        return pl.DataFrame(schema=PEER_SCHEMA)
    partials = partials.sort([c for c in ("match_id", "rank_band", "stat_type", "games", "total", "m2")
                              if c in partials.columns], nulls_last=True)
    games, total = pl.col("games").sum(), pl.col("total").sum()
    mean = pl.when(games > 0).then(total / games)
    merged = partials.group_by("rank_band", "stat_type").agg(
        pl.col("category").drop_nulls().first(),
        players=pl.col("player_id").drop_nulls().n_unique().cast(pl.Int64),
        games=games.cast(pl.Int64), total=total, mean=mean,
        m2=pl.col("m2").sum() + (pl.col("games") * (pl.col("mean") - mean) ** 2).sum())
    return _without_sum_of_nothing(merged).select(list(PEER_SCHEMA)).cast(PEER_SCHEMA).sort("rank_band", "stat_type")
