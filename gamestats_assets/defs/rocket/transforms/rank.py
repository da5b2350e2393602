"""Rank prediction: a player's rank (in divisions) from their stats with a 95 % conformal interval, scored on players
it never saw, beside the playlist-median, population-mean and lobby baselines (`predict_ranks`). Where a rank is
heading is `outlook.py`'s, from the rank's own trend (`RANK_CHANGE_NOTE`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl

from gamestats_assets.defs.rocket.transforms.stated import GAME, STATED, known_profiles
from gamestats_assets.lib.core.stats import Z_95, paired_difference, wilson_bounds
from gamestats_assets.sources.ballchasing.ranks import PREDICTION_COVERAGE, THIN_GAMES

HOLDOUT_SHARE = 0.25
MIN_PLAYERS = 12
"""Ranked players under which no model is fitted. With fewer than 19 training players a 95 % conformal interval is
unbounded (`conformal_quantile`): the model then predicts without an interval."""
PENALTIES = np.logspace(-2, 5, 29)
"""The ridge penalties tried, on standardised columns."""
SCALE_FLOOR = 0.1
"""The least a player's squared residual scale may be, as a share of the training players' mean squared residual."""
RANK_CHANGE_NOTE = """Where a player's rank is heading is predicted from the trend of their own known ranks and,
where the published players show it to matter, their training progress (`rocket.rank_outlook`), not from their stats: scoring a model of the next change from stats would need a few hundred
players each with ranked games over weeks and the rank every game gave, and the public files hold almost every ranked
player once, while the synthetic players' progress is drawn by the emitter itself, so scoring on them would only
score the emitter. The metadata counts the players with a rank history (`rank_history_players`: a known rank on two
or more days) and the changes seen among them (`rank_ups`, `rank_downs`)."""


def player_features(stats: pl.DataFrame, users: pl.DataFrame, stated: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per human player with a known rank (`stated.known_profiles`: the latest a game gave, else the one
    stated in `stated`, `rank_from` saying which): that rank's index, the games they played (`games`) and the mean of
    each stat over their matches."""
    ranked = known_profiles(users, stated).select("player_id", "rank_index", "rank_from")
    means = (stats.filter(pl.col("value").is_not_null())
             .group_by("player_id", "stat_type").agg(pl.col("value").mean())
             .pivot(on="stat_type", index="player_id", values="value", sort_columns=True))
    playlists = (stats.select("player_id", "match_id", "playlist").unique()
                 .group_by("player_id", "playlist").len()
                 .with_columns(share=pl.col("len") / pl.col("len").sum().over("player_id"))
                 .pivot(on="playlist", index="player_id", values="share", sort_columns=True)
                 .rename(lambda c: c if c == "player_id" else f"playlist_{c}").fill_null(0.0))
    games = stats.group_by("player_id").agg(games=pl.col("match_id").n_unique().cast(pl.Int64))
    return (ranked.join(games, on="player_id").join(means, on="player_id").join(playlists, on="player_id")
            .sort("player_id"))


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
    """The model's absolute error less a baseline's on the same players (`stats.paired_difference`): the mean
    difference (`mae_difference`), its 95 % normal interval and n, and the verdict (`better` or `worse` where the
    interval excludes 0, else `not distinguishable`; `unjudged` under two players)."""
    judged = paired_difference(np.abs(np.asarray(model_errors, dtype=float))
                               - np.abs(np.asarray(baseline_errors, dtype=float)))
    return {"mae_difference": judged.pop("mean"), **judged}


class Ridge(NamedTuple):
    """A ridge fit: the prediction of every row, the penalty chosen and each training row's leave-one-out residual."""

    predicted: np.ndarray
    penalty: float
    loo_residuals: np.ndarray


def ridge(x: np.ndarray, y: np.ndarray, training: np.ndarray) -> Ridge:
    """Ridge regression of `y` on `x` fitted on the `training` rows, predicted for every row, the penalty chosen
    and the training rows' leave-one-out residuals. Columns are standardised on the training rows and a missing
    value is set to the training mean; the penalty is the one of `PENALTIES` whose leave-one-out squared error over
    the training rows is least (in closed form from the singular values: a row's residual over one less its
    leverage)."""
    intercept = float(y[training].mean())
    if x.shape[1] == 0:
        return Ridge(np.full(len(y), intercept), float(PENALTIES[-1]),
                     (y[training] - intercept) * training.sum() / max(training.sum() - 1, 1))
    mean, spread = np.nanmean(x[training], axis=0), np.nanstd(x[training], axis=0)
    z = np.nan_to_num((x - mean) / np.where(spread > 0, spread, 1.0))
    u, d, vt = np.linalg.svd(z[training], full_matrices=False)
    projected = u.T @ (y[training] - intercept)

    def loo_residuals(penalty: float) -> np.ndarray:
        shrink = d ** 2 / (d ** 2 + penalty)
        residual = y[training] - intercept - u @ (shrink * projected)
        return residual / (1 - (u ** 2) @ shrink)

    penalty = float(min(PENALTIES, key=lambda penalty: float(np.mean(loo_residuals(penalty) ** 2))))
    return Ridge(intercept + z @ (vt.T @ (d / (d ** 2 + penalty) * projected)), penalty, loo_residuals(penalty))


