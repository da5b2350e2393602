"""What changed in a lake table, told by Delta's Change Data Feed or by the lake's log and row hashes: the cost of
writing change data, and which games each method says changed after one game's rows replaced, a file written again
with the same rows, a day's small files merged or compacted, and a day written again whole.

Two copies of one table of `--days` days × `--games` games × `--rows` rows a game, written as the lake writes a
daily table (`write_partitions`, a folder per `date`, a `source_file` per game), one with
`delta.enableChangeDataFeed` set. The same writes go to both: one game's rows replaced, and one new game's rows
added (`replace_file_rows`, as the IO manager's `replace_files`), `--repeats` times each, for the median seconds
and the bytes each adds to the table's folder (its `_change_data/` counted apart); then each case below, after which the games that changed are asked of
`changes.changed_games` (the files the log added and removed, their rows hashed) and of `DeltaTable.load_cdf` from
the version after the case's first (every game a change row names: `cdf_raw`; the games whose deleted and inserted
rows differ: `cdf_netted`), each against the games that truly changed. For a merge (`merge_small_files`, its
`lake.rows_unchanged` commit metadata) and a compaction (`DeltaTable.optimize.compact`), each commit's actions are
listed with their `dataChange` flags. Prints one JSON object (also written to `--out` when given).

    python bench/lake/change_records.py --days 30 --games 200 --rows 10
"""

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyarrow as pa
from deltalake import DeltaTable

from gamestats_assets.lib.lake.merge import FANIN, ROWS_UNCHANGED, merge_small_files
from gamestats_assets.lib.lake.write import replace_file_rows, write_partitions
from gamestats_assets.lib.refresh.changes import changed_games

FIRST_DAY = dt.date(2026, 1, 1)
KEY = "match_id"
FILE_COLUMN = "source_file"
CHANGE_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")
REMOVED_KINDS = ("delete", "update_preimage")
Game = tuple[str, str]
"""A game as the methods name it: its day (ISO) and `match_id`."""


def game_rows(day: dt.date, game: int, rows: int, shift: float = 0.0) -> pl.DataFrame:
    """The `rows` rows of `game` of `day` (a player's stat each), their values moved by `shift`."""
    return pl.DataFrame({
        "date": [day] * rows, FILE_COLUMN: [f"{day}/{game:05d}.replay"] * rows, KEY: [f"{day}-{game:05d}"] * rows,
        "player_id": [f"player-{(game * 7 + row) % 997}" for row in range(rows)],
        "stat": [f"stat-{row}" for row in range(rows)],
        "value": [float(game * rows + row) + shift for row in range(rows)],
    })


def written_table(uri: str, days: list[dt.date], games: int, rows: int) -> None:
    """The table of `days` × `games`, written in one commit as a run over those days writes it."""
    frame = pl.concat([game_rows(day, game, rows) for day in days for game in range(games)])
    write_partitions(uri, frame, "date", days, physical_partitioning=True)


def replace(uri: str, rows: pl.DataFrame) -> None:
    """One game's rows (of one day and source file) replaced by `rows`, as the IO manager replaces a file's rows."""
    replace_file_rows(uri, rows, "date", rows["date"][0], [rows[FILE_COLUMN][0]], FILE_COLUMN,
                      physical_partitioning=True)


def held_rows(uri: str, day: dt.date, game: int) -> pl.DataFrame:
    """The rows the table holds for `game` of `day`."""
    return pl.read_delta(uri).filter(pl.col("date") == day, pl.col(FILE_COLUMN) == f"{day}/{game:05d}.replay")


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def version(uri: str) -> int:
    return DeltaTable(uri).version()


def by_row_hash(uri: str, since: int, until: int) -> set[Game] | None:
    """The games `changes.changed_games` says changed between the two versions."""
    games = changed_games(uri, since, until, KEY, None)
    return None if games is None else {(str(day), key) for day, key in games.iter_rows()}


def cdf_rows(uri: str, since: int, until: int) -> pl.DataFrame:
    """The Change Data Feed's rows of the commits after `since` up to `until`."""
    if since == until:
        return pl.DataFrame()
    reader = DeltaTable(uri).load_cdf(starting_version=since + 1, ending_version=until)
    return pl.from_arrow(pa.RecordBatchReader.from_stream(reader).read_all())


