"""Tracked players: a domain's roster (`roster`), the backfills asked for them (`<domain>.player_backfill_requests`,
where one exists), and the sensor that backfills a player's history when they are added or a backfill is asked
for (`build_tracked_player_sensor`), in the background lane (`lib/core/lanes.py`)."""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import psycopg
from dagster._core.definitions.assets.graph.asset_graph_subset import AssetGraphSubset
from dagster._core.definitions.events import AssetKeyPartitionKey
from dagster._core.execution.backfill import BulkActionsFilter, BulkActionStatus
from psycopg import sql
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb

from gamestats_assets.lib.core.lanes import BACKGROUND
from gamestats_assets.lib.core.partitions import PLAYER_TAG, tracked_player_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.erasure.register import deleted_ids, register_path
from gamestats_assets.lib.intake.discovery import ClaimsHeld
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.publish.postgres import PostgresResource

REQUEST_TAG = "gamestats/backfill_request"
"""The tag of a backfill naming the row of `<domain>.player_backfill_requests` it answers."""
REQUESTS = "player_backfill_requests"
BY_ROSTER = "roster"
"""Who asked for the backfill of a player newly on the roster: the roster itself."""
IN_PROGRESS = [BulkActionStatus.REQUESTED, BulkActionStatus.CANCELING, BulkActionStatus.FAILING]
TICK_BUDGET_SECONDS = 30.0
"""A tick starts no new player after this long; the players left wait for the next tick."""


def roster_file(domain: str, data_dir: str | Path) -> set[str]:
    """The players of the roster file `<data_dir>/reference/<domain>/players.csv` (column `player_id`), none when it
    does not exist; a deleted player (`lib/erasure/register.py`) left out."""
    path = Path(data_dir) / "reference" / domain / "players.csv"
    if not path.exists():
        return set()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        players = {row["player_id"].strip() for row in csv.DictReader(handle) if (row.get("player_id") or "").strip()}
    return players - deleted_ids(register_path(data_dir), domain, sorted(players))


def has_table(conn: psycopg.Connection, domain: str, table: str) -> bool:
    found = conn.cursor(row_factory=tuple_row).execute("SELECT to_regclass(%s)", (f"{domain}.{table}",)).fetchone()
    return found[0] is not None


def roster(domain: str, platform: PlatformResource, postgres: PostgresResource) -> list[str]:
    """Every player the domain tracks: `<domain>.players` in PostgreSQL and the roster file (`roster_file`), whichever
    exist, sorted; a deleted player (`lib/erasure/register.py`) is never tracked again, whoever lists them."""
    players = roster_file(domain, platform.data_dir)
    with postgres.connection() as conn:
        if has_table(conn, domain, "players"):
            query = sql.SQL("SELECT player_id FROM {}.players").format(sql.Identifier(domain))
            listed = {str(player) for (player,) in conn.execute(query).fetchall() if player}
            players |= listed - deleted_ids(register_path(platform.data_dir), domain, sorted(listed))
    return sorted(players)


@dataclass(frozen=True)
class History:
    """What a domain finds of a player's history: the partitions to backfill, and those it leaves out, each with
    why (what building them needs is not there)."""

    partitions: Sequence[str]
    left_out: Mapping[str, str] = field(default_factory=dict)


def request_backfill(conn: psycopg.Connection, domain: str, player: str, requested_by: str) -> int:
    """Ask for a backfill of `player`'s history in `<domain>.player_backfill_requests`, which the domain's
    newly-tracked-players sensor takes up at its next tick; the request's id."""
    return conn.cursor(row_factory=tuple_row).execute(
        sql.SQL("INSERT INTO {} (player_id, requested_by) VALUES (%s, %s) RETURNING request_id").format(
            sql.Identifier(domain, REQUESTS)), (player, requested_by)).fetchone()[0]


def waiting_requests(conn: psycopg.Connection, domain: str) -> dict[str, int]:
    """The players with a backfill asked for and not handled yet, each with their latest request."""
    found = conn.cursor(row_factory=tuple_row).execute(
        sql.SQL("SELECT player_id, max(request_id) FROM {} WHERE handled_at IS NULL GROUP BY 1").format(
            sql.Identifier(domain, REQUESTS))).fetchall()
    return {player: request for player, request in found}


def answer_requests(conn: psycopg.Connection, domain: str, player: str, history: History) -> int:
    """Record what the sensor made of `player`'s backfill (the partitions it covers, those left out and why) on
    their requests not handled yet, or on a request of the roster's when there is none; the latest one's id."""
    table, rows = sql.Identifier(domain, REQUESTS), conn.cursor(row_factory=tuple_row)
    values = (len(history.partitions), Jsonb(dict(history.left_out)))
    answered = rows.execute(sql.SQL("UPDATE {} SET handled_at = clock_timestamp(), partitions = %s, left_out = %s "
                                    "WHERE player_id = %s AND handled_at IS NULL RETURNING request_id").format(table),
                            (*values, player)).fetchall()
    if answered:
        return max(request for (request,) in answered)
    return rows.execute(sql.SQL("INSERT INTO {} (player_id, requested_by, handled_at, partitions, left_out) "
                                "VALUES (%s, %s, clock_timestamp(), %s, %s) RETURNING request_id").format(table),
                        (player, BY_ROSTER, *values)).fetchone()[0]


