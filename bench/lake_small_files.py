"""A day's lake partition written a game at a time, with and without its small files merged.

`--games` games of `--rows` rows each (a Rocket League game's stat rows: players × stats) are written one by one into
a Delta table partitioned by day, each replacing its own `match_id`'s rows (`replace_file_rows`), as each run of a
day receiving a replay every few seconds does; with `merge` on, each write is followed by `merge_small_files`. After
every tenth of the games: the partition's files, the seconds the tenth's writes (and merges) took per game, and the
seconds reading one game's rows (`scan_delta` filtered by day and `match_id`, as a run reads a game's input rows)
and replacing one game's rows take. Both layouts are written in the same run, one after the other. Prints one JSON
object.

    python bench/lake_small_files.py --games 3000
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gamestats_assets.lib.lake.merge import merge_small_files  # noqa: E402
from gamestats_assets.lib.lake.write import replace_file_rows  # noqa: E402

DAY = dt.date(2026, 11, 20)


def game_rows(number: int, rows: int) -> pl.DataFrame:
    match_id = f"{(number * 2_654_435_761) % 2**32:08x}"
    return pl.DataFrame({"date": [DAY] * rows, "match_id": [match_id] * rows,
                         "player_id": [f"player-{i % 6}" for i in range(rows)],
                         "stat_type": [f"stat-{i // 6}" for i in range(rows)],
                         "value": [float(i) for i in range(rows)]})


def write(uri: str, rows: pl.DataFrame, merge: bool) -> None:
    replace_file_rows(uri, rows, "date", DAY, [rows["match_id"][0]], "match_id", physical_partitioning=True)
    if merge:
        merge_small_files(uri, "date", DAY, "match_id")


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def day_written(folder: Path, games: int, rows: int, merge: bool) -> list[dict]:
    uri, tenths = str(folder / ("merged" if merge else "unmerged")), []
    tenth = max(1, games // 10)
    seconds = 0.0
    for number in range(games):
        seconds += timed(lambda number=number: write(uri, game_rows(number, rows), merge))
        if (number + 1) % tenth == 0:
            probe = game_rows(number // 2, rows)
            match_id = probe["match_id"][0]
            read = timed(lambda match_id=match_id: pl.scan_delta(uri).filter(
                pl.col("date").is_in([DAY]), pl.col("match_id") == match_id).collect())
            replace = timed(lambda probe=probe: write(uri, probe, merge))
            tenths.append({"games": number + 1, "files": len(DeltaTable(uri).file_uris()),
                           "write_seconds_per_game": round(seconds / tenth, 4),
                           "read_one_game_seconds": round(read, 4), "replace_one_game_seconds": round(replace, 4)})
            seconds = 0.0
    held = pl.scan_delta(uri).select(pl.len()).collect().item()
    if held != games * rows:
        raise AssertionError(f"{held} rows held of {games * rows} written")
    return tenths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=3000)
    parser.add_argument("--rows", type=int, default=600, help="rows a game writes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lake_small_files_") as folder:
        layouts = {name: day_written(Path(folder), args.games, args.rows, merge)
                   for name, merge in (("unmerged", False), ("merged", True))}
    print(json.dumps({"benchmark": "lake_small_files", "games": args.games, "rows_per_game": args.rows,
                      "cores": os.cpu_count(), "load_average_1m_at_end": round(os.getloadavg()[0], 2),
                      **layouts}))


if __name__ == "__main__":
    main()
