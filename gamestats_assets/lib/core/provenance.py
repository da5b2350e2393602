"""Which process wrote a table: recorded in every lake and PostgreSQL materialization, so that a run spread
over Celery workers shows, step by step, the worker that executed it."""

import os
import socket

WORKER_METADATA = "worker"


def step_worker() -> str:
    """`host:pid` of the process executing the current step."""
    return f"{socket.gethostname()}:{os.getpid()}"
