"""CONS statistics of the lol domain over every game so far: builds, skill orders, objectives, vision.

Every table is computed within a queue and patch over `counted` games with their match file (objectives and
vision on Summoner's Rift only). Every rate comes with its n, a 95 % Wilson interval and `low_sample`, every mean
with its n and a 95 % normal interval."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.counts import SCALE, by_slice, moments, with_mean, with_tier
from gamestats_assets.defs.lol.transforms.tested import KDA, WIN_RATE, against_half, against_others, tested
from gamestats_assets.lib.core.stats import Z_95, interval_p, with_wilson
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.sources.riot.compound import OBJECTIVES

GROUP = ("queue", "patch")
"""What players compare separately: every statistic is computed within one queue and one patch."""
VISION_BANDS = 4
"""Vision-per-minute quartiles within a position."""
MIN_SAMPLE = 100
"""Below this many games a rate is flagged `low_sample`: its 95 % interval is then wider than ±10 points."""
LENGTH_BUCKET_MINUTES = 5
"""Game-length strata (5-minute buckets) within which build paths are compared."""
BUILD_DEPTHS = (1, 2, 3)
"""Core items of a build path."""


def counted(frame: pl.DataFrame, summoners_rift: bool = False) -> pl.DataFrame:
    """The rows of counted games (`games.counted`), of Summoner's Rift only when asked."""
    keep = pl.col("counted") & (pl.col("summoners_rift") if summoners_rift else pl.lit(True))
    return frame.filter(keep)


def with_rate(stats: pl.DataFrame, wins: str = "wins", games: str = "games", prefix: str = "win_rate") -> pl.DataFrame:
    """`stats` plus the rate `wins / games` as `prefix`, its Wilson interval and `low_sample`."""
    rated = stats.with_columns((pl.col(wins) / pl.col(games)).alias(prefix),
                               (pl.col(games) < MIN_SAMPLE).alias("low_sample"))
    return with_wilson(rated, wins, games, prefix)


def mean_interval(column: str, prefix: str) -> list[pl.Expr]:
    """Aggregations: mean of `column` and its 95 % normal interval (null below two values)."""
    half = Z_95 * pl.col(column).std() / pl.col(column).count().sqrt()
    return [pl.col(column).mean().alias(f"{prefix}_mean"), (pl.col(column).mean() - half).alias(f"{prefix}_ci_low"),
            (pl.col(column).mean() + half).alias(f"{prefix}_ci_high")]


def games_and_wins() -> list[pl.Expr]:
    return [pl.len().cast(pl.Int64).alias("games"), pl.col("win").sum().cast(pl.Int64).alias("wins")]


