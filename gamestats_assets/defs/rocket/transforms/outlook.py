"""A player's rank outlook: where their rank is heading over the next `HORIZON_DAYS`, from the trend of their own
known ranks and, where the published players show it to matter, their training progress, said plainly when the
evidence is thin (`rank_outlook`).

A rank is taken as a random walk with drift: from one known day to the next it moves by the drift times the days
between them plus an independent step whose variance grows with those days. The drift is the rank's change from its
first to its last known day (in the last `WINDOW_DAYS`) over the days between; the step's variance per day is
estimated from the changes between known days, never below what a whole-division rank's rounding gives them, so
that a rank unchanged on three days is not called certain. The change over `HORIZON_DAYS` is the drift times them,
its 95 % interval Student's t over the walk's spread in that time and the drift's own error. The outlook is judged on
the players it can be tested on (`backtest`): each one's last known rank predicted from their days before it,
against the baseline of no change (their rank of the day before).

Training progress is the change of a player's training success rate from the `HORIZON_DAYS` before to the last
`HORIZON_DAYS`. Over the tested players, what the trend missed is regressed on their progress as of the day the
trend was fitted to, times the days it looked ahead (`training_relation`); only where that slope's interval excludes
none, over at least `MIN_TRAINED_PLAYERS` players, does a player's progress move their predicted change, and its
error widens the interval (`with_training`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from gamestats_assets.defs.rocket.transforms.rank import against_baseline, mae_interval
from gamestats_assets.defs.rocket.transforms.stated import GAME, STATED, stated_days
from gamestats_assets.lib.core.stats import wilson_bounds

HORIZON_DAYS = 28
"""How far ahead the rank change is predicted."""
WINDOW_DAYS = 56
"""The days of known ranks a trend is fitted on, back from the player's latest."""
MIN_RANK_DAYS = 3
"""The fewest days with a known rank a trend is fitted on (two points leave no error to judge it by)."""
MIN_TRAINED_PLAYERS = 20
"""The fewest tested players with a training progress over which training's relation to a rank's change is
estimated."""
ROUNDING_VARIANCE = 1 / 6
"""The variance a change between two known whole-division ranks carries from their rounding alone: the least a
step between known days is given."""

OUTLOOK = {
    "rank_index": pl.Int64, "rank_days": pl.Int64, "first_rank_day": pl.Date, "last_rank_day": pl.Date,
    "trend_per_week": pl.Float64, "trend_ci_low": pl.Float64, "trend_ci_high": pl.Float64,
    "predicted_change": pl.Float64, "change_ci_low": pl.Float64, "change_ci_high": pl.Float64,
    "outlook": pl.String, "training_sessions": pl.Int64, "training_success_rate": pl.Float64,
    "training_success_ci_low": pl.Float64, "training_success_ci_high": pl.Float64,
    "training_success_rate_before": pl.Float64, "tested_trend": pl.Float64, "tested_no_change": pl.Float64,
    "training_progress": pl.Float64, "training_change": pl.Float64, "tested_training_progress": pl.Float64,
    "training_effect": pl.Float64, "training_effect_ci_low": pl.Float64, "training_effect_ci_high": pl.Float64,
    "training_effect_players": pl.Int64, "training_effect_applied": pl.Boolean, "rank_from": pl.String,
}
BACKTEST = {"backtest_players": pl.Int64, "backtest_trend_mae": pl.Float64, "backtest_no_change_mae": pl.Float64,
            "backtest_difference_ci_low": pl.Float64, "backtest_difference_ci_high": pl.Float64,
            "backtest_verdict": pl.String}
"""The trend's backtest (`judged`), the same on every row."""