def conformal_quantile(scores: np.ndarray, coverage: float = PREDICTION_COVERAGE) -> float:
    """The split-conformal quantile of `scores` (one per calibration player): the ⌈(n + 1) × `coverage`⌉-th smallest,
    which a new exchangeable player's score exceeds with probability at most 1 − `coverage`; infinite when n is too
    small for that (under 19 players at 95 %)."""
    ordered = np.sort(np.asarray(scores, dtype=float))
    rank = int(np.ceil((len(ordered) + 1) * coverage))
    return float(ordered[rank - 1]) if rank <= len(ordered) else float("inf")


def residual_scale(residuals: np.ndarray, training: np.ndarray, playlist: np.ndarray,
                   games: np.ndarray) -> np.ndarray:
    """Each player's residual scale, `sqrt(a_playlist + b / games)`: the part of the error every player of a playlist
    has and the part that shrinks as their stats average more games, fitted by least squares to the training players'
    squared `residuals` (one per training row), at least `SCALE_FLOOR` of their mean. A playlist no training player
    plays has the mean of the others' parts."""
    playlists = sorted(set(playlist[training]))
    design = np.column_stack([*(playlist == name for name in playlists), 1 / np.maximum(games, 1)]).astype(float)
    coefficients = np.linalg.lstsq(design[training], residuals ** 2, rcond=None)[0]
    unseen = ~np.isin(playlist, playlists)
    squared = design @ coefficients + unseen * coefficients[:-1].mean()
    return np.sqrt(np.maximum(squared, SCALE_FLOOR * float(np.mean(residuals ** 2))))


