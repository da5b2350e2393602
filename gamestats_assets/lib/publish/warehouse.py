"""The warehouse: DuckDB as the SQL engine inside a step, and `warehouse.duckdb` as the analysts' database.

Inside a step, `query` runs SQL over polars frames in an in-memory DuckDB (Arrow, zero copy), so no step
ever holds the warehouse file. The warehouse file has one writer at a time: the assets that write it run
in the `duckdb_writer` pool (limit 1); readers open it read-only. A table of a local lake is a view over the
Parquet files of its current version (DuckDB reads Parquet itself); one on object storage is copied in through
Arrow (`deltalake`), never through a DuckDB extension, which could not be downloaded here.
"""

from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster_duckdb import DuckDBResource

from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager, row_count_metadata
from gamestats_assets.lib.lake.log import ParquetTable, parquet_table
from gamestats_assets.lib.lake.partitioning import PARTITION_COLUMN, partition_values
from gamestats_assets.lib.lake.read import read_batches
from gamestats_assets.lib.lake.rows import Rows, arrow_stream, as_stream
from gamestats_assets.lib.core.partitions import partitions_name
from gamestats_assets.lib.core.sql_text import identifier, literal
from gamestats_assets.lib.core.step_order import AFTER_THE_PUBLISH

DUCKDB_POOL = "duckdb_writer"
WAREHOUSE_CONFIG = {"memory_limit": "512MB", "preserve_insertion_order": False}
"""How a step's connection to `warehouse.duckdb` runs: a copy of a large table spills to disk rather than holding
its uncommitted rows in memory, and is inserted in parallel (the rows of a copy have no order to keep)."""


def query(sql: str, **frames: pl.DataFrame) -> pl.DataFrame:
    """Run `sql` over `frames`, each visible under its keyword name, and return the result."""
    with duckdb.connect() as conn:
        for name, frame in frames.items():
            conn.register(name, frame.to_arrow())
        return conn.sql(sql).pl()


def _kind(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> str | None:
    """`VIEW` or `BASE TABLE`, what `schema.table` is; None when it does not exist."""
    found = conn.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                         [schema, table]).fetchall()
    return found[0][0] if found else None


def is_view(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return _kind(conn, schema, table) == "VIEW"


def _drop(conn: duckdb.DuckDBPyConnection, schema: str, table: str, kind: str) -> None:
    """Drop `schema.table` if it is of `kind` (`VIEW` or `BASE TABLE`): a copy becomes a view when its lake table
    can be read as Parquet files (`viewable`), a view a copy when it no longer can."""
    if _kind(conn, schema, table) == kind:
        conn.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {identifier(schema, table)}")


def write_table(
    conn: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    frame: Rows,
    partition_column: str | None = None,
    values: Sequence | None = None,
) -> int:
    """Write `frame` as `schema.table`: whole-table replace, or replace of `values` of `partition_column`;
    return the rows written.

    Runs in one transaction, so readers see the previous table or the new one. The rows reach DuckDB as a
    stream of Arrow batches (`lake.rows.arrow_stream`), read once: a lazy scan of the lake is never collected whole.
    """
    target = identifier(schema, table)
    rows = as_stream(frame)
    conn.register("incoming", arrow_stream(rows))
    conn.register("incoming_columns", arrow_stream(pl.DataFrame(schema=rows.schema)))
    try:
        conn.execute("BEGIN")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {identifier(schema)}")
        _drop(conn, schema, table, "VIEW")
        if partition_column is None:
            rows = conn.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM incoming").fetchone()[0]
        else:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {target} AS SELECT * FROM incoming_columns")
            conn.execute(f"DELETE FROM {target} WHERE {identifier(partition_column)} IN (SELECT UNNEST(?))",
                         [list(values)])
            rows = conn.execute(f"INSERT INTO {target} BY NAME SELECT * FROM incoming").fetchone()[0]
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.unregister("incoming")
        conn.unregister("incoming_columns")
    return rows


HIVE_TYPES = {pl.Date: "DATE", pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Int32: "INTEGER"}
"""The DuckDB type of a partition column read from the lake's `<column>=<value>/` folder names."""


def write_view(conn: duckdb.DuckDBPyConnection, schema: str, table: str, lake: ParquetTable) -> None:
    """`schema.table` as a view over the Parquet files of a lake table's version (`ParquetTable`): its columns in
    its order, the partition columns read from the folder names, the columns a file lacks (added to the table
    later) null. Replaces a copy or an earlier view in one transaction: readers see the old or the new."""
    target = identifier(schema, table)
    hive = ", ".join(f"{literal(name)}: {literal(HIVE_TYPES[type(lake.schema[name])])}"
                     for name in lake.partitioned_by)
    options = f"hive_partitioning = {bool(lake.partitioned_by)}, union_by_name = true"
    files = ", ".join(literal(path) for path in lake.files)
    try:
        conn.execute("BEGIN")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {identifier(schema)}")
        _drop(conn, schema, table, "BASE TABLE")
        conn.execute(f"CREATE OR REPLACE VIEW {target} AS SELECT {', '.join(identifier(name) for name in lake.schema)} "
                     f"FROM read_parquet([{files}], {options}{', hive_types = {' + hive + '}' if hive else ''})")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def refresh_views(database: Path, lake_root: str, domain: str) -> int:
    """Point every view of `domain` in the warehouse at `database` over its lake table's current version again (its
    earlier files vacuumed, as after a player's deletion): how many views were."""
    if not database.exists():
        return 0
    refreshed = 0
    with duckdb.connect(str(database)) as conn:
        views = [name for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'VIEW'",
            [domain]).fetchall()]
        for name in views:
            files = parquet_table(f"{lake_root.rstrip('/')}/{domain}/cons/{name}")
            if viewable(files):
                write_view(conn, domain, name, files)
                refreshed += 1
    return refreshed


