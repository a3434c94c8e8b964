"""Opening media with PyAV, with every failure turned into a one-line :class:`MediaError`.

Probing and decoding both open files here, so a missing, empty or unreadable file reads the same
way everywhere: ``MediaError("no such file: ...")`` and never a PyAV traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition
from av.video.stream import VideoStream

from cutups.errors import MediaError, NoVideoStreamError

__all__ = ["AV_TIME_BASE", "check_file", "first_audio_stream", "first_video_stream", "open_input"]

log = logging.getLogger(__name__)

AV_TIME_BASE = 1_000_000
"""Container-level times (``container.duration``, ``container.start_time``) are in microseconds."""

# Demuxers that FFmpeg will happily "open" but that are never a football broadcast: ``tty``
# renders any text file (including JSON and logs) as ANSI art, and the image demuxers turn a
# single still into a one-frame "video".
_NOT_VIDEO_FORMATS = frozenset({"tty", "image2", "lrc", "srt", "ass", "webvtt", "ffmetadata"})


def check_file(path: Path) -> int:
    """Return the size in bytes of ``path`` or raise :class:`MediaError` saying why it is unusable.

    Raises:
        MediaError: the path is missing, not a regular file, or empty.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise MediaError(f"no such file: {path}") from None
    except OSError as exc:
        raise MediaError(f"cannot read {path}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise MediaError(f"not a file but a directory: {path}")
    if stat.st_size == 0:
        raise MediaError(f"empty file (0 bytes): {path}")
    return stat.st_size


def _describe(exc: BaseException) -> str:
    if isinstance(exc, av.error.FFmpegError) and exc.strerror:
        return str(exc.strerror)
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@contextmanager
def open_input(path: Path) -> Iterator[InputContainer]:
    """Open ``path`` for reading; map PyAV and OS errors to :class:`MediaError`.

    Only errors raised while *opening* are mapped; errors inside the ``with`` body propagate
    unchanged so callers can decide what corrupt data mid-stream means to them.

    Raises:
        MediaError: the file is missing, empty, or not something FFmpeg can demux.
    """
    check_file(path)
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError) as exc:
        # A truncated MP4 whose moov atom was cut off lands here ("Invalid data found ...").
        raise MediaError(f"not a readable video file: {path} ({_describe(exc)})") from None
    try:
        fmt = container.format.name
        if fmt in _NOT_VIDEO_FORMATS or fmt.endswith("_pipe"):
            kind = "a still image" if (fmt == "image2" or fmt.endswith("_pipe")) else "text"
            raise MediaError(f"not a video file ({kind}, format {fmt}): {path}")
        yield container
    finally:
        container.close()


def first_video_stream(container: InputContainer, path: Path) -> VideoStream:
    """The first real video stream: cover art (``attached_pic``) in an audio file does not count.

    Raises:
        NoVideoStreamError: there is none.
    """
    for stream in container.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            return stream
    kinds: list[str] = sorted({s.type for s in container.streams}) or ["no streams"]
    raise NoVideoStreamError(f"no video stream in {path} (found: {', '.join(kinds)})")


def first_audio_stream(container: InputContainer) -> AudioStream | None:
    """The first audio stream FFmpeg can open, or None. A file cut short inside its header
    can list an audio track whose codec was never read (no codec context): no usable audio."""
    return next((a for a in container.streams.audio if a.codec_context is not None), None)
