"""Distributed execution: Celery on Redis carries job ids; PostgreSQL holds the jobs.

``cutups serve`` with ``CUTUPS_BROKER_URL`` only enqueues (:class:`Dispatcher`); every
``cutups worker`` process (:mod:`cutups.jobs.worker_cli`) consumes the queue and runs each job on
one worker from download to ZIP (seed 001: download once).

Exactly once, with a worker that can die at any moment, comes from the store:

* **leases decide, not the broker**: a task claims its job by id (``claim_id``: a conditional
  update that takes only a queued job, or one whose lease ran out). A message for a job another
  worker holds, or for a finished one, is dropped at once (a late redelivery, a duplicate the
  sweeper sent). The lease keeper renews the lease every ``heartbeat_seconds`` and fences a
  worker that lost it (its writes are refused). When a worker dies its lease runs out, and the
  **sweeper** (:mod:`cutups.jobs.sweeper`, in every worker and the API) re-enqueues the job at
  :data:`RESUME_PRIORITY`, ahead of fresh submissions: another worker resumes it within about
  ``lease_seconds`` + ``sweep_seconds``. Queued jobs whose message was lost (a Redis restart) are
  re-sent after ``requeue_grace_seconds``.
* **the broker redelivers, as a backstop**: late acknowledgement (``task_acks_late``),
  ``task_reject_on_worker_lost``, prefetch 1 (a worker holds no message it is not running). A
  SIGKILLed worker never acks, so Redis hands the message on once the **visibility timeout**
  passes (``CUTUPS_BROKER_VISIBILITY_TIMEOUT``, default 7 h against a 6 h job limit: Redis
  cannot tell a dead worker from a slow one). By then the sweeper has long resumed the job, and
  the redelivered message is dropped.

The redelivered attempt resumes from the job's checkpoints when the workers share the data dir
(the download is reused, analysis and finished clips are not redone: ``run_plays(resume=True)``);
on another machine it pulls them from the bucket when S3 is configured
(:mod:`cutups.storage.checkpoints`), otherwise it starts that job over, still exactly once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from celery import Celery  # type: ignore[import-untyped]

from cutups.errors import ConfigError
from cutups.jobs.logs import job_context
from cutups.jobs.models import Job
from cutups.jobs.orphans import kill_strays
from cutups.jobs.runner import JobRun, Runtime, execute
from cutups.jobs.store import JobStore
from cutups.jobs.worker import keep_lease
from cutups.settings import Settings

__all__ = [
    "FRESH_PRIORITY",
    "QUEUE",
    "RESUME_PRIORITY",
    "TASK",
    "Dispatcher",
    "Executor",
    "celery_app",
    "send_job",
]

log = logging.getLogger(__name__)

TASK = "cutups.run_job"
QUEUE = "cutups"
RESUME_PRIORITY = 0
"""A dead or stopping worker's job: kombu's Redis transport pops priority 0 first, so it goes
ahead of the queue of fresh ones."""
FRESH_PRIORITY = 3
"""A submitted job's message (and an unclaimed job's re-sent one)."""


def celery_app(settings: Settings) -> Celery:
    """The Celery app both sides use, configured for long jobs that must not run twice."""
    if not settings.broker_url:
        raise ConfigError("distributed mode needs CUTUPS_BROKER_URL (redis://host:port/0)")
    visibility = settings.broker_visibility_timeout
    app = Celery("cutups", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            # how often workers look for messages whose worker vanished (at most every minute;
            # quicker with the short timeouts tests use)
            "unacked_restore_interval": max(1.0, min(60.0, visibility / 10)),
            "unacked_restore_throttle": 1,
        },
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_enable_remote_control=False,
        worker_send_task_events=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        enable_utc=True,
    )
    return app


def send_job(app: Celery, job_id: str, *, resume: bool) -> None:
    """One message naming ``job_id`` on the jobs queue (``resume``: ahead of fresh jobs)."""
    priority = RESUME_PRIORITY if resume else FRESH_PRIORITY
    app.send_task(TASK, args=[job_id], queue=QUEUE, priority=priority)


class Dispatcher:
    """The API side: one message per submitted job (and the sweeper's re-sends)."""

    def __init__(self, settings: Settings) -> None:
        self.app = celery_app(settings)

    def enqueue(self, job_id: str, *, resume: bool = False) -> None:
        """Send the job's message (``resume``: ahead of fresh jobs)."""
        with job_context(job_id):
            send_job(self.app, job_id, resume=resume)
            log.info("job sent to the workers' queue")

    def close(self) -> None:
        self.app.close()


class Executor:
    """The worker side: run the job a message names, at most once at a time across workers.

    Arguments:
        rt: what jobs need (store, data dir, artifacts, ``on_finished``).
        instance: this process's id; worker ids are ``<instance>:<n>``.
        requeue: sends a job's message again (used when a stopping worker hands a job back).
    """

    def __init__(self, rt: Runtime, instance: str, requeue: Any = None) -> None:
        self.rt = rt
        self.instance = instance
        self.requeue = requeue
        self._running: dict[str, JobRun] = {}
        self._lock = threading.Lock()
        self._n = 0
        self.stopping = threading.Event()

    @property
    def store(self) -> JobStore:
        return self.rt.store

    def ffmpeg_processes(self) -> int:
        with self._lock:
            return sum(run.registry.active for run in self._running.values())

    def stop(self) -> None:
        """Hand running jobs back (released, re-enqueued) so another worker resumes them."""
        self.stopping.set()
        with self._lock:
            runs = list(self._running.values())
        for run in runs:
            run.stop("shutdown")

    def _claim(self, job_id: str, worker_id: str) -> Job | None:
        """The message's job, claimed; None drops the message (over, held, or not runnable)."""
        settings = self.rt.settings
        claim = getattr(self.store, "claim_id", None)
        if claim is None:
            raise ConfigError("distributed workers need the PostgreSQL store (CUTUPS_DATABASE_URL)")
        job = self.store.get(job_id)
        if job is None or job.terminal:
            log.info("message dropped: the job is %s", job.status.value if job else "unknown")
            return None
        taken: Job | None = claim(
            job_id, worker_id, settings.lease_seconds, max_attempts=settings.max_attempts
        )
        if taken is None:
            # Held by a live lease elsewhere (a late or duplicate message), canceled, or out of
            # attempts (the watchdog fails it). Whoever holds it runs it; if it dies, its lease
            # runs out and the sweeper sends a new message.
            log.info("message dropped: the job is %s by %s", job.status.value, job.worker_id)
        return taken

    def run(self, job_id: str) -> str:
        """Run one job if it is ours to run; returns what happened (for logs and tests)."""
        with self._lock:
            self._n += 1
            worker_id = f"{self.instance}:{self._n}"
        with job_context(job_id):
            job = self._claim(job_id, worker_id)
            if job is None:
                return "noop"
            if job.attempts > 1:
                killed = kill_strays(self.rt.layout.job_dir(job.id))
                log.info(
                    "resuming a job another worker left (attempt %d)",
                    job.attempts,
                    extra={"stray_processes_killed": killed},
                )
            run = JobRun(job, worker_id)
            with self._lock:
                self._running[job.id] = run
            keeper = threading.Thread(target=keep_lease, args=(run, self.rt), daemon=True)
            keeper.start()
            try:
                done = execute(run, self.rt)
            finally:
                run.done.set()
                keeper.join()
                with self._lock:
                    self._running.pop(job.id, None)
            if run.reason == "shutdown" and self.requeue is not None:
                self.requeue(job.id)  # released to the queue: a message for the next worker
                return "released"
            return done.status.value if done is not None else (run.reason or "lost")


def instance_id() -> str:
    """``<host>-<pid>-<random>``: unique per worker process, readable in logs and metrics."""
    host = socket.gethostname().split(".")[0] or "host"
    return f"{host}-{os.getpid()}-{uuid.uuid4().hex[:4]}"
