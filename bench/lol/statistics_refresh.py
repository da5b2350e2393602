"""lol statistics kept up to date: every statistic's refresh after one new game lands in a lake of `--days` days of
history, against computing it over every game, as the statistics' assets do it: the folds kept game by game
(`lib/refresh/joined.refresh`) and the tables computed again for the queues and patches that changed
(`lib/refresh/slices.refresh`).

`--games` synthetic games are generated and turned into the STD tables the statistics read once (not timed); each
day of the lake holds a copy of them, re-keyed, and a patch lasts `--patch-days` days (the day's games are set to
its patch). The first refresh of each statistic computes it over every game (as from scratch, and as every refresh
did before); then one game lands on the last day and each statistic is refreshed again: a fold folds that game
alone, a sliced table computes again the queues and patches of that day's games.
Prints one JSON object.

    python bench/lol/statistics_refresh.py --days 14 42 --games 2000
"""

import argparse
import datetime as dt
import json
import os
import tempfile
import time

import polars as pl

from gamestats_assets.defs.lol.tables import STATISTICS, STD_TABLES, computed
from gamestats_assets.generator.emitters.lol import generate_day
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.lib.refresh.state import unredacted
from gamestats_assets.sources.riot.parse import parse_matches, parse_timelines

FIRST_DAY = dt.date(2026, 1, 1)
INPUTS = sorted({ref for table in STATISTICS for ref in table.inputs.values()})
"""The STD tables the statistics read (`std/<name>`)."""


def std_tables(seed: int, games: int) -> dict[str, pl.DataFrame]:
    """The STD tables the statistics read, of `games` synthetic games of one day, by reference."""
    generated = list(generate_day(seed, FIRST_DAY, games))
    matches = parse_matches([(f"{match_id}.json", match) for match_id, match, _ in generated])
    timelines = parse_timelines([(f"{match_id}_timeline.json", timeline) for match_id, _, timeline in generated])
    etl = {"matches": matches.matches, "participants": matches.participants, "timeline_events": timelines.events,
           "participant_frames": timelines.frames}
    tables = computed(etl, STD_TABLES, FIRST_DAY)
    return {ref: tables[ref.split("/")[1]].drop("date") for ref in INPUTS}


def day_of(std: dict[str, pl.DataFrame], day: dt.date, copy: str, patch: str) -> dict[str, pl.DataFrame]:
    """The games of `std` as the games of `day`, their match ids suffixed with `copy`, of `patch`."""
    return {ref: frame.with_columns((pl.col("match_id") + copy).alias("match_id"), pl.lit(day).alias("date"),
                                    *([pl.lit(patch).alias("patch")] if "patch" in frame.columns else []))
            for ref, frame in std.items()}


def write_day(lake: str, frames: dict[str, pl.DataFrame]) -> None:
    for ref, frame in frames.items():
        frame.write_delta(os.path.join(lake, ref), mode="append", delta_write_options={"partition_by": ["date"]})


def refresh_all(lake: str) -> tuple[dict[str, float], dict[str, dict]]:
    """Every statistic refreshed: the wall seconds of the folds and of the sliced tables, and each one's figures."""
    seconds, figures = {"folds": 0.0, "sliced": 0.0}, {}
    for table in STATISTICS:
        state = os.path.join(lake, "state", table.name)
        started = time.perf_counter()
        sources = {param: os.path.join(lake, ref) for param, ref in table.inputs.items()}
        _, figures[table.name] = table.refresh.refresh(table, sources, state, "bench", [], None, unredacted)
        seconds["folds" if isinstance(table.refresh, JoinedFold) else "sliced"] += time.perf_counter() - started
    return seconds, figures


def measure(std: dict[str, pl.DataFrame], days: int, patch_days: int) -> dict:
    with tempfile.TemporaryDirectory() as lake:
        for number in range(days):
            day = FIRST_DAY + dt.timedelta(days=number)
            write_day(lake, day_of(std, day, f"_{number:04d}", f"15.{number // patch_days + 1}"))
        full, _ = refresh_all(lake)
        last = days - 1
        one = {ref: frame.filter(pl.col("match_id") == std["std/games"]["match_id"][0]) for ref, frame in std.items()}
        write_day(lake, day_of(one, FIRST_DAY + dt.timedelta(days=last), "_new", f"15.{last // patch_days + 1}"))
        refreshed, figures = refresh_all(lake)
    folded = {figure["games_folded"] for figure in figures.values() if "games_folded" in figure}
    sliced = [figure for figure in figures.values() if "slices_computed" in figure]
    return {"days": days, "games": days * std["std/games"].height + 1,
            "full_s": {kind: round(value, 1) for kind, value in full.items()},
            "refresh_after_one_game_s": {kind: round(value, 2) for kind, value in refreshed.items()},
            "games_folded": sorted(folded), "sliced_games_read": sorted({figure["games_read"] for figure in sliced}),
            "sliced_slices_computed": sorted({figure["slices_computed"] for figure in sliced}),
            "load_average_1m": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, nargs="+", default=[14, 42])
    parser.add_argument("--games", type=int, default=2000, help="games a day")
    parser.add_argument("--patch-days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    std = std_tables(args.seed, args.games)
    print(json.dumps({"benchmark": "lol_statistics_refresh", "games_a_day": args.games, "patch_days": args.patch_days,
                      "statistics": len(STATISTICS), "cpus": os.cpu_count(),
                      "runs": [measure(std, days, args.patch_days) for days in args.days]}))


if __name__ == "__main__":
    main()
