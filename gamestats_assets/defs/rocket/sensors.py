"""The rocket sensors beyond its landing sensor: tracked players' new ballchasing replays, and a newly tracked
player's whole history (`api_sensors`); they skip without `GAMESTATS_BALLCHASING_TOKEN`."""

import datetime as dt
import json

import dagster as dg

from gamestats_assets.defs.rocket.assets import DAYS, DOMAIN, LANDING
from gamestats_assets.lib.authoring.domain import Wiring
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import land_and_claim
from gamestats_assets.lib.intake.sensors import Discovered, build_discovery_sensor
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.intake.tracking import build_tracked_player_sensor, roster, shown
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, client_from_env, land_player_replays

DISCOVERY_INTERVAL_SECONDS = 600


def playable_days(days) -> list[str]:
    """The days among `days` that are partitions of the domain's calendar (today included), sorted."""
    return sorted(day for day in days if DAYS.has_partition_key(day))


def discover_new_replays(context: dg.SensorEvaluationContext, platform: PlatformResource) -> Discovered:
    """Land each tracked player's replays played since the cursor's time for them; the days touched are
    the keys to run. The cursor maps player → time of the last look; a player it has not looked at yet is
    looked at from now on (their history is the tracked-player backfill's). A roster entry that is no
    ballchasing player id, or that the API refuses, is logged with the reason and waits, its time unchanged;
    the others are looked at."""
    looked = json.loads(context.cursor) if context.cursor else {}
    now = dt.datetime.now(dt.UTC)
    client = client_from_env()
    days: set[str] = set()
    try:
        for player in roster(DOMAIN, platform, PostgresResource()):
            after = dt.datetime.fromisoformat(looked[player]) if player in looked else now
            try:
                days |= set(land_player_replays(client, platform.landing_dir(DOMAIN), player, after=after))
            except (ValueError, ApiError) as error:
                context.log.warning(f"roster entry {shown(player)} waits for the next tick: {error}")
                continue
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
        return land_and_claim(context.instance, platform, LANDING, lambda: playable_days(
            land_player_replays(client, platform.landing_dir(DOMAIN), player)))
    finally:
        client.close()


def api_sensors(wiring: Wiring) -> list[dg.SensorDefinition]:
    """ballchasing's sensors: tracked players' new replays, and a newly tracked player's backfill of every daily
    table (lake, PostgreSQL and warehouse) over their history."""
    return [
        build_discovery_sensor("rocket_ballchasing_discovery", discover_new_replays, wiring.jobs["daily"],
                               DAYS, description="Tracked players' new ballchasing replays, landed and "
                               "run by day.", minimum_interval_seconds=DISCOVERY_INTERVAL_SECONDS,
                               api_key_env=TOKEN_ENV, landing=LANDING),
        build_tracked_player_sensor(DOMAIN, player_history_days, wiring.keys["daily"], api_key_env=TOKEN_ENV),
    ]
