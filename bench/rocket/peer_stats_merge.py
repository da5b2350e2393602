"""What `rocket/cons/peer_stats` costs when one more day arrives: merged from the games' partial sums
(`peer_partials` of the new day's games, then `merged_peer_stats` over every game's partials) beside computed from every
stat row (`peer_stats`), on synthetic `player_stats` rows of `--days` days of `--matches` games each, six players
a game drawn from `--players` players in seven rank bands, `--stats` stat types a player and game.

The partials hold one row per game, band, stat and player (distinct players are not a sum, so the player stays in
the key; the game, so that a new game costs its own rows in the daily run): as many as the ranked stat rows. Prints one JSON object: rows of
each input, best seconds of `--rounds` for each side, their ratio, and the largest relative difference between the
two results (they must agree to floating-point rounding).

    python bench/rocket/peer_stats_merge.py --days 30 --matches 2000 --players 2000
"""

import argparse
import json
import os
import time

import numpy as np
import polars as pl

from gamestats_assets.defs.rocket.transforms.peers import merged_peer_stats, peer_partials, peer_stats

BANDS = ["bronze", "silver", "gold", "platinum", "diamond", "champion", "grand_champion"]


def day_rows(day: int, matches: int, players: int, stats: int, rng: np.random.Generator) -> pl.DataFrame:
    """One day's stat rows: each game's six players, each with every stat."""
    seats = rng.integers(0, players, matches * 6)
    band = np.array(BANDS)[seats % len(BANDS)]
    n = seats.size * stats
    return pl.DataFrame({
        "date": np.full(n, day, dtype=np.int32), "player_id": np.repeat([f"p{s}" for s in seats], stats),
        "match_id": np.repeat([f"{day}-{seat // 6}" for seat in range(seats.size)], stats),
        "rank_band": np.repeat(band, stats), "category": "core",
        "stat_type": np.tile([f"stat_{i}" for i in range(stats)], seats.size),
        "value": rng.normal(300.0, 40.0, n)})


def best(step, rounds: int) -> tuple[float, pl.DataFrame]:
    timings, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = step()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--matches", type=int, default=2000, help="games a day")
    parser.add_argument("--players", type=int, default=2000)
    parser.add_argument("--stats", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    days = [day_rows(day, args.matches, args.players, args.stats, rng) for day in range(args.days)]
    history = pl.concat(days)
    earlier = pl.concat([peer_partials(day) for day in days[:-1]])

    scratch_s, scratch = best(lambda: peer_stats(history), args.rounds)
    merge_s, merged = best(lambda: merged_peer_stats(pl.concat([earlier, peer_partials(days[-1])])), args.rounds)
    joined = scratch.join(merged, on=["rank_band", "stat_type"], suffix="_merged")
    difference = max(float(((joined[c] - joined[f"{c}_merged"]).abs() / joined[c].abs().clip(1e-300)).max())
                     for c in ("total", "mean", "m2"))
    print(json.dumps({
        "days": args.days, "games_a_day": args.matches, "players": args.players, "stats": args.stats,
        "stat_rows": history.height, "partial_rows": earlier.height + peer_partials(days[-1]).height,
        "from_every_row_s": round(scratch_s, 4), "merged_with_the_new_day_s": round(merge_s, 4),
        "ratio": round(scratch_s / merge_s, 2), "largest_relative_difference": difference,
        "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0]}, indent=1))


if __name__ == "__main__":
    main()
