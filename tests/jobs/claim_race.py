"""Claim every queued job from several threads at once: the store contract's race check."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from cutups.jobs.store import JobStore

__all__ = ["claim_all_racing"]


def claim_all_racing(stores: Sequence[JobStore], workers: int) -> list[str]:
    """Ids claimed by ``workers`` threads, worker ``n`` using ``stores[n % len(stores)]``,
    all starting together and claiming until the queue is empty. A job claimed twice shows up
    twice; a job never claimed is missing."""
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def worker(n: int) -> None:
        start.wait()
        while (job := stores[n % len(stores)].claim(f"w{n}", 60)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return claimed
