"""Benchmark: L2M farmer detection on one day at scale, alone and with its week of login history.

Emits ``--days`` consecutive days and computes their tables (not timed), then times ``detect_farmers``
without history (the first day of a history) and with the logins and clan changes of the days before
(every later day), and the managed-ring detection alone (``farm_rings.detect_rings``) with that history,
and scores the detections against the planted truth. Prints one JSON object.

    python bench/l2m_farmers.py --users 1000000 --days 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import polars as pl

from gamestats_assets.defs.l2m.transforms import etl, farm_rings, farm_signals, farm_truth, farmers
from gamestats_assets.defs.l2m.transforms.graph import run_in_memory
from gamestats_assets.generator.emitters import l2m

FIRST_DAY = dt.date(2024, 3, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.days < 2:
        parser.error("--days must be at least 2: the last day is detected with the days before as history")
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(args.days)]
    with tempfile.TemporaryDirectory(prefix="l2m_farmers_") as landing:
        for day in days:
            l2m.emit_day(Path(landing), day, seed=args.seed, n_users=args.users)
        folder = Path(landing) / days[-1].isoformat()
        run = run_in_memory(Path(landing), days)
        t = run.days[days[-1]]
        earlier = pl.concat([run.days[day]["etl_login"] for day in days[:-1]])
        clans = pl.concat([run.days[day]["etl_clan_change"] for day in days])
        active = t["l2m_active"]
        inputs = (t["etl_login"], t["etl_logout"], active, t["etl_item_gain"], t["etl_money_gain"], t["l2m_recharge"])
        truth = folder / l2m.TRUTH_FILE
        started = time.perf_counter()
        activity = farm_signals.account_activity(active, t["etl_logout"], t["etl_item_gain"],
                                                 etl.diamonds(t["etl_money_gain"]))
        logins = pl.concat([earlier, t["etl_login"]]).select("user_id", "event_time", "ip")
        rings = farm_rings.detect_rings(activity, logins.lazy(), t["l2m_recharge"], t["etl_money_gain"], clans)
        results = {"rings_alone": {"seconds": round(time.perf_counter() - started, 2),
                                   "ring_candidates": farm_rings.ring_candidates(activity).height,
                                   "ring_accounts": rings.height, "rings": rings["farm_key"].n_unique()}}
        for name, history in {"without_history": None, "with_history": earlier.lazy()}.items():
            started = time.perf_counter()
            detected = farmers.detect_farmers(*inputs, history, clans if history is not None else None)
            seconds = time.perf_counter() - started
            scores = farm_truth.detection_scores(detected, farm_truth.planted_farm_accounts(truth),
                                                 farm_truth.planted_decoy_accounts(truth), active)
            results[name] = {"seconds": round(seconds, 2), "detected": detected.height,
                             "passes": farm_truth.detection_passes(scores),
                             **{f"{row['kind']}_recall": round(row["recall"], 4) for row in scores.iter_rows(named=True)},
                             **{f"{row['kind']}_precision": round(row["precision"], 4)
                                for row in scores.iter_rows(named=True)},
                             "decoys_flagged": int(scores["decoys_flagged"][0])}
    print(json.dumps({"benchmark": "l2m_farmers", "users": args.users, "active_users": active.height,
                      "login_rows": t["etl_login"].height, "history_login_rows": earlier.height, **results}))


if __name__ == "__main__":
    main()
