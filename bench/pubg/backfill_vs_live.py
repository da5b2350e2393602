"""PUBG: live matches landing while a tracked player's 90-match backfill runs, under `gamestats dev`'s daemon.

A production-like data folder in a temporary directory (files only, `GAMESTATS_SOURCE=files`; a PostgreSQL
database of its own, `gamestats_bench_backfill_vs_live`) and `gamestats dev` (webserver and daemon) on it. Prepared
first, not measured: `--history` full-size public squad matches (100 players, 35 000-45 000 telemetry events each;
emitted once and kept in `--cache`) in each of which the same `--players` players took part (one by default),
played over the last `--history` days, dropped into landing and run by the daemon, those players not tracked yet.

Then, measured, twice with `--live` other full-size matches each, dropped into landing one every `--interval`
seconds (as a tournament's lobbies land; the landing sensor, which looks every 30 s, runs them as it runs any match):
1. `alone`: nothing else to do;
2. `during_backfill`: the players are added to `pubg.players`, and the matches are dropped once the first
   backfill the sensor `pubg_newly_tracked_players` submits for a player's history has its run started (with
   several players, their backfills run one after the other in the background lane).
For each live match: the seconds from landing to published (its rows in `pubg.match_summaries`, polled every
0.25 s), and of the run that took it (the landing sensor may take two matches in one run) from queued to started
and from started to ended. Each backfill's runs (queued, started, ended), and how many live matches were landing
or running while a backfill's run was going.

Prints one JSON object: the figures of both, their median and largest, the machine's cores and load average
(`/proc/loadavg`) at start and end, and the commit. Progress goes to stderr. Run it alone on the machine.

    python bench/pubg/backfill_vs_live.py                      # 90 matches of history, 6 live matches each time
    python bench/pubg/backfill_vs_live.py --players 8          # 8 players' backfills, one after the other
    python bench/pubg/backfill_vs_live.py --history 10 --live 2  # a short run

PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import dagster as dg
import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from common import admin_url, bench_database, drop_database  # noqa: E402
from gamestats_assets_tests.e2e.dev import Dev, wait_until  # noqa: E402
from gamestats_assets_tests.loopback import free_port  # noqa: E402

DATABASE = "gamestats_bench_backfill_vs_live"
SEED = 11
PLAYER_PREFIX = "account.be0cbac4f111"
EMITTED_AT = dt.datetime(2026, 5, 1, 18, tzinfo=dt.UTC)
"""When the emitted matches say they were played; each is moved to its day of the history as it lands."""
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "gamestats_bench_backfill_vs_live"
POLL_SECONDS = 0.25
MEASURES = ("alone", "during_backfill")


def match_id(kind: int, number: int) -> str:
    """A UUID ending in the match's number: kind 1 and 2 the live matches of each measure, 100 + n the history of
    n players."""
    return f"bf0c{kind:04d}-0000-4000-8000-{number:012d}"


def players(count: int) -> list[str]:
    """The account ids of the `count` players of the history."""
    return [f"{PLAYER_PREFIX}{n:020x}" for n in range(count)]


def emit_one(match: str, tracked: int, cache: Path) -> None:
    """Emit `match` into `cache` (`matches/`, `telemetry/`) unless it is there already: a public squad match, with
    the first `tracked` of `players` in its first teams, four a team."""
    from gamestats_assets.generator.emitters.pubg import Player, emit_match, public_match_plan, write_match

    if (cache / "telemetry" / f"{match}.json.gz").exists():
        return
    plan = public_match_plan(match, EMITTED_AT, SEED)
    teams = list(plan.teams)
    for n, account in enumerate(players(tracked)):
        team = teams[n // 4]
        seats = list(team.players)
        seats[n % 4] = Player(account, f"Tracked{n}")
        teams[n // 4] = dataclasses.replace(team, players=tuple(seats))
    plan = dataclasses.replace(plan, teams=tuple(teams))
    staged = Path(tempfile.mkdtemp(prefix=f".{match}-", dir=cache))
    for path in write_match(emit_match(plan, SEED), staged):
        (cache / path.parent.name).mkdir(exist_ok=True)
        path.rename(cache / path.parent.name / path.name)
    shutil.rmtree(staged)


def emit(matches: dict[str, int], cache: Path) -> None:
    """Emit every match of `matches` (id → how many of `players` play it) the cache lacks, in worker processes."""
    cache.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(emit_one, list(matches), list(matches.values()), [cache] * len(matches)))


def land(match: str, cache: Path, landing: Path, played_at: dt.datetime) -> float:
    """Drop `match` into `landing` as played at `played_at`: its telemetry first, then its match object (each
    written beside and renamed in, as a download completes); the time it landed (`time.time()`)."""
    for kind, suffix in (("telemetry", ".json.gz"), ("matches", ".json")):
        (landing / kind).mkdir(parents=True, exist_ok=True)
        body = (cache / kind / f"{match}{suffix}").read_bytes()
        if kind == "matches":
            document = json.loads(body)
            document["data"]["attributes"]["createdAt"] = played_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            body = json.dumps(document).encode()
        partial = landing / kind / f".{match}{suffix}.part"
        partial.write_bytes(body)
        partial.rename(landing / kind / f"{match}{suffix}")
    return time.time()


def published(pg_url: str, matches: list[str]) -> set[str]:
    """Those of `matches` whose rows `pubg.match_summaries` holds."""
    try:
        with psycopg.connect(pg_url) as conn:
            return {m for (m,) in conn.execute("SELECT DISTINCT match_id FROM pubg.match_summaries WHERE match_id = "
                                               "ANY(%s)", (matches,)).fetchall()}
    except psycopg.errors.UndefinedTable:
        return set()


def runs_settled(instance: dg.DagsterInstance) -> bool:
    return all(run.is_finished for run in instance.get_runs(limit=200))


def load_average() -> list[float]:
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def timed(record) -> dict:
    """A run's record as the report gives it: status, when it was queued, started and ended, and its seconds."""
    queued, started, ended = record.create_timestamp.timestamp(), record.start_time, record.end_time
    return {"run_id": record.dagster_run.run_id, "status": record.dagster_run.status.value, "queued_at": queued,
            "started_at": started, "ended_at": ended,
            "queued_seconds": round(started - queued, 2) if started else None,
            "run_seconds": round(ended - started, 2) if started and ended else None}


