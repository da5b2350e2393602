"""Checks of the pubg tables; those whose failure would serve a wrong row are blocking: they judge each match
of the run on its own, and a match that fails is held back from publishing while the others publish."""

import json
from collections.abc import Callable

import dagster as dg
import polars as pl

import gamestats_assets.defs.pubg.assets as pubg
from gamestats_assets.defs.pubg.tables import CAREER_STATS, DAMAGE_STATS, TELEMETRY_PUBLISHED, WEAPON_STATS
from gamestats_assets.defs.pubg.transforms import career, career_damage, career_weapons, quality, summaries, tournament
from gamestats_assets.lib.authoring.checks import (
    Outcome,
    asset_check,
    folded_result,
    judged_by_partition,
    planted_truth_result,
)
from gamestats_assets.lib.authoring.source_checks import quarantine_check
from gamestats_assets.lib.authoring.table import Table, folded_state
from gamestats_assets.lib.core.stats import RateAgainstFloor
from gamestats_assets.lib.core.platform import PlatformResource

MATCH = pubg.MATCH_TABLE_ASSETS
TRUTH_FLOOR = 0.9
"""Planted killsteals: precision and recall must both reach this on synthetic data."""


def by_match(context: dg.AssetCheckExecutionContext, rule, *frames: pl.DataFrame,
             tables: tuple[str, ...] | None = None) -> dg.AssetCheckResult:
    """`rule` judged match by match on `frames` (`judged_by_partition`); a failing match is held from the
    published `tables` (from all when None)."""
    return judged_by_partition(context, rule, [(frame, "match_id") for frame in frames], pubg.pubg_match_partitions,
                               tables=tables)


def whole_telemetry(telemetry_files: pl.DataFrame) -> pl.DataFrame:
    """The matches of `telemetry_files` whose whole telemetry was read."""
    return summaries.telemetry_state(telemetry_files).filter(pl.col("telemetry") == "complete")


def telemetry_agrees(advanced_stats: pl.DataFrame, participants: pl.DataFrame,
                     telemetry_files: pl.DataFrame) -> Outcome:
    numbers = quality.telemetry_agreement(advanced_stats, participants, whole_telemetry(telemetry_files))
    return Outcome(passed=numbers["matches_disagreeing"] == 0, metadata=numbers, reason=(
        f"telemetry disagrees with the match object: {numbers['lowest_agreeing_share']:.0%} of the active players "
        f"agree ({numbers['kill_mismatches']} kill and {numbers['damage_mismatches']} damage mismatches)"))


@asset_check(asset=MATCH["advanced_stats"], name="telemetry_agrees_with_match_object", blocking=True,
             partitions_def=pubg.pubg_match_partitions,
             additional_ins={"participants": dg.AssetIn(pubg.etl("participants")),
                             "telemetry_files": dg.AssetIn(pubg.etl(f"telemetry_{pubg.TELEMETRY_FILES}"))},
             description="Per player, telemetry kills and damage to other teams agree with the match object's "
             f"kills and damageDealt ({quality.TOLERANCE_TEXT}), in every match whose whole telemetry was "
             "read; a match below that serves wrong telemetry columns, so it is held back from publishing.")
def telemetry_agrees_with_match_object(context: dg.AssetCheckExecutionContext, advanced_stats: pl.DataFrame,
                                       participants: pl.DataFrame,
                                       telemetry_files: pl.DataFrame) -> dg.AssetCheckResult:
    return by_match(context, telemetry_agrees, advanced_stats, participants, telemetry_files)


def telemetry_read_whole(telemetry_files: pl.DataFrame) -> Outcome:
    cut = telemetry_files.filter((pl.col("status") == "parsed") & ~pl.col("complete"))
    return Outcome(passed=cut.height == 0, metadata={"matches": telemetry_files.height, "cut_short": cut.height},
                   reason="; ".join(f"telemetry {file} cut short: no LogMatchEnd after {events} events (a truncated "
                                    "download?); its telemetry tables are held, its match-object rows publish"
                                    for file, events in cut.select("file", "events").iter_rows()))


