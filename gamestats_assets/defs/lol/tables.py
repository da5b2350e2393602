"""The lol tables computed from the ETL tables, declared once as `Table`s (`lib/authoring/table.py`): STD (daily,
by the day of the landing folder a file was dropped in, each computed by game: `by_game`) and the CONS statistics
over every game so far. The Dagster
assets and the in-memory runs of tests and benchmarks (`computed`) are built from `TABLES`; each table is one
function of `transforms` (whose docstring defines it)."""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import polars as pl

from gamestats_assets.published.lol import COLUMNS, Q_THRESHOLD
from gamestats_assets.defs.lol.transforms import (
    champions,
    cons,
    coordination,
    duos,
    first_items,
    lanes,
    loadouts,
    objective_tree,
    objectives,
    pattern_sums,
    patterns,
    reached,
    skill_ngrams,
    std,
    trends,
    win_model,
)
from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.authoring.memory_run import run_in_memory
from gamestats_assets.lib.authoring.table import Table, by_game, of_every_day, undated
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.lib.refresh.slices import Slicing, unchanged
from gamestats_assets.sources.riot import compound, ddragon, league

EVENTS, FRAMES, MATCHES, PARTICIPANTS = "etl/timeline_events", "etl/participant_frames", "etl/matches", "etl/participants"
ENTRIES = "etl/league_entries"


STD_TABLES = [
    by_game("std", "games", undated(std.games),
            "Every game with its match file (key date, match_id): queue, patch, Summoner's Rift, remake, AFK players, "
            "and whether the statistics count it.",
            {"matches": MATCHES, "participants": PARTICIPANTS, "frames": FRAMES}),
    Table("std", "game_tiers", undated(league.game_tiers),
          "Every game's ranked tier (key date, match_id): the lower median of its players' tiers in the game's league "
          "(flex for flex games, solo otherwise) from the day's league files, `ranked_players` of them ranked; null "
          "when none is.", {"matches": MATCHES, "participants": PARTICIPANTS, "entries": ENTRIES}),
    by_game("std", "item_purchases",
            undated(lambda events, matches: std.item_purchases(events, matches, ddragon.game_items(matches))),
            "Completed items bought, in order (key date, match_id, participant_id, event_index): undo, sale and "
            "component purchases resolved; core = legendary and mythic items (Data Dragon of the game's patch); "
            "core_rank 1, 2, 3... by completion.", {"events": EVENTS, "matches": MATCHES}),
    by_game("std", "skill_orders", undated(std.skill_orders),
            "Skill level-up sequence and max order (Q/W/E) per player (key date, match_id, participant_id).",
            {"events": EVENTS}),
    by_game("std", "first_objectives", undated(std.first_objectives),
            "First dragon, herald, baron and tower per team, with counts and the team's win (key date, match_id, "
            "team_id).", {"events": EVENTS, "participants": PARTICIPANTS}),
    by_game("std", "vision_deaths", undated(std.vision_deaths),
            "Vision per minute and deaths per 10 minutes per player (key date, match_id, participant_id).",
            {"events": EVENTS, "participants": PARTICIPANTS, "matches": MATCHES}),
    by_game("std", "team_coordination", undated(std.team_coordination),
            "Teammates within 2 500 units of each objective take (key date, match_id, event_index).",
            {"events": EVENTS, "frames": FRAMES}),
    by_game("std", "game_states", undated(win_model.game_states),
            "Game state (blue minus red) at 10 and 15 minutes with the winner (key date, match_id, minute).",
            {"events": EVENTS, "frames": FRAMES, "matches": MATCHES}),
    by_game("std", "lane_states", undated(lanes.lane_states),
            "Each player's lane opponent (same position, other team) and gold, XP and CS differences to it at 10 and "
            "15 minutes (key date, match_id, participant_id).", {"participants": PARTICIPANTS, "frames": FRAMES}),
    by_game("std", "participant_games",
            undated(lambda participants, matches, purchases, skills, vision, game_table: std.participant_games(
                participants, matches, purchases, skills, vision, ddragon.game_champions(matches), game_table)),
            "One row per player of a game with its match file (key date, match_id, participant_id): queue, patch, "
            "counted, KDA, DPM, gold, CS and vision per minute, deaths per 10, max order, first three core items.",
            {"participants": PARTICIPANTS, "matches": MATCHES, "purchases": "std/item_purchases",
             "skills": "std/skill_orders", "vision": "std/vision_deaths", "game_table": "std/games"}),
    by_game("std", "loadouts",
            undated(lambda participants, matches: loadouts.loadouts(
                participants, matches, ddragon.game_runes(matches), ddragon.game_spells(matches))),
            "Rune page and summoner spell pair per player (key date, match_id, participant_id), named by the Data "
            "Dragon of the game's patch (`runes_named_on`, `spells_named_on`: the reference patch that named them).",
            {"participants": PARTICIPANTS, "matches": MATCHES}),
    by_game("std", "starting_items",
            undated(lambda events, matches: std.starting_items(events, matches, ddragon.game_items(matches))),
            "Items bought before the first minions, not undone or sold back (key date, match_id, participant_id), "
            "named by the Data Dragon of the game's patch (`items_named_on`).", {"events": EVENTS, "matches": MATCHES}),
    by_game("cons", "participant_facts", undated(std.participant_facts),
            "The participant fact table of compound queries (key date, match_id, participant_id): participant_games "
            "plus every completed item with its completion minute, the lane opponent and lane differences, and the "
            "team's first objectives.",
            {"players": "std/participant_games", "purchases": "std/item_purchases", "lanes": "std/lane_states",
             "first_objectives": "std/first_objectives"}),
    by_game("cons", "participant_query_facts", undated(compound.flattened),
            "The participant fact table as `gamestats serve`'s compound query reads it from PostgreSQL (key date, "
            "match_id, participant_id): `participant_facts` with the completed item ids in completion order, "
            "comma-separated (`completed_item_ids`), for the list of completed items.",
            {"facts": "cons/participant_facts"}, columns=COLUMNS["participant_query_facts"],
            publish=Publish(("date", "match_id", "participant_id"), indexes=("champion_id",))),
]


