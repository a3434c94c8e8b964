"""Load test of the API: a real ``cutups serve`` on loopback, hundreds of concurrent requests.

Starts the server (embedded mode, SQLite store; ``--workers 0`` by default so the numbers are the
API and the store, not ffmpeg), then with httpx async:

1. ``--submissions`` concurrent ``POST /jobs`` (``video_url`` on a local file server). The queue
   is bounded (``--max-queue``): 202 until it is full, then 429 with Retry-After. Both are the
   correct behaviour and counted as such; an error is a 5xx or a connection failure.
2. ``--polls`` concurrent ``GET /jobs/{id}`` spread over the accepted jobs.

Prints a Markdown table: requests, errors, status counts, p50/p95/max latency, throughput, and
the server's peak RSS (``VmHWM`` from ``/proc/<pid>/status``).

    python benchmarks/load_test.py [--submissions 300] [--polls 3000] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import httpx


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def row(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items()))
        codes += "".join(f", {k}×{v}" for k, v in sorted(self.failures.items()))
        rate = self.requests / self.seconds if self.seconds else 0.0
        return (
            f"| {self.name} | {self.requests} | {self.errors} | {codes} | {p50:.1f} | "
            f"{p95:.1f} | {lat[-1] * 1000:.1f} | {rate:.0f} |"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def start_server(
    data_dir: Path, *, workers: int, max_queue: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUTUPS_")}
    env.update(
        {
            "CUTUPS_ALLOW_PRIVATE_URLS": "true",
            "CUTUPS_MAX_QUEUE": str(max_queue),
            "CUTUPS_MIN_FREE_BYTES": str(64 * 1024 * 1024),
        }
    )
    argv = [sys.executable, "-m", "cutups.cli", "serve", "--port", str(port)]
    argv += ["--data-dir", str(data_dir), "--workers", str(workers)]
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


async def _run(
    phase: Phase, client: httpx.AsyncClient, requests: list[tuple[str, str, Any]], limit: int
) -> list[httpx.Response | None]:
    gate = asyncio.Semaphore(limit)

    async def one(method: str, path: str, body: Any) -> httpx.Response | None:
        async with gate:
            t0 = time.perf_counter()
            try:
                r = await client.request(method, path, json=body)
            except httpx.HTTPError as exc:
                phase.errors += 1
                phase.failures[type(exc).__name__] += 1
                return None
            phase.latencies.append(time.perf_counter() - t0)
            phase.statuses[r.status_code] += 1
            if r.status_code >= 500:
                phase.errors += 1
            return r

    t0 = time.perf_counter()
    out = await asyncio.gather(*(one(*r) for r in requests))
    phase.seconds = time.perf_counter() - t0
    return list(out)


async def load(url: str, video_url: str, submissions: int, polls: int, limit: int) -> list[Phase]:
    submit, poll = Phase("POST /jobs"), Phase("GET /jobs/{id}")
    limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        body = {"video_url": video_url}
        answers = await _run(submit, client, [("POST", "/jobs", body)] * submissions, limit)
        ids = [r.json()["job_id"] for r in answers if r is not None and r.status_code == 202]
        if ids:
            reqs = [("GET", f"/jobs/{ids[n % len(ids)]}", None) for n in range(polls)]
            await _run(poll, client, reqs, limit)
    return [submit, poll]


def run(
    submissions: int = 300,
    polls: int = 3000,
    concurrency: int = 64,
    max_queue: int = 100,
    workers: int = 0,
) -> tuple[list[Phase], float]:
    """Run the load test; returns the phases and the server's peak RSS in MB."""
    with tempfile.TemporaryDirectory(prefix="cutups-load-") as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        (root / "www" / "game.mp4").write_bytes(b"\0" * 1024)
        handler = lambda *a, **kw: _Quiet(*a, directory=str(root / "www"), **kw)  # noqa: E731
        files = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        Thread(target=files.serve_forever, daemon=True).start()
        video_url = f"http://127.0.0.1:{files.server_address[1]}/game.mp4"
        proc, url = start_server(
            root / "data", workers=workers, max_queue=max_queue, log=root / "server.log"
        )
        try:
            phases = asyncio.run(load(url, video_url, submissions, polls, concurrency))
            rss = peak_rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
            files.shutdown()
            files.server_close()
    return phases, rss


def table(phases: list[Phase], rss: float, args: argparse.Namespace) -> str:
    lines = [
        f"Load test ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"concurrency {args.concurrency}, queue bound {args.max_queue}, "
        f"server workers {args.workers})",
        "",
        "| phase | requests | errors | statuses | p50 ms | p95 ms | max ms | req/s |",
        "|---|---|---|---|---|---|---|---|",
        *(p.row() for p in phases),
        "",
        f"Server peak RSS (VmHWM): {rss:.0f} MB",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--polls", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--max-queue", type=int, default=100)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    phases, rss = run(args.submissions, args.polls, args.concurrency, args.max_queue, args.workers)
    print(table(phases, rss, args))
    return 1 if any(p.errors for p in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
