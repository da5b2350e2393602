"""The pubg sensors beyond its landing sensor: API discovery of the tracked and tournament players' new
matches and, apart from it, their download (match object and `<match id>.raw.json.gz` telemetry), the backfill of a newly tracked player's last `BACKFILL_DAYS` days of matches with telemetry (at low
priority, `lib/intake/tracking.BACKGROUND`), and the organisers' decisions taking effect (`api_sensors`)."""

import datetime as dt
import json
import os
import time
from collections.abc import Callable

import dagster as dg
import polars as pl

from gamestats_assets.defs.pubg.assets import (
    DISCOVERY_FOLDER,
    DOMAIN,
    LANDING,
    LANDING_DISCOVERY,
    TRACKED_TABLES,
    cons,
    etl,
    first_discovery,
    record_discovery,
)
from gamestats_assets.defs.pubg.organisers import tournament_definitions
from gamestats_assets.defs.pubg.decisions_sensor import build_decisions_sensor
from gamestats_assets.defs.pubg.partitions import pubg_match_partitions
from gamestats_assets.defs.pubg.tables import tracked_players
from gamestats_assets.lib.authoring.domain import Wiring
from gamestats_assets.lib.authoring.publish_steps import published_specs
from gamestats_assets.lib.core.inputs import UnreadableInput
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.discovery import landing_files, requested_keys
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.intake.sensors import Discovered, build_discovery_sensor
from gamestats_assets.lib.intake.tracking import History, build_tracked_player_sensor, shown
from gamestats_assets.sources.pubg.backfill import BACKFILL_DAYS, WITHOUT_TELEMETRY
from gamestats_assets.sources.pubg.files import PubgFormatError
from gamestats_assets.sources.pubg.match import match_id_of
from gamestats_assets.lib.lake.read import read_partitions
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.pubg.client import (
    API_KEY_ENV,
    BASE_URL,
    ACCOUNT_ID,
    PLAYERS_PER_REQUEST,
    PubgClient,
    requests_per_minute,
)

API_URL_ENV = "GAMESTATS_PUBG_API_URL"
"""Where the PUBG API answers (default the public API); a test points it at a local server."""


def lake_table(key: dg.AssetKey) -> str:
    return "/".join([Settings.from_env().lake_uri.rstrip("/"), *key.path])


def matches_of_player(player: str, context: dg.SensorEvaluationContext, platform: PlatformResource,
                      today: dt.date | None = None) -> History:
    """The match ids in the lake that `player` (an account id) played in the last `BACKFILL_DAYS` days and whose
    tracked-player tables do not hold them yet (no `player_backfill_status` row); those whose telemetry is
    `missing` or `failed` in `telemetry_files` (`WITHOUT_TELEMETRY`; or not read yet) are left out with the lake's
    reason: there is nothing of the player to extract from them."""
    since = dt.datetime.combine((today or dt.date.today()) - dt.timedelta(days=BACKFILL_DAYS), dt.time(), dt.UTC)
    participants = read_partitions(lake_table(etl("participants")), None, None)
    matches = read_partitions(lake_table(etl("matches")), None, None)
    if not participants.collect_schema() or not matches.collect_schema():
        return History([])
    played = (participants.filter(pl.col("account_id") == player).select("match_id")
              .join(matches.filter(pl.col("created_at") >= since).select("match_id"), on="match_id").unique())
    status = read_partitions(lake_table(cons("player_backfill_status")), None, None)
    if status.collect_schema():
        built = status.filter(pl.col("player_id") == player).select("match_id")
        played = played.join(built, on="match_id", how="anti")
    files = read_partitions(lake_table(etl("telemetry_files")), None, None)
    files = (files.select("match_id", "status", "reason") if files.collect_schema() else
             pl.LazyFrame(schema={"match_id": pl.String, "status": pl.String, "reason": pl.String}))
    found = (played.join(files.unique("match_id", keep="last"), on="match_id", how="left")
             .with_columns(pl.col("status").fill_null("missing"),
                           pl.col("reason").fill_null("no telemetry of the match read yet"))
             .sort("match_id").collect())
    kept = found.filter(~pl.col("status").is_in(list(WITHOUT_TELEMETRY)))
    left_out = {match: f"telemetry {state}: {reason}"
                for match, state, reason in found.filter(pl.col("status").is_in(list(WITHOUT_TELEMETRY))).iter_rows()}
    return History(kept["match_id"].to_list(), left_out)


