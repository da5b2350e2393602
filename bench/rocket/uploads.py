"""RocketTrainer uploads as a user sees them: real replays uploaded through the API while `gamestats dev` runs them.

A production-like data folder in a temporary directory (files only, `GAMESTATS_SOURCE=files`; history starting
yesterday, `GAMESTATS_START_DATE`; a PostgreSQL database of its own, `gamestats_bench_uploads`), `gamestats dev`
(webserver and daemon) and `gamestats serve` beside it, each on a free port. Once the daemon's
`rocket_landing_sensor` has ticked, `--replays-count` distinct real raw replays are sent to
`POST /api/v1/rocket/replays/upload`, one every `3600 / --rate` seconds (each from a client of its own, as
players upload), and each accepted one is asked for on `GET /api/v1/rocket/replays/{id}` every second until it is served (`processed` with its players' stats, or with no player when its header names none), failed
(`failed`, or a 404 for an upload accepted and then refused) or `--timeout` seconds passed after the last upload.

With `--bulk N`, about N synthetic ballchasing replays (`emit_day`) are first written into today's landing folder,
the daemon runs that day, and only then are the uploads (by default one) sent: what one more replay costs in a
full day.

Prints one JSON object: the rate and the replay count; per upload the seconds its upload took to be answered and
from upload to served; p50, p95 (nearest rank) and max of both overall and for the last tenth of the uploads
(`answer_seconds`, `upload_to_served_seconds` and their `last_tenth_`); served, failed, refused and unresolved
counts; the daemon's `rocket_daily` runs (when queued, launched, started, published and ended, their slowest steps,
what their ETL said of the replays' parse, what a run costs beside its parse, and runs of the same partition that
overlapped); the runs of other jobs; the machine's cores and load average; whether the target held (`target_met`:
every upload served or refused with its reason within 30 s, none failed or unresolved, p95 of all and of the last
tenth ≤ 30 s) and whether the uploads were answered in time
(`answer_target_met`: p95 of all and of the last tenth ≤ 1 s); and the CPU seconds the platform's processes used
from the first upload until the runs ended, by stage, in total and per replay (`cpu_seconds_by_stage`,
`cpu_seconds_per_replay_by_stage`: see `process_cpu.py`), beside what the cores offered in that time
(`cpu_seconds_available`, `cpu_fraction_used`). Progress goes to stderr.

    python bench/rocket/uploads.py                                  # 100 replays at 1,000 an hour
    python bench/rocket/uploads.py --replays-count 10 --rate 3600   # a short run
    python bench/rocket/uploads.py --bulk 5000                      # one upload into a day of 5,000 replays
    python bench/rocket/uploads.py --replays ~/replays              # more real replays than the project's

Real replays come from the project (`data/reference/rocket/replays`, the test fixtures'
`gamestats_assets_tests/fixtures/rocketleague/**/*.replay`) and `--replays DIR` (searched recursively); nothing
is downloaded. Replays are told apart by their header's match id (by content when the header is unreadable, such
a file being refused at upload), and sent in an order shuffled by `--seed`. PostgreSQL: GAMESTATS_PG_URL (an admin
URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import httpx
from dagster._core.storage.tags import GRPC_INFO_TAG
import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from common import admin_url, bench_database, drop_database  # noqa: E402
from process_cpu import StageCpu, platform_trees  # noqa: E402
from gamestats_assets.lib.deploy.run_health import run_process  # noqa: E402
from gamestats_assets_tests.e2e.dev import Dev, Serve, wait_until  # noqa: E402
from gamestats_assets_tests.e2e.site import ticks  # noqa: E402
from gamestats_assets_tests.loopback import free_port  # noqa: E402

PROJECT_REPLAYS = (ROOT / "data" / "reference" / "rocket" / "replays",
                   ROOT / "gamestats_assets_tests" / "fixtures" / "rocketleague")
DATABASE = "gamestats_bench_uploads"
JOB = "rocket_daily"
SENSOR = "rocket_landing_sensor"
POLL_SECONDS = 1.0
CLIENTS = 32
"""Uploads in flight at once at most: players upload independently, each waiting for their own answer."""
TARGET_SECONDS = 30
"""The RocketTrainer document's target: a replay served within 30 s of its upload while 1,000 an hour arrive."""
ANSWER_TARGET_SECONDS = 1.0
"""The longest a player should wait for the upload's own answer (the 202 with the replay's id), at p95."""
REQUESTS_PER_MINUTE = 1_000_000
"""The serve's per-client budget in the benchmark: the bench asks for every pending replay each second from one
address, which the default budget (600 a minute) would answer with 429s."""


