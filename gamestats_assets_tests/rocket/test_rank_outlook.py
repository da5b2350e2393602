"""The rank outlook (`rocket.rank_outlook`) on planted rank histories: players whose rank walks up, down or nowhere
by a planted drift, a random step each day, seen on a few days each as a whole-division rank. The drift's interval
covers the planted drift about 95 times in 100, a player is called rising or falling only where the
interval excludes no change and never the wrong way, a player seen on two days is said to be too few, the drift
predicts the latest rank no worse than no change where ranks drift, and a player's training of the four weeks is counted
beside it; training progress moves the predicted change where ranks planted to follow it show it does, and not
where they follow another player's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms.outlook import HORIZON_DAYS, rank_outlook, training_relation

START = dt.date(2026, 9, 1)
SLOPES = {"rising": 0.25, "falling": -0.2, "holding": 0.0}
"""Divisions a day planted per kind of player: about a tier (four divisions) in two to three weeks up or down, or
none."""
STEP_VARIANCE = 0.05
"""The variance of a rank's daily random step, divisions squared."""


def planted(players: int = 300, seed: int = 3) -> tuple[pl.DataFrame, dict[str, float]]:
    """`cons/users` rows of `players` players over eight weeks, each seen on 4 to 12 days, their rank a random walk
    with their planted drift and a normal step of variance `STEP_VARIANCE` a day, rounded to a whole division; and
    each player's planted drift."""
    rng = np.random.default_rng(seed)
    rows, slopes = [], {}
    for number in range(players):
        kind = list(SLOPES)[number % 3]
        player, slope = f"steam:{number}", SLOPES[kind]
        walk = rng.uniform(10, 40) + np.cumsum(slope + rng.normal(0, STEP_VARIANCE ** 0.5, size=56))
        slopes[player] = slope
        for day in sorted(rng.choice(56, size=int(rng.integers(4, 13)), replace=False)):
            rows.append({"date": START + dt.timedelta(days=int(day)), "player_id": player, "is_bot": False,
                         "rank_index": int(round(walk[day]))})
    rows += [{"date": START + dt.timedelta(days=day), "player_id": "steam:twice", "is_bot": False, "rank_index": 20}
             for day in (0, 9)]
    rows += [{"date": START, "player_id": "bot:1", "is_bot": True, "rank_index": 5}]
    return pl.DataFrame(rows), slopes


