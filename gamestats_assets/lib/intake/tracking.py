"""Tracked players: a domain's roster (`roster`), and the sensor that backfills a player's history when they are
added (`build_tracked_player_sensor`)."""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Sequence

import dagster as dg
from dagster._core.definitions.assets.graph.asset_graph_subset import AssetGraphSubset
from dagster._core.definitions.events import AssetKeyPartitionKey
from psycopg import sql

from gamestats_assets.lib.core.erasure import deleted_ids, register_path
from gamestats_assets.lib.core.partitions import tracked_player_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import ClaimsHeld
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.publish.postgres import PostgresResource

PLAYER_TAG = "gamestats/tracked_player"
TICK_BUDGET_SECONDS = 30.0
"""A tick starts no new player after this long; the players left wait for the next tick."""


def roster(domain: str, platform: PlatformResource, postgres: PostgresResource) -> list[str]:
    """Every player the domain tracks: `<domain>.players` in PostgreSQL and the roster file
    `<data_dir>/reference/<domain>/players.csv` (column `player_id` in both), whichever exist, sorted; a deleted
    player (`lib/core/erasure.py`) is never tracked again, whoever lists them."""
    players: set[str] = set()
    path = platform.roster_path(domain)
    if path.exists():
        with path.open(newline="", encoding="utf-8-sig") as handle:
            players |= {row["player_id"].strip() for row in csv.DictReader(handle) if (row.get("player_id") or "").strip()}
    with postgres.connection() as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (f"{domain}.players",)).fetchone()[0]
        if exists:
            query = sql.SQL("SELECT player_id FROM {}.players").format(sql.Identifier(domain))
            players |= {str(player) for (player,) in conn.execute(query).fetchall() if player}
    return sorted(players - deleted_ids(register_path(platform.data_dir), domain, sorted(players)))


def backfill_request(
    asset_graph, keys: Sequence[dg.AssetKey], partition_keys: Sequence[str], tags: dict[str, str]
) -> dg.RunRequest:
    """A request that the sensor daemon turns into one backfill of `keys` over `partition_keys`."""
    subset = AssetGraphSubset.from_asset_partition_set(
        {AssetKeyPartitionKey(key, partition) for key in keys for partition in partition_keys}, asset_graph)
    return dg.RunRequest.for_asset_graph_subset(subset, tags=tags)


def shown(player: str, most: int = 80) -> str:
    """A roster entry as a message shows it: cut to `most` characters."""
    return player if len(player) <= most else f"{player[:most]}... ({len(player)} characters)"


def listed(players: Sequence[str], most: int = 5) -> str:
    """`a, b, c` or `a, b, c, d, e and 3 more`."""
    text = ", ".join(shown(player) for player in players[:most])
    return f"{text} and {len(players) - most} more" if len(players) > most else text


def build_tracked_player_sensor(
    domain: str,
    partitions_for: Callable[[str, dg.SensorEvaluationContext, PlatformResource], Sequence[str]],
    target: Sequence[dg.AssetKey],
    *,
    api_key_env: str | None = None,
    minimum_interval_seconds: int = 30,
) -> dg.SensorDefinition:
    """`<domain>_newly_tracked_players`: for each player newly on the roster, one backfill of `target` over
    `partitions_for(player, ...)` (the partitions of the player's history still to build for them), and the
    player added to the `<domain>_tracked_player` partitions. With `api_key_env` unset, newly tracked
    players wait and the skip reason says so; an API error, an entry `partitions_for` refuses (a ValueError: an
    id not in its source's format) or the domain's claims held by another sensor (`ClaimsHeld`) leaves the player
    for the next tick with the reason, the others go on. The cursor is the roster of players done: a removed
    player leaves it, so adding them again backfills again."""
    players_partitions = tracked_player_partitions(domain)

    @dg.sensor(name=f"{domain}_newly_tracked_players", minimum_interval_seconds=minimum_interval_seconds,
               default_status=dg.DefaultSensorStatus.RUNNING, asset_selection=list(target),
               description=f"Backfills a player's history when they are added to `{domain}.players` or "
               f"`reference/{domain}/players.csv`.")
    def _sensor(context: dg.SensorEvaluationContext, platform: PlatformResource, postgres: PostgresResource):
        tracked = roster(domain, platform, postgres)
        done = set(json.loads(context.cursor) if context.cursor else []) & set(tracked)
        waiting = [player for player in tracked if player not in done]
        if not waiting:
            return dg.SensorResult(skip_reason="no newly tracked player", cursor=json.dumps(sorted(done)))
        if api_key_env and not os.environ.get(api_key_env):
            return dg.SensorResult(cursor=json.dumps(sorted(done)), skip_reason=(
                f"{api_key_env} is not set: {len(waiting)} newly tracked player(s) wait for it ({listed(waiting)})"))
        requests, current, failed, started = [], [], {}, time.monotonic()
        for player in waiting:
            if time.monotonic() - started > TICK_BUDGET_SECONDS:
                break
            try:
                partitions = list(partitions_for(player, context, platform))
            except (ApiError, ValueError, ClaimsHeld) as error:
                failed[player] = str(error)
                continue
            if partitions:
                requests.append(backfill_request(context.repository_def.asset_graph, target, partitions,
                                                 {PLAYER_TAG: player}))
            else:
                current.append(player)
            done.add(player)
        for player, error in failed.items():
            context.log.warning(f"{shown(player)} waits for the next tick: {error}")
        new_keys = [p for p in done if not context.instance.has_dynamic_partition(players_partitions.name, p)]
        additions = [players_partitions.build_add_request(sorted(new_keys))] if new_keys else []
        cursor = json.dumps(sorted(done))
        if requests:
            return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=additions, cursor=cursor)
        reasons = [f"history already built for {listed(current)}"] if current else []
        reasons += [f"{shown(player)} waits: {error}" for player, error in failed.items()]
        reasons += [f"{len(waiting) - len(current) - len(failed)} player(s) left for the next tick"] if (
            len(waiting) > len(current) + len(failed)) else []
        return dg.SensorResult(dynamic_partitions_requests=additions, cursor=cursor, skip_reason="; ".join(reasons))

    return _sensor
