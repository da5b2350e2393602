"""DuckDB with duckdb 2.0: SQL over frames in a step, and warehouse.duckdb written by partition."""

import datetime as dt

import dagster as dg
import duckdb
import polars as pl
from dagster_duckdb import DuckDBResource

from gamestats_assets.lib.lake.delta import DeltaLakeIOManager
from gamestats_assets.lib.publish.warehouse import DUCKDB_POOL, build_warehouse_tables, query

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")


@dg.asset(key=["t_wh", "cons", "kills"], partitions_def=DAILY, io_manager_key="lake",
          metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
def kills(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """Kills per player for the day; the run tag `scale` multiplies them."""
    day = dt.date.fromisoformat(context.partition_key)
    scale = int(context.run.tags.get("scale", "1"))
    return pl.DataFrame({"date": [day, day], "player": ["o'neil", "zed"], "kills": [day.day * scale, 1]})


def test_query_runs_sql_over_frames():
    frame = pl.DataFrame({"player": ["a", "b", "a"], "kills": [1, 2, 3]})
    result = query("SELECT player, sum(kills)::BIGINT AS kills FROM f GROUP BY player ORDER BY player", f=frame)
    assert result.rows() == [("a", 4), ("b", 2)]


def test_warehouse_table_replaces_only_the_run_partitions(tmp_path):
    [mirror] = build_warehouse_tables([kills])
    path = tmp_path / "warehouse.duckdb"
    resources = {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "warehouse": DuckDBResource(database=str(path))}
    instance = dg.DagsterInstance.ephemeral()
    for day in ("2026-01-01", "2026-01-02"):
        assert dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key=day).success
    dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key="2026-01-02",
                   tags={"scale": "10"})

    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.sql('SELECT date, player, kills FROM t_wh.kills ORDER BY date, player').fetchall()
    assert rows == [(dt.date(2026, 1, 1), "o'neil", 1), (dt.date(2026, 1, 1), "zed", 1),
                    (dt.date(2026, 1, 2), "o'neil", 20), (dt.date(2026, 1, 2), "zed", 1)]
    assert mirror.op.pool == DUCKDB_POOL
