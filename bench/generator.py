"""Generator throughput: 7 days × 10 000 users of the mobile RPG taxonomy written as JSONL.

Prints one JSON object: events (lines written), seconds (generation + writing, population excluded),
events_per_s, bytes, the population build time, and the polars thread count (`POLARS_MAX_THREADS=1`
measures one core).
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from gamestats_assets.generator.api import PopulationConfig, ProductInfo, build_rules, build_users, write_days

ROOT = Path(__file__).resolve().parents[1]


def main(users: int = 10_000, days: int = 7, seed: int = 7) -> dict:
    anchor = date(2024, 1, 1)
    rules = build_rules(ROOT / "data/taxonomies/mobile_rpg.xlsx", ProductInfo("game", "mobile"))
    started = time.perf_counter()
    population = build_users(rules, PopulationConfig(users=users, seed=seed, anchor=anchor))
    population_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as out_dir:
        started = time.perf_counter()
        written = write_days(rules, population, anchor, days, seed, anchor, out_dir)
        seconds = time.perf_counter() - started
    events = sum(lines for _, lines, _ in written)
    result = {
        "events": events,
        "seconds": round(seconds, 3),
        "events_per_s": round(events / seconds),
        "bytes": sum(size for _, _, size in written),
        "users": users,
        "days": days,
        "population_seconds": round(population_s, 3),
        "polars_threads": pl.thread_pool_size(),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
