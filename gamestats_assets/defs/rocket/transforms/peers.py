"""Same-rank peers' figures: per rank band and stat, the players and the sums a mean and a spread are made of,
so a player's comparison with the rest of their band is an index lookup and one subtraction (`serve.rocket.without`)."""

from __future__ import annotations

import polars as pl

PEER_SCHEMA = {"rank_band": pl.String, "stat_type": pl.String, "category": pl.String, "players": pl.Int64,
               "games": pl.Int64, "total": pl.Float64, "mean": pl.Float64, "m2": pl.Float64}


def peer_stats(stats: pl.DataFrame) -> pl.DataFrame:
    """`peer_stats`: one row per rank band and stat over every published game (key `rank_band, stat_type`): its
    category, the players with a row of it, the games with a value (`games`), their sum (`total`), mean and sum
    of squared deviations from the mean (`m2`). Rows without a rank band have no peers and are left out."""
    if stats.height == 0:
        return pl.DataFrame(schema=PEER_SCHEMA)
    value = pl.col("value")
    return (stats.filter(pl.col("rank_band").is_not_null() & pl.col("stat_type").is_not_null())
            .group_by("rank_band", "stat_type")
            .agg(category=pl.col("category").drop_nulls().first(),
                 players=pl.col("player_id").drop_nulls().n_unique().cast(pl.Int64),
                 games=value.count().cast(pl.Int64), total=value.sum(), mean=value.mean(),
                 m2=((value - value.mean()) ** 2).sum())
            .with_columns(total=pl.when(pl.col("games") > 0).then(pl.col("total")))
            .select(list(PEER_SCHEMA)).cast(PEER_SCHEMA).sort("rank_band", "stat_type"))

