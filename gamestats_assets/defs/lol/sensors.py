"""The lol sensors.

- `lol_landing_sensor`: a day whose files appear or change in landing/lol/<day>/ is run again.
- `lol_riot_discovery`: every 10 minutes, the new games of the tracked summoners are fetched from the
  Riot API into landing, and their days are run (skips, saying so, without `GAMESTATS_RIOT_API_KEY`).
- `lol_newly_tracked_players`: a summoner added to `lol.players` or `reference/lol/players.csv` gets
  their last `BACKFILL_DAYS` days of games fetched and one Dagster backfill over those days.

A roster entry is a Riot ID (`Name#TAG`) or a puuid, optionally prefixed by its platform
(`KR/Name#TAG`); without one, `GAMESTATS_RIOT_PLATFORM` (default EUW1) names it.
"""

import datetime as dt
import json
import os

import dagster as dg

from gamestats_assets.defs.lol.assets import ASSETS, DOMAIN, LANDING
from gamestats_assets.defs.lol.schedules import JOBS
from gamestats_assets.lib.discovery import claim
from gamestats_assets.lib.partitions import daily_partitions
from gamestats_assets.lib.postgres import PostgresResource
from gamestats_assets.lib.resources import PlatformResource
from gamestats_assets.lib.sensors import Discovered, build_discovery_sensor, build_landing_sensor
from gamestats_assets.lib.tracking import build_tracked_player_sensor, roster
from gamestats_assets.sources.riot.client import (
    API_KEY_ENV,
    DATA_DRAGON_URL,
    DataDragonClient,
    RiotClient,
    land_player_games,
    region_of,
)

BACKFILL_DAYS = 30
DISCOVERY_OVERLAP = dt.timedelta(hours=1)
"""Each discovery looks back this far before its last run: a game listed late is still found."""
DEFAULT_PLATFORM = "EUW1"
DATA_DRAGON_URL_ENV = "GAMESTATS_DDRAGON_URL"


def client_for(entry: str) -> tuple[RiotClient, str]:
    """The client of a roster entry's region, and the player part of the entry."""
    platform, _, player = entry.rpartition("/")
    platform = platform or os.environ.get("GAMESTATS_RIOT_PLATFORM") or DEFAULT_PLATFORM
    return RiotClient(region_of(platform), base_url=os.environ.get("GAMESTATS_RIOT_BASE_URL") or None), player


def land_since(platform: PlatformResource, entry: str, since: dt.datetime) -> list[str]:
    """Land `entry`'s games since `since`; the partition keys of the days that received files. A game of
    a patch newer than the Data Dragon reference adds that patch's names to it (`DATA_DRAGON_URL_ENV`
    names another Data Dragon server)."""
    client, player = client_for(entry)
    data_dragon = DataDragonClient(os.environ.get(DATA_DRAGON_URL_ENV) or DATA_DRAGON_URL)
    try:
        days = land_player_games(client, player, platform.landing_dir(DOMAIN), since, data_dragon=data_dragon)
    finally:
        client.close()
        data_dragon.close()
    return [day.isoformat() for day in days if daily_partitions.has_partition_key(day.isoformat())]


def discover_new_games(context: dg.SensorEvaluationContext, platform: PlatformResource) -> Discovered:
    """The days that received new games of any tracked summoner since the previous evaluation."""
    now = dt.datetime.now(dt.UTC)
    last = dt.datetime.fromisoformat(json.loads(context.cursor)["checked_at"]) if context.cursor else now - dt.timedelta(days=1)
    days = sorted({day for entry in roster(DOMAIN, platform, PostgresResource())
                   for day in land_since(platform, entry, last - DISCOVERY_OVERLAP)})
    return Discovered(keys=days, cursor=json.dumps({"checked_at": now.isoformat()}), tags={"discovered_by": "riot_api"})


def tracked_player_days(entry: str, context: dg.SensorEvaluationContext, platform: PlatformResource) -> list[str]:
    """A newly tracked summoner's last `BACKFILL_DAYS` days of games, landed; the days to backfill (those
    whose files no run has yet)."""
    days = land_since(platform, entry, dt.datetime.now(dt.UTC) - dt.timedelta(days=BACKFILL_DAYS))
    return claim(context.instance, platform, LANDING, days)


DAILY_KEYS = [key for asset in ASSETS if asset.partitions_def == daily_partitions for key in asset.keys]

DISCOVERIES = [LANDING]
SENSORS = [
    *[build_landing_sensor(discovery, JOBS["daily"]) for discovery in DISCOVERIES],
    build_discovery_sensor(
        "lol_riot_discovery", discover_new_games, JOBS["daily"], daily_partitions, minimum_interval_seconds=600,
        api_key_env=API_KEY_ENV, landing=LANDING, description="Fetches the tracked summoners' new games from the "
        "Riot API into `landing/lol/<day>/` and runs those days."),
    build_tracked_player_sensor(DOMAIN, tracked_player_days, DAILY_KEYS, api_key_env=API_KEY_ENV),
]
