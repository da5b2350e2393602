"""A deleted player taken out of the lake: in every Delta table of their domain, their id and the names beside it
replaced by their token (the rows stay, for what is computed over several players), then every earlier version
made unreadable: the table's
log kept from a new checkpoint on only (`delta.logRetentionDuration` 0, then Delta's default again) and its
unreferenced files vacuumed with no retention, so no version left holds them (the domain's `Identity` says which
columns name a player)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import CommitFailedError

from gamestats_assets.lib.core.sql_text import literal
from gamestats_assets.lib.erasure.redaction import without_names
from gamestats_assets.lib.erasure.register import Identity, id_digest
from gamestats_assets.lib.lake.log import local_tables
from gamestats_assets.lib.lake.write import HISTORY_KEPT, NO_HISTORY


def domain_tables(root: str, domain: str) -> Iterator[str]:
    """The Delta tables of `domain` under a local lake `root` (every folder holding a `_delta_log`)."""
    return local_tables(Path(root) / domain)


def names_in_lake(root: str, domain: str, identity: Identity, player_id: str) -> set[str]:
    """The names the lake's rows of `domain` give `player_id` (the name columns of `identity` in the rows of their
    id)."""
    names = set()
    for uri in domain_tables(root, domain):
        scan = pl.scan_delta(uri)
        schema = scan.collect_schema()
        for column, columns in identity.ids.items():
            found = [name for name in columns if schema.get(name) == pl.String]
            if schema.get(column) == pl.String and found:
                rows = scan.filter(pl.col(column) == player_id).select(found).unique().collect()
                names |= {value for name in found for value in rows.get_column(name).to_list() if value}
    return names


def erase_from_table(uri: str, domain: str, identity: Identity, player_id: str, token: str,
                     names: Iterable[str] = ()) -> int:
    """Replace `player_id` and the names beside it by `token` in the table at `uri`, a table of `domain` whose
    columns naming a player are `identity`'s (their `names` among the words of a free-text column, and their id
    and names as strings of a raw JSON column too), then leave no earlier version of it, even when its current
    rows hold none of them (a write since the player entered the register redacted them, but its earlier versions
    still do): the number of rows changed."""
    table = DeltaTable(uri)
    scan = pl.scan_delta(uri)
    schema = scan.collect_schema()
    changed = 0
    digests = {id_digest(domain, name): token for name in names}
    for column in (c for c in identity.texts if schema.get(c) == pl.String and digests):
        texts = scan.filter(pl.any_horizontal(pl.col(column).str.contains(n, literal=True) for n in names))
        for text in texts.select(pl.col(column).unique()).collect().to_series().to_list():
            written = without_names(text, domain, digests)
            if written != text:
                changed += table.update({column: literal(written)},
                                        predicate=f"{column} = {literal(text)}")["num_updated_rows"]
    for column in (c for c in identity.raws if schema.get(c) == pl.String):
        changed += table.update({column: raw_replaced(column, [player_id, *names], token)},
                                predicate=raw_holds(column, [player_id, *names]))["num_updated_rows"]
    for column, names in identity.ids.items():
        if schema.get(column) != pl.String:
            continue
        predicate = f"{column} = {literal(player_id)}"
        updates = {name: literal(token) for name in names if schema.get(name) == pl.String}
        changed += table.update({**updates, column: literal(token)}, predicate=predicate)["num_updated_rows"]
    forget_history(table)
    return changed


def json_strings(values: Iterable[str]) -> list[str]:
    """Each of `values` as a JSON string, quotes included, as written with and without escaped non-ASCII."""
    return sorted({json.dumps(value, ensure_ascii=ascii) for value in values if value for ascii in (True, False)})


def raw_holds(column: str, values: Iterable[str]) -> str:
    """A predicate: the raw JSON `column` holds any of `values` as a string."""
    return " OR ".join(f"strpos({column}, {literal(quoted)}) > 0" for quoted in json_strings(values))


def raw_replaced(column: str, values: Iterable[str], token: str) -> str:
    """An expression: the raw JSON `column` with each of `values` as a string replaced by `token`."""
    expression = column
    for quoted in json_strings(values):
        expression = f"replace({expression}, {literal(quoted)}, {literal(json.dumps(token))})"
    return expression


def forget_history(table: DeltaTable) -> None:
    """Keep only `table`'s latest version: the log before a new checkpoint removed (by the retention of the version
    `NO_HISTORY` made, whatever commits follow it), the files no longer referenced deleted at once; later commits are
    kept as long as on any table (`HISTORY_KEPT`, unless a start set it back first: `write.settle_tables`)."""
    table.alter.set_table_properties(NO_HISTORY)
    table.create_checkpoint()
    table.cleanup_metadata()
    table.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    try:
        table.alter.set_table_properties(HISTORY_KEPT)
    except CommitFailedError:
        if not DeltaTable(table.table_uri).metadata().configuration.items() >= HISTORY_KEPT.items():
            raise


def erase_from_lake(root: str, domain: str, identity: Identity, player_id: str, token: str,
                    names: Iterable[str] = ()) -> dict[str, int]:
    """`erase_from_table` over every table of `domain`: rows changed by table (those with any)."""
    counts = {}
    for uri in domain_tables(root, domain):
        changed = erase_from_table(uri, domain, identity, player_id, token, names)
        if changed:
            counts[os.path.relpath(uri, root)] = changed
    return counts
