"""A job's state changes as pure functions: a job (and the time) in, the next job out.

Every store applies these and nothing else, each inside its own lock or transaction
(:class:`cutups.jobs.store.JobStore`), so the in-memory, SQLite and PostgreSQL stores change jobs
the same way by construction. :class:`Selection` says which jobs a query wants, once: the memory
store filters with :meth:`Selection.matches`, the SQL stores render it as a ``WHERE`` clause.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cutups.jobs.models import Job, JobStatus, Stage

__all__ = [
    "Selection",
    "cancel_flagged",
    "checkpointed",
    "claimable",
    "claimed",
    "finished",
    "heartbeated",
    "held_by",
    "lease_voided",
    "new_job",
    "progressed",
    "released",
    "requeued",
    "stalled",
    "terminal_event",
    "webhook_due",
    "webhook_logged",
]


def new_job(
    job_id: str,
    request: Mapping[str, Any],
    now: float,
    *,
    idempotency_key: str | None,
    digest: str,
) -> Job:
    """A queued job for ``request``, kept as its JSON form (what every store holds)."""
    return Job(
        id=job_id,
        status=JobStatus.QUEUED,
        request=json.loads(json.dumps(dict(request), default=str)),
        created=now,
        updated=now,
        webhook_state="pending" if request.get("webhook_url") else None,
        idempotency_key=idempotency_key,
        request_hash=digest,
    )


# -- predicates -------------------------------------------------------------------------------
def held_by(job: Job, worker_id: str) -> bool:
    """True when ``worker_id`` holds ``job``'s lease."""
    return job.status is JobStatus.PROCESSING and job.worker_id == worker_id


def stalled(job: Job, now: float) -> bool:
    """A processing job whose lease has run out (its worker is gone)."""
    return job.status is JobStatus.PROCESSING and (job.lease_expires_at or 0.0) < now


def claimable(job: Job, now: float, max_attempts: int | None) -> bool:
    """True when a claim may take ``job`` now: queued, or stalled with attempts left.

    Jobs with a cancel request are left for the watchdog.
    """
    if job.cancel_requested:
        return False
    if job.status is JobStatus.QUEUED:
        return True
    return stalled(job, now) and (max_attempts is None or job.attempts < max_attempts)


def webhook_due(job: Job) -> bool:
    """A finished job whose webhook is still to be delivered."""
    return job.terminal and job.webhook_state == "pending"


# -- changes ----------------------------------------------------------------------------------
def claimed(job: Job, worker_id: str, now: float, lease_seconds: float) -> Job:
    """``job`` taken by ``worker_id`` until ``now + lease_seconds``; one attempt more."""
    return replace(
        job,
        status=JobStatus.PROCESSING,
        worker_id=worker_id,
        lease_expires_at=now + lease_seconds,
        last_heartbeat_at=now,
        attempts=job.attempts + 1,
        updated=now,
        started_at=job.started_at or now,
    )


def heartbeated(job: Job, now: float, lease_seconds: float) -> Job:
    """The lease renewed."""
    return replace(job, lease_expires_at=now + lease_seconds, last_heartbeat_at=now, updated=now)


def progressed(
    job: Job,
    now: float,
    *,
    stage: Stage | None,
    pct: float | None,
    eta_sec: float | None,
    detail: str | None,
    progress: Mapping[str, Any] | None,
) -> Job:
    """Progress recorded: given fields replace, ``progress`` merges, ``pct`` never goes down."""
    return replace(
        job,
        stage=stage if stage is not None else job.stage,
        pct=max(job.pct, min(100.0, pct)) if pct is not None else job.pct,
        eta_sec=eta_sec if eta_sec is not None else job.eta_sec,
        detail=detail if detail is not None else job.detail,
        progress={**job.progress, **copy.deepcopy(dict(progress or {}))},
        updated=now,
    )


def checkpointed(job: Job, now: float, name: str, data: Mapping[str, Any]) -> Job:
    """Stage ``name`` finished, leaving ``data`` behind for a resumed attempt."""
    return replace(
        job, checkpoints={**job.checkpoints, name: copy.deepcopy(dict(data))}, updated=now
    )


