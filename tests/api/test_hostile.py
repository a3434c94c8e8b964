"""Hostile input: every defect found by probing the API as an outside tester would.

Malformed URLs, out-of-range event cursors, unknown fields, huge bodies, ids with a trailing
newline and clients that hang up mid-upload: each is a clear 4xx (or one log line), never a
5xx, a dropped stream or a traceback. Most run against the app in-process (no workers: nothing
here is processed); the memory test runs a real server and reads its peak RSS.
"""

from __future__ import annotations

import asyncio
import json
import logging
import select
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from cutups.api.app import create_app
from cutups.api.routes.events import MAX_CURSOR
from cutups.api.routes.exports import PlaylistCreate
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups.storage.layout import valid_id
from tests.api.conftest import server_env, start_server

with warnings.catch_warnings():  # starlette asks for `httpx2`; the installed httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PUBLIC_VIDEO = "https://93.184.216.34/game.mp4"
BODY_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root = tmp_path_factory.mktemp("hostile")
    settings = Settings(
        CUTUPS_DATA_DIR=root,
        CUTUPS_CACHE_DIR=root / "cache",
        CUTUPS_MIN_FREE_BYTES=0,
        CUTUPS_MAX_BODY_BYTES=BODY_LIMIT,
        CUTUPS_MAX_UPLOAD_BYTES=1_000_000,
    )  # type: ignore[call-arg]
    service = Service(settings, workers=0)
    service.start()
    yield create_app(settings, service=service)
    service.stop()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]
    return error


# -- malformed URLs: urlsplit raised inside the SSRF check (500) ---------------------------------
MALFORMED = ["http://[::1/x", "http://[fe80::1%25eth0]/", "http://[v1.x]/", "http://\u2100.com/"]


@pytest.mark.parametrize("url", MALFORMED)
@pytest.mark.parametrize("field", ["video_url", "presigned_url", "webhook_url"])
def test_malformed_urls_are_422_in_every_url_field(
    client: TestClient, field: str, url: str
) -> None:
    body = {field: url} if field != "webhook_url" else {"video_url": PUBLIC_VIDEO, field: url}
    error = error_of(client.post("/jobs", json=body), 422)
    assert error["code"] in ("source", "private_url")
    assert "not a valid URL" in error["message"] or "link-local" in error["message"]


# -- event cursors: an OverflowError from SQLite killed the stream -----------------------------
def _queued_job(client: TestClient) -> str:
    response = client.post("/jobs", json={"video_url": PUBLIC_VIDEO})
    assert response.status_code == 202, response.text
    job_id: str = response.json()["job_id"]
    return job_id


@pytest.mark.parametrize("cursor", ["99999999999999999999999", str(MAX_CURSOR + 1), "-1", "1e3"])
def test_out_of_range_event_cursors_are_422(client: TestClient, cursor: str) -> None:
    job_id = _queued_job(client)
    error_of(client.get(f"/jobs/{job_id}/events?after={cursor}"), 422)
    error = error_of(client.get(f"/jobs/{job_id}/events", headers={"Last-Event-ID": cursor}), 422)
    assert "Last-Event-ID" in error["message"] or "after" in error["message"]


def test_an_ended_stream_answers_204_and_streams_retry_slowly(client: TestClient) -> None:
    job_id = _queued_job(client)
    client.post(f"/jobs/{job_id}/cancel")  # the stream ends with the job
    with client.stream("GET", f"/jobs/{job_id}/events?after=0") as response:
        assert response.status_code == 200
        text = "".join(response.iter_text())
    assert text.startswith("retry: 15000\n\n")  # not every 3 s (see api/routes/events.py)
    assert "event: canceled" in text
    # Everything seen, the job over: 204 tells EventSource to stop reconnecting.
    last = max(int(line[4:]) for line in text.splitlines() if line.startswith("id: "))
    assert (
        client.get(f"/jobs/{job_id}/events", headers={"Last-Event-ID": str(last)}).status_code
        == 204
    )
    assert client.get(f"/jobs/{job_id}/events?after={MAX_CURSOR}").status_code == 204


# -- unknown fields: silently dropped, so a typo ran a default job -----------------------------
def test_unknown_fields_are_refused_by_name(client: TestClient) -> None:
    body = {"video_url": PUBLIC_VIDEO, "recipee": "plays", "webhok_url": "https://x.test/"}
    error = error_of(client.post("/jobs", json=body), 422)
    assert "recipee: unknown field" in error["message"]
    assert "webhok_url: unknown field" in error["message"]
    error = error_of(
        client.post("/jobs", json={"video_url": PUBLIC_VIDEO, "options": {"x": 1}}), 422
    )
    assert "x" in error["message"]  # the recipe's options were already strict
    with pytest.raises(ValidationError, match="bogus"):
        PlaylistCreate.model_validate({"where": "down = 3", "bogus": True})


