"""Load test of the API: a real ``cutups serve`` on loopback, polled hard while it runs jobs.

Starts the server (embedded mode: the SQLite store, or PostgreSQL with ``--database-url``) with
``--workers`` job threads, and a local file server holding a small generated video (ffmpeg
``testsrc2``, ``--video-seconds`` long), then:

1. ``--submissions`` concurrent ``POST /jobs`` for that video. The queue is bounded
   (``--max-queue``): 202 until it is full, then 429 with Retry-After. Both are the correct
   behaviour and counted as such; an error is a 5xx or a connection failure.
2. ``--polls`` ``GET /jobs/{id}`` spread over the accepted jobs, ``--concurrency`` at a time,
   while the workers run them (``/health``'s running jobs are sampled before and after).

The load client is a small HTTP/1.1 client on asyncio with one keep-alive connection per
concurrent client, like ``wrk``: ~100 µs of CPU per request, where httpx spent more than the
server, so the numbers are the server's. Prints a Markdown table (requests, errors, status
counts, p50/p95/max latency, throughput), the server's peak RSS (``VmHWM``) and CPU per
request, and the machine's load average.

    python benchmarks/load_test.py [--submissions 300] [--polls 3000] [--concurrency 64]
                                   [--workers 2] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

from cutups.media import ffmpeg


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu: float = 0.0
    """Seconds of server CPU (user + system) during the phase."""

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def p95_ms(self) -> float:
        lat = sorted(self.latencies) or [0.0]
        return lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items()))
        codes += "".join(f", {k}×{v}" for k, v in sorted(self.failures.items()))
        cpu_us = self.server_cpu / max(1, self.requests) * 1e6
        return (
            f"| {self.name} | {self.requests} | {self.errors} | {codes} | "
            f"{statistics.median(lat) * 1000:.1f} | {self.p95_ms:.1f} | {lat[-1] * 1000:.1f} | "
            f"{self.rate:.0f} | {cpu_us:.0f} |"
        )


@dataclass
class Report:
    phases: list[Phase]
    peak_rss_mb: float
    running: tuple[int, int]
    """Jobs running in the server when the poll phase started and when it ended."""
    load: tuple[float, float, float]
    """The machine's load average when the run ended (other processes share the cores)."""