@dataclass
class Upload:
    """One replay sent: when (`sent`, seconds after the first upload was due), the upload's answer, and its fate."""

    path: Path
    sent: float
    upload_seconds: float
    status_code: int | None
    replay_id: str | None = None
    refusal: str | None = None
    outcome: str | None = None
    """`served`, `served_without_players` (published, its header naming no player and its stream unreadable, the
    reason said), `failed`, `refused` or, when the bench gave up waiting, `unresolved`."""
    settled_seconds: float | None = None
    """Seconds from the upload until the bench saw it served or failed."""
    reason: str | None = None

    def as_dict(self) -> dict:
        settled = {f"upload_to_{self.outcome}_seconds": self.settled_seconds} if self.settled_seconds else {}
        return {"file": self.path.name, "id": self.replay_id, "sent_at": round(self.sent, 1),
                "upload_seconds": round(self.upload_seconds, 2), "http": self.status_code, "outcome": self.outcome,
                **settled, "reason": self.reason or self.refusal}


def real_replays(folders: list[Path], count: int, seed: int) -> tuple[list[Path], int, int]:
    """`count` of the distinct whole raw replays under `folders` (by their header's match id), in an order shuffled
    by `seed`; how many distinct ones there were; and how many files were left out as no whole replay (a header that
    does not read, sections cut short or not matching their CRCs: files the upload refuses, as its tests show)."""
    from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone
    from gamestats_assets.sources.replays.sections import DamagedReplay, check_sections

    distinct: dict[str, Path] = {}
    broken = 0
    for path in sorted(p for folder in folders for p in folder.rglob("*.replay") if p.is_file()):
        try:
            key = read_header_alone(path).match_id.lower()
            check_sections(path.read_bytes())
        except (ReplayParseError, DamagedReplay):
            broken += 1
            continue
        distinct.setdefault(key, path)
    chosen = list(distinct.values())
    random.Random(seed).shuffle(chosen)
    if len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} distinct whole real replays, {count} asked: give more with --replays DIR")
    return chosen[:count], len(chosen), broken


def environment(data_dir: Path, pg_url: str, start: dt.date) -> dict[str, str]:
    """The environment of `gamestats dev` and `gamestats serve`: this one without any GAMESTATS_ or DAGSTER_
    setting, then the benchmark's data folder, database, files-only source and first day."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(data_dir), GAMESTATS_PG_URL=pg_url, GAMESTATS_SOURCE="files",
               GAMESTATS_START_DATE=start.isoformat(), GAMESTATS_API_REQUESTS_PER_MINUTE=str(REQUESTS_PER_MINUTE))
    return env


def emit_bulk(landing: Path, day: dt.date, replays: int, seed: int) -> int:
    """About `replays` synthetic ballchasing replays written into `landing/<day>/synthetic/` by the emitter, its
    population sized from the replays per player of a 1,000-player day; how many it wrote."""
    from gamestats_assets.generator.emitters.rocket import emit_day, generate_replays

    probe = 1000
    per_player = len(generate_replays(day, seed=seed, n_players=probe, anchor=day)) / probe
    return emit_day(landing, day, seed=seed, n_players=math.ceil(replays / per_player))["replays"]


def runs_of(instance: dg.DagsterInstance, day: str) -> list[dg.DagsterRun]:
    return instance.get_runs(filters=dg.RunsFilter(job_name=JOB, tags={"dagster/partition": day}))


def day_run_settled(instance: dg.DagsterInstance, day: str) -> bool:
    """Whether `day` had a `rocket_daily` run and none of its runs is still queued or going."""
    runs = runs_of(instance, day)
    return bool(runs) and all(run.is_finished for run in runs)


def runs_ended(instance: dg.DagsterInstance, seconds: float) -> bool:
    """Whether every `rocket_daily` run ended within `seconds` (asked every two seconds)."""
    deadline = time.monotonic() + seconds
    while True:
        if all(run.is_finished for run in instance.get_runs(filters=dg.RunsFilter(job_name=JOB))):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(2)


def sensor_ticked(dev: Dev) -> bool:
    return bool(ticks(dev).get(SENSOR))


class LoadAverage:
    """The 1-minute load average, sampled by `sample()`; its first, largest and last values."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def sample(self) -> None:
        self.samples.append(os.getloadavg()[0])

    def as_dict(self) -> dict:
        if not self.samples:
            return {}
        return {"first": round(self.samples[0], 1), "max": round(max(self.samples), 1),
                "last": round(self.samples[-1], 1)}


