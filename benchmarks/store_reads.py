"""Status reads against the job store while jobs write: the store's share of a status poll.

In one process, like the API: ``--readers`` threads share ``--reads`` ``get(job_id)`` calls
while ``--writers`` threads, each holding a job, record progress and append events without
pause (running jobs). Prints read p50/p95/max latency and reads per second, and the writes
done meanwhile. SQLite by default (a temporary file); ``--pg-url`` for PostgreSQL.

    python benchmarks/store_reads.py [--reads 3000] [--readers 64] [--writers 4] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from cutups.jobs.sqlite_store import SqliteJobStore
from cutups.jobs.store import JobStore


def _open(pg_url: str | None, folder: Path) -> JobStore:
    if pg_url:
        from cutups.jobs.postgres_store import PostgresJobStore

        return PostgresJobStore(pg_url, schema=f"bench_{uuid.uuid4().hex[:8]}")
    return SqliteJobStore(folder / "jobs.db")


def measure(store: JobStore, reads: int, readers: int, writers: int) -> dict[str, float]:
    """Read latencies (seconds) under ``writers`` busy jobs; the numbers as a dict."""
    ids = [store.create({"video_url": f"https://example.com/{n}.mp4"})[0].id for n in range(64)]
    held = [store.claim(f"w{n}", 600) for n in range(writers)]
    stop = threading.Event()
    writes = [0]

    def write(n: int) -> None:
        job = held[n]
        assert job is not None
        while not stop.is_set():
            store.update_progress(job.id, f"w{n}", pct=50.0, progress={"tick": writes[0]})
            store.append_event(job.id, "progress", {"tick": writes[0]})
            writes[0] += 2

    latencies: list[float] = []
    lock = threading.Lock()
    per_reader = reads // readers

    def read(n: int) -> None:
        mine = []
        for i in range(per_reader):
            t0 = time.perf_counter()
            store.get(ids[(n + i) % len(ids)])
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    busy = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    polls = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for t in busy:
        t.start()
    time.sleep(0.2)
    t0 = time.perf_counter()
    for t in polls:
        t.start()
    for t in polls:
        t.join()
    seconds = time.perf_counter() - t0
    stop.set()
    for t in busy:
        t.join()
    lat = sorted(latencies)
    return {
        "reads": len(lat),
        "p50_ms": statistics.median(lat) * 1000,
        "p95_ms": lat[int(len(lat) * 0.95)] * 1000,
        "max_ms": lat[-1] * 1000,
        "reads_per_s": len(lat) / seconds,
        "writes": writes[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--pg-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = _open(args.pg_url, Path(folder))
        try:
            result = measure(store, args.reads, args.readers, args.writers)
        finally:
            store.close()
    print(" ".join(f"{k}={v:.2f}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
