"""Skill scores and weakness detection per player, against players of the same rank band and playlist.

For each player (bots aside) and each stat, the player's level over their history: the log-odds of the
pooled rate (sum of numerators over sum of denominators) where the stat is a rate, else the mean. Each skill is read
from indicator stats (``SKILL_INDICATORS``, with the direction in which the stat is good). Against the
peers (players of the same rank band in the playlist the player plays most, at least ``MIN_PEERS`` of
them, each with at least ``MIN_MATCHES`` matches) an indicator's robust z-score is
``direction × (value − median) / (1.4826 × MAD)``; a skill's score is the mean of its indicators' z, and
its z is that score standardised the same robust way against the peers' scores (so indicators that move
together do not count twice); its ``rank_percentile`` is the player's percentile among the peers' scores,
and its one-sided p-value is ``Φ(z)``. A weakness is a skill whose p-value survives the Benjamini–Hochberg
correction at ``FALSE_DISCOVERY_RATE`` over every player and skill tested at once.

scipy and statsmodels are imported by ``skill_scores``, which uses them: they take seconds to load, which
every process loading the code location would pay otherwise.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.rocket.transforms.tables import COUNT_RATES

SKILL_INDICATORS: dict[str, tuple[tuple[str, int], ...]] = {
    "shooting": (("shot_accuracy", 1),),
    "saves": (("save_rate", 1),),
    "aerials": (("aerial_rate", 1), ("time_high_air_share", 1)),
    "boost_management": (("boost_wasted_share", -1), ("time_zero_boost_share", -1)),
    "positioning": (("time_behind_ball_share", 1),),
    "rotation": (("avg_distance_to_mates", 1),),
    "challenges": (("challenge_win_rate", 1),),
}
"""The stats each skill is read from, each with +1 if more is better and −1 if less is better."""
MIN_MATCHES = 3
MIN_PEERS = 10
FALSE_DISCOVERY_RATE = 0.05
MAD_TO_SD = 1.4826
MIN_CLASS_ROWS = 15
"""Rows of each class (planted weak or not) the classifier needs: five folds of calibrated cross-validation
with three inner folds each need at least that many of the rarer class."""


def _logit(numerator: pl.Expr, denominator: pl.Expr, counted: pl.Expr) -> pl.Expr:
    """The log-odds of a pooled rate: empirical (``(k + ½) / (n − k + ½)``) for counted events, of the share
    clipped to [0.001, 0.999] for time shares. Rates are compared on this scale because near 0 or 1 a
    linear scale squeezes the differences that matter (a rare event's rate cannot fall far below its median)."""
    share = (numerator / denominator).clip(0.001, 0.999)
    counted_odds = (numerator + 0.5) / (denominator - numerator + 0.5)
    return pl.when(counted).then(counted_odds.log()).otherwise((share / (1 - share)).log())


def player_levels(stats: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Per player and indicator stat: the player's level over their history (the log-odds of the pooled rate
for a rate, else the mean) and how many matches it has,
    with the player's peer group (latest rank band, main playlist). Bots and players without a rank band
    are left out (they have no peers)."""
    indicators = [stat for pairs in SKILL_INDICATORS.values() for stat, _ in pairs]
    profile = (users.filter(~pl.col("is_bot")).sort("last_played_at")
               .group_by("player_id").agg(pl.col("rank_band").drop_nulls().last(), pl.col("rank_index").drop_nulls().last()))
    playlist = (stats.group_by("player_id", "playlist").agg(games=pl.col("match_id").n_unique())
                .sort("games", "playlist", descending=[True, False]).unique("player_id", keep="first")
                .select("player_id", "playlist"))
    return (
        stats.filter(pl.col("stat_type").is_in(indicators) & pl.col("value").is_not_null())
        .join(playlist, on=["player_id", "playlist"])
        .group_by("player_id", "playlist", "stat_type").agg(
            numerator=pl.col("numerator").sum(), denominator=pl.col("denominator").sum(),
            is_rate=pl.col("denominator").is_not_null().all(), mean=pl.col("value").mean(),
            matches=pl.col("match_id").n_unique(),
        )
        .with_columns(level=pl.when(pl.col("is_rate") & (pl.col("denominator") > 0))
                      .then(_logit(pl.col("numerator"), pl.col("denominator"), pl.col("stat_type").is_in(COUNT_RATES)))
                      .otherwise(pl.col("mean")))
        .drop("numerator", "denominator", "is_rate", "mean")
        .join(profile, on="player_id")
        .filter(pl.col("rank_band") != "unranked")
    )


def skill_scores(levels: pl.DataFrame) -> pl.DataFrame:
    """Per player and skill (key ``player_id, skill``): peer group, indicators used, combined z, rank
    percentile among peers, p-value, BH-adjusted p-value and ``is_weak``; a skill the player cannot be
    compared on has a null z and ``null_reason``."""
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests
    direction = pl.DataFrame(
        [(skill, stat, sign) for skill, pairs in SKILL_INDICATORS.items() for stat, sign in pairs],
        schema={"skill": pl.String, "stat_type": pl.String, "direction": pl.Int8}, orient="row")
    eligible = levels.filter(pl.col("matches") >= MIN_MATCHES)
    group = ["rank_band", "playlist", "stat_type"]
    peers = eligible.with_columns(
        median=pl.col("level").median().over(group),
        peers=pl.len().over(group),
    ).with_columns(mad=(pl.col("level") - pl.col("median")).abs().median().over(group) * MAD_TO_SD)
    combined = (
        peers.filter((pl.col("peers") >= MIN_PEERS) & (pl.col("mad") > 0))
        .join(direction, on="stat_type")
        .with_columns(z=pl.col("direction") * (pl.col("level") - pl.col("median")) / pl.col("mad"))
        .group_by("player_id", "rank_band", "rank_index", "playlist", "skill").agg(
            combined=pl.col("z").mean(),
            indicators=pl.col("stat_type").sort().str.join(","),
            matches=pl.col("matches").min(), peers=pl.col("peers").min(),
        )
    )
    skill_group = ["rank_band", "playlist", "skill"]
    scored = (
        combined.with_columns(centre=pl.col("combined").median().over(skill_group))
        .with_columns(spread=(pl.col("combined") - pl.col("centre")).abs().median().over(skill_group) * MAD_TO_SD)
        .filter(pl.col("spread") > 0)
        .with_columns(z=(pl.col("combined") - pl.col("centre")) / pl.col("spread"),
                      rank_percentile=100 * (pl.col("combined").rank("average").over(skill_group) - 0.5)
                      / pl.len().over(skill_group))
        .drop("combined", "centre", "spread")
    )
    if scored.height:
        p_values = norm.cdf(scored["z"].to_numpy())
        rejected, adjusted, _, _ = multipletests(p_values, alpha=FALSE_DISCOVERY_RATE, method="fdr_bh")
        scored = scored.with_columns(p_value=pl.Series(p_values), p_adjusted=pl.Series(adjusted),
                                     is_weak=pl.Series(rejected))
    else:
        scored = scored.with_columns(p_value=pl.lit(None, pl.Float64), p_adjusted=pl.lit(None, pl.Float64),
                                     is_weak=pl.lit(None, pl.Boolean))
    players = levels.select("player_id", "rank_band", "rank_index", "playlist").unique()
    grid = players.join(pl.DataFrame({"skill": list(SKILL_INDICATORS)}), how="cross")
    return (
        grid.join(scored.drop("rank_band", "rank_index", "playlist"), on=["player_id", "skill"], how="left")
        .with_columns(null_reason=pl.when(pl.col("z").is_null()).then(pl.lit(
            f"no indicator with {MIN_MATCHES}+ matches of the player and {MIN_PEERS}+ such peers "
            "of the same rank band and playlist")))
        .sort("player_id", "skill")
    )


def truth_scores(scores: pl.DataFrame, planted: pl.DataFrame) -> dict[str, float | int | None]:
    """Recall and precision of ``is_weak`` against the planted weaknesses (``player_id, weakness``), over
    the players the detection could score; None where undefined (nothing planted or nothing found)."""
    tested = scores.filter(pl.col("is_weak").is_not_null()).join(planted, on="player_id")
    truth = tested.with_columns(planted=pl.col("skill") == pl.col("weakness").fill_null(""))
    true_positive = truth.filter(pl.col("planted") & pl.col("is_weak")).height
    planted_count = truth.filter(pl.col("planted")).height
    found = truth.filter(pl.col("is_weak")).height
    return {
        "planted": planted_count, "found": found, "true_positives": true_positive,
        "recall": true_positive / planted_count if planted_count else None,
        "precision": true_positive / found if found else None,
    }


def weakness_classifier(scores: pl.DataFrame, planted: pl.DataFrame | None, seed: int = 0) -> tuple[pl.DataFrame, dict]:
    """``scores`` plus ``weakness_probability``: a logistic classifier on the skill's z, its number of
    indicators and matches, calibrated (sigmoid) and evaluated out of fold by player, trained on the
    planted truth. Without truth the probability is null with the reason; metadata: Brier score and
    the calibration table (mean predicted vs observed rate per decile)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    usable = scores.filter(pl.col("z").is_not_null())
    if planted is None or planted.height == 0 or usable.height == 0:
        return scores.with_columns(weakness_probability=pl.lit(None, pl.Float64),
                                   probability_reason=pl.lit("no planted truth to train the classifier on")), {}
    labelled = usable.join(planted, on="player_id").with_columns(
        label=(pl.col("skill") == pl.col("weakness").fill_null("")).cast(pl.Int8))
    if min(labelled["label"].sum(), labelled.height - labelled["label"].sum()) < MIN_CLASS_ROWS:
        return scores.with_columns(weakness_probability=pl.lit(None, pl.Float64), probability_reason=pl.lit(
            f"fewer than {MIN_CLASS_ROWS} scored skills planted weak (or not) to train the classifier on")), {}
    features = np.column_stack([
        labelled["z"].to_numpy(),
        labelled["indicators"].str.count_matches(",").to_numpy() + 1,
        np.log1p(labelled["matches"].to_numpy()),
    ])
    labels = labelled["label"].to_numpy()
    groups = labelled["player_id"].to_numpy()
    model = CalibratedClassifierCV(LogisticRegression(), method="sigmoid", cv=3)
    folds = min(5, len(set(groups)))
    with threadpool_limits(1):
        probability = cross_val_predict(model, features, labels, groups=groups, cv=GroupKFold(n_splits=folds),
                                        method="predict_proba")[:, 1]
    deciles = np.minimum((probability * 10).astype(int), 9)
    calibration = [{"bin": int(b), "predicted": float(probability[deciles == b].mean()),
                    "observed": float(labels[deciles == b].mean()), "n": int((deciles == b).sum())}
                   for b in np.unique(deciles)]
    metadata = {"brier_score": float(np.mean((probability - labels) ** 2)),
                "base_rate": float(labels.mean()), "calibration": calibration, "folds": folds,
                "labelled_rows": int(len(labels))}
    result = labelled.select("player_id", "skill").with_columns(weakness_probability=pl.Series(probability))
    return (scores.join(result, on=["player_id", "skill"], how="left")
            .with_columns(probability_reason=pl.when(pl.col("weakness_probability").is_null())
                          .then(pl.lit("the skill could not be scored or the player is not in the truth")))), metadata

