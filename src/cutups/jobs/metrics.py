"""Prometheus metrics: the seed's list ("Monitoring & Observability Gaps"), one registry per app.

Two kinds of numbers, from two places:

* **From the job store, at scrape time** (:class:`StoreCollector`): jobs submitted, jobs ended
  by status, queue depth, and the last heartbeat of every worker holding a job. Jobs are never
  deleted, so counts of jobs by terminal status only grow: they are true counters, shared by
  every server and worker using the same store (PostgreSQL) and they survive restarts.
* **From this process, as things happen** (:class:`Metrics`): job duration by stage, clips
  generated, clip confidence, external API calls by service (CFBD, ESPN, webhooks, S3), bytes
  uploaded to S3, ffmpeg processes alive and disk use. In distributed mode jobs run on
  ``cutups worker`` processes, so these live on the worker's own endpoint
  (``CUTUPS_WORKER_METRICS_PORT``); the API's ``/metrics`` has the store-wide ones.

Code anywhere calls :func:`api_call` without holding a registry: it counts in every live
:class:`Metrics` of the process (normally one).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from cutups.jobs.models import TERMINAL, Event, Job, JobStatus
from cutups.jobs.store import JobStore
from cutups.storage.s3 import StorageUsage

__all__ = [
    "CONTENT_TYPE",
    "STORAGE_USAGE",
    "CountingTransport",
    "Metrics",
    "StoreCollector",
    "api_call",
    "bytes_uploaded",
    "stage_durations",
]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_LIVE: weakref.WeakSet[Metrics] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()

_STAGE_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 10800, 21600)
_SCORE_BUCKETS = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100)


def api_call(service: str, n: int = 1) -> None:
    """Count ``n`` calls to an external service in every live :class:`Metrics`."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for metrics in live:
        metrics.api_calls.labels(service=service).inc(n)


def bytes_uploaded(n: int) -> None:
    """Count ``n`` bytes uploaded to object storage in every live :class:`Metrics`."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for metrics in live:
        metrics.s3_bytes.inc(n)


STORAGE_USAGE = StorageUsage(request=lambda: api_call("s3"), uploaded=bytes_uploaded)
"""Counts object-store requests and uploads in every live :class:`Metrics`."""


class CountingTransport(httpx.BaseTransport):
    """An httpx transport that counts every request as an API call to ``service``."""

    def __init__(self, service: str, inner: httpx.BaseTransport | None = None) -> None:
        self.service = service
        self._inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        api_call(self.service)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def stage_durations(events: Iterable[Event]) -> dict[str, float]:
    """Seconds spent in each public stage, from a job's event log.

    A ``stage`` event opens a stage; the next ``stage``, ``attempt`` or terminal event closes
    it. Stages run more than once (a resumed job) add up.
    """
    spent: dict[str, float] = {}
    current: tuple[str, float] | None = None
    for event in events:
        closes = event.type in ("stage", "attempt") or event.type in {s.value for s in TERMINAL}
        if closes and current is not None:
            stage, since = current
            spent[stage] = spent.get(stage, 0.0) + max(0.0, event.at - since)
            current = None
        if event.type == "stage" and event.data.get("stage"):
            current = (str(event.data["stage"]), event.at)
    return spent


class StoreCollector(Collector):
    """Store-wide numbers, read when Prometheus scrapes."""

    def __init__(self, store: Callable[[], JobStore | None]) -> None:
        self._store = store

    def collect(self) -> Iterator[Metric]:
        store = self._store()
        if store is None:
            return
        submitted = CounterMetricFamily(
            "cutups_jobs_submitted", "Jobs submitted (every job the store holds)."
        )
        submitted.add_metric([], store.count())
        yield submitted
        ended = CounterMetricFamily(
            "cutups_jobs_completed", "Jobs that ended, by final status.", labels=["status"]
        )
        for status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELED):
            ended.add_metric([status.value], store.count(status=status))
        yield ended
        depth = GaugeMetricFamily("cutups_job_queue_depth", "Jobs waiting for a worker.")
        depth.add_metric([], store.queue_depth())
        yield depth
        running = store.list(status=JobStatus.PROCESSING, limit=1000)
        processing = GaugeMetricFamily("cutups_jobs_processing", "Jobs held by a worker now.")
        processing.add_metric([], len(running))
        yield processing
        beats = GaugeMetricFamily(
            "cutups_worker_last_heartbeat_timestamp_seconds",
            "When each worker holding a job last renewed its lease (Unix time).",
            labels=["worker"],
        )
        latest: dict[str, float] = {}
        for job in running:
            if job.worker_id and job.last_heartbeat_at:
                latest[job.worker_id] = max(latest.get(job.worker_id, 0.0), job.last_heartbeat_at)
        for worker, at in sorted(latest.items()):
            beats.add_metric([worker], at)
        yield beats


def _process_gauges(
    r: CollectorRegistry, ffmpeg: Callable[[], int] | None, disk_path: Path | None
) -> None:
    """Gauges read when scraped: live ffmpeg processes, disk use, the process's start time."""
    ff = Gauge("cutups_ffmpeg_processes_active", "ffmpeg processes alive now.", registry=r)
    ff.set_function(lambda: float(ffmpeg()) if ffmpeg is not None else 0.0)
    if disk_path is not None:
        used = Gauge(
            "cutups_disk_space_used_bytes",
            "Used bytes on the filesystem holding the data dir.",
            registry=r,
        )
        used.set_function(lambda: float(_disk(disk_path).used))
        free = Gauge(
            "cutups_disk_space_free_bytes",
            "Free bytes on the filesystem holding the data dir.",
            registry=r,
        )
        free.set_function(lambda: float(_disk(disk_path).free))
    up = Gauge("cutups_process_start_time_seconds", "When this process started.", registry=r)
    up.set(time.time())


