"""Benchmark: one L2M day at scale, landing JSONL → every ETL, STD and CONS table in memory.

Emits the day in a child process (so its memory is not counted against the transforms), then times each
stage. Prints one JSON object: wall seconds per stage, row counts, landing size, CPU seconds of the
transforms, and peak RSS of the emitter and of the transforms (``resource.getrusage``).

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

import polars as pl

from gamestats_assets.defs.l2m.transforms import cons, etl, farmers, kpis, std
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
    t: dict[str, pl.DataFrame] = {}
    cpu_before = _cpu_seconds()

    def timed(stage: str, compute):
        began = time.perf_counter()
        result = compute()
        seconds[stage] = time.perf_counter() - began
        return result

    t["etl_login"] = timed("etl_login", lambda: etl.etl_login(day_dir, DAY).frame)
    t["etl_logout"] = timed("etl_logout", lambda: etl.etl_logout(day_dir, DAY).frame)
    t["etl_recharge"] = timed("etl_recharge", lambda: etl.etl_recharge(day_dir, DAY).frame)
    for source in etl.ECONOMY_SOURCES:
        t[f"etl_{source.event}"] = timed(f"etl_{source.event}", lambda s=source: etl.etl_economy(s, day_dir, DAY).frame)
    t["etl_user_profile"] = timed("etl_user_profile", lambda: etl.etl_user_profile(day_dir, DAY).frame)
    t["etl_clan_change"] = timed("etl_clan_change", lambda: etl.etl_clan_change(day_dir, DAY).frame)
    t["std_active"] = timed("std_active", lambda: std.std_active(*(t[f"etl_{s}"] for s in std.SOURCES)))
    t["std_user_profile"] = timed("std_user_profile", lambda: std.std_user_profile(None, t["etl_user_profile"], DAY))
    t["l2m_active"] = timed("l2m_active", lambda: cons.l2m_active(t["std_active"], t["std_user_profile"]))
    t["l2m_recharge"] = timed("l2m_recharge", lambda: cons.l2m_recharge(t["etl_recharge"], t["l2m_active"]))
    t["l2m_cumulative_revenue"] = timed("l2m_cumulative_revenue",
                                        lambda: cons.l2m_cumulative_revenue(None, t["l2m_recharge"], DAY))
    for source in etl.ECONOMY_SOURCES:
        t[f"l2m_{source.event}"] = timed(f"l2m_{source.event}", lambda s=source: cons.cons_economy(
            s, t[f"etl_{s.event}"], t["l2m_active"], t["l2m_cumulative_revenue"]))
    t["l2m_server_performance"] = timed("l2m_server_performance", lambda: cons.l2m_server_performance(
        t["l2m_active"], t["l2m_recharge"], t["etl_money_gain"], t["etl_money_spend"], t["etl_logout"]))
    t["farmers_detected"] = timed("farmers_detected", lambda: farmers.detect_farmers(
        t["etl_login"], t["etl_logout"], t["l2m_active"], t["etl_item_gain"], t["etl_money_gain"], t["l2m_recharge"]))
    t["l2m_farmers_performance"] = timed("l2m_farmers_performance",
                                         lambda: farmers.l2m_farmers_performance(t["farmers_detected"]))
    t["l2m_farmers_snapshot"] = timed("l2m_farmers_snapshot",
                                      lambda: farmers.l2m_farmers_snapshot(t["farmers_detected"]))
    t["l2m_guild_info"] = timed("l2m_guild_info", lambda: cons.l2m_guild_info(t["etl_clan_change"]))
    t["l2m_daily_kpis"] = timed("l2m_daily_kpis", lambda: kpis.l2m_daily_kpis(
        t["l2m_active"], t["l2m_recharge"], t["l2m_cumulative_revenue"]))
    t["l2m_retention"] = timed("l2m_retention", lambda: kpis.l2m_retention(t["l2m_active"], DAY))

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
