"""Benchmark: L2M farmer detection on the last day of a week at scale, its time and its memory.

Prepares the inputs (not timed), one day at a time so that a week of a large user base never sits in memory
at once: each day is emitted in a child process, read through the ETL, reduced to what the detection reads
(the declared columns of `std/farmers_detected`'s inputs: the logins and clan changes of every day, the
other inputs of the last day only) and written to Parquet, and its landing folder is deleted. The detection
then runs in a fresh child process that loads those inputs as the asset gets them (the week of logins and
clan changes in memory) and times, with the RSS of that process sampled every 100 ms:

- `rings_alone`: the managed-ring detection (`farm_rings.detect_rings`) with the week's history;
- `without_history`: `detect_farmers` on the day alone (the first day of a history);
- `with_history`: `detect_farmers` with the days before, as every later day runs.

Each detection is scored against the planted truth. `inputs_mib` is the child's RSS once the inputs are
loaded, `peak_mib` the largest RSS during a stage (inputs included), `baseline_mib` the RSS before the
inputs (the interpreter and its libraries). Prints one JSON object.

    python bench/l2m_farmers.py --users 400000 --days 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import psutil

from gamestats_assets.defs.l2m.transforms import etl, farm_rings, farm_signals, farm_truth
from gamestats_assets.defs.l2m.tables import BY_REF, TABLES, given_in_memory
from gamestats_assets.generator.emitters import l2m

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PeakMemory  # noqa: E402

FIRST_DAY = dt.date(2024, 3, 1)
DETECTED = BY_REF["std/farmers_detected"]
HISTORY = tuple(DETECTED.history)
"""The detection's inputs read over the days before as well (logins, clan changes)."""


def _closure(refs: list[str]) -> set[str]:
    """`refs` and every table they are computed from."""
    needed, stack = set(), list(refs)
    while stack:
        ref = stack.pop()
        if ref not in needed:
            needed.add(ref)
            stack.extend(BY_REF[ref].inputs.values())
    return needed


def _emit(landing: Path, day: dt.date, users: int, seed: int) -> None:
    l2m.emit_day(landing, day, seed=seed, n_users=users)


def _day_tables(folder: Path, day: dt.date, refs: set[str], yesterday: dict[str, pl.DataFrame],
                first_day: dt.date) -> dict:
    """The tables of `refs` for `day` from its landing `folder`, in declaration order; a carried table
    continues `yesterday`'s, and the givens are those of a pipeline adopted on `first_day` (`given_in_memory`)."""
    tables: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        if table.ref not in refs:
            continue
        table = given_in_memory(table, None, first_day)
        frames = {param: tables[BY_REF[ref].frame_name] for param, ref in table.inputs.items()}
        if table.kind == "etl":
            tables[table.frame_name] = table.compute(folder, day).frame
        elif table.kind == "carried":
            tables[table.frame_name] = table.compute(yesterday.get(table.frame_name), day, **frames)
        else:
            tables[table.frame_name] = table.compute(day, **frames)
    return tables


