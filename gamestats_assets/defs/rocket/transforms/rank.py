"""Rank prediction: a player's rank (in divisions) from their stats, scored on players it never saw, beside
the population-mean and lobby baselines (`predict_ranks`). Where a rank is heading is `outlook.py`'s, from the rank's
own trend (`RANK_CHANGE_NOTE`)."""

from __future__ import annotations

import numpy as np
import polars as pl

HOLDOUT_SHARE = 0.25
MIN_PLAYERS = 20
PENALTIES = np.logspace(-2, 5, 29)
"""The ridge penalties tried, on standardised columns."""
RANK_CHANGE_NOTE = """Where a player's rank is heading is predicted from the trend of their own known ranks
(`rocket.rank_outlook`), not from their stats: scoring a model of the next change from stats would need a few hundred
players each with ranked games over weeks and the rank every game gave, and the public files hold almost every ranked
player once, while the synthetic players' progress is drawn by the emitter itself, so scoring on them would only
score the emitter. The metadata counts the players with a rank history (`rank_history_players`: a known rank on two
or more days) and the changes seen among them (`rank_ups`, `rank_downs`)."""


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


def rank_histories(seen: pl.DataFrame) -> dict[str, int]:
    """From `users` rows of every day (`date, player_id, is_bot, rank_index`): the human players with a known
    rank on two or more days, and the rises and falls of their rank from one such day to the next."""
    daily = (seen.filter(~pl.col("is_bot") & pl.col("rank_index").is_not_null())
             .select("player_id", "date", "rank_index").unique(["player_id", "date"]).sort("player_id", "date")
             .with_columns(step=pl.col("rank_index").diff().over("player_id")))
    days = daily.group_by("player_id").len()
    return {"rank_history_players": days.filter(pl.col("len") >= 2).height,
            "rank_ups": daily.filter(pl.col("step") > 0).height,
            "rank_downs": daily.filter(pl.col("step") < 0).height}


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


def ridge(x: np.ndarray, y: np.ndarray, training: np.ndarray) -> tuple[np.ndarray, float]:
    """Ridge regression of `y` on `x` fitted on the `training` rows, predicted for every row, and the
    penalty chosen. Columns are standardised on the training rows and a missing value is set to the
    training mean; the penalty is the one of `PENALTIES` whose leave-one-out squared error over the
    training rows is least (in closed form from the singular values: a row's residual over one less its
    leverage)."""
    mean, spread = np.nanmean(x[training], axis=0), np.nanstd(x[training], axis=0)
    z = np.nan_to_num((x - mean) / np.where(spread > 0, spread, 1.0))
    intercept = float(y[training].mean())
    u, d, vt = np.linalg.svd(z[training], full_matrices=False)
    projected = u.T @ (y[training] - intercept)

    def loo_error(penalty: float) -> float:
        shrink = d ** 2 / (d ** 2 + penalty)
        residual = y[training] - intercept - u @ (shrink * projected)
        return float(np.mean((residual / (1 - (u ** 2) @ shrink)) ** 2))

    penalty = float(min(PENALTIES, key=loo_error))
    return intercept + z @ (vt.T @ (d / (d ** 2 + penalty) * projected)), penalty