def run_of(instance: dg.DagsterInstance, match: str) -> dict | None:
    """The landing run that took `match` (`timed`): tagged with it as its partition, or with a range of partitions
    (in the order the sensor added them) that holds it; None when there is none."""
    order = {key: n for n, key in enumerate(instance.get_dynamic_partitions("pubg_match"))}
    for record in instance.get_run_records(dg.RunsFilter(tags={"discovered_by": "landing"}), limit=100):
        tags = record.dagster_run.tags
        first = tags.get("dagster/asset_partition_range_start", tags.get("dagster/partition"))
        last = tags.get("dagster/asset_partition_range_end", tags.get("dagster/partition"))
        if first in order and last in order and order[first] <= order.get(match, -1) <= order[last]:
            return timed(record)
    return None


def live_matches(kind: int, args, cache: Path, landing: Path, pg_url: str, instance, dev: Dev) -> list[dict]:
    """Drop `args.live` matches of `kind` one every `args.interval` seconds and follow each until published."""
    matches = [match_id(kind, n) for n in range(args.live)]
    landed: dict[str, float] = {}
    seen: dict[str, float] = {}
    next_at = time.time()
    deadline = None
    while len(seen) < len(matches):
        now = time.time()
        if len(landed) < len(matches) and now >= next_at:
            match = matches[len(landed)]
            landed[match] = land(match, cache, landing, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=35))
            print(f"landed live match {len(landed)}/{len(matches)}", file=sys.stderr)
            next_at = landed[match] + args.interval
            if len(landed) == len(matches):
                deadline = time.time() + args.timeout
        for match in published(pg_url, [m for m in landed if m not in seen]):
            seen[match] = time.time()
        if deadline and time.time() > deadline:
            print(f"timed out: {len(matches) - len(seen)} live matches not published; dev said:\n{dev.tail()}",
                  file=sys.stderr)
            break
        time.sleep(POLL_SECONDS)
    wait_until(lambda: runs_settled(instance), args.timeout, "the live matches' runs to end", dev)
    return [{"match_id": m, "landed_at": landed[m],
             "landing_to_published_seconds": round(seen[m] - landed[m], 2) if m in seen else None,
             "run": run_of(instance, m)} for m in matches]


def summary(matches: list[dict]) -> dict:
    """Median and largest of the matches' seconds from landing to published, and of their runs' queue wait."""
    def spread(values: list[float]) -> dict:
        return {"median": round(statistics.median(values), 2), "max": round(max(values), 2)} if values else {}

    return {"landing_to_published_seconds": spread([m["landing_to_published_seconds"] for m in matches
                                                    if m["landing_to_published_seconds"] is not None]),
            "queued_seconds": spread([m["run"]["queued_seconds"] for m in matches
                                      if m["run"] and m["run"]["queued_seconds"] is not None]),
            "published": sum(m["landing_to_published_seconds"] is not None for m in matches)}


def backfills_of(instance: dg.DagsterInstance, accounts: list[str]) -> list:
    from gamestats_assets.lib.intake.tracking import PLAYER_TAG

    return [b for b in instance.get_backfills() if b.tags.get(PLAYER_TAG) in accounts]


