"""Work on many files at once, a process per core (`each_in_processes`): each item's result or the error it raised,
and the CPU seconds it took, so one file that fails or kills its process costs that file alone."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What became of one item: the function's result or the exception it raised (`value`), and the CPU seconds
    the process working on it spent."""

    value: R | Exception
    cpu_seconds: float


class ProcessDied(RuntimeError):
    """The process working on an item ended without an answer (killed, out of memory, a crash in native code)."""


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _value(function: Callable[[T], R], item: T) -> R | Exception:
    """`function(item)`, or the exception it raised, itself when it pickles, else a `ValueError` saying it."""
    try:
        return function(item)
    except Exception as error:  # every error is the item's outcome, for the caller to judge
        try:
            pickle.dumps(error)
        except Exception:  # an error that cannot travel back is told by its text
            return ValueError(f"{type(error).__name__}: {error}")
        return error


def _outcome(function: Callable[[T], R], item: T) -> Outcome[R]:
    started = time.process_time()
    value = _value(function, item)
    return Outcome(value, time.process_time() - started)


def each_in_processes(function: Callable[[T], R], items: Sequence[T], workers: int | None = None,
                      preload: Sequence[str] = ()) -> list[Outcome[R]]:
    """`function` applied to every item of `items`, in order (`Outcome`: its result or the exception it raised,
    and its CPU seconds; the process's own CPU seconds, its threads' included). With more than
    one item and `workers` (default: the usable cores) above one, the items are shared among that many processes
    (forked from a server that imported the modules `preload`, so no worker inherits the caller's threads); an item
    whose process died is tried again in a process of its own, and answers `ProcessDied` if that one dies too.
    `function` must be importable by name (a module's top-level function)."""
    workers = min(workers or usable_cores(), len(items))
    if workers <= 1:
        return [_outcome(function, item) for item in items]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    outcomes: list[Outcome[R] | None] = [None] * len(items)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_outcome, function, item) for item in items]
        died = []
        for number, future in enumerate(futures):
            try:
                outcomes[number] = future.result()
            except BrokenProcessPool:
                died.append(number)
    for number in died:
        with ProcessPoolExecutor(1, mp_context=context) as alone:
            try:
                outcomes[number] = alone.submit(_outcome, function, items[number]).result()
            except BrokenProcessPool as error:
                outcomes[number] = Outcome(ProcessDied(f"the process working on it died: {error}"), 0.0)
    return outcomes