def conformal_intervals(predicted: np.ndarray, fit: Ridge, training: np.ndarray, playlist: np.ndarray,
                        games: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every player's 95 % prediction interval, `predicted ± q × scale`: the scale is `residual_scale` of the
    training players' leave-one-out residuals, and q the `conformal_quantile` of those residuals over their scale,
    so that a player the model never saw falls inside with probability about `PREDICTION_COVERAGE`, narrower where
    the player's games are many. Unbounded (±∞) under 19 training players."""
    scale = residual_scale(fit.loo_residuals, training, playlist, games)
    half = conformal_quantile(np.abs(fit.loo_residuals) / scale[training]) * scale
    return predicted - half, predicted + half


def coverage_summary(y: np.ndarray, low: np.ndarray, high: np.ndarray) -> dict[str, float | int | None]:
    """Over the players given: the share whose rank fell inside their interval (`coverage`) with its 95 % Wilson
    interval and n, and the interval's mean and median width in divisions (None where unbounded or without
    players)."""
    n = len(y)
    if n == 0:
        return {"coverage": None, "coverage_ci_low": None, "coverage_ci_high": None, "n": 0, "width": None,
                "median_width": None}
    inside = int(np.sum((low <= y) & (y <= high)))
    ci_low, ci_high = wilson_bounds(inside, n)
    widths = high - low
    bounded = bool(np.isfinite(widths).all())
    return {"coverage": inside / n, "coverage_ci_low": ci_low, "coverage_ci_high": ci_high, "n": n,
            "width": float(np.mean(widths)) if bounded else None,
            "median_width": float(np.median(widths)) if bounded else None}


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


MODEL_SCHEMA = {"model_players": pl.Int64, "model_rmse": pl.Float64, "model_mae": pl.Float64,
                "model_baseline_mae": pl.Float64, "model_mae_difference": pl.Float64,
                "model_difference_ci_low": pl.Float64, "model_difference_ci_high": pl.Float64,
                "model_verdict": pl.String, "model_coverage": pl.Float64, "model_coverage_ci_low": pl.Float64,
                "model_coverage_ci_high": pl.Float64, "model_interval_width": pl.Float64,
                "model_interval_median_width": pl.Float64, "baseline_coverage": pl.Float64,
                "baseline_coverage_ci_low": pl.Float64, "baseline_coverage_ci_high": pl.Float64,
                "baseline_interval_width": pl.Float64}
"""The model's figures on its held-out players, the same on every row (`model_figures`)."""
PREDICTION_SCHEMA = {"player_id": pl.String, "rank_index": pl.Float64, "predicted_rank_index": pl.Float64,
                     "interval_low": pl.Float64, "interval_high": pl.Float64, "games": pl.Int64,
                     "held_out": pl.Boolean, "playlist": pl.String, "baseline_rank_index": pl.Float64,
                     "baseline_interval_low": pl.Float64, "baseline_interval_high": pl.Float64, "rank_from": pl.String,
                     **MODEL_SCHEMA}


def _covered(name: str, summary: dict) -> dict:
    """A `coverage_summary` as published: its coverage with its Wilson interval and its mean width, none of them
    where the interval is unbounded."""
    bounded = summary["width"] is not None
    return {f"{name}_coverage": summary["coverage"] if bounded else None,
            f"{name}_coverage_ci_low": summary["coverage_ci_low"] if bounded else None,
            f"{name}_coverage_ci_high": summary["coverage_ci_high"] if bounded else None,
            f"{name}_interval_width": summary["width"]}


def model_figures(errors: np.ndarray, baseline_errors: np.ndarray, versus: dict, model_interval: dict,
                  baseline_interval: dict) -> dict:
    """The rank model's figures on the held-out players it is judged on, as each row of `rank_predictions` publishes
    them (`MODEL_SCHEMA`): their number, the model's root mean squared and mean absolute errors beside the playlist
    median's, the paired difference of the two with its interval and verdict (`versus`, `against_baseline`), and
    each interval's coverage and width (`model_interval`, `baseline_interval`: `coverage_summary`)."""
    n = len(errors)
    return {"model_players": n, "model_rmse": float(np.sqrt(np.mean(errors ** 2))) if n else None,
            "model_mae": float(np.abs(errors).mean()) if n else None,
            "model_baseline_mae": float(np.abs(baseline_errors).mean()) if n else None,
            "model_mae_difference": versus["mae_difference"], "model_difference_ci_low": versus["ci_low"],
            "model_difference_ci_high": versus["ci_high"], "model_verdict": versus["verdict"],
            **_covered("model", model_interval),
            "model_interval_median_width": model_interval["median_width"] if model_interval["width"] is not None
            else None, **_covered("baseline", baseline_interval)}


def _bounded(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan)


def predict_ranks(features: pl.DataFrame, seed: int = 0, lobby: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """Per player: actual and predicted rank index with its 95 % interval (`conformal_intervals`; null ends where
    unbounded), the games their stats are means of, whether the player was held out, their main playlist, the
    playlist's median rank among the training players (`baseline_rank_index`, `playlist_medians`) and the baseline's
    own 95 % interval (that median ± the `conformal_quantile` of the training players' distances from their
    playlist's median), and on every row the model's figures on the held-out players it is judged on
    (`model_figures`: what the API answers); metadata: the model's and the baselines' errors and both intervals'
    coverage on the held-out players (None with a reason if there are fewer than `MIN_PLAYERS` players).

    A seeded `HOLDOUT_SHARE` of the players is held out and `ridge` learns from the others, on every stat's mean and
    the playlists' shares; a feature with fewer than two distinct values among the training players is left out. Each
    error is the mean absolute error in divisions with its 95 % interval and n (`mae_interval`), beside the
    playlist's median rank (the baseline the API reports), the training mean rank and, when `lobby` is given, the
    lobby's average rank (`lobby_ranks`: what matchmaking alone says); each verdict compares the paired errors
    (`against_baseline`). Each interval's coverage of the held-out players has its Wilson interval and n beside its
    mean width (`coverage_summary`), and `rmse_interval_width` is the width ±1.96 held-out root mean squared errors
    would give. On real files few ranked player-games carry full stats, so the model's n is small and is published
    with its error.

    A player whose rank is stated, not given by a game (`rank_from` `stated`), is predicted but never learnt from nor
    judged on: held out, and left out of every figure of the metadata."""
    if "rank_from" not in features.columns:
        features = features.with_columns(rank_from=pl.lit(GAME))
    claimed = (features["rank_from"] == STATED).to_numpy()
    if int((~claimed).sum()) < MIN_PLAYERS:
        return pl.DataFrame(schema=PREDICTION_SCHEMA), {"mae_divisions": None, "baseline_mae_divisions": None,
                                                        "reason": f"fewer than {MIN_PLAYERS} ranked players"}
    y = features["rank_index"].cast(pl.Float64).to_numpy()
    games = features["games"].to_numpy()
    held_out = np.full(len(y), True)
    held_out[~claimed] = np.random.default_rng(seed).random(int((~claimed).sum())) < HOLDOUT_SHARE
    judged = held_out & ~claimed
    training = features.filter(pl.Series(~held_out))
    columns = [c for c in features.columns if c not in ("player_id", "rank_index", "games", "rank_from")
               and training[c].drop_nulls().drop_nans().n_unique() > 1]
    fit = ridge(features.select(columns).cast(pl.Float64).to_numpy(), y, ~held_out)
    predicted = fit.predicted
    main, median = playlist_medians(features, ~held_out)
    low, high = conformal_intervals(predicted, fit, ~held_out, main, games)
    baseline_half = conformal_quantile(np.abs(y - median)[~held_out])
    baseline = float(y[~held_out].mean())
    lobby_rank = (features.select("player_id").join(lobby, on="player_id", how="left")["lobby_rank"].to_numpy()
                  if lobby is not None else np.full(len(y), np.nan))
    with_lobby = judged & ~np.isnan(lobby_rank.astype(float))
    errors, median_errors = predicted[judged] - y[judged], median[judged] - y[judged]
    versus_median = against_baseline(errors, median_errors)
    model_interval = coverage_summary(y[judged], low[judged], high[judged])
    median_interval = coverage_summary(y[judged], median[judged] - baseline_half, median[judged] + baseline_half)
    metadata = {
        "mae_divisions": float(np.abs(errors).mean()),
        "baseline_mae_divisions": float(np.abs(baseline - y[judged]).mean()),
        "held_out_players": int(judged.sum()), "training_players": int((~held_out).sum()),
        "features": len(columns), "ridge_penalty": fit.penalty, "nominal_coverage": PREDICTION_COVERAGE,
        "thin_evidence_players": int((games[~claimed] < THIN_GAMES).sum()),
        "stated_players": int(claimed.sum()),
        "rmse_interval_width": float(2 * Z_95 * np.sqrt(np.mean(errors ** 2))),
        **_flat("model", mae_interval(errors)),
        **_flat("model_interval", model_interval), **_flat("playlist_median_interval", median_interval),
        **_flat("mean_baseline", mae_interval(baseline - y[judged])),
        **_flat("playlist_median_baseline", mae_interval(median_errors)),
        **_flat("lobby_baseline", mae_interval(lobby_rank[with_lobby] - y[with_lobby])),
        **_flat("model_where_lobby", mae_interval(predicted[with_lobby] - y[with_lobby])),
        **_flat("model_vs_mean", against_baseline(errors, baseline - y[judged])),
        **_flat("model_vs_playlist_median", versus_median),
        **_flat("model_vs_lobby", against_baseline(predicted[with_lobby] - y[with_lobby],
                                                   lobby_rank[with_lobby] - y[with_lobby])),
    }
    frame = pl.DataFrame({"player_id": features["player_id"], "rank_index": y, "predicted_rank_index": predicted,
                          "interval_low": _bounded(low), "interval_high": _bounded(high), "games": games,
                          "held_out": held_out, "playlist": main, "baseline_rank_index": median,
                          "baseline_interval_low": _bounded(median - baseline_half),
                          "baseline_interval_high": _bounded(median + baseline_half),
                          "rank_from": features["rank_from"],
                          **{name: [value] * len(y) for name, value in model_figures(
                              errors, median_errors, versus_median, model_interval, median_interval).items()}},
                         schema=PREDICTION_SCHEMA).fill_nan(None)
    return frame, metadata


def rank_predictions(stats: pl.DataFrame, seen: pl.DataFrame,
                     stated: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """`rank_predictions` (`predict_ranks` over `player_features`, with the lobby baseline; a player no game gave a
    rank predicted beside the rank they stated in `stated`) and its figures: the model's and the baselines' errors
    and the players' rank histories (`rank_histories`)."""
    ranks = seen.filter(~pl.col("is_bot")).sort("last_played_at").group_by("player_id").agg(
        pl.col("rank_index").drop_nulls().last())
    lobby = lobby_ranks(stats.select("match_id", "player_id"), ranks)
    predictions, metadata = predict_ranks(player_features(stats, seen, stated), lobby=lobby)
    return predictions, {**metadata, **rank_histories(seen)}
