"""The sweeper: leases decide when a job needs a worker again, not the broker.

In distributed mode every ``cutups worker`` process and the API run one. Every
``sweep_seconds`` it asks the store (:meth:`~cutups.jobs.store.JobStore.sweep`, one sweep at a
time across processes) for jobs that nobody will run otherwise, and sends each a new message:

* a processing job whose lease ran out: its worker died (SIGKILL, out of memory, a lost
  machine). Leases are renewed every ``heartbeat_seconds``, so another worker resumes the job
  within ``lease_seconds`` + ``sweep_seconds`` of the death when one is free, instead of after
  the broker's visibility timeout (hours, kept only as a backstop);
* a job queued for longer than ``requeue_grace_seconds``: its message may be gone (a broker
  restart without persistence, an API killed between storing the job and sending it).

A dead worker's job goes ahead of the queue (``send(job_id, resume=True)``: the broker's
:data:`~cutups.jobs.distributed.RESUME_PRIORITY`); an unclaimed one keeps its place among fresh
jobs (a burst of them after a Redis restart must not push a resumed job back). A message that
turns out to be a duplicate costs nothing: the claim in the store decides, and a message for a
job another worker holds, or that is over, is dropped.

When every worker is busy, a resumed job is first in line but waits for one to finish its job:
the 2× lease bound needs a free worker.
"""

from __future__ import annotations

import logging
from typing import Protocol

from cutups.jobs.logs import job_context
from cutups.jobs.periodic import Periodic
from cutups.jobs.store import JobStore, Requeued
from cutups.settings import Settings

__all__ = ["Send", "Sweeper"]

log = logging.getLogger(__name__)


class Send(Protocol):
    """Sends one message naming ``job_id``; ``resume``: ahead of fresh jobs."""

    def __call__(self, job_id: str, *, resume: bool) -> None: ...


class Sweeper(Periodic):
    """A thread sweeping ``store`` every ``sweep_seconds``; ``send`` enqueues one job id."""

    def __init__(self, store: JobStore, settings: Settings, send: Send) -> None:
        self._store = store
        super().__init__()
        self._settings = settings
        self._send = send

    name = "cutups-sweeper"

    @property
    def interval(self) -> float:
        return self._settings.sweep_seconds

    def round(self) -> None:
        self.sweep()

    def failed(self, exc: Exception) -> None:
        # the store or the broker is away: try again next time
        log.warning("sweep failed: %s: %s", type(exc).__name__, exc)

    def sweep(self) -> Requeued:
        """One pass: requeue in the store, then send a message for each job."""
        settings = self._settings
        swept = self._store.sweep(
            max_attempts=settings.max_attempts, grace_seconds=settings.requeue_grace_seconds
        )
        for job_id in swept.ids:
            resume = job_id in swept.expired
            with job_context(job_id):
                why = "its worker's lease ran out" if resume else "unclaimed"
                log.info("re-enqueued by the sweeper (%s)", why)
                self._send(job_id, resume=resume)
        return swept
