"""How a domain declares a lake table: `lake_asset`, and `Publish` for a table that is also served from
PostgreSQL. The declaration is the only place a table's grain and publish target are written."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import dagster as dg

from gamestats_assets.lib.core.columns import COLUMN_SCHEMA, Columns, table_schema

PUBLISHED_AS, GRAIN, PUBLISH_MODE, RECONCILED_SUM = "published_as", "grain", "publish_mode", "reconciled_sum"
INDEXES, CHECKS, COMMENT, RETIRED = "published_indexes", "published_checks", "published_comment", "published_retired"


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
    `table` when not the lake table's name. Its PostgreSQL table is generated from the declaration
    (`lib/publish/ddl.py`): the lake table's columns, the key as primary key, partitioned by day when a daily
    table is published by partition, `indexes` (each the columns of one, `"created_at DESC"`), `checks` (`CHECK`
    conditions the rows must meet), `comment`, the table's comment that analysts read in PostgreSQL, and `retired`,
    columns it held once that were derived from its own rows: an existing table drops them with their values."""

    key: tuple[str, ...]
    mode: PublishMode = PublishMode.PARTITION
    sum_column: str | None = None
    table: str | None = None
    indexes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    comment: str | None = None
    retired: tuple[str, ...] = ()

    def metadata(self, domain: str, name: str) -> dict[str, Any]:
        """The lake asset's metadata saying where and how it is published, as the UI shows it."""
        return {PUBLISHED_AS: f"{domain}.{self.table or name}", GRAIN: ", ".join(self.key),
                PUBLISH_MODE: self.mode.value, **({RECONCILED_SUM: self.sum_column} if self.sum_column else {}),
                **({INDEXES: dg.MetadataValue.json(list(self.indexes))} if self.indexes else {}),
                **({CHECKS: dg.MetadataValue.json(list(self.checks))} if self.checks else {}),
                **({COMMENT: self.comment} if self.comment else {}),
                **({RETIRED: dg.MetadataValue.json(list(self.retired))} if self.retired else {})}

    @classmethod
    def of(cls, metadata: Mapping[str, Any]) -> tuple[str, "Publish"] | None:
        """(`schema.table`, its `Publish`) declared by a lake asset's `metadata`, None if it is not published."""
        if PUBLISHED_AS not in metadata:
            return None
        listed = {name: tuple(getattr(metadata[name], "data", metadata[name])) if name in metadata else ()
                  for name in (INDEXES, CHECKS, RETIRED)}
        return metadata[PUBLISHED_AS], cls(tuple(metadata[GRAIN].split(", ")), PublishMode(metadata[PUBLISH_MODE]),
                                           metadata.get(RECONCILED_SUM), indexes=listed[INDEXES],
                                           checks=listed[CHECKS], comment=metadata.get(COMMENT),
                                           retired=listed[RETIRED])


def declared_metadata(domain: str, name: str, publish: Publish | None, columns: Columns | None) -> dict[str, Any]:
    """The metadata of the lake table `name` declaring its columns (`dagster/column_schema`) and its publish."""
    return {**(publish.metadata(domain, name) if publish else {}),
            **({COLUMN_SCHEMA: table_schema(columns, publish.key if publish else ())} if columns else {})}


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
    columns: Columns | None = None,
    **kwargs: Any,
):
    """`dg.asset` for the lake table `[domain, layer, name]`: group `domain`, kind `delta`,
    stored by the lake IO manager, published to PostgreSQL as `publish` says, holding the declared `columns`
    (what the lake write must conform to, the UI's Columns tab; a published table declares them).

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
                  **declared_metadata(domain, name, publish, columns)},
        **kwargs,
    )
