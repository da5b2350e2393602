"""The lake on object storage: every lake operation against an S3-compatible server on 127.0.0.1, with the
credentials and the custom endpoint from the usual AWS variables, and two concurrent writers kept safe."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import polars as pl
import pytest
from deltalake import DeltaTable

from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.read import read_partitions
from gamestats_assets.lib.lake.storage import object_store_options
from gamestats_assets.lib.lake.write import replace_table, write_partitions
from gamestats_assets_tests.lib.test_lake import (  # noqa: F401 - the local lake's scenarios, run here on S3
    test_downstream_reads_exactly_the_partitions_it_asks_for,
    test_one_partition_replaces_only_itself_and_rerun_changes_nothing,
    test_self_dependent_table_reads_its_own_previous_day,
    test_several_dynamic_keys_in_one_run_write_exactly_those_keys,
    test_single_run_backfill_writes_each_day_of_the_range_in_one_commit,
)

D1, D2, D3 = dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)


@pytest.fixture
def lake(s3_lake) -> DeltaLakeIOManager:
    """The lake IO manager rooted on S3; the scenarios imported above run against it."""
    return DeltaLakeIOManager(root=s3_lake)


def test_storage_options_come_from_the_aws_variables_at_use_time(s3_lake, s3_endpoint, monkeypatch):
    options = object_store_options(s3_lake)
    assert options["AWS_ENDPOINT_URL"] == s3_endpoint and options["AWS_ALLOW_HTTP"] == "true"
    assert options["AWS_ACCESS_KEY_ID"] == "testing"
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert object_store_options(s3_lake)["AWS_REGION"] == "eu-west-1"
    assert object_store_options("/data/lake") == {}
    assert "AWS_SECRET_ACCESS_KEY" not in DeltaLakeIOManager(root=s3_lake).model_dump()["storage_options"]


def test_snapshot_replace_deletes_and_filtered_reads_on_s3(s3_lake):
    options = object_store_options(s3_lake)
    snapshot, daily = f"{s3_lake}/t/cons/snapshot", f"{s3_lake}/t/etl/daily"
    replace_table(snapshot, pl.DataFrame({"player": ["a", "b"], "rank": [1, 2]}), options)
    replace_table(snapshot, pl.DataFrame({"player": ["c"], "rank": [3], "new_column": ["x"]}), options)
    assert pl.read_delta(snapshot, storage_options=options).rows() == [("c", 3, "x")]

    days = [D1, D2, D3]
    write_partitions(daily, pl.DataFrame({"date": days, "v": [1, 2, 3]}), "date", days,
                     physical_partitioning=True, storage_options=options)
    assert read_partitions(daily, "date", [D2], options).collect().rows() == [(D2, 2)]
    empty = pl.DataFrame({"date": [], "v": []}, schema={"date": pl.Date, "v": pl.Int64})
    write_partitions(daily, empty, "date", [D2], physical_partitioning=True, storage_options=options)
    assert read_partitions(daily, None, None, options).collect().sort("date").rows() == [(D1, 1), (D3, 3)]
    assert DeltaTable(daily, storage_options=options).history()[0]["operation"] == "DELETE"


def test_two_concurrent_writers_on_one_table_lose_no_commit_and_never_mix_a_partition(s3_lake):
    """Writer A replaces day 1 and the shared day 3, writer B day 2 and day 3, eight times each, at once.

    Every write commits exactly one version (a writer beaten to a version by a conflicting commit replays
    its write), every day holds exactly one writer's rows, and the log has one version per write.
    """
    options = object_store_options(s3_lake)
    uri = f"{s3_lake}/t/etl/contended"
    rounds = 8

    def rows(writer: str, day: dt.date, attempt: int) -> pl.DataFrame:
        return pl.DataFrame({"date": [day] * 50, "writer": [writer] * 50, "attempt": [attempt] * 50, "row": range(50)})

    def write(writer: str, own_day: dt.date) -> None:
        for attempt in range(rounds):
            frame = pl.concat([rows(writer, own_day, attempt), rows(writer, D3, attempt)])
            write_partitions(uri, frame, "date", [own_day, D3], physical_partitioning=True, storage_options=options)

    write_partitions(uri, rows("setup", D1, -1), "date", [D1], physical_partitioning=True, storage_options=options)
    with ThreadPoolExecutor(2) as writers:
        for done in [writers.submit(write, "A", D1), writers.submit(write, "B", D2)]:
            done.result()

    table = pl.read_delta(uri, storage_options=options)
    per_day = table.group_by("date").agg(pl.len(), pl.col("writer").unique(), pl.col("attempt").unique())
    by_day = {day: (count, writers, attempts) for day, count, writers, attempts in per_day.iter_rows()}
    assert by_day[D1] == (50, ["A"], [rounds - 1])
    assert by_day[D2] == (50, ["B"], [rounds - 1])
    count, writers, attempts = by_day[D3]
    assert count == 50 and len(writers) == 1 and attempts == [rounds - 1]
    history = DeltaTable(uri, storage_options=options).history()
    assert len(history) == 1 + 2 * rounds
    assert sorted(h["version"] for h in history) == list(range(1 + 2 * rounds))


def test_dagster_assets_materialize_on_the_s3_lake_through_the_settings(s3_lake, monkeypatch, tmp_path):
    from gamestats_assets.definitions import location_resources
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets_tests.lib.test_lake import (
        daily_doubled,
        daily_rows,
        range_tags,
    )

    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GAMESTATS_LAKE_URI", s3_lake)
    lake = location_resources(Settings.from_env())["lake"]
    result = dg.materialize([daily_rows, daily_doubled], resources={"lake": lake},
                            instance=dg.DagsterInstance.ephemeral(), tags=range_tags("2026-01-01", "2026-01-03"))
    assert result.success
    doubled = pl.read_delta(f"{s3_lake}/t/std/daily_doubled", storage_options=object_store_options(s3_lake))
    assert doubled.height == 9 and sorted(doubled["date"].unique()) == [D1, D2, D3]
    assert not (tmp_path / "lake").exists()


def test_a_table_on_object_storage_is_copied_into_the_warehouse(s3_lake, tmp_path):
    from dagster_duckdb import DuckDBResource

    from gamestats_assets.lib.publish.warehouse import build_warehouse_tables
    from gamestats_assets_tests.lib.test_warehouse import kills, warehouse_rows

    [mirror] = build_warehouse_tables([kills])
    path = tmp_path / "warehouse.duckdb"
    resources = {"lake": DeltaLakeIOManager(root=s3_lake), "warehouse": DuckDBResource(database=str(path))}
    assert dg.materialize([kills, mirror], resources=resources, instance=dg.DagsterInstance.ephemeral(),
                          partition_key="2026-01-01").success
    assert warehouse_rows(path, "SELECT table_type FROM information_schema.tables WHERE table_name = 'kills'") == [
        ("BASE TABLE",)]
    assert warehouse_rows(path, "SELECT player, kills FROM t_wh.kills ORDER BY player") == [("o'neil", 1), ("zed", 1)]
