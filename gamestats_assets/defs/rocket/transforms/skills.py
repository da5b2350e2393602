"""Skill scores and weakness detection per player, against players of the same rank band and playlist.

scipy and statsmodels are imported by the functions that use them, so loading the code location does not
load them."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.rocket.transforms.daily import COUNT_RATES
from gamestats_assets.defs.rocket.transforms.stated import GAME, STATED, known_profiles
from gamestats_assets.lib.core.stats import Z_95
from gamestats_assets.published.rocket import MIN_MATCHES, MIN_PEERS
from gamestats_assets.sources.ballchasing.measures import SHARE, SKILL_INDICATORS, STATS, better_of

RATES = tuple(stat for stat, declared in STATS.items() if declared.unit == SHARE)
"""The indicators compared as rates, on the log-odds of their numerator and denominator (a mean kept as its total
and count, `rotation_timing`, is compared as it is)."""
FALSE_DISCOVERY_RATE = 0.05
MAD_TO_SD = 1.4826
MEDIAN_VARIANCE = np.pi / 2
"""The variance of a median of n normal values is about `π / 2` times the values' variance over n."""
POWER_FLOOR = 0.8
"""The expected power at which a planted weakness counts towards the judged recall."""
FOLDS = 5
"""Folds of the classifier's evaluation, by player."""
MIN_CLASS_ROWS = 15
"""Rows of each class (planted weak or not) the classifier needs: each of `FOLDS` folds then holds about
three of the rarer class out, and its fit sees about twelve."""


def _logit(numerator: pl.Expr, denominator: pl.Expr, counted: pl.Expr) -> pl.Expr:
    """The log-odds of a rate: empirical (`(k + ½) / (n − k + ½)`) for counted events, of the share
    clipped to [0.001, 0.999] for time shares. Rates are compared on this scale because near 0 or 1 a
    linear scale squeezes the differences that matter (a rare event's rate cannot fall far below its median)."""
    share = (numerator / denominator).clip(0.001, 0.999)
    counted_odds = (numerator + 0.5) / (denominator - numerator + 0.5)
    return pl.when(counted).then(counted_odds.log()).otherwise((share / (1 - share)).log())