def known_ranks(seen: pl.DataFrame, stated: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per human player and day with a known rank: player_id, date, rank_index, within `WINDOW_DAYS` of the
    player's latest such day, and `rank_from`: the days a game gave one (`cons/users`, `game`), else, for a player of
    `seen` no game gave one, the days they stated one (`stated`: every statement, `stated.stated_days`)."""
    humans = seen.filter(~pl.col("is_bot"))
    daily = (humans.filter(pl.col("rank_index").is_not_null())
             .select("player_id", "date", pl.col("rank_index").cast(pl.Float64))
             .unique(["player_id", "date"], keep="last").with_columns(rank_from=pl.lit(GAME)))
    if stated is not None and stated.height:
        claimed = (stated_days(stated).join(humans.select("player_id").unique(), on="player_id")
                   .join(daily.select("player_id").unique(), on="player_id", how="anti")
                   .select("player_id", "date", pl.col("rank_index").cast(pl.Float64), rank_from=pl.lit(STATED)))
        daily = pl.concat([daily, claimed])
    latest = pl.col("date").max().over("player_id")
    return daily.filter(pl.col("date") > latest - dt.timedelta(days=WINDOW_DAYS)).sort("player_id", "date")


def fitted(ranks: pl.DataFrame) -> pl.DataFrame:
    """Per player of `ranks` (player_id, date, rank_index, rank_from): their days (`n`), first and last day, latest
    rank and where it comes from, the sum and count of their ranks (for a line through them), the drift per day and
    its standard error, and the walk's step variance per day (`step_variance`) (drift null under `MIN_RANK_DAYS`
    days)."""
    by = "player_id"
    gap = (pl.col("date") - pl.col("date").shift(1).over(by)).dt.total_days().cast(pl.Float64)
    steps = ranks.sort(by, "date").with_columns(gap.alias("gap"), pl.col("rank_index").diff().over(by).alias("step"))
    walks = steps.group_by(by).agg(
        pl.len().alias("n"), pl.col("date").min().alias("first_rank_day"), pl.col("date").max().alias("last_rank_day"),
        pl.col("rank_index").last().cast(pl.Int64).alias("rank_index"), pl.col("rank_index").sum().alias("sy"),
        (pl.col("rank_index").last() - pl.col("rank_index").first()).alias("rise"), pl.col("gap").sum().alias("span"),
        pl.col("rank_from").first())
    drift = pl.col("rise") / pl.col("span")
    spread = (steps.join(walks.select(by, drift.alias("drift")), on=by).filter(pl.col("gap") > 0)
              .group_by(by).agg(((pl.col("step") - pl.col("drift") * pl.col("gap")) ** 2 / pl.col("gap")).sum()
                                .alias("squares")))
    enough = (pl.col("n") >= MIN_RANK_DAYS) & (pl.col("span") > 0)
    variance = pl.max_horizontal(pl.col("squares") / (pl.col("n") - 2),
                                 ROUNDING_VARIANCE * (pl.col("n") - 1) / pl.col("span"))
    return (walks.join(spread, on=by, how="left")
            .with_columns(pl.when(enough).then(drift).alias("slope"), pl.when(enough).then(variance).alias("step_variance"))
            .with_columns((pl.col("step_variance") / pl.col("span")).sqrt().alias("slope_se")))


def with_change(trends: pl.DataFrame) -> pl.DataFrame:
    """`fitted`'s rows with the drift per week and its 95 % interval, the change predicted over `HORIZON_DAYS` and its
    95 % prediction interval (the walk's spread over them and the drift's error), and the days (`rank_days`)."""
    from scipy.stats import t as student

    quantile = {n: float(student.ppf(0.975, n - 2)) for n in trends["n"].unique().to_list() if n >= MIN_RANK_DAYS}
    t = pl.col("n").replace_strict(quantile, default=None, return_dtype=pl.Float64)
    half = t * pl.col("slope_se")
    ahead = t * (pl.col("step_variance") * (HORIZON_DAYS + HORIZON_DAYS ** 2 / pl.col("span"))).sqrt()
    change = pl.col("slope") * HORIZON_DAYS
    rows = trends.with_columns(
        (pl.col("slope") * 7).alias("trend_per_week"), ((pl.col("slope") - half) * 7).alias("trend_ci_low"),
        ((pl.col("slope") + half) * 7).alias("trend_ci_high"), change.alias("predicted_change"),
        (change - ahead).alias("change_ci_low"), (change + ahead).alias("change_ci_high"))
    return rows.with_columns(pl.col("n").alias("rank_days"))


OUTLOOK_WORDS = (pl.when(pl.col("slope").is_null()).then(pl.lit("too few ranked days to tell"))
                 .when(pl.col("change_ci_low") > 0).then(pl.lit("rising"))
                 .when(pl.col("change_ci_high") < 0).then(pl.lit("falling"))
                 .otherwise(pl.lit("no change can be told")))
"""The outlook in words, from the predicted change's interval."""


