"""A deleted player taken out of what Dagster's instance holds of them by name: their key of the
`<domain>_tracked_player` partitions is deleted, and the tag naming them (`gamestats/tracked_player`) on the
backfills of their history and on the runs those launched takes their token as its value.

The runs and backfills are kept, renamed, not deleted: their materializations are the history of matches and days
that other players share, and deleting a run's record deletes its events, so that Dagster would take those
partitions for never built and rebuild them. Dagster's API replaces a run's tag (`add_run_tags`) and a backfill's
body (`update_backfill`); the index of backfill tags that its filters read is written in the same storage.

What Dagster's API cannot edit, the events already written (a publish's preview rows, logs) and the sensor ticks'
history and cursors, is rewritten in the instance's PostgreSQL storage (`instance_texts`), the id and names
replaced by the token; an instance kept elsewhere (an ephemeral one) has only what the API edits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
from dagster._core.execution.backfill import BulkActionsFilter, PartitionBackfill
from dagster._core.storage.runs.schema import BackfillTagsTable

from gamestats_assets.lib.core.partitions import PLAYER_TAG, tracked_player_partitions
from gamestats_assets.lib.erasure.instance_texts import erase_from_storage


@dataclass(frozen=True)
class Named:
    """What Dagster's instance keeps by a player's id: whether it is a key of `<domain>_tracked_player`, and the
    backfills of their history and the runs those launched (tagged `gamestats/tracked_player` with it)."""

    tracked: bool
    backfills: list[PartitionBackfill]
    runs: list[dg.RunRecord]


def named_in_instance(instance: dg.DagsterInstance, domain: str, player_id: str) -> Named:
    """What `instance` keeps by `player_id` of `domain` (`Named`): what the deletion renames or deletes, and what a
    player's export gives."""
    return Named(instance.has_dynamic_partition(tracked_player_partitions(domain).name, player_id),
                 instance.get_backfills(filters=BulkActionsFilter(tags={PLAYER_TAG: player_id})),
                 list(instance.get_run_records(dg.RunsFilter(tags={PLAYER_TAG: player_id}))))


def erase_from_instance(instance: dg.DagsterInstance, domain: str, player_id: str, token: str,
                        names: Iterable[str] = ()) -> dict:
    """Delete `player_id`'s key of `<domain>_tracked_player`, give the tag naming them on every backfill and run
    the value `token` (`named_in_instance`), then replace their id and `names` by `token` in every text of the
    instance's PostgreSQL storage: how many partition keys were deleted, backfills and runs renamed, and texts
    rewritten."""
    named = named_in_instance(instance, domain, player_id)
    if named.tracked:
        instance.delete_dynamic_partition(tracked_player_partitions(domain).name, player_id)
    for backfill in named.backfills:
        instance.update_backfill(backfill._replace(tags={**backfill.tags, PLAYER_TAG: token}))
        rename_backfill_tag(instance, backfill.backfill_id, token)
    for record in named.runs:
        instance.add_run_tags(record.dagster_run.run_id, {PLAYER_TAG: token})
    postgres_url = getattr(instance.run_storage, "postgres_url", None)
    texts = erase_from_storage(postgres_url, [player_id, *names], token) if postgres_url else {}
    return {"tracked_partitions_deleted": int(named.tracked), "backfills_renamed": len(named.backfills),
            "runs_renamed": len(named.runs), "texts_rewritten": sum(texts.values())}


def rename_backfill_tag(instance: dg.DagsterInstance, backfill_id: str, token: str) -> None:
    """The player's tag of `backfill_id` in the index of backfill tags, which `update_backfill` leaves as it was."""
    storage = instance.run_storage
    if not storage.has_backfill_tags_table():
        return
    with storage.connect() as conn:
        conn.execute(BackfillTagsTable.update()
                     .where(BackfillTagsTable.c.backfill_id == backfill_id, BackfillTagsTable.c.key == PLAYER_TAG)
                     .values(value=token))
