"""What a media file holds, read once with PyAV into immutable records.

Usage::

    info = probe("game.mp4")
    info.video.frame_rate          # Fraction(30000, 1001), exact
    info.keyframes[:3]             # (0.0, 1.6016, 3.2032): seconds from the first video frame

**One timeline.** Every time Cutups handles is in seconds from the first video frame
(``t = 0`` is the frame whose pts is the video stream's start time). ffmpeg's ``-ss`` counts from
the *container* start instead, which differs when audio starts before video (common in MPEG-TS),
so :attr:`MediaInfo.seek_offset` gives the difference to add.

**Policy on odd inputs.** Missing, empty, text (FFmpeg opens text as ``tty`` ANSI art) and still
images (``image2``, ``*_pipe``) raise :class:`~cutups.errors.MediaError`; a still is not a
broadcast, and accepting it would only fail later in a less clear way. A file with audio but no
video raises :class:`~cutups.errors.NoVideoStreamError`.

**Truncated files.** An MP4 cut short with its ``moov`` atom at the end cannot be opened and
raises MediaError. One with ``moov`` at the front opens (its header still claims the full
length); the keyframe scan demuxes every video packet anyway, so it notices where the data
stops and :attr:`MediaInfo.duration` reports the part that is actually there, with
:attr:`MediaInfo.truncated` set. Without the scan (``keyframes=False``) the MP4 sample index is
checked against the file size instead, which estimates the end to within a few frames.
Decoding such a file later stops cleanly at the cut (see :mod:`cutups.media.decode`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Discard
from av.video.stream import VideoStream

from cutups.errors import MediaError
from cutups.media._pyav import (
    AV_TIME_BASE,
    check_file,
    first_audio_stream,
    first_video_stream,
    open_input,
)

__all__ = ["AudioStreamInfo", "MediaInfo", "VideoStreamInfo", "probe"]

log = logging.getLogger(__name__)

_MAX_SANE_FPS = Fraction(1000)


@dataclass(frozen=True, slots=True)
class VideoStreamInfo:
    """The video stream Cutups works on (the first one that is not cover art)."""

    index: int
    """Stream index in the container (``-map 0:<index>``)."""
    codec: str
    """Decoder name, e.g. ``"h264"``."""
    width: int
    """Coded width in pixels."""
    height: int
    """Coded height in pixels."""
    frame_rate: Fraction
    """Frames per second, exact (``Fraction(30000, 1001)``): FFmpeg's guess, else the average."""
    time_base: Fraction
    """Seconds per pts tick."""
    pix_fmt: str
    """Pixel format, e.g. ``"yuv420p"``."""
    frame_count: int | None
    """Frames in the stream per the header (or the keyframe scan); None when unknown."""
    bit_rate: int | None
    """Bits per second, None when the container does not say."""
    duration: float
    """Seconds of video from the first frame to the end of the last."""
    start_pts: int = 0
    """pts of the first frame, in :attr:`time_base` ticks (the origin of Cutups' timeline)."""
    profile: str | None = None
    """Codec profile as FFmpeg names it, e.g. ``"High"``; used to match re-encoded heads."""
    level: int | None = None
    """Codec level times ten (H.264 ``31`` is level 3.1); None when unknown."""
    sample_aspect_ratio: Fraction = Fraction(1)
    """Pixel aspect ratio (1 for square pixels)."""
    reorder_delay: int = 0
    """pts minus dts of the first packet, in :attr:`time_base` ticks: how far decode order runs
    ahead of display order (B-frames). 0 when unknown or without the keyframe scan."""
    reorders: bool | None = None
    """Whether any frame is decoded out of display order (B-frames), found by the keyframe
    scan; None without it. When False, a stream copy may end after any frame."""

    @property
    def frame_duration(self) -> Fraction:
        """Seconds per frame at the nominal rate."""
        return 1 / self.frame_rate

    @property
    def start_time(self) -> float:
        """Seconds of the first frame on the container's own clock."""
        return float(self.start_pts * self.time_base)


