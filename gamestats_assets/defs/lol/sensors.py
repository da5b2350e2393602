"""The lol sensors beyond its landing sensor: Riot API discovery of the tracked summoners' new games, and the
backfill of a newly tracked summoner's last `BACKFILL_DAYS` days (`api_sensors`)."""

import datetime as dt
import json
import os

import dagster as dg

from gamestats_assets.defs.lol.assets import DOMAIN, LANDING
from gamestats_assets.lib.authoring.domain import Wiring
from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import land_and_claim
from gamestats_assets.lib.intake.sensors import Discovered, build_discovery_sensor
from gamestats_assets.lib.intake.tracking import build_tracked_player_sensor, roster, shown
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.riot.client import (
    API_KEY_ENV,
    DATA_DRAGON_URL,
    DataDragonClient,
    RiotClient,
    checked_player,
    land_player_games,
    region_of,
)

BACKFILL_DAYS = 30
DISCOVERY_OVERLAP = dt.timedelta(hours=1)
"""Each discovery looks back this far before its last run: a game listed late is still found."""
DEFAULT_PLATFORM = "EUW1"
DATA_DRAGON_URL_ENV = "GAMESTATS_DDRAGON_URL"


def client_for(entry: str) -> tuple[RiotClient, str]:
    """The client of a roster entry's region, and the player part of the entry. An entry is a Riot ID
    (`Name#TAG`) or a puuid, optionally prefixed by its platform (`KR/Name#TAG`); without one,
    `GAMESTATS_RIOT_PLATFORM` (default EUW1) names it. A ValueError for an unknown platform or an entry that is
    neither."""
    platform, _, player = entry.rpartition("/")
    platform = platform or os.environ.get("GAMESTATS_RIOT_PLATFORM") or DEFAULT_PLATFORM
    region = region_of(platform)
    return RiotClient(region, base_url=os.environ.get("GAMESTATS_RIOT_BASE_URL") or None), checked_player(player)


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
    """The days that received new games of any tracked summoner since the previous evaluation. A roster entry
    that is not a Riot ID or puuid, or names an unknown platform, is logged with the reason and waits; the
    others are looked at."""
    now = dt.datetime.now(dt.UTC)
    last = dt.datetime.fromisoformat(json.loads(context.cursor)["checked_at"]) if context.cursor else now - dt.timedelta(days=1)
    days: set[str] = set()
    for entry in roster(DOMAIN, platform, PostgresResource()):
        try:
            days |= set(land_since(platform, entry, last - DISCOVERY_OVERLAP))
        except ValueError as error:
            context.log.warning(f"roster entry {shown(entry)} waits for the next tick: {error}")
    return Discovered(keys=sorted(days), cursor=json.dumps({"checked_at": now.isoformat()}), tags={"discovered_by": "riot_api"})


def tracked_player_days(entry: str, context: dg.SensorEvaluationContext, platform: PlatformResource) -> list[str]:
    """A newly tracked summoner's last `BACKFILL_DAYS` days of games, landed; the days to backfill (those
    whose files no run has yet)."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=BACKFILL_DAYS)
    return land_and_claim(context.instance, platform, LANDING, lambda: land_since(platform, entry, since))


def api_sensors(wiring: Wiring) -> list[dg.SensorDefinition]:
    """The Riot API's sensors: new games of the tracked summoners, and a newly tracked summoner's backfill of
    every daily table."""
    return [
        build_discovery_sensor(
            "lol_riot_discovery", discover_new_games, wiring.jobs["daily"], daily_partitions,
            minimum_interval_seconds=600, api_key_env=API_KEY_ENV, landing=LANDING,
            description="Fetches the tracked summoners' new games from the Riot API into `landing/lol/<day>/` and "
            "runs those days."),
        build_tracked_player_sensor(DOMAIN, tracked_player_days, wiring.keys["daily"], api_key_env=API_KEY_ENV),
    ]