def viewable(lake: ParquetTable | None) -> bool:
    """Whether the lake table can be a view: plain Parquet files, partitioned only by columns of `HIVE_TYPES`."""
    return lake is not None and all(type(lake.schema[name]) in HIVE_TYPES for name in lake.partitioned_by)


def count_rows(conn: duckdb.DuckDBPyConnection, schema: str, table: str, column: str | None,
               values: Sequence | None) -> int:
    """The rows of `schema.table`, only those whose `column` is in `values` when given."""
    where = f" WHERE {identifier(column)} IN (SELECT UNNEST(?))" if column is not None else ""
    return conn.execute(f"SELECT count(*) FROM {identifier(schema, table)}{where}",
                        [list(values)] if column is not None else []).fetchall()[0][0]


def build_warehouse_step(sources: Sequence[dg.AssetsDefinition]) -> dg.AssetsDefinition:
    """One step bringing every table of `sources` (one domain, one partitions definition) into `warehouse.duckdb`
    as `<domain>.<table>`, as of the lake's version after the run: a view over a local lake table's files
    (`write_view`), else the run's partitions copied in (`write_table`; every partition when a view stood there,
    so the copy keeps what the view showed); a run selecting some of them brings those."""
    domain, partitions_def = sources[0].key.path[0], sources[0].partitions_def

    def partition_column(source: dg.AssetsDefinition) -> str | None:
        return source.specs_by_key[source.key].metadata.get(PARTITION_COLUMN) if partitions_def else None

    mirrors = {dg.AssetKey([domain, "warehouse", source.key.path[-1]]): source for source in sources}

    @dg.multi_asset(
        name=f"{domain}__warehouse__{partitions_name(partitions_def)}",
        specs=[dg.AssetSpec(key, deps=[source.key], kinds={"duckdb"}, group_name=domain,
                            description=f"{domain}.{source.key.path[-1]} in warehouse.duckdb: "
                                        f"{source.key.to_user_string()} for ad-hoc SQL, same rows and grain.")
               for key, source in mirrors.items()],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        pool=DUCKDB_POOL,
        op_tags=AFTER_THE_PUBLISH,
        can_subset=True,
    )
    def _mirror(context: dg.AssetExecutionContext, warehouse: DuckDBResource,
                lake: dg.ResourceParam[DeltaLakeIOManager]):
        values = partition_values(partitions_def, context.partition_keys) if partitions_def else None
        with warehouse.get_connection() as conn:
            for key, source in mirrors.items():
                if key in context.selected_asset_keys:
                    name, files = source.key.path[-1], parquet_table(lake.table_uri(source.key), lake.options())
                    if viewable(files):
                        write_view(conn, domain, name, files)
                        rows = count_rows(conn, domain, name, partition_column(source), values)
                    elif is_view(conn, domain, name):
                        rows = count_rows(conn, domain, name, partition_column(source), values)
                        write_table(conn, domain, name, read_batches(lake.table_uri(source.key), None, None,
                                                                     lake.options()))
                    else:
                        rows = write_table(conn, domain, name,
                                           lake.batches(source, context.partition_keys if partitions_def else None),
                                           partition_column(source), values)
                    yield dg.MaterializeResult(asset_key=key, metadata=row_count_metadata(
                        rows, len(values) if values is not None else 0))

    return _mirror


def build_warehouse_tables(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """A warehouse table (a view or a copy) of every CONS table among `assets` (one of a multi-asset taken out of it
    alone): one step per partitions definition."""
    steps: dict[str, list[dg.AssetsDefinition]] = {}
    for asset in assets:
        for key in asset.keys:
            if key.path[1] == "cons":
                source = asset if len(asset.keys) == 1 else asset.subset_for({key}, selected_asset_check_keys=None)
                steps.setdefault(partitions_name(asset.partitions_def), []).append(source)
    return [build_warehouse_step(sources) for sources in steps.values()]
