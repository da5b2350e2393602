"""`GET /api/v1/health`: whether the service can answer (its database) and whether the pipeline runs (Dagster's
daemon, by its heartbeats), so that a page waiting on a run can say plainly when nothing will run it."""

from __future__ import annotations

from fastapi import APIRouter

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.pipeline import HEARTBEAT_TOLERANCE_SECONDS, pipeline_state
from gamestats_assets.serve.deps import InstanceDep, ReaderDep
from gamestats_assets.serve.queries import service

router = APIRouter(tags=["health"])

Pipeline = shape(
    "PipelineHealth", "Dagster's daemon, which runs the sensors, the run queue and the backfills",
    running=field(bool, f"every needed daemon beat in the last {HEARTBEAT_TOLERANCE_SECONDS} s"),
    heartbeat_age_seconds=field(float | None, "seconds since the oldest needed daemon's last heartbeat (null: "
                                              "one never beat)"),
    missing=field(list[str], "the daemons whose heartbeat is missing or late"),
    message=field(str, "what a page says of it"))
Health = shape("Health", "What answers and what runs", status=field(str, "`ok`, or `degraded` when the pipeline "
                                                                           "is not running"),
               database=field(bool, "PostgreSQL answered"), pipeline=field(Pipeline, "Dagster's daemon"))


@router.get("/api/v1/health", response_model=Health, summary="Whether the API and the pipeline run")
def health(reader: ReaderDep, instance: InstanceDep) -> dict:
    """`ok` when PostgreSQL answers and every daemon Dagster needs has beaten recently, `degraded` when the pipeline
    does not run (the answer is 200 either way: the API itself answers)."""
    database = reader.uncached(service.answers).data
    state = pipeline_state(instance)
    return {"status": "ok" if state.running else "degraded", "database": database,
            "pipeline": {"running": state.running, "heartbeat_age_seconds": state.heartbeat_age_seconds,
                         "missing": list(state.missing), "message": state.message}}
