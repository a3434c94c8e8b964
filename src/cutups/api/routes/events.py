"""``GET /jobs/{id}/events``: the job's event log as Server-Sent Events.

Every client following a job is fed by one poller of the store per job and process
(:mod:`cutups.api.feeds`), not by a poll of its own. Each event is sent with its sequence
number as ``id:``, so a client that reconnects with
``Last-Event-ID`` (browsers do it by themselves) gets exactly what it missed: the log is kept in
the job store, not in memory, so replay works across server restarts too. Idle streams get a
``: keep-alive`` comment every ``sse_heartbeat_seconds``. The stream ends after the job's
terminal event (``completed``, ``failed`` or ``canceled``).

Reconnecting: the stream starts with ``retry: 15000``. A browser's ``EventSource`` reconnects
by itself whenever a stream ends, after that many milliseconds; a dropped stream (a restart, a
proxy's idle timeout) comes back within 15 s, and the page polls the job meanwhile. 3 s made
every open page a request every 3 s once its stream ended. A job that has ended with nothing
after the client's cursor answers ``204 No Content``, which tells ``EventSource`` to stop.

The cursor (``?after=`` or ``Last-Event-ID``) is a sequence number: 0 to 2^63-1 (the store's
integer range), else 422.

Event types: ``queued``, ``attempt``, ``stage``, ``progress``, ``checkpoint``, ``clip_ready``
(``data.clip`` is the clip's manifest entry), ``completed``, ``failed``, ``canceled``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from cutups.api.deps import ServiceDep
from cutups.api.errors import ApiError
from cutups.api.feeds import KEEP_ALIVE, EventFeeds
from cutups.jobs.models import Event
from cutups.jobs.service import Service
from cutups.storage.layout import valid_id

__all__ = ["MAX_CURSOR", "RETRY_MS", "format_event", "router"]

router = APIRouter(prefix="/jobs", tags=["jobs"])

RETRY_MS = 15_000
"""How long a browser waits before reconnecting a stream that ended or dropped (see above)."""
MAX_CURSOR = 2**63 - 1
"""The largest event id: a signed 64-bit integer, as SQLite and PostgreSQL store it."""


def format_event(event: Event) -> str:
    """One SSE message."""
    data = {
        "job_id": event.job_id,
        "seq": event.seq,
        "type": event.type,
        "at": event.at,
        **event.data,
    }
    return f"id: {event.seq}\nevent: {event.type}\ndata: {json.dumps(data)}\n\n"


async def _stream(svc: Service, feeds: EventFeeds, job_id: str, after: int) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    async for event in feeds.follow(job_id, after, svc.settings.sse_heartbeat_seconds):
        yield ": keep-alive\n\n" if event is KEEP_ALIVE else format_event(event)


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "the event stream"},
        204: {"description": "the job has ended and nothing is after the cursor: do not retry"},
        404: {"description": "no such job"},
        422: {"description": "the cursor is not a number from 0 to 2^63-1"},
    },
)
async def job_events(
    job_id: str,
    request: Request,
    svc: ServiceDep,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_CURSOR, description="replay events after this id")
    ] = None,
) -> Response:
    """Server-Sent Events for one job; resume with Last-Event-ID (or ?after=)."""
    job = await run_in_threadpool(svc.store.get, job_id) if valid_id(job_id) else None
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    start = max(after or 0, _cursor(last_event_id))
    if job.terminal and not await run_in_threadpool(svc.store.events_since, job_id, start):
        return Response(status_code=204)
    return StreamingResponse(
        _stream(svc, request.app.state.feeds, job_id, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _cursor(last_event_id: str | None) -> int:
    """The ``Last-Event-ID`` header as a cursor (0 when absent)."""
    if not last_event_id:
        return 0
    text = last_event_id.strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_CURSOR:
        raise ApiError(
            422, "invalid_request", f"Last-Event-ID must be a number from 0 to {MAX_CURSOR}"
        )
    return int(text)
