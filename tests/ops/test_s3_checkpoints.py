"""Checkpoints in the bucket: a job interrupted on one machine finishes on another that shares
no disk with it, without analysing again or cutting a finished clip twice.

In the first test the two "machines" are two data dirs and two analysis caches in one process,
each with its own :class:`~cutups.jobs.runner.Runtime` (the job store is the in-memory one: here
it only has to be shared); the first one's folders are deleted before the second runs. The
second runs the distributed service for real: PostgreSQL, ``redis-server``, ``cutups serve``
and two ``cutups worker`` processes with their own data dirs, the first SIGKILLed. The bucket is
``moto_server`` (an S3 **emulator**, not real S3) on loopback in both.
"""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest

from cutups.jobs.models import Event, JobStatus
from cutups.jobs.runner import JobRun, Runtime, execute
from cutups.jobs.store import JobStore, MemoryJobStore
from cutups.settings import Settings
from cutups.storage.layout import DataLayout
from cutups.storage.s3 import S3Artifacts
from cutups.storage.uploads import UploadStore
from tests.api.conftest import read_events, server_env, start_server, wait_job
from tests.ops.cluster import Worker, fresh_database, start_worker
from tests.ops.services import Postgres, S3Emulator
from tests.sources.fileserver import FileServer

BUCKET = "cutups-checkpoints"
PREFIX = "ckpt"


def machine(root: Path, s3: S3Emulator, store: JobStore, **extra: Any) -> Runtime:
    """One worker's world: its own data dir and analysis cache, the shared store and bucket."""
    settings = Settings(
        data_dir=root / "data",
        cache_dir=root / "cache",
        storage_backend="s3",
        s3_bucket=BUCKET,
        s3_endpoint_url=s3.endpoint,
        s3_prefix=PREFIX,
        allow_private_urls=True,  # the file server is on loopback
        min_free_bytes=64 * 1024 * 1024,
        jobs=1,
        **extra,
    )
    layout = DataLayout(settings.data_dir)
    layout.create()
    return Runtime(
        settings=settings,
        store=store,
        layout=layout,
        uploads=UploadStore(layout.uploads),
        artifacts=S3Artifacts(settings),
    )


def attempts(events: list[Event]) -> list[list[Event]]:
    """The job's events split at each ``attempt`` event."""
    split: list[list[Event]] = []
    for event in events:
        if event.type == "attempt":
            split.append([])
        if split:
            split[-1].append(event)
    return split


def cut_here(events: list[Event]) -> list[str]:
    """Clips an attempt cut itself (not carried over)."""
    return [
        e.data["clip"]["id"] for e in events if e.type == "clip_ready" and not e.data["resumed"]
    ]


def analysed(events: list[Event]) -> bool:
    return any(e.type == "stage" and e.data["pipeline_stage"] == "analysing" for e in events)


