"""Uploaded replays parsed as they are received, a process per core beside the server (`AheadParser`), into the
platform's kept parses (`sources.replays.parsed`), so that the run of the upload's day takes that parse instead of
parsing the file again."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from gamestats_assets.lib.core.pool import usable_cores
from gamestats_assets.sources.replays import parsed
from gamestats_assets.sources.replays.claims import InconsistentReplay

AHEAD_SECONDS = 60
"""The longest a replay's parse may run once it started; a replay that takes longer is parsed by its run instead."""
log = logging.getLogger(__name__)


class AheadParser:
    """Parses replays into `folder` in processes forked from a server that imported the parser, made again when one
    of them died (a crash in native code on a hostile file)."""

    def __init__(self, folder: Path, workers: int | None = None):
        self.folder = folder
        self.workers = workers or usable_cores()
        self._pool: ProcessPoolExecutor | None = None
        self._slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([parsed.__name__])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    async def parse(self, path: Path) -> str | None:
        """The key of the parse of the replay at `path` now kept ahead, or None when its parse failed, killed its
        process or ran over `AHEAD_SECONDS`: its run then parses the file and quarantines it if that fails;
        `InconsistentReplay` when its header claims what its stream contradicts. Uploads wait for a free process
        before their parse starts, so that under load a queue of parses never runs out of time unstarted and lands
        its files for their runs to parse a second time."""
        try:
            async with self._slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(self.workers)):
                future = self._executor().submit(parsed.parse_ahead, path, self.folder)
                return await asyncio.wait_for(asyncio.wrap_future(future), AHEAD_SECONDS)
        except InconsistentReplay:
            raise
        except BrokenProcessPool:
            self._drop(wait=False)
        except TimeoutError:
            log.warning("the parse of %s took over %s s: its run parses it", path.name, AHEAD_SECONDS)
        except Exception as error:  # whatever a hostile file raises, its run meets again and quarantines
            log.info("the upload %s was not parsed ahead: %s: %s", path.name, type(error).__name__, error)
        return None

    def close(self) -> None:
        """Stops the processes, waiting for the parses already running: the interpreter's exit must not find the
        pool's manager still closing it."""
        self._drop(wait=True)

    def _drop(self, wait: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)
