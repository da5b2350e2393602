"""CPU seconds of process trees by stage, read from `/proc/<pid>/stat` about once a second by a background thread
(`StageCpu`), so that a benchmark can say what each part of the platform cost while it ran.

A tree is a root pid and the stage of its processes (`Tree`); a process whose command line holds one of the tree's
markers, and every process below it, is of the marker's stage instead. Each sample adds to a process's stage the
CPU (utime + stime) it used since the last sample, and to a parent the CPU of its children reaped since (cutime +
cstime) beyond what was already counted of them while they ran: a process that ended between two samples, or was
never seen, is counted all the same. Only the CPU used after `start()` is counted."""

from __future__ import annotations

import bisect
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gamestats_assets.lib.core.pool import usable_cores

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FORKSERVER = "multiprocessing.forkserver"
"""The command line of a multiprocessing forkserver, which the processes forked from it keep."""
SPAWNED = "multiprocessing.spawn"
"""The command line of a process started by multiprocessing's spawn (the runs of a Dagster code server)."""
STAGES = ("answer", "parse", "run", "publish", "scheduling")


@dataclass(frozen=True)
class Tree:
    """The processes under `root` (itself included), of `stage` unless a command line holds one of `markers`."""

    root: int
    stage: str
    markers: dict[str, str] = field(default_factory=dict)
    """A part of a command line → the stage of the process that has it and of everything below it."""


@dataclass
class Seen:
    """A process as last sampled: its parent, start (in clock ticks after boot, telling a reused pid apart), stage,
    own CPU seconds and its reaped children's CPU seconds, how much of the latter is counted already, and what the
    process added to the totals."""

    ppid: int
    start: int
    stage: str
    own: float
    reaped: float
    credited: float = 0.0
    added: float = 0.0


def read_stats() -> dict[int, tuple[int, int, float, float]]:
    """Every process's parent, start, own CPU seconds and reaped children's CPU seconds, by pid."""
    stats = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        stats[int(entry.name)] = (int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
                                  (int(fields[13]) + int(fields[14])) / CLOCK_TICKS)
    return stats


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def platform_trees(serve: int, dev: int) -> list[Tree]:
    """The platform's processes by stage: those of `gamestats serve` (pid `serve`) themselves (answer) and its
    forkserver's (the parse ahead's pool: parse); the runs of `gamestats dev` (pid `dev`: the warm run launcher's
    forkserver and what it forks, a code server's spawned runs: run) and the rest of it (dg, webserver, daemon,
    code server: scheduling)."""
    return [Tree(serve, "answer", {FORKSERVER: "parse"}), Tree(dev, "scheduling", {FORKSERVER: "run", SPAWNED: "run"})]