# -- the load client -----------------------------------------------------------------------------
class Connection:
    """One keep-alive HTTP/1.1 connection: a request at a time, the answer read in full."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        try:
            status, headers = _head(await reader.readuntil(b"\r\n\r\n"))
            answer = await reader.readexactly(int(headers.get("content-length", "0")))
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, answer

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None

    async def aclose(self) -> None:
        writer = self._streams[1] if self._streams else None
        self.close()
        if writer is not None:
            await writer.wait_closed()


async def get_once(port: int, path: str) -> tuple[int, bytes]:
    """One ``GET`` on a connection of its own."""
    conn = Connection("127.0.0.1", port)
    try:
        return await conn.request("GET", path)
    finally:
        await conn.aclose()


def _head(raw: bytes) -> tuple[int, dict[str, str]]:
    lines = raw.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        raise ValueError("chunked answers are not expected here")
    return int(lines[0].split()[1]), headers


Request = tuple[str, str, bytes]


async def _run(
    phase: Phase, port: int, pid: int, requests: list[Request], limit: int
) -> list[tuple[int, bytes] | None]:
    """Send ``requests`` over ``limit`` connections, each taking the next one when it is done."""
    answers: list[tuple[int, bytes] | None] = [None] * len(requests)
    queue: Iterator[tuple[int, Request]] = iter(enumerate(requests))

    async def client() -> None:
        conn = Connection("127.0.0.1", port)
        for n, (method, path, body) in queue:
            t0 = time.perf_counter()
            try:
                answers[n] = answer = await conn.request(method, path, body)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                phase.errors += 1
                phase.failures[type(exc).__name__] += 1
                continue
            phase.latencies.append(time.perf_counter() - t0)
            phase.statuses[answer[0]] += 1
            if answer[0] >= 500:
                phase.errors += 1
        await conn.aclose()

    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(limit)))
    phase.seconds = time.perf_counter() - t0
    phase.server_cpu = cpu_seconds(pid) - cpu0
    return answers


# -- the server and its surroundings ---------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_video(path: Path, seconds: float) -> None:
    """A small test video (moving pattern, a tone): enough for a job to decode and analyse."""
    tool = shutil.which("ffmpeg") or "ffmpeg"
    source = f"testsrc2=size=320x180:rate=30:duration={seconds}"
    tone = f"sine=frequency=440:duration={seconds}"
    args = ["-f", "lavfi", "-i", source, "-f", "lavfi", "-i", tone, "-c:v", "libx264"]
    args += ["-preset", "ultrafast", "-c:a", "aac", "-shortest", ffmpeg.file_arg(path)]
    ffmpeg.run(ffmpeg.command(tool, *args), timeout=120)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def start_server(
    data_dir: Path, *, workers: int, max_queue: int, log: Path, database_url: str | None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUTUPS_")}
    env.update(
        {
            "CUTUPS_ALLOW_PRIVATE_URLS": "true",
            "CUTUPS_MAX_QUEUE": str(max_queue),
            "CUTUPS_MIN_FREE_BYTES": str(64 * 1024 * 1024),
            "CUTUPS_CACHE_DIR": str(data_dir / "cache"),
        }
    )
    if database_url:
        env["CUTUPS_DATABASE_URL"] = database_url
    argv = [sys.executable, "-m", "cutups.cli", "serve", "--port", str(port)]
    argv += ["--data-dir", str(data_dir), "--workers", str(workers)]
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if asyncio.run(get_once(port, "/health"))[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


async def _running(port: int) -> int:
    status, body = await get_once(port, "/health")
    return len(json.loads(body)["running"]) if status == 200 else -1


async def load(
    port: int, pid: int, video_url: str, submissions: int, polls: int, limit: int
) -> tuple[list[Phase], tuple[int, int]]:
    submit, poll = Phase("POST /jobs"), Phase("GET /jobs/{id}")
    body = json.dumps({"video_url": video_url}).encode()
    answers = await _run(submit, port, pid, [("POST", "/jobs", body)] * submissions, limit)
    ids = [json.loads(a[1])["job_id"] for a in answers if a is not None and a[0] == 202]
    running = (await _running(port), 0)
    if ids:
        reqs = [("GET", f"/jobs/{ids[n % len(ids)]}", b"") for n in range(polls)]
        await _run(poll, port, pid, reqs, limit)
    return [submit, poll], (running[0], await _running(port))


def run(
    submissions: int = 300,
    polls: int = 3000,
    concurrency: int = 64,
    max_queue: int = 100,
    workers: int = 2,
    database_url: str | None = None,
    video_seconds: float = 30.0,
) -> Report:
    """Run the load test against a fresh server."""
    with tempfile.TemporaryDirectory(prefix="cutups-load-") as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        make_video(root / "www" / "game.mp4", video_seconds)
        handler = lambda *a, **kw: _Quiet(*a, directory=str(root / "www"), **kw)  # noqa: E731
        files = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        Thread(target=files.serve_forever, daemon=True).start()
        video_url = f"http://127.0.0.1:{files.server_address[1]}/game.mp4"
        proc, port = start_server(
            root / "data",
            workers=workers,
            max_queue=max_queue,
            log=root / "server.log",
            database_url=database_url,
        )
        try:
            phases, running = asyncio.run(
                load(port, proc.pid, video_url, submissions, polls, concurrency)
            )
            rss = peak_rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
            files.shutdown()
            files.server_close()
    return Report(phases, rss, running, os.getloadavg())


def table(report: Report, args: argparse.Namespace) -> str:
    store = "PostgreSQL" if args.database_url else "SQLite"
    lines = [
        f"Load test ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; {store} store, "
        f"concurrency {args.concurrency}, queue bound {args.max_queue}, "
        f"server job workers {args.workers})",
        "",
        "| phase | requests | errors | statuses | p50 ms | p95 ms | max ms | req/s "
        "| server CPU µs/req |",
        "|---|---|---|---|---|---|---|---|---|",
        *(p.row() for p in report.phases),
        "",
        f"Jobs running when the polls started / ended: {report.running[0]} / "
        f"{report.running[1]}. Server peak RSS (VmHWM): {report.peak_rss_mb:.0f} MB. "
        f"Load average at the end: {' '.join(f'{x:.2f}' for x in report.load)}.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--polls", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--max-queue", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (default: SQLite)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="start a throw-away PostgreSQL cluster (as the ops tests do) and use it",
    )
    parser.add_argument("--video-seconds", type=float, default=30.0)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.postgres:
            args.database_url = stack.enter_context(_throwaway_postgres()).url
        return _main(args)


@contextlib.contextmanager
def _throwaway_postgres() -> Iterator[Any]:
    """A PostgreSQL cluster in a temporary folder, from the ops tests' helpers."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.ops.services import postgres

    with tempfile.TemporaryDirectory(prefix="cutups-load-pg-") as tmp, postgres(Path(tmp)) as pg:
        yield pg


def _main(args: argparse.Namespace) -> int:
    report = run(
        args.submissions,
        args.polls,
        args.concurrency,
        args.max_queue,
        args.workers,
        args.database_url,
        args.video_seconds,
    )
    print(table(report, args))
    return 1 if any(p.errors for p in report.phases) else 0


if __name__ == "__main__":
    sys.exit(main())
