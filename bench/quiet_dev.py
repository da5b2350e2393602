"""A quiet pipeline's background: the CPU a `gamestats dev` with nothing to do takes, by process, as the number of
PUBG matches it knows grows.

For each `--matches`, on a new data folder and a database of its own, `gamestats dev` starts as a user starts it
(`GAMESTATS_SOURCE=files`: no synthetic day is generated, no file lands); once its UI answers, that many match ids are
added to the dynamic partitions of the match-partitioned assets (nothing materialized), and after `--settle` seconds
the CPU of every process it started is counted over `--seconds`: its daemon (the sensors' loop, the run queue, the
snapshots' automation), its code server (each sensor evaluation runs there), its webserver, and the PostgreSQL
backends of its database, with the connections they opened, and the automation evaluations Dagster stored
meanwhile (a snapshot's evaluation is stored when it differs from its last). Prints one JSON object.

    python bench/quiet_dev.py --matches 0 10000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import psycopg
from common import BackendCpu, admin_url, bench_database, drop_database, free_port

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "gamestats_bench_quiet_dev"
KINDS = (("-m dagster_webserver", "webserver"), ("-m dagster._daemon", "daemon"),
         ("-m dagster code-server", "code server"), ("-m dagster api grpc", "code server"))
"""How a process of `gamestats dev` is told by the module its command line runs; any other is counted as `other`."""


def kind(command: str) -> str:
    """The kind of `gamestats dev`'s process that runs `command` (`KINDS`)."""
    return next((name for marker, name in KINDS if marker in command), "other")


def started_dev(data: Path, pg_url: str, port: int, log: Path) -> subprocess.Popen:
    """`gamestats dev` on `data` and `pg_url`, in a process group of its own, once its UI answers."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(data), GAMESTATS_PG_URL=pg_url, GAMESTATS_SOURCE="files")
    dev = subprocess.Popen([str(Path(sys.executable).with_name("gamestats")), "dev", "--port", str(port)], env=env,
                           cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if dev.poll() is not None:
            raise RuntimeError(f"gamestats dev exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).status_code == 200:
                return dev
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("gamestats dev did not answer in 300 s")


def add_matches(data: Path, pg_url: str, matches: int) -> None:
    """`matches` match ids added to `pubg_match` in the instance `gamestats dev` runs on."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    from gamestats_assets.defs.pubg.partitions import pubg_match_partitions
    from gamestats_assets.lib.publish.postgres import dagster_storage_url

    os.environ["GAMESTATS_DAGSTER_PG_URL"] = dagster_storage_url(pg_url)
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(data / "dagster"))) as instance:
        instance.add_dynamic_partitions(pubg_match_partitions.name, [f"bench-match-{n:06d}" for n in range(matches)])


def cpu_by_kind(dev: subprocess.Popen) -> dict[int, tuple[str, float]]:
    """Each process of `dev`'s tree: its kind and CPU seconds so far."""
    found = {}
    root = psutil.Process(dev.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            found[process.pid] = (kind(" ".join(process.cmdline())), times.user + times.system)
        except psutil.Error:
            continue
    return found


def sessions(admin: str, database: str) -> int:
    with psycopg.connect(admin) as conn:
        return conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (database,)).fetchone()[0]


def evaluations(pg_url: str) -> tuple[int, int]:
    """The automation evaluations the instance has stored so far: rows, and characters of their bodies."""
    with psycopg.connect(pg_url) as conn:
        return conn.execute("SELECT count(*), coalesce(sum(length(asset_evaluation_body)), 0) "
                            "FROM dagster.asset_daemon_asset_evaluations").fetchone()


def quiet(matches: int, settle: float, seconds: float, admin: str) -> dict:
    database = f"{DATABASE}_{matches}"
    pg_url = bench_database(admin, database)
    folder = Path(tempfile.mkdtemp(prefix="gamestats_quiet_dev_"))
    dev = None
    try:
        dev = started_dev(folder / "data", pg_url, free_port(), folder / "dev.log")
        add_matches(folder / "data", pg_url, matches)
        time.sleep(settle)
        with BackendCpu(database) as backends:
            before, opened, stored = cpu_by_kind(dev), sessions(admin, database), evaluations(pg_url)
            backends.sample()
            started = backends.seconds
            time.sleep(seconds)
            after, opened = cpu_by_kind(dev), sessions(admin, database) - opened
            stored = [now - then for now, then in zip(evaluations(pg_url), stored, strict=True)]
            backends.sample()
            backend_seconds = backends.seconds - started
    finally:
        if dev is not None:
            os.killpg(dev.pid, signal.SIGTERM)
            dev.wait(90)
        drop_database(admin, database)
    by_kind: dict[str, float] = {}
    for pid, (name, spent) in after.items():
        by_kind[name] = by_kind.get(name, 0.0) + spent - before.get(pid, (name, 0.0))[1]
    total = sum(by_kind.values())
    return {"matches": matches, "seconds": seconds, "cpu_seconds": round(total, 2),
            "cpu_seconds_by_process": {name: round(spent, 2) for name, spent in sorted(by_kind.items())},
            "share_of_a_core": round(total / seconds, 3), "postgres_backend_cpu_seconds": round(backend_seconds, 2),
            "postgres_connections_opened": opened, "automation_evaluations_stored": stored[0],
            "automation_evaluation_characters_stored": stored[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matches", type=int, nargs="+", default=[0, 10000])
    parser.add_argument("--settle", type=float, default=60, help="seconds between the matches added and the count")
    parser.add_argument("--seconds", type=float, default=120, help="seconds the CPU is counted over")
    args = parser.parse_args()
    admin = admin_url()
    print(json.dumps({"benchmark": "quiet_dev", "cores": psutil.cpu_count(),
                      "runs": [quiet(matches, args.settle, args.seconds, admin) for matches in args.matches]},
                     indent=2))


if __name__ == "__main__":
    main()