def send_one(api: httpx.Client, path: Path, number: int, count: int, started: float, sent: list[Upload],
             lock: threading.Lock) -> None:
    """Upload `path` now and append what became of it to `sent`."""
    body = path.read_bytes()
    at = time.monotonic()
    try:
        answer = api.post("/api/v1/rocket/replays/upload", content=body)
    except httpx.HTTPError as error:
        upload = Upload(path, at - started, time.monotonic() - at, None, refusal=f"{type(error).__name__}: {error}",
                        outcome="refused")
    else:
        upload = Upload(path, at - started, time.monotonic() - at, answer.status_code)
        if answer.status_code == 202:
            upload.replay_id = answer.json()["id"]
        else:
            upload.outcome, upload.refusal = "refused", answer.text[:300]
    with lock:
        sent.append(upload)
    print(f"{upload.sent:7.1f} s  upload {number + 1}/{count} {path.name}: {upload.status_code} "
          f"({upload.upload_seconds:.1f} s)", file=sys.stderr)


def send_all(api: httpx.Client, replays: list[Path], interval: float, started: float, sent: list[Upload],
             lock: threading.Lock) -> None:
    """Send `replays` one every `interval` seconds from `started` (monotonic), each from a client of its own as
    players upload (one that waits for its answer delays no other), appending each to `sent`."""
    with ThreadPoolExecutor(CLIENTS) as clients:
        for number, path in enumerate(replays):
            time.sleep(max(0.0, started + number * interval - time.monotonic()))
            clients.submit(send_one, api, path, number, len(replays), started, sent, lock)


def fate(api: httpx.Client, upload: Upload, started: float) -> None:
    """Ask for `upload` once; settle its outcome when it is served, refused by its parse after the answer, or
    failed."""
    answer = api.get(f"/api/v1/rocket/replays/{upload.replay_id}")
    elapsed = round(time.monotonic() - started - upload.sent, 1)
    if answer.status_code == 404:
        upload.outcome, upload.settled_seconds, upload.reason = "failed", elapsed, f"404: {answer.json()['detail']}"
        return
    answer.raise_for_status()
    data = answer.json()["data"]
    if data["status"] in ("failed", "refused"):
        upload.outcome, upload.settled_seconds, upload.reason = data["status"], elapsed, data.get("reason")
    elif data["status"] == "processed" and any(player["stats"] for player in data["players"]):
        upload.outcome, upload.settled_seconds = "served", elapsed
        print(f"{upload.sent + elapsed:7.1f} s  served {upload.replay_id} after {elapsed} s", file=sys.stderr)
    elif data["status"] == "processed" and not data["players"]:
        upload.outcome, upload.settled_seconds = "served_without_players", elapsed
        upload.reason = data.get("frames_null_reason") or "published with no player"
        print(f"{upload.sent + elapsed:7.1f} s  served {upload.replay_id} without players after {elapsed} s",
              file=sys.stderr)


def upload_and_follow(api_url: str, token: str, replays: list[Path], interval: float, timeout: float,
                      load: LoadAverage) -> tuple[list[Upload], dict[str, int]]:
    """Every replay of `replays` uploaded on its schedule (a thread of its own) and followed until its fate is
    known, or until `timeout` seconds after the last upload, in the order sent; and the errors met asking for
    them (an answer that is neither 200 nor 404, a timeout), by message, which leave a replay's fate pending."""
    headers = {"Authorization": f"Bearer {token}"}
    sent: list[Upload] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    started = time.monotonic()
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as sender, \
            httpx.Client(base_url=api_url, headers=headers, timeout=60) as follower:
        sender_thread = threading.Thread(target=send_all, args=(sender, replays, interval, started, sent, lock))
        sender_thread.start()
        deadline = None
        while True:
            with lock:
                pending = [upload for upload in sent if upload.outcome is None]
            if not sender_thread.is_alive() and not pending:
                break
            if not sender_thread.is_alive():
                deadline = deadline or time.monotonic() + timeout
                if time.monotonic() > deadline:
                    for upload in pending:
                        upload.outcome = "unresolved"
                    break
            for upload in pending:
                try:
                    fate(follower, upload, started)
                except httpx.HTTPError as error:
                    errors[f"{type(error).__name__}: {error}"[:200]] += 1
            load.sample()
            time.sleep(POLL_SECONDS)
        sender_thread.join()
    return sorted(sent, key=lambda upload: upload.sent), dict(errors)


