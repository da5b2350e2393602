"""Checks of the pubg tables; those whose failure would serve a wrong row are blocking (they stop the
publish of the run)."""

import json

import dagster as dg
import polars as pl

from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.defs.pubg.transforms import quality, tournament
from gamestats_assets.lib.checks import quarantine_check
from gamestats_assets.lib.partitions import every_partition
from gamestats_assets.lib.resources import PlatformResource

MATCH = pubg.MATCH_TABLE_ASSETS
TRUTH_FLOOR = 0.9
"""Planted killsteals: precision and recall must both reach this on synthetic data."""


@dg.asset_check(asset=MATCH["advanced_stats"], name="telemetry_agrees_with_match_object", blocking=True,
                partitions_def=pubg.pubg_match_partitions,
                additional_ins={"participants": dg.AssetIn(pubg.etl("participants")),
                                "event_counts": dg.AssetIn(pubg.etl("telemetry_event_counts"))},
                description="Per player, telemetry kills and damage to other teams agree with the match object's "
                f"kills and damageDealt ({quality.TOLERANCE_TEXT}); a match below that serves wrong telemetry "
                "columns, so its run publishes nothing.")
def telemetry_agrees_with_match_object(advanced_stats: pl.DataFrame, participants: pl.DataFrame,
                                       event_counts: pl.DataFrame) -> dg.AssetCheckResult:
    numbers = quality.telemetry_agreement(advanced_stats, participants, event_counts)
    return dg.AssetCheckResult(passed=numbers["matches_disagreeing"] == 0, metadata=numbers)


@dg.asset_check(asset=MATCH["advanced_stats"], name="killsteals_at_most_kills", blocking=True,
                partitions_def=pubg.pubg_match_partitions,
                description="No player has more killsteals than kills.")
def killsteals_at_most_kills(advanced_stats: pl.DataFrame) -> dg.AssetCheckResult:
    over = advanced_stats.filter(pl.col("killsteals") > pl.col("telemetry_kills")).height
    return dg.AssetCheckResult(passed=over == 0, metadata={"players": advanced_stats.height, "players_over": over})


@dg.asset_check(asset=MATCH["player_match_weapon_distribution"], name="distribution_sums_to_player_totals",
                blocking=True, partitions_def=pubg.pubg_match_partitions,
                additional_ins={"advanced": dg.AssetIn(pubg.cons("advanced_stats"))},
                description="Each player's kills, knocks and damage by weapon category sum to their totals.")
def distribution_sums_to_player_totals(player_match_weapon_distribution: pl.DataFrame,
                                       advanced: pl.DataFrame) -> dg.AssetCheckResult:
    numbers = quality.distribution_totals(player_match_weapon_distribution, advanced)
    return dg.AssetCheckResult(passed=numbers["players_off"] == 0, metadata=numbers)


@dg.asset_check(asset=MATCH["match_summaries"], name="match_ids_in_matches", blocking=True,
                partitions_def=pubg.pubg_match_partitions,
                additional_ins={"matches": dg.AssetIn(pubg.etl("matches"))},
                description="Every match_summaries.match_id is in matches.")
def match_ids_in_matches(match_summaries: pl.DataFrame, matches: pl.DataFrame) -> dg.AssetCheckResult:
    orphans = match_summaries.filter(~pl.col("match_id").is_in(matches["match_id"].implode()))["match_id"].unique()
    return dg.AssetCheckResult(passed=orphans.len() == 0, metadata={"orphan_matches": orphans.len()})


@dg.asset_check(asset=MATCH["match_summaries"], name="placement_is_roster_rank", blocking=True,
                partitions_def=pubg.pubg_match_partitions,
                additional_ins={"rosters": dg.AssetIn(pubg.etl("rosters"))},
                description="Each team's placement is its roster's rank, the same for all its players.")
def placement_is_roster_rank(match_summaries: pl.DataFrame, rosters: pl.DataFrame) -> dg.AssetCheckResult:
    numbers = quality.placements_match_rosters(match_summaries, rosters)
    return dg.AssetCheckResult(passed=numbers["wrong_placements"] == 0 and numbers["teams_with_two_placements"] == 0,
                               metadata=numbers)


@dg.asset_check(asset=MATCH["match_summaries"], name="matches_without_telemetry",
                partitions_def=pubg.pubg_match_partitions,
                description="How many matches of the run have no telemetry yet (their telemetry columns are null).")
def matches_without_telemetry(match_summaries: pl.DataFrame) -> dg.AssetCheckResult:
    per_match = match_summaries.group_by("match_id").agg(pl.col("has_telemetry").first())
    missing = per_match.filter(~pl.col("has_telemetry")).height
    return dg.AssetCheckResult(passed=missing == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"matches": per_match.height, "matches_without_telemetry": missing})


@dg.asset_check(asset=MATCH["killsteals"], name="planted_killsteals_found", partitions_def=pubg.pubg_match_partitions,
                description=f"On synthetic matches (truth in landing/pubg/truth/): precision and recall of the "
                f"killsteals found reach {TRUTH_FLOOR:.0%}. Passes with no truth to compare (real data).")
def planted_killsteals_found(context: dg.AssetCheckExecutionContext, platform: PlatformResource,
                             killsteals: pl.DataFrame) -> dg.AssetCheckResult:
    folder = platform.landing_dir(pubg.DOMAIN) / "truth"
    truths = [json.loads((folder / f"{key}.json").read_text()) for key in context.partition_keys
              if (folder / f"{key}.json").exists()]
    planted = [k for truth in truths for k in truth["planted_killsteals"]]
    compared = killsteals.filter(pl.col("match_id").is_in([t["match_id"] for t in truths]))
    numbers = {**quality.killsteal_truth(compared, planted), "matches_with_truth": len(truths)}
    return dg.AssetCheckResult(passed=numbers["precision"] >= TRUTH_FLOOR and numbers["recall"] >= TRUTH_FLOOR,
                               severity=dg.AssetCheckSeverity.WARN, metadata=numbers)


@dg.asset_check(asset=MATCH["weapon_kill_events"], name="weapon_ids_in_other", partitions_def=pubg.pubg_match_partitions,
                description="Lists the damage causer ids of kills that fall to weapon category Other.")
def weapon_ids_in_other(weapon_kill_events: pl.DataFrame) -> dg.AssetCheckResult:
    other = quality.causers_in_other(weapon_kill_events)
    return dg.AssetCheckResult(passed=not other, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"ids_in_other": ", ".join(other), "count": len(other)})


@dg.asset_check(asset=pubg.team_match_results, name="slots_confirmed_once", blocking=True,
                additional_ins={"match_context": every_partition(pubg.cons("tournament_match_context"))},
                description="No schedule slot is confirmed by two tournament matches (each would count in the "
                "standings): an override in pubg.tournament_match_overrides settles which one was played for it.")
def slots_confirmed_once(team_match_results: pl.DataFrame, match_context: pl.DataFrame) -> dg.AssetCheckResult:
    twice = tournament.slots_confirmed_twice(match_context)
    return dg.AssetCheckResult(passed=twice.height == 0, metadata={
        "slots_confirmed_twice": twice.height,
        "slots": "; ".join(f"{slot}: {ids}" for slot, ids in twice.iter_rows()),
    })


CHECKS = [
    telemetry_agrees_with_match_object, killsteals_at_most_kills, distribution_sums_to_player_totals,
    match_ids_in_matches, placement_is_roster_rank, matches_without_telemetry, planted_killsteals_found,
    weapon_ids_in_other, slots_confirmed_once, quarantine_check(pubg.landing_match_files, pubg.DOMAIN),
]