@asset_check(asset=pubg.etl(f"telemetry_{pubg.TELEMETRY_FILES}"),
             name="telemetry_read_whole", blocking=True, partitions_def=pubg.pubg_match_partitions,
             description="Each match's telemetry holds the `LogMatchEnd` a whole match ends with. A match whose "
             "telemetry was cut short is held back from the tables made of telemetry alone ("
             + ", ".join(f"`{table}`" for table in TELEMETRY_PUBLISHED) + "); its `matches` and "
             "`match_summaries` rows (telemetry columns null, `telemetry` = `partial`) publish.")
def telemetry_read_whole_check(context: dg.AssetCheckExecutionContext,
                               telemetry_files: pl.DataFrame) -> dg.AssetCheckResult:
    return by_match(context, telemetry_read_whole, telemetry_files, tables=TELEMETRY_PUBLISHED)


def killsteals_within_kills(advanced_stats: pl.DataFrame) -> Outcome:
    over = advanced_stats.filter(pl.col("killsteals") > pl.col("telemetry_kills")).height
    return Outcome(passed=over == 0, metadata={"players": advanced_stats.height, "players_over": over})


@asset_check(asset=MATCH["advanced_stats"], name="killsteals_at_most_kills", blocking=True,
             partitions_def=pubg.pubg_match_partitions,
             description="No player has more killsteals than kills.")
def killsteals_at_most_kills(context: dg.AssetCheckExecutionContext,
                             advanced_stats: pl.DataFrame) -> dg.AssetCheckResult:
    return by_match(context, killsteals_within_kills, advanced_stats)


@asset_check(asset=MATCH["player_match_weapon_distribution"], name="distribution_sums_to_player_totals",
             blocking=True, partitions_def=pubg.pubg_match_partitions,
             additional_ins={"advanced": dg.AssetIn(pubg.cons("advanced_stats"))},
             description="Each player's kills, knocks and damage by weapon category sum to their totals.")
def distribution_sums_to_player_totals(context: dg.AssetCheckExecutionContext,
                                       player_match_weapon_distribution: pl.DataFrame,
                                       advanced: pl.DataFrame) -> dg.AssetCheckResult:
    def rule(distribution: pl.DataFrame, totals: pl.DataFrame) -> Outcome:
        numbers = quality.distribution_totals(distribution, totals)
        return Outcome(passed=numbers["players_off"] == 0, metadata=numbers)

    return by_match(context, rule, player_match_weapon_distribution, advanced)


@asset_check(asset=MATCH["match_summaries"], name="match_ids_in_matches", blocking=True,
             partitions_def=pubg.pubg_match_partitions,
             additional_ins={"matches": dg.AssetIn(pubg.etl("matches"))},
             description="Every match_summaries.match_id is in matches.")
def match_ids_in_matches(context: dg.AssetCheckExecutionContext, match_summaries: pl.DataFrame,
                         matches: pl.DataFrame) -> dg.AssetCheckResult:
    def rule(summaries: pl.DataFrame, known: pl.DataFrame) -> Outcome:
        orphans = summaries.filter(~pl.col("match_id").is_in(known["match_id"].implode()))["match_id"].unique()
        return Outcome(passed=orphans.len() == 0, metadata={"orphan_matches": orphans.len()})

    return by_match(context, rule, match_summaries, matches)


@asset_check(asset=MATCH["match_summaries"], name="placement_is_roster_rank", blocking=True,
             partitions_def=pubg.pubg_match_partitions,
             additional_ins={"rosters": dg.AssetIn(pubg.etl("rosters"))},
             description="Each team's placement is its roster's rank, the same for all its players.")
def placement_is_roster_rank(context: dg.AssetCheckExecutionContext, match_summaries: pl.DataFrame,
                             rosters: pl.DataFrame) -> dg.AssetCheckResult:
    def rule(summaries: pl.DataFrame, teams: pl.DataFrame) -> Outcome:
        numbers = quality.placements_match_rosters(summaries, teams)
        return Outcome(passed=numbers["wrong_placements"] == 0 and numbers["teams_with_two_placements"] == 0,
                       metadata=numbers)

    return by_match(context, rule, match_summaries, rosters)


@asset_check(asset=MATCH["match_summaries"], name="matches_without_telemetry",
             partitions_def=pubg.pubg_match_partitions,
             description="How many matches of the run have no whole telemetry (their telemetry columns are null), "
             "by what their telemetry is: missing, partial or failed.")
