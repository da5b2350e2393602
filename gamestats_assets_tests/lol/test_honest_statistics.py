"""Statistics that do not fool a player: no correlation of a variable with one computed from it, build paths not
credited with the length of the games that finish them, and a win model judged against a simple baseline."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import item_build_stats
from gamestats_assets.defs.lol.transforms.patterns import COMPUTED_FROM, LENGTH
from gamestats_assets_tests.lol.real_games import (
    changes,
    lasting,
    load,
    tables_of,
    timeline_cut,
    variant,
    winner_swapped,
)


def test_correlations_hold_no_pair_computed_from_each_other(planted):
    table = planted.cons["correlations"]
    pairs = set(table.select("variable_x", "variable_y").unique().iter_rows())
    for derived, parts in COMPUTED_FROM.items():
        for part in parts:
            assert (derived, part) not in pairs and (part, derived) not in pairs, (derived, part)
    assert ("deaths", "deaths_per_10") not in pairs and ("deaths", "kda") not in pairs
    with_length = (pl.col("variable_x") == LENGTH) | (pl.col("variable_y") == LENGTH)
    assert table.filter(with_length)["partial_r"].null_count() == table.filter(with_length).height
    others = table.filter(~with_length)
    assert (others["partial_r"].is_null() == others["pearson_r"].is_null()).all(), "null only for a constant variable"
    kills_assists = table.filter(variable_x="kills", variable_y="assists")
    assert (kills_assists["partial_r"].abs() <= kills_assists["pearson_r"].abs() + 0.05).all(), \
        "counts that grow with game length correlate less once length is held"


def players_where_the_third_item_does_nothing() -> pl.DataFrame:
    """One champion's games: short games (25 min) win 60 %, long ones (40 min) 40 %. Half the long games finish a
    third core item; within the long games it changes nothing (40 % with it, 40 % without)."""
    def games(n: int, wins: int, minutes: float, third: str | None) -> pl.DataFrame:
        return pl.DataFrame({"win": [True] * wins + [False] * (n - wins), "minutes": minutes, "core_3": third},
                            schema_overrides={"core_3": pl.String})
    return pl.concat([games(400, 240, 25.0, None), games(200, 80, 40.0, "Rabadon's Deathcap"),
                      games(200, 80, 40.0, None)]).with_columns(
        queue=pl.lit("ranked_solo"), patch=pl.lit("14.10"), counted=pl.lit(True), summoners_rift=pl.lit(True),
        champion_id=pl.lit(1), champion_name=pl.lit("Annie"), core_1=pl.lit("Luden's Companion"),
        core_2=pl.lit("Shadowflame"), kda=pl.lit(3.0), dpm=pl.lit(600.0))


def test_a_late_item_without_effect_shows_none_against_games_of_its_length():
    builds = item_build_stats(players_where_the_third_item_does_nothing())
    third = builds.filter(depth=3).row(0, named=True)
    champion_rate = 400 / 800
    assert third["win_rate"] - champion_rate < -0.05, "raw: the long games that finish it lose more"
    assert abs(third["win_rate_vs_same_length"]) < 1e-9, "against games as long as its own: no effect"
    assert third["same_length_win_rate"] == 0.4 and third["games"] == 200


def test_on_real_games_a_third_item_is_judged_against_games_as_long():
    """The real ranked game's Illaoi finishes Death's Dance, her third core item, at minute 27. Twelve copies: four
    of 22 minutes (no third item) she wins three of; four of 33 minutes with it and four of 33 minutes whose
    timeline stops at minute 27 (no third item), one win in each. The item changes nothing among long games."""
    ranked = load()
    short = changes(lasting(22), timeline_cut(23))
    games = [variant(ranked, 2000 + n, change=changes(short, winner_swapped) if n < 3 else short) for n in range(4)]
    games += [variant(ranked, 2010 + n, change=winner_swapped if n == 0 else None) for n in range(4)]
    games += [variant(ranked, 2020 + n, change=changes(timeline_cut(27), winner_swapped) if n == 0
                      else timeline_cut(27)) for n in range(4)]
    builds = item_build_stats(tables_of(games)["participant_games"]).filter(champion_name="Illaoi")
    third = builds.filter(depth=3).row(0, named=True)
    assert third["core_path"] == "Goredrinker > Sterak's Gage > Death's Dance"
    assert (third["games"], third["wins"], third["champion_games"]) == (4, 1, 12)
    assert third["win_rate"] - 5 / 12 < -0.15, "raw: the games long enough to finish it lose more"
    assert third["same_length_win_rate"] == 0.25 and third["win_rate_vs_same_length"] == 0
    second = builds.filter(depth=2).row(0, named=True)
    assert second["games"] == 12 and abs(second["win_rate_vs_same_length"]) < 1e-12


def test_win_model_is_reported_beside_the_gold_baseline_with_intervals(planted):
    model = planted.cons["win_model"]
    summary = model.group_by("queue", "patch", "minute").agg(pl.all().exclude("term").first()).sort("minute")
    assert set(summary["minute"]) == {10, 15} and set(summary["queue"]) == {"ranked_solo"}
    for row in summary.iter_rows(named=True):
        for measure in ("auc", "accuracy", "baseline_auc", "baseline_accuracy", "auc_gain"):
            assert row[f"{measure}_ci_low"] <= row[measure] <= row[f"{measure}_ci_high"], measure
        assert abs(row["auc_gain"] - (row["auc"] - row["baseline_auc"])) < 1e-12
        assert row["auc_gain_ci_high"] > 0, "the full model is never worse than gold alone beyond chance"
        assert row["auc_ci_high"] - row["auc_ci_low"] < 0.3 and row["n_test"] > 50


def test_weighted_auc_is_the_mann_whitney_area_of_the_resampled_games():
    """A resample that counts some games twice and others never has the AUC of those games listed that often."""
    import numpy as np
    from scipy import stats

    from gamestats_assets.defs.lol.transforms.win_model import weighted_auc

    rng = np.random.default_rng(5)
    truth = rng.random(200) < 0.5
    score = np.round(rng.random(200) * 0.6 + truth * 0.3, 1)
    weights = rng.multinomial(200, np.full(200, 1 / 200), size=3).astype(float)
    for row, auc in zip(weights, weighted_auc(truth, score, weights), strict=True):
        listed = np.repeat(np.arange(200), row.astype(int))
        ranks, wins = stats.rankdata(score[listed]), truth[listed]
        expected = (ranks[wins].sum() - wins.sum() * (wins.sum() + 1) / 2) / (wins.sum() * (~wins).sum())
        assert abs(auc - expected) < 1e-12
