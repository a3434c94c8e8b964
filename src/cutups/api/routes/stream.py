"""A streaming job's files while it runs, and its events in the seed's shape.

``GET /jobs/{id}/stream/{file}``: a commentary job's chunks (``chunks/chunk_NNNN.mp4``), its HLS
playlist, init segment and fragments (``hls/...``) and, at the end, ``commentary.mp4``, each as
soon as it exists (the URLs of ``chunk_ready`` and ``complete`` events point here). The
playlist is rewritten atomically as chunks land, so a reader never sees half of it.

``GET /analyze-stream/{job_id}``: the job's stream events (``status``, ``events_detected``,
``commentary_ready``, ``chunk_ready``, ``warning``, ``error``, ``complete``) as the seed's
client reads them: ``data: {"type": ..., ...}`` lines only, no ``event:`` or ``id:`` fields,
ending after ``complete`` or ``error`` (or when the job ends). ``GET /jobs/{id}/events`` carries
the same events with the job's own, resumable.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response, StreamingResponse

from cutups.api.deps import ServiceDep
from cutups.api.errors import ApiError
from cutups.jobs.models import Event, Job
from cutups.jobs.service import Service
from cutups.storage.layout import valid_id

__all__ = ["STREAM_EVENTS", "router", "seed_message"]

router = APIRouter(tags=["jobs"])

STREAM_EVENTS = frozenset(
    {"status", "events_detected", "commentary_ready", "chunk_ready", "warning", "error", "complete"}
)
_LAST = frozenset({"complete", "error"})
_FILE = re.compile(
    r"chunks/chunk_\d{4,6}\.mp4|hls/(stream\.m3u8|init\.mp4|[\w-]+\.m4s)|commentary\.mp4"
)
_TYPES = {
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
    ".m3u8": "application/vnd.apple.mpegurl",
}
_POLL = 0.2


def _job(svc: Service, job_id: str) -> Job:
    job = svc.store.get(job_id) if valid_id(job_id) else None
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    return job


@router.get("/jobs/{job_id}/stream/{name:path}", response_class=FileResponse)
def stream_file(job_id: str, name: str, svc: ServiceDep) -> FileResponse:
    """One of a streaming job's files, as soon as it exists (HTTP Range works)."""
    job = _job(svc, job_id)
    if not _FILE.fullmatch(name):
        raise ApiError(404, "not_found", f"no stream file called {name!r}")
    path = svc.layout.out_dir(job.id) / name
    if not path.is_file():
        raise ApiError(404, "not_found", f"{name} does not exist (yet)")
    headers = {"Cache-Control": "no-cache"} if name.endswith(".m3u8") else {}
    return FileResponse(path, media_type=_TYPES[path.suffix], headers=headers)


def seed_message(event: Event) -> str:
    """One event as the seed's client reads it."""
    return f"data: {json.dumps({**event.data, 'type': event.type})}\n\n"


async def _seed_stream(svc: Service, job_id: str) -> AsyncIterator[str]:
    after = 0
    while True:
        events = await run_in_threadpool(svc.store.events_since, job_id, after)
        for event in events:
            after = event.seq
            if event.type in STREAM_EVENTS:
                yield seed_message(event)
                if event.type in _LAST:
                    return
        if events:
            continue
        job = await run_in_threadpool(svc.store.get, job_id)
        if job is None or job.terminal:
            return
        await asyncio.sleep(_POLL)


@router.get(
    "/analyze-stream/{job_id}",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, 404: {"description": "no such job"}},
)
async def analyze_stream(job_id: str, svc: ServiceDep) -> Response:
    """A job's stream events in the seed's shape (``data:`` lines with a ``type``)."""
    await run_in_threadpool(_job, svc, job_id)
    return StreamingResponse(
        _seed_stream(svc, job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
