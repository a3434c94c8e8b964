"""SIGKILL of the whole server mid-job, then a restart on the same data dir: the job resumes.

Proof that no finished stage ran again, from three independent sources:

* the file server's request log: the video was downloaded once;
* the job's event log: one ``analysing`` stage in total, one ``download`` checkpoint, and each
  clip cut (``clip_ready`` with ``resumed: false``) exactly once across both attempts;
* the disk: clip files finished before the kill are byte-for-byte the same files afterwards
  (same inode and modification time), so nothing rewrote them.

And the result equals an uninterrupted run of the same input (the poll-pattern job).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from cutups.jobs.models import JobStatus
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import read_events, server_env, start_server, wait_job
from tests.sources.fileserver import FileServer, Route


def _clip_files(out: Path) -> dict[str, tuple[int, int]]:
    """Finished clips (marker written) → (inode, mtime_ns) of their MP4."""
    clips = out / "clips"
    found = {}
    for marker in clips.glob(".*.done.json"):
        clip_id = marker.name[1 : -len(".done.json")]
        stat = (clips / f"{clip_id}.mp4").stat()
        found[clip_id] = (stat.st_ino, stat.st_mtime_ns)
    return found


def test_sigkill_mid_job_resumes_without_redoing_finished_work(
    tmp_path: Path,
    files: FileServer,
    broadcast: GeneratedBroadcast,
    polled_job: dict[str, Any],
) -> None:
    url = files.add("/resume/broadcast.mp4", Route(broadcast.video))
    data = tmp_path / "data"
    # A cold signal cache: the first attempt really analyses. 2 s pause per finished clip.
    env = server_env(tmp_path / "cache", {"CUTUPS_TEST_CUT_DELAY": "2"})
    first = start_server(data, tmp_path / "first.log", env)
    try:
        with first.client() as client:
            job_id = client.post("/jobs", json={"video_url": url}).json()["job_id"]
            job = wait_job(
                client,
                job_id,
                server=first,
                until=lambda j: j["progress"].get("clips_done", 0) >= 1,
            )
        assert job["stage"] == "cutting" and job["status"] == "processing"
        out = data / "jobs" / job_id / "out"
        before = _clip_files(out)
        assert before, "a clip should be finished before the kill"
    finally:
        first.kill()  # SIGKILL: no cleanup, no lease release

    second = start_server(data, tmp_path / "second.log", env)
    try:
        with second.client() as client:
            done = wait_job(client, job_id, server=second, timeout=150)
            assert done["status"] == "completed", (done, second.log_tail())
            events = read_events(client, job_id)
            manifest = client.get(f"/jobs/{job_id}/manifest").json()
            archive = client.get(f"/jobs/{job_id}/download")
    finally:
        second.stop()

    assert done["attempts"] == 2
    assert set(done["checkpoints"]) == {"download", "analysis", "clips"}
    assert done["checkpoints"]["download"]["attempt"] == 1  # fetched by the first attempt
    assert "path" not in done["checkpoints"]["download"]
    # Downloaded once: the second attempt reused the checkpointed file.
    assert files.count("/resume/broadcast.mp4") == 1
    types = Counter(e["event"] for e in events)
    assert types["attempt"] == 2 and types["completed"] == 1
    checkpoints = [e["data"]["name"] for e in events if e["event"] == "checkpoint"]
    assert checkpoints.count("download") == 1 and checkpoints.count("analysis") == 1
    attempts = [e["data"] for e in events if e["event"] == "attempt"]
    first = attempts[0]["resumed"]
    assert {k: first[k] for k in ("download", "analysis", "clips")} == {
        "download": False,
        "analysis": False,
        "clips": [],
    }
    assert attempts[1]["resumed"]["download"] and attempts[1]["resumed"]["analysis"]
    assert set(before) <= set(attempts[1]["resumed"]["clips"])
    # Analysis ran once, in the first attempt; the second went from probing to cutting.
    stages = [
        (e["data"]["attempt"], e["data"]["pipeline_stage"]) for e in events if e["event"] == "stage"
    ]
    assert [s for s in stages if s[1] == "analysing"] == [(1, "analysing")]
    assert (2, "downloading") not in stages
    # No clip cut twice: each is reported freshly cut at most once, and one that is not was
    # finished on disk by attempt 1 (the kill can fall between its marker and its event).
    fresh = [e["data"] for e in events if e["event"] == "clip_ready" and not e["data"]["resumed"]]
    cut_ids = Counter(d["clip"]["id"] for d in fresh)
    assert max(cut_ids.values()) == 1, events
    assert {c["id"] for c in manifest["clips"]} == set(cut_ids) | set(before)
    assert not {d["clip"]["id"] for d in fresh if d["attempt"] == 2} & set(before)
    carried = {
        e["data"]["clip"]["id"]
        for e in events
        if e["event"] == "clip_ready" and e["data"]["resumed"]
    }
    assert carried == set(attempts[1]["resumed"]["clips"])
    # The files themselves were not rewritten.
    after = _clip_files(data / "jobs" / job_id / "out")
    assert {k: after[k] for k in before} == before
    # Same clips as an uninterrupted run of the same input.
    reference = httpx.get(polled_job["result"]["manifest_url"]).json()["clips"]
    assert [(c["id"], c["start"], c["end"]) for c in manifest["clips"]] == [
        (c["id"], c["start"], c["end"]) for c in reference
    ]
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
        assert {c["file"] for c in manifest["clips"]} <= set(zf.namelist())
    # Temporary files are gone (the download), outputs kept.
    assert not (data / "jobs" / job_id / "work").exists()


def test_sigterm_hands_the_job_back_and_the_next_server_resumes_it(
    tmp_path: Path, files: FileServer, broadcast: GeneratedBroadcast, cache_dir: Path
) -> None:
    url = files.add("/term/broadcast.mp4", Route(broadcast.video))
    data = tmp_path / "data"
    env = server_env(cache_dir, {"CUTUPS_TEST_CUT_DELAY": "2"})
    first = start_server(data, tmp_path / "first.log", env)
    try:
        with first.client() as client:
            job_id = client.post("/jobs", json={"video_url": url}).json()["job_id"]
            wait_job(
                client,
                job_id,
                server=first,
                until=lambda j: j["progress"].get("clips_done", 0) >= 1,
            )
        started = time.monotonic()
        first.stop()  # SIGTERM: graceful
        assert first.proc.returncode == 0 and time.monotonic() - started < 15
    finally:
        first.stop()
    assert "handed back to the queue" in first.log.read_text()
    second = start_server(data, tmp_path / "second.log", env)
    try:
        with second.client() as client:
            done = wait_job(client, job_id, server=second, timeout=150)
            events = read_events(client, job_id)
    finally:
        second.stop()
    assert done["status"] == "completed"
    assert done["attempts"] == 1  # a graceful hand-back does not count against the job
    attempts = [e["data"] for e in events if e["event"] == "attempt"]
    assert len(attempts) == 2 and attempts[1]["resumed"]["analysis"]
    assert attempts[1]["resumed"]["clips"]
    assert files.count("/term/broadcast.mp4") == 1


def test_a_job_over_its_time_limit_is_stopped_and_failed(
    tmp_path: Path, files: FileServer, cache_dir: Path
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        cache_dir=cache_dir,
        allow_private_urls=True,
        job_ttl_hours=1.5 / 3600,
        heartbeat_seconds=0.2,
        test_cut_delay=5,
        min_free_bytes=0,
    )
    service = Service(settings, workers=1)
    service.start()
    try:
        job, _ = service.submit({"video_url": files.url("/broadcast.mp4")})
        deadline = time.monotonic() + 60
        while (current := service.store.get(job.id)) is not None and not current.terminal:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        service.stop()
    assert current is not None and current.status is JobStatus.FAILED
    assert current.error_code == "timeout" and "ran over" in (current.error or "")
    assert not service.layout.job_dir(job.id).exists()
