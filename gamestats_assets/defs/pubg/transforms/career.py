"""Each player's career over every match in the lake (`player_advanced_career_stats`), as a fold of the match
summaries (`CAREER_FOLD`): exact integer sums per player, name and match day kept from the summaries' Delta log
(`lib/lake/fold.py`), so a new match costs its own rows, not every match's again."""

from __future__ import annotations

import polars as pl

from gamestats_assets.lib.core.stats import wilson_interval
from gamestats_assets.lib.lake.fold import EXACT, Fold

SCALE = 10**6
"""The fixed point of the damage sums: a match's damage counts as the nearest millionth, summed exactly (as
`Decimal(38, 0)`)."""
READS = {"account_id": pl.String, "player_name": pl.String, "created_at": pl.Datetime("us", "UTC"),
         "placement": pl.Int64, "kills": pl.Int64, "damage_dealt": pl.Float64, "has_telemetry": pl.Boolean,
         "killsteals": pl.Int64, "throwable_damage": pl.Float64, "damage_received": pl.Float64,
         "heals_used": pl.Int64, "boosts_used": pl.Int64}
"""The columns of `match_summaries` the career is made of."""
COUNTS = ("matches", "matches_with_telemetry", "wins", "kills", "kills_with_telemetry", "killsteals", "heals_used",
          "boosts_used")
DAMAGES = ("damage_dealt", "throwable_damage", "damage_received")
CAREER_SCHEMA = {"account_id": pl.String, "player_name": pl.String, "matches": pl.Int64,
                 "matches_with_telemetry": pl.Int64, "wins": pl.Int64, "avg_placement": pl.Float64,
                 "kills": pl.Int64, "kills_with_telemetry": pl.Int64, "damage_dealt": pl.Float64,
                 "killsteals": pl.Int64, "throwable_damage": pl.Float64, "damage_received": pl.Float64,
                 "heals_used": pl.Int64, "boosts_used": pl.Int64, "killsteal_rate": pl.Float64,
                 "killsteal_rate_ci_low": pl.Float64, "killsteal_rate_ci_high": pl.Float64}


def _with_telemetry(value: pl.Expr) -> pl.Expr:
    """`value` in a match whose whole telemetry was read, null (adding nothing) in any other."""
    return pl.when(pl.col("has_telemetry")).then(value)


def _scaled(column: str) -> pl.Expr:
    """`column` in millionths (`SCALE`), an exact integer (a value that is not finite adds nothing)."""
    return (pl.col(column) * SCALE).round().cast(pl.Int64, strict=False).cast(EXACT)


TERMS = {
    "matches": pl.lit(1, pl.Int64),
    "matches_with_telemetry": pl.col("has_telemetry").cast(pl.Int64),
    "wins": (pl.col("placement") == 1).cast(pl.Int64),
    "placed": pl.col("placement").is_not_null().cast(pl.Int64),
    "placement_sum": pl.col("placement"),
    "kills": pl.col("kills"),
    "kills_with_telemetry": _with_telemetry(pl.col("kills")),
    "damage_dealt": _scaled("damage_dealt"),
    "killsteals": _with_telemetry(pl.col("killsteals")),
    "throwable_damage": _with_telemetry(_scaled("throwable_damage")),
    "damage_received": _with_telemetry(_scaled("damage_received")),
    "heals_used": _with_telemetry(pl.col("heals_used")),
    "boosts_used": _with_telemetry(pl.col("boosts_used")),
}
"""What each match summary adds to its player's sums: every count and sum of the career, `placed` and
`placement_sum` the average placement's parts."""


def finished_career(state: pl.DataFrame) -> pl.DataFrame:
    """The career table from the fold's state (sums per player, name and match day): each player's sums added up,
    the average placement their placements' sum over their count, the damage back from millionths, the killsteal
    rate per kill with telemetry with its 95 % Wilson interval, and the name of the player's latest match day (of
    that day's names, the one of the most matches, then the last in order; a summary written before the summaries
    held `created_at` counts as older than any dated one)."""
    played = state.filter(pl.col("matches") > 0)
    names = (played.sort("account_id", "day", "matches", "player_name", nulls_last=False)
             .group_by("account_id").agg(pl.col("player_name").last()))
    sums = played.group_by("account_id").agg(
        *(pl.col(name).sum().cast(pl.Int64) for name in (*COUNTS, "placed", "placement_sum")),
        *(pl.col(name).cast(pl.Int128).sum().cast(pl.Float64) / SCALE for name in DAMAGES))
    trials = pl.col("kills_with_telemetry").cast(pl.Float64)
    low, high = wilson_interval(pl.col("killsteals").cast(pl.Float64), trials)
    return (sums.join(names, on="account_id", how="left").with_columns(
        pl.when(pl.col("placed") > 0).then(pl.col("placement_sum") / pl.col("placed")).alias("avg_placement"),
        pl.when(trials > 0).then(pl.col("killsteals") / trials).alias("killsteal_rate"),
        low.alias("killsteal_rate_ci_low"), high.alias("killsteal_rate_ci_high"))
        .select(list(CAREER_SCHEMA)).cast(CAREER_SCHEMA).sort("account_id"))


def disagreeing_players(career: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    """The players where the career table and the fold's state it was finished from disagree: a player on one side
    only, or other matches, kills or damage than the state's sums."""
    expected = state.group_by("account_id").agg(
        expected_matches=pl.col("matches").sum().cast(pl.Int64), expected_kills=pl.col("kills").sum().cast(pl.Int64),
        expected_damage=pl.col("damage_dealt").cast(pl.Int128).sum().cast(pl.Float64) / SCALE,
    ).filter(pl.col("expected_matches") > 0)
    joined = career.join(expected, on="account_id", how="full", coalesce=True)
    return joined.filter(pl.col("matches").is_null() | pl.col("expected_matches").is_null()
                         | (pl.col("matches") != pl.col("expected_matches"))
                         | (pl.col("kills") != pl.col("expected_kills"))
                         | (pl.col("damage_dealt") != pl.col("expected_damage")))


CAREER_FOLD = Fold(READS, ("account_id", "player_name", "day"), TERMS, finished_career, counted="matches",
                   absent=frozenset({"created_at"}), derived={"day": pl.col("created_at").dt.date()})
"""The career as a fold of the match summaries: per player, name and match day, exact integer sums."""


def career_stats(summaries: pl.DataFrame) -> pl.DataFrame:
    """Each player's career over every match in the lake: one row per `account_id`.

    Matches, wins (placement 1), kills and damage (match object), and over the matches with telemetry:
    killsteals, throwable damage, damage received, heals and boosts used. `killsteal_rate` is killsteals
    per kill with its 95 % Wilson interval and sample size (`kills_with_telemetry`); `avg_placement` over the
    matches with a placement; `player_name` the name of the player's latest match day (`finished_career`).
    Damage is summed to the millionth. The same as the fold of the summaries (`CAREER_FOLD`), whatever order
    they come in."""
    return CAREER_FOLD(summaries=summaries)