class StageCpu:
    """The CPU seconds used by `trees` from `start()` to `stop()`, by stage (`totals`), and of a process and what
    is below it within a span of time (`window_seconds`)."""

    def __init__(self, trees: list[Tree], interval: float = 1.0):
        self.trees, self.interval = trees, interval
        self.totals: Counter[str] = Counter()
        self.started = self.stopped = 0.0
        self._seen: dict[int, Seen] = {}
        self._sampled = 0.0
        self._series: dict[tuple[int, int], tuple[list[float], list[float]]] = {}
        self._parents: dict[tuple[int, int], int] = {}
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_halted, daemon=True)

    def start(self) -> None:
        self.started = time.time()
        self._sample(baseline=True)
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        self._thread.join()
        self._sample()
        self.stopped = time.time()

    @property
    def wall_seconds(self) -> float:
        return self.stopped - self.started

    def _sample_until_halted(self) -> None:
        while not self._halt.wait(self.interval):
            self._sample()

    def _current(self) -> dict[int, Seen]:
        """The processes of the trees now, each with its stage."""
        stats = read_stats()
        children: dict[int, list[int]] = {}
        for pid, (ppid, *_) in stats.items():
            children.setdefault(ppid, []).append(pid)
        current = {}
        for tree in self.trees:
            below = [(tree.root, tree.stage)] if tree.root in stats else []
            while below:
                pid, stage = below.pop()
                cmdline = command_line(pid) if tree.markers else ""
                stage = next((marked for marker, marked in tree.markers.items() if marker in cmdline), stage)
                ppid, start, own, reaped = stats[pid]
                current[pid] = Seen(ppid, start, stage, own, reaped)
                below.extend((child, stage) for child in children.get(pid, ()))
        return current

    def _sample(self, baseline: bool = False) -> None:
        now, current = time.time(), self._current()
        previous = self._seen
        gone = {pid: seen for pid, seen in previous.items()
                if pid not in current or current[pid].start != seen.start}

        def counted(pid: int) -> float:
            """What was counted of the gone process `pid` and of its gone children."""
            seen = gone.pop(pid)
            return seen.own + seen.credited + sum(counted(child) for child in
                                                 [child for child, of in gone.items() if of.ppid == pid])

        for pid, seen in current.items():
            before = previous.get(pid)
            if before is not None and before.start != seen.start:
                before = None
            if baseline:
                seen.credited = seen.reaped
                continue
            used = seen.own - (before.own if before else 0.0)
            self.totals[seen.stage] += used
            seen.added = (before.added if before else 0.0) + used
            seen.credited = before.credited if before else 0.0
            ended = [child for child, of in gone.items() if of.ppid == pid]
            stage = gone[ended[0]].stage if ended else seen.stage
            seen.credited += sum(counted(child) for child in ended)
            if seen.reaped > seen.credited:
                self.totals[stage] += seen.reaped - seen.credited
                seen.added += seen.reaped - seen.credited
                seen.credited = seen.reaped
        for pid, seen in current.items():
            times, values = self._series.setdefault((pid, seen.start),
                                                    ([], []) if baseline else ([self._sampled], [0.0]))
            times.append(now)
            values.append(seen.added)
            self._parents[(pid, seen.start)] = seen.ppid
        self._seen, self._sampled = current, now

    def window_seconds(self, pid: int, start: float, end: float) -> float | None:
        """The CPU seconds `pid` and the processes below it used from `start` to `end` (Unix times), interpolated
        between the samples; None when `pid` was never seen."""
        roots = [key for key, (times, _) in self._series.items() if key[0] == pid and times[0] <= end]
        if not roots:
            return None
        keys, pids = set(roots), {pid}
        while more := {key for key, ppid in self._parents.items() if ppid in pids and key not in keys}:
            keys |= more
            pids |= {key[0] for key in more}
        return sum(_at(*self._series[key], end) - _at(*self._series[key], start) for key in keys)


    def report(self, replays: int, publishing: list[tuple[int, float, float]]) -> dict:
        """The CPU seconds used by `STAGES`, in total and per replay of `replays`, where `publish` is what the
        processes of `publishing` (pid, and Unix start and end of a run's publish step) and those below them used
        within their step, and `run` the rest of the runs' (PostgreSQL's own work is no stage's); beside them what
        the usable cores offered from `start()` to `stop()`, and the share used."""
        stages = {stage: self.totals[stage] for stage in STAGES}
        stages["publish"] = min(stages["run"], sum(seconds for window in publishing
                                                   if (seconds := self.window_seconds(*window)) is not None))
        stages["run"] -= stages["publish"]
        available = usable_cores() * self.wall_seconds
        return {"cpu_seconds_by_stage": {stage: round(seconds, 1) for stage, seconds in stages.items()},
                "cpu_seconds_per_replay_by_stage": {stage: round(seconds / replays, 2)
                                                    for stage, seconds in stages.items()},
                "cpu_wall_seconds": round(self.wall_seconds, 1), "cpu_seconds_available": round(available, 1),
                "cpu_fraction_used": round(sum(stages.values()) / available, 3) if available else None}


def _at(times: list[float], values: list[float], moment: float) -> float:
    """The cumulative CPU seconds at `moment`, linear between samples, the first or last beyond them."""
    index = bisect.bisect_left(times, moment)
    if index == 0:
        return values[0]
    if index == len(times):
        return values[-1]
    share = (moment - times[index - 1]) / (times[index] - times[index - 1])
    return values[index - 1] + share * (values[index] - values[index - 1])