def length_bucket() -> pl.Expr:
    return (pl.col("minutes") // LENGTH_BUCKET_MINUTES).cast(pl.Int32).alias("length_bucket")


def build_paths(players: pl.DataFrame, depths: tuple[int, ...] = BUILD_DEPTHS) -> pl.DataFrame:
    """Each player row once for every depth of `depths` its build reached, with `depth` and `core_path`
    (the first `depth` core items joined by ` > `); depth 0 is every game, with an empty path."""
    paths = []
    for depth in depths:
        cores = [f"core_{rank}" for rank in range(1, depth + 1)]
        reached = pl.all_horizontal(pl.lit(True), *[pl.col(c).is_not_null() for c in cores])
        path = pl.concat_str(cores, separator=" > ") if cores else pl.lit("")
        paths.append(players.filter(reached).with_columns(pl.lit(depth, dtype=pl.Int32).alias("depth"),
                                                          path.alias("core_path")))
    return pl.concat(paths)


BUILD_ROWS = {**{name: pl.String for name in GROUP}, "tier": pl.String, "champion_id": pl.Int64,
              "champion_name": pl.String, "depth": pl.Int32, "core_path": pl.String, "length_bucket": pl.Int32,
              "win": pl.Boolean, "kda": pl.Float64, "dpm": pl.Float64}
"""The rows folded for the builds: each counted player once with no build (`depth` null: the champion's games and
length strata) and once for every depth its build reached."""


def build_rows(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Each player of a counted game once with no depth and once for every core path depth its build reached, with
    its game's length bucket and ranked tier."""
    players = counted(players).with_columns(length_bucket())
    rows = pl.concat([players.with_columns(pl.lit(None, pl.Int32).alias("depth"),
                                           pl.lit(None, pl.String).alias("core_path")),
                      build_paths(players)], how="diagonal_relaxed")
    return with_tier(rows, tiers).select(pl.col(name).cast(dtype) for name, dtype in BUILD_ROWS.items())


def finished_item_build_stats(state: pl.DataFrame) -> pl.DataFrame:
    """The builds from the fold's state: every slice of tiers summed, then the rates, means and the win rate of the
    champion's games of the same lengths."""
    champion = [*GROUP, "tier", "champion_id"]
    keys = [*champion, "depth", "core_path"]
    sliced = by_slice(state, [*keys, "length_bucket", "champion_name"])
    games = sliced.filter(pl.col("depth").is_null())
    strata = games.group_by(*champion, "length_bucket").agg(
        (pl.col("stratum_wins").sum() / pl.col("stratum_known").sum()).alias("stratum_win_rate"))
    paths = sliced.filter(pl.col("depth").is_not_null())
    weighted = pl.col("games").filter(pl.col("stratum_win_rate").is_not_null())
    same_length = paths.join(strata, on=[*champion, "length_bucket"]).group_by(keys).agg(
        ((pl.col("games") * pl.col("stratum_win_rate")).sum() / weighted.sum()).alias("same_length_win_rate"))
    stats = paths.group_by(*champion, "champion_name", "depth", "core_path").agg(
        pl.col("games", "wins", "kda_n", "kda_scaled", "kda_squares", "dpm_n", "dpm_scaled", "dpm_squares").sum())
    stats = (with_mean(with_mean(stats, "kda", "kda"), "dpm", "dpm")
             .join(games.group_by(champion).agg(pl.col("champion_games").sum()), on=champion)
             .join(same_length, on=keys).join(kda_against_others(games, paths, champion, keys), on=keys, how="left")
             .with_columns((pl.col("games") / pl.col("champion_games")).alias("pick_rate")))
    stats = with_rate(stats).with_columns(
        (pl.col("win_rate") - pl.col("same_length_win_rate")).alias("win_rate_vs_same_length"))
    p = [None if None in change else interval_p(*change)
         for change in stats.select("kda_vs_others", "kda_vs_others_ci_low", "kda_vs_others_ci_high").iter_rows()]
    return tested(stats.with_columns(pl.Series("p_value", p, dtype=pl.Float64)), KDA).select(*GROUP, "champion_id", "champion_name", "depth", "core_path", "games", "wins", "kda_mean", "kda_ci_low",
             "kda_ci_high", "dpm_mean", "dpm_ci_low", "dpm_ci_high", "champion_games", "same_length_win_rate",
             "pick_rate", "win_rate", "low_sample", "win_rate_ci_low", "win_rate_ci_high", "win_rate_vs_same_length",
             "others_kda_mean", "kda_vs_others", "kda_vs_others_ci_low", "kda_vs_others_ci_high", "tier", "p_value",
             "q_value", "significant", "measure").sort(*GROUP, "tier", "champion_id", "depth", "games",
                          descending=[False, False, False, False, False, True])


PATH = pl.col("depth").is_not_null()
ITEM_BUILDS = JoinedFold(Fold(
    BUILD_ROWS, (*GROUP, "tier", "champion_id", "champion_name", "depth", "core_path", "length_bucket"),
    {"games": PATH.cast(pl.Int64), "wins": (PATH & pl.col("win")).cast(pl.Int64), **moments("kda", PATH),
     **moments("dpm", PATH), "champion_games": (~PATH).cast(pl.Int64),
     "stratum_wins": (~PATH & pl.col("win")).cast(pl.Int64),
     "stratum_known": (~PATH & pl.col("win").is_not_null()).cast(pl.Int64),
     **{f"stratum_{name}": term for name, term in moments("kda", ~PATH).items()}},
    lambda state: finished_item_build_stats(state), counted="champion_games"), build_rows)
"""`item_build_stats` as a fold kept game by game: per queue, patch, tier, champion, core path and length bucket,
exact counts of games and wins and the moments of KDA and DPM; per champion and length bucket its games, their wins
and the moments of their KDA (the strata)."""


def kda_against_others(games: pl.DataFrame, paths: pl.DataFrame, champion: list[str], keys: list[str]) -> pl.DataFrame:
    """Per path (`keys`), over the 5-minute bands of game length that hold the path's games and at least two of the
    champion's other games (those whose build did not reach it): the others' mean KDA, each band weighted by the
    path's games in it (`others_kda_mean`), and the path's mean KDA over the same bands less it (`kda_vs_others`),
    with its 95 % normal interval (the two means' variances summed); null where the bands hold fewer than two of the
    path's games."""
    bucket = [*champion, "length_bucket"]
    strata = games.group_by(bucket).agg(pl.col(f"stratum_kda_{term}").sum().alias(f"all_{term}")
                                        for term in ("n", "scaled", "squares"))
    n, total, squares = (pl.col("all_n") - pl.col("kda_n"), pl.col("all_scaled") - pl.col("kda_scaled"),
                         pl.col("all_squares") - pl.col("kda_squares"))
    others = (paths.select(*bucket, *(name for name in paths.columns if name not in bucket and not name.startswith(
        "stratum_"))).join(strata, on=bucket)
              .with_columns(n.cast(pl.Float64).alias("others_n"), (total.cast(pl.Float64) / SCALE).alias("others_sum"),
                            (squares.cast(pl.Float64) / SCALE**2).alias("others_squares"))
              .filter((pl.col("others_n") > 1) & (pl.col("kda_n") > 0)))
    mean = pl.col("others_sum") / pl.col("others_n")
    variance = (pl.col("others_squares") - pl.col("others_n") * mean**2) / (pl.col("others_n") - 1)
    weight = pl.col("kda_n") / pl.col("kda_n").sum().over(keys)
    pooled = others.with_columns(weight.alias("weight"), mean.alias("mean"), variance.alias("variance")).group_by(keys).agg(
        (pl.col("weight") * pl.col("mean")).sum().alias("others_kda_mean"),
        (pl.col("weight") ** 2 * pl.col("variance") / pl.col("others_n")).sum().alias("others_variance"),
        pl.col("kda_n", "kda_scaled", "kda_squares").sum())
    path_n = pl.col("kda_n").cast(pl.Float64)
    path_mean = pl.col("kda_scaled").cast(pl.Float64) / SCALE / path_n
    path_variance = (pl.col("kda_squares").cast(pl.Float64) / SCALE**2 - path_n * path_mean**2) / (path_n - 1) / path_n
    half = Z_95 * (path_variance + pl.col("others_variance")).sqrt()
    difference = path_mean - pl.col("others_kda_mean")
    return pooled.filter(path_n > 1).select(
        *keys, "others_kda_mean", difference.alias("kda_vs_others"), (difference - half).alias("kda_vs_others_ci_low"),
        (difference + half).alias("kda_vs_others_ci_high"))


def item_build_stats(players: pl.DataFrame, tiers: pl.DataFrame | None = None) -> pl.DataFrame:
    """Champion × core path by ranked tier: one row per (queue, patch, tier, champion_id, depth, core_path).

    `core_path` is the first `depth` core items in completion order (1 to 3, joined by ` > `); a game
    counts for every depth its build reached. `pick_rate` = games with the path / the champion's games.
    Win rate with Wilson interval and `low_sample`, mean KDA and DPM with normal intervals (each value to the
    nearest millionth).

    A third item is finished only in games long enough to finish it, and game length moves win rates, so a
    path's win rate is also set against the champion's own games of the same length: `same_length_win_rate`
    is the champion's win rate in each `LENGTH_BUCKET_MINUTES` stratum, weighted by the path's games in it,
    and `win_rate_vs_same_length` = `win_rate` − `same_length_win_rate` is the path's difference from
    games as long as its own. Its KDA is set against the champion's other games of the same lengths the same way:
    `kda_vs_others` = `kda_mean` − `others_kda_mean`, with its 95 % interval (`kda_against_others`): the finding,
    its two-sided `p_value` from that normal interval, the Benjamini–Hochberg `q_value` over every path of the table
    with one, `significant` and `measure` (`kda`). `tier` names the slice of games (all, one tier, a band; without
    `tiers`, every game is in `all` alone).
    """
    return ITEM_BUILDS(players=players, tiers=tiers)


SKILL_ROWS = {**{name: pl.String for name in GROUP}, "tier": pl.String, "champion_id": pl.Int64,
              "champion_name": pl.String, "max_order": pl.String, "win": pl.Boolean, "dpm": pl.Float64,
              "kda": pl.Float64}
"""The rows folded for the skill orders: each counted player, with its max order or none."""


def skill_rows(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Each player of a counted game with its skill max order (null: unknown) and the game's ranked tier."""
    return with_tier(counted(players), tiers).select(pl.col(name).cast(dtype) for name, dtype in SKILL_ROWS.items())


def finished_skill_order_stats(state: pl.DataFrame) -> pl.DataFrame:
    """The skill orders from the fold's state: every slice of tiers summed, then the rates and means."""
    sliced = by_slice(state, [*GROUP, "tier", "champion_id", "champion_name", "max_order"])
    champion = sliced.group_by(*GROUP, "tier", "champion_id").agg(pl.col("champion_games").sum())
    stats = (with_mean(with_mean(sliced.filter(pl.col("max_order").is_not_null()).drop("champion_games"),
                                 "dpm", "dpm"), "kda", "kda")
             .join(champion, on=[*GROUP, "tier", "champion_id"])
             .with_columns((pl.col("games") / pl.col("champion_games")).alias("pick_rate")))
    return with_rate(stats).select(
        *GROUP, "champion_id", "champion_name", "max_order", "games", "wins", "dpm_mean", "dpm_ci_low", "dpm_ci_high",
        "kda_mean", "kda_ci_low", "kda_ci_high", "champion_games", "pick_rate", "win_rate", "low_sample",
        "win_rate_ci_low", "win_rate_ci_high", "tier").sort(
        *GROUP, "tier", "champion_id", "games", descending=[False, False, False, False, True])


ORDERED = pl.col("max_order").is_not_null()
SKILL_ORDERS = JoinedFold(Fold(
    SKILL_ROWS, (*GROUP, "tier", "champion_id", "champion_name", "max_order"),
    {"games": ORDERED.cast(pl.Int64), "wins": (ORDERED & pl.col("win")).cast(pl.Int64),
     **moments("dpm", ORDERED), **moments("kda", ORDERED), "champion_games": pl.lit(1, pl.Int64)},
    lambda state: finished_skill_order_stats(state), counted="champion_games"), skill_rows)
"""`skill_order_stats` as a fold kept game by game: per queue, patch, tier, champion and max order, exact counts of
games and wins, the moments of DPM and KDA, and the champion's counted games."""


def skill_order_stats(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × skill max order by ranked tier: one row per (queue, patch, tier, champion_id, max_order) with
    games, win rate (Wilson, `low_sample`), pick rate within the champion, and mean DPM and KDA with intervals (each
    value to the nearest millionth). `tier` names the slice of games (all, one tier, a band)."""
    return SKILL_ORDERS(players=players, tiers=tiers)


OBJECTIVE_ROWS = {**{name: pl.String for name in GROUP}, "objective": pl.String, "win": pl.Boolean,
                  "teammates_near": pl.Int64, "take": pl.Int64}
"""The rows folded for the objectives: a team that took an objective first (`take` 0), or one take of it (`take` 1)
with the teammates near."""


def objective_rows(first_objectives: pl.DataFrame, coordination: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Of counted Summoner's Rift games: each team with a known result that took an objective first, once per such
    objective, and each take of an objective with the teammates near."""
    rift = counted(games, summoners_rift=True).select("match_id", *GROUP)
    teams = first_objectives.filter(pl.col("win").is_not_null()).join(rift, on="match_id")
    firsts = [teams.filter(pl.col(f"first_{objective}")).select(*GROUP, pl.lit(objective).alias("objective"), "win")
              for objective in OBJECTIVES]
    takes = coordination.join(rift, on="match_id").select(*GROUP, "objective", "teammates_near",
                                                          pl.lit(1, pl.Int64).alias("take"))
    return pl.concat([*firsts, takes], how="diagonal_relaxed").with_columns(pl.col("take").fill_null(0)).select(
        pl.col(name).cast(dtype) for name, dtype in OBJECTIVE_ROWS.items())


def finished_objective_stats(state: pl.DataFrame) -> pl.DataFrame:
    """The objectives from the fold's state: win rates of the teams that took each first, and the mean teammates
    near over its takes."""
    near = state.filter(pl.col("takes") > 0).select(
        *GROUP, "objective", (pl.col("near_sum") / pl.col("near_n")).alias("mean_teammates_near"), "takes")
    stats = (state.filter(pl.col("games") > 0).select(*GROUP, "objective", "games", "wins")
             .join(near, on=[*GROUP, "objective"], how="left"))
    return tested(against_half(with_rate(stats)), WIN_RATE).sort(*GROUP, "objective")


FIRST = pl.col("take") == 0
OBJECTIVE_STATS = JoinedFold(Fold(
    OBJECTIVE_ROWS, (*GROUP, "objective"),
    {"games": FIRST.cast(pl.Int64), "wins": (FIRST & pl.col("win")).cast(pl.Int64), "takes": pl.col("take"),
     "near_n": (~FIRST & pl.col("teammates_near").is_not_null()).cast(pl.Int64),
     "near_sum": pl.when(~FIRST).then(pl.col("teammates_near"))},
    lambda state: finished_objective_stats(state), counted="games"), objective_rows)
"""`objective_stats` as a fold kept game by game: per queue, patch and objective, exact counts of first takes and
their wins, of takes and of the teammates near them."""


def objective_stats(first_objectives: pl.DataFrame, coordination: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Per objective (dragon, herald, baron, tower) of counted Summoner's Rift games: one row per (queue, patch,
    objective).

    `games` = games where someone took it (with a known winner); `wins` = games won by the team that took
    it first; win rate with Wilson interval and `low_sample`; `mean_teammates_near` over every take of
    that objective. The finding: the win rate against an even 50 % (`effect`, its Wilson interval less one half),
    the exact binomial `p_value`, its Benjamini–Hochberg `q_value` over every row of the table, `significant` and
    `measure` (`win_rate`).
    """
    return OBJECTIVE_STATS(first_objectives=first_objectives, coordination=coordination, games=games)


def vision_bands(players: pl.DataFrame) -> pl.DataFrame:
    """Position × vision band of counted Summoner's Rift games: one row per (queue, patch, team_position,
    vision_band), band 1 = the position's lowest quartile of vision score per minute (Riot's `visionScore`);
    players, vision score range, its mean and mean deaths per 10 minutes (intervals), win rate (Wilson,
    `low_sample`)."""
    within = (*GROUP, "team_position")
    banded = counted(players, summoners_rift=True).filter(
        pl.col("vision_score_per_min").is_not_null() & pl.col("team_position").is_not_null()
        & (pl.col("team_position") != "")
    ).with_columns((pl.col("vision_score_per_min").rank("ordinal").over(within) * VISION_BANDS
                    / pl.len().over(within)).ceil().cast(pl.Int32).clip(1, VISION_BANDS).alias("vision_band"))
    stats = banded.group_by(*within, "vision_band").agg(
        *games_and_wins(), pl.col("vision_score_per_min").min().alias("vision_min"),
        pl.col("vision_score_per_min").max().alias("vision_max"),
        *mean_interval("vision_score_per_min", "vision_score_per_min"),
        *mean_interval("deaths_per_10", "deaths_per_10"),
    )
    return with_rate(stats).sort(*within, "vision_band")


def vision_tests(players: pl.DataFrame) -> pl.DataFrame:
    """`vision_bands` of one queue and patch, each band's win rate against its role's other bands (`other_games`,
    `other_wins`, `other_win_rate`): the difference (`effect`), Newcombe's interval and the two-proportion z-test's
    `p_value`."""
    bands = vision_bands(players)
    role = (*GROUP, "team_position")
    bands = bands.with_columns((pl.col("games").sum().over(role) - pl.col("games")).alias("other_games"),
                               (pl.col("wins").sum().over(role) - pl.col("wins")).alias("other_wins"))
    return against_others(bands, "wins", "games", "other_wins", "other_games").with_columns(
        (pl.col("other_wins") / pl.col("other_games")).fill_nan(None).alias("other_win_rate"))


def with_vision_q(tests: pl.DataFrame) -> pl.DataFrame:
    """`vision_tests` of every queue and patch with their q over every band tested, `significant` and `measure`."""
    return tested(tests, WIN_RATE).sort(*GROUP, "team_position", "vision_band")


def vision_stats(players: pl.DataFrame) -> pl.DataFrame:
    """Position × vision band of counted Summoner's Rift games: one row per (queue, patch, team_position,
    vision_band), band 1 = the position's lowest quartile of vision score per minute (Riot's `visionScore`);
    players, vision score range, its mean and mean deaths per 10 minutes (intervals), win rate (Wilson,
    `low_sample`). The finding: the band's win rate against its role's other bands in the queue and patch
    (`other_games`, `other_wins`, `other_win_rate`), the difference (`effect`) with Newcombe's interval, the
    two-proportion z-test's `p_value`, its Benjamini–Hochberg `q_value` over every band tested in the table,
    `significant` and `measure` (`win_rate`)."""
    return with_vision_q(vision_tests(players))
