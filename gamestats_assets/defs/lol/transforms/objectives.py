"""When objectives fall and what taking them first is worth: `objective_timing` (every objective by the minute of the
game's first take) and `dragon_vs_herald` (the teams that took the first dragon and not the first herald against
those that did the reverse), over counted Summoner's Rift games with a known winner, within one queue and patch.
Both are kept as exact counts merged game by game (`lib/refresh/joined.py`).

scipy is imported by the functions that use it, so loading the code location does not load it."""

from __future__ import annotations

import math

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, LENGTH_BUCKET_MINUTES, counted, with_rate
from gamestats_assets.defs.lol.transforms.counts import moments, with_mean
from gamestats_assets.defs.lol.transforms.std import FRAME_MINUTES
from gamestats_assets.defs.lol.transforms.tested import WIN_RATE, against_half, as_findings, tested, with_q
from gamestats_assets.lib.core.stats import Z_95, newcombe_bounds, normal_p, wilson_bounds
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.published.lol import MIN_GAMES

TIMING_MINUTES = 5
"""The width of a timing period: a period holds the games whose first take of the objective fell in it."""
ALL_PERIODS = "all"
"""The `period` of an objective's row over every game it was taken in."""
NAMES = {"horde": "grubs"}
"""Objectives renamed as players call them (Riot's `HORDE` is the Void Grubs)."""


