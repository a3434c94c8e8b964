"""What the job service stores: jobs, their statuses and stages, and their event log.

A job's life::

    queued ──claim──▶ processing ──▶ completed
      │                  │  ▲   └──▶ failed
      │                  │  └─ lease expired: claimed again (attempts + 1), resumes
      └──cancel──────────┴──────▶ canceled

Records are frozen snapshots; stores hand out new ones on every read.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "TERMINAL",
    "Event",
    "IdempotencyConflict",
    "Job",
    "JobStatus",
    "QueueFullError",
    "Stage",
    "request_hash",
]


class JobStatus(enum.StrEnum):
    """Where a job is in its life (the seed's names)."""

    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def terminal(self) -> bool:
        """True once the job will never change again."""
        return self in TERMINAL


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELED})


class Stage(enum.StrEnum):
    """The public stage of a processing job (the pipeline's stages, mapped)."""

    DOWNLOADING = "downloading"
    ANALYSING = "analysing"
    DETECTING = "detecting"
    CUTTING = "cutting"
    PACKAGING = "packaging"
    COMPLETED = "completed"


class QueueFullError(Exception):
    """The queue already holds ``max_queued`` jobs."""

    def __init__(self, depth: int) -> None:
        super().__init__(f"the queue is full ({depth} jobs waiting); try again later")
        self.depth = depth


class IdempotencyConflict(Exception):
    """An idempotency key reused with a different request body."""

    def __init__(self, key: str, job_id: str) -> None:
        super().__init__(f"idempotency key {key!r} was used for job {job_id} with another body")
        self.key = key
        self.job_id = job_id


def request_hash(request: Mapping[str, Any]) -> str:
    """A stable digest of a submission, to tell a retried request from a different one."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Job:
    """One job as the store holds it. Times are Unix seconds."""

    id: str
    status: JobStatus
    request: Mapping[str, Any]
    """The validated submission (JSON-able): source, options, webhook URL."""
    created: float
    updated: float
    stage: Stage | None = None
    pct: float = 0.0
    """0-100, never decreasing."""
    eta_sec: float | None = None
    detail: str = ""
    progress: Mapping[str, Any] = field(default_factory=dict)
    """Free-form progress facts (``downloaded_mb``, ``clips_done``, ``cfbd_state``, ...)."""
    error: str | None = None
    """One readable line when failed."""
    error_code: str | None = None
    result: Mapping[str, Any] | None = None
    worker_id: str | None = None
    """Who holds (or last held) the lease."""
    lease_expires_at: float | None = None
    last_heartbeat_at: float | None = None
    started_at: float | None = None
    """When a worker first claimed the job."""
    finished_at: float | None = None
    attempts: int = 0
    """Claims so far: 1 for a job that ran once, more after its worker died."""
    cancel_requested: bool = False
    checkpoints: Mapping[str, Any] = field(default_factory=dict)
    """Finished stages and what they left behind (``download``: path and size; ...)."""
    webhook_state: str | None = None
    """None (no webhook), ``pending``, ``delivered`` or ``failed``."""
    webhooks: tuple[Mapping[str, Any], ...] = ()
    """Delivery log: one entry per attempt."""
    idempotency_key: str | None = None
    request_hash: str = ""

    @property
    def terminal(self) -> bool:
        return self.status.terminal

    @property
    def webhook_url(self) -> str | None:
        url = self.request.get("webhook_url")
        return str(url) if url else None


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a job's event log; ``seq`` counts from 1 per job (the SSE ``id``)."""

    job_id: str
    seq: int
    type: str
    data: Mapping[str, Any]
    at: float