def player_levels(stats: pl.DataFrame, users: pl.DataFrame, stated: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per player, game and indicator stat: the game's value (the log-odds of the game's rate for a rate,
    else the stat), with the player's peer group: the rank band they are compared at (`stated.known_profiles`: the
    latest a game of theirs gave, else the one they stated in `stated`, with `rank_from` saying which) and their
    main playlist. Bots, players with no rank known (`unranked` is no band of peers) and games of a rate without
    trials are left out."""
    indicators = [stat for stats in SKILL_INDICATORS.values() for stat in stats]
    playlist = (stats.group_by("player_id", "playlist").agg(games=pl.col("match_id").n_unique())
                .sort("games", "playlist", descending=[True, False]).unique("player_id", keep="first")
                .select("player_id", "playlist"))
    is_rate = pl.col("stat_type").is_in(RATES) & pl.col("denominator").is_not_null()
    return (
        stats.filter(pl.col("stat_type").is_in(indicators) & pl.col("value").is_not_null()
                     & (~is_rate | (pl.col("denominator") > 0)))
        .join(playlist, on=["player_id", "playlist"])
        .select("player_id", "playlist", "stat_type", "match_id", level=pl.when(is_rate).then(
            _logit(pl.col("numerator"), pl.col("denominator"), pl.col("stat_type").is_in(COUNT_RATES)))
            .otherwise(pl.col("value")))
        .join(known_profiles(users, stated), on="player_id")
    )


def _game_skills(levels: pl.DataFrame) -> pl.DataFrame:
    """Per player, game and skill: the mean of the game's standardised indicators, with the indicators used.
    Against the peers (same rank band and playlist, at least `MIN_PEERS` of them with `MIN_MATCHES` games, each of a
    rank a game gave: `rank_from` `game`) an indicator is standardised the robust way,
    `direction × (value − median) / (MAD_TO_SD × MAD)`; a player compared at the rank they stated is placed among
    those peers, never counted as one."""
    direction = pl.DataFrame(
        [(skill, stat, better_of(stat)) for skill, stats in SKILL_INDICATORS.items() for stat in stats],
        schema={"skill": pl.String, "stat_type": pl.String, "direction": pl.Int8}, orient="row")
    group = ["rank_band", "playlist", "stat_type"]
    eligible = levels.filter(pl.len().over("player_id", "stat_type") >= MIN_MATCHES)
    norms = (eligible.filter(pl.col("rank_from") == GAME).with_columns(median=pl.col("level").median().over(group))
             .group_by(group).agg(pl.col("median").first(), peers=pl.col("player_id").n_unique(),
                                  mad=(pl.col("level") - pl.col("median")).abs().median() * MAD_TO_SD))
    return (
        eligible.join(norms, on=group)
        .filter((pl.col("peers") >= MIN_PEERS) & (pl.col("mad") > 0))
        .join(direction, on="stat_type")
        .with_columns(z=pl.col("direction") * (pl.col("level") - pl.col("median")) / pl.col("mad"))
        .group_by("player_id", "rank_band", "rank_index", "rank_from", "playlist", "match_id", "skill").agg(
            game=pl.col("z").mean(), indicators=pl.col("stat_type").sort().str.join(","),
            peers=pl.col("peers").min())
    )


def _at_or_below(rows: pl.DataFrame, column: str, peers: pl.DataFrame, group: list[str]) -> pl.Series:
    """For each row of `rows`, in order: how many of the `peers`' means of its `group` are at or below its
    `column`."""
    ranked = (peers.select(*group, peer="mean").sort("peer")
              .with_columns(at_or_below=pl.int_range(1, pl.len() + 1).over(group)))
    found = rows.with_row_index("_row").select("_row", *group, column).sort(column).join_asof(
        ranked, left_on=column, right_on="peer", by=group, strategy="backward", check_sortedness=False)
    return found.sort("_row")["at_or_below"].fill_null(0)


def percentile_interval(scored: pl.DataFrame, group: list[str], peers: pl.DataFrame | None = None) -> pl.DataFrame:
    """`scored` (a player's `mean` skill over `matches` games, the skill's pooled `game_variance`) with the 95 %
    interval of the player's rank percentile among the peers of their `group` (`percentile_ci_low`,
    `percentile_ci_high`): the share of the peers' means at or below the ends of the mean's interval for the games'
    luck, `mean ± 1.96 × sqrt(game_variance / matches)`; the peers are `scored` themselves, or `peers` (the rows then
    placed as if each were one more of them). Few games make it wide: a player is placed low among their peers only
    as far as their games allow."""
    outside = peers is not None
    peers = peers if outside else scored
    half = Z_95 * (pl.col("game_variance") / pl.col("matches")).sqrt()
    ends = scored.with_columns(low=pl.col("mean") - half, high=pl.col("mean") + half)
    sizes = ends.select(*group).join(peers.group_by(group).agg(of=pl.len()), on=group, how="left")["of"] + outside
    return ends.with_columns(
        (100 * (_at_or_below(ends, end, peers, group) + (outside and end == "high")) / sizes)
        .alias(f"percentile_ci_{end}") for end in ("low", "high")
    ).drop("low", "high")


def _placed(scored: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """`scored` with each player's `rank_percentile` among the players of their `group` whose rank a game gave, and
    its interval (`percentile_interval`): such a player's mid-rank among them, a player compared at a stated rank
    placed as if they were one more of them."""
    reference = scored.filter(pl.col("rank_from") == GAME)
    own = percentile_interval(reference.with_columns(
        rank_percentile=100 * (pl.col("mean").rank("average").over(group) - 0.5) / pl.len().over(group)), group)
    others = scored.filter(pl.col("rank_from") != GAME)
    sizes = others.select(*group).join(reference.group_by(group).agg(of=pl.len()), on=group, how="left")["of"]
    placed = percentile_interval(others.with_columns(
        rank_percentile=100 * (_at_or_below(others, "mean", reference, group) + 0.5) / (sizes + 1)), group, reference)
    return pl.concat([own, placed], how="vertical_relaxed")


def skill_scores(levels: pl.DataFrame) -> pl.DataFrame:
    """Per player and skill (key `player_id, skill`): peer group and where its rank comes from (`rank_from`),
    indicators used, games (`matches`), the peers' `lasting_spread` and `game_spread`, the mean's `standard_error`,
    z, rank percentile among peers with its 95 % interval for the games' luck (`_placed`), p-value,
    BH-adjusted p-value and `is_weak`; a skill the player cannot be compared on has a null z and `null_reason`.

    A player's skill is the mean of their games' skills (`_game_skills`). It varies among peers because
    players differ lastingly (`lasting_spread`: the robust variance of the players' means around their
    peers' median, less the part the games' luck explains) and by a game's luck (`game_spread`: the pooled
    spread of a player's games around their own mean); both are estimated per skill over every peer group, from
    the players whose rank a game gave (`rank_from` `game`): a player compared at the rank they stated is placed
    among them (`_placed`) and moves none of their figures.
    z is the mean's distance from the peers' median in its standard error,
    `sqrt(lasting_spread² + game_spread² / games + MEDIAN_VARIANCE × between / peers)`, so a player within
    the rank's normal differences is not weak however many games they played, and a player of few games has a wide
    interval. The one-sided p is `Φ(z)`; a weakness survives Benjamini–Hochberg at `FALSE_DISCOVERY_RATE` over every
    player and skill at once."""
    from scipy.stats import norm
    from statsmodels.stats.multitest import multipletests

    skill_group = ["rank_band", "playlist", "skill"]
    per_player = (
        _game_skills(levels)
        .group_by("player_id", "rank_band", "rank_index", "rank_from", "playlist", "skill").agg(
            mean=pl.col("game").mean(), squares=((pl.col("game") - pl.col("game").mean()) ** 2).sum(),
            matches=pl.len(), indicators=pl.col("indicators").mode().first(), peers=pl.col("peers").min())
        .filter(pl.col("matches") >= MIN_MATCHES)
    )
    reference = per_player.filter(pl.col("rank_from") == GAME)
    groups = reference.group_by(skill_group).agg(centre=pl.col("mean").median(), rank_peers=pl.len())
    spreads = reference.join(groups, on=skill_group).group_by("skill").agg(
        game_variance=pl.col("squares").sum() / (pl.col("matches") - 1).sum(),
        between=((pl.col("mean") - pl.col("centre")).abs().median() * MAD_TO_SD) ** 2,
        inverse_games=(1 / pl.col("matches")).mean())
    scored = (
        per_player.join(groups, on=skill_group).join(spreads, on="skill")
        .with_columns(luck=pl.col("game_variance") * pl.col("inverse_games"))
        .with_columns(lasting_spread=(pl.col("between") - pl.col("luck")).clip(lower_bound=0).sqrt(),
                      game_spread=pl.col("game_variance").sqrt())
        .with_columns(standard_error=(pl.col("lasting_spread") ** 2 + pl.col("game_variance") / pl.col("matches")
                                      + MEDIAN_VARIANCE * pl.col("between") / pl.col("rank_peers")).sqrt())
        .filter(pl.col("standard_error") > 0)
        .with_columns(z=(pl.col("mean") - pl.col("centre")) / pl.col("standard_error"))
    )
    scored = _placed(scored, skill_group).drop(
        "mean", "squares", "centre", "rank_peers", "game_variance", "between", "luck", "inverse_games")
    if scored.height:
        p_values = norm.cdf(scored["z"].to_numpy())
        rejected, adjusted, _, _ = multipletests(p_values, alpha=FALSE_DISCOVERY_RATE, method="fdr_bh")
        scored = scored.with_columns(p_value=pl.Series(p_values), p_adjusted=pl.Series(adjusted),
                                     is_weak=pl.Series(rejected))
    else:
        scored = scored.with_columns(p_value=pl.lit(None, pl.Float64), p_adjusted=pl.lit(None, pl.Float64),
                                     is_weak=pl.lit(None, pl.Boolean))
    players = levels.select("player_id", "rank_band", "rank_index", "rank_from", "playlist").unique()
    grid = players.join(pl.DataFrame({"skill": list(SKILL_INDICATORS)}), how="cross")
    return (
        grid.join(scored.drop("rank_band", "rank_index", "rank_from", "playlist"), on=["player_id", "skill"],
                  how="left")
        .with_columns(null_reason=pl.when(pl.col("z").is_null()).then(pl.lit(
            f"no indicator with {MIN_MATCHES}+ games of the player and {MIN_PEERS}+ such peers "
            "of the same rank band and playlist")))
        .select("player_id", "rank_band", "rank_index", "rank_from", "playlist", "skill", "indicators", "matches",
                "peers",
                "lasting_spread", "game_spread", "standard_error", "z", "rank_percentile", "percentile_ci_low",
                "percentile_ci_high", "p_value", "p_adjusted", "is_weak", "null_reason")
        .sort("player_id", "skill")
    )


def _critical_z(scored: pl.DataFrame) -> tuple[float, float]:
    """The per-test level the Benjamini–Hochberg correction applied (its largest rejected p-value, or
    `FALSE_DISCOVERY_RATE` over the tests where it rejected none) and its one-sided critical z."""
    from scipy.stats import norm

    rejected = scored.filter(pl.col("is_weak"))["p_value"]
    level = float(rejected.max()) if rejected.len() else FALSE_DISCOVERY_RATE / max(scored.height, 1)
    return level, float(-norm.ppf(level))


def expected_power(scores: pl.DataFrame, planted: pl.DataFrame) -> pl.DataFrame:
    """The scored rows of `scores` with `planted` (whether the skill is the player's planted weakness;
    `planted`: `player_id, weakness`), the skill's `planted_gap` and `expected_power`.

    The planted gap is the planted players' mean shortfall below their peers' median, in the units the
    detection compares (a planted drop shows smaller there when the skill's stat is mostly a game's luck,
    such as goals per shot in a game of three shots); the expected power is the chance that a gap that size
    is found at the player's games count (its standard error), at the per-test level the correction
    applied."""
    from scipy.stats import norm

    scored = scores.filter(pl.col("z").is_not_null())
    _, critical = _critical_z(scored)
    truth = (scored.join(planted.select("player_id", "weakness"), on="player_id")
             .with_columns(planted=pl.col("skill") == pl.col("weakness").fill_null(""))
             .with_columns(shortfall=-pl.col("z") * pl.col("standard_error")))
    gaps = truth.filter("planted").group_by("skill").agg(planted_gap=pl.col("shortfall").mean())
    with_gap = truth.join(gaps, on="skill", how="left").drop("weakness", "shortfall")
    shift = (with_gap["planted_gap"] / with_gap["standard_error"]).fill_null(float("-inf")).to_numpy()
    return with_gap.with_columns(expected_power=pl.Series(norm.cdf(shift - critical)))


def _rate(successes: int, trials: int) -> float | None:
    return successes / trials if trials else None


def truth_scores(scores: pl.DataFrame, planted: pl.DataFrame) -> dict[str, float | int | None]:
    """Recall and precision of `is_weak` against the planted weaknesses (`player_id, weakness`), over
    the players the detection could score, with their n (players, player-skills, games per player), the
    per-test level of the correction, the power expected for each planted weakness at its player's games
    count (`expected_power`: the mean over the planted weaknesses scored), and the recall over the planted
    weaknesses whose expected power reaches `POWER_FLOOR` (`powered_*`); None where undefined."""
    truth = expected_power(scores, planted)
    planted_rows = truth.filter(pl.col("planted"))
    powered = planted_rows.filter(pl.col("expected_power") >= POWER_FLOOR)
    true_positive = planted_rows.filter(pl.col("is_weak")).height
    found = truth.filter(pl.col("is_weak")).height
    games = truth.unique("player_id")["matches"]
    level, _ = _critical_z(scores.filter(pl.col("z").is_not_null()))
    return {
        "players": truth["player_id"].n_unique(), "player_skills": truth.height,
        "games_per_player_min": games.min(), "games_per_player_median": games.median(),
        "games_per_player_max": games.max(),
        "planted": planted_rows.height, "found": found, "true_positives": true_positive,
        "recall": _rate(true_positive, planted_rows.height), "precision": _rate(true_positive, found),
        "per_test_level": level,
        "expected_power": float(planted_rows["expected_power"].mean()) if planted_rows.height else None,
        "powered_planted": powered.height, "powered_true_positives": powered.filter(pl.col("is_weak")).height,
        "powered_recall": _rate(powered.filter(pl.col("is_weak")).height, powered.height),
    }


def grouped_folds(groups: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """Each row's fold (0 to `folds` − 1): the distinct groups shuffled with `seed` and dealt round the
    folds, so a group's rows are all in one fold and the folds hold nearly as many groups each."""
    distinct, group_of_row = np.unique(groups, return_inverse=True)
    return (np.random.default_rng(seed).permutation(len(distinct)) % folds)[group_of_row]


