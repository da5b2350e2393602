"""Alerts to the operator: one JSON document per change of an alert's state (`firing`, then `resolved`), posted to
the webhook `GAMESTATS_ALERT_WEBHOOK_URL` (an Alertmanager-style receiver, a chat hook, a mail gateway); and the
Dagster sensors that raise them for the pipeline: a run that failed, and a run that succeeded while checks failed
(with ERROR severity, or blocking: a publish's blocking checks hold their failing partitions back from PostgreSQL and
let the others through). Without the webhook, nothing is sent and the sensors skip, saying so. With it, a run that
needs no alert returns nothing: a tick judges several runs, and Dagster takes a skip from one of them only alone."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass, field

import dagster as dg

from gamestats_assets.lib.core import tls

ALERT_WEBHOOK_ENV = "GAMESTATS_ALERT_WEBHOOK_URL"
DELIVERY_ATTEMPTS = 3
log = logging.getLogger(__name__)


def webhook_url() -> str | None:
    """Where alerts go (`GAMESTATS_ALERT_WEBHOOK_URL`), None when unset."""
    return os.environ.get(ALERT_WEBHOOK_ENV) or None


@dataclass(frozen=True)
class Alert:
    """An alert's change of state: its rule's `name`, `status` (`firing` or `resolved`), a `summary` an operator
    reads, and `labels` saying where (the instance, the run, the table)."""

    name: str
    status: str
    summary: str
    labels: dict[str, str] = field(default_factory=dict)
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def document(self) -> dict:
        return {"alert": self.name, "status": self.status, "summary": self.summary,
                "labels": {"host": socket.gethostname(), **self.labels}, "at": self.at.isoformat()}


def deliver(alert: Alert, url: str | None = None) -> bool:
    """Post `alert` to `url` (default `webhook_url()`), trying `DELIVERY_ATTEMPTS` times; whether it was taken (a
    2xx answer). A receiver that is down is logged, never raised: an alert never fails what raised it."""
    import httpx

    url = url or webhook_url()
    if url is None:
        return False
    for attempt in range(1, DELIVERY_ATTEMPTS + 1):
        try:
            if httpx.post(url, json=alert.document(), timeout=5, verify=tls.trusted()).is_success:
                return True
        except httpx.HTTPError as error:
            log.warning("alert %s not delivered (attempt %d): %s", alert.name, attempt, error)
    return False


def failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """`asset/check: what it said` of each check of the run that failed with ERROR severity or while blocking (a
    blocking check that fails as a warning holds its failing partitions back and lets the others publish)."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION,
                                           limit=10_000).records
    failed = []
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.event_specific_data if event is not None else None
        if evaluation is None or getattr(evaluation, "passed", True):
            continue
        if evaluation.severity == dg.AssetCheckSeverity.ERROR or getattr(evaluation, "blocking", False):
            key = evaluation.asset_check_key
            said = getattr(evaluation, "description", None) or ""
            shown = f"{key.asset_key.to_user_string()}:{key.name}" + (f": {said}" if said else "")
            if shown not in failed:
                failed.append(shown)
    return failed


def build_alert_sensors() -> list[dg.SensorDefinition]:
    """`gamestats_run_failure_alerts` (a failed run, with its error and its failed checks) and
    `gamestats_check_failure_alerts` (a successful run whose ERROR or blocking checks failed on some partitions)."""

    @dg.run_failure_sensor(name="gamestats_run_failure_alerts", default_status=dg.DefaultSensorStatus.RUNNING,
                           description=f"Posts an alert to {ALERT_WEBHOOK_ENV} for each failed run.")
    def run_failed(context: dg.RunFailureSensorContext):
        if webhook_url() is None:
            return dg.SkipReason(f"{ALERT_WEBHOOK_ENV} is not set: no alert is sent")
        run = context.dagster_run
        try:
            checks = failed_checks(context.instance, run.run_id)
        except Exception as error:  # the failure is sent all the same, without the checks
            context.log.warning(f"the checks of run {run.run_id} could not be read: {error!r}")
            checks = []
        error = context.failure_event.message or "no error message"
        deliver(Alert("pipeline run failed", "firing",
                      f"run {run.run_id} of {run.job_name} failed: {error}"
                      + (f"; failed checks: {'; '.join(checks)}" if checks else ""),
                      {"run_id": run.run_id, "job": run.job_name, **partition_labels(run)}))

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="gamestats_check_failure_alerts",
                          default_status=dg.DefaultSensorStatus.RUNNING,
                          description=f"Posts an alert to {ALERT_WEBHOOK_ENV} for each successful run whose ERROR or "
                                      "blocking checks failed (their partitions held back).")
    def checks_failed(context: dg.RunStatusSensorContext):
        if webhook_url() is None:
            return dg.SkipReason(f"{ALERT_WEBHOOK_ENV} is not set: no alert is sent")
        try:
            checks = failed_checks(context.instance, context.dagster_run.run_id)
        except Exception as error:  # the run's checks unreadable: said in the log, the next runs still judged
            context.log.warning(f"the checks of run {context.dagster_run.run_id} could not be read: {error!r}")
            return None
        if not checks:
            return None
        run = context.dagster_run
        deliver(Alert("check failed", "firing",
                      f"run {run.run_id} of {run.job_name}: failed checks {'; '.join(checks)}",
                      {"run_id": run.run_id, "job": run.job_name, **partition_labels(run)}))

    return [run_failed, checks_failed]


def partition_labels(run: dg.DagsterRun) -> dict[str, str]:
    """The partition or partition range a run covered, as alert labels."""
    names = {"dagster/partition": "partition", "dagster/asset_partition_range_start": "partition_from",
             "dagster/asset_partition_range_end": "partition_to"}
    return {label: run.tags[tag] for tag, label in names.items() if tag in run.tags}