@dataclass(frozen=True, slots=True)
class AudioStreamInfo:
    """The first audio stream."""

    index: int
    """Stream index in the container."""
    codec: str
    """Decoder name, e.g. ``"aac"``."""
    sample_rate: int
    """Samples per second per channel."""
    channels: int
    """Channel count."""
    duration: float
    """Seconds of audio per the header (0.0 when unknown)."""
    bit_rate: int | None = None
    """Bits per second, None when unknown."""


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """Everything Cutups needs to know about a source before analysing or cutting it."""

    path: Path
    size_bytes: int
    format_name: str
    """Demuxer name(s), e.g. ``"mov,mp4,m4a,3gp,3g2,mj2"`` or ``"mpegts"``."""
    duration: float
    """Seconds of usable media (for a truncated file, what is really there)."""
    video: VideoStreamInfo
    audio: AudioStreamInfo | None
    keyframes: tuple[float, ...]
    """Sorted times (seconds from the first video frame) of the keyframes a decoder can start
    from cleanly. Found by demuxing packets, not decoding. I-frames of *open* GOPs, whose
    leading B-frames depend on the previous GOP, are left out: a stream copy cannot start there.
    Empty when probed with ``keyframes=False``."""
    start_time: float = 0.0
    """Seconds of the container's start on its own clock (what ffmpeg's ``-ss 0`` means)."""
    truncated: bool = False
    """True when the data stops before the header says it should."""

    @property
    def has_audio(self) -> bool:
        """Whether there is an audio stream."""
        return self.audio is not None

    @property
    def seek_offset(self) -> float:
        """Seconds to add to a Cutups time to get ffmpeg's ``-ss`` position for it."""
        return self.video.start_time - self.start_time


def probe(path: str | Path, *, keyframes: bool = True) -> MediaInfo:
    """Read the streams, durations and (optionally) keyframe times of ``path``.

    Arguments:
        path: the media file.
        keyframes: demux every video packet to list keyframe times and measure how much video
            is really there. Costs about 20 ms per minute of 720p MP4 (reading, no decoding).

    Returns:
        A :class:`MediaInfo`.

    Raises:
        MediaError: missing, empty, truncated beyond use, text, still image, or unreadable.
        NoVideoStreamError: the file has no video stream (audio only, for example).
    """
    p = Path(path)
    size = check_file(p)
    with open_input(p) as container:
        vstream = first_video_stream(container, p)
        astream = first_audio_stream(container)
        try:
            return _probe_open(p, size, container, vstream, astream, keyframes)
        except av.error.FFmpegError as exc:
            raise MediaError(f"cannot read {p}: {exc.strerror or exc}") from None


@dataclass(frozen=True, slots=True)
class _Scan:
    """What demuxing every video packet revealed."""

    keyframes: tuple[int, ...]
    """pts of clean keyframes, decode-order scan, sorted."""
    packets: int
    first_pts: int | None
    end_pts: int | None
    """Largest pts + duration seen."""
    reorder_delay: int
    reorders: bool
    """Some packet's pts was below an earlier packet's (decode order is not display order)."""


