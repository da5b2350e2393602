"""Bulk allocation: Python's cyclic garbage collector paused while a reader or a generator builds a large tree of
plain objects (a replay's network frames, a match's telemetry). Each collection walks every live object of the
process, so one is triggered after every few hundred new containers and the walks outgrow the build itself; such
a tree holds no reference cycle, so reference counting frees it with the collector paused, and any cycle made
meanwhile is collected once the collector runs again."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """The collector paused for the block (or, as a decorator, the call), then restored to the state it was in
    (nested blocks keep it paused). The collector is the process', so a block paused in one thread pauses it for
    the others until the first block to enter it leaves."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
