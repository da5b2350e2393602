"""Checks of the rocket tables: the issue's invariants, and the planted truth found on synthetic data.

Goal consistency is a warning, not a blocker: real replays can disagree with themselves (a carball
analysis of a game joined late, an offline kickoff test whose header credits goals to nobody), and those
games are still worth publishing; the check lists them. Referential integrity, percentile ranges and pack
codes guard the publish.
"""

import datetime as dt

import dagster as dg
import polars as pl

from gamestats_assets.defs.rocket.assets import (
    DAYS,
    DOMAIN,
    day_files,
    etl_key,
    landing_replays,
    match_players,
    matches,
    peer_partials,
    peer_stats,
    peer_value_counts,
    player_stats,
    player_weaknesses,
    position_heatmaps,
    rank_predictions,
    recommendations,
    training_packs,
)
from gamestats_assets.defs.rocket.tables import PEER_STATS, PEER_VALUE_COUNTS
from gamestats_assets.defs.rocket.transforms import heatmaps, peers, skills
from gamestats_assets.defs.rocket.transforms.peers import SCALE
from gamestats_assets.defs.rocket.transforms.percentiles import PEER_GROUP
from gamestats_assets.lib.authoring.checks import (
    Outcome,
    asset_check,
    folded_result,
    frame_check,
    judged_by_partition,
    planted_truth_result,
    values_between,
)
from gamestats_assets.lib.authoring.source_checks import one_source_check, quarantine_check
from gamestats_assets.lib.authoring.table import folded_state
from gamestats_assets.lib.authoring.keyed_checks import of_unjudged, record_passed, unjudged_keys
from gamestats_assets.lib.core.partitions import every_partition
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.stats import RateAgainstFloor, wilson_bounds
from gamestats_assets.lib.intake.discovery import day_folder
from gamestats_assets.lib.publish.held import HELD_PARTITIONS

GAME_TABLES = {"player_stats": player_stats.key, "peer_partials": peer_partials.key,
               "position_heatmaps": position_heatmaps.key}
"""The tables computed by game whose checks judge the games written since they last passed, by name."""


def unjudged(context: dg.AssetCheckExecutionContext, platform: PlatformResource, table: str,
             check: str) -> dict[dt.date, list[str] | None]:
    """The games of each day of the run that `check` of the `table` computed by game (`GAME_TABLES`) judges: those
    written since it last passed on the day (`keyed_checks`)."""
    return {day: unjudged_keys(platform.data_dir, GAME_TABLES[table], check, day)
            for day in map(dt.date.fromisoformat, context.partition_keys)}


def passed_days(context: dg.AssetCheckExecutionContext, platform: PlatformResource, table: str, check: str,
                result: dg.AssetCheckResult) -> dg.AssetCheckResult:
    """`result`, after recording that `check` passed on the days of the run it held nothing of."""
    held = result.metadata.get(HELD_PARTITIONS)
    held = held.value if isinstance(held, dg.JsonMetadataValue) else held
    record_passed(platform.data_dir, GAME_TABLES[table], check, [
        dt.date.fromisoformat(key) for key in context.partition_keys
        if (key not in held if isinstance(held, dict) else result.passed)])
    return result


TRUTH_FLOOR = 0.8
"""Precision the weakness detection must reach on planted truth, and recall where its power is adequate."""


def _goal_gaps(matches_frame: pl.DataFrame, players: pl.DataFrame) -> pl.DataFrame:
    """Per match and team, the team's score beside the sum of its players' goals, where they differ."""
    per_team = players.group_by("match_id", "team").agg(player_goals=pl.col("goals").sum())
    scores = pl.concat([
        matches_frame.select("match_id", pl.lit(0, pl.Int8).alias("team"), pl.col("score_team_0").alias("score")),
        matches_frame.select("match_id", pl.lit(1, pl.Int8).alias("team"), pl.col("score_team_1").alias("score")),
    ])
    return (scores.join(per_team, on=["match_id", "team"], how="left")
            .with_columns(pl.col("player_goals").fill_null(0))
            .filter(pl.col("score") != pl.col("player_goals")))


@asset_check(asset=matches, name="team_scores_equal_player_goals", partitions_def=matches.partitions_def,
             additional_ins={"players": dg.AssetIn(match_players.key)})
def team_scores_equal_player_goals(matches: pl.DataFrame, players: pl.DataFrame) -> dg.AssetCheckResult:
    """Each team's score equals its players' goals, so a match's goals equal the sum of its players' goals
    (warning: real files can disagree; the metadata lists the matches that do)."""
    gaps = _goal_gaps(matches, players)
    disagreeing = gaps["match_id"].n_unique()
    return dg.AssetCheckResult(
        passed=gaps.height == 0, severity=dg.AssetCheckSeverity.WARN,
        description=(f"{disagreeing} of {matches.height} matches have a team score other than its players' goals, "
                     "as a replay's scoreboard has when goals count that no player of the team scored (own goals, a "
                     "player who left before the end)") if disagreeing else None,
        metadata={"matches": matches.height, "teams_disagreeing": gaps.height,
                  "matches_disagreeing": dg.MetadataValue.json(sorted(set(gaps["match_id"]))[:20])},
    )