def matches_without_telemetry(match_summaries: pl.DataFrame) -> dg.AssetCheckResult:
    per_match = match_summaries.group_by("match_id").agg(pl.col("has_telemetry", "telemetry").first())
    missing = per_match.filter(~pl.col("has_telemetry"))
    states = dict(missing.group_by("telemetry").len().iter_rows())
    return dg.AssetCheckResult(passed=missing.height == 0, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"matches": per_match.height, "matches_without_telemetry": missing.height,
                                         **{f"telemetry_{state}": states.get(state, 0)
                                            for state in ("missing", "partial", "failed")}})


@asset_check(asset=MATCH["killsteals"], name="planted_killsteals_found", partitions_def=pubg.pubg_match_partitions,
             description=f"On synthetic matches (truth in landing/pubg/truth/): precision and recall of the "
             f"killsteals found reach {TRUTH_FLOOR:.0%}, judged by their intervals (an error when the evidence "
             "says either is below, a warning when too few killsteals are planted to say). Real matches have no "
             "truth: the check warns that it did not evaluate them.")
def planted_killsteals_found(context: dg.AssetCheckExecutionContext, platform: PlatformResource,
                             killsteals: pl.DataFrame) -> dg.AssetCheckResult:
    folder = platform.landing_dir(pubg.DOMAIN) / "truth"
    truths = [json.loads((folder / f"{key}.json").read_text()) for key in context.partition_keys
              if (folder / f"{key}.json").exists()]
    planted = [k for truth in truths for k in truth["planted_killsteals"]]
    compared = killsteals.filter(pl.col("match_id").is_in([t["match_id"] for t in truths]))
    numbers = quality.killsteal_truth(compared, planted)
    if not truths:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                                   description="not evaluated: no planted truth", metadata={"matches_with_truth": 0})
    return planted_truth_result(
        [RateAgainstFloor("recall", numbers["found"], numbers["planted"], TRUTH_FLOOR),
         RateAgainstFloor("precision", numbers["found"], numbers["flagged"], TRUTH_FLOOR)],
        {"matches_with_truth": len(truths), "planted": numbers["planted"], "flagged": numbers["flagged"]})


@asset_check(asset=MATCH["weapon_kill_events"], name="weapon_ids_in_other", partitions_def=pubg.pubg_match_partitions,
             description="Lists the damage causer ids of kills that fall to weapon category Other.")
def weapon_ids_in_other(weapon_kill_events: pl.DataFrame) -> dg.AssetCheckResult:
    other = quality.causers_in_other(weapon_kill_events)
    return dg.AssetCheckResult(passed=not other, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"ids_in_other": ", ".join(other), "count": len(other)})


@asset_check(asset=pubg.TABLE_ASSETS["cons/team_match_results"], name="slots_scored_once", blocking=True,
             description="No schedule slot counts two matches in the standings: a slot played again counts its "
             "remake only (tournament_match_outcomes).")
def slots_scored_once(team_match_results: pl.DataFrame) -> dg.AssetCheckResult:
    twice = tournament.slots_scored_twice(team_match_results)
    return dg.AssetCheckResult(passed=twice.height == 0, metadata={
        "slots_scored_twice": twice.height,
        "slots": "; ".join(f"{slot}: {ids}" for slot, ids in twice.iter_rows()),
    })


def folded_table_check(table: Table, name: str, disagreeing: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame],
                       judged_by: str) -> dg.AssetChecksDefinition:
    """The blocking check `name` of the career table `table`, a fold of a per-match table: every row of the fold's
    state summed per slice of match types (`disagreeing`: the table's rows where they differ) is the table's and no
    other is, and the state counts every row of the source version it folds, no more (from the Delta log's file
    statistics): judged without reading the source again."""

    @asset_check(asset=pubg.TABLE_ASSETS[table.ref], name=name, blocking=True, required_resource_keys={"lake"},
                 description=f"Every row of `{table.name}` has {judged_by} of the fold of `{table.inputs['rows']}` "
                 "(its state summed per slice of match types) and no other row is there, and the fold counts every "
                 "row of the version it folds, no more (from the Delta log's file statistics): judged without "
                 "reading every match again.")
    def _check(context: dg.AssetCheckExecutionContext, rows: pl.DataFrame) -> dg.AssetCheckResult:
        state, counts = folded_state(context.resources.lake, pubg.DOMAIN, table)
        gaps = disagreeing(rows, state)
        return folded_result(dg.AssetCheckResult(passed=gaps.height == 0, metadata={
            "rows": rows.height, "rows_disagreeing": gaps.height,
            "disagreeing": dg.MetadataValue.json(gaps.head(20).select(table.publish.key).rows())}), counts)

    return _check


