"""The API's and the pipeline's metrics in Prometheus' exposition format (`GET /metrics`, the operator's), each
process its own (scrape every worker, or run one worker a process):

- requests by route template, method and status class, and their latency (`MeasuredRequests`, an ASGI layer);
- the read pool (connections in use, idle, waited for), the answer cache's bytes, the uploads waiting to be served,
  the process's memory and the machine's;
- the pipeline: runs by status over the last hour, whether Dagster's daemon beats, partitions held back by a
  failed blocking check, and each published table's age since its last publish.

The route is `routes/operations.py`; the alert rules (`core/alerts.py`) read the same numbers."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psutil
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from gamestats_assets.serve.core.fastpath import CachedAnswers
from gamestats_assets.serve.core.pipeline import open_instance, pipeline_state
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.rocket_landing import waiting_uploads
from gamestats_assets.serve.queries import service

HOUR = 3600
UNMATCHED = "unmatched"
"""The route label of a request no route took (a 404 of an unknown path): one label, whatever the path."""


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@dataclass
class Metrics:
    """One process's registry and the request metrics the ASGI layer counts."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram

    @classmethod
    def new(cls) -> Metrics:
        registry = CollectorRegistry()
        return cls(registry,
                   Counter("gamestats_api_requests", "Requests answered, by route template, method and status class",
                           ("route", "method", "status"), registry=registry),
                   Histogram("gamestats_api_request_seconds", "Time to answer a request, by route template",
                             ("route",), registry=registry,
                             buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)))

    def totals(self) -> tuple[float, float]:
        """Requests answered so far, and those answered with a 5xx."""
        every = errors = 0.0
        for metric in self.requests.collect():
            for sample in metric.samples:
                if sample.name.endswith("_total"):
                    every += sample.value
                    errors += sample.value if sample.labels["status"] == "5xx" else 0
        return every, errors


class MeasuredRequests:
    """ASGI middleware counting each HTTP request by the template of the route that took it (not its path, so
    that hostile paths make no new series; an answer from the cache counts as its route's) and timing it."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status = time.perf_counter(), [500]

        async def sending(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            self.metrics.requests.labels(route, scope["method"], status_class(status[0])).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)


def middleware_of(app, kind: type):
    """The instance of middleware `kind` in `app`'s built stack, None before the app answered a request."""
    layer = getattr(app, "middleware_stack", None)
    while layer is not None:
        if isinstance(layer, kind):
            return layer
        layer = getattr(layer, "app", None)
    return None


class ServiceCollector(Collector):
    """The gauges read when scraped: the read pool, the cache, the uploads waiting, memory, and the pipeline."""

    def __init__(self, app, reader: Reader, settings: ServeSettings, instance: Callable[[], Callable[[], Any]]):
        self.app, self.reader, self.settings, self.instance = app, reader, settings, instance

    def collect(self):
        yield from self.api_gauges()
        yield from self.pipeline_gauges()

    def api_gauges(self):
        pool = self.reader.pool.get_stats()
        connections = GaugeMetricFamily("gamestats_api_pool_connections", "The read pool's connections",
                                        labels=("state",))
        size, available = pool.get("pool_size", 0), pool.get("pool_available", 0)
        for state, value in (("max", pool.get("pool_max", 0)), ("open", size), ("in_use", size - available),
                             ("requests_waiting", pool.get("requests_waiting", 0))):
            connections.add_metric((state,), value)
        yield connections
        cache = middleware_of(self.app, CachedAnswers)
        yield GaugeMetricFamily("gamestats_api_cache_bytes", "Bytes of the answers kept by the answer cache",
                                value=cache.bytes if cache else 0)
        yield GaugeMetricFamily("gamestats_api_upload_queue", "Replays uploaded and not yet served",
                                value=waiting_uploads(self.settings, self.reader))
        yield GaugeMetricFamily("gamestats_process_memory_bytes", "Resident memory of this API process",
                                value=psutil.Process().memory_info().rss)
        yield GaugeMetricFamily("gamestats_machine_memory_used_ratio", "The machine's memory in use, 0 to 1",
                                value=psutil.virtual_memory().percent / 100)

    def pipeline_gauges(self):
        import dagster as dg

        instance = open_instance(self.instance())
        yield GaugeMetricFamily("gamestats_pipeline_daemon_running", "1 while Dagster's daemon beats",
                                value=int(pipeline_state(instance).running))
        if instance is not None:
            runs = GaugeMetricFamily("gamestats_pipeline_runs_last_hour", "Runs updated in the last hour, by status",
                                     labels=("status",))
            since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=HOUR)
            for status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.STARTED,
                           dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.CANCELED):
                runs.add_metric((status.value.lower(),), instance.get_runs_count(
                    dg.RunsFilter(statuses=[status], updated_after=since)))
            yield runs
        held = GaugeMetricFamily("gamestats_pipeline_held_partitions",
                                 "Partitions held back from a published table by a failed blocking check",
                                 labels=("table",))
        fresh = GaugeMetricFamily("gamestats_pipeline_table_age_seconds",
                                  "Seconds since each published table was last published", labels=("table",))
        held_rows, ages = self.reader.uncached(service.held_and_ages).data
        for row in held_rows:
            held.add_metric((row["table_name"],), row["n"])
        for row in ages:
            fresh.add_metric((row["table_name"],), float(row["age"]))
        yield held
        yield fresh


def measured(app, reader: Reader, settings: ServeSettings, instance: Callable[[], Callable[[], Any]]) -> Metrics:
    """`app`'s metrics: the request counters and the gauges read when scraped (`instance()`: what opens the
    platform's Dagster instance at that moment)."""
    found = Metrics.new()
    found.registry.register(ServiceCollector(app, reader, settings, instance))
    return found
