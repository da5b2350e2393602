"""What a refresh of `pubg/cons/player_advanced_career_stats` costs as the matches in the lake grow: the fold of the
match summaries kept from their Delta log (`career.CAREER_FOLD`, `lib/refresh/fold.refresh`, then the table finished
from the state) after one new match, beside a full recompute (every match's summaries read as a snapshot's input over
every partition is, a scan filtered to every match key, and the career computed from them), on a real Delta lake in a
temporary folder. Beside them, what the tournament tables read of a per-match table now (the rows of the
tournament's `--tournament` matches, the other matches' files skipped by the log's statistics) against every match.

The summaries (`cons/match_summaries`: 100 players a match drawn from `--players`, `--per-day` matches a day,
values drawn at random in the table's columns, not simulated) are written a match a commit, as a run of one match
writes them, up to each of `--matches` (90 and 900 by default); at each, the bench times a full recompute
and `--rounds` refreshes each after one more match, and checks that the incremental table equals the recompute.
Prints one JSON object: per history length, the summary rows, the best seconds of each, the rows and files each read,
and the machine's load.

    python bench/pubg/history.py --matches 90 900
"""

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from gamestats_assets.defs.pubg.transforms.career import CAREER_FOLD, career_stats
from gamestats_assets.defs.pubg.transforms.summaries import SUMMARY_TELEMETRY_COLUMNS
from gamestats_assets.lib.refresh.fold import refresh
from gamestats_assets.lib.refresh.state import unredacted
from gamestats_assets.lib.lake.read import read_partitions
from gamestats_assets.lib.lake.write import write_partitions

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import timed  # noqa: E402

START = dt.datetime(2026, 1, 1, 18, tzinfo=dt.UTC)


def match_id(number: int) -> str:
    return f"{number:08x}-0000-4000-8000-000000000000"


def summary_rows(number: int, players: int, per_day: int, rng: np.random.Generator) -> pl.DataFrame:
    """The summaries of match `number`: 100 players of the pool in 25 teams, a quarter of the matches without
    telemetry (null telemetry columns), a third ranked (`competitive`), the others normal (`official`)."""
    seats = rng.choice(players, 100, replace=False)
    telemetry = bool(number % 4)
    counts = {c: (rng.integers(0, 5, 100) if telemetry else [None] * 100)
              for c, dtype in SUMMARY_TELEMETRY_COLUMNS.items() if dtype == pl.Int64}
    floats = {c: (rng.uniform(0, 500, 100) if telemetry else [None] * 100)
              for c, dtype in SUMMARY_TELEMETRY_COLUMNS.items() if dtype == pl.Float64}
    return pl.DataFrame({
        "match_id": match_id(number), "account_id": [f"account.{s:06d}" for s in seats],
        "player_name": [f"Player_{s:06d}" for s in seats], "team_id": np.repeat(np.arange(1, 26), 4),
        "roster_id": [f"r{t}" for t in np.repeat(np.arange(1, 26), 4)],
        "placement": np.repeat(rng.permutation(25) + 1, 4),
        "kills": rng.integers(0, 6, 100), "damage_dealt": rng.uniform(0, 800, 100), **counts, **floats,
        "has_telemetry": telemetry, "telemetry": "complete" if telemetry else "missing",
        "created_at": START + dt.timedelta(days=number // per_day, minutes=number % per_day),
        "match_type": "competitive" if number % 3 == 0 else "official",
    }, schema_overrides={**SUMMARY_TELEMETRY_COLUMNS, "created_at": pl.Datetime("us", "UTC")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, nargs="+", default=[90, 900])
    parser.add_argument("--players", type=int, default=2000)
    parser.add_argument("--per-day", type=int, default=10, help="matches a day")
    parser.add_argument("--tournament", type=int, default=4, help="matches a tournament table reads")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.players < 100:
        parser.error("--players must be at least 100: a match seats 100 players of the pool")
    rng = np.random.default_rng(7)
    folder = tempfile.mkdtemp(prefix="pubg-career-")
    source, state = f"{folder}/match_summaries", f"{folder}/state"
    written, results = 0, []

    def write_match(number: int) -> None:
        write_partitions(source, summary_rows(number, args.players, args.per_day, rng), "match_id",
                         [match_id(number)], physical_partitioning=False)

    def fold() -> tuple[dict, pl.DataFrame]:
        figures = refresh(source, state, CAREER_FOLD, None, unredacted)[1]
        return figures, CAREER_FOLD.finish(pl.read_delta(state))

    def every_match(keys: list[str]) -> pl.DataFrame:
        return read_partitions(source, "match_id", keys).collect()

    try:
        for matches in sorted(args.matches):
            for number in range(written, matches):
                write_match(number)
            written = matches
            keys = [match_id(number) for number in range(written)]
            full_s, full = timed(lambda: career_stats(every_match(keys)))
            fold()
            rounds = []
            for _ in range(args.rounds):
                write_match(written)
                written += 1
                rounds.append(timed(fold))
            best_s, (figures, table) = min(rounds, key=lambda timing: timing[0])
            keys = [match_id(number) for number in range(written)]
            assert fold()[1].equals(career_stats(every_match(keys))), "incremental != full recompute"
            tournament = keys[:: max(1, len(keys) // args.tournament)][: args.tournament]
            read_s, read = timed(lambda: read_partitions(source, "match_id", keys)
                                 .filter(pl.col("match_id").is_in(tournament)).collect())
            all_s, every = timed(lambda: every_match(keys))
            everything = full.filter(pl.col("match_type") == "all")
            results.append({
                "matches": matches, "summary_rows": everything["matches"].sum(),
                "players": everything.height, "career_rows": table.height, "state_groups": figures["groups"],
                "full_recompute_s": round(full_s, 3), "full_recompute_rows": int(everything["matches"].sum()),
                "after_one_match_s": round(best_s, 3), "after_one_match_rows": figures["rows_folded"],
                "after_one_match_files": figures["files_added"] + figures["files_removed"],
                "incremental_equals_full": True,
                "tournament_read_s": round(read_s, 3), "tournament_read_rows": read.height,
                "all_matches_read_s": round(all_s, 3), "all_matches_read_rows": every.height})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({"players": args.players, "matches_a_day": args.per_day, "histories": results,
                      "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0]}, indent=1))


if __name__ == "__main__":
    main()
