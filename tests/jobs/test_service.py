"""The service's own machinery: watchdog, stray processes, JSON logs, data-dir lock."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cutups.jobs.logs import JsonFormatter, job_context
from cutups.jobs.models import JobStatus
from cutups.jobs.orphans import kill_strays
from cutups.jobs.service import DataDirBusyError, Service
from cutups.jobs.store import MemoryJobStore
from cutups.settings import Settings
from tests.jobs.test_store_contract import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(tmp_path: Path, clock: FakeClock) -> Iterator[Service]:
    settings = Settings(data_dir=tmp_path / "data", max_attempts=2)  # type: ignore[call-arg]
    svc = Service(settings, workers=0, store=MemoryJobStore(clock=clock))
    svc.start()
    yield svc
    svc.stop()


def test_watchdog_fails_a_poison_job_and_ends_abandoned_cancels(
    service: Service, clock: FakeClock
) -> None:
    store = service.store
    poison, _ = store.create({"video_url": "https://x.test/a.mp4"})
    abandoned, _ = store.create({"video_url": "https://x.test/b.mp4"})
    healthy, _ = store.create({"video_url": "https://x.test/c.mp4"})
    assert store.claim("dead:0", 10).id == poison.id  # type: ignore[union-attr]
    assert store.claim("dead:9", 10).id == abandoned.id  # type: ignore[union-attr]
    assert store.claim("alive:0", 10).id == healthy.id  # type: ignore[union-attr]
    store.request_cancel(abandoned.id)  # ...and then its worker died
    for n in range(2):
        clock.advance(11)
        store.heartbeat(healthy.id, "alive:0", 10)
        if n == 0:  # the poison job's worker dies a second time
            assert store.claim("dead:1", 10, max_attempts=2).id == poison.id  # type: ignore[union-attr]
    assert service.watchdog is not None
    service.layout.work_dir(poison.id).mkdir(parents=True)
    ended = service.watchdog.sweep()
    assert sorted(ended) == sorted([poison.id, abandoned.id])
    failed = store.get(poison.id)
    assert failed is not None and failed.status is JobStatus.FAILED
    assert failed.error_code == "gave_up" and "2 times" in (failed.error or "")
    assert not service.layout.job_dir(poison.id).exists()
    canceled = store.get(abandoned.id)
    assert canceled is not None and canceled.status is JobStatus.CANCELED
    running = store.get(healthy.id)
    assert running is not None and running.status is JobStatus.PROCESSING


def test_one_service_per_data_dir(service: Service) -> None:
    other = Service(service.settings, workers=0, store=MemoryJobStore())
    with pytest.raises(DataDirBusyError, match="another cutups server"):
        other.start()


def test_stray_processes_of_a_dead_server_are_killed(tmp_path: Path) -> None:
    folder = tmp_path / "jobs" / "0123456789ab"
    stray = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                              f"{folder}/out/clips/clip_0.mp4"])  # fmt: skip
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert kill_strays(folder) == 1
        assert stray.wait(5) != 0
        assert bystander.poll() is None
    finally:
        for proc in (stray, bystander):
            proc.kill()
            proc.wait()


def test_json_logs_carry_the_job_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("cutups.test.jsonlogs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with job_context("0123456789ab"):
            logger.warning("cut %d clips", 3, extra={"stage": "cutting"})
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["job_id"] == "0123456789ab" and first["msg"] == "cut 3 clips"
    assert first["stage"] == "cutting" and first["level"] == "warning"
    assert "job_id" not in second


class _StoreThatRestarts(MemoryJobStore):
    """A store declaring ``ConnectionError`` as "unreachable just then" (as PostgreSQL declares
    psycopg's OperationalError)."""

    UNAVAILABLE = (ConnectionError,)


def test_an_unreachable_store_ends_the_attempt_without_failing_the_job(tmp_path: Path) -> None:
    from cutups.errors import SourceError
    from cutups.jobs.runner import JobRun, Runtime, settle

    clock = FakeClock()
    store = _StoreThatRestarts(clock=clock)
    settings = Settings(data_dir=tmp_path / "data")  # type: ignore[call-arg]
    svc = Service(settings, workers=0, store=store)
    svc.start()
    try:
        rt = Runtime(settings, store, svc.layout, svc.uploads, svc.artifacts)
        job, _ = store.create({"video_url": "https://x.test/a.mp4"})
        claimed = store.claim("w:0", 30)
        assert claimed is not None
        restart = ConnectionError("terminating connection due to administrator command")
        assert settle(JobRun(claimed, "w:0"), rt, restart) is None
        left = store.get(job.id)
        assert left is not None and left.status is JobStatus.PROCESSING  # no outcome recorded
        clock.advance(31)
        assert store.sweep(max_attempts=3, grace_seconds=60).expired == (job.id,)  # resumes
        again = store.claim("w:1", 30)
        assert again is not None
        failed = settle(JobRun(again, "w:1"), rt, SourceError("download failed: HTTP 404"))
        assert failed is not None and failed.status is JobStatus.FAILED  # other errors still fail
    finally:
        svc.stop()
