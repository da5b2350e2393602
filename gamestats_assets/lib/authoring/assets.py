"""How a domain declares a lake table: `lake_asset`, and `Publish` for a table that is also served from
PostgreSQL. The declaration is the only place a table's grain and publish target are written."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import dagster as dg

PUBLISHED_AS, GRAIN, PUBLISH_MODE, RECONCILED_SUM = "published_as", "grain", "publish_mode", "reconciled_sum"


class PublishMode(Enum):
    PARTITION = "partition"
    """Replace the run's partitions: exchange each for a newly loaded one when the table is partitioned in
    PostgreSQL (`sql/070`), else delete their rows and COPY the new ones."""
    SNAPSHOT = "snapshot"
    """Replace the whole table."""
    INSERT_IF_ABSENT = "insert_if_absent"
    """Insert rows whose key is new; keep existing ones (two discovery paths race to fill the table)."""


@dataclass(frozen=True)
class Publish:
    """A lake table's copy in PostgreSQL schema `<domain>`: one row per `key` (checked present, not null and
    unique before publishing), replaced by `mode`, with `sum_column`'s total reconciled with the lake, named
    `table` when not the lake table's name."""

    key: tuple[str, ...]
    mode: PublishMode = PublishMode.PARTITION
    sum_column: str | None = None
    table: str | None = None

    def metadata(self, domain: str, name: str) -> dict[str, str]:
        """The lake asset's metadata saying where and how it is published, as the UI shows it."""
        return {PUBLISHED_AS: f"{domain}.{self.table or name}", GRAIN: ", ".join(self.key),
                PUBLISH_MODE: self.mode.value, **({RECONCILED_SUM: self.sum_column} if self.sum_column else {})}

    @classmethod
    def of(cls, metadata: Mapping[str, Any]) -> tuple[str, "Publish"] | None:
        """(`schema.table`, its `Publish`) declared by a lake asset's `metadata`, None if it is not published."""
        if PUBLISHED_AS not in metadata:
            return None
        return metadata[PUBLISHED_AS], cls(tuple(metadata[GRAIN].split(", ")), PublishMode(metadata[PUBLISH_MODE]),
                                           metadata.get(RECONCILED_SUM))


def lake_asset(
    domain: str,
    layer: str,
    name: str,
    *,
    partitions_def: dg.PartitionsDefinition | None = None,
    partition_column: str | None = None,
    backfill_policy: dg.BackfillPolicy | None = None,
    metadata: Mapping[str, Any] | None = None,
    publish: Publish | None = None,
    **kwargs: Any,
):
    """`dg.asset` for the lake table `[domain, layer, name]`: group `domain`, kind `delta`,
    stored by the lake IO manager, published to PostgreSQL as `publish` says.

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
        metadata={**(metadata or {}), **({"partition_column": partition_column} if partition_column else {}),
                  **(publish.metadata(domain, name) if publish else {})},
        **kwargs,
    )
