"""`GET /metrics` (the operator's): this process's and the pipeline's metrics in Prometheus' text exposition format
(`core/metrics.py` says which), for the operator's scraper; not in the OpenAPI document."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gamestats_assets.serve.deps import OPERATORS, MetricsDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_model=None, dependencies=OPERATORS, include_in_schema=False,
            summary="This process's metrics and the pipeline's, in Prometheus' exposition format (the operator's)")
def metrics(measured: MetricsDep) -> Response:
    """This process's request, pool, cache and upload metrics and the pipeline's runs, held partitions and
    freshness, in Prometheus' text exposition format, for the operator's scraper."""
    return Response(generate_latest(measured.registry), media_type=CONTENT_TYPE_LATEST)