def training(sessions: pl.DataFrame, last_days: pl.DataFrame) -> pl.DataFrame:
    """Per player of `last_days` (player_id, last_rank_day): their training sessions in the `HORIZON_DAYS` up to
    that day, the success rate over them with its Wilson interval, the success rate of the `HORIZON_DAYS` before
    (null without sessions), and the progress from the one to the other (`training_progress`)."""
    days = (pl.col("last_rank_day") - pl.col("date")).dt.total_days()
    held = sessions.select("player_id", "date", "attempts", "successes").join(last_days, on="player_id")
    recent = held.filter(days.is_between(0, HORIZON_DAYS - 1)).group_by("player_id").agg(
        pl.len().alias("training_sessions"), pl.col("attempts").sum().alias("attempts"),
        pl.col("successes").sum().alias("successes"))
    before = held.filter(days.is_between(HORIZON_DAYS, 2 * HORIZON_DAYS - 1)).group_by("player_id").agg(
        (pl.col("successes").sum() / pl.col("attempts").sum()).alias("training_success_rate_before"))
    bounds = [wilson_bounds(int(s), int(a)) if a else (None, None)
              for s, a in recent.select("successes", "attempts").iter_rows()]
    recent = recent.with_columns(
        pl.when(pl.col("attempts") > 0).then(pl.col("successes") / pl.col("attempts")).alias("training_success_rate"),
        pl.Series("training_success_ci_low", [b[0] for b in bounds], pl.Float64),
        pl.Series("training_success_ci_high", [b[1] for b in bounds], pl.Float64))
    return (recent.drop("attempts", "successes").join(before, on="player_id", how="left")
            .with_columns((pl.col("training_success_rate") - pl.col("training_success_rate_before"))
                          .alias("training_progress")))


