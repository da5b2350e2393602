"""The lake of the code location: the lake IO manager that leaves the deleted players out. Every write of a table
of a domain with players is redacted (`redaction.redacted`: a deleted player's id and names replaced by their
token), so that a rerun, a backfill or a file delivered again never brings them back, and every read for publishing
leaves out the rows that are their own (`redaction.published_rows`)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.lib.erasure.redaction import published_rows, redacted
from gamestats_assets.lib.erasure.register import Identity
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.rows import Rows, mapped


class ErasingLakeIOManager(DeltaLakeIOManager):
    """`DeltaLakeIOManager` consulting `deleted_players`, the register of deleted players (the data folder's
    `state/deletions.json`), for the tables of the domains in `players` (domain → the columns that name a player)."""

    deleted_players: str = ""
    players: dict[str, Identity] = {}

    def erased(self, asset_key: dg.AssetKey, rows: Rows) -> Rows:
        """`rows` of `asset_key`'s table without the deleted players of the register (`redaction.redacted`)."""
        domain = asset_key.path[0]
        identity = self.players.get(domain)
        if not self.deleted_players or identity is None:
            return rows
        register = Path(self.deleted_players)
        return mapped(rows, lambda frame: redacted(frame, domain, identity, register))

    def published(self, asset_key: dg.AssetKey, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
        """`frame` without a deleted player's own rows (`redaction.published_rows`)."""
        return published_rows(frame, self.players.get(asset_key.path[0]), asset_key.path[-1])
