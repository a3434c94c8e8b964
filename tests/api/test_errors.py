"""Bad requests get a 4xx with ``{"error": {"code", "message"}}``; failing jobs fail readably."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import API_KEYS, Server, free_port, server_env, wait_job
from tests.sources.fileserver import FileServer, Route


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "exactly one video source"),
        ({"options": {"team": "Michigan"}}, "got none"),
        (
            {"video_url": "https://93.184.216.34/a.mp4", "upload_id": "abcdef123456"},
            "got video_url and upload_id",
        ),
        (
            {"video_url": "https://93.184.216.34/a.mp4", "presigned_url": "https://x.test/a?b=c"},
            "got video_url and presigned_url",
        ),
        ({"video_url": "ftp://example.com/a.mp4"}, "http:// or https://"),
        ({"upload_id": "0123456789abcdef"}, "not a video upload"),
        (
            {"video_url": "https://93.184.216.34/a.mp4", "options": {"min_duration": -1}},
            "min_duration",
        ),
        (
            {
                "video_url": "https://93.184.216.34/a.mp4",
                "options": {"min_duration": 30, "max_duration": 10},
            },
            "min length",
        ),
        (
            {"video_url": "https://93.184.216.34/a.mp4", "options": {"only": ["team_offense"]}},
            "needs play-by-play",
        ),
        ({"video_url": "https://93.184.216.34/a.mp4", "pbp": {"nonsense": True}}, "play-by-play"),
        ({"video_url": "https://93.184.216.34/a.mp4", "options": {"only": ["kickers"]}}, "only"),
    ],
)
def test_bad_submissions(server: Server, body: dict[str, Any], message: str) -> None:
    with server.client() as client:
        error = error_of(client.post("/jobs", json=body), 422)
    assert message in error["message"]


def test_not_json_and_unknown_things(server: Server) -> None:
    with server.client() as client:
        error_of(
            client.post("/jobs", content=b"{nope", headers={"content-type": "application/json"}),
            422,
        )
        assert error_of(client.get("/jobs/0123456789ab"), 404)["code"] == "not_found"
        error_of(client.get("/jobs/../../etc/passwd"), 404)
        error_of(client.get("/jobs/not-an-id"), 404)
        error_of(client.get("/jobs/0123456789ab/manifest"), 404)
        error_of(client.get("/jobs/0123456789ab/clips/clip_0"), 404)
        error_of(client.post("/jobs/0123456789ab/cancel"), 404)
        error_of(client.get("/jobs/0123456789ab/events"), 404)
        error_of(client.get("/nowhere"), 404)
        assert error_of(client.delete("/jobs"), 405)["code"] == "method_not_allowed"
        error_of(client.get("/jobs?status=bogus"), 422)
        error_of(client.get("/jobs?limit=0"), 422)


def test_uploads_that_are_not_video(server: Server, tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 100)
    with server.client() as client:
        error = error_of(
            client.post("/upload", files={"file": (text.name, text.read_bytes())}), 415
        )
        assert error["code"] == "unsupported_media_type" and "notes.mp4" in error["message"]
        assert str(server.data_dir) not in error["message"]
        error_of(client.post("/upload", files={"file": ("e.mp4", b"")}), 422)
        error_of(client.post("/upload", files={"other": ("a.mp4", b"xx")}), 422)
        error_of(client.post("/upload", content=b"raw", headers={"content-type": "video/mp4"}), 415)
        pbp = client.post("/upload?kind=pbp", files={"file": ("p.json", b"[1, 2, 3]")})
        assert error_of(pbp, 422)["code"] == "pbp"
    leftovers = [
        p for p in (server.data_dir / "uploads").iterdir() if not (p / "meta.json").exists()
    ]
    assert leftovers == []  # refused uploads are deleted


def test_idempotency_key(strict_server: Server) -> None:
    body = {"video_url": "https://93.184.216.34/idem.mp4"}
    with strict_server.client() as client:
        first = client.post("/jobs", json=body, headers={"Idempotency-Key": "abc-1"})
        again = client.post("/jobs", json=body, headers={"Idempotency-Key": "abc-1"})
        assert first.status_code == 202 and again.status_code == 200
        assert first.json()["job_id"] == again.json()["job_id"]
        other = client.post(
            "/jobs",
            json={**body, "webhook_url": "https://93.184.216.34/h"},
            headers={"Idempotency-Key": "abc-1"},
        )
        assert error_of(other, 409)["code"] == "idempotency_conflict"
        client.post(f"/jobs/{first.json()['job_id']}/cancel")


def test_bounded_queue(strict_server: Server) -> None:
    with strict_server.client() as client:
        ids = []
        for n in range(2):
            accepted = client.post("/jobs", json={"video_url": f"https://93.184.216.34/{n}.mp4"})
            assert accepted.status_code == 202
            ids.append(accepted.json()["job_id"])
        full = client.post("/jobs", json={"video_url": "https://93.184.216.34/2.mp4"})
        assert error_of(full, 429)["code"] == "queue_full"
        assert int(full.headers["retry-after"]) > 0
        assert client.get("/health").json()["queue_depth"] == 2
        listed = client.get("/jobs", params={"status": "queued", "limit": 1}).json()
        assert listed["count"] == 2 and len(listed["data"]) == 1 and listed["next_offset"] == 1
        page2 = client.get("/jobs", params={"status": "queued", "limit": 1, "offset": 1}).json()
        assert {listed["data"][0]["job_id"], page2["data"][0]["job_id"]} == set(ids)
        assert page2["next_offset"] is None
        for job_id in ids:
            client.post(f"/jobs/{job_id}/cancel")


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ({"video_url": "http://127.0.0.1:8000/game.mp4"}, "loopback"),
        ({"video_url": "http://localhost/game.mp4"}, "loopback"),
        ({"presigned_url": "http://169.254.169.254/latest/x?X-Amz-Signature=a"}, "link-local"),
        (
            {"video_url": "https://93.184.216.34/a.mp4", "webhook_url": "http://10.1.2.3/hook"},
            "private",
        ),
        ({"video_url": "http://[::ffff:127.0.0.1]/a.mp4"}, "loopback"),
    ],
)
def test_private_urls_are_refused(strict_server: Server, body: dict[str, Any], what: str) -> None:
    with strict_server.client() as client:
        error = error_of(client.post("/jobs", json=body), 422)
    assert error["code"] == "private_url" and what in error["message"]


def test_oversize_upload(strict_server: Server, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 300_000)  # over the 200 kB limit of this server
    with strict_server.client() as client:
        error = error_of(client.post("/upload", files={"file": (big.name, big.read_bytes())}), 413)
    assert error["code"] == "too_large"
    assert list((strict_server.data_dir / "uploads").iterdir()) == []


def test_api_keys(strict_server: Server) -> None:
    bare = httpx.Client(base_url=strict_server.url)
    with bare:
        assert error_of(bare.get("/jobs"), 401)["code"] == "unauthorized"
        error_of(bare.get("/jobs", headers={"Authorization": "Bearer wrong"}), 401)
        error_of(bare.post("/upload", files={"file": ("a.mp4", b"x")}), 401)
        error_of(bare.get("/jobs/0123456789ab/events"), 401)
        ok = bare.get("/jobs", headers={"Authorization": f"Bearer {API_KEYS[0]}"})
        assert ok.status_code == 200
        assert bare.get("/health").status_code == 200
        assert bare.get("/health/ready").json()["ready"] is True
        assert bare.get("/openapi.json").json()["paths"]["/jobs"]


def test_a_failing_source_fails_the_job_readably(server: Server, files: FileServer) -> None:
    files.add("/garbage.mp4", Route(b"not a video at all" * 1000))
    cases = {
        files.url("/nothing-here.mp4"): "404 Not Found",
        files.url("/garbage.mp4"): "",
    }
    with server.client() as client:
        ids = {url: client.post("/jobs", json={"video_url": url}).json()["job_id"] for url in cases}
        for url, expected in cases.items():
            job = wait_job(client, ids[url], server=server)
            assert job["status"] == "failed", job
            assert expected in job["error"] and job["error_code"]
            assert "Traceback" not in job["error"] and str(server.data_dir) not in job["error"]
            # The folder goes right after the status is recorded (only the lease holder may
            # delete it), so a client can see "failed" a moment before it is gone.
            folder = server.data_dir / "jobs" / ids[url]
            deadline = time.monotonic() + 10
            while folder.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not folder.exists()
        assert client.get(f"/jobs/{ids[files.url('/garbage.mp4')]}").json()["error_code"] in (
            "media_error",
            "no_video_stream_error",
        )


def test_serve_refuses_a_public_host_without_keys(tmp_path: Path) -> None:
    env = server_env(tmp_path / "cache")
    argv = [
        sys.executable,
        "-m",
        "cutups.cli",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        str(free_port()),
        "--data-dir",
        str(tmp_path / "d"),
    ]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "CUTUPS_API_KEYS" in done.stderr


def test_one_server_per_data_dir(server: Server, tmp_path: Path) -> None:
    env = server_env(tmp_path / "cache")
    argv = [
        sys.executable,
        "-m",
        "cutups.cli",
        "serve",
        "--port",
        str(free_port()),
        "--data-dir",
        str(server.data_dir),
    ]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "another cutups server" in done.stderr


def test_a_video_with_no_football_completes_with_warnings(
    server: Server, files: FileServer, tmp_path: Path
) -> None:
    """Zero clips is never silent: the job's status and manifest say why and what it costs."""
    video = tmp_path / "testcard.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
         "testsrc2=size=320x180:rate=25:duration=12", "-f", "lavfi", "-i",
         "sine=frequency=300:duration=12", "-c:v", "libx264", "-preset", "ultrafast",
         "-c:a", "aac", "-shortest", str(video)],
        check=True,
    )  # fmt: skip
    url = files.add("/testcard.mp4", Route(video))
    with server.client() as client:
        job_id = client.post("/jobs", json={"video_url": url}).json()["job_id"]
        job = wait_job(client, job_id, server=server)
        manifest = client.get(f"/jobs/{job_id}/manifest").json()
    assert job["status"] == "completed", job
    codes = [w["code"] for w in job["warnings"]]
    assert codes == ["no_scorebug", "little_field", "no_clips"], job["warnings"]
    assert all(w["cost"] for w in job["warnings"])
    assert manifest["warnings"] == job["warnings"] and manifest["clips"] == []