@asset_check(asset=player_stats, name="stats_reference_published_matches", blocking=True,
             partitions_def=player_stats.partitions_def, additional_ins={"matches": dg.AssetIn(matches.key)})
def stats_reference_published_matches(context: dg.AssetCheckExecutionContext, platform: PlatformResource,
                                      player_stats: pl.LazyFrame, matches: pl.LazyFrame) -> dg.AssetCheckResult:
    """Every `player_stats.match_id` is a match of `matches` (judged day by day, from the games' ids alone, of the
    games written since it last passed)."""
    def rule(games: pl.DataFrame, known: pl.DataFrame) -> Outcome:
        orphans = games.join(known, on="match_id", how="anti")
        return Outcome(passed=orphans.height == 0, metadata={"rows": int(games["rows"].sum() or 0),
                                                             "orphan_rows": int(orphans["rows"].sum() or 0)})

    name = "stats_reference_published_matches"
    games = unjudged(context, platform, "player_stats", name)
    stats = of_unjudged(player_stats, "match_id", games).group_by("date", "match_id").agg(rows=pl.len()).collect()
    known = of_unjudged(matches, "match_id", games).select("date", "match_id").collect()
    return passed_days(context, platform, "player_stats", name,
                       judged_by_partition(context, rule, [(stats, "date"), (known, "date")], DAYS))


@asset_check(asset=recommendations, name="recommendations_name_real_packs", blocking=True,
             additional_ins={"packs": dg.AssetIn(training_packs.key)})
def recommendations_name_real_packs(recommendations: pl.DataFrame, packs: pl.DataFrame) -> dg.AssetCheckResult:
    """Every recommended pack code is in the training-pack catalogue."""
    unknown = recommendations.join(packs.select(pl.col("code").alias("pack_code")), on="pack_code", how="anti")
    return dg.AssetCheckResult(passed=unknown.height == 0,
                               metadata={"recommendations": recommendations.height, "unknown_codes": unknown.height})


@asset_check(asset=player_weaknesses, name="planted_weaknesses_found",
             additional_ins={"planted": every_partition(etl_key("planted_weaknesses"))})
def planted_weaknesses_found(player_weaknesses: pl.DataFrame, planted: pl.DataFrame) -> dg.AssetCheckResult:
    """On synthetic data, the detection against the planted truth, with its n (players, games per player)
    and the power expected at that n (`skills.truth_scores`), judged by intervals (`planted_truth_result`):
    precision of at least `TRUTH_FLOOR`; over the planted weaknesses whose expected power at their player's
    games count reaches `skills.POWER_FLOOR`, recall of at least `TRUTH_FLOOR` (the floor applies only where
    the games are enough to find a weakness the size planted); and recall not below the expected power (an
    error when the 95 % Wilson upper bound of recall is under it: the detection finds less than its games
    allow). A warning when there is no planted truth (real files only: the detection is then unscored)."""
    if planted.height == 0:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"truth": "no planted truth in landing: the detection is unscored"})
    scores = skills.truth_scores(player_weaknesses, planted.unique("player_id").select("player_id", "weakness"))
    expected = scores["expected_power"]
    _, recall_high = wilson_bounds(scores["true_positives"], scores["planted"])
    below_power = expected is not None and scores["planted"] > 0 and recall_high < expected
    return planted_truth_result(
        [RateAgainstFloor("precision", scores["true_positives"], scores["found"], TRUTH_FLOOR),
         RateAgainstFloor("powered_recall", scores["powered_true_positives"], scores["powered_planted"], TRUTH_FLOOR)],
        {**scores, "recall_ci_high": round(recall_high, 4)},
        failures={"recall_below_expected_power": int(below_power)})


@asset_check(asset=rank_predictions, name="rank_prediction_beats_population_mean")
def rank_prediction_beats_population_mean(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    """On held-out players the regressor's mean absolute error (divisions) is below the population-mean
    baseline's, judged on the paired difference of their errors: passed where its 95 % interval lies below
    0, an error where it lies above, a warning where it holds 0 (the held-out players cannot tell the two
    apart) or too few ranked players leave the model unjudged. The metadata sets the model beside the
    lobby's average rank too (`model_vs_lobby_verdict`: whether it beats matchmaking alone)."""
    record = context.instance.get_latest_materialization_event(rank_predictions.key)
    metadata = record.asset_materialization.metadata if record and record.asset_materialization else {}
    verdict = metadata.get("model_vs_mean_verdict")
    if verdict is None or verdict.value == "unjudged":
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"reason": "too few ranked players to train and hold out: unjudged"})
    shown = {key: value.value for key, value in metadata.items()
             if key.startswith(("model_", "mean_baseline_", "lobby_baseline_"))}
    return dg.AssetCheckResult(
        passed=verdict.value == "better",
        severity=dg.AssetCheckSeverity.ERROR if verdict.value == "worse" else dg.AssetCheckSeverity.WARN,
        metadata=shown)


