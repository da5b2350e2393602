"""Benchmark: one L2M day at scale, landing JSONL → every ETL, STD and CONS table in memory, computed from
the same table declaration as the assets (`defs/l2m/tables.py`).

Emits the day in a child process (so its memory is not counted against the transforms), then times each
stage. Prints one JSON object: wall seconds per stage, row counts, landing size, CPU seconds of the
transforms, and peak RSS of the emitter and of the transforms (`resource.getrusage`).

    python bench/l2m_transforms.py --users 1000000 [--data-dir /tmp/l2m_bench] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from gamestats_assets.defs.l2m.transforms import etl
from gamestats_assets.defs.l2m.tables import run_in_memory
from gamestats_assets.generator.emitters import l2m

DAY = dt.date(2024, 3, 5)


def _peak_rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _emit(landing: Path, users: int, seed: int) -> None:
    l2m.emit_day(landing, DAY, seed=seed, n_users=users)


def run(landing: Path, users: int, seed: int) -> dict:
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    emitter = multiprocessing.get_context("spawn").Process(target=_emit, args=(landing, users, seed))
    emitter.start()
    emitter.join()
    if emitter.exitcode != 0:
        raise RuntimeError(f"emitter failed with exit code {emitter.exitcode}")
    seconds["emit"] = time.perf_counter() - start
    day_dir = landing / DAY.isoformat()
    cpu_before = _cpu_seconds()
    began = [time.perf_counter()]

    def timed(table, day) -> None:
        now = time.perf_counter()
        seconds[table.frame_name] = now - began[0]
        began[0] = now

    computed = run_in_memory(landing, [DAY], on_table=timed)
    t = {**computed.days[DAY], **computed.snapshots}

    etl_stages = [k for k in seconds if k.startswith("etl_")]
    return {
        "benchmark": "l2m_transforms",
        "users": users,
        "day": DAY.isoformat(),
        "cpus": multiprocessing.cpu_count(),
        "landing_bytes": sum(p.stat().st_size for p in day_dir.iterdir()),
        "economy_events": sum(int(t[f"etl_{s.event}"]["events"].sum()) for s in etl.ECONOMY_SOURCES),
        "rows": {k: v.height for k, v in t.items()},
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "seconds_etl": round(sum(seconds[k] for k in etl_stages), 3),
        "seconds_std_cons_kpis": round(sum(v for k, v in seconds.items() if k not in etl_stages and k != "emit"), 3),
        "seconds_transforms": round(sum(v for k, v in seconds.items() if k != "emit"), 3),
        "cpu_seconds_transforms": round(_cpu_seconds() - cpu_before, 3),
        "peak_rss_mib_emitter": round(_peak_rss_mib(resource.RUSAGE_CHILDREN), 1),
        "peak_rss_mib_transforms": round(_peak_rss_mib(resource.RUSAGE_SELF), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=None, help="where to write landing (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the landing files")
    args = parser.parse_args(argv)
    root = args.data_dir or Path(tempfile.mkdtemp(prefix="l2m_bench_"))
    try:
        result = run(root / "landing" / "l2m", args.users, args.seed)
    finally:
        if not args.keep:
            shutil.rmtree(root / "landing" / "l2m", ignore_errors=True)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
