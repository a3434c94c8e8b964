"""Progressive results (clips before the job ends, SSE) and cancel mid-job."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.api.conftest import TERMINAL, Server, ffmpeg_children, read_events, wait_job
from tests.sources.fileserver import FileServer


def test_clips_are_served_before_the_job_completes(slow_server: Server, files: FileServer) -> None:
    with slow_server.client() as client:
        job_id = client.post("/jobs", json={"video_url": files.url("/broadcast.mp4")}).json()[
            "job_id"
        ]
        streamed: list[dict[str, Any]] = []
        comments: list[str] = []
        reader = threading.Thread(
            target=lambda: streamed.extend(read_events(client, job_id, comments))
        )
        reader.start()
        job = wait_job(
            client,
            job_id,
            server=slow_server,
            until=lambda j: j["progress"].get("clips_done", 0) >= 1,
        )
        assert job["status"] == "processing"
        manifest = client.get(f"/jobs/{job_id}/manifest").json()
        assert job["progress"]["clips_planned"] == manifest["clips_planned"]
        assert manifest["complete"] is False and manifest["clips"]
        assert manifest["clips_planned"] > len(manifest["clips"])
        first = manifest["clips"][0]
        clip = client.get(f"/jobs/{job_id}/clips/{first['id']}")
        assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
        assert clip.content[4:8] == b"ftyp"
        assert first["url"].endswith(f"/jobs/{job_id}/clips/{first['id']}")
        part = client.get(f"/jobs/{job_id}/clips/{first['id']}", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206 and len(part.content) == 100
        assert part.headers["content-range"].startswith("bytes 0-99/")
        assert client.get(f"/jobs/{job_id}/thumbs/{first['id']}").status_code == 200
        listed = {c["id"] for c in manifest["clips"]}
        pending = next(
            f"clip_{n}" for n in range(manifest["clips_planned"]) if f"clip_{n}" not in listed
        )
        missing = client.get(f"/jobs/{job_id}/clips/{pending}")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        early = client.get(f"/jobs/{job_id}/download")
        assert early.status_code == 409 and early.json()["error"]["code"] == "not_ready"
        still = client.get(f"/jobs/{job_id}").json()
        assert still["status"] == "processing", "the job should still be running"
        reader.join(120)
        done = client.get(f"/jobs/{job_id}").json()
        assert done["status"] == "completed"
        # Last-Event-ID replays exactly what came after it.
        replay = read_events(client, job_id, **{"Last-Event-ID": str(streamed[2]["id"])})
    kinds = [e["event"] for e in streamed]
    assert kinds[0] == "queued" and kinds[-1] == "completed"
    assert "clip_ready" in kinds and kinds.index("clip_ready") < kinds.index("completed")
    ready = [e["data"] for e in streamed if e["event"] == "clip_ready"]
    assert {d["clip"]["id"] for d in ready} == {f"clip_{n}" for n in range(len(ready))}
    assert ready[0]["clip"]["start"] < ready[0]["clip"]["end"]
    stages = [e["data"]["stage"] for e in streamed if e["event"] == "stage"]
    assert stages[0] == "downloading" and "analysing" in stages and stages[-1] == "packaging"
    assert ": keep-alive" in comments  # idle stretches (the 2 s pauses) get heartbeats
    ids = [e["id"] for e in streamed]
    assert ids == list(range(1, len(ids) + 1))
    assert [e["id"] for e in replay] == ids[3:]


def test_cancel_mid_job(slow_server: Server, files: FileServer) -> None:
    with slow_server.client() as client:
        job_id = client.post("/jobs", json={"video_url": files.url("/broadcast.mp4")}).json()[
            "job_id"
        ]
        wait_job(
            client,
            job_id,
            server=slow_server,
            # not `status != "processing"`: a first poll can see the job still queued
            until=lambda j: j["stage"] == "cutting" or j["status"] in TERMINAL,
        )
        job_dir = slow_server.data_dir / "jobs" / job_id
        assert (job_dir / "work").exists() and (job_dir / "out").exists()
        started = time.monotonic()
        answer = client.post(f"/jobs/{job_id}/cancel")
        took = time.monotonic() - started
        assert answer.status_code == 200 and answer.json() == {
            "job_id": job_id,
            "status": "canceled",
        }
        assert took < 5.0
        job = client.get(f"/jobs/{job_id}").json()
        assert job["status"] == "canceled" and job["error"] == "canceled by request"
        assert ffmpeg_children(slow_server.pid) == []
        assert client.get("/health").json()["ffmpeg_processes"] == 0
        assert not job_dir.exists()  # download and partial outputs removed
        events = read_events(client, job_id)
        assert events[-1]["event"] == "canceled"
        again = client.post(f"/jobs/{job_id}/cancel")
        assert again.status_code == 200 and again.json()["status"] == "canceled"
        assert client.get(f"/jobs/{job_id}/manifest").status_code == 404


def test_cancel_a_queued_job(strict_server: Server) -> None:
    with strict_server.client() as client:  # no workers: jobs stay queued
        job_id = client.post("/jobs", json={"video_url": "https://93.184.216.34/v.mp4"}).json()[
            "job_id"
        ]
        assert client.post(f"/jobs/{job_id}/cancel").json()["status"] == "canceled"
        job = client.get(f"/jobs/{job_id}").json()
        assert job["status"] == "canceled" and job["attempts"] == 0
