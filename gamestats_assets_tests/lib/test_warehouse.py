"""DuckDB with duckdb 2.0: SQL over frames in a step, and warehouse.duckdb as views over the lake's files."""

import datetime as dt

import dagster as dg
import duckdb
import polars as pl
from dagster_duckdb import DuckDBResource

from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.publish.warehouse import DUCKDB_POOL, build_warehouse_tables, query, write_table

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")


@dg.asset(key=["t_wh", "cons", "kills"], partitions_def=DAILY, io_manager_key="lake",
          metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
def kills(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """Kills per player for the day; the run tag `scale` multiplies them, and the tag `map` adds the map played."""
    day = dt.date.fromisoformat(context.partition_key)
    scale = int(context.run.tags.get("scale", "1"))
    frame = pl.DataFrame({"date": [day, day], "player": ["o'neil", "zed"], "kills": [day.day * scale, 1]})
    return frame.with_columns(map=pl.lit(context.run.tags["map"])) if "map" in context.run.tags else frame


def test_query_runs_sql_over_frames():
    frame = pl.DataFrame({"player": ["a", "b", "a"], "kills": [1, 2, 3]})
    result = query("SELECT player, sum(kills)::BIGINT AS kills FROM f GROUP BY player ORDER BY player", f=frame)
    assert result.rows() == [("a", 4), ("b", 2)]


def materialize_two_days(tmp_path):
    """The `kills` mirror materialized for two days into a warehouse under `tmp_path`."""
    [mirror] = build_warehouse_tables([kills])
    path = tmp_path / "warehouse.duckdb"
    resources = {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "warehouse": DuckDBResource(database=str(path))}
    instance = dg.DagsterInstance.ephemeral()
    for day in ("2026-01-01", "2026-01-02"):
        assert dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key=day).success
    return mirror, path, resources, instance


def test_warehouse_table_replaces_only_the_run_partitions(tmp_path):
    mirror, path, resources, instance = materialize_two_days(tmp_path)
    dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key="2026-01-02",
                   tags={"scale": "10"})

    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.sql('SELECT date, player, kills FROM t_wh.kills ORDER BY date, player').fetchall()
    assert rows == [(dt.date(2026, 1, 1), "o'neil", 1), (dt.date(2026, 1, 1), "zed", 1),
                    (dt.date(2026, 1, 2), "o'neil", 20), (dt.date(2026, 1, 2), "zed", 1)]
    assert mirror.op.pool == DUCKDB_POOL


def warehouse_rows(path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.sql(sql).fetchall()


def test_a_local_lake_table_is_a_view_over_its_files_that_follows_its_columns(tmp_path):
    [mirror] = build_warehouse_tables([kills])
    path, lake = tmp_path / "warehouse.duckdb", tmp_path / "a lake, née here"
    resources = {"lake": DeltaLakeIOManager(root=str(lake)), "warehouse": DuckDBResource(database=str(path))}
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key="2026-01-01").success
    result = dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key="2026-01-02",
                            tags={"map": "erangel"})
    [materialization] = [m for m in result.asset_materializations_for_node(mirror.op.name)]
    assert materialization.metadata["dagster/row_count"].value == 2
    assert warehouse_rows(path, "SELECT table_type FROM information_schema.tables WHERE table_name = 'kills'") == [
        ("VIEW",)]
    assert warehouse_rows(path, "SELECT date, player, kills, map FROM t_wh.kills ORDER BY date, player") == [
        (dt.date(2026, 1, 1), "o'neil", 1, None), (dt.date(2026, 1, 1), "zed", 1, None),
        (dt.date(2026, 1, 2), "o'neil", 2, "erangel"), (dt.date(2026, 1, 2), "zed", 1, "erangel")]


def test_a_copy_left_by_an_earlier_warehouse_becomes_a_view(tmp_path):
    [mirror] = build_warehouse_tables([kills])
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        write_table(conn, "t_wh", "kills", pl.DataFrame({"date": [dt.date(2026, 1, 1)], "player": ["old"], "kills": [0]}))
    resources = {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "warehouse": DuckDBResource(database=str(path))}
    assert dg.materialize([kills, mirror], resources=resources, instance=dg.DagsterInstance.ephemeral(),
                          partition_key="2026-01-01").success
    assert warehouse_rows(path, "SELECT player FROM t_wh.kills ORDER BY player") == [("o'neil",), ("zed",)]


def test_a_view_that_becomes_a_copy_keeps_every_partition_it_showed(tmp_path, monkeypatch):
    from gamestats_assets.lib.publish import warehouse

    mirror, path, resources, instance = materialize_two_days(tmp_path)
    monkeypatch.setattr(warehouse, "viewable", lambda lake: False)
    assert dg.materialize([kills, mirror], resources=resources, instance=instance, partition_key="2026-01-02",
                          tags={"scale": "10"}).success
    assert warehouse_rows(path, "SELECT table_type FROM information_schema.tables WHERE table_name = 'kills'") == [
        ("BASE TABLE",)]
    assert warehouse_rows(path, "SELECT date, player, kills FROM t_wh.kills ORDER BY date, player") == [
        (dt.date(2026, 1, 1), "o'neil", 1), (dt.date(2026, 1, 1), "zed", 1),
        (dt.date(2026, 1, 2), "o'neil", 20), (dt.date(2026, 1, 2), "zed", 1)]
