"""The seed's three client patterns, unchanged, end to end on a generated broadcast."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import httpx

from cutups.jobs.webhooks import verify
from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import (
    WEBHOOK_SECRET,
    Server,
    WebhookReceiver,
    poll_until_done,
    wait_job,
)
from tests.sources.fileserver import FileServer


def test_poll_pattern(polled_job: dict[str, Any]) -> None:
    job = polled_job
    assert job["status"] == "completed", job
    assert job["stage"] == "completed" and job["pct"] == 100.0 and job["error"] is None
    pcts = job["_pcts"]
    assert pcts == sorted(pcts)  # pct only ever grows
    for key in ("job_id", "eta_sec", "detail", "progress", "created", "last_heartbeat_at"):
        assert key in job
    # No CFBD key on this server: the seed's fallback, from the video alone, says so.
    assert job["progress"]["cfbd_requested"] is True
    assert job["progress"]["cfbd_state"].startswith("unavailable")
    manifest = httpx.get(job["result"]["manifest_url"]).json()
    assert manifest["job_id"] == job["job_id"] and manifest["complete"] is True
    clips = manifest["clips"]
    assert len(clips) >= 2
    archive = httpx.get(job["result"]["archive_url"])
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
        names = set(zf.namelist())
        assert "manifest.json" in names
        assert {c["file"] for c in clips} <= names
        assert {c["thumb"] for c in clips} <= names
        assert json.loads(zf.read("manifest.json"))["clips"] == [
            {k: v for k, v in c.items() if k not in ("url", "thumb_url")} for c in clips
        ]
        for clip in clips:
            assert zf.read(clip["file"])[4:8] == b"ftyp"  # an MP4


def test_webhook_pattern(
    server: Server, files: FileServer, webhook_receiver: WebhookReceiver
) -> None:
    response = httpx.post(
        f"{server.url}/jobs",
        json={
            "video_url": files.url("/broadcast.mp4"),
            "webhook_url": webhook_receiver.url,
        },
    )
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    calls = webhook_receiver.wait(1)
    assert len(calls) == 1
    headers, body = calls[0]
    assert verify(WEBHOOK_SECRET, headers, body)  # Standard Webhooks signature
    assert headers["webhook-id"] == f"msg_{job_id}_completed"
    payload = json.loads(body)
    assert payload["job_id"] == job_id and payload["status"] == "completed"
    assert payload["stage"] == "completed" and isinstance(payload["created"], float)
    manifest = httpx.get(payload["result"]["manifest_url"])
    assert manifest.status_code == 200 and manifest.json()["complete"] is True
    with server.client() as client:
        job = wait_job(
            client, job_id, until=lambda j: j["webhooks"]["state"] == "delivered", timeout=10
        )
    delivery = job["webhooks"]["deliveries"][0]
    assert delivery["status_code"] == 200 and delivery["ok"] is True


def test_upload_pattern(server: Server, broadcast: GeneratedBroadcast) -> None:
    with broadcast.video.open("rb") as f:
        upload = httpx.post(f"{server.url}/upload", files={"file": f}, timeout=60)
    assert upload.status_code == 201, upload.text
    up = upload.json()
    assert up["size"] == broadcast.video.stat().st_size
    assert up["media"]["width"] == 854 and up["media"]["duration"] > 90
    with broadcast.pbp["cfbd_json"].open("rb") as f:
        pbp = httpx.post(f"{server.url}/upload?kind=pbp", files={"file": ("plays.json", f)})
    assert pbp.status_code == 201, pbp.text
    assert pbp.json()["media"]["plays"] > 3
    response = httpx.post(
        f"{server.url}/jobs",
        json={
            "upload_id": up["upload_id"],
            "pbp_upload_id": pbp.json()["upload_id"],
            "options": {"team": "Michigan", "play_padding_pre": 2.0, "scene_thresh": 0.3},
        },
    )
    assert response.status_code == 202, response.text
    job = poll_until_done(server.url, response.json()["job_id"])
    assert job["status"] == "completed", job
    manifest = httpx.get(job["result"]["manifest_url"]).json()
    buckets = {c["bucket"] for c in manifest["clips"]}
    assert buckets and buckets <= {"team_offense", "opp_offense", "special_teams"}
    assert manifest["source_url"].startswith("upload:")
    assert job["options"]["scene_thresh"] == 0.3  # recorded, unused
