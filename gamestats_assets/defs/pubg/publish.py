"""The pubg tables published to PostgreSQL schema `pubg`: per-match tables by match, tournament and career
tables as snapshots, `matches` insert-if-absent (the first discovery path wins); and every cons table
copied into the DuckDB warehouse for ad-hoc SQL."""

from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.lib.publish import PublishMode, PublishSpec, build_publish_definitions
from gamestats_assets.lib.warehouse import build_warehouse_tables


def spec(asset, table, key_columns, mode=PublishMode.PARTITION, sum_column=None) -> PublishSpec:
    return PublishSpec(asset, f"pubg.{table}", key_columns, mode, sum_column)


MATCH = pubg.MATCH_TABLE_ASSETS
ETL_MATCHES = pubg.etl_match_objects.subset_for({pubg.etl("matches")}, selected_asset_check_keys=None)
"""pubg/etl/matches alone out of the match-object parse (which also writes participants and rosters)."""
SNAPSHOT = PublishMode.SNAPSHOT
SPECS = [
    spec(ETL_MATCHES, "matches", ("match_id",), PublishMode.INSERT_IF_ABSENT),
    spec(MATCH["match_summaries"], "match_summaries", ("match_id", "account_id"), sum_column="kills"),
    spec(MATCH["player_match_weapon_distribution"], "player_match_weapon_distribution",
         ("match_id", "account_id", "weapon_category"), sum_column="damage_dealt"),
    spec(MATCH["player_weapon_accuracy"], "player_weapon_accuracy", ("match_id", "account_id", "weapon_id"),
         sum_column="shots"),
    spec(MATCH["fights"], "fights", ("match_id", "fight_id"), sum_column="damage_events"),
    spec(MATCH["engagements"], "engagements", ("match_id", "engagement_id"), sum_column="fights"),
    spec(MATCH["player_circle_positions"], "player_circle_positions", ("match_id", "account_id", "sample_s")),
    spec(MATCH["tracked_damage_events"], "player_damage_events", ("match_id", "event_index", "account_id", "role")),
    spec(pubg.player_backfill_status, "player_backfill_status", ("match_id", "player_id")),
    spec(pubg.player_advanced_career_stats, "player_advanced_career_stats", ("account_id",), SNAPSHOT, "kills"),
    spec(pubg.TOURNAMENT_FRAME_ASSETS["tournament_rounds"], "tournament_rounds", ("season_id", "round_id"), SNAPSHOT),
    spec(pubg.tournament_scheduled_matches, "tournament_scheduled_matches", ("slot_id",), SNAPSHOT),
    spec(pubg.tournament_match_context, "tournament_matches", ("match_id",)),
    spec(pubg.tournament_match_outcomes, "tournament_match_outcomes", ("match_id",), SNAPSHOT),
    spec(pubg.tournament_team_standings_history, "tournament_team_standings_history",
         ("season_id", "division_id", "group_id", "round_id", "team_name"), SNAPSHOT, "points"),
    spec(pubg.team_leaderboards, "team_leaderboards",
         ("scope", "season_id", "division_id", "group_id", "round_id", "team_name"), SNAPSHOT, "points"),
    spec(pubg.player_leaderboards, "player_leaderboards",
         ("scope", "season_id", "division_id", "group_id", "round_id", "account_id", "player_name", "team_name"),
         SNAPSHOT, "points"),
]

PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)

WAREHOUSE_ASSETS = build_warehouse_tables([asset for asset in pubg.ASSETS if len(asset.keys) == 1])
