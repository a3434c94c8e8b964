"""``/metrics``: Prometheus text format (see :mod:`cutups.jobs.metrics`). No auth, like /health.

Turn it off with ``CUTUPS_METRICS_ENABLED=false``; expose it only where Prometheus scrapes.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from cutups.api.deps import ServiceDep
from cutups.api.errors import ApiError
from cutups.jobs.metrics import CONTENT_TYPE

__all__ = ["router"]

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
def metrics(svc: ServiceDep) -> Response:
    """Job, queue, worker, clip, API-call, ffmpeg and disk metrics."""
    if not svc.settings.metrics_enabled:
        raise ApiError(404, "not_found", "metrics are off (CUTUPS_METRICS_ENABLED=false)")
    return Response(svc.metrics.render(), media_type=CONTENT_TYPE)
