"""A commentary job over a real server: its stream events on ``GET /jobs/{id}/events`` and in
the seed's shape on ``GET /analyze-stream/{id}``, chunk and playlist URLs that answer while the
job runs, and a voice that fails mid-stream (a loopback ElevenLabs-style service answering 500
to its second line): a ``warning``, and the stream completes. The server's fast start setting is
off and the job's ``fast_start`` option turns it on."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from tests.api.conftest import Server, read_events, server_env, start_server
from tests.commentary.wire import Request, Wire, serve
from tests.sources.fileserver import FileServer

STREAM_EVENTS = {"status", "events_detected", "commentary_ready", "chunk_ready", "warning",
                 "error", "complete"}  # fmt: skip


@pytest.fixture(scope="module")
def voice() -> Iterator[Wire]:
    tone = (0.3 * np.sin(np.arange(24_000) / 24_000 * 2 * np.pi * 300) * 32767).astype("<i2")

    def answer(request: Request) -> tuple[int, str, bytes]:
        failing = len(wire.requests) == 2  # the second line voiced
        return (500, "text/plain", b"down") if failing else (200, "audio/pcm", tone.tobytes())

    with serve(answer) as wire:
        yield wire


@pytest.fixture(scope="module")
def tts_server(tmp_path_factory: pytest.TempPathFactory, voice: Wire) -> Iterator[Server]:
    """A server with the cloud voice configured and a cold analysis cache (so the plays are
    found while the commentary streams)."""
    root = tmp_path_factory.mktemp("tts")
    env = server_env(
        root / "cache",
        {
            "CUTUPS_COMMENTARY_TTS_URL": voice.url,
            "CUTUPS_COMMENTARY_TTS_API_KEY": "xi-key",
            "CUTUPS_COMMENTARY_TTS_VOICE_ID": "voice7",
            "CUTUPS_COMMENTARY_FAST_START": "false",  # the job's option turns it back on
        },
    )
    srv = start_server(root / "data", root / "server.log", env, workers=1)
    yield srv
    srv.stop()


def _seed_events(client: httpx.Client, job_id: str) -> list[dict[str, Any]]:
    """``GET /analyze-stream/{id}`` as the seed's client reads it: ``data:`` lines only."""
    out = []
    with client.stream("GET", f"/analyze-stream/{job_id}", timeout=120) as resp:
        assert resp.status_code == 200
        for line in resp.iter_lines():
            assert not line.startswith(("event:", "id:"))
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
    return out


def test_a_commentary_job_streams_chunks_and_survives_a_voice_failure(
    tts_server: Server, files: FileServer
) -> None:
    body = {"video_url": files.url("/broadcast.mp4"), "recipe": "commentary",
            "options": {"voice": "cloud", "fast_start": True}}  # fmt: skip
    with tts_server.client() as client:
        job_id = client.post("/jobs", json=body).json()["job_id"]
        seed: list[dict[str, Any]] = []
        reader = threading.Thread(target=lambda: seed.extend(_seed_events(client, job_id)))
        reader.start()
        logged = [e["data"] for e in read_events(client, job_id)]
        reader.join(120)
        job = client.get(f"/jobs/{job_id}").json()
        assert job["status"] == "completed", tts_server.log_tail()
        stream = [e for e in logged if e["type"] in STREAM_EVENTS]
        kinds = [e["type"] for e in stream]
        # The seed's shape carries the same stream events, in the same order, up to complete.
        assert [e["type"] for e in seed] == kinds[: kinds.index("complete") + 1]
        assert {"status", "events_detected", "commentary_ready", "chunk_ready"} <= set(kinds)
        # (After complete, the job repeats its manifest's warnings, each with its cost.)
        live = stream[: kinds.index("complete") + 1]
        failed = [e for e in live if e["type"] == "warning" and e["code"] == "speech_failed"]
        assert len(failed) == 1, live
        chunks = [e for e in stream if e["type"] == "chunk_ready"]
        assert [c["index"] for c in chunks] == list(range(len(chunks))) and len(chunks) >= 3
        # The job's fast_start overrode the server's setting (off): the first play's first
        # seconds came as a chunk of their own.
        assert chunks[0]["play"] == chunks[1]["play"] == 0 and not chunks[0]["play_done"]
        for chunk in chunks:
            assert chunk["url"] == f"/jobs/{job_id}/stream/chunks/chunk_{chunk['index']:04d}.mp4"
            assert chunk["start"] < chunk["end"]
            got = client.get(chunk["url"])
            assert got.status_code == 200 and got.headers["content-type"] == "video/mp4"
            assert got.content[4:8] == b"ftyp"
        done = next(e for e in stream if e["type"] == "complete")
        assert done["chunks"] == len(chunks)
        assert client.get(done["final_video"]).content[4:8] == b"ftyp"
        playlist = client.get(done["playlist"])
        assert playlist.status_code == 200 and "#EXT-X-ENDLIST" in playlist.text
        assert client.get(f"/jobs/{job_id}/stream/job.zip").status_code == 404
        assert client.get(f"/jobs/{job_id}/stream/hls/init.mp4").status_code == 200