def playlist_medians(features: pl.DataFrame, training: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each player's main playlist (the `playlist_*` share of `features` that is largest) and the baseline a rank
    model must beat without stats: the median rank of the `training` players of that playlist (of every training
    player where none plays it)."""
    shares = [c for c in features.columns if c.startswith("playlist_")]
    y = features["rank_index"].cast(pl.Float64).to_numpy()
    main = (np.array([c.removeprefix("playlist_") for c in shares])[features.select(shares).to_numpy().argmax(axis=1)]
            if shares else np.full(len(y), None))
    medians = {playlist: float(np.median(y[training & (main == playlist)])) for playlist in set(main[training])}
    everyone = float(np.median(y[training]))
    return main, np.array([medians.get(playlist, everyone) for playlist in main])


def predict_ranks(features: pl.DataFrame, seed: int = 0, lobby: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """Per player: actual and predicted rank index, whether the player was held out, their main playlist and the
    playlist's median rank among the training players (`baseline_rank_index`, `playlist_medians`); metadata: MAE of
    the model and of the baselines on the held-out players (None with a reason if there are fewer than
    `MIN_PLAYERS` players).

    A seeded `HOLDOUT_SHARE` of the players is held out and `ridge` learns from the others; a feature with
    fewer than two distinct values among the training players is left out. Each error is the mean absolute
    error in divisions with its 95 % interval and n (`mae_interval`), beside the training mean rank and,
    when `lobby` is given, the lobby's average rank (`lobby_ranks`: what matchmaking alone says); each
    verdict compares the paired errors (`against_baseline`); the playlist's median rank is the baseline the API
    reports beside the model. On real files few ranked player-games carry
    full stats, so the model's n is small and is published with its error."""
    schema = {"player_id": pl.String, "rank_index": pl.Float64, "predicted_rank_index": pl.Float64,
              "held_out": pl.Boolean, "playlist": pl.String, "baseline_rank_index": pl.Float64}
    if features.height < MIN_PLAYERS:
        return pl.DataFrame(schema=schema), {"mae_divisions": None, "baseline_mae_divisions": None,
                                             "reason": f"fewer than {MIN_PLAYERS} ranked players"}
    y = features["rank_index"].cast(pl.Float64).to_numpy()
    held_out = np.random.default_rng(seed).random(len(y)) < HOLDOUT_SHARE
    training = features.filter(pl.Series(~held_out))
    columns = [c for c in features.columns if c not in ("player_id", "rank_index")
               and training[c].drop_nulls().drop_nans().n_unique() > 1]
    x = features.select(columns).cast(pl.Float64).to_numpy()
    predicted, penalty = ridge(x, y, ~held_out)
    baseline = float(y[~held_out].mean())
    lobby_rank = (features.select("player_id").join(lobby, on="player_id", how="left")["lobby_rank"].to_numpy()
                  if lobby is not None else np.full(len(y), np.nan))
    with_lobby = held_out & ~np.isnan(lobby_rank.astype(float))
    main, median = playlist_medians(features, ~held_out)
    metadata = {
        "mae_divisions": float(np.abs(predicted[held_out] - y[held_out]).mean()),
        "baseline_mae_divisions": float(np.abs(baseline - y[held_out]).mean()),
        "held_out_players": int(held_out.sum()), "training_players": int((~held_out).sum()),
        "features": len(columns), "ridge_penalty": penalty,
        **_flat("model", mae_interval(predicted[held_out] - y[held_out])),
        **_flat("mean_baseline", mae_interval(baseline - y[held_out])),
        **_flat("playlist_median_baseline", mae_interval(median[held_out] - y[held_out])),
        **_flat("lobby_baseline", mae_interval(lobby_rank[with_lobby] - y[with_lobby])),
        **_flat("model_where_lobby", mae_interval(predicted[with_lobby] - y[with_lobby])),
        **_flat("model_vs_mean", against_baseline(predicted[held_out] - y[held_out], baseline - y[held_out])),
        **_flat("model_vs_playlist_median", against_baseline(predicted[held_out] - y[held_out],
                                                             median[held_out] - y[held_out])),
        **_flat("model_vs_lobby", against_baseline(predicted[with_lobby] - y[with_lobby],
                                                   lobby_rank[with_lobby] - y[with_lobby])),
    }
    frame = pl.DataFrame({"player_id": features["player_id"], "rank_index": y, "predicted_rank_index": predicted,
                          "held_out": held_out, "playlist": main, "baseline_rank_index": median}, schema=schema)
    return frame, metadata


def rank_predictions(stats: pl.DataFrame, seen: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """`rank_predictions` (`predict_ranks` over `player_features`, with the lobby baseline) and its figures: the
    model's and the baselines' errors and the players' rank histories (`rank_histories`)."""
    ranks = seen.filter(~pl.col("is_bot")).sort("last_played_at").group_by("player_id").agg(
        pl.col("rank_index").drop_nulls().last())
    lobby = lobby_ranks(stats.select("match_id", "player_id"), ranks)
    predictions, metadata = predict_ranks(player_features(stats, seen), lobby=lobby)
    return predictions, {**metadata, **rank_histories(seen)}