def by_cdf(uri: str, since: int, until: int) -> dict[str, set[Game]]:
    """The games the Change Data Feed names between the two versions (`raw`), and those whose rows it says were
    removed differ from those it says were added (`netted`, rows compared by hash as `changed_games` compares
    files' rows)."""
    rows = cdf_rows(uri, since, until)
    if rows.is_empty():
        return {"raw": set(), "netted": set()}
    raw = {(str(day), key) for day, key in rows.select("date", KEY).unique().iter_rows()}
    data = [name for name in rows.columns if name not in CHANGE_COLUMNS]
    hashed = [part.select("date", KEY, part.select(data).hash_rows().alias("_row")) for part in (
        rows.filter(pl.col("_change_type").is_in(REMOVED_KINDS)),
        rows.filter(~pl.col("_change_type").is_in(REMOVED_KINDS)))]
    differing = pl.concat([one.join(other, on=["date", KEY, "_row"], how="anti", nulls_equal=True)
                           for one, other in (hashed, hashed[::-1])])
    return {"raw": raw, "netted": {(str(day), key) for day, key in differing.select("date", KEY).unique().iter_rows()}}


def median_seconds(step: Callable[[], object], repeats: int) -> tuple[float, object]:
    """The median wall seconds of `repeats` calls of `step`, and what the last returned."""
    seconds, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds), 4), result


def commits(uri: str, since: int, until: int) -> list[dict]:
    """The commits after `since` up to `until` as their log writes them: the operation, whether its metadata says
    it changes no row (`ROWS_UNCHANGED`), and its add, remove and cdc actions with their `dataChange` flags."""
    listed = []
    for number in range(since + 1, until + 1):
        actions = [json.loads(line) for line in (Path(uri) / "_delta_log" / f"{number:020d}.json").read_text()
                   .splitlines() if line]
        info = next((action["commitInfo"] for action in actions if "commitInfo" in action), {})
        flags = {kind: sorted({str(action[kind].get("dataChange")) for action in actions if kind in action})
                 for kind in ("add", "remove", "cdc")}
        listed.append({"version": number, "operation": info.get("operation"),
                       ROWS_UNCHANGED: info.get(ROWS_UNCHANGED) == "true",
                       **{f"{kind}_actions": sum(kind in action for action in actions) for kind in flags},
                       **{f"{kind}_data_change": values for kind, values in flags.items() if values}})
    return listed


def told(games: set[Game] | None, truth: set[Game]) -> dict:
    return {"games": None if games is None else len(games), "right": games == truth}


def verdict(methods: dict[str, dict]) -> str:
    return "; ".join(f"{name} {'right' if figures['right'] else 'wrong'} ({figures['games']} games)"
                     for name, figures in methods.items())


def case(tables: dict[str, str], action: Callable[[str], object], truth: set[Game], repeats: int) -> dict:
    """`action` done on both tables, then the games each method says changed, its median seconds, and the
    commits it made on the table with the Change Data Feed."""
    before = {name: version(uri) for name, uri in tables.items()}
    done = {name: action(uri) for name, uri in tables.items()}
    after = {name: version(uri) for name, uri in tables.items()}
    hash_seconds, hashed = median_seconds(lambda: by_row_hash(tables["cdf_off"], before["cdf_off"],
                                                              after["cdf_off"]), repeats)
    hashed_with_cdf = by_row_hash(tables["cdf_on"], before["cdf_on"], after["cdf_on"])
    cdf_seconds, fed = median_seconds(lambda: by_cdf(tables["cdf_on"], before["cdf_on"], after["cdf_on"]), repeats)
    methods = {"row_hash": told(hashed, truth), "row_hash_on_cdf_table": told(hashed_with_cdf, truth),
               "cdf_raw": told(fed["raw"], truth), "cdf_netted": told(fed["netted"], truth)}
    return {"games_truly_changed": len(truth), "action_returned": done["cdf_on"],
            "methods": methods, "row_hash_median_seconds": hash_seconds, "cdf_median_seconds": cdf_seconds,
            "cdf_rows": cdf_rows(tables["cdf_on"], before["cdf_on"], after["cdf_on"]).height,
            "commits_cdf_on": commits(tables["cdf_on"], before["cdf_on"], after["cdf_on"]),
            "verdict": verdict(methods)}


def small_files(uri: str, day: dt.date, games: int, rows: int) -> None:
    """`FANIN` + 1 new games added to `day` one by one, each in a small file of its own to merge."""
    for game in range(games, games + FANIN + 1):
        replace(uri, game_rows(day, game, rows))


