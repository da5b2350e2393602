"""The rank outlook (`rocket.rank_outlook`) on planted rank histories: players whose rank walks up, down or nowhere
by a planted drift, a random step each day, seen on a few days each as a whole-division rank. The drift's interval
covers the planted drift about 95 times in 100, a player is called rising or falling only where the
interval excludes no change and never the wrong way, a player seen on two days is said to be too few, the drift
predicts the latest rank no worse than no change where ranks drift, and a player's training of the four weeks is counted beside it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms.outlook import HORIZON_DAYS, rank_outlook

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
