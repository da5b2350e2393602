"""Interrupts (Ctrl-C, SIGTERM) noticed however they were handled: Dagster defers them while a run's steps execute
and raises its own error inside a step, which the step's code may turn into another (DuckDB's does), so a failed
run does not tell whether it was interrupted."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

INTERRUPTS = frozenset({signal.SIGINT, signal.SIGTERM})
"""Ctrl-C and SIGTERM (a service manager's stop, `kill`)."""


@contextmanager
def noticed_interrupts() -> Iterator[Callable[[], bool]]:
    """While open, the function it gives says whether Ctrl-C or SIGTERM reached this process since it was last
    asked, whichever handler ran (Python writes each signal it handles to the wakeup descriptor); outside the main
    thread, where no signal is handled, never."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def noticed() -> bool:
        received = b""
        while True:
            try:
                chunk = reader.recv(4096)
            except BlockingIOError:
                break
            if not chunk:
                break
            received += chunk
        return any(number in INTERRUPTS for number in received)

    try:
        yield noticed
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()