def write_cost(tables: dict[str, str], days: list[dt.date], games: int, rows: int, repeats: int, new: bool
               ) -> dict:
    """Median seconds and bytes of one game's rows written on each table, the two alternating: a new game's (`new`)
    or an existing game's rows replaced by new rows (its day's file written again without them)."""
    figures: dict[str, dict[str, list]] = {name: {"seconds": [], "bytes": [], "change_data_bytes": []}
                                           for name in tables}
    for number in range(repeats):
        day = days[number % len(days)]
        game = 2 * games + number if new else games - 1 - number // len(days) % games
        order = list(tables) if number % 2 == 0 else list(tables)[::-1]
        for name in order:
            folder = Path(tables[name])
            total, change = folder_bytes(folder), folder_bytes(folder / "_change_data")
            started = time.perf_counter()
            replace(tables[name], game_rows(day, game, rows, shift=1.0))
            figures[name]["seconds"].append(time.perf_counter() - started)
            figures[name]["bytes"].append(folder_bytes(folder) - total)
            figures[name]["change_data_bytes"].append(folder_bytes(folder / "_change_data") - change)
    return {name: {"median_seconds": round(statistics.median(values["seconds"]), 4),
                   "median_bytes_written": int(statistics.median(values["bytes"])),
                   "median_change_data_bytes": int(statistics.median(values["change_data_bytes"]))}
            for name, values in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30, help="days of the table (at least 5)")
    parser.add_argument("--games", type=int, default=200, help="games a day (at least 10)")
    parser.add_argument("--rows", type=int, default=10, help="rows a game")
    parser.add_argument("--repeats", type=int, default=7, help="times each write and each method is timed")
    parser.add_argument("--out", type=Path, help="a file to write the JSON object to as well")
    args = parser.parse_args()
    if args.days < 5 or args.games <= FANIN:
        parser.error(f"--days must be at least 5 and --games more than {FANIN}")
    days = [FIRST_DAY + dt.timedelta(days=number) for number in range(args.days)]
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="change_records_") as folder:
        tables = {"cdf_off": os.path.join(folder, "cdf_off"), "cdf_on": os.path.join(folder, "cdf_on")}
        started = time.perf_counter()
        written_table(tables["cdf_off"], days, args.games, args.rows)
        shutil.copytree(tables["cdf_off"], tables["cdf_on"])
        DeltaTable(tables["cdf_on"]).alter.set_table_properties({"delta.enableChangeDataFeed": "true"})
        build_seconds = time.perf_counter() - started
        cost = {"replace_existing_game": write_cost(tables, days, args.games, args.rows, args.repeats, new=False),
                "add_new_game": write_cost(tables, days, args.games, args.rows, args.repeats, new=True)}
        same = {name: held_rows(uri, days[1], 1) for name, uri in tables.items()}
        for name, uri in tables.items():
            small_files(uri, days[2], args.games, args.rows)
            small_files(uri, days[3], args.games, args.rows)
        whole_day = {name: pl.read_delta(uri).filter(pl.col("date") == days[4]) for name, uri in tables.items()}
        name_of = {uri: name for name, uri in tables.items()}
        cases = {
            "a_one_game_new_rows": case(
                tables, lambda uri: replace(uri, game_rows(days[0], 0, args.rows, shift=2.0)),
                {(str(days[0]), f"{days[0]}-00000")}, args.repeats),
            "a2_one_new_game_added": case(
                tables, lambda uri: replace(uri, game_rows(days[0], 3 * args.games, args.rows)),
                {(str(days[0]), f"{days[0]}-{3 * args.games:05d}")}, args.repeats),
            "b_one_game_same_rows": case(tables, lambda uri: replace(uri, same[name_of[uri]]), set(), args.repeats),
            "c_merge_small_files": case(tables, lambda uri: merge_small_files(uri, "date", days[2], FILE_COLUMN),
                                        set(), args.repeats),
            "c2_optimize_compact": case(
                tables, lambda uri: DeltaTable(uri).optimize.compact(
                    partition_filters=[("date", "=", str(days[3]))])["numFilesRemoved"],
                set(), args.repeats),
            "d_day_written_again_same_rows": case(
                tables, lambda uri: write_partitions(uri, whole_day[name_of[uri]], "date", [days[4]],
                                                     physical_partitioning=True),
                set(), args.repeats),
        }
        protocol = DeltaTable(tables["cdf_on"]).protocol()
    report = {
        "benchmark": "lake_change_records", "days": args.days, "games_a_day": args.games, "rows_a_game": args.rows,
        "repeats": args.repeats, "build_seconds": round(build_seconds, 2),
        "cdf_table_protocol": {"min_reader_version": protocol.min_reader_version,
                               "min_writer_version": protocol.min_writer_version},
        "write_one_game": cost, "cases": cases,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average_1m_at_start": round(load_at_start, 2), "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }
    text = json.dumps(report, indent=1)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