def model_quality(model: pl.DataFrame) -> dict[str, float | int]:
    """Held-out accuracy and AUC of each minute's win model beside the gold-difference baseline's, and the test
    size, of the queue and patch with the most held-out games."""
    if model.is_empty():
        return {}
    quality = model.group_by("queue", "patch", "minute").agg(
        pl.col("accuracy", "auc", "baseline_auc", "auc_gain_ci_low", "auc_gain_ci_high", "n_test").first())
    largest = quality.sort("n_test", descending=True).row(0, named=True)
    queue, patch = largest["queue"], largest["patch"]
    best = quality.filter(queue=queue, patch=patch).sort("minute")
    return {"queue": queue, "patch": patch} | {
        f"{measure}_{row['minute']}min": row[measure] for row in best.iter_rows(named=True)
        for measure in ("accuracy", "auc", "baseline_auc", "auc_gain_ci_low", "auc_gain_ci_high", "n_test")}


def statistic(name: str, compute: Callable[..., pl.DataFrame], inputs: Mapping[str, str], grain: tuple[str, ...],
              summary: Callable[[pl.DataFrame], dict] | None = None, checks: tuple[str, ...] = (),
              of_queue_and_patch: Callable[..., pl.DataFrame] | None = None,
              across: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> Table:
    """The CONS table `lol/cons/<name>` whose arithmetic does not merge game by game (quartiles, ranks, models, tests
    over every pair), described by `compute`'s docstring: `compute` over every day of its inputs, published to
    `lol.<name>` whole, one row per `grain`, its rows meeting `checks` in PostgreSQL.

    Each queue and patch (`cons.GROUP`) is computed from its own games alone, so a refresh computes again only those
    whose games changed (`Slicing`); where a step spans them (a correction over every test), `compute` is
    `across(of_queue_and_patch(...))`, and `across` runs over every queue and patch's rows."""
    index = "games" if "games" in inputs else "players"
    return Table("cons", name, of_every_day(of_queue_and_patch or compute), compute.__doc__, inputs, kind="snapshot",
                 summary=summary, columns=COLUMNS[name], publish=Publish(grain, PublishMode.SNAPSHOT, checks=checks),
                 refresh=Slicing(cons.GROUP, index, across=across or unchanged))


def folded_statistic(name: str, compute: Callable[..., pl.DataFrame], joined: JoinedFold, inputs: Mapping[str, str],
                     grain: tuple[str, ...], checks: tuple[str, ...], tiered: bool = True,
                     summary: Callable[[pl.DataFrame], dict] | None = None) -> Table:
    """The CONS table `lol/cons/<name>` kept as exact counts merged game by game (`joined`, a fold of its `inputs`),
    described by `compute`'s docstring (the table computed at once), published to `lol.<name>` whole, one row per
    `grain`, its rows meeting `checks`, its `summary` recorded; `tiered`, by ranked tier (`std/game_tiers` read
    too, `tier` following `patch` in the grain)."""
    if tiered:
        inputs, grain = {**inputs, "tiers": "std/game_tiers"}, (*grain[:2], "tier", *grain[2:])
    return Table("cons", name, of_every_day(compute), compute.__doc__, inputs, kind="snapshot", refresh=joined,
                 summary=summary, columns=COLUMNS[name], publish=Publish(grain, PublishMode.SNAPSHOT, checks=checks))


RATE_CHECKS = ("games > 0 AND wins BETWEEN 0 AND games",
               "win_rate BETWEEN 0 AND 1 AND win_rate_ci_low <= win_rate + 1e-9 AND win_rate <= win_rate_ci_high + 1e-9")
"""What a win rate's row meets: games won within the games played, the rate within its interval."""
PICK_CHECKS = (*RATE_CHECKS, "champion_games >= games", "pick_rate > 0 AND pick_rate <= 1")
SIGNIFICANT = f"significant = coalesce(q_value < {Q_THRESHOLD}, false)"
FINDING_CHECKS = ("q_value >= p_value", SIGNIFICANT, "effect_ci_low <= effect + 1e-9 AND effect <= effect_ci_high + 1e-9")
"""What a finding's row meets: its q at least its p, `significant` exactly where q is below 0.05, the effect within
its interval."""


PLAYERS = {"players": "std/participant_games"}
GAMES = {"games": "std/games"}
LOADOUTS = {**PLAYERS, "loadouts": "std/loadouts"}
PURCHASES = {**PLAYERS, "purchases": "std/item_purchases"}
STATISTICS = [
    folded_statistic("champion_stats", champions.champion_stats, champions.CHAMPION_STATS, {**PLAYERS, **GAMES},
                     ("queue", "patch", "team_position", "champion_id"),
                     (*RATE_CHECKS, "picked_games <= games AND picked_games <= queue_games",
                      "pick_rate > 0 AND pick_rate <= 1", "banned_games BETWEEN 0 AND queue_games",
                      "ban_rate_ci_low <= ban_rate + 1e-9 AND ban_rate <= ban_rate_ci_high + 1e-9")),
    folded_statistic("item_build_stats", cons.item_build_stats, cons.ITEM_BUILDS, PLAYERS,
                     ("queue", "patch", "champion_id", "depth", "core_path"), ("q_value >= p_value", SIGNIFICANT)),
    folded_statistic("skill_order_stats", cons.skill_order_stats, cons.SKILL_ORDERS, PLAYERS,
                     ("queue", "patch", "champion_id", "max_order"), ()),
    folded_statistic("skill_path_stats", reached.skill_path_stats, reached.SKILL_PATHS,
                     {**PLAYERS, "skills": "std/skill_orders"}, ("queue", "patch", "champion_id", "skill_path"),
                     PICK_CHECKS),
    folded_statistic("late_item_stats", reached.late_item_stats, reached.LATE_ITEMS, PURCHASES,
                     ("queue", "patch", "champion_id", "slot", "item_id"), (*PICK_CHECKS, "slot BETWEEN 4 AND 6")),
    folded_statistic("item_sequence_stats", reached.item_sequence_stats, reached.ITEM_SEQUENCES, PURCHASES,
                     ("queue", "patch", "champion_id", "depth", "sequence"),
                     (*PICK_CHECKS, "depth BETWEEN 4 AND 6", "pick_rate >= 0.01 AND games >= 10")),
    folded_statistic("boots_stats", reached.boots_stats, reached.BOOTS, PURCHASES,
                     ("queue", "patch", "champion_id", "item_id"), PICK_CHECKS),
    folded_statistic("objective_stats", cons.objective_stats, cons.OBJECTIVE_STATS,
                     {"first_objectives": "std/first_objectives", "coordination": "std/team_coordination", **GAMES},
                     ("queue", "patch", "objective"), (*RATE_CHECKS, *FINDING_CHECKS), tiered=False),
    folded_statistic("objective_timing", objectives.objective_timing, objectives.TIMING,
                     {"coordination": "std/team_coordination", "first_objectives": "std/first_objectives", **GAMES},
                     ("queue", "patch", "objective", "period"),
                     (*RATE_CHECKS, "share_of_games > 0 AND share_of_games <= 1", *FINDING_CHECKS),
                     tiered=False),
    folded_statistic("dragon_vs_herald", objectives.dragon_vs_herald, objectives.CHOICE,
                     {"first_objectives": "std/first_objectives", **PLAYERS, **GAMES}, ("queue", "patch"),
                     ("dragon_games >= min_games AND herald_games >= min_games",
                      "difference_ci_low <= difference AND difference <= difference_ci_high", SIGNIFICANT),
                     tiered=False),
    folded_statistic("skill_ngrams", skill_ngrams.skill_ngrams, skill_ngrams.SKILL_NGRAMS,
                     {**PLAYERS, "skills": "std/skill_orders"}, ("queue", "patch", "champion_id", "ngram"),
                     ("wins BETWEEN 0 AND games", "games <= champion_games", "q_value >= p_value",
                      "dpm_q_value >= dpm_p_value", SIGNIFICANT,
                      SIGNIFICANT.replace("significant", "dpm_significant").replace("q_value", "dpm_q_value")),
                     tiered=False),
    folded_statistic("coordination_outcomes", coordination.coordination_outcomes, coordination.COORDINATION,
                     {"coordination": "std/team_coordination", "first_objectives": "std/first_objectives", **GAMES},
                     ("queue", "patch", "objective", "teammates_near"),
                     ("wins BETWEEN 0 AND takes", "q_value >= p_value",
                      "trend_ci_low <= trend_per_teammate AND trend_per_teammate <= trend_ci_high", SIGNIFICANT),
                     tiered=False),
    statistic("objective_tree", objective_tree.objective_tree,
              {"first_objectives": "std/first_objectives", **GAMES}, ("queue", "patch", "leaf"),
              summary=lambda table: {"min_games": objective_tree.MIN_GAMES, "min_split": objective_tree.MIN_SPLIT},
              checks=("correct_test BETWEEN 0 AND n_test", "blue_wins_train BETWEEN 0 AND n_train",
                      "accuracy_gain_ci_low <= accuracy_gain AND accuracy_gain <= accuracy_gain_ci_high",
                      *FINDING_CHECKS),
              of_queue_and_patch=objective_tree.fitted_trees, across=objective_tree.with_leaf_q),
    statistic("vision_stats", cons.vision_stats, PLAYERS, ("queue", "patch", "team_position", "vision_band"),
              checks=FINDING_CHECKS, of_queue_and_patch=cons.vision_tests, across=cons.with_vision_q),
    statistic("correlations", patterns.correlations, PLAYERS,
              ("queue", "patch", "team_position", "variable_x", "variable_y"),
              checks=(SIGNIFICANT.replace("q_value", "pearson_q"),
                      "pearson_ci_low <= pearson_r + 1e-9 AND pearson_r <= pearson_ci_high + 1e-9"),
              of_queue_and_patch=patterns.correlation_tests, across=patterns.with_correlation_q),
    folded_statistic("discovered_patterns", pattern_sums.discovered_patterns, pattern_sums.PATTERNS,
                     {**PLAYERS, "first_objectives": "std/first_objectives", **GAMES},
                     ("queue", "patch", "pattern_type", "subject", "role", "condition"),
                     ("effect_ci_low <= effect + 1e-9 AND effect <= effect_ci_high + 1e-9", "q_value >= p_value",
                      "n >= min_games AND n_baseline >= min_games", SIGNIFICANT),
                     summary=lambda table: {"min_games": patterns.MIN_GAMES, "q_threshold": patterns.Q_THRESHOLD,
                                            "false_share_bound": patterns.FALSE_SHARE,
                                            "exceedance_level": patterns.EXCEEDANCE_LEVEL}),
    statistic("win_model", win_model.win_model, {"states": "std/game_states", **GAMES},
              ("queue", "patch", "minute", "term"), model_quality,
              checks=("q_value >= p_value", SIGNIFICANT),
              of_queue_and_patch=win_model.fitted_models, across=win_model.with_term_q),
    folded_statistic("lane_matchups", lanes.lane_matchups, lanes.LANE_MATCHUPS, {**PLAYERS, "lanes": "std/lane_states"},
                     ("queue", "patch", "team_position", "champion_id", "opponent_champion_id"), ()),
    folded_statistic("first_item_gold", first_items.first_item_gold, first_items.FIRST_ITEMS,
                     {**PLAYERS, "lanes": "std/lane_states"},
                     ("queue", "patch", "team_position", "length_from_min", "gold_15_from", "item_id"),
                     (*RATE_CHECKS, "other_games >= 0 AND other_wins BETWEEN 0 AND other_games",
                      "gold_15_to = gold_15_from + 1000", *FINDING_CHECKS), tiered=False),
    folded_statistic("length_win_rates", trends.length_win_rates, trends.LENGTH_WIN_RATES, PLAYERS,
                     ("queue", "patch", "champion_id", "depth", "core_path", "length_from_min"), ()),
    folded_statistic("patch_trend", trends.patch_trend, trends.PATCH_TREND, PLAYERS, ("queue", "champion_id", "patch"),
                     ()),
    folded_statistic("keystone_stats", loadouts.keystone_stats, loadouts.KEYSTONE_STATS, LOADOUTS,
                     ("queue", "patch", "champion_id", "keystone_id"), PICK_CHECKS),
    folded_statistic("rune_page_stats", loadouts.rune_page_stats, loadouts.RUNE_PAGE_STATS, LOADOUTS,
                     ("queue", "patch", "champion_id", "rune_page"), PICK_CHECKS),
    folded_statistic("spell_pair_stats", loadouts.spell_pair_stats, loadouts.SPELL_PAIR_STATS, LOADOUTS,
                     ("queue", "patch", "champion_id", "spell_pair"), PICK_CHECKS),
    folded_statistic("starting_item_stats", loadouts.starting_item_stats, loadouts.STARTING_ITEM_STATS,
                     {**PLAYERS, "starting": "std/starting_items"}, ("queue", "patch", "champion_id", "starting_items"),
                     PICK_CHECKS),
    folded_statistic("bot_duo_stats", duos.bot_duo_stats, duos.BOT_DUOS, PLAYERS,
                     ("queue", "patch", "adc_champion_id", "support_champion_id"),
                     (*RATE_CHECKS, "q_value >= p_value AND q_value <= 1"), tiered=False,
                     summary=lambda table: {"q_threshold": duos.Q_THRESHOLD, "pairs": table.height,
                                            "significant": int(table["significant"].fill_null(False).sum())}),
]
"""The statistics, each within one queue and one patch (the patch trend sets a queue's patches side by side) and
refreshed for the queues and patches whose games changed; the tier list, builds, skill orders and paths, late items,
boots, matchups, win rates by length, patch trend, keystones, rune pages, spells, starting items and discovered
patterns also within each slice of ranked tiers."""

TABLES = [*STD_TABLES, *STATISTICS]
"""Every lol table computed from the ETL tables: the Dagster assets and the in-memory runs are built from them."""


def computed(etl: Mapping[str, pl.DataFrame | pl.LazyFrame], tables: Sequence[Table] = TABLES,
             day: dt.date = dt.date(2000, 1, 1)) -> dict[str, pl.DataFrame]:
    """`tables` computed in memory as their assets compute them, from the frames of the tables no table of them
    computes (`etl`: by table name, `matches`, `participants`, `timeline_events`, `participant_frames` and, when
    given, `league_entries`; STD tables by name for the statistics alone), taken as one landing `day`: every table
    by name."""
    etl = {"league_entries": pl.DataFrame(schema=league.ENTRIES_SCHEMA), **etl}
    layer = {name: ref.split("/")[0] for table in tables for ref in table.inputs.values()
             for name in [ref.split("/")[1]]}
    sources = {f"{layer.get(name, 'etl')}/{name}": frame if "date" in frame.collect_schema().names()
               else frame.with_columns(pl.lit(day).alias("date")) for name, frame in etl.items()}
    run = run_in_memory(tables, [day], lambda _: sources)
    return {table.name: run.snapshots[table.frame_name] if table.kind == "snapshot"
            else run.days[day][table.frame_name] for table in tables}
