"""Same-rank peers' figures: per rank band and stat, the players and the sums a mean and a spread are made of,
so a player's comparison with the rest of their band is an index lookup and one subtraction (`serve.rocket.without`).

The table over every game is a fold of each game's partial sums (`peer_partials`, `PEER_FOLD`): exact integer sums
per rank band, stat and player kept from the partials' Delta log, so a new game costs its own rows
(`lib/refresh/fold.py`); `peer_stats` computes the same from the rows themselves, to the fixed point of the values
(`SCALE`)."""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from gamestats_assets.lib.refresh.fold import EXACT, Fold

PEER_SCHEMA = {"rank_band": pl.String, "stat_type": pl.String, "category": pl.String, "players": pl.Int64,
               "games": pl.Int64, "total": pl.Float64, "mean": pl.Float64, "m2": pl.Float64}
SCALE = 10**6
"""The fixed point of the values `peer_stats` sums: a value counts as the nearest multiple of a millionth, and its
scaled integer and square are summed exactly (as `Decimal(38, 0)`: exact while a band's sum of squared scaled values
stays under 10³⁸, values under 10⁷ over 10¹¹ games)."""
PARTIAL_SCHEMA = {"match_id": pl.String, "rank_band": pl.String, "stat_type": pl.String, "player_id": pl.String,
                  "category": pl.String, "games": pl.Int64, "total": pl.Float64, "mean": pl.Float64, "m2": pl.Float64,
                  "scaled": EXACT, "squares": EXACT}
PARTIAL_READS = ("date", "match_id", "player_id", "rank_band", "category", "stat_type", "value")
"""The columns of `player_stats` the partials are made of."""


def _ranked(stats: pl.DataFrame) -> pl.DataFrame:
    return stats.filter(pl.col("rank_band").is_not_null() & pl.col("stat_type").is_not_null())


def _moments() -> list[pl.Expr]:
    """The games with a value, their sum, mean and sum of squared deviations from the mean, of a group's rows."""
    value = pl.col("value")
    return [pl.col("category").drop_nulls().first().alias("category"), value.count().cast(pl.Int64).alias("games"),
            value.sum().alias("total"), value.mean().alias("mean"), ((value - value.mean()) ** 2).sum().alias("m2")]


def _scaled_sums() -> list[pl.Expr]:
    """The sum of a group's values in millionths (`SCALE`) and of their squares, exact (a value that is not finite
    adds nothing)."""
    scaled = (pl.col("value") * SCALE).round().cast(pl.Int64, strict=False).cast(pl.Int128)
    return [scaled.sum().cast(EXACT).alias("scaled"), (scaled * scaled).sum().cast(EXACT).alias("squares")]


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
    that mean (`m2`), and the sums of the values and of their squares in millionths as exact integers (`scaled`,
    `squares`, `SCALE`). `PEER_FOLD` adds the games up; the player is kept so that players seen in several games
    are counted once."""
    if stats.height == 0:
        return pl.DataFrame(schema=PARTIAL_SCHEMA)
    return (_ranked(stats).group_by("match_id", "rank_band", "stat_type", "player_id").agg(*_moments(), *_scaled_sums())
            .select(list(PARTIAL_SCHEMA)).cast(PARTIAL_SCHEMA).sort("match_id", "rank_band", "stat_type", "player_id"))


FOLD_READS = {"rank_band": pl.String, "stat_type": pl.String, "player_id": pl.String, "category": pl.String,
              "games": pl.Int64, "total": pl.Float64, "scaled": EXACT, "squares": EXACT}
"""The columns of `peer_partials` the fold reads."""


def finished_peer_stats(state: pl.DataFrame) -> pl.DataFrame:
    """`peer_stats` from the fold's state (per rank band, stat and player: partial `rows`, `games`, `scaled` sum of
    values and `squares` sum of their squares, in millionths): the players with a row, the games, and the total,
    mean and `m2` = (n Σx² − (Σx)²) / n computed exactly from the integers, then rounded once to a float. The
    category is the least of the band's and stat's."""
    if state.height == 0:
        return pl.DataFrame(schema=PEER_SCHEMA)
    pairs = state.group_by("rank_band", "stat_type").agg(
        pl.col("category").drop_nulls().min(),
        players=pl.col("player_id").filter(pl.col("rows") > 0).drop_nulls().n_unique().cast(pl.Int64),
        games=pl.col("games").sum(), scaled=pl.col("scaled").cast(pl.Int128).sum(),
        squares=pl.col("squares").cast(pl.Int128).sum())
    figures = [_moments_of(games, int(scaled), int(squares))
               for games, scaled, squares in pairs.select("games", "scaled", "squares").iter_rows()]
    return (pairs.drop("scaled", "squares").with_columns(pl.DataFrame(figures, schema={
        "total": pl.Float64, "mean": pl.Float64, "m2": pl.Float64}, orient="row"))
        .select(list(PEER_SCHEMA)).cast(PEER_SCHEMA).sort("rank_band", "stat_type"))


def _moments_of(games: int, scaled: int, squares: int) -> tuple[float | None, float | None, float]:
    """The total, mean and sum of squared deviations of `games` values whose scaled sum and sum of squares are
    `scaled` and `squares`, each the float nearest the exact rational."""
    if games == 0:
        return None, None, 0.0
    return (float(Fraction(scaled, SCALE)), float(Fraction(scaled, games * SCALE)),
            float(Fraction(games * squares - scaled * scaled, games * SCALE * SCALE)))


WRITTEN_BEFORE = (pl.col("total") * SCALE).round().cast(pl.Int64, strict=False).cast(pl.Int128)
"""The scaled value of a partial row written before the partials held their scaled sums (`total`, the one value of
the player in the game: `player_stats` is keyed by game, player and stat)."""
PEER_FOLD = Fold(
    FOLD_READS, ("rank_band", "stat_type", "player_id", "category"),
    {"rows": pl.lit(1, pl.Int64), "games": pl.col("games"),
     "scaled": pl.coalesce(pl.col("scaled"), WRITTEN_BEFORE.cast(EXACT)),
     "squares": pl.coalesce(pl.col("squares"), (WRITTEN_BEFORE * WRITTEN_BEFORE).cast(EXACT))},
    finished_peer_stats, counted="rows", absent=frozenset({"scaled", "squares"}))
"""`peer_stats` as a fold of the games' partials: per rank band, stat, player and category, exact integer sums (of a
partial written before the partials held them, from its one value)."""


def merged_peer_stats(partials: pl.DataFrame) -> pl.DataFrame:
    """`peer_stats` added up from the partials of every game (`peer_partials`) at once, as the fold of them
    (`PEER_FOLD`) is: the same games give the same table to the last bit whatever order they come in, and whatever
    the players are called (a deleted player's token in place of their id)."""
    return PEER_FOLD(partials=partials)
