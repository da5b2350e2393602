"""Objective choices against winning as a decision tree (`objective_tree`): which first objectives a team took,
split at most twice, each leaf the blue side's win rate, scored on held-out games beside the baseline of always
calling the more frequent winner.

Each counted Summoner's Rift game with a timeline and a known winner is one row: for each of the first dragon,
Rift Herald, tower and baron, whether blue took it, red took it, or nobody did (`blue`, `red`, `none`). The tree is
fitted on the games not held out (`win_model.held_out`): its root is the objective whose three-way split leaves the
least Gini impurity, and each branch of at least `MIN_SPLIT` games is split once more the same way by another
objective; a leaf calls blue's win where blue won at least half its training games. Small enough to read whole, it
says which objective choices go with winning, not why."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import counted
from gamestats_assets.defs.lol.transforms.tested import WIN_RATE, against_half, tested
from gamestats_assets.defs.lol.transforms.win_model import held_out
from gamestats_assets.lib.core.stats import paired_difference, wilson_bounds
from gamestats_assets.sources.riot.compound import OBJECTIVES

GROUP = ("queue", "patch")
CHOICES = ("blue", "red", "none")
MIN_GAMES = 40
"""The fewest training games a queue and patch's tree is fitted on."""
MIN_SPLIT = 30
"""The fewest training games of a branch split once more."""
NAMES = {"dragon": "first dragon", "herald": "first Rift Herald", "tower": "first tower", "baron": "first baron"}
TREE = {"queue": pl.String, "patch": pl.String, "leaf": pl.String, "depth": pl.Int32, "blue_predicted": pl.Boolean,
        "n_train": pl.Int64, "blue_wins_train": pl.Int64, "blue_win_rate": pl.Float64,
        "blue_win_rate_ci_low": pl.Float64, "blue_win_rate_ci_high": pl.Float64, "n_test": pl.Int64,
        "correct_test": pl.Int64, "games_train": pl.Int64, "games_test": pl.Int64, "accuracy": pl.Float64,
        "accuracy_ci_low": pl.Float64, "accuracy_ci_high": pl.Float64, "baseline_accuracy": pl.Float64,
        "baseline_accuracy_ci_low": pl.Float64, "baseline_accuracy_ci_high": pl.Float64,
        "accuracy_gain": pl.Float64, "accuracy_gain_ci_low": pl.Float64, "accuracy_gain_ci_high": pl.Float64}