career_adds_up_to_match_summaries = folded_table_check(
    CAREER_STATS, "career_adds_up_to_match_summaries", career.disagreeing_players,
    "the matches, kills, throwables used and damage")
damage_adds_up_to_match_damage = folded_table_check(
    DAMAGE_STATS, "damage_adds_up_to_match_damage", career_damage.disagreeing_damage,
    "the matches, damage events and damage")
weapons_add_up_to_match_weapons = folded_table_check(
    WEAPON_STATS, "weapons_add_up_to_match_weapons", career_weapons.disagreeing_weapons,
    "the matches, kills, shots and damage dealt")


MAP_POINTS = {"landings": (("x_m", "y_m"),),
              "kill_positions": (("victim_x_m", "victim_y_m"), ("killer_x_m", "killer_y_m"))}
"""The tables a match's map draws as points, and their (x, y) metre columns."""


def on_the_map_check(name: str) -> dg.AssetChecksDefinition:
    """The blocking check that every point of the per-match table `name` lies on its match's map; a match with a
    point off it (coordinates not in the telemetry's centimetres, or a map larger than `reference.MAP_SIZE_M`
    says) is held from `pubg.<name>`, whose points the match page would draw off the map."""
    pairs = MAP_POINTS[name]

    @asset_check(asset=MATCH[name], name="points_on_the_map", blocking=True, partitions_def=pubg.pubg_match_partitions,
                 additional_ins={"matches": dg.AssetIn(pubg.etl("matches"))},
                 description=f"Every point of `{name}` ({', '.join(f'{x}, {y}' for x, y in pairs)}) lies on its "
                 "match's map, between 0 and the map's edge in metres (`sources.pubg.reference.MAP_SIZE_M`); a "
                 f"match with a point off it is held from `pubg.{name}`.")
    def _check(context: dg.AssetCheckExecutionContext, points: pl.DataFrame, matches: pl.DataFrame):
        def rule(rows: pl.DataFrame, known: pl.DataFrame) -> Outcome:
            numbers = quality.points_off_the_map(rows, known, pairs)
            return Outcome(passed=numbers["points_off_map"] == 0, metadata=numbers,
                           reason=f"{numbers['points_off_map']} of {numbers['points']} points off the map")

        return by_match(context, rule, points, matches, tables=(f"pubg.{name}",))

    return _check


def circles_nested(circles: pl.DataFrame) -> Outcome:
    numbers = quality.circles_not_nested(circles)
    return Outcome(passed=numbers["circles_outside_previous"] == 0, metadata=numbers,
                   reason=f"{numbers['circles_outside_previous']} safe zones reach outside the zone before them")


@asset_check(asset=MATCH["circles"], name="each_circle_inside_the_last", blocking=True,
             partitions_def=pubg.pubg_match_partitions,
             description="Each phase's safe zone lies inside the one before it (centre distance plus radius within "
             f"the previous radius, {quality.NESTED_TOLERANCE_M:g} m allowed for rounding), as the game draws them; "
             "a match whose circles do not nest (game states of two matches mixed, or a coordinate misread) is "
             "held from `pubg.circles`.")
def each_circle_inside_the_last(context: dg.AssetCheckExecutionContext, circles: pl.DataFrame) -> dg.AssetCheckResult:
    return by_match(context, circles_nested, circles, tables=("pubg.circles",))


CHECKS = [
    telemetry_agrees_with_match_object, telemetry_read_whole_check, killsteals_at_most_kills,
    distribution_sums_to_player_totals, match_ids_in_matches, placement_is_roster_rank, matches_without_telemetry,
    planted_killsteals_found, weapon_ids_in_other, slots_scored_once, career_adds_up_to_match_summaries,
    damage_adds_up_to_match_damage, weapons_add_up_to_match_weapons,
    quarantine_check(pubg.landing_match_files, pubg.DOMAIN),
    *(on_the_map_check(name) for name in MAP_POINTS), each_circle_inside_the_last,
]
