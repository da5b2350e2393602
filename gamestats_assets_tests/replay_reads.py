"""Replays read once for the whole test run (`ReplayReads`): in the test workers, and in the processes their parse
pools fork from a server (`lib/core/pool.py`, `serve/core/parse_ahead.py`), which import this module first
(`reach_forked_pools`) and find the run's folder in `FOLDER`. A command the tests run as a subprocess (the demo,
`gamestats dev`, `gamestats serve`) parses its own."""

from __future__ import annotations

import fcntl
import hashlib
import multiprocessing.forkserver as forkserver
import os
import pickle
from pathlib import Path

from gamestats_assets.sources.replays import parsed as replay_parse
from gamestats_assets.sources.replays.frames import ReplayFrames, read_frames

FOLDER = "GAMESTATS_TEST_REPLAY_READS"
"""The environment variable naming the run's folder of replays read, for the processes a parse pool forks."""


class ReplayReads:
    """`read_frames` once per replay for the whole run: the first process to read a file parses it and keeps
    what it read in the run's shared folder (keyed by the file's bytes), the others load that. A replay that
    cannot be read is parsed, and fails, every time."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, path: Path) -> ReplayFrames:
        kept = self.folder / f"{hashlib.sha256(path.read_bytes()).hexdigest()}.pickle"
        with (self.folder / f"{kept.stem}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if kept.exists():
                return pickle.loads(kept.read_bytes())
            frames = read_frames(path)
            kept.write_bytes(pickle.dumps(frames))
            return frames


def reach_forked_pools(monkeypatch, folder: Path) -> None:
    """Every fork server started from now on imports this module before the modules its pool asked for, and so
    reads replays through the run's `ReplayReads` at `folder`."""
    monkeypatch.setenv(FOLDER, str(folder))
    asked = forkserver.set_forkserver_preload
    monkeypatch.setattr(forkserver, "set_forkserver_preload", lambda names: asked([__name__, *names]))


if os.environ.get(FOLDER):
    replay_parse.read_frames = ReplayReads(Path(os.environ[FOLDER]))
