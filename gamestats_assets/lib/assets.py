"""The decorator for lake tables, so every domain declares them the same way."""

from collections.abc import Mapping
from typing import Any

import dagster as dg


def lake_asset(
    domain: str,
    layer: str,
    name: str,
    *,
    partitions_def: dg.PartitionsDefinition | None = None,
    partition_column: str | None = None,
    backfill_policy: dg.BackfillPolicy | None = None,
    metadata: Mapping[str, Any] | None = None,
    **kwargs: Any,
):
    """`dg.asset` for the lake table `[domain, layer, name]`: group `domain`, kind `delta`,
    stored by the lake IO manager.

    A partitioned table names its `partition_column` and, unless told otherwise, backfills a range of
    keys in a single run (the lake writes every key of the run in one commit).
    """
    if partitions_def is not None and partition_column is None:
        raise ValueError(f"{domain}/{layer}/{name} is partitioned: name its partition_column")
    return dg.asset(
        key=[domain, layer, name],
        group_name=domain,
        kinds={"delta"},
        io_manager_key="lake",
        partitions_def=partitions_def,
        backfill_policy=backfill_policy or (dg.BackfillPolicy.single_run() if partitions_def else None),
        metadata={**(metadata or {}), **({"partition_column": partition_column} if partition_column else {})},
        **kwargs,
    )