def backfill_figures(instance: dg.DagsterInstance, accounts: list[str], live: list[dict]) -> dict:
    """The players' backfills: each one's status, tags and runs (queued, started, ended, seconds), and the live
    matches that were landing or running while a backfill's run was going."""
    backfills = [{"backfill_id": b.backfill_id, "status": b.status.value, "tags": dict(b.tags), "runs": [
        timed(record) for record in instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": b.backfill_id}))]}
        for b in sorted(backfills_of(instance, accounts), key=lambda b: b.backfill_timestamp)]
    spans = [(r["started_at"], r["ended_at"] or time.time()) for b in backfills for r in b["runs"] if r["started_at"]]
    overlapping = [m["match_id"] for m in live if any(
        start <= m["landed_at"] + (m["landing_to_published_seconds"] or 0) and m["landed_at"] <= end
        for start, end in spans)]
    started = [start for start, _ in spans]
    return {"backfills": backfills, "live_matches_while_one_ran": len(overlapping),
            "background_lane_busy_seconds": round(max(end for _, end in spans) - min(started), 1) if spans else None}


def run_started(instance: dg.DagsterInstance, accounts: list[str]) -> bool:
    return any(run.status in (dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.SUCCESS)
               for b in backfills_of(instance, accounts)
               for run in instance.get_runs(dg.RunsFilter(tags={"dagster/backfill": b.backfill_id})))


def measure(args, cache: Path, work: Path, pg_url: str, dev: Dev) -> dict:
    landing = work / "data" / "landing" / "pubg"
    history = [match_id(100 + args.players, n) for n in range(args.history)]
    accounts = players(args.players)
    today = dt.datetime.now(dt.UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    dev.start()
    instance = dev.instance()
    started = time.monotonic()
    for day, match in enumerate(history, start=1):
        land(match, cache, landing, today - dt.timedelta(days=day))
    wait_until(lambda: len(published(pg_url, history)) == len(history), args.timeout * 4,
               f"the {len(history)} history matches to be published", dev)
    wait_until(lambda: runs_settled(instance), args.timeout, "the history's runs to end", dev)
    report: dict = {"history": {"matches": len(history), "seconds_to_publish": round(time.monotonic() - started, 1)}}
    print(f"history published in {report['history']['seconds_to_publish']} s", file=sys.stderr)

    report["alone"] = live_matches(1, args, cache, landing, pg_url, instance, dev)
    with psycopg.connect(pg_url) as conn:
        conn.cursor().executemany("INSERT INTO pubg.players (player_id) VALUES (%s)", [(a,) for a in accounts])
    added = time.monotonic()
    wait_until(lambda: run_started(instance, accounts), args.timeout, "a backfill's run to start", dev)
    report["backfill_started_seconds_after_the_players_were_added"] = round(time.monotonic() - added, 1)
    report["during_backfill"] = live_matches(2, args, cache, landing, pg_url, instance, dev)
    wait_until(lambda: len(backfills_of(instance, accounts)) == len(accounts) and all(
        b.status.value not in ("REQUESTED", "CANCELING") for b in backfills_of(instance, accounts)),
        args.timeout * 4, "the backfills to end", dev)
    wait_until(lambda: runs_settled(instance), args.timeout, "every run to end", dev)
    report["backfill"] = backfill_figures(instance, accounts, report["during_backfill"])
    with psycopg.connect(pg_url) as conn:
        report["backfill"]["matches_built_per_player"] = dict(conn.execute(
            "SELECT player_id, count(*) FROM pubg.player_backfill_status WHERE player_id = ANY(%s) GROUP BY 1",
            (accounts,)).fetchall())
    report["summary"] = {name: summary(report[name]) for name in MEASURES}
    return report


def commit() -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history", type=int, default=90, help="matches of the tracked players' history")
    parser.add_argument("--players", type=int, default=1, choices=range(1, 101), metavar="1..100",
                        help="players of the history, each tracked with a backfill of their own")
    parser.add_argument("--live", type=int, default=6, help="live matches dropped in each measure")
    parser.add_argument("--interval", type=float, default=15, help="seconds between two live matches")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for each step")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where emitted matches are kept")
    parser.add_argument("--keep", action="store_true", help="keep the data folder, log and database")
    args = parser.parse_args()
    report: dict = {"benchmark": "pubg_backfill_vs_live", "commit": commit(), "history_matches": args.history,
                    "tracked_players": args.players,
                    "live_matches": args.live, "interval_seconds": args.interval,
                    "machine": {"cores": os.cpu_count(), "load_average_at_start": load_average()}}
    emit({**{match_id(100 + args.players, n): args.players for n in range(args.history)},
          **{match_id(kind, n): 0 for kind in (1, 2) for n in range(args.live)}}, args.cache)
    admin = admin_url()
    pg_url = bench_database(admin, DATABASE)
    work = Path(tempfile.mkdtemp(prefix="bench_backfill_vs_live_"))
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(work / "data"), GAMESTATS_PG_URL=pg_url, GAMESTATS_SOURCE="files",
               GAMESTATS_START_DATE=(dt.date.today() - dt.timedelta(days=1)).isoformat())
    dev = Dev(env, free_port(), work / "dev.log")
    try:
        with contextlib.redirect_stdout(sys.stderr):
            try:
                report.update(measure(args, args.cache, work, pg_url, dev))
            finally:
                dev.stop()
    finally:
        report["machine"]["load_average_at_end"] = load_average()
        if args.keep:
            report["kept"] = {"folder": str(work), "database": DATABASE}
        else:
            shutil.rmtree(work, ignore_errors=True)
            drop_database(admin, DATABASE)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