def percentiles(seconds: list[float]) -> dict:
    """p50, p95 (nearest rank: the smallest value with at least that share of values at or below it) and max."""
    if not seconds:
        return {"n": 0}
    ordered = sorted(seconds)

    def rank(share: float) -> float:
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    return {"n": len(ordered), "p50": rank(0.5), "p95": rank(0.95), "max": ordered[-1]}


ETL_STEP, PUBLISH_STEP = "etl_replays", "rocket__postgres__daily"
PARSE_FIGURES = ("files_parsed", "replays_parse_seconds", "replays_parse_cpu_seconds")


def parse_figures(instance: dg.DagsterInstance, run_id: str) -> dict:
    """What a `rocket_daily` run's ETL said of its replays' parse (`PARSE_FIGURES`, from `etl/matches`'
    materialization); empty for another job's run."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    for record in records:
        materialization = record.event_log_entry.dagster_event.event_specific_data.materialization
        if materialization.asset_key.path[-2:] == ["etl", "matches"]:
            return {name: materialization.metadata[name].value for name in PARSE_FIGURES
                    if name in materialization.metadata}
    return {}


def timed_runs(instance: dg.DagsterInstance, origin: float) -> list[dict]:
    """Every run of the instance: its job, partition, status, when it was queued, launched (taken off the queue,
    its process started), started (its definitions loaded), published (its publish step ended) and ended, in seconds
    after `origin` (a Unix time; from its run record, run stats and step stats), its three slowest steps, and what
    its ETL said of the replays' parse (`parse_figures`)."""
    def at(moment: float | None) -> float | None:
        return round(moment - origin, 1) if moment else None

    found = []
    for record in instance.get_run_records(ascending=True):
        run = record.dagster_run
        stats = instance.get_run_stats(run.run_id)
        step_stats = instance.get_run_step_stats(run.run_id)
        steps = sorted(((step.step_key, step.end_time - step.start_time)
                        for step in step_stats if step.start_time and step.end_time), key=lambda step: -step[1])
        published = next((step.end_time for step in step_stats if step.step_key == PUBLISH_STEP), None)
        found.append({"run_id": run.run_id, "job": run.job_name, "partition": run.tags.get("dagster/partition"),
                      "status": run.status.value, "launched_by": "code server" if GRPC_INFO_TAG in run.tags
                      else "warm fork", "queued_at": at(record.create_timestamp.timestamp()),
                      "launched_at": at(stats.launch_time), "started_at": at(stats.start_time),
                      "published_at": at(published), "ended_at": at(stats.end_time),
                      "seconds": round(stats.end_time - stats.start_time, 1)
                      if stats.start_time and stats.end_time else None,
                      "slowest_steps": {key: round(seconds, 1) for key, seconds in steps[:3]},
                      **parse_figures(instance, run.run_id)})
    return found


def run_costs(runs: list[dict]) -> dict:
    """What the `rocket_daily` runs that parsed replays cost, summed: replays parsed, the parse's CPU seconds per
    replay, and per run the seconds from queued to launched, launched to started (the run's process and the
    definitions' load), and the run's seconds beside its replays' parse (its fixed cost), each a mean."""
    parsing = [run for run in runs if run.get("files_parsed") and run["seconds"] is not None
               and run["launched_at"] is not None and run["started_at"] is not None]
    if not parsing:
        return {"runs": 0}
    replays = sum(run["files_parsed"] for run in parsing)
    parse_cpu = sum(run["replays_parse_cpu_seconds"] for run in parsing)

    def mean(values) -> float | None:
        values = list(values)
        return round(sum(values) / len(values), 1) if values else None

    return {"runs": len(parsing), "replays_parsed": replays,
            "parse_cpu_seconds_per_replay": round(parse_cpu / replays, 2),
            "queued_to_launched_seconds": mean(run["launched_at"] - run["queued_at"] for run in parsing),
            "launched_to_started_seconds": mean(run["started_at"] - run["launched_at"] for run in parsing),
            "run_seconds_beside_the_parse": mean(run["seconds"] - run["replays_parse_seconds"] for run in parsing),
            "started_to_published_seconds": mean(run["published_at"] - run["started_at"] for run in parsing
                                                 if run["published_at"] is not None)}


