"""The state of a table kept up to date by a refresh strategy, and the record of what it has consumed, in one place.

A state is a lake table no asset declares, at `[<domain>, state, <table>]` (`state_key`). Each refresh writes it
whole, in one Delta commit whose metadata records what the state was computed from (`record`: each input's Delta
version, and what else the strategy needs) and the strategy's `definition`: the input versions are Delta's own
record of what the output consumed, and a state whose commit names another definition, or none, is computed again
from every row. Every state passes through the lake's redaction of deleted players (`erased`) on its way to disk,
whatever the strategy."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import dagster as dg
import polars as pl
from deltalake import CommitProperties, write_deltalake

from gamestats_assets.lib.lake.log import snapshot, table_exists, table_scan
from gamestats_assets.lib.lake.write import TABLE_SETTINGS

STATE_LAYER = "state"
"""The layer of the states: `[<domain>, state, <table>]`."""
RECORD, DEFINITION = "refresh.record", "refresh.definition"
"""The keys of a state commit's metadata: what it was computed from (JSON), the definition digest."""


def state_key(domain: str, name: str) -> dg.AssetKey:
    """The lake key of the state of `domain`'s table `name`."""
    return dg.AssetKey([domain, STATE_LAYER, name])


def recorded(state_uri: str, definition: str, storage_options: dict[str, str] | None) -> dict[str, Any] | None:
    """What the state at `state_uri` was computed from, if its latest commit is a refresh's of `definition`."""
    if not table_exists(state_uri, storage_options):
        return None
    [commit] = snapshot(state_uri, storage_options).history(1)
    if commit.get(DEFINITION) != definition or RECORD not in commit:
        return None
    return json.loads(commit[RECORD])


def read_state(state_uri: str, schema: Mapping[str, pl.DataType] | None,
               storage_options: dict[str, str] | None) -> pl.DataFrame:
    """The state's rows, cast to `schema` when given."""
    state = table_scan(state_uri, storage_options).collect()
    return state.cast(dict(schema)) if schema is not None else state


def commit_state(state_uri: str, state: pl.DataFrame, record: Mapping[str, Any], definition: str,
                 storage_options: dict[str, str] | None, erased: Callable[[pl.DataFrame], pl.DataFrame]
                 ) -> pl.DataFrame:
    """Write `state`, redacted by `erased`, as the whole state table in one commit recording `record` and
    `definition`; return what was written."""
    state = erased(state)
    write_deltalake(state_uri, state.to_arrow(), mode="overwrite", schema_mode="overwrite", configuration=TABLE_SETTINGS,
                    storage_options=storage_options, commit_properties=CommitProperties(custom_metadata={
                        RECORD: json.dumps(dict(record), sort_keys=True), DEFINITION: definition}))
    return state


def unredacted(state: pl.DataFrame) -> pl.DataFrame:
    """The `erased` of a state outside a deployment's lake (a benchmark's, a test's), where no player was deleted."""
    return state
