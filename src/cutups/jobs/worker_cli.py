"""``cutups worker``: a process that takes jobs from the shared queue and runs them.

::

    CUTUPS_BROKER_URL=redis://redis:6379/0 \\
    CUTUPS_DATABASE_URL=postgresql://cutups:...@db/cutups \\
    CUTUPS_STORAGE_BACKEND=s3 CUTUPS_S3_BUCKET=clips \\
    cutups worker --data-dir /var/lib/cutups

It runs a Celery worker (threads pool, ``CUTUPS_WORKER_CONCURRENCY`` jobs at once, default 1)
whose one task runs a job end to end (:class:`cutups.jobs.distributed.Executor`), sends its
webhook, runs the sweeper (:mod:`cutups.jobs.sweeper`: dead workers' jobs are re-enqueued),
and exposes Prometheus metrics on ``CUTUPS_WORKER_METRICS_PORT`` when set. SIGTERM
hands running jobs back to the queue (files kept) and exits.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from cutups.errors import CutupsError
from cutups.jobs.distributed import QUEUE, TASK, Executor, celery_app, instance_id, send_job
from cutups.jobs.logs import configure_logging
from cutups.jobs.metrics import STORAGE_USAGE, Metrics
from cutups.jobs.models import Job
from cutups.jobs.postgres_store import PostgresJobStore, open_store
from cutups.jobs.runner import Runtime
from cutups.jobs.sweeper import Sweeper
from cutups.jobs.webhooks import WebhookSender
from cutups.settings import Settings
from cutups.storage.layout import DataLayout
from cutups.storage.s3 import artifacts_for
from cutups.storage.uploads import UploadStore

__all__ = ["run_worker"]

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2


def run_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run until SIGTERM/SIGINT; return the exit code."""
    update: dict[str, object] = {}
    if getattr(args, "data_dir", None) is not None:
        update["data_dir"] = args.data_dir
    if getattr(args, "concurrency", None) is not None:
        update["worker_concurrency"] = args.concurrency
    if getattr(args, "metrics_port", None) is not None:
        update["worker_metrics_port"] = args.metrics_port
    if update:
        settings = settings.model_copy(update=update)
    if not settings.broker_url or not settings.database_url:
        sys.stderr.write(
            "cutups worker: set CUTUPS_BROKER_URL (redis://...) and CUTUPS_DATABASE_URL "
            "(postgresql://...): workers share the queue and the job store\n"
        )
        return EXIT_REFUSED
    configure_logging()
    try:
        return _run(settings)
    except CutupsError as exc:
        sys.stderr.write(f"cutups worker: {exc.message}\n")
        return EXIT_FAILED


def _run(settings: Settings) -> int:
    instance = instance_id()
    layout = DataLayout(settings.data_dir)
    layout.create()
    store = open_store(settings, layout.db)
    assert isinstance(store, PostgresJobStore)
    base_url = (settings.public_url or "http://127.0.0.1:8000").rstrip("/")
    webhooks = WebhookSender(store, settings, lambda: base_url)
    app = celery_app(settings)
    executor, metrics = _executor(settings, store, layout, webhooks, app, instance)
    _register_task(app, executor)
    if settings.worker_metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port, "127.0.0.1", registry=metrics.registry)
    webhooks.start()
    sweeper = Sweeper(
        store, settings, lambda job_id, *, resume: send_job(app, job_id, resume=resume)
    )
    sweeper.start()
    log.info(
        "cutups worker started",
        extra={
            "instance": instance,
            "concurrency": settings.worker_concurrency,
            "data_dir": str(layout.root),
            "visibility_timeout": settings.broker_visibility_timeout,
        },
    )
    worker = _celery_worker(app, settings, instance)
    try:
        worker.start()
    finally:
        sweeper.stop()
        executor.stop()
        webhooks.stop()
        store.close()
        log.info("cutups worker stopped")
    code = worker.exitcode
    return int(code) if isinstance(code, int) else EXIT_OK


def _executor(
    settings: Settings,
    store: PostgresJobStore,
    layout: DataLayout,
    webhooks: WebhookSender,
    app: Any,
    instance: str,
) -> tuple[Executor, Metrics]:
    """The job runner of this process, with its metrics and what happens when a job ends."""
    running: list[Executor] = []  # the metrics' ffmpeg gauge reads it once it exists
    metrics = Metrics(
        store=lambda: store,
        ffmpeg=lambda: running[0].ffmpeg_processes() if running else 0,
        disk_path=layout.root,
    )

    def on_finished(job: Job) -> None:
        try:
            events = store.events_since(job.id, limit=100_000)
            metrics.job_finished(job, events, layout.out_dir(job.id))
        except Exception:
            log.exception("recording the job's metrics failed")
        if job.webhook_url:
            webhooks.enqueue(job.id)

    rt = Runtime(
        settings=settings,
        store=store,
        layout=layout,
        uploads=UploadStore(layout.uploads),
        artifacts=artifacts_for(settings, layout, usage=STORAGE_USAGE),
        on_finished=on_finished,
        workers=settings.worker_concurrency,
    )

    running.append(Executor(rt, instance, lambda job_id: send_job(app, job_id, resume=True)))
    return running[0], metrics


def _register_task(app: Any, executor: Executor) -> None:
    """The queue's one task runs a job; Celery's shutdown hands running jobs back."""

    @app.task(name=TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> str:
        return executor.run(job_id)

    from celery.signals import worker_shutting_down  # type: ignore[import-untyped]

    def _shutting_down(**_: object) -> None:
        log.info("worker stopping: handing running jobs back to the queue")
        executor.stop()

    worker_shutting_down.connect(_shutting_down, weak=False)


def _celery_worker(app: Any, settings: Settings, instance: str) -> Any:
    """A threads-pool Celery worker on the jobs queue, without Celery's own cluster chatter."""
    return app.Worker(
        pool="threads",
        concurrency=settings.worker_concurrency,
        hostname=f"cutups@{instance}",
        queues=[QUEUE],
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
        optimization="fair",
        loglevel="INFO",
    )
