"""The objective tree (`lol.objective_tree`): on planted games, every leaf's training and held-out games recounted in
plain Python from `std/first_objectives`, the root the objective whose split leaves the least Gini impurity, and the
accuracy and baseline recounted over the held-out games; on games where blue wins exactly when it took the first
tower, the tree splits on it first and beats the baseline with an interval clear of zero."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets.defs.lol.tables import STATISTICS, computed
from gamestats_assets.defs.lol.transforms.objective_tree import CHOICES, MIN_GAMES, objective_games

NAMES = {"first dragon": "dragon", "first Rift Herald": "herald", "first tower": "tower", "first baron": "baron"}


def tree(std: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return computed(std, [table for table in STATISTICS if table.name == "objective_tree"])["objective_tree"]


def conditions(leaf: str) -> dict[str, str]:
    return {NAMES[part.split(": ")[0]]: part.split(": ")[1] for part in leaf.split(" · ")}


def gini(groups: list[list[bool]]) -> float:
    total = sum(len(g) for g in groups)
    return sum(len(g) * 2 * (sum(g) / len(g)) * (1 - sum(g) / len(g)) for g in groups if g) / total


def test_each_leaf_and_the_accuracy_recounted_from_the_games(planted):
    rows = objective_games(planted.std["first_objectives"], planted.std["games"]).to_dicts()
    leaves = tree(planted.std)
    assert leaves.height >= 3
    for (queue, patch), part in leaves.group_by("queue", "patch"):
        games = [r for r in rows if (r["queue"], r["patch"]) == (queue, patch)]
        train, test = [r for r in games if not r["held_out"]], [r for r in games if r["held_out"]]
        assert len(train) >= MIN_GAMES and part["games_train"][0] == len(train) and part["games_test"][0] == len(test)
        impurity = {o: gini([[r["blue_win"] for r in train if r[o] == c] for c in CHOICES])
                    for o in ("dragon", "herald", "baron", "tower")}
        root = next(iter(conditions(part["leaf"][0])))
        assert impurity[root] == min(impurity.values())
        called = 0
        for leaf in part.iter_rows(named=True):
            held = conditions(leaf["leaf"])
            mine = [r for r in train if all(r[o] == c for o, c in held.items())]
            tested = [r for r in test if all(r[o] == c for o, c in held.items())]
            assert (leaf["n_train"], leaf["blue_wins_train"]) == (len(mine), sum(r["blue_win"] for r in mine))
            assert leaf["blue_predicted"] == (sum(r["blue_win"] for r in mine) / len(mine) >= 0.5)
            assert leaf["n_test"] == len(tested)
            assert leaf["correct_test"] == sum(r["blue_win"] == leaf["blue_predicted"] for r in tested)
            called += leaf["correct_test"]
        majority = sum(r["blue_win"] for r in train) / len(train) >= 0.5
        assert part["accuracy"][0] == pytest.approx(called / len(test))
        assert part["baseline_accuracy"][0] == pytest.approx(sum(r["blue_win"] == majority for r in test) / len(test))


def test_a_decisive_first_tower_is_the_root_and_beats_the_baseline(planted):
    std = dict(planted.std)
    blue = std["first_objectives"].filter(pl.col("team_id") == 100).select("match_id", pl.col("first_tower").alias("tower"))
    std["first_objectives"] = std["first_objectives"].join(blue, on="match_id").with_columns(
        pl.when(pl.col("tower").is_null()).then(pl.col("win"))
        .otherwise(pl.col("tower") == (pl.col("team_id") == 100)).alias("win")).drop("tower")
    leaves = tree(std)
    assert leaves["leaf"].str.starts_with("first tower").all()
    assert (leaves["accuracy_gain_ci_low"] > 0).all() and (leaves["accuracy"] > 0.9).all()