def finished(
    job: Job,
    now: float,
    status: JobStatus,
    *,
    result: Mapping[str, Any] | None = None,
    error: str | None = None,
    error_code: str | None = None,
) -> Job:
    """The job over, with ``status`` (terminal) and its outcome."""
    if not status.terminal:
        raise ValueError(f"finish needs a terminal status, not {status.value}")
    done = status is JobStatus.COMPLETED
    return replace(
        job,
        status=status,
        result=copy.deepcopy(dict(result)) if result is not None else None,
        error=error,
        error_code=error_code,
        finished_at=now,
        updated=now,
        lease_expires_at=None,
        eta_sec=0.0 if done else None,
        stage=Stage.COMPLETED if done else job.stage,
        pct=100.0 if done else job.pct,
    )


def released(job: Job, now: float) -> Job:
    """Handed back to the queue (graceful shutdown): the attempt is refunded."""
    return replace(
        job,
        status=JobStatus.QUEUED,
        lease_expires_at=None,
        attempts=max(0, job.attempts - 1),
        updated=now,
    )


def requeued(job: Job, now: float) -> Job:
    """Back in the queue for a new message (the sweeper): a job whose lease ran out, or a queued
    one whose message is presumed lost. Its attempts stand (a dead worker's attempt counts);
    ``updated`` is when this message was sent, so the sweeper waits a grace period again."""
    return replace(job, status=JobStatus.QUEUED, lease_expires_at=None, updated=now)


def cancel_flagged(job: Job, now: float) -> Job:
    """What a cancel does: a queued job ends now; a processing one is asked to stop."""
    if job.status is JobStatus.QUEUED:
        return finished(job, now, JobStatus.CANCELED, error="canceled", error_code="canceled")
    if job.status is JobStatus.PROCESSING and not job.cancel_requested:
        return replace(job, cancel_requested=True, updated=now)
    return job


def lease_voided(job: Job, now: float) -> Job:
    """The lease ended just now (its worker belongs to a server that is gone)."""
    return replace(job, lease_expires_at=now - 1e-6)


def webhook_logged(job: Job, state: str, entry: Mapping[str, Any] | None) -> Job:
    """The webhook's new state, with ``entry`` added to the delivery log."""
    log = job.webhooks if entry is None else (*job.webhooks, dict(entry))
    return replace(job, webhook_state=state, webhooks=log)


def terminal_event(job: Job) -> tuple[str, dict[str, Any]]:
    """The event a finished job appends: its status as type, the outcome as data."""
    data: dict[str, Any] = {
        "status": job.status.value,
        "stage": job.stage.value if job.stage is not None else None,
    }
    if job.error:
        data["error"] = job.error
    if job.result is not None:
        data["result"] = dict(job.result)
    return job.status.value, data


# -- queries ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Selection:
    """Which jobs a store query returns: those matching every field set, in queue order.

    Fields left at their default do not filter.
    """

    job_id: str | None = None
    status: JobStatus | None = None
    idempotency_key: str | None = None
    stalled_at: float | None = None
    """Only jobs :func:`stalled` at this time."""
    claimable_at: float | None = None
    """Only jobs :func:`claimable` at this time (with :attr:`max_attempts`)."""
    max_attempts: int | None = None
    queued_before: float | None = None
    """Only queued jobs last (re)queued before this time (their message may be lost)."""
    webhook_due: bool = False
    """Only jobs :func:`webhook_due`."""
    newest_first: bool = False
    limit: int | None = None
    offset: int = 0

    def matches(self, job: Job) -> bool:
        """True when ``job`` passes every filter (ordering and paging aside)."""
        return (
            (self.job_id is None or job.id == self.job_id)
            and (self.status is None or job.status is self.status)
            and (self.idempotency_key is None or job.idempotency_key == self.idempotency_key)
            and (self.stalled_at is None or stalled(job, self.stalled_at))
            and (self.claimable_at is None or claimable(job, self.claimable_at, self.max_attempts))
            and (self.queued_before is None or _queued_before(job, self.queued_before))
            and (not self.webhook_due or webhook_due(job))
        )


def _queued_before(job: Job, when: float) -> bool:
    return job.status is JobStatus.QUEUED and job.updated < when