def takes_of_counted_games(coordination: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Every objective take (`std/team_coordination`) of counted Summoner's Rift games, with its queue and patch,
    its objective as players name it, its game minute and whether it is the game's first of that objective."""
    rift = counted(games, summoners_rift=True).select("match_id", *GROUP)
    return (coordination.join(rift, on="match_id")
            .with_columns(pl.col("objective").replace(NAMES),
                          (pl.col("timestamp") / FRAME_MINUTES).alias("minute"))
            .with_columns((pl.col("event_index") == pl.col("event_index").min().over("match_id", "objective"))
                          .alias("first")))


TIMING_ROWS = {**{name: pl.String for name in GROUP}, "objective": pl.String, "from_minute": pl.Int32,
               "first": pl.Boolean, "win": pl.Boolean, "minute": pl.Float64}
"""The rows folded for the timing: every take of an objective in the period its minute falls in, the game's first
take with the win of the team that took it."""


def timing_rows(coordination: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Every take of counted Summoner's Rift games, in its period, the first of each objective with the taking team's
    result (null: unknown)."""
    wins = first_objectives.select("match_id", "team_id", "win")
    return (takes_of_counted_games(coordination, games).join(wins, on=["match_id", "team_id"], how="left")
            .with_columns((pl.col("minute") // TIMING_MINUTES * TIMING_MINUTES).cast(pl.Int32).alias("from_minute"))
            .select(pl.col(name).cast(dtype) for name, dtype in TIMING_ROWS.items()))


FIRST_KNOWN = pl.col("first") & pl.col("win").is_not_null()
TIMING = JoinedFold(Fold(
    TIMING_ROWS, (*GROUP, "objective", "from_minute"),
    {"takes": pl.lit(1, pl.Int64), "games": FIRST_KNOWN.cast(pl.Int64),
     "wins": (FIRST_KNOWN & pl.col("win")).cast(pl.Int64), **moments("minute", FIRST_KNOWN)},
    lambda state: finished_objective_timing(state), counted="takes"), timing_rows)
"""`objective_timing` as a fold kept game by game: per queue, patch, objective and period, the takes, the games whose
first take fell in it, their first takers' wins and the moments of that take's minute."""


def finished_objective_timing(state: pl.DataFrame) -> pl.DataFrame:
    """The timing from the fold's state: each period's rows and every objective's row over all periods, the rates,
    the tests against one in two and their Benjamini–Hochberg q over every row kept."""
    objective = [*GROUP, "objective"]
    sums = ["takes", "games", "wins", "minute_n", "minute_scaled", "minute_squares"]
    periods = state.with_columns(pl.format("{}-{} min", "from_minute", pl.col("from_minute") + TIMING_MINUTES)
                                 .alias("period"))
    overall = state.group_by(objective).agg(pl.col(sums).sum()).with_columns(
        pl.lit(None, pl.Int32).alias("from_minute"), pl.lit(ALL_PERIODS).alias("period"))
    rows = pl.concat([periods.select(*objective, "period", "from_minute", *sums),
                      overall.select(*objective, "period", "from_minute", *sums)], how="vertical_relaxed")
    taken = overall.select(*objective, pl.col("games").alias("objective_games"))
    rows = (rows.join(taken, on=objective).filter(pl.col("games") >= MIN_GAMES)
            .with_columns(pl.col("takes", "games", "wins", "objective_games").cast(pl.Int64),
                          (pl.col("games") / pl.col("objective_games")).alias("share_of_games")))
    rows = tested(against_half(with_rate(with_mean(rows, "minute", "first_minute"))), WIN_RATE)
    return rows.select(
        *objective, "period", "from_minute", "games", "objective_games", "share_of_games", "takes",
        "first_minute_mean", "first_minute_ci_low", "first_minute_ci_high", "wins", "win_rate", "win_rate_ci_low",
        "win_rate_ci_high", "low_sample", "p_value", "q_value", "effect", "effect_ci_low", "effect_ci_high",
        "significant", "measure").sort(*objective, "from_minute", nulls_last=True)


def objective_timing(coordination: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame
                     ) -> pl.DataFrame:
    """When each objective falls and what its first take is worth: one row per (queue, patch, objective, period) of
    counted Summoner's Rift games.

    `objective`: dragon, herald, baron, tower, grubs (and any other elite monster, in lower case). `period` is
    `all`, every game the objective was taken in with a known winner, or `<m>-<m+5> min`, the games whose first
    take of it fell in those `TIMING_MINUTES` (`from_minute` its start). `games` = such games, `share_of_games` =
    games / `objective_games` (the `all` row's games); `takes` = every take (either team, first or not) in the
    period; `first_minute_mean` the mean minute of those games' first take (95 % interval). `wins` = games won by
    the team that took it first: win rate with Wilson interval and `low_sample`, its exact binomial p against one
    in two and the Benjamini–Hochberg q over every row of the table; the finding's `effect` (win rate less one
    half, its interval the Wilson interval less one half), `significant` and `measure` (`win_rate`). A row needs
    `MIN_GAMES` games.
    """
    return TIMING(coordination=coordination, first_objectives=first_objectives, games=games)


CHOICES = ("dragon", "herald")
CHOICE_ROWS = {**{name: pl.String for name in GROUP}, "first_taken": pl.String, "length_bucket": pl.Int32,
               "win": pl.Boolean}
"""The rows folded for the choice: a team with a known result that took the game's first dragon and not its first
herald (`first_taken` dragon), or the reverse (herald), with its game's length bucket."""


def choice_rows(first_objectives: pl.DataFrame, players: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Each team of a counted Summoner's Rift game with a known result that took exactly one of the first dragon and
    the first herald, with the game's length bucket (`LENGTH_BUCKET_MINUTES`)."""
    rift = counted(games, summoners_rift=True).select("match_id", *GROUP)
    minutes = players.group_by("match_id").agg(pl.col("minutes").first())
    dragon, herald = (pl.col(f"first_{objective}").fill_null(False) for objective in CHOICES)
    return (first_objectives.filter(pl.col("win").is_not_null() & (dragon != herald))
            .join(rift, on="match_id").join(minutes, on="match_id")
            .select(*GROUP, pl.when(dragon).then(pl.lit("dragon")).otherwise(pl.lit("herald")).alias("first_taken"),
                    (pl.col("minutes") // LENGTH_BUCKET_MINUTES).cast(pl.Int32).alias("length_bucket"), "win")
            .select(pl.col(name).cast(dtype) for name, dtype in CHOICE_ROWS.items()))


CHOICE = JoinedFold(Fold(
    CHOICE_ROWS, (*GROUP, "first_taken", "length_bucket"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64)},
    lambda state: finished_dragon_vs_herald(state), counted="games"), choice_rows)
"""`dragon_vs_herald` as a fold kept game by game: per queue, patch, choice and length bucket, the teams and their
wins."""


def same_length_difference(strata: list[tuple[int, int, int, int]]) -> dict[str, float | int | None]:
    """The difference of two win rates within game-length strata, pooled with Cochran–Mantel–Haenszel weights
    w = n₁n₂/(n₁ + n₂) over the strata both sides have games in (`strata`: wins₁, n₁, wins₂, n₂ each), its
    standard error √(Σ w²(p₁q₁/n₁ + p₂q₂/n₂)) / Σ w, 95 % normal interval and two-sided p (null where the error is
    0), and the games of each side it compares."""
    shared = [(w1, n1, w2, n2) for w1, n1, w2, n2 in strata if n1 > 0 and n2 > 0]
    weights = [n1 * n2 / (n1 + n2) for _, n1, _, n2 in shared]
    total = sum(weights)
    if not shared:
        return {"same_length_difference": None, "same_length_ci_low": None, "same_length_ci_high": None,
                "p_value": None, "same_length_dragon_games": 0, "same_length_herald_games": 0}
    rates = [(w1 / n1, w2 / n2) for w1, n1, w2, n2 in shared]
    difference = sum(w * (p1 - p2) for w, (p1, p2) in zip(weights, rates, strict=True)) / total
    error = math.sqrt(sum(w**2 * (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
                          for w, (p1, p2), (_, n1, _, n2) in zip(weights, rates, shared, strict=True))) / total
    return {"same_length_difference": difference,
            "same_length_ci_low": difference - Z_95 * error, "same_length_ci_high": difference + Z_95 * error,
            "p_value": normal_p(difference / error) if error > 0 else None,
            "same_length_dragon_games": sum(n1 for _, n1, _, _ in shared),
            "same_length_herald_games": sum(n2 for _, _, _, n2 in shared)}


CHOICE_SCHEMA = {"queue": pl.String, "patch": pl.String, "dragon_games": pl.Int64, "dragon_wins": pl.Int64,
                 "dragon_win_rate": pl.Float64, "dragon_win_rate_ci_low": pl.Float64,
                 "dragon_win_rate_ci_high": pl.Float64, "herald_games": pl.Int64, "herald_wins": pl.Int64,
                 "herald_win_rate": pl.Float64, "herald_win_rate_ci_low": pl.Float64,
                 "herald_win_rate_ci_high": pl.Float64, "difference": pl.Float64, "difference_ci_low": pl.Float64,
                 "difference_ci_high": pl.Float64, "same_length_difference": pl.Float64,
                 "same_length_ci_low": pl.Float64, "same_length_ci_high": pl.Float64,
                 "same_length_dragon_games": pl.Int64, "same_length_herald_games": pl.Int64, "p_value": pl.Float64,
                 "q_value": pl.Float64, "min_games": pl.Int64}


def finished_dragon_vs_herald(state: pl.DataFrame) -> pl.DataFrame:
    """The comparison from the fold's state: each queue and patch with `MIN_GAMES` teams on each side."""
    rows = []
    for (queue, patch), group in state.sort(GROUP).group_by(*GROUP, maintain_order=True):
        sides = {choice: {bucket: (int(wins), int(games)) for bucket, wins, games in
                          group.filter(first_taken=choice).select("length_bucket", "wins", "games").iter_rows()}
                 for choice in CHOICES}
        (dragon_wins, dragon_games), (herald_wins, herald_games) = (
            tuple(sum(values[i] for values in sides[choice].values()) for i in (0, 1)) for choice in CHOICES)
        if dragon_games < MIN_GAMES or herald_games < MIN_GAMES:
            continue
        buckets = sorted(sides["dragon"].keys() | sides["herald"].keys())
        strata = [(*sides["dragon"].get(b, (0, 0)), *sides["herald"].get(b, (0, 0))) for b in buckets]
        (dragon_low, dragon_high), (herald_low, herald_high) = (
            wilson_bounds(dragon_wins, dragon_games), wilson_bounds(herald_wins, herald_games))
        low, high = newcombe_bounds(dragon_wins, dragon_games, herald_wins, herald_games)
        rows.append({"queue": queue, "patch": patch, "dragon_games": dragon_games, "dragon_wins": dragon_wins,
                     "dragon_win_rate": dragon_wins / dragon_games, "dragon_win_rate_ci_low": dragon_low,
                     "dragon_win_rate_ci_high": dragon_high, "herald_games": herald_games,
                     "herald_wins": herald_wins, "herald_win_rate": herald_wins / herald_games,
                     "herald_win_rate_ci_low": herald_low, "herald_win_rate_ci_high": herald_high,
                     "difference": dragon_wins / dragon_games - herald_wins / herald_games,
                     "difference_ci_low": low, "difference_ci_high": high, **same_length_difference(strata),
                     "min_games": MIN_GAMES})
    table = pl.DataFrame(rows, schema={name: dtype for name, dtype in CHOICE_SCHEMA.items() if name != "q_value"})
    return as_findings(with_q(table).fill_nan(None), WIN_RATE).select(*CHOICE_SCHEMA, "significant", "measure")


def dragon_vs_herald(first_objectives: pl.DataFrame, players: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """First dragon against first herald: one row per (queue, patch) of counted Summoner's Rift games.

    The dragon side is every team with a known result that took the game's first dragon but not its first herald
    (the other team took it, or nobody); the herald side the reverse. Each side's games, wins and win rate (Wilson
    interval); `difference` = dragon − herald win rate with Newcombe's interval; `same_length_difference` the same
    difference within `LENGTH_BUCKET_MINUTES` game-length strata (Cochran–Mantel–Haenszel weights, normal
    interval, over the strata both sides have games in: `same_length_<side>_games`), as the build paths are
    judged against games as long as theirs; its two-sided p and the Benjamini–Hochberg q over every row,
    `significant` and `measure` (`win_rate`). A queue and patch needs `min_games` teams on each side.
    """
    return CHOICE(first_objectives=first_objectives, players=players, games=games)
