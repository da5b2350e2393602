"""Tracked players: a domain's roster, and the sensor that backfills a player's history when they are added.

The roster is the union of the ``<domain>.players`` table in PostgreSQL (column ``player_id``) and the file
``<data_dir>/reference/<domain>/players.csv`` (column ``player_id``), whichever exist. When a player appears
on it, the domain's tracked-player sensor launches one Dagster backfill (shown in the UI's backfills list,
with per-partition status) over the partitions that hold the player's history. Its cursor is the roster as
last seen: a removed player leaves it, so adding them again backfills again, and the partition-replacing
writes of the lake and of PostgreSQL keep that free of duplicate rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence

import dagster as dg
from dagster._core.definitions.assets.graph.asset_graph_subset import AssetGraphSubset
from dagster._core.definitions.events import AssetKeyPartitionKey
from psycopg import sql

from gamestats_assets.lib.partitions import tracked_player_partitions
from gamestats_assets.lib.postgres import PostgresResource
from gamestats_assets.lib.resources import PlatformResource

PLAYER_TAG = "gamestats/tracked_player"


def roster(domain: str, platform: PlatformResource, postgres: PostgresResource) -> list[str]:
    """Every player the domain tracks: ``<domain>.players`` in PostgreSQL and the roster file, sorted."""
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
    return sorted(players)


def backfill_request(
    asset_graph, keys: Sequence[dg.AssetKey], partition_keys: Sequence[str], tags: dict[str, str]
) -> dg.RunRequest:
    """A request that the sensor daemon turns into one backfill of ``keys`` over ``partition_keys``."""
    subset = AssetGraphSubset.from_asset_partition_set(
        {AssetKeyPartitionKey(key, partition) for key in keys for partition in partition_keys}, asset_graph)
    return dg.RunRequest.for_asset_graph_subset(subset, tags=tags)


def build_tracked_player_sensor(
    domain: str,
    partitions_for: Callable[[str, dg.SensorEvaluationContext, PlatformResource], Sequence[str]],
    target: Sequence[dg.AssetKey],
    *,
    minimum_interval_seconds: int = 60,
) -> dg.SensorDefinition:
    """``<domain>_newly_tracked_players``: for each player newly on the roster, one backfill of ``target``
    over ``partitions_for(player, ...)`` (the partitions of the player's history), and the player added to
    the ``<domain>_tracked_player`` partitions."""
    players_partitions = tracked_player_partitions(domain)

    @dg.sensor(name=f"{domain}_newly_tracked_players", minimum_interval_seconds=minimum_interval_seconds,
               default_status=dg.DefaultSensorStatus.RUNNING, asset_selection=list(target),
               description=f"Backfills a player's history when they are added to {domain}.players or "
               f"reference/{domain}/players.csv.")
    def _sensor(context: dg.SensorEvaluationContext, platform: PlatformResource, postgres: PostgresResource):
        tracked = roster(domain, platform, postgres)
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        added = [player for player in tracked if player not in seen]
        cursor = json.dumps(tracked)
        if not added:
            return dg.SensorResult(skip_reason=dg.SkipReason("no newly tracked player"), cursor=cursor)
        requests = []
        for player in added:
            partitions = list(partitions_for(player, context, platform))
            if partitions:
                requests.append(backfill_request(context.repository_def.asset_graph, target, partitions,
                                                 {PLAYER_TAG: player}))
        new_keys = [p for p in added if not context.instance.has_dynamic_partition(players_partitions.name, p)]
        additions = [players_partitions.build_add_request(new_keys)] if new_keys else []
        return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=additions, cursor=cursor)

    return _sensor
