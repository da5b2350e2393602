"""A refresh strategy: how a declared table (`Table.refresh`) is kept up to date when its inputs change, without
computing it from every row again. Each strategy validates the declaration it is given and builds the Dagster
asset of its tables; the authoring wing hands it what an asset is built with (`AssetKit`).

- `ByKey` (`by_key.py`): a daily table computed again only for the keys (games) whose input rows were written again.
- `Fold` (`fold.py`): a snapshot that is an exact sum over one input's rows, merged from the files its log changed.
- `JoinedFold` (`joined.py`): a snapshot that is an exact sum over rows made game by game from several inputs,
  merged from the games their logs changed.
- `Slicing` (`slices.py`): a snapshot of independent slices (a queue and patch), computed again only for the
  slices whose games changed.

A table without a strategy is computed whole, for each partition of a run. The three snapshot strategies keep a
state (`state.py`) whose commit records the Delta versions of the inputs it consumed."""


from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import dagster as dg
import polars as pl

from gamestats_assets.lib.refresh.state import state_key

TableDeclaration = Any
"""A `Table` of the authoring wing, which this wing does not import (it comes after it)."""


@dataclass(frozen=True)
class AssetKit:
    """What a strategy builds its asset with, given by the authoring wing: `lake_asset(domain, table, ins,
    *resources, **options)`, the decorator of a table's lake asset; `outcome(context, table, results)`, the rows
    returned with the table's figures recorded; `require_complete(context, domain, table)`, the refusal of a run
    whose whole inputs lack a day; `table_key(domain, ref)`; `out(domain, table, **metadata)`, a table's output of a
    step that computes several."""

    lake_asset: Callable[..., Callable[[Callable], dg.AssetsDefinition]]
    outcome: Callable[..., pl.DataFrame]
    require_complete: Callable[..., None]
    table_key: Callable[[str, str], dg.AssetKey]
    out: Callable[..., dg.AssetOut]


class Refresh:
    """A strategy. `loads_inputs`: whether its asset is given its inputs' rows (else it reads their Delta logs and
    files itself, and depends on them without loading them)."""

    loads_inputs: ClassVar[bool] = False

    def validate(self, table: TableDeclaration) -> None:
        """Raise `TypeError` unless `table` is a declaration this strategy can keep."""
        raise NotImplementedError

    def asset(self, domain: str, table: TableDeclaration, kit: AssetKit) -> dg.AssetsDefinition:
        raise NotImplementedError

    @classmethod
    def assets(cls, domain: str, tables: Sequence[TableDeclaration], kit: AssetKit
               ) -> dict[str, dg.AssetsDefinition]:
        """The assets of `domain`'s `tables` kept by this strategy, by reference: each its own."""
        return {table.ref: table.refresh.asset(domain, table, kit) for table in tables}

    def finish_rows(self, rows: pl.DataFrame) -> pl.DataFrame:
        """The table, from its `compute` over every row at once (an in-memory run)."""
        return rows


class StateRefresh(Refresh):
    """A snapshot kept as a state (`state.py`) that `refresh` brings up to date from its inputs' logs; the table is
    `finish_state` of the state."""

    def definition(self, table: TableDeclaration) -> str:
        """A digest of what the state holds: a state recorded under another is computed again from every row."""
        raise NotImplementedError

    def refresh(self, table: TableDeclaration, sources: Mapping[str, str], state_uri: str, definition: str,
                held: Sequence[Any], storage_options: dict[str, str] | None,
                erased: Callable[[pl.DataFrame], pl.DataFrame]) -> tuple[pl.DataFrame, dict[str, Any]]:
        """The state for the inputs (`sources`, parameter → table URI) as they are now, the `held` days left out,
        written; with figures of what it read."""
        raise NotImplementedError

    def finish_state(self, state: pl.DataFrame) -> pl.DataFrame:
        return state

    def asset(self, domain: str, table: TableDeclaration, kit: AssetKit) -> dg.AssetsDefinition:
        """The snapshot, which does not load its inputs: its state brought up to date (what the refresh read
        recorded on the materialization), then finished into the table."""
        key, definition = state_key(domain, table.name), self.definition(table)

        @kit.lake_asset(domain, table, {}, "platform", "lake")
        def _table(context: dg.AssetExecutionContext):
            kit.require_complete(context, domain, table)
            lake = context.resources.lake
            sources = {param: lake.table_uri(kit.table_key(domain, ref)) for param, ref in table.inputs.items()}
            held = list(table.skip_days(context.resources.platform)) if table.skip_days else []
            state, figures = self.refresh(table, sources, lake.table_uri(key), definition, held, lake.options(),
                                          lambda frame: lake.erased(key, frame))
            context.add_output_metadata(figures)
            return kit.outcome(context, table, [self.finish_state(state)])

        return _table
