"""Real servers for the acceptance tests: ``python -m cutups.cli serve`` as subprocesses.

Every server listens on 127.0.0.1 on a free port with its own data dir; they share one analysis
cache so the tiny generated broadcast is analysed once for the whole session (except where a test
wants a cold run). Servers print JSON logs into ``<tmp>/<name>.log``; a failing test shows the
tail.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sources.fileserver import FileServer, QuietServer

WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
API_KEYS = ("key-one", "key-two")
TERMINAL = {"completed", "failed", "canceled"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One running ``cutups serve`` process."""

    proc: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=30.0, **kw)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash or an OOM kill."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-lines:])
        except OSError:
            return ""


def server_env(cache_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUTUPS_")}
    env.update(
        {
            "CUTUPS_CACHE_DIR": str(cache_dir),
            "CUTUPS_ALLOW_PRIVATE_URLS": "true",
            "CUTUPS_HEARTBEAT_SECONDS": "1",
            "CUTUPS_LEASE_SECONDS": "6",
            "CUTUPS_WATCHDOG_SECONDS": "1",
            "CUTUPS_WEBHOOK_BACKOFF_SECONDS": "0.2",
            "CUTUPS_SSE_HEARTBEAT_SECONDS": "1",
            "CUTUPS_MIN_FREE_BYTES": str(64 * 1024 * 1024),
        }
    )
    env.update(extra or {})
    return env


def start_server(
    data_dir: Path,
    log: Path,
    env: Mapping[str, str],
    *,
    workers: int = 2,
    headers: Mapping[str, str] | None = None,
) -> Server:
    """Start a server and wait until ``/health`` answers."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "cutups.cli",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--workers",
        str(workers),
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=dict(env))
    server = Server(proc, port, data_dir, log, dict(headers or {}))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=1.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"server did not start:\n{server.log_tail()}")


# -- session resources -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Server]:
    """The main server: private URLs allowed (tests reach 127.0.0.1), webhooks signed."""
    root = tmp_path_factory.mktemp("server")
    env = server_env(cache_dir, {"CUTUPS_WEBHOOK_SECRET": WEBHOOK_SECRET})
    srv = start_server(root / "data", root / "server.log", env)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def slow_server(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Server]:
    """A server whose jobs pause 2 s after each clip (CUTUPS_TEST_CUT_DELAY), to catch them
    mid-cutting."""
    root = tmp_path_factory.mktemp("slow")
    env = server_env(cache_dir, {"CUTUPS_TEST_CUT_DELAY": "2"})
    srv = start_server(root / "data", root / "server.log", env)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def strict_server(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Server]:
    """Production-like limits: no private URLs, API keys, a 200 kB upload limit, a queue of 2,
    and no workers (so queued jobs stay queued)."""
    root = tmp_path_factory.mktemp("strict")
    env = server_env(
        cache_dir,
        {
            "CUTUPS_ALLOW_PRIVATE_URLS": "false",
            "CUTUPS_API_KEYS": ",".join(API_KEYS),
            "CUTUPS_MAX_UPLOAD_BYTES": "200000",
            "CUTUPS_MAX_QUEUE": "2",
        },
    )
    srv = start_server(
        root / "data",
        root / "server.log",
        env,
        workers=0,
        headers={"Authorization": f"Bearer {API_KEYS[1]}"},
    )
    yield srv
    srv.stop()


def poll_until_done(base: str, job_id: str, timeout: float = 120) -> dict[str, Any]:
    """Pattern 1 as the seed wrote it (requests → httpx), with a shorter sleep."""
    deadline = time.monotonic() + timeout
    seen: list[float] = []
    while time.monotonic() < deadline:
        status: dict[str, Any] = httpx.get(f"{base}/jobs/{job_id}").json()
        if status["status"] in ("completed", "failed"):
            status["_pcts"] = seen
            return status
        seen.append(status["pct"])
        assert isinstance(status["detail"], str)
        time.sleep(0.2)
    raise AssertionError("job did not finish")


@pytest.fixture(scope="session")
def polled_job(server: Server, files: FileServer) -> dict[str, Any]:
    """Pattern 1: submit with the seed's body (CFBD asked for, no key here) and poll."""
    response = httpx.post(
        f"{server.url}/jobs",
        json={
            "video_url": files.url("/broadcast.mp4"),
            "cfbd": {"use_cfbd": True, "game_id": 401525839},
        },
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and set(body) == {"job_id", "status"}
    return poll_until_done(server.url, body["job_id"])


# -- helpers -----------------------------------------------------------------------------------
def wait_job(
    client: httpx.Client,
    job_id: str,
    until: Callable[[dict[str, Any]], bool] = lambda job: job["status"] in TERMINAL,
    timeout: float = 120.0,
    server: Server | None = None,
) -> dict[str, Any]:
    """Poll ``GET /jobs/{id}`` (the seed's pattern 1) until ``until`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if until(job):
            return job
        if time.monotonic() > deadline:
            tail = server.log_tail() if server else ""
            raise AssertionError(f"job never got there: {job}\n{tail}")
        time.sleep(0.1)


def read_events(
    client: httpx.Client, job_id: str, comments: list[str] | None = None, **headers: str
) -> list[dict[str, Any]]:
    """The job's SSE stream until it ends: ``[{"id", "event", "data"}]``; comment lines go to
    ``comments``."""
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    with client.stream("GET", f"/jobs/{job_id}/events", headers=headers, timeout=120) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line == "":
                if "event" in current:
                    events.append(current)
                current = {}
            elif line.startswith(":"):
                if comments is not None:
                    comments.append(line)
            else:
                key, _, value = line.partition(": ")
                if key == "data":
                    current["data"] = json.loads(value)
                elif key == "id":
                    current["id"] = int(value)
                elif key == "event":
                    current["event"] = value
    return events


def ffmpeg_children(pid: int) -> list[int]:
    """ffmpeg processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and "ffmpeg" in fields.get("Name", ""):
            found.append(int(entry.name))
    return found


class WebhookReceiver:
    """A local endpoint recording every POST (headers lower-cased, raw body)."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Condition()
        handler = self._handler()
        self.server = QuietServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cutups/webhook"

    def wait(self, count: int = 1, timeout: float = 120.0) -> list[tuple[dict[str, str], bytes]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.calls) >= count, timeout)
        return list(self.calls)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                with receiver.arrived:
                    receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.arrived.notify_all()

        return Handler


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
