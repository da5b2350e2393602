"""The API's alert rules, evaluated by each process every `alert_interval_seconds` over the numbers its metrics
expose (`core/metrics.py`), each change of state posted to the operator's webhook (`lib/deploy/alerts.py`):

- `API error rate`: more than `alert_error_rate` of the requests of the last `alert_window_seconds` answered 5xx
  (of at least `ERROR_RATE_MIN_REQUESTS`);
- `database connection pool exhaustion`: every read connection in use, or a request waiting for one;
- `replay processing queue backup`: more than `alert_upload_queue` uploads waiting to be served;
- `memory usage`: the machine's memory in use above `alert_memory_ratio`."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from gamestats_assets.lib.deploy.alerts import Alert, deliver, webhook_url
from gamestats_assets.serve.core.metrics import Metrics
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.rocket_landing import waiting_uploads

ERROR_RATE_MIN_REQUESTS = 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    """The numbers one evaluation reads."""

    requests: float
    errors: float
    pool_in_use: int
    pool_max: int
    pool_waiting: int
    upload_queue: int
    memory_ratio: float


@dataclass(frozen=True)
class Rule:
    """An alert rule: firing while `firing(now, before)` holds (`before`: the previous reading), said by
    `summary(now, before)`."""

    name: str
    firing: Callable[[Reading, Reading], bool]
    summary: Callable[[Reading, Reading], str]


def error_rate(now: Reading, before: Reading) -> float | None:
    """The share of 5xx answers among the requests since `before`; None below `ERROR_RATE_MIN_REQUESTS`."""
    asked = now.requests - before.requests
    return (now.errors - before.errors) / asked if asked >= ERROR_RATE_MIN_REQUESTS else None


def rules(max_error_rate: float, max_upload_queue: int, max_memory_ratio: float) -> list[Rule]:
    return [
        Rule("API error rate",
             lambda now, before: (error_rate(now, before) or 0) > max_error_rate,
             lambda now, before: f"{(error_rate(now, before) or 0):.1%} of {now.requests - before.requests:.0f} "
                                 f"requests answered 5xx (above {max_error_rate:.0%})"),
        Rule("database connection pool exhaustion",
             lambda now, _: now.pool_waiting > 0 or (now.pool_max > 0 and now.pool_in_use >= now.pool_max),
             lambda now, _: f"{now.pool_in_use} of {now.pool_max} read connections in use, {now.pool_waiting} "
                            "requests waiting for one"),
        Rule("replay processing queue backup",
             lambda now, _: now.upload_queue > max_upload_queue,
             lambda now, _: f"{now.upload_queue} uploaded replays wait to be served (above {max_upload_queue})"),
        Rule("memory usage",
             lambda now, _: now.memory_ratio > max_memory_ratio,
             lambda now, _: f"{now.memory_ratio:.0%} of the machine's memory in use (above {max_memory_ratio:.0%})"),
    ]


def read(reader: Reader, settings: ServeSettings, metrics: Metrics) -> Reading:
    requests, errors = metrics.totals()
    pool = reader.pool.get_stats()
    size, available = pool.get("pool_size", 0), pool.get("pool_available", 0)
    return Reading(requests, errors, size - available, pool.get("pool_max", 0), pool.get("requests_waiting", 0),
                   waiting_uploads(settings, reader), psutil.virtual_memory().percent / 100)


class AlertLoop:
    """Evaluates `rules` every `interval` seconds for this process, each against the reading `window` seconds
    before, and posts each change of state."""

    def __init__(self, reader: Reader, settings: ServeSettings, metrics: Metrics, checked: list[Rule]):
        self.reader, self.settings, self.metrics, self.rules = reader, settings, metrics, checked
        self.interval, self.window = settings.alert_interval_seconds, settings.alert_window_seconds
        self.firing: set[str] = set()
        self.labels = {"instance": f"{socket.gethostname()}:{os.getpid()}"}
        self.readings: deque[tuple[float, Reading]] = deque()

    def window_start(self, at: float, now: Reading) -> Reading:
        """The latest reading at least `window` seconds before `at` (the first while none is that old), with
        `now` kept for later evaluations."""
        self.readings.append((at, now))
        while len(self.readings) > 1 and self.readings[1][0] <= at - self.window:
            self.readings.popleft()
        return self.readings[0][1]

    def evaluate(self, now: Reading, before: Reading) -> list[Alert]:
        """The alerts whose state changed between `before` and `now`."""
        changed = []
        for rule in self.rules:
            fires = rule.firing(now, before)
            if fires != (rule.name in self.firing):
                changed.append(Alert(rule.name, "firing" if fires else "resolved", rule.summary(now, before),
                                     self.labels))
                (self.firing.add if fires else self.firing.discard)(rule.name)
        return changed

    async def run(self) -> None:
        while True:
            try:
                now = await asyncio.to_thread(read, self.reader, self.settings, self.metrics)
                for alert in self.evaluate(now, self.window_start(time.monotonic(), now)):
                    await asyncio.to_thread(deliver, alert)
            except Exception:  # an evaluation that fails (the database down) tries again at the next
                log.exception("the alert rules could not be evaluated")
            await asyncio.sleep(self.interval)


def start_alerts(reader: Reader, settings: ServeSettings, metrics: Metrics) -> asyncio.Task | None:
    """The alert loop of this process, None without a webhook to post to."""
    if webhook_url() is None:
        return None
    checked = rules(settings.alert_error_rate, settings.alert_upload_queue, settings.alert_memory_ratio)
    return asyncio.create_task(AlertLoop(reader, settings, metrics, checked).run())
