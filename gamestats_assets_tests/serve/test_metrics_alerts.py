"""The operator is told: `/metrics` in Prometheus' exposition format over a published season, the API's alert rules
evaluated by a served app and delivered to a webhook receiver (a memory threshold crossed; an error rate caused by
taking the reader's access to the publish log away), and the pipeline's alert sensors on a failed run and on a
run whose blocking check failed as a warning (partitions held back)."""

from __future__ import annotations

import time

import dagster as dg
import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gamestats_assets.lib.deploy.alerts import ALERT_WEBHOOK_ENV, build_alert_sensors
from gamestats_assets.serve.core.metrics import UNMATCHED
from gamestats_assets_tests.alert_receiver import receiving
from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.pages import served

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def scraped(client) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of `/metrics`."""
    answer = client.get("/metrics", headers=AUTH)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.text) for sample in family.samples}


def test_metrics_count_requests_by_route_and_read_the_service_and_the_pipeline(client, published):
    assert client.get("/metrics").status_code == 401
    for _ in range(3):
        assert client.get("/api/v1/tournaments/seasons").status_code == 200
    assert client.get("/no/such/../path/../../etc/passwd").status_code == 404
    found = scraped(client)
    route = (("method", "GET"), ("route", "/api/v1/tournaments/seasons"), ("status", "2xx"))
    assert found[("gamestats_api_requests_total", route)] >= 3
    assert found[("gamestats_api_requests_total", (("method", "GET"), ("route", UNMATCHED), ("status", "4xx")))] >= 1
    assert not any("etc/passwd" in str(labels) for _, labels in found), "a path never becomes a label"
    assert found[("gamestats_api_request_seconds_count", (("route", "/api/v1/tournaments/seasons"),))] >= 3
    assert found[("gamestats_api_cache_bytes", ())] > 0, "the public answers were kept"
    assert found[("gamestats_api_pool_connections", (("state", "max"),))] > 0
    assert found[("gamestats_api_upload_queue", ())] == 0
    assert found[("gamestats_pipeline_daemon_running", ())] == 0
    assert 0 < found[("gamestats_machine_memory_used_ratio", ())] < 1
    with psycopg.connect(published["pg_url"]) as conn:
        tables = {name for (name,) in conn.execute("SELECT table_name FROM public.publish_log")}
    ages = {dict(labels)["table"] for name, labels in found if name == "gamestats_pipeline_table_age_seconds"}
    assert tables and ages == tables


def failing_until_alerted(base: str, receiver, at_least: int = 30, seconds: float = 60) -> list[int]:
    """The statuses of reads asked one after the other, at least `at_least` of them and on until the error rate
    alert fires (or `seconds` pass), so that the rule's window holds enough of them however slowly a loaded machine
    answers."""
    deadline, statuses = time.monotonic() + seconds, []
    with httpx.Client(base_url=base, timeout=30) as http:
        while (len(statuses) < at_least or not receiver.named("API error rate")) and time.monotonic() < deadline:
            statuses.append(http.get("/api/v1/tournaments/seasons", params={"n": len(statuses)}).status_code)
    return statuses


def test_the_api_alerts_on_memory_and_on_its_error_rate_and_says_when_resolved(published, monkeypatch):
    """Fault injection: the reader loses its access to the publish log, so that every read answers 500: the error
    rate alert fires, and resolves once access is back and answers are good again."""
    pg_url = published["pg_url"]
    with receiving() as receiver:
        monkeypatch.setenv(ALERT_WEBHOOK_ENV, receiver.url)
        with served(pg_url, alert_interval_seconds=0.5, alert_window_seconds=3, alert_memory_ratio=0.0) as base:
            memory = receiver.wait_for("memory usage")
            assert "of the machine's memory in use" in memory["summary"] and memory["labels"]["instance"]
            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute("REVOKE SELECT ON public.publish_log FROM gamestats_reader")
                try:
                    failed = failing_until_alerted(base, receiver)
                    assert failed.count(500) >= 25 and failed.count(500) >= 0.9 * len(failed), failed
                    firing = receiver.wait_for("API error rate", seconds=5)
                    assert "requests answered 5xx (above 5%)" in firing["summary"]
                finally:
                    conn.execute("GRANT SELECT ON public.publish_log TO gamestats_reader")
            receiver.wait_for("API error rate", "resolved")
    assert len(receiver.named("API error rate")) == 1, "a firing alert is sent once, not at every evaluation"


@dg.op
def breaks():
    raise RuntimeError("the source answered nonsense")


@dg.job
def breaking():
    breaks()


@dg.asset
def scores() -> int:
    return 3


@dg.asset_check(asset=scores, blocking=True)
def scores_are_even(scores: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=scores % 2 == 0, description=f"{scores} is odd")


@dg.asset_check(asset=scores, blocking=True)
def scores_are_small(scores: int) -> dg.AssetCheckResult:
    """Blocking, failing as a warning: it holds back and lets the run go on, as a publish's checks do."""
    return dg.AssetCheckResult(passed=scores < 3, severity=dg.AssetCheckSeverity.WARN,
                               description=f"{scores} is not below 3")