def _peer_gaps(peers: pl.DataFrame, stats: pl.DataFrame) -> pl.DataFrame:
    """The rank bands and stats where `peer_stats` and `player_stats` disagree: a pair missing on either side, a
    pair without players, or other games or another sum of values than the ranked stat rows have."""
    ranked = stats.filter(pl.col("rank_band").is_not_null() & pl.col("stat_type").is_not_null())
    return _gaps(peers, ranked.group_by("rank_band", "stat_type").agg(
        expected_games=pl.col("value").count().cast(pl.Int64), expected_total=pl.col("value").sum()))


def _state_gaps(peers: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    """The rank bands and stats where `peer_stats` and the state of the fold of the games' partials it was finished
    from (`peers.PEER_FOLD`) disagree, as `_peer_gaps` tells them."""
    return _gaps(peers, state.group_by("rank_band", "stat_type").agg(
        expected_games=pl.col("games").sum().cast(pl.Int64),
        expected_total=pl.col("scaled").cast(pl.Int128).sum().cast(pl.Float64) / SCALE))


def _gaps(peers: pl.DataFrame, expected: pl.DataFrame) -> pl.DataFrame:
    """The pairs of `peers` and `expected` that disagree: the total may differ from the float sum by the fixed
    point's rounding, half a millionth a value (`peers.SCALE`), and a millionth of it."""
    joined = peers.join(expected, on=["rank_band", "stat_type"], how="full", coalesce=True)
    total_off = (pl.col("total").fill_null(0.0) - pl.col("expected_total")).abs() > 1e-6 * (
        1.0 + pl.col("expected_total").abs()) + pl.col("expected_games") / (2 * SCALE)
    return joined.filter(pl.col("games").is_null() | pl.col("expected_games").is_null() | (pl.col("players") <= 0)
                         | (pl.col("games") != pl.col("expected_games")) | total_off)


def _gaps_result(gaps: pl.DataFrame, pairs: pl.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=gaps.height == 0, metadata={
        "pairs": pairs.height, "games": int(pairs["games"].sum() or 0), "pairs_disagreeing": gaps.height,
        "disagreeing": dg.MetadataValue.json(gaps.head(20).select("rank_band", "stat_type").rows())})


@asset_check(asset=peer_partials, name="partials_add_up_to_the_days_player_stats", blocking=True,
             partitions_def=DAYS, additional_ins={"stats": dg.AssetIn(player_stats.key)})
def partials_add_up_to_the_days_player_stats(context: dg.AssetCheckExecutionContext, platform: PlatformResource,
                                              peer_partials: pl.LazyFrame, stats: pl.LazyFrame) -> dg.AssetCheckResult:
    """The days' `peer_partials` hold every rank band and stat of those days' `player_stats` and no other, each
    with players, and its games and sum of values are those of the days' stat rows (of the games written since it
    last passed)."""
    name = "partials_add_up_to_the_days_player_stats"
    games = unjudged(context, platform, "peer_partials", name)
    merged = peers.merged_peer_stats(of_unjudged(peer_partials, "match_id", games).drop("date", "match_id").collect())
    ranked = of_unjudged(stats, "match_id", games).select("rank_band", "stat_type", "value").collect()
    return passed_days(context, platform, "peer_partials", name, _gaps_result(_peer_gaps(merged, ranked), merged))


@asset_check(asset=peer_stats, name="peers_add_up_to_player_stats", blocking=True, required_resource_keys={"lake"})
def peers_add_up_to_player_stats(context: dg.AssetCheckExecutionContext,
                                 peer_stats: pl.DataFrame) -> dg.AssetCheckResult:
    """Every rank band and stat of the fold of the games' partial sums (each game's checked against its
    `player_stats`, `partials_add_up_to_the_days_player_stats`) has its `peer_stats` row and no other does; each has
    players, its games and sum of values are the fold's, and the fold counts every partial row of the version it
    folds, no more (from the Delta log's file statistics): the comparison's peers are then exactly the published
    games, judged without reading every partial again."""
    state, counts = folded_state(context.resources.lake, DOMAIN, PEER_STATS)
    return folded_result(_gaps_result(_state_gaps(peer_stats, state), peer_stats), counts)


def _count_gaps(counts: pl.DataFrame, partials: pl.DataFrame) -> pl.DataFrame:
    """The bins where `peer_value_counts` and the games' partial counts disagree: a bin missing on either side,
    other values in it than the partials', values below it other than those of the bins below, or a total other
    than the values of every bin of its rank band, playlist and stat."""
    bins = [*PEER_GROUP, "value_bin"]
    expected = partials.group_by(bins).agg(expected_games=pl.col("games").sum()).with_columns(
        expected_total=pl.col("expected_games").sum().over(PEER_GROUP))
    joined = counts.sort(bins).with_columns(
        next_below=pl.col("games_below").shift(-1).over(PEER_GROUP),
        first=pl.col("value_bin") == pl.col("value_bin").min().over(PEER_GROUP)).join(
        expected, on=bins, how="full", coalesce=True)
    return joined.filter(
        pl.col("games").is_null() | pl.col("expected_games").is_null()
        | (pl.col("games") != pl.col("expected_games")) | (pl.col("total") != pl.col("expected_total"))
        | (pl.col("first") & (pl.col("games_below") != 0))
        | (pl.col("games_below") + pl.col("games") != pl.col("next_below").fill_null(pl.col("total"))))


@asset_check(asset=peer_value_counts, name="value_counts_add_up_to_the_games_counts", blocking=True,
             required_resource_keys={"lake"})
def value_counts_add_up_to_the_games_counts(context: dg.AssetCheckExecutionContext,
                                            peer_value_counts: pl.DataFrame) -> dg.AssetCheckResult:
    """Every value bin of a rank band, playlist and stat of the fold of the games' partial counts
    (`peer_value_partials`, `percentiles.VALUE_FOLD`) has its `peer_value_counts` row and no other does: its values
    (`games`) are the fold's, the values below it (`games_below`) those of the bins below (none below the first), and
    its `total` the values of every bin of the group, so that a rank percentile read from it is the value's among
    every published game's; and the fold counts every partial row of the version it folds, no more."""
    state, counts = folded_state(context.resources.lake, DOMAIN, PEER_VALUE_COUNTS)
    gaps = _count_gaps(peer_value_counts, state)
    return folded_result(dg.AssetCheckResult(passed=gaps.height == 0, metadata={
        "bins": peer_value_counts.height, "values": int(peer_value_counts["games"].sum() or 0),
        "bins_disagreeing": gaps.height,
        "disagreeing": dg.MetadataValue.json(gaps.head(20).select(*PEER_GROUP, "value_bin").rows())}), counts)


HEATMAP_TOLERANCE_S = 1.0
"""Seconds a player's heatmap may exceed their game's duration (the last frame's rounding)."""


@asset_check(asset=position_heatmaps, name="no_more_time_than_the_game", blocking=True,
             partitions_def=DAYS, additional_ins={"matches": dg.AssetIn(matches.key)},
             description="No player's heatmap holds more seconds than their game lasted (plus "
             f"{HEATMAP_TOLERANCE_S:g} s): cells counted twice or frames of another game would draw a wrong "
             "picture; a day where one does is held from `rocket.position_heatmaps`.")
def no_more_time_than_the_game(context: dg.AssetCheckExecutionContext, platform: PlatformResource,
                               position_heatmaps: pl.LazyFrame, matches: pl.LazyFrame) -> dg.AssetCheckResult:
    def rule(cells: pl.DataFrame, games: pl.DataFrame) -> Outcome:
        numbers = heatmaps.time_beyond_the_game(cells, games, HEATMAP_TOLERANCE_S)
        return Outcome(passed=numbers["player_games_over"] == 0, metadata=numbers,
                       reason=f"{numbers['player_games_over']} players' heatmaps last longer than their game")

    name = "no_more_time_than_the_game"
    games = unjudged(context, platform, "position_heatmaps", name)
    frames = [(of_unjudged(position_heatmaps, "match_id", games).collect(), "date"),
              (of_unjudged(matches, "match_id", games).select("date", "match_id", "duration").collect(), "date")]
    return passed_days(context, platform, "position_heatmaps", name, judged_by_partition(
        context, rule, frames, DAYS, tables=(f"{DOMAIN}.position_heatmaps",)))


CHECKS = [
    team_scores_equal_player_goals,
    stats_reference_published_matches,
    no_more_time_than_the_game,
    recommendations_name_real_packs,
    partials_add_up_to_the_days_player_stats,
    peers_add_up_to_player_stats,
    value_counts_add_up_to_the_games_counts,
    planted_weaknesses_found,
    rank_prediction_beats_population_mean,
    frame_check(player_weaknesses, "skill_percentiles_in_range", values_between("rank_percentile", 0, 100),
                description="Every skill percentile lies in [0, 100].", blocking=True),
    quarantine_check(matches, DOMAIN),
    one_source_check(landing_replays, DOMAIN, lambda platform, key: day_files(day_folder(platform, DOMAIN, key))),
]
