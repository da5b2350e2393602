"""Rank prediction: a player's rank (in divisions) from their stats, scored on players it never saw.

Each player (bots aside, with a known rank) is a row of their history's mean of every feature stat
(`records.FEATURES` plus the core counts), one column per stat, missing where the player's sources lack
it (the regressor handles missing values natively), and the share of their matches in each playlist; a
column with fewer than two distinct values among the training players says nothing and is left out. A
seeded `HOLDOUT_SHARE` of the players is held out; a gradient-boosted regressor learns from the others.
The error is the mean absolute error in divisions on the held-out players, with its 95 % interval and its
n, beside two baselines' on the same players: the training players' mean rank for everyone, and the
lobby's average rank (the mean rank of the other ranked players the player met, `lobby_ranks`), which is
what matchmaking alone says about a player; `model_vs_mean_verdict` and `model_vs_lobby_verdict` say
whether the model beats each (the paired difference of their errors, with its interval). The public ranked player-games with full
stats are few (a ballchasing list page carries ranks but no stats), so on real files the model's n is
small and is published beside its error; the lobby baseline needs no stats and is judged on every ranked
real game.

Rank change (will a player rank up) is not predicted: judging it needs players' ranks over time, and a rank
is known only for the games a source gives one for (ballchasing's uploads); the public files hold no
player's rank history, so such a model could be scored only on the synthetic players, whose progress the
emitter itself draws. The model trains on one thread:
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


def lobby_ranks(seats: pl.DataFrame, ranks: pl.DataFrame) -> pl.DataFrame:
    """Per ranked player: `lobby_rank`, the mean rank of the other ranked players of every match the
    player played (`seats`: `match_id, player_id`; `ranks`: `player_id, rank_index`)."""
    seated = seats.select("match_id", "player_id").unique().join(
        ranks.select("player_id", pl.col("rank_index").cast(pl.Float64)).drop_nulls(), on="player_id")
    return (
        seated.join(seated.select("match_id", pl.col("player_id").alias("other"), pl.col("rank_index").alias("r")),
                    on="match_id")
        .filter(pl.col("player_id") != pl.col("other"))
        .group_by("player_id").agg(lobby_rank=pl.col("r").mean())
    )


def mae_interval(errors: np.ndarray) -> dict[str, float | int | None]:
    """Mean absolute error, its 95 % normal interval and n (interval None under two errors)."""
    errors = np.abs(np.asarray(errors, dtype=float))
    n = len(errors)
    if n == 0:
        return {"mae": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = float(errors.mean())
    half = 1.96 * float(errors.std(ddof=1)) / float(np.sqrt(n)) if n > 1 else None
    return {"mae": mean, "ci_low": mean - half if half is not None else None,
            "ci_high": mean + half if half is not None else None, "n": n}


def _flat(name: str, summary: dict) -> dict:
    return {f"{name}_{key}": value for key, value in summary.items()}


def against_baseline(model_errors: np.ndarray, baseline_errors: np.ndarray) -> dict[str, float | int | str | None]:
    """The model's absolute error less a baseline's on the same players: the mean difference, its 95 %
    normal interval and n, and the verdict (`better` or `worse` where the interval excludes 0, else
    `not distinguishable`; `unjudged` under two players)."""
    difference = np.abs(np.asarray(model_errors, dtype=float)) - np.abs(np.asarray(baseline_errors, dtype=float))
    n = len(difference)
    if n < 2:
        return {"mae_difference": None, "ci_low": None, "ci_high": None, "n": n, "verdict": "unjudged"}
    mean, half = float(difference.mean()), 1.96 * float(difference.std(ddof=1)) / float(np.sqrt(n))
    verdict = "better" if mean + half < 0 else "worse" if mean - half > 0 else "not distinguishable"
    return {"mae_difference": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n, "verdict": verdict}


def predict_ranks(features: pl.DataFrame, seed: int = 0, lobby: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """Per player: actual and predicted rank index, and whether the player was held out; metadata: MAE of
    the model and of the population-mean baseline on the held-out players (None with a reason if there
    are fewer than `MIN_PLAYERS` players)."""
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
    lobby_rank = (features.select("player_id").join(lobby, on="player_id", how="left")["lobby_rank"].to_numpy()
                  if lobby is not None else np.full(len(y), np.nan))
    with_lobby = held_out & ~np.isnan(lobby_rank.astype(float))
    metadata = {
        "mae_divisions": float(np.abs(predicted[held_out] - y[held_out]).mean()),
        "baseline_mae_divisions": float(np.abs(baseline - y[held_out]).mean()),
        "held_out_players": int(held_out.sum()), "training_players": int((~held_out).sum()),
        "features": len(columns),
        **_flat("model", mae_interval(predicted[held_out] - y[held_out])),
        **_flat("mean_baseline", mae_interval(baseline - y[held_out])),
        **_flat("lobby_baseline", mae_interval(lobby_rank[with_lobby] - y[with_lobby])),
        **_flat("model_where_lobby", mae_interval(predicted[with_lobby] - y[with_lobby])),
        **_flat("model_vs_mean", against_baseline(predicted[held_out] - y[held_out], baseline - y[held_out])),
        **_flat("model_vs_lobby", against_baseline(predicted[with_lobby] - y[with_lobby],
                                                   lobby_rank[with_lobby] - y[with_lobby])),
    }
    frame = pl.DataFrame({"player_id": features["player_id"], "rank_index": y, "predicted_rank_index": predicted,
                          "held_out": held_out}, schema=schema)
    return frame, metadata