def overlaps(runs: list[dict]) -> list[list[str]]:
    """The pairs of runs of the same partition whose start-to-end spans overlap (a run not ended lasts on)."""
    pairs = []
    started = sorted((run for run in runs if run["started_at"] is not None), key=lambda run: run["started_at"])
    for number, first in enumerate(started):
        for second in started[number + 1:]:
            if first["partition"] == second["partition"] and (first["ended_at"] is None
                                                                or second["started_at"] < first["ended_at"]):
                pairs.append([first["run_id"], second["run_id"]])
    return pairs


def runs_summary(instance: dg.DagsterInstance, origin: float) -> dict:
    """The `rocket_daily` runs (`timed_runs`): how many, their statuses, durations and overlaps; and the runs of
    the other jobs (the snapshots' automation among them), which share the machine with them."""
    every = timed_runs(instance, origin)
    runs = [run for run in every if run["job"] == JOB]
    return {"count": len(runs), "statuses": dict(Counter(run["status"] for run in runs)), "costs": run_costs(runs),
            "seconds": [run["seconds"] for run in runs if run["seconds"] is not None],
            "overlapping_pairs_same_partition": overlaps(runs), "runs": runs,
            "other_runs": [run for run in every if run["job"] != JOB]}


def outcome_summary(uploads: list[Upload]) -> dict:
    """Counts by outcome; upload → served seconds overall and for the last tenth of the uploads sent (of the served
    ones: see the counts for the others); and whether the target held: every upload settled (served, or refused
    after its 202 with the reason on its page, within `TARGET_SECONDS`; none failed or left unresolved), the p95 of
    the served of all and of the last tenth within `TARGET_SECONDS` (a game published without players counts as
    settled, not in the percentiles). The same for the upload's own answer (every upload, whatever its answer),
    against `ANSWER_TARGET_SECONDS`."""
    last = uploads[-math.ceil(len(uploads) / 10):] if uploads else []
    answer = percentiles([round(upload.upload_seconds, 2) for upload in uploads])
    last_answer = percentiles([round(upload.upload_seconds, 2) for upload in last])
    overall = percentiles([upload.settled_seconds for upload in uploads if upload.outcome == "served"])
    latest = percentiles([upload.settled_seconds for upload in last if upload.outcome == "served"])
    counts = {outcome: sum(upload.outcome == outcome for upload in uploads)
              for outcome in ("served", "served_without_players", "failed", "refused", "unresolved")}
    return {"counts": counts, "upload_to_served_seconds": overall, "last_tenth_upload_to_served_seconds": latest,
            "target_p95_seconds": TARGET_SECONDS,
            "target_met": bool(uploads) and counts["failed"] == counts["unresolved"] == 0
            and all(upload.settled_seconds <= TARGET_SECONDS for upload in uploads if upload.outcome == "refused")
            and overall["p95"] <= TARGET_SECONDS and latest["p95"] <= TARGET_SECONDS,
            "answer_seconds": answer, "last_tenth_answer_seconds": last_answer,
            "answer_target_p95_seconds": ANSWER_TARGET_SECONDS,
            "answer_target_met": bool(uploads) and answer["p95"] <= ANSWER_TARGET_SECONDS
            and last_answer["p95"] <= ANSWER_TARGET_SECONDS}


def publish_windows(instance: dg.DagsterInstance) -> list[tuple[int, float, float]]:
    """Per `rocket_daily` run whose publish step ended: its process's pid and the step's start and end."""
    windows = []
    for run in instance.get_runs(filters=dg.RunsFilter(job_name=JOB)):
        process = run_process(instance, run.run_id)
        step = next((step for step in instance.get_run_step_stats(run.run_id, step_keys=[PUBLISH_STEP])
                     if step.start_time and step.end_time), None)
        if process is not None and step is not None:
            windows.append((process[0], step.start_time, step.end_time))
    return windows


