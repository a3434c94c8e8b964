"""Event streams fan out from one source: many clients on one job cost one store poller.

A real uvicorn server on loopback (in this process, so the store's reads can be counted) and
twenty concurrent ``GET /jobs/{id}/events`` clients: each gets the replay after its own cursor,
then every event as it is logged, then the terminal event, and the store is read about as often
as for one client.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cutups.settings import Settings

from .in_thread import ServedService, serve_service

CLIENTS = 20


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedService]:
    settings = Settings(
        CUTUPS_DATA_DIR=tmp_path,
        CUTUPS_CACHE_DIR=tmp_path / "cache",
        CUTUPS_MIN_FREE_BYTES=0,
        CUTUPS_ALLOW_PRIVATE_URLS=True,
        CUTUPS_SSE_HEARTBEAT_SECONDS=30,
    )
    with serve_service(settings) as served:
        yield served


async def _follow(url: str, job_id: str, last_event_id: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    headers = {"Last-Event-ID": str(last_event_id)}
    async with (
        httpx.AsyncClient(base_url=url, timeout=30) as client,
        client.stream("GET", f"/jobs/{job_id}/events", headers=headers) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    return events


def test_many_clients_on_one_job_share_one_poller(served: ServedService) -> None:
    svc = served.service
    job, _ = svc.submit({"video_url": "http://127.0.0.1:9/game.mp4"})
    for n in range(3):
        svc.store.append_event(job.id, "progress", {"n": n})
    logged = [e.seq for e in svc.store.events_since(job.id, 0)]
    served.count_reads("events_since")

    async def scenario() -> tuple[list[list[dict[str, Any]]], int]:
        # client k resumes after the k-th event it saw (Last-Event-ID), 0 for a fresh start
        streams = [
            asyncio.create_task(_follow(served.url, job.id, logged[k % len(logged)] - 1))
            for k in range(CLIENTS)
        ]
        await asyncio.sleep(1.0)
        for n in range(3, 6):
            await asyncio.to_thread(svc.store.append_event, job.id, "progress", {"n": n})
            await asyncio.sleep(0.3)
        reads_while_live = served.reads
        await asyncio.to_thread(svc.cancel, job.id)
        return list(await asyncio.wait_for(asyncio.gather(*streams), 30)), reads_while_live

    results, reads_while_live = asyncio.run(scenario())
    everything = [e.seq for e in svc.store.events_since(job.id, 0)]
    for k, events in enumerate(results):
        start = logged[k % len(logged)] - 1
        assert [e["seq"] for e in events] == [s for s in everything if s > start]
        assert events[-1]["type"] == "canceled"
    # ~2 s of following at 4 polls a second, each poll one events_since: about 8 reads for the
    # one poller, where one poll per client made 20 times as many
    assert reads_while_live <= 20, reads_while_live


def test_the_feed_ends_with_its_last_follower(served: ServedService) -> None:
    svc = served.service
    job, _ = svc.submit({"video_url": "http://127.0.0.1:9/game.mp4"})

    async def scenario() -> None:
        follower = asyncio.create_task(_follow(served.url, job.id, 0))
        await asyncio.sleep(0.5)
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
        await asyncio.sleep(0.5)

    asyncio.run(scenario())
    served.count_reads("events_since")
    time.sleep(1.0)
    assert served.reads == 0  # nobody follows: no poller left reading