class Metrics:
    """One process's metrics in their own registry (so apps and tests never collide).

    Arguments:
        store: the job store (or a callable returning it, None while it is not open); adds the
            store-wide numbers.
        ffmpeg: how many ffmpeg processes this process has alive.
        disk_path: the data dir, for disk use.
    """

    def __init__(
        self,
        *,
        store: Callable[[], JobStore | None] | None = None,
        ffmpeg: Callable[[], int] | None = None,
        disk_path: Path | None = None,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.job_duration = Histogram(
            "cutups_job_duration_seconds",
            "Seconds a job spent in each stage (``total``: start to end), by this process.",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=r,
        )
        self.jobs_finished = Counter(
            "cutups_jobs_finished_here",
            "Jobs this process finished, by status.",
            ["status"],
            registry=r,
        )
        self.clips = Counter(
            "cutups_clips_generated", "Clips in the jobs this process completed.", registry=r
        )
        self.confidence = Histogram(
            "cutups_clip_confidence_score",
            "Confidence score (0-100) of every clip generated.",
            buckets=_SCORE_BUCKETS,
            registry=r,
        )
        self.api_calls = Counter(
            "cutups_api_calls",
            "Calls to external services (cfbd, espn, webhook, s3).",
            ["service"],
            registry=r,
        )
        self.s3_bytes = Counter(
            "cutups_storage_bytes_uploaded", "Bytes uploaded to object storage.", registry=r
        )
        _process_gauges(r, ffmpeg, disk_path)
        for service in ("cfbd", "espn", "webhook", "s3"):
            self.api_calls.labels(service=service)  # present from the start, at 0
        for status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELED):
            self.jobs_finished.labels(status=status.value)
        if store is not None:
            r.register(StoreCollector(store))
        with _LIVE_LOCK:
            _LIVE.add(self)

    def job_finished(self, job: Job, events: Iterable[Event], out_dir: Path | None) -> None:
        """Observe a job this process finished: stage timings, its clips and their scores."""
        self.jobs_finished.labels(status=job.status.value).inc()
        for stage, seconds in stage_durations(events).items():
            self.job_duration.labels(stage=stage).observe(seconds)
        if job.started_at is not None and job.finished_at is not None:
            self.job_duration.labels(stage="total").observe(job.finished_at - job.started_at)
        if job.status is not JobStatus.COMPLETED:
            return
        clips = _manifest_clips(out_dir / "manifest.json") if out_dir is not None else None
        if clips is None:
            count = (job.result or {}).get("clips")
            if isinstance(count, int):
                self.clips.inc(count)
            return
        self.clips.inc(len(clips))
        for clip in clips:
            score = clip.get("score")
            if isinstance(score, int | float):
                self.confidence.observe(float(score))

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


def _disk(path: Path) -> Any:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe)


def _manifest_clips(path: Path) -> list[Mapping[str, Any]] | None:
    try:
        clips = json.loads(path.read_text()).get("clips")
    except (OSError, ValueError, AttributeError):
        return None
    return [c for c in clips if isinstance(c, Mapping)] if isinstance(clips, list) else None