def discovered(platform: PlatformResource, discovered_by: str) -> list[str]:
    """The match ids `discovered_by` found first (`record_discovery`), sorted."""
    found = []
    for path in landing_files(platform.landing_dir(DOMAIN) / DISCOVERY_FOLDER, lambda name: name.endswith(".json")):
        try:
            note = json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(note, dict) and note.get("discovered_by") == discovered_by and note.get("match_id") == path.stem:
            found.append(path.stem)
    return sorted(found)


def tournament_players(platform: PlatformResource) -> list[str]:
    """The account ids on every tournament team of the organisers' files in landing/pubg/tournament/."""
    return sorted({player["account_id"] for definition in tournament_definitions(platform.landing_dir(DOMAIN))
                   for team in definition["teams"] for player in team["players"]})


def requests_per_tick() -> int:
    """Players requests one tick makes: half the key's limit a minute, so that the two discovery sensors
    together stay within it."""
    return max(1, requests_per_minute() // 2)


def api_discover(discovered_by: str, players_of: Callable[[PlatformResource], list[str]]):
    """A `discover` that asks the API for the recent matches of the next players of `players_of(platform)`
    (`requests_per_tick()` requests of ten players, taking up where the last tick stopped) and records each
    match no partition holds and no sensor claimed yet as found by `discovered_by` (`record_discovery`), for its
    download sensor (`api_download`): it downloads nothing itself, so a slow download never delays the next
    discovery, and it requests no run. The cursor keeps the next player's position. A player who is not a PUBG
    account id and a listed match id that is not a PUBG match id are logged with the reason and left out."""

    def discover(context: dg.SensorEvaluationContext, platform: PlatformResource) -> Discovered:
        players = []
        for player in players_of(platform):
            if ACCOUNT_ID.fullmatch(player):
                players.append(player)
            else:
                context.log.warning(f"player {shown(player)} waits: not a PUBG account id (account.<32 hex digits>)")
        state = json.loads(context.cursor) if context.cursor else {}
        state = state if isinstance(state, dict) else {}
        start = state.get("next", 0) % len(players) if players else 0
        batch = (players[start:] + players[:start])[:requests_per_tick() * PLAYERS_PER_REQUEST]
        client = PubgClient(base_url=os.environ.get(API_URL_ENV) or BASE_URL)
        try:
            listed = {m for ids in client.recent_matches(account_ids=batch).values() for m in ids} if batch else set()
        finally:
            client.close()
        taken = set(context.instance.get_dynamic_partitions(pubg_match_partitions.name))
        recorded = 0
        for match_id in sorted(listed - taken - requested_keys(platform, DOMAIN)):
            try:
                match_id_of(match_id, "a match the PUBG API listed")
            except PubgFormatError as error:
                context.log.warning(f"skipped: {error}")
                continue
            recorded += first_discovery(platform, match_id) == LANDING_DISCOVERY
            record_discovery(platform, match_id, discovered_by)
        cursor = {"next": (start + len(batch)) % len(players) if players else 0}
        return Discovered(keys=[], cursor=json.dumps(cursor),
                          idle=f"{recorded} new matches recorded for download, no run requested")

    return discover


DOWNLOAD_SECONDS_PER_TICK = 30.0
"""A download tick starts no new download after this long; the matches left wait for its next tick."""


def api_download(discovered_by: str):
    """A `discover` that downloads the matches `discovered_by` recorded (`landing/pubg/discoveries/`) that no
    partition holds and no sensor claimed yet: the match object into `landing/pubg/matches/<id>.json` and its
    telemetry into `landing/pubg/telemetry/<id>.raw.json.gz` (`PubgClient.land_telemetry`: through the door, once
    a match), and returns them to run. The discoveries are its queue: a match left by one tick (past
    `DOWNLOAD_SECONDS_PER_TICK`, or the API failing on it) is taken up by the next. A match whose object or
    telemetry cannot be read (not a match object, a gzip beyond `GAMESTATS_MAX_DECOMPRESSED_BYTES`) is logged with
    the reason and kept in the cursor, never downloaded again."""

    def discover(context: dg.SensorEvaluationContext, platform: PlatformResource) -> Discovered:
        refused = set(json.loads(context.cursor).get("refused", [])) if context.cursor else set()
        taken = set(context.instance.get_dynamic_partitions(pubg_match_partitions.name))
        waiting = sorted(set(discovered(platform, discovered_by)) - taken - refused - requested_keys(platform, DOMAIN))
        landing, new, started = platform.landing_dir(DOMAIN), [], time.monotonic()
        client = PubgClient(base_url=os.environ.get(API_URL_ENV) or BASE_URL)
        try:
            for match_id in waiting:
                if time.monotonic() - started > DOWNLOAD_SECONDS_PER_TICK:
                    break
                try:
                    _, url = client.land_match(match_id, landing)
                    if url:
                        client.land_telemetry(match_id, url, landing)
                except (PubgFormatError, UnreadableInput) as error:
                    context.log.warning(f"match {match_id} skipped: {error}")
                    refused.add(match_id)
                    continue
                except ApiError as error:
                    context.log.warning(f"match {match_id} waits for the next tick: {error}")
                    break
                new.append(match_id)
        finally:
            client.close()
        return Discovered(keys=new, cursor=json.dumps({"refused": sorted(refused)}),
                          tags={"discovered_by": discovered_by})

    return discover


TRACKED_TARGET = [key for asset in TRACKED_TABLES for key in asset.keys] + [
    spec.asset_key for spec in published_specs(TRACKED_TABLES)] + [
    dg.AssetKey([DOMAIN, "warehouse", key.path[-1]]) for asset in TRACKED_TABLES for key in asset.keys]
"""What a newly tracked player's backfill rebuilds: the tracked-player tables, their published rows and their
warehouse tables."""


def api_sensors(wiring: Wiring) -> list[dg.SensorDefinition]:
    """The PUBG API's sensors (tracked players' and tournament players' new matches) and a newly tracked
    player's backfill, and the organisers' decisions taking effect (`decisions_sensor`). The first discovery of a match wins (`pubg.matches` keeps it), and only a
    tournament-discovered match gets a tournament context. Without `GAMESTATS_PUBG_API_KEY` they skip,
    saying so."""
    return [
        build_discovery_sensor(
            "pubg_api_discovery", api_discover("api", lambda platform: tracked_players(platform, PostgresResource())),
            wiring.jobs["pubg_match"], pubg_match_partitions,
            description="Every 10 minutes: records the new matches of the tracked players, from the PUBG API, for "
            "pubg_api_download.", minimum_interval_seconds=600, priority=0, api_key_env=API_KEY_ENV),
        build_discovery_sensor(
            "pubg_tournament_discovery", api_discover("tournament", tournament_players), wiring.jobs["pubg_match"],
            pubg_match_partitions, description="Every minute: records the new matches of the tournament players, "
            "from the PUBG API, for pubg_tournament_download.", minimum_interval_seconds=60, priority=10,
            api_key_env=API_KEY_ENV),
        *(build_discovery_sensor(
            f"pubg_{path}_download", api_download(path), wiring.jobs["pubg_match"], pubg_match_partitions,
            description=f"Every {every}: downloads the matches pubg_{path}_discovery recorded (match object and "
            "telemetry as <match id>.raw.json.gz) and runs them.", minimum_interval_seconds=seconds,
            priority=priority, api_key_env=API_KEY_ENV, landing=LANDING)
          for path, every, seconds, priority in (("api", "minute", 60, 0), ("tournament", "30 seconds", 30, 10))),
        build_tracked_player_sensor(DOMAIN, matches_of_player, TRACKED_TARGET),
        build_decisions_sensor(wiring),
    ]