def wait_for(store: JobStore, job_id: str, ok: Any, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ok(store.events_since(job_id, limit=100_000)):
            return
        time.sleep(0.2)
    raise AssertionError("the job did not get there in time")


@pytest.fixture
def bucket(s3: S3Emulator) -> Any:
    client = boto3.client("s3", endpoint_url=s3.endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def keys(client: Any, job_id: str) -> set[str]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/jobs/{job_id}/")
    return {o["Key"].split(f"{job_id}/", 1)[1] for o in listed.get("Contents", ())}


def test_a_job_resumes_on_another_machine_from_the_bucket(
    tmp_path: Path, s3: S3Emulator, bucket: Any, files: FileServer
) -> None:
    store = MemoryJobStore()
    first = machine(tmp_path / "a", s3, store, test_cut_delay=3.0)
    job, _ = store.create({"video_url": files.url("/broadcast.mp4")})

    # -- machine A: analyse, cut a clip, then stop (as a worker being shut down) --------------
    claimed = store.claim("a:0", 600)
    assert claimed is not None and claimed.id == job.id
    run = JobRun(claimed, "a:0")
    thread = threading.Thread(target=execute, args=(run, first))
    thread.start()
    wait_for(store, job.id, lambda ev: len(cut_here(ev)) >= 1)
    run.stop("shutdown")
    thread.join(60)
    assert not thread.is_alive()
    a_events = store.events_since(job.id, limit=100_000)
    assert analysed(a_events)
    done_on_a = set(cut_here(a_events))
    in_bucket = keys(bucket, job.id)
    assert "checkpoint/timeline.json" in in_bucket
    assert {f"checkpoint/clips/{c}.done.json" for c in done_on_a} <= in_bucket
    entries = sorted(p.name for p in (tmp_path / "a" / "cache" / "analysis").glob("*.npz"))
    assert entries and {f"checkpoint/analysis/{n}" for n in entries} <= in_bucket
    shutil.rmtree(tmp_path / "a")  # nothing of machine A is left

    # -- machine B: fresh data dir and cache; resumes from the bucket --------------------------
    second = machine(tmp_path / "b", s3, store)
    claimed = store.claim("b:0", 600)
    assert claimed is not None and claimed.id == job.id
    done = execute(JobRun(claimed, "b:0"), second)
    assert done is not None and done.status is JobStatus.COMPLETED, done
    b_events = attempts(store.events_since(job.id, limit=100_000))[-1]
    resumed: Mapping[str, Any] = b_events[0].data["resumed"]
    assert resumed["analysis"] is True and resumed["from_bucket"]["plan"] is True
    assert resumed["from_bucket"]["analysis"] == len(entries)
    assert set(resumed["clips"]) >= done_on_a and resumed["from_bucket"]["clips"] >= 1
    assert not analysed(b_events)  # the plan came from the bucket: no decoding again
    cut_on_b = cut_here(b_events)
    assert cut_on_b  # clips were left to cut, and B cut them
    assert not set(cut_on_b) & set(resumed["clips"])  # a finished clip is never cut twice
    assert sorted(p.name for p in (tmp_path / "b" / "cache" / "analysis").glob("*.npz")) == entries

    # -- the result: every clip once, in the bucket; the checkpoints are gone ------------------
    assert done.result is not None and done.result["clips"] == len(resumed["clips"]) + len(cut_on_b)
    final = keys(bucket, job.id)
    assert not {k for k in final if k.startswith("checkpoint/")}
    clips = {k for k in final if k.startswith("clips/")}
    assert len(clips) == done.result["clips"] and {"manifest.json", "job.zip"} <= final


def test_a_sigkilled_workers_job_finishes_on_a_worker_with_its_own_disk(
    tmp_path: Path,
    pg: Postgres,
    redis_url: str,
    s3: S3Emulator,
    bucket: Any,
    cache_dir: Path,
    files: FileServer,
) -> None:
    """The distributed service for real: worker A is SIGKILLed mid-cutting, worker B (another
    data dir and analysis cache: no shared disk) gets the job from the broker and finishes it
    from the bucket's checkpoints. Test setting: a 12 s visibility timeout (default 7 h)."""
    env = server_env(
        cache_dir,
        {
            **s3.env,
            "CUTUPS_DATABASE_URL": fresh_database(pg, "ckpt"),
            "CUTUPS_BROKER_URL": redis_url,
            "CUTUPS_BROKER_VISIBILITY_TIMEOUT": "12",  # TEST SETTING (default 7 h)
            "CUTUPS_STORAGE_BACKEND": "s3",
            "CUTUPS_S3_BUCKET": BUCKET,
            "CUTUPS_S3_ENDPOINT_URL": s3.endpoint,
            "CUTUPS_S3_PREFIX": PREFIX,
            "CUTUPS_JOBS": "1",
        },
    )
    server = start_server(tmp_path / "api", tmp_path / "server.log", env)
    workers: list[Worker] = []

    def worker(name: str, **extra: str) -> Worker:
        own = {**env, "CUTUPS_CACHE_DIR": str(tmp_path / f"{name}-cache"), **extra}
        started = start_worker(own, tmp_path / f"{name}-data", tmp_path / f"{name}.log")
        workers.append(started)
        return started

    try:
        first = worker("a", CUTUPS_TEST_CUT_DELAY="3")
        with server.client() as api:
            fetched_before = files.count("/broadcast.mp4")
            r = api.post("/jobs", json={"video_url": files.url("/broadcast.mp4")})
            assert r.status_code == 202, r.text
            job_id = r.json()["job_id"]
            # Kill A once a clip's checkpoint is in the bucket, with clips left to cut.
            deadline = time.monotonic() + 180
            while not any(k.startswith("checkpoint/clips/") for k in keys(bucket, job_id)):
                assert time.monotonic() < deadline, first.tail()
                time.sleep(0.2)
            first.proc.send_signal(signal.SIGKILL)
            first.proc.wait(10)
            shutil.rmtree(tmp_path / "a-data")  # nothing of A's disk survives
            second = worker("b")
            done = wait_job(api, job_id, timeout=240, server=server)
            assert done["status"] == "completed", f"{done}\n{second.tail()}"
            events = read_events(api, job_id)
        runs: list[list[dict[str, Any]]] = []
        for event in events:
            if event["event"] == "attempt":
                runs.append([])
            if runs:
                runs[-1].append(event)
        assert len(runs) == 2, [r[0]["data"] for r in runs]
        on_a, on_b = runs
        resumed = on_b[0]["data"]["resumed"]
        assert f"-{second.proc.pid}-" in on_b[0]["data"]["worker_id"]
        assert resumed["from_bucket"]["plan"] is True and resumed["from_bucket"]["clips"] >= 1
        stages = [e["data"]["pipeline_stage"] for e in on_b if e["event"] == "stage"]
        assert "analysing" not in stages, stages  # analysis is not redone
        cut_on_a = [
            e["data"]["clip"]["id"]
            for e in on_a
            if e["event"] == "clip_ready" and not e["data"]["resumed"]
        ]
        cut_on_b = [
            e["data"]["clip"]["id"]
            for e in on_b
            if e["event"] == "clip_ready" and not e["data"]["resumed"]
        ]
        assert set(resumed["clips"]) <= set(cut_on_a)  # carried over: A cut them
        assert cut_on_b and not set(cut_on_b) & set(resumed["clips"])  # none cut twice
        assert len(set(cut_on_b)) == len(cut_on_b)
        # the source is fetched again from its URL (seed 001 keeps no copy of originals)
        assert files.count("/broadcast.mp4") == fetched_before + 2
        final = keys(bucket, job_id)
        assert not {k for k in final if k.startswith("checkpoint/")}
        assert len({k for k in final if k.startswith("clips/")}) == done["result"]["clips"]
    finally:
        for w in workers:
            w.stop()
        server.stop()
