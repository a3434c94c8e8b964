"""The events a commentary run emits, in the order a client sees them over SSE.

``status`` (what is happening), ``events_detected`` (plays found so far), ``commentary_ready``
(a line written), ``chunk_ready`` (a chunk playable: its file and its span of the source and of
the stream), ``warning`` (something skipped; the stream goes on), ``error`` (the run stopped),
``complete`` (every chunk, the final video and the closed playlist). Each is a frozen
dataclass; :meth:`StreamEvent.to_dict` gives the JSON body with its ``type``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "ChunkReady",
    "CommentaryReady",
    "Complete",
    "ErrorEvent",
    "EventSink",
    "PlaysDetected",
    "Status",
    "StreamEvent",
    "WarningEvent",
]


@dataclass(frozen=True, slots=True)
class StreamEvent:
    type: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        body = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        return {"type": self.type, **body}


EventSink = Callable[[StreamEvent], None]


@dataclass(frozen=True, slots=True)
class Status(StreamEvent):
    type: ClassVar[str] = "status"
    message: str
    progress: float | None = None


@dataclass(frozen=True, slots=True)
class PlaysDetected(StreamEvent):
    """Plays found so far; ``start``/``end``: the newest one's span of the source."""

    type: ClassVar[str] = "events_detected"
    count: int
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class CommentaryReady(StreamEvent):
    """A line written for play ``index``; ``start``: its first word, ``end``: the latest it may
    end (seconds of the source)."""

    type: ClassVar[str] = "commentary_ready"
    index: int
    text: str
    start: float
    end: float
    writer: str


@dataclass(frozen=True, slots=True)
class ChunkReady(StreamEvent):
    """Chunk ``index`` is playable. ``index``: its place in the stream (0, 1, 2... in order,
    one per chunk); ``play``: the play it belongs to; ``play_done``: the play's last chunk (a
    fast start sends the first play in two: its first seconds, then the rest with the line).
    ``start``/``end``: its span of the source; ``stream_start``: where it begins in the
    stream and the final video."""

    type: ClassVar[str] = "chunk_ready"
    index: int
    path: Path
    start: float
    end: float
    stream_start: float
    text: str | None
    play: int
    play_done: bool = True


@dataclass(frozen=True, slots=True)
class WarningEvent(StreamEvent):
    type: ClassVar[str] = "warning"
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ErrorEvent(StreamEvent):
    type: ClassVar[str] = "error"
    message: str


@dataclass(frozen=True, slots=True)
class Complete(StreamEvent):
    type: ClassVar[str] = "complete"
    chunks: int
    final_video: Path | None
    playlist: Path