def backfilling(instance: dg.DagsterInstance) -> set[str]:
    """The players whose backfill is in progress on `instance`."""
    return {b.tags[PLAYER_TAG] for b in instance.get_backfills(filters=BulkActionsFilter(statuses=IN_PROGRESS))
            if PLAYER_TAG in b.tags}


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
    partitions_for: Callable[[str, dg.SensorEvaluationContext, PlatformResource], Sequence[str] | History],
    target: Sequence[dg.AssetKey],
    *,
    api_key_env: str | None = None,
    minimum_interval_seconds: int = 30,
) -> dg.SensorDefinition:
    """`<domain>_newly_tracked_players`: for each player newly on the roster or with a backfill asked for in
    `<domain>.player_backfill_requests`, one backfill of `target` over `partitions_for(player, ...)` (the partitions
    of the player's history still to build for them; a `History` names those it leaves out and why), in the
    background lane (`lib/core/lanes.py`), and the player added to the `<domain>_tracked_player` partitions. What
    the sensor made of each player (partitions covered, left out) is recorded on their requests (a request of the
    roster's for a player newly on it), where the table exists. A player whose backfill is in progress waits for it
    to end. With
    `api_key_env` unset, newly tracked players wait and the skip reason says so; an API error, an entry
    `partitions_for` refuses (a ValueError: an id not in its source's format) or the domain's claims held by
    another sensor (`ClaimsHeld`) leaves the player for the next tick with the reason, the others go on. The
    cursor is the roster of players done: a removed player leaves it, so adding them again backfills again."""
    players_partitions = tracked_player_partitions(domain)

    @dg.sensor(name=f"{domain}_newly_tracked_players", minimum_interval_seconds=minimum_interval_seconds,
               default_status=dg.DefaultSensorStatus.RUNNING, asset_selection=list(target),
               description=f"Backfills a player's history when they are added to `{domain}.players` or "
               f"`reference/{domain}/players.csv`.")
    def _sensor(context: dg.SensorEvaluationContext, platform: PlatformResource, postgres: PostgresResource):
        tracked = roster(domain, platform, postgres)
        with postgres.connection() as conn:
            recorded = has_table(conn, domain, REQUESTS)
            asked = waiting_requests(conn, domain) if recorded else {}
        done = set(json.loads(context.cursor) if context.cursor else []) & set(tracked)
        waiting = [player for player in tracked if player not in done or player in asked]
        if not waiting:
            return dg.SensorResult(skip_reason="no newly tracked player", cursor=json.dumps(sorted(done)))
        if api_key_env and not os.environ.get(api_key_env):
            return dg.SensorResult(cursor=json.dumps(sorted(done)), skip_reason=(
                f"{api_key_env} is not set: {len(waiting)} newly tracked player(s) wait for it ({listed(waiting)})"))
        running = backfilling(context.instance)
        found, failed, started = {}, {}, time.monotonic()
        for player in waiting:
            if time.monotonic() - started > TICK_BUDGET_SECONDS:
                break
            if player in running:
                failed[player] = "their backfill in progress ends first"
                continue
            try:
                history = partitions_for(player, context, platform)
            except (ApiError, ValueError, ClaimsHeld) as error:
                failed[player] = str(error)
                continue
            found[player] = history if isinstance(history, History) else History(list(history))
            done.add(player)
        answered = {}
        if recorded and found:
            with postgres.connection() as conn, conn.transaction():
                answered = {player: answer_requests(conn, domain, player, history) for player, history in found.items()}
        requests = [
            backfill_request(context.repository_def.asset_graph, target, history.partitions, {
                PLAYER_TAG: player, **BACKGROUND,
                **({REQUEST_TAG: str(answered[player])} if player in answered else {})})
            for player, history in found.items() if history.partitions]
        for player, error in failed.items():
            context.log.warning(f"{shown(player)} waits for the next tick: {error}")
        for player, history in found.items():
            if history.left_out:
                context.log.info(f"{shown(player)}: {len(history.left_out)} partition(s) left out, "
                                 f"{next(iter(history.left_out.values()))}")
        new_keys = [p for p in done if not context.instance.has_dynamic_partition(players_partitions.name, p)]
        additions = [players_partitions.build_add_request(sorted(new_keys))] if new_keys else []
        cursor = json.dumps(sorted(done))
        if requests:
            return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=additions, cursor=cursor)
        current = [player for player, history in found.items() if not history.left_out]
        reasons = [f"history already built for {listed(current)}"] if current else []
        reasons += [f"nothing to build for {shown(player)}: {len(history.left_out)} partition(s) left out, "
                    f"{next(iter(history.left_out.values()))}" for player, history in found.items() if history.left_out]
        reasons += [f"{shown(player)} waits: {error}" for player, error in failed.items()]
        reasons += [f"{len(waiting) - len(found) - len(failed)} player(s) left for the next tick"] if (
            len(waiting) > len(found) + len(failed)) else []
        return dg.SensorResult(dynamic_partitions_requests=additions, cursor=cursor, skip_reason="; ".join(reasons))

    return _sensor
