"""The rocket sensors: landing files, tracked players' new ballchasing replays, newly tracked players.

- `rocket_landing_sensor`: a day whose files appear or change in `landing/rocket/<day>/` is run again;
- `rocket_ballchasing_discovery`: every 10 minutes, each tracked player's replays uploaded since the
  last look are fetched from ballchasing.com into landing, and their days run (skips without
  `GAMESTATS_BALLCHASING_TOKEN`);
- `rocket_newly_tracked_players`: a player added to `rocket.players` or the roster file gets their whole
  ballchasing history landed and one backfill over the days it covers.
"""

import datetime as dt
import json

import dagster as dg

from gamestats_assets.defs.rocket.assets import DOMAIN, LANDING
from gamestats_assets.defs.rocket.schedules import DAILY_KEYS, JOBS
from gamestats_assets.lib.discovery import claim
from gamestats_assets.lib.partitions import daily_partitions
from gamestats_assets.lib.postgres import PostgresResource
from gamestats_assets.lib.resources import PlatformResource
from gamestats_assets.lib.sensors import Discovered, build_discovery_sensor, build_landing_sensor
from gamestats_assets.lib.tracking import build_tracked_player_sensor, roster
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, client_from_env, land_player_replays

DISCOVERY_INTERVAL_SECONDS = 600


def playable_days(days) -> list[str]:
    """The days among `days` that are partitions of the daily calendar, sorted."""
    return sorted(day for day in days if daily_partitions.has_partition_key(day))


def discover_new_replays(context: dg.SensorEvaluationContext, platform: PlatformResource) -> Discovered:
    """Land each tracked player's replays played since the cursor's time for them; the days touched are
    the keys to run. The cursor maps player → time of the last look; a player it has not looked at yet is
    looked at from now on (their history is the tracked-player backfill's)."""
    looked = json.loads(context.cursor) if context.cursor else {}
    now = dt.datetime.now(dt.UTC)
    client = client_from_env()
    days: set[str] = set()
    try:
        for player in roster(DOMAIN, platform, PostgresResource()):
            after = dt.datetime.fromisoformat(looked[player]) if player in looked else now
            days |= set(land_player_replays(client, platform.landing_dir(DOMAIN), player, after=after))
            looked[player] = now.isoformat()
    finally:
        client.close()
    return Discovered(keys=playable_days(days), cursor=json.dumps(looked, sort_keys=True),
                      tags={"discovered_by": "ballchasing"})


def player_history_days(player: str, context: dg.SensorEvaluationContext, platform: PlatformResource) -> list[str]:
    """Land a newly tracked player's whole ballchasing history; the days it brought files to that no run
    has yet (none when every replay was landed and run before)."""
    client = client_from_env()
    try:
        days = playable_days(land_player_replays(client, platform.landing_dir(DOMAIN), player))
    finally:
        client.close()
    return claim(context.instance, platform, LANDING, days)


DISCOVERIES = [LANDING]
SENSORS = [
    *[build_landing_sensor(discovery, JOBS["daily"]) for discovery in DISCOVERIES],
    build_discovery_sensor("rocket_ballchasing_discovery", discover_new_replays, JOBS["daily"], daily_partitions,
                           description="Tracked players' new ballchasing replays, landed and run by day.",
                           minimum_interval_seconds=DISCOVERY_INTERVAL_SECONDS, api_key_env=TOKEN_ENV,
                           landing=LANDING),
    build_tracked_player_sensor(DOMAIN, player_history_days, DAILY_KEYS, api_key_env=TOKEN_ENV),
]