def _probe_open(
    path: Path,
    size: int,
    container: InputContainer,
    vstream: VideoStream,
    astream: AudioStream | None,
    keyframes: bool,
) -> MediaInfo:
    tb = vstream.time_base or Fraction(1, 90000)
    rate = _frame_rate(vstream, path)
    container_start = (
        container.start_time / AV_TIME_BASE if container.start_time is not None else None
    )
    header_video = _header_video_duration(container, vstream, tb, rate)
    audio = _audio_info(astream)
    video_info = _video_info(vstream, tb, rate, header_video)
    scan = _scan_packets(container, vstream) if keyframes else None
    start_pts = _start_pts(vstream, scan)
    if scan is not None:
        extent = _scanned_extent(path, scan, start_pts, tb, rate, header_video, video_info)
    else:
        extent = _Extent(header_video, False, video_info.frame_count, ())
        estimate = _index_truncation(vstream, astream, size, tb, start_pts, rate)
        if estimate is not None and estimate < header_video:
            extent = replace(extent, duration=estimate, truncated=True)
    if extent.truncated:
        log.warning("%s is truncated: %.3f s of video present", path, extent.duration)

    total = container.duration / AV_TIME_BASE if container.duration else extent.duration
    video = replace(
        video_info,
        frame_count=extent.frame_count,
        duration=extent.duration,
        start_pts=start_pts,
        reorder_delay=scan.reorder_delay if scan else 0,
        reorders=scan.reorders if scan else None,
    )
    return MediaInfo(
        path=path,
        size_bytes=size,
        format_name=container.format.name,
        duration=min(total, extent.duration) if extent.truncated else total,
        video=video,
        audio=audio,
        keyframes=extent.keyframes,
        start_time=container_start if container_start is not None else video.start_time,
        truncated=extent.truncated,
    )


def _start_pts(vstream: VideoStream, scan: _Scan | None) -> int:
    """pts of the first frame: the header's, else the scan's first packet's, else 0."""
    if vstream.start_time is not None:
        return vstream.start_time
    if scan is not None and scan.first_pts is not None:
        return scan.first_pts
    return 0


@dataclass(frozen=True, slots=True)
class _Extent:
    """How much video is really there, and its keyframes."""

    duration: float
    truncated: bool
    frame_count: int | None
    keyframes: tuple[float, ...]


def _scanned_extent(
    path: Path,
    scan: _Scan,
    start_pts: int,
    tb: Fraction,
    rate: Fraction,
    header_video: float,
    video_info: VideoStreamInfo,
) -> _Extent:
    """The extent the keyframe scan measured: the data wins over a header promising more."""
    if scan.packets == 0:
        raise MediaError(f"no video frames in {path}")
    duration = header_video
    truncated = False
    if scan.end_pts is not None:
        seen = float((scan.end_pts - start_pts) * tb)
        if header_video <= 0:
            duration = seen
        elif seen < header_video - float(1 / rate):
            # The header promises more than the data holds: trust the data.
            truncated, duration = True, seen
    key_times = tuple(float((k - start_pts) * tb) for k in scan.keyframes)
    frame_count = scan.packets if truncated else (video_info.frame_count or scan.packets)
    return _Extent(duration, truncated, frame_count, key_times)


def _frame_rate(vstream: VideoStream, path: Path) -> Fraction:
    # FFmpeg's guess (r_frame_rate) first: the average is frames / media duration, which an
    # edit list or an uneven decode timeline skews (29.817 fps for a 29.97 fps clip).
    for rate in (vstream.guessed_rate, vstream.average_rate, vstream.base_rate):
        if rate is not None and 0 < rate <= _MAX_SANE_FPS:
            return Fraction(rate)
    raise MediaError(f"cannot tell the frame rate of {path}")


def _header_video_duration(
    container: InputContainer, vstream: VideoStream, tb: Fraction, rate: Fraction
) -> float:
    if vstream.duration:
        return float(vstream.duration * tb)
    if container.duration:
        return container.duration / AV_TIME_BASE
    if vstream.frames:
        return float(vstream.frames / rate)
    return 0.0


def _video_info(
    vstream: VideoStream, tb: Fraction, rate: Fraction, duration: float
) -> VideoStreamInfo:
    ctx = vstream.codec_context
    level = ctx.level if ctx.level and ctx.level > 0 else None
    sar = vstream.sample_aspect_ratio
    return VideoStreamInfo(
        index=vstream.index,
        codec=ctx.name,
        width=ctx.width,
        height=ctx.height,
        frame_rate=rate,
        time_base=tb,
        pix_fmt=ctx.pix_fmt or "unknown",
        frame_count=vstream.frames or None,
        bit_rate=vstream.bit_rate or None,
        duration=duration,
        profile=ctx.profile,
        level=level,
        sample_aspect_ratio=Fraction(sar) if sar else Fraction(1),
    )


