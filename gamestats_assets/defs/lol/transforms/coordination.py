"""Team synchronisation against the outcome (`coordination_outcomes`): whether the teams that took an objective with
more teammates near it won more often, over counted Summoner's Rift games with a known winner, within one queue and
patch, kept as exact counts merged game by game (`lib/refresh/joined.py`).

A take's synchronisation is `std/team_coordination`'s count of the taking team's players within 2 500 units of it.
The trend over that count is the Cochran–Armitage test of the takers' win rate (scores 0 to 5 teammates): its
slope, the win rate's change per teammate more near, with its 95 % interval, its two-sided p and the
Benjamini–Hochberg q over every objective of the table. It measures an association: a team ahead both gathers
and wins more, so it does not say that gathering wins."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, with_rate
from gamestats_assets.defs.lol.transforms.objectives import takes_of_counted_games
from gamestats_assets.defs.lol.transforms.tested import WIN_RATE, as_findings
from gamestats_assets.lib.core.stats import Z_95, benjamini_hochberg
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.published.lol import MIN_GAMES

ROWS = {**{name: pl.String for name in GROUP}, "objective": pl.String, "teammates_near": pl.Int32,
        "win": pl.Boolean}
"""The rows folded: every take with its teammates near and the taking team's result."""


def coordination_rows(coordination: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame
                      ) -> pl.DataFrame:
    """Every take of counted Summoner's Rift games whose teammates near are known and whose taking team's result is."""
    wins = first_objectives.select("match_id", "team_id", "win")
    return (takes_of_counted_games(coordination, games).join(wins, on=["match_id", "team_id"])
            .filter(pl.col("win").is_not_null() & pl.col("teammates_near").is_not_null())
            .select(pl.col(name).cast(dtype) for name, dtype in ROWS.items()))


def trend(rows: pl.DataFrame) -> dict[str, float | int | None]:
    """The Cochran–Armitage trend of one objective's win rate over its takes' teammates near (`rows`: teammates_near,
    takes, wins): the slope per teammate, its 95 % interval, z and two-sided p (null under `MIN_GAMES` takes or
    with one level of teammates, or no variation in the outcome)."""
    x, n, w = (rows[name].to_numpy().astype(float) for name in ("teammates_near", "takes", "wins"))
    total, rate = n.sum(), w.sum() / n.sum() if n.sum() else 0.0
    spread = (n * x**2).sum() - (n * x).sum() ** 2 / total if total else 0.0
    if total < MIN_GAMES or spread <= 0 or rate in (0.0, 1.0):
        return {"trend_per_teammate": None, "trend_ci_low": None, "trend_ci_high": None, "z": None, "p_value": None}
    statistic = (x * (w - n * rate)).sum()
    z = statistic / math.sqrt(rate * (1 - rate) * spread)
    slope, half = statistic / spread, Z_95 * math.sqrt(rate * (1 - rate) / spread)
    return {"trend_per_teammate": slope, "trend_ci_low": slope - half, "trend_ci_high": slope + half, "z": z,
            "p_value": math.erfc(abs(z) / math.sqrt(2))}


def finished_coordination(state: pl.DataFrame) -> pl.DataFrame:
    """The rows of each objective by teammates near with their win rates, and each objective's trend repeated on its
    rows, its q over every objective tested."""
    objective = [*GROUP, "objective"]
    rows = with_rate(state.with_columns(pl.col("takes", "wins").cast(pl.Int64)).filter(pl.col("takes") > 0),
                     games="takes")
    tests = pl.DataFrame([{**dict(zip(objective, key, strict=True)), **trend(part)}
                          for key, part in rows.group_by(objective, maintain_order=True)],
                         schema={**{name: pl.String for name in objective}, "trend_per_teammate": pl.Float64,
                                 "trend_ci_low": pl.Float64, "trend_ci_high": pl.Float64, "z": pl.Float64,
                                 "p_value": pl.Float64})
    tested = tests.filter(pl.col("p_value").is_not_null())
    q = benjamini_hochberg(tested["p_value"].to_numpy()) if tested.height else np.array([])
    tests = tests.join(tested.select(*objective, pl.Series("q_value", q, dtype=pl.Float64)), on=objective, how="left")
    return as_findings(rows.join(tests, on=objective), WIN_RATE).select(
        *objective, "teammates_near", "takes", "wins", "win_rate", "win_rate_ci_low", "win_rate_ci_high", "low_sample",
        "trend_per_teammate", "trend_ci_low", "trend_ci_high", "z", "p_value", "q_value", "significant",
        "measure").sort(
        *objective, "teammates_near")


COORDINATION = JoinedFold(Fold(
    ROWS, (*GROUP, "objective", "teammates_near"),
    {"takes": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64)},
    lambda state: finished_coordination(state), counted="takes"), coordination_rows)
"""`coordination_outcomes` as a fold kept game by game: per queue, patch, objective and teammates near, the takes and
those whose taking team won."""


def coordination_outcomes(coordination: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame
                          ) -> pl.DataFrame:
    """Team synchronisation against the outcome: one row per (queue, patch, objective, teammates_near) of counted
    Summoner's Rift games' takes whose taking team's result is known: `takes`, `wins` (taken by the eventual
    winner), the win rate with its Wilson interval and `low_sample`; and on each row its objective's
    Cochran–Armitage trend over teammates near (`trend_per_teammate`, the win rate's change per teammate more, with
    its 95 % interval, z, p and the Benjamini–Hochberg q over every objective), null under `MIN_GAMES` takes;
    `significant` (that q below `Q_THRESHOLD`) and `measure` (`win_rate`)."""
    return COORDINATION(coordination=coordination, first_objectives=first_objectives, games=games)
