"""The lake writes exactly the partitions of a run: one key, a daily range in one run, dynamic keys, reruns."""

import datetime as dt
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import polars as pl
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, write_deltalake

from gamestats_assets.lib.authoring.assets import lake_asset
from gamestats_assets.lib.core.columns import BIGINT, TEXT
from gamestats_assets.lib.core.partitions import previous_day
from gamestats_assets.lib.lake.io_manager import INPUT_COLUMNS, RUN_ROWS, DeltaLakeIOManager
from gamestats_assets.lib.lake.log import latest_version, snapshot, table_scan
from gamestats_assets.lib.lake.partitioning import (
    PHYSICAL_PARTITIONING,
    input_partition_values,
    partition_predicate,
    partition_values,
)
from gamestats_assets.lib.lake.rows import chunk_slices
from gamestats_assets.lib.lake.write import LakePartitionError, side_by_side

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
MATCHES = dg.DynamicPartitionsDefinition(name="test_match")


@dg.asset(
    key=["t", "etl", "daily"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def daily_rows(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """Three rows per day; the value is the day of month times the run's multiplier tag."""
    return three_rows_a_day(context)


def three_rows_a_day(context: dg.AssetExecutionContext) -> pl.DataFrame:
    factor = int(context.run.tags.get("factor", "1"))
    days = [dt.date.fromisoformat(k) for k in context.partition_keys]
    return pl.DataFrame(
        {"date": [d for d in days for _ in range(3)], "row": [i for _ in days for i in range(3)],
         "value": [d.day * factor for d in days for _ in range(3)]}
    )


@dg.asset(
    key=["t", "etl", "daily_unfoldered"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date", PHYSICAL_PARTITIONING: False},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def daily_unfoldered(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """`daily_rows` in a daily table written without a folder per day."""
    return three_rows_a_day(context)


@dg.asset(
    key=["t", "std", "unfoldered_doubled"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date"},
    ins={"rows": dg.AssetIn(["t", "etl", "daily_unfoldered"])},
)
def unfoldered_doubled(context: dg.AssetExecutionContext, rows: pl.DataFrame) -> pl.DataFrame:
    """`daily_doubled` over the table without a folder per day."""
    return doubled(context, rows)


@dg.asset(
    key=["t", "std", "daily_doubled"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date"},
    ins={"rows": dg.AssetIn(["t", "etl", "daily"])},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def daily_doubled(context: dg.AssetExecutionContext, rows: pl.DataFrame) -> pl.DataFrame:
    """The upstream rows of this run's days, value doubled, with the days it was given recorded."""
    return doubled(context, rows)


def doubled(context: dg.AssetExecutionContext, rows: pl.DataFrame) -> pl.DataFrame:
    context.add_output_metadata({"days_read": sorted({d.isoformat() for d in rows["date"]})})
    return rows.with_columns(value=pl.col("value") * 2)


@dg.asset(
    key=["t", "std", "values_only"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date"},
    ins={"rows": dg.AssetIn(["t", "etl", "daily"], metadata={INPUT_COLUMNS: ["date", "value"]})},
)
def values_only(context: dg.AssetExecutionContext, rows: pl.DataFrame) -> pl.DataFrame:
    """The upstream rows of the day as read through an input naming its columns."""
    context.add_output_metadata({"columns_read": rows.columns})
    return rows


@dg.asset(
    key=["t", "cons", "running_total"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date"},
    ins={
        "today": dg.AssetIn(["t", "etl", "daily"]),
        "yesterday": dg.AssetIn(["t", "cons", "running_total"], partition_mapping=previous_day),
    },
)
def running_total(context: dg.AssetExecutionContext, today: pl.DataFrame, yesterday: pl.DataFrame) -> pl.DataFrame:
    """Yesterday's running total plus today's sum: reads its own previous partition."""
    previous = yesterday["total"].sum() if yesterday.height else 0
    day = dt.date.fromisoformat(context.partition_key)
    return pl.DataFrame({"date": [day], "total": [previous + today["value"].sum()]})


@dg.asset(
    key=["t", "etl", "match"],
    partitions_def=MATCHES,
    io_manager_key="lake",
    metadata={"partition_column": "match_id"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def match_rows(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """Two rows per match id of the run."""
    keys = context.partition_keys
    return pl.DataFrame({"match_id": [k for k in keys for _ in range(2)], "kills": [len(k) for k in keys for _ in range(2)]})


SIDE_BY_SIDE = {"side_foldered": True, "side_unfoldered": False}


@dg.multi_asset(
    outs={name: dg.AssetOut(key=["t", "etl", name], io_manager_key="lake",
                            metadata={"partition_column": "date", PHYSICAL_PARTITIONING: foldered})
          for name, foldered in SIDE_BY_SIDE.items()},
    partitions_def=DAILY,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def side_by_side_rows(context: dg.AssetExecutionContext, lake: dg.ResourceParam[DeltaLakeIOManager]):
    """`daily_rows` in two tables, a daily one with a folder per day and one without, written side by side by
    the step itself."""
    rows = three_rows_a_day(context)
    for key, metadata in lake.write_assets(context, {dg.AssetKey(["t", "etl", n]): rows for n in SIDE_BY_SIDE}).items():
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


@pytest.fixture
def lake(tmp_path) -> DeltaLakeIOManager:
    return DeltaLakeIOManager(root=str(tmp_path / "lake"))


def run(assets, lake, instance, **kwargs) -> dg.ExecuteInProcessResult:
    return dg.materialize(assets, resources={"lake": lake}, instance=instance, **kwargs)


def range_tags(start: str, end: str, **extra: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end, **extra}


def table(lake: DeltaLakeIOManager, *path: str) -> pl.DataFrame:
    return pl.read_delta(lake.table_uri(dg.AssetKey(list(path))), storage_options=lake.options())


def test_one_partition_replaces_only_itself_and_rerun_changes_nothing(lake):
    instance = dg.DagsterInstance.ephemeral()
    run([daily_rows], lake, instance, tags=range_tags("2026-01-01", "2026-01-03"))
    run([daily_rows], lake, instance, partition_key="2026-01-02", tags={"factor": "10"})
    first = table(lake, "t", "etl", "daily")
    run([daily_rows], lake, instance, partition_key="2026-01-02", tags={"factor": "10"})
    again = table(lake, "t", "etl", "daily")

    by_day = dict(first.group_by("date").agg(pl.col("value").sum()).iter_rows())
    assert by_day == {dt.date(2026, 1, 1): 3, dt.date(2026, 1, 2): 60, dt.date(2026, 1, 3): 9}
    assert first.height == again.height == 9
    assert again.sort("date", "row").equals(first.sort("date", "row"))


def test_a_daily_table_without_day_folders_replaces_and_reads_exactly_its_days(lake):
    instance = dg.DagsterInstance.ephemeral()
    run([daily_unfoldered], lake, instance, tags=range_tags("2026-01-01", "2026-01-03"))
    run([daily_unfoldered], lake, instance, partition_key="2026-01-04")
    run([daily_unfoldered], lake, instance, partition_key="2026-01-02", tags={"factor": "10"})
    run([daily_unfoldered], lake, instance, partition_key="2026-01-04", tags={"factor": "10"})
    result = run([daily_unfoldered, unfoldered_doubled], lake, instance, partition_key="2026-01-03",
                 selection=[unfoldered_doubled])

    rows = table(lake, "t", "etl", "daily_unfoldered")
    by_day = dict(rows.group_by("date").agg(pl.col("value").sum()).iter_rows())
    assert by_day == {dt.date(2026, 1, 1): 3, dt.date(2026, 1, 2): 60, dt.date(2026, 1, 3): 9, dt.date(2026, 1, 4): 120}
    assert rows.height == 12
    days_read = result.asset_materializations_for_node("t__std__unfoldered_doubled")[0].metadata["days_read"].value
    assert days_read == ["2026-01-03"]
    unfoldered = DeltaTable(lake.table_uri(dg.AssetKey(["t", "etl", "daily_unfoldered"])))
    assert unfoldered.metadata().partition_columns == []
    assert not any("date=" in path for path in unfoldered.file_uris())


def test_single_run_backfill_writes_each_day_of_the_range_in_one_commit(lake):
    instance = dg.DagsterInstance.ephemeral()
    run([daily_rows], lake, instance, partition_key="2026-01-09")
    result = run([daily_rows, daily_doubled], lake, instance, tags=range_tags("2026-01-02", "2026-01-06"))

    assert result.success and len(instance.get_run_records()) == 2
    raw, doubled = table(lake, "t", "etl", "daily"), table(lake, "t", "std", "daily_doubled")
    assert sorted(raw["date"].unique()) == [dt.date(2026, 1, d) for d in (2, 3, 4, 5, 6, 9)]
    assert sorted(doubled["date"].unique()) == [dt.date(2026, 1, d) for d in range(2, 7)]
    assert doubled.height == 15
    doubled_uri = lake.table_uri(dg.AssetKey(["t", "std", "daily_doubled"]))
    versions = [h["operation"] for h in DeltaTable(doubled_uri, storage_options=lake.options()).history()]
    assert len(versions) == 1
    days_read = result.asset_materializations_for_node("t__std__daily_doubled")[0].metadata["days_read"].value
    assert days_read == [f"2026-01-0{d}" for d in range(2, 7)]


def test_a_run_over_several_partitions_records_its_row_total_as_the_runs_not_each_partitions(lake):
    instance = dg.DagsterInstance.ephemeral()
    one = run([daily_rows], lake, instance, partition_key="2026-01-02")
    several = run([daily_rows], lake, instance, tags=range_tags("2026-01-03", "2026-01-05"))

    [single] = one.asset_materializations_for_node("t__etl__daily")
    assert single.metadata["dagster/row_count"].value == 3
    per_day = several.asset_materializations_for_node("t__etl__daily")
    assert [m.partition for m in per_day] == ["2026-01-03", "2026-01-04", "2026-01-05"]
    assert all("dagster/row_count" not in m.metadata and m.metadata[RUN_ROWS].value == 9 for m in per_day)


def test_downstream_reads_exactly_the_partitions_it_asks_for(lake):
    instance = dg.DagsterInstance.ephemeral()
    run([daily_rows], lake, instance, tags=range_tags("2026-01-01", "2026-01-05"))
    result = run([daily_rows, daily_doubled], lake, instance, partition_key="2026-01-03",
                 selection=[daily_doubled])
    days_read = result.asset_materializations_for_node("t__std__daily_doubled")[0].metadata["days_read"].value
    assert days_read == ["2026-01-03"]


def test_a_daily_input_s_days_are_its_partitions_days_whether_a_range_or_the_whole_calendar():
    calendar = dg.DailyPartitionsDefinition(start_date="2019-01-01", end_date="2026-03-01")
    keys = calendar.get_partition_keys()
    for first, last in ((keys[0], keys[-1]), ("2024-02-27", "2024-03-02"), ("2026-01-05", "2026-01-05")):
        context = dg.build_input_context(asset_key="t", asset_partitions_def=calendar,
                                         asset_partition_key_range=dg.PartitionKeyRange(first, last),
                                         instance=dg.DagsterInstance.ephemeral())
        assert input_partition_values(context) == partition_values(calendar, keys[keys.index(first):keys.index(last) + 1])


def test_an_input_naming_its_columns_reads_only_those(lake):
    instance = dg.DagsterInstance.ephemeral()
    run([daily_rows], lake, instance, tags=range_tags("2026-01-01", "2026-01-02"))
    result = run([daily_rows, values_only], lake, instance, partition_key="2026-01-02", selection=[values_only])
    assert result.asset_materializations_for_node("t__std__values_only")[0].metadata["columns_read"].value == [
        "date", "value"]
    assert table(lake, "t", "std", "values_only").sort("value").rows() == [(dt.date(2026, 1, 2), 2)] * 3


def test_several_dynamic_keys_in_one_run_write_exactly_those_keys(lake):
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("test_match", ["m-a", "m-bb", "m-ccc", "m-dddd"])
    run([match_rows], lake, instance, partition_key="m-dddd")
    run([match_rows], lake, instance, tags=range_tags("m-a", "m-ccc"))
    run([match_rows], lake, instance, tags=range_tags("m-a", "m-ccc"))

    matches = table(lake, "t", "etl", "match")
    assert matches.group_by("match_id").len().sort("match_id").rows() == [
        ("m-a", 2), ("m-bb", 2), ("m-ccc", 2), ("m-dddd", 2)
    ]


def test_self_dependent_table_reads_its_own_previous_day(lake):
    instance = dg.DagsterInstance.ephemeral()
    run([daily_rows], lake, instance, tags=range_tags("2026-01-01", "2026-01-03"))
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        run([daily_rows, running_total], lake, instance, partition_key=day, selection=[running_total])
    totals = table(lake, "t", "cons", "running_total").sort("date")
    assert totals["total"].to_list() == [3, 3 + 6, 3 + 6 + 9]


def test_tables_written_side_by_side_replace_their_partitions_as_the_io_manager_does(lake):
    instance = dg.DagsterInstance.ephemeral()
    results = {}
    for node, assets in (("t__etl__daily", [daily_rows]), ("side_by_side_rows", [side_by_side_rows])):
        ranged = run(assets, lake, instance, tags=range_tags("2026-01-01", "2026-01-03"))
        single = run(assets, lake, instance, partition_key="2026-01-02", tags={"factor": "10"})
        results[node] = (ranged.asset_materializations_for_node(node), single.asset_materializations_for_node(node))

    expected = table(lake, "t", "etl", "daily").sort("date", "row")
    for name, foldered in SIDE_BY_SIDE.items():
        assert table(lake, "t", "etl", name).select(expected.columns).sort("date", "row").equals(expected)
        partitioned_by = DeltaTable(lake.table_uri(dg.AssetKey(["t", "etl", name]))).metadata().partition_columns
        assert partitioned_by == (["date"] if foldered else [])
    (io_ranged, [io_single]), (ranged, single) = results["t__etl__daily"], results["side_by_side_rows"]
    assert sorted((m.asset_key.path[-1], m.partition) for m in ranged) == [
        (name, f"2026-01-0{d}") for name in sorted(SIDE_BY_SIDE) for d in (1, 2, 3)]
    assert all(m.metadata[RUN_ROWS].value == io_ranged[0].metadata[RUN_ROWS].value == 9 for m in ranged)
    assert [m.metadata["dagster/row_count"].value for m in single] == [io_single.metadata["dagster/row_count"].value] * 2
    assert all(set(m.metadata) == set(io_single.metadata) for m in single)


def test_writes_side_by_side_all_end_before_the_first_error_is_raised():
    failed, ended = threading.Event(), []

    def fails() -> int:
        failed.set()
        raise ValueError("the first write broke")

    def after_the_failure() -> int:
        failed.wait()
        ended.append("second")
        return 2

    assert side_by_side([lambda: 1, lambda: 2]) == [1, 2]
    with pytest.raises(ValueError, match="first write broke"):
        side_by_side([fails, after_the_failure])
    assert ended == ["second"]


def test_a_frame_is_written_in_slices_within_its_columns_chunks_except_short_ones(tmp_path):
    from gamestats_assets.lib.lake.write import write_partitions

    day = dt.date(2026, 1, 1)
    parts = [pl.DataFrame({"date": [day] * n, "v": range(n)}) for n in (3, 250_000, 120_000)]
    frame = pl.concat(parts, rechunk=False).with_columns(w=pl.Series(range(370_003)))
    slices = list(chunk_slices(frame, 100_000))
    assert [s.height for s in slices] == [100_000, 100_000, 50_003, 100_000, 20_000]
    assert all(s.n_chunks("all") == [1, 1, 1] for s in slices[1:])
    assert pl.concat(slices).equals(frame)
    uri = str(tmp_path / "t")
    assert write_partitions(uri, frame, "date", [day], physical_partitioning=False) == frame.height
    assert pl.read_delta(uri).sort("w").equals(frame)


def test_rows_outside_the_run_partitions_are_refused(tmp_path):
    from gamestats_assets.lib.lake.write import write_partitions

    frame = pl.DataFrame({"date": [dt.date(2026, 1, 1), dt.date(2026, 1, 2)], "v": [1, 2]})
    with pytest.raises(LakePartitionError, match="outside this run"):
        write_partitions(str(tmp_path / "t"), frame, "date", [dt.date(2026, 1, 1)], physical_partitioning=True)


def test_an_emptied_partition_loses_its_old_rows(tmp_path):
    from gamestats_assets.lib.lake.write import write_partitions

    uri = str(tmp_path / "t")
    days = [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]
    write_partitions(uri, pl.DataFrame({"date": days, "v": [1, 2]}), "date", days, physical_partitioning=True)
    write_partitions(uri, pl.DataFrame({"date": [], "v": []}, schema={"date": pl.Date, "v": pl.Int64}), "date",
                     [days[1]], physical_partitioning=True)
    assert pl.read_delta(uri)["date"].to_list() == [days[0]]


def test_partition_predicate_quotes_names_and_values():
    assert partition_predicate('we"ird', ["a'b", dt.date(2026, 1, 1)]) == "\"we\"\"ird\" IN ('a''b', '2026-01-01')"


def test_a_narrowing_type_change_is_refused_and_a_lossless_one_conformed(tmp_path):
    from gamestats_assets.lib.lake.write import write_partitions

    uri, d1, d2 = str(tmp_path / "t"), dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    write_partitions(uri, pl.DataFrame({"date": [d1], "x": [1]}), "date", [d1], physical_partitioning=True)
    with pytest.raises(LakePartitionError, match="'x' is Float64 in this run but Int64 in the table"):
        write_partitions(uri, pl.DataFrame({"date": [d2], "x": [1.75]}), "date", [d2], physical_partitioning=True)
    write_partitions(uri, pl.DataFrame({"date": [d2], "x": [None], "y": ["new"]}), "date", [d2], physical_partitioning=True)
    table = pl.read_delta(uri).sort("date")
    assert table.schema["x"] == pl.Int64 and table["x"].to_list() == [1, None] and table["y"].to_list() == [None, "new"]


def test_a_stream_is_written_in_one_commit_and_a_restarted_stream_from_its_last_pass(tmp_path):
    from gamestats_assets.lib.lake.rows import FrameStream, RestartStream
    from gamestats_assets.lib.lake.write import write_partitions

    uri, day = str(tmp_path / "t"), dt.date(2026, 1, 1)
    passes = []

    def batches():
        passes.append(len(passes) + 1)
        yield pl.DataFrame({"date": [day, day], "v": [len(passes), 1]})
        if len(passes) == 1:
            raise RestartStream("the first pass gave a row it takes back")
        yield pl.DataFrame({"date": [day], "v": [2]})

    written = write_partitions(uri, FrameStream(pl.Schema({"date": pl.Date, "v": pl.Int64}), batches), "date", [day],
                               physical_partitioning=True)
    assert passes == [1, 2] and written == 3
    assert sorted(pl.read_delta(uri)["v"].to_list()) == [1, 2, 2]
    assert len(DeltaTable(uri).history()) == 1


def test_an_error_raised_by_a_stream_is_raised_as_itself_and_nothing_is_committed(tmp_path):
    from gamestats_assets.lib.lake.rows import FrameStream
    from gamestats_assets.lib.lake.write import write_partitions

    uri, day = str(tmp_path / "t"), dt.date(2026, 1, 1)
    write_partitions(uri, pl.DataFrame({"date": [day], "v": [1]}), "date", [day], physical_partitioning=True)

    def batches():
        yield pl.DataFrame({"date": [day], "v": [2]})
        raise ValueError("the source broke half way")

    with pytest.raises(ValueError, match="half way"):
        write_partitions(uri, FrameStream(pl.Schema({"date": pl.Date, "v": pl.Int64}), batches), "date", [day],
                         physical_partitioning=True)
    assert pl.read_delta(uri)["v"].to_list() == [1] and len(DeltaTable(uri).history()) == 1


def test_a_table_whose_first_commit_never_landed_is_no_table_until_a_write_commits(tmp_path):
    """A first write that died before its commit leaves files and a log folder without a version (here an
    unfinished commit's temporary file): reads find no table, and the next write creates it."""
    from gamestats_assets.lib.lake.log import table_exists
    from gamestats_assets.lib.lake.read import read_partitions
    from gamestats_assets.lib.lake.write import write_partitions

    uri, day = tmp_path / "t", dt.date(2026, 1, 1)
    (uri / "_delta_log").mkdir(parents=True)
    (uri / "_delta_log" / "_commit_0f1e.json.tmp").write_text("{")
    (uri / "part-0.parquet").write_bytes(b"PAR1")
    assert not table_exists(str(uri)) and not table_exists(str(uri / "part-0.parquet"))
    assert read_partitions(str(uri), "date", [day]).collect().is_empty()
    write_partitions(str(uri), pl.DataFrame({"date": [day], "v": [1]}), "date", [day], physical_partitioning=True)
    assert table_exists(str(uri)) and pl.read_delta(str(uri))["v"].to_list() == [1]


def test_a_partition_of_many_files_written_as_the_next_gather_reads_back_in_its_order(tmp_path, monkeypatch):
    from gamestats_assets.lib.lake import partition_files
    from gamestats_assets.lib.lake import rows as lake_rows
    from gamestats_assets.lib.lake.write import write_partitions

    monkeypatch.setattr(lake_rows, "WRITE_BATCH_ROWS", 700)
    monkeypatch.setattr(partition_files, "PARTITION_FILE_ROWS", 2_000)
    uri, days = str(tmp_path / "t"), [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]
    rows = pl.DataFrame({"date": [days[i % 7 // 4] for i in range(20_000)], "v": range(20_000)})
    assert write_partitions(uri, rows, "date", days, physical_partitioning=True) == 20_000
    files = DeltaTable(uri).file_uris()
    assert len(files) >= 10 and len(DeltaTable(uri).history()) == 1
    for day in days:
        assert pl.read_delta(uri).filter(pl.col("date") == day)["v"].to_list() == rows.filter(
            pl.col("date") == day)["v"].to_list()


def test_a_run_over_several_days_holds_its_open_files_within_one_files_bytes(tmp_path, monkeypatch):
    from gamestats_assets.lib.lake import partition_files
    from gamestats_assets.lib.lake import rows as lake_rows
    from gamestats_assets.lib.lake.write import write_partitions

    monkeypatch.setattr(lake_rows, "WRITE_BATCH_ROWS", 1_000)
    monkeypatch.setattr(partition_files, "PARTITION_FILE_BYTES", 40_000)
    held, write = [], partition_files.PartitionFiles.write

    def measured_write(self, frame):
        write(self, frame)
        held.append(sum(size for _, _, _, size in self.open.values()))

    monkeypatch.setattr(partition_files.PartitionFiles, "write", measured_write)
    days = [dt.date(2026, 1, d) for d in range(1, 6)]
    rows = pl.DataFrame({"date": [day for day in days for _ in range(4_000)], "v": range(20_000)})
    stream = lake_rows.FrameStream(rows.schema, lambda: (rows.slice(start, 1_000) for start in range(0, 20_000, 1_000)))
    assert write_partitions(str(tmp_path / "t"), stream, "date", days, physical_partitioning=True) == 20_000
    assert len(held) == 20 and max(held) < 40_000
    assert pl.read_delta(str(tmp_path / "t")).sort("v").equals(rows)


def test_only_columns_whose_values_repeat_are_dictionary_encoded(tmp_path):
    from gamestats_assets.lib.lake.write import write_partitions

    uri, day = str(tmp_path / "t"), dt.date(2026, 1, 1)
    rows = pl.DataFrame({"date": day, "event": [f"e{i}" for i in range(20_000)], "server": [i % 9 for i in range(20_000)],
                         "tags": [[i % 3] for i in range(20_000)]})
    write_partitions(uri, rows, "date", [day], physical_partitioning=True)
    [file] = DeltaTable(uri).file_uris()
    group = pq.ParquetFile(file).metadata.row_group(0)
    encodings = {group.column(i).path_in_schema: group.column(i).encodings for i in range(group.num_columns)}
    assert "RLE_DICTIONARY" in encodings["server"] and "RLE_DICTIONARY" not in encodings["event"]
    assert pl.read_delta(uri).sort("server", "event").equals(rows.sort("server", "event"))


@pytest.mark.parametrize("pending_files", [0, 100], ids=["raised_while_writing", "raised_at_close"])
def test_an_error_writing_a_file_is_raised_and_nothing_is_committed(tmp_path, monkeypatch, pending_files):
    from gamestats_assets.lib.lake import partition_files
    from gamestats_assets.lib.lake import rows as lake_rows
    from gamestats_assets.lib.lake.write import write_partitions

    monkeypatch.setattr(lake_rows, "WRITE_BATCH_ROWS", 700)
    monkeypatch.setattr(partition_files, "PARTITION_FILE_ROWS", 2_000)
    monkeypatch.setattr(partition_files, "PENDING_FILES", pending_files)
    uri, day = str(tmp_path / "t"), dt.date(2026, 1, 1)
    write_partitions(uri, pl.DataFrame({"date": [day], "v": [1]}), "date", [day], physical_partitioning=True)
    written, write_file = [], partition_files.PartitionFiles._write_file

    def failing_write(self, number, text, gathered):
        written.append(number)
        if len(written) == 3:
            raise OSError("the disk is full")
        write_file(self, number, text, gathered)

    monkeypatch.setattr(partition_files.PartitionFiles, "_write_file", failing_write)
    with pytest.raises(OSError, match="disk is full"):
        write_partitions(uri, pl.DataFrame({"date": [day] * 10_000, "v": range(10_000)}), "date", [day],
                         physical_partitioning=True)
    assert pl.read_delta(uri)["v"].to_list() == [1] and len(DeltaTable(uri).history()) == 1


def test_read_batches_gives_the_partitions_rows_as_the_lazy_scan_does(tmp_path):
    from gamestats_assets.lib.lake.read import read_batches, read_partitions
    from gamestats_assets.lib.lake.write import write_partitions

    uri, d1, d2, d3 = str(tmp_path / "t"), dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)
    write_partitions(uri, pl.DataFrame({"date": [d1, d2, d3], "v": [1, 2, 3]}), "date", [d1, d2, d3],
                     physical_partitioning=True)
    write_partitions(uri, pl.DataFrame({"date": [d2], "v": [20], "note": ["new"]}), "date", [d2],
                     physical_partitioning=True)
    stream = read_batches(uri, "date", [d1, d2])
    read = pl.concat(list(stream.batches())).sort("date")
    assert read.schema == stream.schema == read_partitions(uri, "date", [d1, d2]).collect_schema()
    assert read.rows() == [(d1, 1, None), (d2, 20, "new")]
    assert pl.concat(list(read_batches(uri, None, None).batches())).height == 3


def test_a_range_of_a_lake_stream_is_read_from_the_row_groups_that_can_hold_it(tmp_path):
    from gamestats_assets.lib.lake.partition_files import ROW_GROUP_ROWS
    from gamestats_assets.lib.lake.read import read_batches, row_groups_meeting
    from gamestats_assets.lib.lake.rows import FrameStream, mapped, restricted
    from gamestats_assets.lib.lake.write import write_partitions

    uri, day = str(tmp_path / "t"), dt.date(2026, 1, 1)
    numbers = pl.int_range(0, 3 * ROW_GROUP_ROWS, eager=True, dtype=pl.Int64)
    write_partitions(uri, pl.DataFrame({"date": day, "n": numbers}), "date", [day], physical_partitioning=True)
    [file] = DeltaTable(uri).file_uris()
    metadata = pq.ParquetFile(file).metadata
    assert row_groups_meeting(metadata, "n", (ROW_GROUP_ROWS + 5, ROW_GROUP_ROWS + 10)) == [1]
    assert row_groups_meeting(metadata, "n", (None, ROW_GROUP_ROWS + 1)) == [0, 1]
    assert row_groups_meeting(metadata, "date", (0, 1)) is None

    bound = (ROW_GROUP_ROWS - 3, 2 * ROW_GROUP_ROWS + 4)
    wanted = list(range(*bound))
    lake_stream = mapped(read_batches(uri, "date", [day]), lambda rows: rows.select("n"))
    plain_stream = FrameStream(lake_stream.schema, lake_stream.batches)
    for rows in (lake_stream, plain_stream, pl.scan_delta(uri).select("n")):
        range_rows = restricted(rows, "n", bound)
        frame = pl.concat(list(range_rows.batches())) if isinstance(range_rows, FrameStream) else range_rows.collect()
        assert frame["n"].sort().to_list() == wanted


def test_the_rows_of_one_partition_of_a_lake_stream_are_read_from_its_files_alone(tmp_path):
    from gamestats_assets.lib.lake.read import read_batches
    from gamestats_assets.lib.lake.rows import restricted
    from gamestats_assets.lib.lake.write import write_partitions

    uri, d1, d2, d3 = str(tmp_path / "t"), dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)
    write_partitions(uri, pl.DataFrame({"date": [d1, d2, d2, d3], "v": [1, 2, 3, 4]}), "date", [d1, d2, d3],
                     physical_partitioning=True)
    for file in DeltaTable(uri).file_uris():
        if "2026-01-02" not in file:
            Path(file).unlink()
    day = restricted(read_batches(uri, "date", [d1, d2, d3]), "date", frozenset([d2]))
    assert pl.concat(list(day.batches())).sort("v").rows() == [(d2, 2), (d2, 3)]


def test_a_commit_landing_while_partition_files_are_written_costs_no_second_pass_and_the_later_commit_wins(tmp_path):
    from gamestats_assets.lib.lake.rows import FrameStream
    from gamestats_assets.lib.lake.write import write_partitions

    uri, day, other = str(tmp_path / "t"), dt.date(2026, 1, 2), dt.date(2026, 1, 3)
    write_partitions(uri, pl.DataFrame({"date": [day, other], "v": [0, 0]}), "date", [day, other],
                     physical_partitioning=True)
    passes = []

    def batches():
        passes.append(1)
        yield pl.DataFrame({"date": [day], "v": [1]})
        write_partitions(uri, pl.DataFrame({"date": [day, other], "v": [2, 2]}), "date", [day, other],
                         physical_partitioning=True)

    written = write_partitions(uri, FrameStream(pl.Schema({"date": pl.Date, "v": pl.Int64}), batches), "date", [day],
                               physical_partitioning=True)

    assert written == 1 and len(passes) == 1
    assert pl.read_delta(uri).sort("date").rows() == [(day, 1), (other, 2)]


@lake_asset("t", "cons", "declared", columns={"player": TEXT, "score": BIGINT, "note": TEXT})
def declared(context: dg.AssetExecutionContext) -> pl.DataFrame:
    return pl.DataFrame({"player": ["ann"], "score": [1.5], "extra": ["x"]})


def test_a_table_that_is_not_its_declared_columns_is_not_written(lake):
    result = dg.materialize([declared], resources={"lake": lake}, raise_on_error=False)

    assert not result.success
    error = str(result.failure_data_for_node("t__cons__declared").error)
    assert "missing ['note']" in error and "undeclared ['extra']" in error
    assert "score is Float64, declared bigint" in error
    assert not (Path(lake.root) / "t" / "cons" / "declared").exists()


def test_a_table_read_again_is_read_as_its_log_says_now(tmp_path):
    """A table's state is opened once a version and kept for reading: a new commit, an earlier version, and the
    table removed and written again under the same path (its version 0 again) are each read as they are."""
    uri = str(tmp_path / "table")
    assert latest_version(uri) == -1
    write_deltalake(uri, pl.DataFrame({"a": [1]}).to_arrow())
    assert table_scan(uri).collect()["a"].to_list() == [1] and snapshot(uri) is snapshot(uri)
    write_deltalake(uri, pl.DataFrame({"a": [2]}).to_arrow(), mode="append")
    assert latest_version(uri) == 1 == snapshot(uri).version()
    assert sorted(table_scan(uri).collect()["a"]) == [1, 2]
    assert table_scan(uri, version=0).collect()["a"].to_list() == [1]
    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(lambda _: tuple(sorted(table_scan(uri).collect()["a"])), range(40))) == {(1, 2)}, \
            "readers in threads share the state kept"
    for rows in ([3], [4]):
        shutil.rmtree(uri)
        write_deltalake(uri, pl.DataFrame({"a": rows}).to_arrow())
        assert latest_version(uri) == 0 and table_scan(uri).collect()["a"].to_list() == rows
