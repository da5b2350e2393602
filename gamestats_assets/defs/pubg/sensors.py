"""The pubg sensors: landing files (a match whose files appear or change in landing/pubg/ is run again, so a
match processed before its telemetry arrived is reprocessed when it lands), and newly tracked players (one
Dagster backfill over the matches of their last ``BACKFILL_DAYS`` days, rebuilding the tracked-player tables
of those matches only)."""

import datetime as dt

import dagster as dg
import polars as pl

from gamestats_assets.defs.pubg.assets import DOMAIN, LANDING, TRACKED_TABLES, etl
from gamestats_assets.defs.pubg.publish import PUBLISH_ASSETS
from gamestats_assets.defs.pubg.schedules import JOBS
from gamestats_assets.lib.lake import read_partitions
from gamestats_assets.lib.resources import PlatformResource
from gamestats_assets.lib.sensors import build_landing_sensor
from gamestats_assets.lib.settings import Settings
from gamestats_assets.lib.tracking import build_tracked_player_sensor

BACKFILL_DAYS = 180


def lake_table(key: dg.AssetKey) -> str:
    return "/".join([Settings.from_env().lake_uri.rstrip("/"), *key.path])


def matches_of_player(player: str, context: dg.SensorEvaluationContext, platform: PlatformResource,
                      today: dt.date | None = None) -> list[str]:
    """The match ids in the lake that ``player`` (an account id) played in the last ``BACKFILL_DAYS`` days."""
    since = dt.datetime.combine((today or dt.date.today()) - dt.timedelta(days=BACKFILL_DAYS), dt.time(), dt.UTC)
    participants = read_partitions(lake_table(etl("participants")), None, None)
    matches = read_partitions(lake_table(etl("matches")), None, None)
    if not participants.collect_schema() or not matches.collect_schema():
        return []
    played = (participants.filter(pl.col("account_id") == player).select("match_id")
              .join(matches.filter(pl.col("created_at") >= since).select("match_id"), on="match_id"))
    return sorted(played.collect()["match_id"].unique().to_list())


TRACKED_TARGET = [key for asset in TRACKED_TABLES for key in asset.keys] + [
    asset.key for asset in PUBLISH_ASSETS
    if asset.key.path[-1] in ("player_circle_positions", "player_damage_events", "player_backfill_status")]

DISCOVERIES = [LANDING]
SENSORS = [
    build_landing_sensor(LANDING, JOBS["pubg_match"]),
    build_tracked_player_sensor(DOMAIN, matches_of_player, TRACKED_TARGET),
]
