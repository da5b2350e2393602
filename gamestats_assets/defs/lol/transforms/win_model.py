"""Win probability from the game state at 10 and 15 minutes (logistic regression, statsmodels), scored on
held-out games beside a gold-difference baseline (`win_model`).

statsmodels is imported by the function that uses it, so loading the code location does not load it."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import counted
from gamestats_assets.defs.lol.transforms.std import TEAM_OF_PARTICIPANT, objective_takes
from gamestats_assets.defs.lol.transforms.tested import LOG_ODDS, as_findings, with_q
from gamestats_assets.lib.core.stats import Z_95

MINUTES = (10, 15)
FEATURES = ("gold_diff_k", "xp_diff_k", "kills_diff", "dragons_diff", "heralds_diff", "towers_diff")
HELD_OUT_SHARE = 5
"""One game in this many is held out."""
MIN_GAMES = 40
BASELINE = ("gold_diff_k",)
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
BOOTSTRAP_BLOCK = 100
"""Resamples weighed at once (a block holds resamples × held-out games weights)."""
GROUP = ("queue", "patch")

QUALITY = ("accuracy", "auc", "baseline_accuracy", "baseline_auc", "auc_gain")
MODEL_SCHEMA = {"queue": pl.String, "patch": pl.String, "minute": pl.Int32, "term": pl.String,
                "coefficient": pl.Float64, "std_error": pl.Float64, "p_value": pl.Float64, "n_train": pl.Int64,
                "n_test": pl.Int64, **{f"{measure}{end}": pl.Float64 for measure in QUALITY
                                       for end in ("", "_ci_low", "_ci_high")}}


def game_state(events: pl.DataFrame, frames: pl.DataFrame, matches: pl.DataFrame, minute: int) -> pl.DataFrame:
    """The game state at `minute`: one row per match with a known winner and a frame at that minute, with
    the features, `blue_win` and `held_out`. Features are blue minus red: total gold and xp (thousands) from
    the participant frame of the minute, and champion kills, dragons, heralds and towers taken before it."""
    sign = pl.when(pl.col("team_id") == 100).then(1).otherwise(-1)
    events, frames, matches = events.lazy(), frames.lazy(), matches.lazy()
    at_minute = frames.filter(pl.col("frame_index") == minute).with_columns(TEAM_OF_PARTICIPANT.alias("team_id"))
    economy = at_minute.group_by("match_id").agg((sign * pl.col("total_gold")).sum().truediv(1000).alias("gold_diff_k"),
                                                  (sign * pl.col("xp")).sum().truediv(1000).alias("xp_diff_k"))
    before = pl.col("timestamp") < minute * 60_000
    kills = events.filter((pl.col("type") == "CHAMPION_KILL") & before & pl.col("killer_id").is_between(1, 10)).select(
        "match_id", pl.lit("kill").alias("objective"),
        pl.when(pl.col("killer_id") <= 5).then(100).otherwise(200).alias("team_id"))
    takes = pl.concat([kills, objective_takes(events).filter(before).select("match_id", "objective", "team_id")],
                      how="vertical_relaxed")
    counts = takes.group_by("match_id").agg(
        *[(sign * (pl.col("objective") == objective)).sum().alias(f"{name}_diff")
          for objective, name in (("kill", "kills"), ("dragon", "dragons"), ("herald", "heralds"), ("tower", "towers"))])
    return (economy.join(counts, on="match_id", how="left").fill_null(0)
            .join(matches.filter(pl.col("winning_team_id").is_not_null())
                  .select("match_id", (pl.col("winning_team_id") == 100).alias("blue_win")), on="match_id")
            .with_columns(pl.lit(minute, dtype=pl.Int32).alias("minute"), held_out())
            .select("match_id", "minute", *FEATURES, "blue_win", "held_out")
            .sort("match_id").collect())


def held_out() -> pl.Expr:
    """Whether a game is held out: its game id (the number after the platform) modulo `HELD_OUT_SHARE` is 0."""
    game_id = pl.col("match_id").str.split("_").list.last().cast(pl.Int64, strict=False).fill_null(0)
    return (game_id % HELD_OUT_SHARE == 0).alias("held_out")


def game_states(events: pl.DataFrame, frames: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """STD `game_states`: the state of every game at each of `MINUTES`, key (match_id, minute)."""
    return pl.concat([game_state(events, frames, matches, minute) for minute in MINUTES])


def weighted_auc(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Area under the ROC curve of each row of `weights` (games counted that many times): the chance a
    random win scores above a random loss, ties counting half (Mann–Whitney). NaN without a win or a loss."""
    groups, index = np.unique(score, return_inverse=True)
    samples, games = weights.shape
    cells = (np.repeat(np.arange(samples), games) * len(groups) + np.tile(index, samples))
    def per_score(weight: np.ndarray) -> np.ndarray:
        return np.bincount(cells, weights=weight.ravel(), minlength=samples * len(groups)).reshape(samples, -1)
    wins, losses = per_score(weights * truth), per_score(weights * ~truth)
    below = np.cumsum(losses, axis=1) - losses
    with np.errstate(divide="ignore", invalid="ignore"):
        return (wins * (below + losses / 2)).sum(axis=1) / (wins.sum(axis=1) * losses.sum(axis=1))


