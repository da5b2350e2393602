"""Rank prediction: a player's rank (in divisions) from their stats, scored on players it never saw.

Each player (bots aside, with a known rank) is a row of their history's mean of every feature stat
(``records.FEATURES`` plus the core counts), one column per stat, missing where the player's sources lack
it (the regressor handles missing values natively), and the share of their matches in each playlist; a
column with fewer than two distinct values among the training players says nothing and is left out. A
seeded ``HOLDOUT_SHARE`` of the players is held out; a gradient-boosted regressor learns from the others.
The error is the mean absolute error in divisions on the held-out players, beside the error of the
baseline that predicts the training players' mean rank for everyone. The model trains on one thread:
on a busy machine OpenMP threads contend and a fit that takes a second takes ten.
"""

from __future__ import annotations

import numpy as np
import polars as pl

HOLDOUT_SHARE = 0.25
MIN_PLAYERS = 20


def player_features(stats: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """One row per ranked human player: latest rank index and the mean of each stat over their matches."""
    ranked = (users.filter(~pl.col("is_bot") & pl.col("rank_index").is_not_null()).sort("last_played_at")
              .group_by("player_id").agg(pl.col("rank_index").last()))
    means = (stats.filter(pl.col("value").is_not_null())
             .group_by("player_id", "stat_type").agg(pl.col("value").mean())
             .pivot(on="stat_type", index="player_id", values="value", sort_columns=True))
    playlists = (stats.select("player_id", "match_id", "playlist").unique()
                 .group_by("player_id", "playlist").len()
                 .with_columns(share=pl.col("len") / pl.col("len").sum().over("player_id"))
                 .pivot(on="playlist", index="player_id", values="share", sort_columns=True)
                 .rename(lambda c: c if c == "player_id" else f"playlist_{c}").fill_null(0.0))
    return ranked.join(means, on="player_id").join(playlists, on="player_id").sort("player_id")


def predict_ranks(features: pl.DataFrame, seed: int = 0) -> tuple[pl.DataFrame, dict]:
    """Per player: actual and predicted rank index, and whether the player was held out; metadata: MAE of
    the model and of the population-mean baseline on the held-out players (None with a reason if there
    are fewer than ``MIN_PLAYERS`` players)."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    from threadpoolctl import threadpool_limits

    schema = {"player_id": pl.String, "rank_index": pl.Float64, "predicted_rank_index": pl.Float64,
              "held_out": pl.Boolean}
    if features.height < MIN_PLAYERS:
        return pl.DataFrame(schema=schema), {"mae_divisions": None, "baseline_mae_divisions": None,
                                             "reason": f"fewer than {MIN_PLAYERS} ranked players"}
    y = features["rank_index"].cast(pl.Float64).to_numpy()
    held_out = np.random.default_rng(seed).random(len(y)) < HOLDOUT_SHARE
    training = features.filter(pl.Series(~held_out))
    columns = [c for c in features.columns if c not in ("player_id", "rank_index")
               and training[c].drop_nulls().drop_nans().n_unique() > 1]
    x = features.select(columns).cast(pl.Float64).to_numpy()
    model = HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, random_state=seed)
    with threadpool_limits(1):
        model.fit(x[~held_out], y[~held_out])
        predicted = model.predict(x)
    baseline = float(y[~held_out].mean())
    metadata = {
        "mae_divisions": float(np.abs(predicted[held_out] - y[held_out]).mean()),
        "baseline_mae_divisions": float(np.abs(baseline - y[held_out]).mean()),
        "held_out_players": int(held_out.sum()), "training_players": int((~held_out).sum()),
        "features": len(columns),
    }
    frame = pl.DataFrame({"player_id": features["player_id"], "rank_index": y, "predicted_rank_index": predicted,
                          "held_out": held_out}, schema=schema)
    return frame, metadata