def _audio_info(astream: AudioStream | None) -> AudioStreamInfo | None:
    if astream is None:
        return None
    tb = astream.time_base
    duration = float(astream.duration * tb) if astream.duration and tb else 0.0
    ctx = astream.codec_context
    return AudioStreamInfo(
        index=astream.index,
        codec=ctx.name,
        sample_rate=ctx.sample_rate,
        channels=ctx.channels,
        duration=duration,
        bit_rate=ctx.bit_rate or None,
    )


def _scan_packets(container: InputContainer, vstream: VideoStream) -> _Scan:
    """Demux (never decode) every video packet: clean keyframes, packet count, where data ends."""
    for stream in container.streams:
        if stream is not vstream:
            # Skipping other streams' payloads makes the scan read far less of the file.
            stream.discard = Discard.all
    keys: list[int] = []
    current_key: int | None = None
    current_clean = True
    packets = 0
    first_pts: int | None = None
    end_pts: int | None = None
    reorder = 0
    reorders = False
    max_pts: int | None = None
    try:
        for packet in container.demux(vstream):
            pts = packet.pts
            if pts is None:
                continue
            packets += 1
            if max_pts is not None and pts < max_pts:
                reorders = True  # shown before a packet decoded earlier
            max_pts = pts if max_pts is None else max(max_pts, pts)
            if first_pts is None:
                first_pts = pts
                if packet.dts is not None:
                    reorder = max(0, pts - packet.dts)
            else:
                first_pts = min(first_pts, pts)
            end = pts + (packet.duration or 0)
            end_pts = end if end_pts is None else max(end_pts, end)
            if packet.is_keyframe:
                if current_key is not None and current_clean:
                    keys.append(current_key)
                current_key, current_clean = pts, True
            elif current_key is not None and pts < current_key:
                # A packet decoded after the keyframe but shown before it: an open GOP whose
                # leading pictures reference the previous GOP. Not a clean place to start.
                current_clean = False
    except av.error.FFmpegError as exc:
        # Corrupt or cut-off data: what was read so far is what there is.
        log.warning("keyframe scan stopped early: %s", exc.strerror or exc)
    if current_key is not None and current_clean:
        keys.append(current_key)
    return _Scan(tuple(sorted(keys)), packets, first_pts, end_pts, reorder, reorders)


def _index_truncation(
    vstream: VideoStream,
    astream: AudioStream | None,
    size: int,
    tb: Fraction,
    start_pts: int,
    rate: Fraction,
) -> float | None:
    """Estimated seconds of video present when the sample index points past the end of file.

    Only formats with a full sample index (MP4/MOV) have one; elsewhere this returns None.
    Timestamps in the index are decode times, so the estimate can be a few frames short.
    """
    entries = vstream.index_entries
    count = len(entries)
    if count == 0:
        return None
    streams = [vstream] + ([astream] if astream is not None else [])
    if all(_entry_end(s, len(s.index_entries) - 1) <= size for s in streams if s.index_entries):
        return None
    lo, hi = 0, count - 1
    if _entry_end(vstream, 0) > size:
        return 0.0
    while lo < hi:  # last entry whose bytes are all in the file; pos grows with the index
        mid = (lo + hi + 1) // 2
        if _entry_end(vstream, mid) <= size:
            lo = mid
        else:
            hi = mid - 1
    return max(0.0, float((entries[lo].timestamp - start_pts) * tb + 1 / rate))


def _entry_end(stream: VideoStream | AudioStream, i: int) -> int:
    entry = stream.index_entries[i]
    return entry.pos + entry.size
