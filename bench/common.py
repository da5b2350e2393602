"""What the benchmarks share: a PostgreSQL server and a fresh database to measure against, a Dagster instance
stored in it as the project's is, jobs over a selection of the project's assets, work done in a child process,
peak memory, per-step costs, the CPU of this process tree and of the database's PostgreSQL backends, and the
machine's idle and I/O-wait time."""

import multiprocessing
import os
import socket
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
import psutil
import psycopg
import yaml
from psycopg import sql

from gamestats_assets.lib.publish import embedded_postgres

SERVICE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def timed(step) -> tuple[float, object]:
    """The wall seconds `step()` took, and what it returned."""
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def admin_url() -> str:
    """GAMESTATS_PG_URL if set, else the service on 127.0.0.1:5432 if it answers, else an embedded server."""
    if os.environ.get("GAMESTATS_PG_URL"):
        return os.environ["GAMESTATS_PG_URL"]
    try:
        psycopg.connect(SERVICE_URL, connect_timeout=3).close()
        return SERVICE_URL
    except psycopg.OperationalError:
        return embedded_postgres.start(Path(tempfile.mkdtemp()) / "pg")


def free_port() -> int:
    """A TCP port on loopback that no process listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_child(work, *args, **kwargs):
    """What `work(*args, **kwargs)` returns, run in a new process (spawned, with this process's environment): the memory a
    benchmark's preparation or reference takes (emitting the landing files, a plain read of them) is then never
    counted in the peak of the run measured after it, since an allocator keeps freed memory for a while."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(work, args, kwargs)


def bench_database(admin: str, name: str) -> str:
    """The database `name` on the server of `admin`, dropped and created anew; its URL."""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))


def reused_database(admin: str, name: str) -> str:
    """The URL of the database `name` an earlier run kept (refused when there is none)."""
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            raise SystemExit(f"no database {name} to reuse: run once with --keep")
    return urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))


def drop_database(admin: str, name: str) -> None:
    """Drop the benchmark's database `name` on the server of `admin`."""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class Sampler:
    """Calls `sample()` every 100 ms in a background thread while it is entered; `cpu_seconds` is the CPU time
    that thread used, which the measured process's own CPU seconds include."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.cpu_seconds = 0.0

    def sample(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.sample()
        self.cpu_seconds = time.thread_time()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class PeakMemory(Sampler):
    """Samples the RSS of this process tree; `peak_mib` is the largest sum seen, and `window_peak_mib` the
    largest since the last `new_window()`. The tree's processes are listed again every second (listing them
    reads every process of the machine); their RSS is read at every sample."""

    LIST_EVERY = 10

    def __init__(self) -> None:
        super().__init__()
        self.peak_mib = 0.0
        self.window_peak_mib = 0.0
        self._me = psutil.Process()
        self._tree = [self._me]
        self._samples = 0

    def sample(self) -> None:
        if self._samples % self.LIST_EVERY == 0:
            try:
                self._tree = [self._me, *self._me.children(recursive=True)]
            except psutil.Error:
                self._tree = [self._me]
        self._samples += 1
        total = 0
        for process in self._tree:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        self.peak_mib = max(self.peak_mib, total / 2**20)
        self.window_peak_mib = max(self.window_peak_mib, total / 2**20)

    def new_window(self) -> None:
        self.window_peak_mib = 0.0


class BackendCpu(Sampler):
    """Samples the CPU seconds of the PostgreSQL backends (on this machine) connected to `database`;
    `seconds` is the sum over every backend seen of its last sample, so a backend's last 100 ms may be
    missed. Each process is told to be such a backend or not once, by its title (a process still starting, not yet
    titled `postgres: ...`, is asked again at the next sample); only the backends' CPU times are read each time."""

    def __init__(self, database: str) -> None:
        super().__init__()
        self._marker = f" {database} "
        self._last: dict[int, float] = {}
        self._backends: dict[int, psutil.Process] = {}
        self._others: set[int] = set()

    @property
    def seconds(self) -> float:
        return sum(self._last.values())

    def _classify(self, pid: int) -> None:
        try:
            process = psutil.Process(pid)
            title, name = " ".join(process.cmdline()), process.name()
        except psutil.Error:
            self._others.add(pid)
            return
        if title.startswith("postgres:"):
            if self._marker in title:
                self._backends[pid] = process
            else:
                self._others.add(pid)
        elif name != "postgres":
            self._others.add(pid)

    def sample(self) -> None:
        for pid in psutil.pids():
            if pid not in self._backends and pid not in self._others:
                self._classify(pid)
        for pid, process in list(self._backends.items()):
            try:
                times = process.cpu_times()
                self._last[pid] = times.user + times.system
            except psutil.Error:
                del self._backends[pid]