def prepare(landing: Path, inputs: Path, days: list[dt.date], users: int, seed: int) -> dict:
    """Write the detection's inputs of `days[-1]` to `inputs/<param>.parquet` (the `HISTORY` ones over
    every day) and the truth file beside them; the day counts of rows."""
    every_day = [DETECTED.inputs[param] for param in HISTORY]
    carried = [table.ref for table in TABLES if table.kind == "carried" and table.ref in _closure(every_day + [
        ref for ref in DETECTED.inputs.values()])]
    yesterday: dict[str, pl.DataFrame] = {}
    parts: dict[str, list[Path]] = {param: [] for param in DETECTED.inputs}
    for day in days:
        child = multiprocessing.get_context("spawn").Process(target=_emit, args=(landing, day, users, seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"the emitter failed with exit code {child.exitcode}")
        folder = landing / day.isoformat()
        last = day == days[-1]
        refs = _closure(list(DETECTED.inputs.values()) if last else every_day + carried)
        tables = _day_tables(folder, day, refs, yesterday, days[0])
        for param, ref in DETECTED.inputs.items():
            if last or param in HISTORY:
                columns = DETECTED.reads.get(param)
                frame = tables[BY_REF[ref].frame_name]
                path = inputs / f"{param}-{day.isoformat()}.parquet"
                (frame.select(columns) if columns else frame).write_parquet(path)
                parts[param].append(path)
        yesterday = {BY_REF[ref].frame_name: tables[BY_REF[ref].frame_name] for ref in carried}
        if last:
            shutil.copy(folder / l2m.TRUTH_FILE, inputs / l2m.TRUTH_FILE)
        del tables
        shutil.rmtree(folder)
    return {param: [str(path) for path in paths] for param, paths in parts.items()}


def _rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def _scores(detected: pl.DataFrame, truth: Path, active: pl.DataFrame, first_day: bool) -> dict:
    """The detection against the planted truth; on the first day of a history the kinds that need the days
    before (`farm_truth.NEEDS_HISTORY`) are not scored."""
    farms = farm_truth.planted_farm_accounts(truth)
    if first_day:
        day = active["date"].max()
        detected, active = (farm_truth.without_unscorable(frame, farms, [day]) for frame in (detected, active))
    scores = farm_truth.detection_scores(detected, farms, farm_truth.planted_decoy_accounts(truth), active)
    return {"detected": detected.height, "passes": farm_truth.detection_passes(scores),
            **{f"{row['kind']}_recall": round(row["recall"], 4) for row in scores.iter_rows(named=True)},
            **{f"{row['kind']}_precision": round(row["precision"], 4) for row in scores.iter_rows(named=True)},
            "decoys_flagged": int(scores["decoys_flagged"][0])}


def detect(parts: dict[str, list[str]], truth: Path) -> dict:
    """Load the inputs as the asset gets them and time each detection (module docstring)."""
    baseline = _rss_mib()
    frames = {param: pl.concat([pl.read_parquet(path) for path in paths], how="vertical_relaxed")
              for param, paths in parts.items()}
    day = frames["active"]["date"].max()
    login = frames["login"]
    results: dict = {"baseline_mib": round(baseline), "inputs_mib": round(_rss_mib()), "active_users": frames["active"].height,
                     "login_rows": login.filter(pl.col("date") == day).height,
                     "history_login_rows": login.filter(pl.col("date") < day).height}
    with PeakMemory() as memory:
        memory.new_window()
        started = time.perf_counter()
        activity = farm_signals.account_activity(frames["active"], frames["logout"], frames["item_gain"],
                                                 etl.diamonds(frames["money_gain"]))
        rings = farm_rings.detect_rings(activity, login.lazy().select("user_id", "event_time", "ip"),
                                        frames["recharge"], frames["money_gain"].filter(pl.col("date") == day),
                                        frames["clan_change"])
        results["rings_alone"] = {"seconds": round(time.perf_counter() - started, 2),
                                  "peak_mib": round(memory.window_peak_mib),
                                  "ring_candidates": farm_rings.ring_candidates(activity).height,
                                  "ring_accounts": rings.height, "rings": rings["farm_key"].n_unique()}
        del activity, rings
        for name, history in {"without_history": False, "with_history": True}.items():
            memory.new_window()
            started = time.perf_counter()
            detected = DETECTED.compute(day, **{
                param: frame if history or param not in HISTORY else frame.filter(pl.col("date") == day)
                for param, frame in frames.items()})
            seconds = time.perf_counter() - started
            results[name] = {"seconds": round(seconds, 2), "peak_mib": round(memory.window_peak_mib),
                             **_scores(detected, truth, frames["active"], first_day=not history)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detect", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.detect:
        print(json.dumps(detect(json.loads((args.detect / "parts.json").read_text()), args.detect / l2m.TRUTH_FILE)))
        return
    if args.days < 2:
        parser.error("--days must be at least 2: the last day is detected with the days before as history")
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(args.days)]
    with tempfile.TemporaryDirectory(prefix="l2m_farmers_") as work:
        landing, inputs = Path(work) / "landing", Path(work) / "inputs"
        landing.mkdir()
        inputs.mkdir()
        started = time.perf_counter()
        parts = prepare(landing, inputs, days, args.users, args.seed)
        prepare_seconds = time.perf_counter() - started
        (inputs / "parts.json").write_text(json.dumps(parts))
        child = subprocess.run([sys.executable, __file__, "--detect", str(inputs)], capture_output=True, text=True,
                               check=True)
        results = json.loads(child.stdout)
    print(json.dumps({"benchmark": "l2m_farmers", "users": args.users, "days": args.days, "seed": args.seed,
                      "prepare_seconds": round(prepare_seconds, 1), **results}))


if __name__ == "__main__":
    main()