def published_matches(pg_url: str) -> int:
    with psycopg.connect(pg_url) as conn:
        exists = conn.execute("SELECT to_regclass('rocket.matches')").fetchone()[0]
        return conn.execute("SELECT count(*) FROM rocket.matches").fetchone()[0] if exists else 0


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()


def measure(args: argparse.Namespace, replays: list[Path], today: dt.date, work: Path, pg_url: str, dev: Dev,
            serve: Serve) -> dict:
    """Start `dev` and `serve`, put the bulk day in first if asked, then upload `replays` and follow them; the
    figures of the report."""
    report: dict = {}
    load = LoadAverage()
    load.sample()
    if args.bulk:
        started = time.monotonic()
        emitted = emit_bulk(work / "data" / "landing" / "rocket", today, args.bulk, args.seed)
        report["bulk"] = {"synthetic_replays": emitted, "emit_seconds": round(time.monotonic() - started, 1)}
    dev.start()
    serve.start().close()
    instance = dev.instance()
    wait_until(lambda: sensor_ticked(dev), 300, f"the daemon's {SENSOR} to tick", dev)
    if args.bulk:
        started = time.monotonic()
        wait_until(lambda: day_run_settled(instance, today.isoformat()), 3600,
                   f"the daemon to run the bulk day {today}", dev)
        report["bulk"].update(seconds_to_run=round(time.monotonic() - started, 1),
                              matches_published=published_matches(pg_url))
    origin = time.time()
    cpu = StageCpu(platform_trees(serve.process.pid, dev.process.pid))
    cpu.start()
    uploads, poll_errors = upload_and_follow(f"http://127.0.0.1:{serve.port}", Serve.TOKEN, replays,
                                             3600 / args.rate, args.timeout, load)
    ended = runs_ended(instance, args.runs_grace)
    cpu.stop()
    load.sample()
    return {**report, **outcome_summary(uploads), **cpu.report(len(replays), publish_windows(instance)),
            "uploads": [upload.as_dict() for upload in uploads],
            "rocket_daily_runs": {**runs_summary(instance, origin), "all_ended_before_the_report": ended},
            "poll_errors": poll_errors,
            "load_average_1min": load.as_dict(), "matches_published": published_matches(pg_url)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replays", type=Path, action="append", default=[],
                        help="a folder of more real .replay files (searched recursively); may be repeated")
    parser.add_argument("--replays-count", type=int, help="replays to upload (default 100, with --bulk 1)")
    parser.add_argument("--rate", type=float, default=1000, help="uploads an hour (default 1,000)")
    parser.add_argument("--bulk", type=int, default=0, help="synthetic replays put into today's day first")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds to wait after the last upload for the fates still unknown")
    parser.add_argument("--runs-grace", type=float, default=300,
                        help="seconds to wait, once the uploads' fates are known, for the runs to end")
    parser.add_argument("--seed", type=int, default=7, help="the order the replays are sent in")
    parser.add_argument("--keep", action="store_true", help="keep the data folder, logs and database")
    args = parser.parse_args()
    count = args.replays_count or (1 if args.bulk else 100)
    replays, distinct, broken = real_replays([*PROJECT_REPLAYS, *args.replays], count, args.seed)
    admin = admin_url()
    pg_url = bench_database(admin, DATABASE)
    work = Path(tempfile.mkdtemp(prefix="bench_uploads_"))
    today = dt.datetime.now(dt.UTC).date()
    env = environment(work / "data", pg_url, today - dt.timedelta(days=1))
    report: dict = {"benchmark": "rocket_uploads", "commit": commit(), "day": today.isoformat(),
                    "rate_per_hour": args.rate, "replays_uploaded": count, "distinct_real_replays_available": distinct,
                    "files_left_out_as_no_whole_replay": broken,
                    "machine": {"cores": os.cpu_count(),
                                "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                else os.cpu_count()}}
    dev = Dev(env, free_port(), work / "dev.log")
    serve = Serve(env, free_port(), work / "serve.log")
    try:
        with contextlib.redirect_stdout(sys.stderr):
            try:
                report.update(measure(args, replays, today, work, pg_url, dev, serve))
            finally:
                serve.stop()
                dev.stop()
    finally:
        if args.keep:
            report["kept"] = {"folder": str(work), "database": DATABASE}
        else:
            shutil.rmtree(work, ignore_errors=True)
            drop_database(admin, DATABASE)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