def weighted_accuracy(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Share of games (counted as `weights`' rows say) whose predicted winner (chance ≥ 0.5) won."""
    return weights @ ((score >= 0.5) == truth).astype(float) / weights.sum(axis=1)


def fitted(train: pl.DataFrame, test: pl.DataFrame, features: list[str]):
    """A logistic fit on `train`'s `features` and its predicted win chance for `test`."""
    import statsmodels.api as sm
    design = [sm.add_constant(frame.select(features).to_numpy().astype(float), has_constant="add")
              for frame in (train, test)]
    fit = sm.Logit(train["blue_win"].cast(pl.Float64).to_numpy(), design[0]).fit(disp=0, maxiter=200)
    return fit, fit.predict(design[1])


def bootstrap_quality(truth: np.ndarray, model: np.ndarray, baseline: np.ndarray) -> dict[str, float]:
    """Held-out quality of the model and the baseline, each with its 95 % percentile bootstrap interval: every
    resample counts each held-out game as often as a multinomial draw says, in blocks of `BOOTSTRAP_BLOCK`."""
    truth = truth.astype(bool)

    def measures(weights: np.ndarray) -> np.ndarray:
        model_auc, baseline_auc = (weighted_auc(truth, s, weights) for s in (model, baseline))
        return np.column_stack([weighted_accuracy(truth, model, weights), model_auc,
                                weighted_accuracy(truth, baseline, weights), baseline_auc, model_auc - baseline_auc])

    rng = np.random.default_rng(BOOTSTRAP_SEED)
    games = len(truth)
    draws = np.vstack([measures(rng.multinomial(games, np.full(games, 1 / games),
                                                size=min(BOOTSTRAP_BLOCK, BOOTSTRAP_RESAMPLES - start)).astype(float))
                       for start in range(0, BOOTSTRAP_RESAMPLES, BOOTSTRAP_BLOCK)])
    point = measures(np.ones((1, games)))[0]
    low, high = np.nanpercentile(draws, [2.5, 97.5], axis=0)
    return {f"{name}{end}": float(value) for i, name in enumerate(QUALITY)
            for end, value in (("", point[i]), ("_ci_low", low[i]), ("_ci_high", high[i]))}


def fitted_models(states: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """The terms of each queue, patch and minute's model (`win_model` before the q), each coefficient with its Wald
    interval (`coefficient_ci_low`, `coefficient_ci_high`: ± 1.96 standard errors)."""
    rift = counted(games, summoners_rift=True).select("match_id", *GROUP)
    rows = []
    for key, group in states.join(rift, on="match_id").partition_by(*GROUP, "minute", as_dict=True).items():
        *where, minute = key
        train, test = group.filter(~pl.col("held_out")), group.filter(pl.col("held_out"))
        if train.height < MIN_GAMES or train["blue_win"].n_unique() < 2 or test.height == 0:
            continue
        features = [f for f in FEATURES if train[f].n_unique() > 1]
        fit, predicted = fitted(train, test, features)
        _, baseline = fitted(train, test, list(BASELINE))
        quality = bootstrap_quality(test["blue_win"].to_numpy(), predicted, baseline)
        for term, coefficient, error, p in zip(["const", *features], fit.params, fit.bse, fit.pvalues, strict=True):
            rows.append({**dict(zip(GROUP, where, strict=True)), "minute": minute, "term": term,
                         "coefficient": coefficient, "std_error": error, "p_value": p, "n_train": train.height,
                         "n_test": test.height, **quality})
    half = Z_95 * pl.col("std_error")
    return pl.DataFrame(rows, schema=MODEL_SCHEMA).with_columns(
        (pl.col("coefficient") - half).alias("coefficient_ci_low"), (pl.col("coefficient") + half)
        .alias("coefficient_ci_high"))


def with_term_q(terms: pl.DataFrame) -> pl.DataFrame:
    """`fitted_models` of every queue, patch and minute with the q of each term but the intercept (`const`) over
    every such term of the table with a coefficient, standard error and p, `significant` and `measure`."""
    term = (pl.col("term") != "const") & pl.all_horizontal(pl.col("coefficient", "std_error", "p_value").is_not_null())
    family = with_q(terms.filter(term))
    return as_findings(pl.concat([family, terms.filter(~term)], how="diagonal_relaxed"), LOG_ODDS).sort(
        *GROUP, "minute", "term")


def win_model(states: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """The fitted models on `game_states`: one row per (queue, patch, minute, term) with coefficient,
    standard error and p, and the model's n_train, n_test, held-out accuracy and AUC beside the gold-difference
    baseline's, with bootstrap intervals (`bootstrap_quality`; the AUC gain over the baseline is resampled
    paired). Models are fitted within one queue and patch, on counted Summoner's Rift games; the target is
    a blue win. A queue, patch and minute with fewer than `MIN_GAMES` training games, or only one outcome,
    is left out. The finding of a term but the intercept: its log-odds coefficient with its Wald interval, its p,
    the Benjamini–Hochberg `q_value` over every such term of the table, `significant` and `measure` (`log_odds`);
    the intercept's q is null."""
    return with_term_q(fitted_models(states, games))