def sessions(rows: list[tuple[str, dt.date, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"player_id": pl.String, "date": pl.Date, "attempts": pl.Int64,
                                      "successes": pl.Int64}, orient="row")


def test_the_trend_covers_the_planted_slope_and_says_only_what_its_interval_allows():
    seen, slopes = planted()
    outlook, metadata = rank_outlook(seen, sessions([]))
    fitted = outlook.filter(pl.col("player_id").is_in(list(slopes)))
    assert fitted.height == len(slopes) and "bot:1" not in outlook["player_id"]
    covered = [row["trend_ci_low"] <= slopes[row["player_id"]] * 7 <= row["trend_ci_high"]
               for row in fitted.iter_rows(named=True)]
    assert 0.88 <= np.mean(covered) <= 0.995
    for row in fitted.iter_rows(named=True):
        low, high = row["change_ci_low"], row["change_ci_high"]
        assert low <= row["predicted_change"] <= high
        assert row["predicted_change"] == pytest.approx(row["trend_per_week"] / 7 * HORIZON_DAYS)
        assert row["outlook"] == ("rising" if low > 0 else "falling" if high < 0 else "no change can be told")
    called = {kind: fitted.filter(pl.col("player_id").is_in([p for p, s in slopes.items() if s == slope]))["outlook"]
              for kind, slope in SLOPES.items()}
    assert (called["rising"] == "rising").mean() > 0.2 and (called["rising"] == "falling").sum() == 0
    assert (called["falling"] == "falling").mean() > 0.2 and (called["falling"] == "rising").sum() == 0
    assert (called["holding"] == "no change can be told").mean() > 0.9
    [twice] = outlook.filter(player_id="steam:twice").to_dicts()
    assert (twice["rank_days"], twice["outlook"], twice["predicted_change"]) == (2, "too few ranked days to tell", None)
    assert metadata["trend_vs_no_change_verdict"] in ("better", "not distinguishable") and metadata["trend_n"] > 250
    assert outlook.select("backtest_players", "backtest_trend_mae", "backtest_verdict").unique().to_dicts() == [
        {"backtest_players": metadata["trend_n"], "backtest_trend_mae": metadata["trend_mae"],
         "backtest_verdict": metadata["trend_vs_no_change_verdict"]}]
    assert metadata["players_too_few_ranked_days_to_tell"] == 1


def test_a_rank_held_on_every_day_is_not_called_certain():
    seen = pl.DataFrame({"date": [START + dt.timedelta(days=d) for d in (0, 5, 10, 15)], "player_id": ["steam:a"] * 4,
                         "is_bot": [False] * 4, "rank_index": [22] * 4})
    [row] = rank_outlook(seen, sessions([]))[0].to_dicts()
    assert row["predicted_change"] == 0 and row["change_ci_low"] < -1 and row["change_ci_high"] > 1
    assert row["outlook"] == "no change can be told"


def test_training_of_the_four_weeks_is_counted_beside_the_trend():
    seen = pl.DataFrame({"date": [START + dt.timedelta(days=d) for d in (0, 20, 40, 60)],
                         "player_id": ["steam:a"] * 4, "is_bot": [False] * 4, "rank_index": [10, 12, 13, 15]})
    last = START + dt.timedelta(days=60)
    trained = sessions([("steam:a", last, 20, 12), ("steam:a", last - dt.timedelta(days=27), 10, 3),
                        ("steam:a", last - dt.timedelta(days=30), 10, 2), ("steam:a", last + dt.timedelta(days=1), 9, 9),
                        ("steam:b", last, 5, 5)])
    [row] = rank_outlook(seen, trained)[0].to_dicts()
    assert (row["training_sessions"], row["training_success_rate"]) == (2, 15 / 30)
    assert row["training_success_ci_low"] < 0.5 < row["training_success_ci_high"]
    assert row["training_success_rate_before"] == 0.2


def trained_ladder(related: bool, players: int = 160, seed: int = 5) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`cons/users` and `cons/training_sessions` rows of `players` players over eight weeks: each trains every other
    day, at a success rate that steps up by their progress (0 to 30 points) at day 28, and is seen on about ten
    days, the last one day 55. Where `related`, a player's rank, flat with daily noise until day 47, then climbs by
    a division a week for each 10 points of progress, faster than the trend of the days before says; otherwise the
    climb follows another player's progress."""
    rng = np.random.default_rng(seed)
    progress = rng.uniform(0.0, 0.3, players)
    climb = progress if related else rng.permutation(progress)
    users, trained = [], []
    for number in range(players):
        player = f"steam:{number}"
        daily = np.where(np.arange(56) > 47, climb[number] * 10 / 7, 0.0)
        walk = rng.uniform(15, 45) + np.cumsum(daily + rng.normal(0, STEP_VARIANCE ** 0.5, size=56))
        for day in [*sorted(rng.choice(55, size=9, replace=False)), 55]:
            users.append({"date": START + dt.timedelta(days=int(day)), "player_id": player, "is_bot": False,
                          "rank_index": int(round(walk[day]))})
        for day in range(0, 56, 2):
            rate = 0.3 + (progress[number] if day >= 28 else 0.0)
            trained.append((player, START + dt.timedelta(days=day), 40, int(rng.binomial(40, rate))))
    return pl.DataFrame(users), sessions(trained)


def test_training_progress_moves_the_prediction_only_where_the_tested_players_show_it_matters():
    seen, trained = trained_ladder(related=True)
    outlook, metadata = rank_outlook(seen, trained)
    assert metadata["training_effect_applied"] and metadata["training_effect_players"] >= 100
    assert 0 < metadata["training_effect_ci_low"] < metadata["training_effect"]
    moved = outlook.filter(pl.col("training_change").is_not_null())
    assert moved.height >= 100
    assert (moved["training_change"] == moved["training_effect"] * moved["training_progress"]).all()
    assert moved["training_effect_applied"].all()
    assert moved.filter(pl.col("training_progress") > 0)["training_change"].min() > 0
    assert ((moved["change_ci_low"] <= moved["predicted_change"])
            & (moved["predicted_change"] <= moved["change_ci_high"])).all()

    unrelated, metadata = rank_outlook(*trained_ladder(related=False))
    assert not metadata["training_effect_applied"] and metadata["training_effect_players"] >= 100
    assert metadata["training_effect_ci_low"] <= 0 <= metadata["training_effect_ci_high"]
    assert unrelated["training_change"].null_count() == unrelated.height
    fitted = unrelated.filter(pl.col("predicted_change").is_not_null())
    trend_only = (fitted["trend_per_week"] / 7 * HORIZON_DAYS).to_list()
    assert fitted["predicted_change"].to_list() == pytest.approx(trend_only)


def test_a_player_tested_as_far_ahead_as_no_other_is_left_out_of_the_training_effect():
    """Within players tested as many days ahead, a player alone at their distance tells nothing: the effect and its
    n are those of the others."""
    rng = np.random.default_rng(0)
    progress = rng.uniform(0, 0.3, 40)
    days = np.repeat([2, 5], 20)
    shared = pl.DataFrame({"tested_days": days, "tested_training_progress": progress, "tested_trend": 20.0,
                           "rank_index": 20.0 + progress * days + rng.normal(0, 0.5, 40)})
    alone = pl.DataFrame({"tested_days": [9], "tested_training_progress": [0.3], "tested_trend": [20.0],
                          "rank_index": [-50.0]})
    relation = training_relation(shared)
    assert relation["training_effect_players"] == 40 and relation["training_effect_applied"]
    assert relation["training_effect_ci_low"] < HORIZON_DAYS < relation["training_effect_ci_high"]
    assert training_relation(pl.concat([shared, alone], how="vertical_relaxed")) == relation