def test_the_seeds_request_is_accepted_as_documented(client: TestClient) -> None:
    # POST /jobs exactly as the predecessor's documentation shows it (seed 000).
    seed = {
        "video_url": PUBLIC_VIDEO,
        "webhook_url": "https://93.184.216.34/webhook",
        "options": {
            "play_padding_pre": 3.0,
            "play_padding_post": 5.0,
            "scene_thresh": 0.30,
            "min_duration": 4.0,
            "max_duration": 20.0,
        },
        "cfbd": {
            "use_cfbd": True,
            "game_id": 401525839,
            "season": 2024,
            "week": 1,
            "team": "Michigan",
            "season_type": "regular",
        },
    }
    assert client.post("/jobs", json=seed).status_code == 202, client.post("/jobs", json=seed).text
    presigned = {"presigned_url": "https://93.184.216.34/b/g.mp4?X-Amz-Signature=a", "options": {}}
    assert client.post("/jobs", json=presigned).status_code == 202


# -- body size: a 40 MB JSON body was read whole ------------------------------------------------
def _call(app: FastAPI, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int]:
    """Send a request to the ASGI app; (status, body bytes the app was handed)."""
    handed = 0
    messages = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal handed
        if not messages:
            return {"type": "http.disconnect"}
        message = messages.pop(0)
        handed += len(message["body"])
        return message

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return status[0], handed


def test_a_body_over_the_limit_is_413_unread(app: FastAPI) -> None:
    big = 40 * 1024 * 1024
    headers = {"content-type": "application/json", "content-length": str(big)}
    status, handed = _call(app, "/jobs", headers, [b"{" + b" " * 1000])
    assert (status, handed) == (413, 0)  # refused on its Content-Length, before any byte


def test_a_streamed_body_over_the_limit_is_cut_off(app: FastAPI) -> None:
    chunk = b" " * 16 * 1024
    status, handed = _call(app, "/jobs", {"content-type": "application/json"}, [chunk] * 2560)
    assert status == 413
    assert handed <= BODY_LIMIT + len(chunk)  # read up to the limit, not 40 MB


def test_under_the_limit_is_untouched(client: TestClient) -> None:
    pbp = [{"id": i, "playText": "x" * 100} for i in range(200)]  # ~25 kB inline
    response = client.post("/jobs", json={"video_url": PUBLIC_VIDEO, "pbp": pbp})
    assert response.status_code == 422  # judged on its content (not CFBD plays), not its size
    assert response.json()["error"]["code"] != "too_large"


def _raw_post(port: int, head: bytes, body_chunks: Iterator[bytes]) -> int:
    """POST over a socket, sending until the server answers; its status."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: stop sending
            try:
                sock.sendall(chunk)
            except OSError:
                break
        answer = sock.recv(4096)
    return int(answer.split(b" ")[1])


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_a_40_mb_body_does_not_cost_the_server_its_size(tmp_path: Path, cache_dir: Path) -> None:
    server = start_server(
        tmp_path / "data", tmp_path / "server.log", server_env(cache_dir), workers=0
    )
    try:
        with server.client() as client:
            assert client.get("/jobs").status_code == 200
        before = _peak_rss(server.pid)
        piece = json.dumps({"pbp": ["x" * 1000] * 1000})[:-2].encode()  # ~1 MB of a JSON list
        size = 40 * len(piece)
        chunked = (
            b"POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        framed = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        statuses = [_raw_post(server.port, chunked, iter([framed] * 40 + [b"0\r\n\r\n"]))]
        declared = (
            b"POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        statuses.append(_raw_post(server.port, declared, iter([piece] * 40)))
        grown = _peak_rss(server.pid) - before
        print(f"peak RSS grew by {grown / 2**20:.1f} MiB for two 40 MB bodies: {statuses}")
        assert statuses == [413, 413]
        assert grown < 20 * 1024 * 1024, f"peak RSS grew by {grown / 2**20:.0f} MiB"
    finally:
        server.stop()


# -- ids: "$" let a trailing newline through ---------------------------------------------------
def test_ids_match_whole_strings_only(client: TestClient) -> None:
    assert valid_id("0123456789ab")
    assert not valid_id("0123456789ab\n")
    job_id = _queued_job(client)
    assert client.get(f"/jobs/{job_id}").status_code == 200
    error_of(client.get(f"/jobs/{job_id}%0A"), 404)
    error_of(client.get(f"/jobs/{job_id}/clips/clip_0%0A"), 404)


# -- a client hanging up mid-upload logged an internal error's traceback ------------------------
def test_a_client_leaving_mid_upload_is_one_log_line(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    head = (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="g.mp4"\r\n'
        b"Content-Type: video/mp4\r\n\r\n"
    )
    messages = [
        {"type": "http.request", "body": head + b"\0" * 50_000, "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        return None

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/upload",
        "raw_path": b"/upload",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"multipart/form-data; boundary=XX")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    service: Service = app.state.service
    with caplog.at_level(logging.INFO):
        asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    records = [r for r in caplog.records if r.name.startswith("cutups")]
    assert [r.levelno for r in records] == [logging.INFO], [r.getMessage() for r in records]
    assert "disconnected" in records[0].getMessage() and records[0].exc_info is None
    assert [p for p in service.uploads.root.iterdir() if not (p / "meta.json").exists()] == []