def out_of_fold_logit(features: np.ndarray, labels: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each row's probability from a logistic regression (statsmodels `Logit`, with an intercept) fitted
    on the other folds' rows."""
    from statsmodels.discrete.discrete_model import Logit

    design = np.column_stack([np.ones(len(labels)), features])
    probability = np.empty(len(labels))
    for fold in np.unique(folds):
        test = folds == fold
        fit = Logit(labels[~test], design[~test]).fit(disp=0, method="newton", maxiter=100)
        probability[test] = fit.predict(design[test])
    return probability


def weakness_classifier(scores: pl.DataFrame, planted: pl.DataFrame | None, seed: int = 0) -> tuple[pl.DataFrame, dict]:
    """`scores` plus `weakness_probability`: a logistic regression on the skill's z, its number of
    indicators and log games, trained on the planted truth and evaluated out of fold by player
    (`grouped_folds`, `out_of_fold_logit`). Without truth the probability is null with the reason;
    metadata: Brier score beside the base rate's (predicting the base rate for every row), and the calibration table (mean predicted vs observed
    rate per decile of predicted probability, with n)."""
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
    labels = labelled["label"].to_numpy().astype(float)
    groups = labelled["player_id"].to_numpy()
    folds = min(FOLDS, len(set(groups)))
    probability = out_of_fold_logit(features, labels, grouped_folds(groups, folds, seed))
    deciles = np.minimum((probability * 10).astype(int), 9)
    calibration = [{"bin": int(b), "predicted": float(probability[deciles == b].mean()),
                    "observed": float(labels[deciles == b].mean()), "n": int((deciles == b).sum())}
                   for b in np.unique(deciles)]
    metadata = {"brier_score": float(np.mean((probability - labels) ** 2)),
                "base_rate": float(labels.mean()), "base_rate_brier_score": float(labels.mean() * (1 - labels.mean())), "calibration": calibration, "folds": folds,
                "labelled_rows": int(len(labels))}
    result = labelled.select("player_id", "skill").with_columns(weakness_probability=pl.Series(probability))
    return (scores.join(result, on=["player_id", "skill"], how="left")
            .with_columns(probability_reason=pl.when(pl.col("weakness_probability").is_null())
                          .then(pl.lit("the skill could not be scored or the player is not in the truth")))), metadata


def player_weaknesses(stats: pl.DataFrame, seen: pl.DataFrame, planted: pl.DataFrame,
                      stated: pl.DataFrame | None = None) -> tuple[pl.DataFrame, dict]:
    """`player_weaknesses` (`skill_scores` with the classifier's probability; a player no game gave a rank compared
    at the rank they stated, `stated`) and its figures: the players and those tested, and of them those compared at a
    stated rank (`*_stated`), the detection scored against the planted truth when there is one (`truth_scores`), and
    the classifier's quality."""
    scores = skill_scores(player_levels(stats, seen, stated))
    truth = planted.unique("player_id").select("player_id", "weakness") if planted.height else None
    scored, classifier = weakness_classifier(scores, truth)
    detection = truth_scores(scores, truth) if truth is not None else {}
    tested = scores.filter(pl.col("p_value").is_not_null())
    claimed = pl.col("rank_from") == STATED
    return scored, {"players": scores["player_id"].n_unique(), "players_tested": tested["player_id"].n_unique(),
                    "players_stated": scores.filter(claimed)["player_id"].n_unique(),
                    "players_tested_stated": tested.filter(claimed)["player_id"].n_unique(),
                    **{f"truth_{k}": v for k, v in detection.items()},
                    **{f"classifier_{k}": v for k, v in classifier.items() if k != "calibration"},
                    "classifier_calibration": classifier.get("calibration", [])}