def project_instance(pg_url: str):
    """A temporary Dagster instance with the storage of the project's `dagster.yaml`: runs and events stored in
    the PostgreSQL database of `pg_url`."""
    from gamestats_assets.lib.core.settings import INSTANCE_CONFIG
    from gamestats_assets.lib.publish.postgres import dagster_storage_url

    os.environ["GAMESTATS_DAGSTER_PG_URL"] = dagster_storage_url(pg_url)
    storage = yaml.safe_load(INSTANCE_CONFIG.read_text())["storage"]
    return dg.instance_for_test(overrides={"storage": storage})


class MachineTimes:
    """The machine's idle and I/O-wait CPU seconds (all cores, from `/proc/stat`) while it is entered, and the
    dirty page cache written out before it starts (`os.sync`: files a benchmark wrote beforehand, such as its landing
    files, are not flushed during the measured run). On a machine without `/proc/stat` the seconds are None."""

    FIELDS = ("idle", "iowait")

    def __init__(self) -> None:
        self.seconds: dict[str, float | None] = dict.fromkeys(self.FIELDS)

    @staticmethod
    def _read() -> dict[str, float] | None:
        try:
            values = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        except OSError:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        return {name: int(values[index]) / ticks for index, name in ((3, "idle"), (4, "iowait"))}

    def __enter__(self):
        os.sync()
        self._start = self._read()
        return self

    def __exit__(self, *exc) -> None:
        end = self._read()
        if self._start is not None and end is not None:
            self.seconds = {name: round(end[name] - self._start[name], 1) for name in self.FIELDS}


DAY_TARGET_SECONDS = 30
DAY_TARGET_PEAK_MIB = 2048


def day_targets(seconds: float, peak_mib: float, cpu_seconds: float, postgres_cpu_seconds: float) -> dict:
    """A pipeline day's figures against its targets (under 30 s, under 2 GiB), with the least time the run's own work
    needs on this machine: its CPU seconds (this process tree's and its PostgreSQL backends') spread over every
    core the process may use, which no schedule of the same work could beat."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "target_seconds": DAY_TARGET_SECONDS,
        "target_peak_memory_mib": DAY_TARGET_PEAK_MIB,
        "target_met": seconds < DAY_TARGET_SECONDS and peak_mib < DAY_TARGET_PEAK_MIB,
        "cores": cores,
        "seconds_with_every_core_busy": round((cpu_seconds + postgres_cpu_seconds) / cores, 1),
    }


def tree_cpu_seconds() -> float:
    """User + system CPU seconds so far of this process, its live descendants and the children each has waited for."""
    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def selection_job(name: str, keys, executor: dg.ExecutorDefinition = dg.in_process_executor) -> dg.JobDefinition:
    """A job over `keys` of the project's definitions, run with `executor`."""
    from gamestats_assets.definitions import defs

    job = dg.define_asset_job(name, selection=dg.AssetSelection.assets(*keys), executor_def=executor)
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(name)


class StepCosts:
    """Per step of the in-process run, taken when the instance records the step's start and end: CPU seconds of
    this process (every thread, `time.process_time`) and the peak memory of the process tree (`memory`)."""

    def __init__(self, instance: dg.DagsterInstance, memory: PeakMemory) -> None:
        self.cpu_seconds: dict[str, float] = {}
        self.peak_mib: dict[str, int] = {}
        started: dict[str, float] = {}
        record = instance.handle_new_event

        def measured(event, **kwargs):
            step, kind = event.step_key, event.dagster_event.event_type_value if event.dagster_event else None
            if kind == "STEP_START":
                started[step] = time.process_time()
                memory.new_window()
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and step in started:
                self.cpu_seconds[step] = round(time.process_time() - started.pop(step), 2)
                self.peak_mib[step] = round(memory.window_peak_mib)
            return record(event, **kwargs)

        instance.handle_new_event = measured


class Stopwatch:
    """Wall seconds and CPU seconds (`tree_cpu_seconds`: this process and its children, a JVM or DuckDB's threads
    included) of the work done while it is entered."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def __enter__(self):
        self._started, self._cpu_started = time.perf_counter(), tree_cpu_seconds()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._started
        self.cpu_seconds = tree_cpu_seconds() - self._cpu_started

    def as_dict(self) -> dict[str, float]:
        return {"seconds": round(self.seconds, 2), "cpu_seconds": round(self.cpu_seconds, 2)}