@pytest.fixture
def alerting(monkeypatch):
    with receiving() as receiver:
        monkeypatch.setenv(ALERT_WEBHOOK_ENV, receiver.url)
        yield receiver


def ended(result, kind: dg.DagsterEventType):
    return next(event for event in result.all_events if event.event_type == kind)


def test_a_failed_run_and_a_failed_check_alert(alerting):
    run_failed, checks_failed = build_alert_sensors()
    instance = dg.DagsterInstance.ephemeral()
    result = breaking.execute_in_process(instance=instance, raise_on_error=False)
    run_failed(dg.build_run_status_sensor_context(sensor_name=run_failed.name, dagster_instance=instance,
                                                 dagster_run=result.dagster_run,
                                                 dagster_event=ended(result, dg.DagsterEventType.RUN_FAILURE))
               .for_run_failure())
    alert = alerting.wait_for("pipeline run failed", seconds=5)
    assert alert["labels"]["run_id"] == result.run_id and "breaking" in alert["summary"]
    blocked = dg.materialize([scores, scores_are_even], instance=instance, raise_on_error=False)
    run_failed(dg.build_run_status_sensor_context(sensor_name=run_failed.name, dagster_instance=instance,
                                                 dagster_run=blocked.dagster_run,
                                                 dagster_event=ended(blocked, dg.DagsterEventType.RUN_FAILURE))
               .for_run_failure())
    [_, blocking] = alerting.named("pipeline run failed")
    assert "failed checks: scores:scores_are_even: 3 is odd" in blocking["summary"]
    flagged = dg.materialize([scores, scores_are_small], instance=instance, raise_on_error=False)
    checks_failed(dg.build_run_status_sensor_context(sensor_name=checks_failed.name, dagster_instance=instance,
                                                    dagster_run=flagged.dagster_run,
                                                    dagster_event=ended(flagged, dg.DagsterEventType.RUN_SUCCESS)))
    alert = alerting.wait_for("check failed", seconds=5)
    assert "scores:scores_are_small: 3 is not below 3" in alert["summary"]


def test_without_a_webhook_the_alert_sensors_skip_saying_why(monkeypatch):
    monkeypatch.delenv(ALERT_WEBHOOK_ENV, raising=False)
    _, checks_failed = build_alert_sensors()
    instance = dg.DagsterInstance.ephemeral()
    flagged = dg.materialize([scores, scores_are_small], instance=instance, raise_on_error=False)
    skipped = checks_failed(dg.build_run_status_sensor_context(
        sensor_name=checks_failed.name, dagster_instance=instance, dagster_run=flagged.dagster_run,
        dagster_event=ended(flagged, dg.DagsterEventType.RUN_SUCCESS)))
    assert ALERT_WEBHOOK_ENV in str(skipped)
