"""``/health`` (alive, with queue facts) and ``/health/ready`` (can take work). No auth."""

from __future__ import annotations

import shutil
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cutups import __version__
from cutups.api.deps import ServiceDep
from cutups.api.errors import error_body
from cutups.jobs.postgres_store import STORE_ERRORS, store_unreachable
from cutups.storage.layout import free_bytes

__all__ = ["router"]

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
def health(svc: ServiceDep) -> dict[str, Any]:
    """Liveness, queue depth, running jobs and their live ffmpeg processes.

    Alive even while the job store cannot be reached (``store: unreachable``, no queue depth):
    restarting the API would not bring the database back; ``/health/ready`` says not ready."""
    pool = svc.pool
    try:
        depth: int | None = svc.store.queue_depth()
    except STORE_ERRORS as exc:
        if not store_unreachable(exc):
            raise
        depth = None
    return {
        "status": "ok",
        "version": __version__,
        "pid": _pid(),
        "uptime_sec": round(time.time() - svc.started_at, 1),
        "workers": svc.workers,
        "store": "ok" if depth is not None else "unreachable",
        "queue_depth": depth,
        "running": pool.running() if pool is not None else [],
        "ffmpeg_processes": svc.ffmpeg_processes(),
    }


@router.get("/ready", responses={503: {"description": "not ready; checks say why"}})
def ready(svc: ServiceDep) -> JSONResponse:
    """Ready for work: the store answers, ffmpeg is installed, the disk has room."""
    settings = svc.settings
    free = free_bytes(svc.layout.root)
    checks = {
        "store": svc.store.ping(),
        "ffmpeg": shutil.which(settings.ffmpeg) is not None,
        "disk": free >= settings.min_free_bytes,
    }
    facts = {"free_bytes": free, "min_free_bytes": settings.min_free_bytes}
    if all(checks.values()):
        return JSONResponse({"ready": True, "checks": checks, **facts})
    failed = ", ".join(k for k, ok in checks.items() if not ok)
    return JSONResponse(
        error_body("not_ready", f"not ready: {failed}", checks=checks, **facts), status_code=503
    )


def _pid() -> int:
    import os

    return os.getpid()
