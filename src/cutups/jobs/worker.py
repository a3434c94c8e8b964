"""Worker threads inside the server process, each running one job at a time.

Threads, not processes: the heavy work is ffmpeg child processes and PyAV decoding, both
outside the GIL, and a thread can be stopped the way the pipeline expects (its cancel event and
its ffmpeg registry), with no IPC. A worker that dies with the server loses nothing: its job's
lease runs out and the job resumes from its checkpoints.

Each running job has a lease keeper: a small thread renewing the lease every
``heartbeat_seconds``. When renewal fails the job has been taken over (lost); when the store
says a cancel was requested, or the job is over its time limit, the keeper stops the job.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from cutups.jobs.logs import job_context
from cutups.jobs.runner import JobRun, Runtime, execute

__all__ = ["WorkerPool", "keep_lease", "lower_priority"]

log = logging.getLogger(__name__)

_IDLE_POLL = 0.5


class WorkerPool:
    """``size`` worker threads claiming and running jobs.

    Arguments:
        rt: what jobs need.
        size: jobs run at once.
        instance: this server's id; worker ids are ``<instance>:<n>``.
    """

    def __init__(self, rt: Runtime, size: int, instance: str) -> None:
        self.rt = rt
        self.size = size
        self.instance = instance
        self._threads: list[threading.Thread] = []
        self._running: dict[str, JobRun] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()

    # -- control --------------------------------------------------------------------------------
    def start(self) -> None:
        for n in range(self.size):
            thread = threading.Thread(
                target=self._loop,
                args=(f"{self.instance}:{n}",),
                name=f"cutups-worker-{n}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        """A job was queued: idle workers look now rather than at their next poll."""
        self._wake.set()

    def cancel(self, job_id: str) -> bool:
        """Stop a job running here now; False when it does not run here."""
        with self._lock:
            run = self._running.get(job_id)
        if run is None:
            return False
        run.stop("cancel")
        return True

    def stop(self, timeout: float = 15.0) -> None:
        """Stop claiming; hand running jobs back to the queue (their files kept) and join."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            runs = list(self._running.values())
        for run in runs:
            run.stop("shutdown")
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))

    # -- introspection --------------------------------------------------------------------------
    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def is_running(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._running

    def ffmpeg_processes(self) -> int:
        """ffmpeg processes the running jobs have alive now."""
        with self._lock:
            return sum(run.registry.active for run in self._running.values())

    # -- the loop -------------------------------------------------------------------------------
    def _loop(self, worker_id: str) -> None:
        settings = self.rt.settings
        lower_priority(settings.worker_nice)
        while not self._stopping.is_set():
            try:
                job = self.rt.store.claim(
                    worker_id, settings.lease_seconds, max_attempts=settings.max_attempts
                )
            except Exception:
                log.exception("claiming a job failed")
                self._stopping.wait(1.0)
                continue
            if job is None:
                self._wake.wait(_IDLE_POLL)
                self._wake.clear()
                continue
            run = JobRun(job, worker_id)
            with self._lock:
                self._running[job.id] = run
            keeper = threading.Thread(
                target=keep_lease, args=(run, self.rt), name=f"cutups-lease-{job.id}", daemon=True
            )
            keeper.start()
            try:
                with job_context(job.id):
                    log.info("claimed (attempt %d)", job.attempts)
                execute(run, self.rt)
            except Exception:
                log.exception("worker crashed running job %s", job.id)
            finally:
                run.done.set()
                keeper.join()
                with self._lock:
                    self._running.pop(job.id, None)


def lower_priority(steps: int) -> None:
    """Run the calling thread ``steps`` nicer, and with it the threads and processes it starts.

    The embedded workers share the server's cores (and its GIL) with the API: niced, their
    decoding and ffmpeg children yield the CPU to status polls instead of stretching them
    (measured under 64 concurrent polls with two jobs running: twice the polls answered per
    second). Linux only: there a thread's id names it alone; elsewhere it would name the
    whole process, API included.
    """
    if steps <= 0 or sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + steps))
    except OSError as exc:  # not allowed here (a container's seccomp): run at the same priority
        log.warning("could not lower the worker's priority: %s", exc)


def keep_lease(run: JobRun, rt: Runtime) -> None:
    """The lease keeper's loop: renew ``run``'s lease until it is done, stopping it when the
    lease is lost, a cancel is requested or the job runs over ``job_ttl_hours``."""
    settings, store = rt.settings, rt.store
    ttl = settings.job_ttl_hours * 3600
    with job_context(run.job.id):
        while not run.done.wait(settings.heartbeat_seconds):
            try:
                job = store.heartbeat(run.job.id, run.worker_id, settings.lease_seconds)
            except Exception:
                log.exception("heartbeat failed")
                continue
            if job is None:
                run.stop("lost")
                return
            if job.cancel_requested:
                run.stop("cancel")
            elif job.started_at is not None and time.time() - job.started_at > ttl:
                run.stop("timeout")
