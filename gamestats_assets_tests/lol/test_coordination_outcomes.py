"""Team synchronisation against the outcome (`lol.coordination_outcomes`) on planted games: every row's takes and
wins recounted in plain Python from `std/team_coordination` and the teams' results, each objective's
Cochran–Armitage trend recomputed from its definition, and a planted gathering effect (the winning team has more
teammates near its takes) found with an interval clear of zero."""

from __future__ import annotations

import math
from collections import Counter

import polars as pl
import pytest

from gamestats_assets.defs.lol.tables import STATISTICS, computed
from gamestats_assets.defs.lol.transforms.objectives import NAMES


def outcomes(std: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return computed(std, [t for t in STATISTICS if t.name == "coordination_outcomes"])["coordination_outcomes"]


def test_each_row_and_trend_recounted_from_the_takes(planted):
    std = planted.std
    games = {g["match_id"]: g for g in std["games"].iter_rows(named=True) if g["counted"] and g["summoners_rift"]}
    won = {(r["match_id"], r["team_id"]): r["win"] for r in std["first_objectives"].iter_rows(named=True)}
    takes, wins = Counter(), Counter()
    for take in std["team_coordination"].iter_rows(named=True):
        game, result = games.get(take["match_id"]), won.get((take["match_id"], take["team_id"]))
        if game is None or result is None or take["teammates_near"] is None:
            continue
        key = (game["queue"], game["patch"], NAMES.get(take["objective"], take["objective"]), take["teammates_near"])
        takes[key] += 1
        wins[key] += result
    table = outcomes(std)
    assert {(r["queue"], r["patch"], r["objective"], r["teammates_near"]): (r["takes"], r["wins"])
            for r in table.iter_rows(named=True)} == {key: (takes[key], wins[key]) for key in takes}
    for (queue, patch, objective), part in table.group_by("queue", "patch", "objective"):
        x, n, w = part["teammates_near"].to_list(), part["takes"].to_list(), part["wins"].to_list()
        total, rate = sum(n), sum(w) / sum(n)
        spread = sum(k * a * a for a, k in zip(x, n)) - sum(k * a for a, k in zip(x, n)) ** 2 / total
        if total < 30 or spread == 0:
            assert part["p_value"].is_null().all()
            continue
        t = sum(a * (b - k * rate) for a, b, k in zip(x, w, n))
        z = t / math.sqrt(rate * (1 - rate) * spread)
        assert part["z"][0] == pytest.approx(z) and part["trend_per_teammate"][0] == pytest.approx(t / spread)
        assert part["p_value"][0] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    assert (table["q_value"].drop_nulls() >= table["p_value"].drop_nulls()).all()


def test_a_planted_gathering_effect_is_found(planted):
    std = dict(planted.std)
    won = std["first_objectives"].select("match_id", "team_id", "win")
    std["team_coordination"] = (std["team_coordination"].join(won, on=["match_id", "team_id"], how="left")
                                .with_columns(pl.when(pl.col("win")).then(4).otherwise(1).cast(pl.Int32)
                                              .alias("teammates_near")).drop("win"))
    dragons = outcomes(std).filter(objective="dragon")
    assert dragons["trend_ci_low"].min() > 0 and (dragons["q_value"] < 0.05).all()