def objective_games(first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """One row per counted Summoner's Rift game with a known winner: its queue and patch, who took each first
    objective (`CHOICES`), `blue_win` and `held_out`."""
    blue = first_objectives.filter(pl.col("team_id") == 100)
    taken = [pl.when(pl.col(f"first_{objective}")).then(pl.lit("blue"))
             .when(pl.col(f"first_{objective}").not_()).then(pl.lit("red")).otherwise(pl.lit("none")).alias(objective)
             for objective in OBJECTIVES]
    return (blue.filter(pl.col("win").is_not_null())
            .join(counted(games, summoners_rift=True).select("match_id", *GROUP), on="match_id")
            .select("match_id", *GROUP, *taken, pl.col("win").alias("blue_win"), held_out()).sort("match_id"))


def impurity(wins: np.ndarray, groups: np.ndarray) -> float:
    """The Gini impurity of `wins` split by `groups`, weighted by each group's size."""
    total = 0.0
    for value in np.unique(groups):
        share = wins[groups == value].mean()
        total += (groups == value).sum() * 2 * share * (1 - share)
    return total / len(wins)


def best_split(rows: pl.DataFrame, candidates: list[str]) -> str | None:
    """The objective of `candidates` whose split of `rows` leaves the least impurity (the first on a tie), or None
    when none splits them."""
    wins = rows["blue_win"].to_numpy()
    scored = [(impurity(wins, rows[name].to_numpy()), name) for name in candidates if rows[name].n_unique() > 1]
    return min(scored)[1] if scored else None


def fitted_leaves(train: pl.DataFrame) -> list[tuple[dict[str, str], pl.DataFrame]]:
    """The tree's leaves on `train`: each its conditions (objective → who took it) and its training games."""
    objectives = list(OBJECTIVES)
    root = best_split(train, objectives)
    if root is None:
        return [({}, train)]
    leaves = []
    for choice in CHOICES:
        branch = train.filter(pl.col(root) == choice)
        if branch.is_empty():
            continue
        second = best_split(branch, [o for o in objectives if o != root]) if branch.height >= MIN_SPLIT else None
        if second is None:
            leaves.append(({root: choice}, branch))
            continue
        leaves += [({root: choice, second: other}, branch.filter(pl.col(second) == other))
                   for other in CHOICES if not branch.filter(pl.col(second) == other).is_empty()]
    return leaves


def leaf_name(conditions: dict[str, str]) -> str:
    return " · ".join(f"{NAMES[objective]}: {who}" for objective, who in conditions.items()) or "every game"


def matches(rows: pl.DataFrame, conditions: dict[str, str]) -> pl.Series:
    return rows.select(pl.all_horizontal(pl.lit(True), *[pl.col(o) == who for o, who in conditions.items()])).to_series()


def interval(successes: int, trials: int) -> tuple[float | None, float | None, float | None]:
    if trials == 0:
        return None, None, None
    low, high = wilson_bounds(successes, trials)
    return successes / trials, low, high


def tree_of(rows: pl.DataFrame) -> list[dict]:
    """The leaves of one queue and patch's tree with their training and held-out counts, and the tree's held-out
    accuracy beside the baseline's and their paired difference (each with its 95 % interval)."""
    train, test = rows.filter(~pl.col("held_out")), rows.filter(pl.col("held_out"))
    if train.height < MIN_GAMES or test.is_empty():
        return []
    majority = bool(train["blue_win"].mean() >= 0.5)
    called = np.zeros(test.height, dtype=bool)
    leaves = []
    for conditions, games in fitted_leaves(train):
        blue = bool(games["blue_win"].mean() >= 0.5)
        held = matches(test, conditions).to_numpy()
        called[held] = blue
        wins = int(games["blue_win"].sum())
        rate, low, high = interval(wins, games.height)
        leaves.append({"leaf": leaf_name(conditions), "depth": len(conditions), "blue_predicted": blue,
                       "n_train": games.height, "blue_wins_train": wins, "blue_win_rate": rate,
                       "blue_win_rate_ci_low": low, "blue_win_rate_ci_high": high, "n_test": int(held.sum()),
                       "correct_test": int((test["blue_win"].to_numpy()[held] == blue).sum())})
    truth = test["blue_win"].to_numpy()
    right, baseline_right = called == truth, truth == majority
    gain = paired_difference(right.astype(float) - baseline_right.astype(float))
    accuracy, accuracy_low, accuracy_high = interval(int(right.sum()), len(truth))
    baseline, baseline_low, baseline_high = interval(int(baseline_right.sum()), len(truth))
    quality = {"games_train": train.height, "games_test": test.height, "accuracy": accuracy,
               "accuracy_ci_low": accuracy_low, "accuracy_ci_high": accuracy_high, "baseline_accuracy": baseline,
               "baseline_accuracy_ci_low": baseline_low, "baseline_accuracy_ci_high": baseline_high,
               "accuracy_gain": gain["mean"], "accuracy_gain_ci_low": gain["ci_low"],
               "accuracy_gain_ci_high": gain["ci_high"]}
    return [{**leaf, **quality} for leaf in leaves]


def fitted_trees(first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """The leaves of each queue and patch's tree (`objective_tree` before the q), each blue's win rate in its
    training games against 50 %: `effect` (its Wilson interval less one half) and the exact binomial `p_value`."""
    rows = objective_games(first_objectives, games)
    found = [{**dict(zip(GROUP, key, strict=True)), **leaf}
             for key, part in rows.group_by(GROUP, maintain_order=True) for leaf in tree_of(part)]
    return against_half(pl.DataFrame(found, schema=TREE), "blue_wins_train", "n_train", "blue_win_rate")


def with_leaf_q(leaves: pl.DataFrame) -> pl.DataFrame:
    """`fitted_trees` of every queue and patch with the q over every leaf, `significant` and `measure`."""
    return tested(leaves, WIN_RATE).sort(*GROUP, "leaf")


def objective_tree(first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Objective choices against winning: one row per leaf of each queue and patch's tree (key queue, patch, leaf):
    its conditions (who took which first objective), depth, the call (`blue_predicted`), its training games and
    blue's wins there with the win rate's Wilson interval, its held-out games and those called right; and the
    tree's held-out accuracy, the baseline's (always calling the training games' more frequent winner) and the
    gain, each with its 95 % interval, repeated on every leaf. A queue and patch under `MIN_GAMES` training games
    has no tree. The finding of a leaf: blue's win rate against 50 % (`effect`, the Wilson interval less one
    half), the exact binomial `p_value`, its Benjamini–Hochberg `q_value` over every leaf of the table,
    `significant` and `measure` (`win_rate`)."""
    return with_leaf_q(fitted_trees(first_objectives, games))
