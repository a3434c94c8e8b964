"""A commentary job's server, for the page's streaming tests: the real page (``cutups.web``),
the job's event stream in the service's own SSE format (``format_event``), and its HLS folder
at the service's URLs (``/jobs/{id}/stream/hls/...``), which grows as chunks are published.

Chunks are real: made by the project's commentary pipeline (``run_commentary``: lines, espeak-ng
voice, ducked audio, one encoder setup) on a generated source. They reach the page in one of two
ways:

- :meth:`CommentaryServer.replay`: chunks made beforehand are split into the playlist
  (``HlsEventPlaylist.append``, as the pipeline does) and announced one by one, each only
  ``lead`` seconds before the stream needs it: a producer just ahead of playback, on a schedule
  that does not depend on the machine's load;
- :meth:`CommentaryServer.live`: the pipeline runs now, and each event is sent as it happens.

``chunk_ready`` carries ``{index, url, start, end, stream_start, text, play, play_done}``;
``complete`` carries ``{chunks, final_video}``; the job's ``completed`` ends the stream, as the
service does.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, StreamingResponse

from cutups.api.routes.events import format_event
from cutups.commentary.chunks import ChunkFile, EncoderSetup
from cutups.commentary.events import ChunkReady, Complete, StreamEvent
from cutups.commentary.hls import HlsEventPlaylist
from cutups.commentary.lines import LineWriter
from cutups.commentary.slots import play_slots
from cutups.commentary.speech import EspeakSynth
from cutups.commentary.stream import ChunkRecord, StreamConfig, StreamResult, run_commentary
from cutups.jobs.models import Event
from cutups.media.probe import MediaInfo
from cutups.timeline import ClipPlan
from cutups.web import router as web_router

__all__ = ["JOB_ID", "CommentaryServer", "make_commentary", "paced_clips"]

JOB_ID = "c0ffee20"
_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
}


def paced_clips(count: int, every: float, *, snap_at: float = 1.0) -> list[ClipPlan]:
    """``count`` plays, one every ``every`` seconds (snap ``snap_at`` s into each, 3 s long,
    the clip ending a second after, or where the next begins)."""
    end = min(snap_at + 4.0, every)
    return [
        ClipPlan(f"clip_{n}", n * every, n * every + end, n * every + snap_at,
                 n * every + snap_at + 3.0)
        for n in range(count)
    ]  # fmt: skip


def make_commentary(
    source: MediaInfo,
    clips: Sequence[ClipPlan],
    folder: Path,
    on_event: Callable[[StreamEvent], None],
    config: StreamConfig | None = None,
) -> StreamResult:
    """The real pipeline (template lines, espeak-ng) over ``clips`` of ``source``."""
    return run_commentary(
        play_slots(list(clips), source.duration), source, folder, writer=LineWriter(seed=3),
        synth=EspeakSynth(), on_event=on_event, config=config,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sent:
    """One event as the server sent it (monotonic time, for the tests' checks)."""

    type: str
    data: dict[str, Any]
    at: float


class CommentaryServer:
    """The page, ``/jobs/{JOB_ID}/events`` and ``/jobs/{JOB_ID}/stream/hls/*`` on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hls = folder / "hls"
        self.sent: list[Sent] = []
        self.listeners = 0
        """Event streams opened so far."""
        self._lock = threading.Lock()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(self._app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CommentaryServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the commentary fixture server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        with self._lock:
            self.sent.append(Sent(kind, data, time.monotonic()))

    def emit_stream_event(self, event: StreamEvent) -> None:
        """A pipeline event as the job service would send it (paths as URLs)."""
        body = event.to_dict()
        kind = body.pop("type")
        if isinstance(event, ChunkReady):
            body["url"] = f"/jobs/{JOB_ID}/stream/chunks/{event.path.name}"
            del body["path"]
        elif isinstance(event, Complete):
            final = f"/jobs/{JOB_ID}/stream/commentary.mp4" if event.final_video else None
            body = {"chunks": event.chunks, "final_video": final}
        self.emit(kind, body)
        if isinstance(event, Complete):
            self.emit("completed", {"status": "completed"})

    def live(
        self, source: MediaInfo, clips: Sequence[ClipPlan], config: StreamConfig | None = None
    ) -> StreamResult:
        """Run the pipeline into this server's folder now, sending its events as they come."""
        return make_commentary(source, clips, self.folder, self.emit_stream_event, config)

    def replay(self, made: StreamResult, setup: EncoderSetup, *, lead: float) -> None:
        """Publish ``made``'s chunks into a fresh playlist, each ``lead`` s before the stream
        reaches it (the first at once), then ``complete``."""
        playlist = HlsEventPlaylist(self.hls)
        started = time.monotonic()
        for record in made.chunks:
            wait = started + record.stream_start - lead - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            playlist.append(_chunk_file(record, setup), record.index)
            self.emit_stream_event(_ready(record))
        playlist.finish()
        self.emit_stream_event(Complete(len(made.chunks), made.final_video, playlist.path))

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.get(f"/jobs/{JOB_ID}/events")
        async def events() -> StreamingResponse:
            return StreamingResponse(self._stream(), media_type="text/event-stream")

        @app.get(f"/jobs/{JOB_ID}/stream/hls/{{name}}")
        def hls(name: str) -> FileResponse:
            path = self.hls / name
            if name.startswith(".") or not path.is_file():
                raise HTTPException(404)
            headers = {"Cache-Control": "no-store"}
            return FileResponse(path, media_type=_TYPES.get(path.suffix), headers=headers)

        app.include_router(web_router)
        return app

    def wait_for_listener(self, timeout: float = 30.0) -> None:
        """Until a page has opened the event stream."""
        deadline = time.monotonic() + timeout
        while not self.listeners:
            if time.monotonic() > deadline:
                raise TimeoutError("no page opened the event stream")
            time.sleep(0.02)

    async def _stream(self) -> AsyncIterator[str]:
        self.listeners += 1
        yield "retry: 15000\n\n"
        seq = 0
        while True:
            with self._lock:
                pending = self.sent[seq:]
            for sent in pending:
                seq += 1
                yield format_event(Event(JOB_ID, seq, sent.type, sent.data, sent.at))
                if sent.type == "completed":
                    return
            await asyncio.sleep(0.01)


def _chunk_file(record: ChunkRecord, setup: EncoderSetup) -> ChunkFile:
    frames = round(record.seconds * setup.frame_rate)
    return ChunkFile(record.path, frames, setup.samples(frames), setup.frame_rate)


def _ready(record: ChunkRecord) -> ChunkReady:
    return ChunkReady(
        record.index, record.path, record.start, record.end, record.stream_start, record.text,
        record.play, record.play_done,
    )  # fmt: skip
