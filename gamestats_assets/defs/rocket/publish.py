"""The rocket tables published to PostgreSQL schema `rocket` (DDL in `sql/050_rocket.sql`): the daily
tables, `player_stats` among them, are partitioned by day in PostgreSQL and published by partition
exchange; the snapshots are replaced whole."""

from gamestats_assets.defs.rocket.assets import (
    matches,
    player_stats,
    player_weaknesses,
    rank_predictions,
    recommendations,
    training_packs,
    training_sessions,
    users,
)
from gamestats_assets.lib.publish import PublishMode, PublishSpec, build_publish_definitions
from gamestats_assets.lib.warehouse import build_warehouse_tables


def spec(asset, key_columns, sum_column=None, mode=PublishMode.PARTITION) -> PublishSpec:
    return PublishSpec(asset, f"rocket.{asset.key.path[-1]}", key_columns, mode, sum_column)


SPECS = [
    spec(users, ("date", "player_id"), "matches"),
    spec(matches, ("date", "match_id"), "goals"),
    spec(player_stats, ("date", "match_id", "player_id", "stat_type"), "value"),
    spec(training_sessions, ("date", "session_id"), "successes"),
    spec(training_packs, ("code",), mode=PublishMode.SNAPSHOT),
    spec(player_weaknesses, ("player_id", "skill"), mode=PublishMode.SNAPSHOT),
    spec(rank_predictions, ("player_id",), mode=PublishMode.SNAPSHOT),
    spec(recommendations, ("player_id", "pack_code"), mode=PublishMode.SNAPSHOT),
]

PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)

WAREHOUSE_ASSETS = build_warehouse_tables([asset for asset in (users, matches, player_stats, training_sessions,
                                                               training_packs, player_weaknesses, rank_predictions,
                                                               recommendations)])
