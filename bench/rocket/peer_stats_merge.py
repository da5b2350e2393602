"""What a refresh of `rocket/cons/peer_stats` costs as the history grows: the fold of the games' partials kept from
their Delta log (`peers.PEER_FOLD`, `lib/refresh/fold.refresh`, then the table finished from the state) after one new
game, beside a full fold of every partial, on a real Delta lake in a temporary folder.

The partials (`peer_partials` of synthetic `player_stats` rows: `--matches` games a day, six players a game drawn
from `--players` players in seven rank bands, `--stats` stat types a player and game) are written a day a commit,
as the daily run writes them, up to each of `--days` (10, 30, 90 by default); at each, the bench times a full fold
(no state) and `--rounds` refreshes each after one more game written into the last day (as a game computed by key
is), and checks that the incremental state equals a full fold's. Prints one JSON object: per history length, the
partial rows, the best seconds of each, the rows and files each read, and the machine's load.

    python bench/rocket/peer_stats_merge.py --days 10 30 90 --matches 200 --players 2000
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

from gamestats_assets.defs.rocket.transforms.peers import PEER_FOLD, peer_partials
from gamestats_assets.lib.refresh.fold import refresh
from gamestats_assets.lib.refresh.state import unredacted
from gamestats_assets.lib.lake.write import replace_file_rows, write_partitions

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import timed  # noqa: E402

BANDS = ["bronze", "silver", "gold", "platinum", "diamond", "champion", "grand_champion"]
START = dt.date(2026, 1, 1)


def game_rows(day: int, games: range, players: int, stats: int, rng: np.random.Generator) -> pl.DataFrame:
    """The stat rows of `games` of one day: each game's six players, each with every stat."""
    seats = rng.integers(0, players, len(games) * 6)
    band = np.array(BANDS)[seats % len(BANDS)]
    n = seats.size * stats
    return pl.DataFrame({
        "date": [START + dt.timedelta(days=day)] * n, "player_id": np.repeat([f"p{s}" for s in seats], stats),
        "match_id": np.repeat([f"{day}-{games.start + seat // 6}" for seat in range(seats.size)], stats),
        "rank_band": np.repeat(band, stats), "category": "core",
        "stat_type": np.tile([f"stat_{i}" for i in range(stats)], seats.size),
        "value": rng.normal(300.0, 40.0, n)})


def partials_of(stats: pl.DataFrame) -> pl.DataFrame:
    return peer_partials(stats).with_columns(date=pl.lit(stats["date"][0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, nargs="+", default=[10, 30, 90])
    parser.add_argument("--matches", type=int, default=200, help="games a day")
    parser.add_argument("--players", type=int, default=2000)
    parser.add_argument("--stats", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    folder = tempfile.mkdtemp(prefix="peer-fold-")
    source, state = f"{folder}/partials", f"{folder}/state"
    written, extra, results = 0, 0, []

    def fold(state_uri: str) -> dict:
        figures = refresh(source, state_uri, PEER_FOLD, None, unredacted)[1]
        PEER_FOLD.finish(pl.read_delta(state_uri))
        return figures

    try:
        for days in sorted(args.days):
            for day in range(written, days):
                write_partitions(source, partials_of(game_rows(day, range(args.matches), args.players, args.stats,
                                                               rng)), "date", [START + dt.timedelta(days=day)],
                                 physical_partitioning=True)
            written = days
            shutil.rmtree(f"{folder}/full", ignore_errors=True)
            full_s, full = timed(lambda: fold(f"{folder}/full"))
            fold(state)
            rounds = []
            for _ in range(args.rounds):
                last = days - 1
                game = partials_of(game_rows(last, range(args.matches + extra, args.matches + extra + 1),
                                             args.players, args.stats, rng))
                extra += 1
                replace_file_rows(source, game, "date", START + dt.timedelta(days=last),
                                  game["match_id"].unique().to_list(), "match_id", physical_partitioning=True)
                rounds.append(timed(lambda: fold(state)))
            best_s, figures = min(rounds, key=lambda timing: timing[0])
            shutil.rmtree(f"{folder}/check", ignore_errors=True)
            refresh(source, f"{folder}/check", PEER_FOLD, None, unredacted)
            assert pl.read_delta(state).equals(pl.read_delta(f"{folder}/check")), "incremental != full fold"
            results.append({"days": days, "partial_rows": pl.scan_delta(source).select(pl.len()).collect().item(),
                            "state_groups": figures["groups"], "full_fold_s": round(full_s, 3),
                            "full_fold_rows": full["rows_folded"], "after_one_game_s": round(best_s, 3),
                            "after_one_game_rows": figures["rows_folded"],
                            "after_one_game_files": figures["files_added"] + figures["files_removed"],
                            "incremental_equals_full": True})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({"games_a_day": args.matches, "players": args.players, "stats": args.stats,
                      "histories": results, "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0]},
                     indent=1))


if __name__ == "__main__":
    main()