def backtest(ranks: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """The outlook tested where it can be: per player with more than `MIN_RANK_DAYS` known days, their last known
    rank as the drift over the days before it predicts it (`tested_trend`: the rank of the day before moved by the
    drift over the days between) and as no change does (`tested_no_change`, their rank of the day before), the
    days between (`tested_days`) and their training progress as of the day before (`tested_training_progress`)."""
    last = pl.col("date") == pl.col("date").max().over("player_id")
    earlier = ranks.filter(~last & (pl.len().over("player_id") > MIN_RANK_DAYS))
    trends = fitted(earlier).filter(pl.col("slope").is_not_null())
    target = ranks.filter(last).select("player_id", pl.col("date").alias("target_day"))
    days = (pl.col("target_day") - pl.col("last_rank_day")).dt.total_days()
    progress = training(sessions, trends.select("player_id", "last_rank_day")).select(
        "player_id", pl.col("training_progress").alias("tested_training_progress"))
    return trends.join(target, on="player_id").join(progress, on="player_id", how="left").select(
        "player_id", (pl.col("rank_index") + pl.col("slope") * days).alias("tested_trend"),
        pl.col("rank_index").cast(pl.Float64).alias("tested_no_change"), days.alias("tested_days"),
        "tested_training_progress")


def training_relation(tested: pl.DataFrame) -> dict[str, float | int | bool | None]:
    """Over the tested players with a training progress (`backtest`'s rows with `rank_index`): the least-squares slope
    of what the trend missed (`rank_index − tested_trend`) on the player's progress times the days it looked ahead,
    each taken from its mean among the players of as many days ahead (so that how far ahead, and when the progress was
    measured, explain nothing; a player no other was tested as far ahead of tells nothing and is left out), as divisions over `HORIZON_DAYS` per unit of progress (`training_effect`), with its
    95 % interval (Student's t over a standard error robust to errors that grow with the distance ahead) and n
    (`training_effect_players`), and whether it moves predictions (`training_effect_applied`: at least
    `MIN_TRAINED_PLAYERS` players and an interval that excludes none)."""
    from scipy.stats import t as student

    rows = (tested.filter(pl.col("tested_training_progress").is_not_null() & (pl.col("tested_days") > 0))
            .filter(pl.len().over("tested_days") > 1)
            .with_columns(missed=pl.col("rank_index") - pl.col("tested_trend"),
                          trained=pl.col("tested_training_progress") * pl.col("tested_days"))
            .with_columns((pl.col(name) - pl.col(name).mean().over("tested_days")).alias(name)
                          for name in ("missed", "trained")))
    n, groups = rows.height, rows["tested_days"].n_unique()
    x, y = rows["trained"].to_numpy(), rows["missed"].to_numpy()
    spread = float(x @ x) if n else 0.0
    if n - groups < 2 or spread == 0:
        return {"training_effect": None, "training_effect_ci_low": None, "training_effect_ci_high": None,
                "training_effect_players": n, "training_effect_applied": False}
    slope = float(x @ y) / spread
    residual = y - slope * x
    error = float(np.sqrt((n / (n - groups - 1)) * float((x * residual) @ (x * residual))) / spread)
    effect, half = slope * HORIZON_DAYS, float(student.ppf(0.975, n - groups - 1)) * error * HORIZON_DAYS
    return {"training_effect": effect, "training_effect_ci_low": effect - half,
            "training_effect_ci_high": effect + half, "training_effect_players": n,
            "training_effect_applied": n >= MIN_TRAINED_PLAYERS and (effect - half > 0 or effect + half < 0)}


def with_training(outlook: pl.DataFrame, relation: dict) -> pl.DataFrame:
    """The outlook's rows with the training relation (`training_relation`) on every row and, where it is applied and
    a player has a progress, the change it adds (`training_change`: the effect times the progress) in their predicted
    change, its interval widened by the effect's own (the two halves added in quadrature), and the outlook in words
    (`OUTLOOK_WORDS`) of the result."""
    effect = relation["training_effect"] if relation["training_effect_applied"] else None
    shift = pl.lit(effect, pl.Float64) * pl.col("training_progress")
    extra = pl.lit(effect - relation["training_effect_ci_low"] if effect is not None else None,
                   pl.Float64) * pl.col("training_progress")
    half = ((pl.col("change_ci_high") - pl.col("change_ci_low")) / 2) ** 2 + extra.fill_null(0.0) ** 2
    centre = pl.col("predicted_change") + shift.fill_null(0.0)
    return (outlook.with_columns(shift.alias("training_change"),
                                 *(pl.lit(value, OUTLOOK[name]).alias(name) for name, value in relation.items()))
            .with_columns(centre.alias("predicted_change"), (centre - half.sqrt()).alias("change_ci_low"),
                          (centre + half.sqrt()).alias("change_ci_high"))
            .with_columns(OUTLOOK_WORDS.alias("outlook")))


def judged(outlook: pl.DataFrame) -> dict:
    """The trend's and no change's mean absolute error (divisions, 95 % interval, n) over the players tested
    (`backtest`), and their paired difference with its verdict (`against_baseline`): the trend alone, as the
    training relation is estimated on these same players."""
    tested = outlook.filter(pl.col("tested_trend").is_not_null())
    model = (tested["tested_trend"] - tested["rank_index"]).to_numpy()
    baseline = (tested["tested_no_change"] - tested["rank_index"]).to_numpy()
    return {**{f"trend_{k}": v for k, v in mae_interval(model).items()},
            **{f"no_change_{k}": v for k, v in mae_interval(baseline).items()},
            **{f"trend_vs_no_change_{k}": v for k, v in against_baseline(model, baseline).items()}}


def rank_outlook(seen: pl.DataFrame, sessions: pl.DataFrame,
                 stated: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """`rank_outlook`: per human player with a known rank (key `player_id`), their latest rank, the days it is known
    on (in the `WINDOW_DAYS` before their latest) and where it comes from (`rank_from`: `game`, else `stated` for a
    player no game gave one, from their statements `stated`, `known_ranks`), its trend per week and the change
    predicted over `HORIZON_DAYS` with their 95 % intervals (null under `MIN_RANK_DAYS` days), the outlook in words
    (`rising`, `falling`, `no change can be told`, `too few ranked days to tell`), their training over the same
    `HORIZON_DAYS` (sessions, success rate with its Wilson interval, the rate of the days before and the progress
    between) with what it adds to the change where the published players show training to matter
    (`with_training`), and where the trend can be tested (on ranks games gave), its prediction of the latest rank
    and no change's and the progress as of then (`backtest`), with the backtest's figures on every row
    (`with_backtest`); metadata: their errors (`judged`), the training relation (`training_relation`) and the
    players by outlook."""
    ranks = known_ranks(seen, stated)
    trends = with_change(fitted(ranks))
    practice = training(sessions, trends.select("player_id", "last_rank_day"))
    joined = (trends.join(practice, on="player_id", how="left")
              .join(backtest(ranks.filter(pl.col("rank_from") == GAME), sessions), on="player_id", how="left")
              .with_columns(pl.col("training_sessions").fill_null(0)))
    relation = training_relation(joined)
    outlook = (with_training(joined, relation)
               .select("player_id", *(pl.col(name).cast(dtype) for name, dtype in OUTLOOK.items()))
               .sort("player_id"))
    counts = dict(outlook.group_by("outlook").len().iter_rows())
    tested = judged(outlook)
    return with_backtest(outlook, tested), {
        **tested, **relation, "horizon_days": HORIZON_DAYS, "window_days": WINDOW_DAYS, "players": outlook.height,
        **{f"players_{k.replace(' ', '_')}": v for k, v in counts.items()}}


def with_backtest(outlook: pl.DataFrame, tested: dict) -> pl.DataFrame:
    """The outlook's rows with the trend's backtest (`judged`'s figures, `BACKTEST`) on every row: what the API
    answers beside each player's outlook."""
    figures = {"backtest_players": tested["trend_n"], "backtest_trend_mae": tested["trend_mae"],
               "backtest_no_change_mae": tested["no_change_mae"],
               "backtest_difference_ci_low": tested["trend_vs_no_change_ci_low"],
               "backtest_difference_ci_high": tested["trend_vs_no_change_ci_high"],
               "backtest_verdict": tested["trend_vs_no_change_verdict"]}
    return outlook.with_columns(pl.lit(value, BACKTEST[name]).alias(name) for name, value in figures.items())
