"""The job service: store, workers, watchdog and webhooks, started and stopped as one.

Start-up order matters for resuming after a crash::

    lock the data dir            one server per data dir (a flock, released by the kernel on kill)
    open the store
    expire the leases of jobs held by an earlier server (it is gone: we hold the lock), and kill
        processes it left running in those jobs' folders
    start webhooks (re-queue deliveries that were still due), workers, the watchdog

so a job interrupted by a crash is claimed again at once, by this server, and resumes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from cutups.errors import ExternalServiceError, InputError
from cutups.jobs.logs import job_context
from cutups.jobs.metrics import STORAGE_USAGE, Metrics
from cutups.jobs.models import Job, JobStatus
from cutups.jobs.orphans import kill_strays
from cutups.jobs.periodic import Periodic
from cutups.jobs.postgres_store import open_store
from cutups.jobs.runner import Runtime
from cutups.jobs.store import JobStore
from cutups.jobs.sweeper import Sweeper
from cutups.jobs.webhooks import WebhookSender
from cutups.jobs.worker import WorkerPool

if TYPE_CHECKING:
    from cutups.jobs.distributed import Dispatcher
from cutups.settings import Settings
from cutups.storage.direct_uploads import BucketUploads, bucket_uploads_for
from cutups.storage.layout import DataLayout, remove_tree
from cutups.storage.s3 import artifacts_for
from cutups.storage.uploads import UploadStore

__all__ = ["DataDirBusyError", "Service", "Watchdog"]

log = logging.getLogger(__name__)

_BUCKET_SWEEP_SECONDS = 60.0
"""Uploads in the bucket are swept at most this often (a listing each time)."""


class DataDirBusyError(InputError):
    """Another server already uses this data dir."""


class Watchdog(Periodic):
    """Ends jobs nobody is running any more, and expires old uploads.

    Every ``watchdog_seconds``: a processing job whose lease ran out and that is not running
    here is (a) canceled if a cancel was asked for, (b) failed if it has had ``max_attempts``
    claims already (a poison job that kills its worker every time must not loop forever);
    otherwise a worker will claim it again.
    """

    def __init__(self, service: Service) -> None:
        super().__init__()
        self._svc = service
        self._bucket_swept = 0.0

    name = "cutups-watchdog"

    @property
    def interval(self) -> float:
        return self._svc.settings.watchdog_seconds

    def round(self) -> None:
        self.sweep()

    def failed(self, exc: Exception) -> None:
        if self._svc.store.unreachable(exc):  # a database outage: the next sweep tries again
            log.warning("watchdog sweep skipped: the job store is unreachable (%s)", exc)
        else:
            log.exception("watchdog sweep failed")

    def sweep(self) -> list[str]:
        """One pass; returns the ids of jobs it ended."""
        svc, settings = self._svc, self._svc.settings
        ended = []
        for job in svc.store.stalled():
            if svc.pool is not None and svc.pool.is_running(job.id):
                continue
            with job_context(job.id):
                if job.cancel_requested:
                    done = svc.store.finish(
                        job.id,
                        JobStatus.CANCELED,
                        error="canceled by request",
                        error_code="canceled",
                    )
                elif job.attempts >= settings.max_attempts:
                    log.warning("giving up after %d attempts", job.attempts)
                    done = svc.store.finish(
                        job.id,
                        JobStatus.FAILED,
                        error_code="gave_up",
                        error=f"the job stopped its worker {job.attempts} times (crash or "
                        "out of memory?); giving up",
                    )
                else:
                    continue
            if done is not None:
                remove_tree(svc.layout.job_dir(job.id))
                svc.finished(done)
                ended.append(job.id)
        svc.uploads.expire(time.time() - settings.upload_ttl_hours * 3600)
        self._sweep_bucket()
        return ended

    def _sweep_bucket(self) -> None:
        """Expire direct uploads in the bucket (S3 only), once a minute at most."""
        bucket = self._svc.bucket_uploads
        if bucket is None or time.monotonic() - self._bucket_swept < _BUCKET_SWEEP_SECONDS:
            return
        self._bucket_swept = time.monotonic()
        try:
            gone = bucket.expire()
        except ExternalServiceError as exc:
            log.warning("sweeping the bucket's uploads failed: %s", exc)
            return
        if gone:
            log.info("expired %d uploads in the bucket", len(gone))


class Service:
    """Everything behind the API.

    Arguments:
        settings: the server's settings (``data_dir`` says where everything lives).
        workers: jobs run at once (default ``max_concurrency``); 0 runs none (API only).
        store: a store to use instead of the SQLite one in the data dir (tests).
        transport: httpx transport for downloads and webhooks (tests); None for the network.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        workers: int | None = None,
        store: JobStore | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.layout = DataLayout(settings.data_dir)
        self.instance = uuid.uuid4().hex[:8]
        self.workers = settings.max_concurrency if workers is None else workers
        if settings.distributed:
            self.workers = 0  # `cutups worker` processes run the jobs; this server enqueues
        self._store = store
        self._transport = transport
        self._lock_fd: int | None = None
        self.pool: WorkerPool | None = None
        self.webhooks: WebhookSender | None = None
        self.watchdog: Watchdog | None = None
        self.base_url = settings.public_url or "http://127.0.0.1:8000"
        self.started_at = time.time()
        self.metrics = Metrics(
            store=lambda: self._store, ffmpeg=self.ffmpeg_processes, disk_path=settings.data_dir
        )
        self.dispatcher: Dispatcher | None = None
        self.sweeper: Sweeper | None = None
        self.bucket_uploads: BucketUploads | None = None
        """Direct uploads (``POST /upload`` with JSON): S3 mode only."""

    @property
    def store(self) -> JobStore:
        if self._store is None:
            raise RuntimeError("the service is not started")
        return self._store

    # -- life -----------------------------------------------------------------------------------
    def start(self) -> None:
        """Lock the data dir, recover from a crash, start the threads."""
        self.layout.create()
        self._lock()
        if self._store is None:
            self._store = open_store(self.settings, self.layout.db)
        self.uploads = UploadStore(self.layout.uploads)
        self.artifacts = artifacts_for(self.settings, self.layout, usage=STORAGE_USAGE)
        self.bucket_uploads = bucket_uploads_for(self.settings, self.artifacts)
        if self.settings.distributed:
            # Leases belong to `cutups worker` processes elsewhere: never expire them here.
            from cutups.jobs.distributed import Dispatcher

            self.dispatcher = Dispatcher(self.settings)
        else:
            self._recover()
        rt = Runtime(
            settings=self.settings,
            store=self.store,
            layout=self.layout,
            uploads=self.uploads,
            artifacts=self.artifacts,
            on_finished=self.finished,
            transport=self._transport,
            workers=self.workers,
        )
        self.webhooks = WebhookSender(
            self.store, self.settings, lambda: self.base_url, transport=self._transport
        )
        self.webhooks.start()
        self.pool = WorkerPool(rt, self.workers, self.instance)
        self.pool.start()
        self.watchdog = Watchdog(self)
        self.watchdog.start()
        if self.dispatcher is not None:
            self.sweeper = Sweeper(self.store, self.settings, self.dispatcher.enqueue)
            self.sweeper.start()
        log.info(
            "job service started",
            extra={
                "instance": self.instance,
                "workers": self.workers,
                "data_dir": str(self.layout.root),
            },
        )

    def stop(self) -> None:
        """Hand running jobs back to the queue and stop every thread."""
        if self.pool is not None:
            self.pool.stop()
        if self.watchdog is not None:
            self.watchdog.stop()
        if self.sweeper is not None:
            self.sweeper.stop()
        if self.webhooks is not None:
            self.webhooks.stop()
        if self.dispatcher is not None:
            self.dispatcher.close()
        if self._store is not None:
            self._store.close()
        self._unlock()
        log.info("job service stopped")

    def _lock(self) -> None:
        fd = os.open(self.layout.lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataDirBusyError(
                f"another cutups server is using {self.layout.root}; stop it or pick another "
                "--data-dir"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {self.instance}\n".encode())
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def _recover(self) -> None:
        """Jobs an earlier server held: expire their leases now and end its leftovers."""
        for job_id in self.store.expire_leases(f"{self.instance}:"):
            killed = kill_strays(self.layout.job_dir(job_id))
            with job_context(job_id):
                log.info(
                    "job was running when the previous server stopped; resuming it",
                    extra={"stray_processes_killed": killed},
                )

    # -- operations used by the API -------------------------------------------------------------
    def submit(
        self, request: Mapping[str, Any], *, idempotency_key: str | None = None
    ) -> tuple[Job, bool]:
        """Queue a job (see :meth:`JobStore.create`); wakes an idle worker."""
        job, created = self.store.create(
            request, idempotency_key=idempotency_key, max_queued=self.settings.max_queue
        )
        if created:
            with job_context(job.id):
                log.info("job queued")
            if self.pool is not None:
                self.pool.wake()
            if self.dispatcher is not None:
                self._dispatch(job.id)
        return job, created

    def _dispatch(self, job_id: str) -> None:
        """Send the job's message; if the broker is away, the sweeper sends it later."""
        assert self.dispatcher is not None
        try:
            self.dispatcher.enqueue(job_id)
        except Exception as exc:
            with job_context(job_id):
                log.warning(
                    "could not reach the broker (%s: %s); the sweeper will send the job within "
                    "%g s",
                    type(exc).__name__,
                    exc,
                    self.settings.requeue_grace_seconds + self.settings.sweep_seconds,
                )

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job: a queued one ends now, a running one is stopped within seconds."""
        before = self.store.get(job_id)
        job = self.store.request_cancel(job_id)
        if job is None or before is None:
            return None
        if before.status is JobStatus.QUEUED and job.status is JobStatus.CANCELED:
            self.finished(job)  # it was still queued: ended here, not by a worker
        elif job.status is JobStatus.PROCESSING and self.pool is not None:
            self.pool.cancel(job_id)
        return job

    def finished(self, job: Job) -> None:
        """A job ended: count it, send its webhook."""
        try:
            events = self.store.events_since(job.id, limit=100_000)
            self.metrics.job_finished(job, events, self.layout.out_dir(job.id))
        except Exception:
            log.exception("recording the job's metrics failed")
        if job.webhook_url and self.webhooks is not None:
            self.webhooks.enqueue(job.id)

    def ffmpeg_processes(self) -> int:
        return self.pool.ffmpeg_processes() if self.pool is not None else 0
