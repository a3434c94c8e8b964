"""Stream copies done in-process with PyAV: clips that need no re-encoding, and reels of them.

Usage (what :mod:`cutups.media.cut` and :mod:`cutups.media.reel` do)::

    with Readers() as readers:
        span = read_span(readers.get(info.path), info, grid, keyframe, end)
        write_clip(span, packets, Path("clip.mp4"))

**Why in-process.** A stream copy only moves packets (about 30 µs each, the same as the ffmpeg
CLI), so the cost of a copied clip used to be the ffmpeg processes around it: each one starts,
then re-reads the source's sample index (0.3 s for a 3-hour MP4). Here each thread opens the
source once (:class:`Readers`) and seeks.

**Audio** is copied as well, and still starts on the clip's first frame to the sample: the clip
takes the AAC packet holding that instant plus one before it (AAC decodes each packet with the
previous one's overlap), with timestamps made relative to the first video frame; the packets
before zero get negative timestamps, which the MP4 muxer turns into an edit list that players
and FFmpeg honour by skipping exactly those samples. The last packet's duration is shortened
to end with the video, so the track's declared duration matches it (decoders still emit the
whole last packet: at most 1023 samples, 21 ms, more).

Only MP4/MOV sources with AAC audio (or none) take this path: MPEG-TS needs bitstream
conversions (ADTS, Annex B) that the ffmpeg CLI path already does. Reels of such clips are
joined the same way by :mod:`cutups.media.join`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import av.error
from av.container import InputContainer
from av.packet import Packet
from av.stream import Stream

from cutups.media._pyav import open_input
from cutups.media.cutplan import WINDOW_PAST_END, FrameGrid, PacketWindow
from cutups.media.probe import MediaInfo

__all__ = [
    "MP4_FORMATS",
    "MP4_OPTIONS",
    "Readers",
    "Span",
    "Written",
    "copyable",
    "dts_key",
    "read_span",
    "undiscarded",
    "write_clip",
]

MP4_OPTIONS = {"movflags": "+faststart"}
"""Muxer options for every MP4 written here: the index up front, so browsers play at once."""
_SEEK_BEFORE = Fraction(1, 5)
"""Seconds before the keyframe to seek to, so the audio packet before the first one is read."""
MP4_FORMATS = frozenset({"mov", "mp4"})
"""Demuxer names (in ``format_name``) of the containers copied here."""


def copyable(info: MediaInfo) -> bool:
    """Whether clips of ``info`` can be stream-copied in-process (MP4/MOV, AAC or no audio)."""
    formats = set(info.format_name.split(","))
    return bool(formats & MP4_FORMATS) and (info.audio is None or info.audio.codec == "aac")


class Readers:
    """Input containers kept open for reuse: one per thread and file (PyAV's are not shared).

    Use as a context manager, or call :meth:`close` once no thread reads any more.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stack = ExitStack()

    def get(self, path: Path) -> InputContainer:
        """This thread's open container for ``path``.

        Raises:
            MediaError: the file cannot be opened.
        """
        cache: dict[Path, InputContainer] = self._local.__dict__.setdefault("open", {})
        container = cache.get(path)
        if container is None:
            with self._lock:
                container = self._stack.enter_context(open_input(path))
            cache[path] = container
        return container

    def close(self) -> None:
        """Close every container opened through this object."""
        with self._lock:
            self._stack.close()

    def __enter__(self) -> Readers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class Span:
    """Packets read from a keyframe for one clip: what planning and copying both need."""

    window: PacketWindow
    """The video packets' frame indices, for :func:`~cutups.media.cutplan.plan_segments`."""
    video: tuple[Packet[Stream], ...]
    """Video packets in decode order from the keyframe (as many as ``window`` lists)."""
    audio: tuple[Packet[Stream], ...]
    """Audio packets from the one before the clip's first sample to the last one it needs."""
    video_stream: Stream
    audio_stream: Stream | None
    key_pts: int
    """pts of the keyframe: the clip's zero."""
    audio_start: int
    """The clip's first audio sample, in the audio stream's time base (on the source clock)."""
    audio_end: int
    """Just past its last audio sample."""


def read_span(
    container: InputContainer, info: MediaInfo, grid: FrameGrid, keyframe: int, end: int
) -> Span | None:
    """Demux (never decode) video from frame ``keyframe`` to a bit past ``end``, and the audio
    of frames ``[keyframe, end)``.

    Returns None when the keyframe's packet is not where the index says (then the caller
    plans with :func:`~cutups.media.cutplan.read_packet_window` instead).
    """
    vstream = container.streams[info.video.index]
    astream = container.streams[info.audio.index] if info.audio is not None else None
    target = grid.pts_at_or_after(keyframe) - round(_SEEK_BEFORE / grid.time_base)
    # Not clamped at the first frame: a seek before it lands on it, with the audio priming.
    container.seek(target, stream=vstream, backward=True)
    demuxed = _demux_from_keyframe(container, vstream, astream, grid, keyframe, end)
    if demuxed is None or not demuxed.video:
        return None
    video = demuxed.video
    key_pts = video[0].pts or 0
    a_start, a_stop = 0, 0
    kept: list[Packet[Stream]] = []
    if astream is not None:
        a_start, a_stop = _audio_bounds(key_pts, keyframe, end, grid, astream)
        kept = _audio_span(demuxed.audio, a_start, a_stop)
    reorder = key_pts - (video[0].dts if video[0].dts is not None else key_pts)
    return Span(
        window=PacketWindow(tuple(demuxed.frames), reorder, demuxed.eof),
        video=tuple(video),
        audio=tuple(kept),
        video_stream=vstream,
        audio_stream=astream,
        key_pts=key_pts,
        audio_start=a_start,
        audio_end=a_stop,
    )


@dataclass(frozen=True, slots=True)
class _Demuxed:
    """The packets :func:`_demux_from_keyframe` read."""

    frames: list[int]
    """Frame index of each video packet."""
    video: list[Packet[Stream]]
    """Video packets in decode order, from the keyframe on."""
    audio: list[Packet[Stream]]
    """Every audio packet from the seek on, up to the first one past the clip's audio."""
    eof: bool
    """The data ended before ``WINDOW_PAST_END`` frames past the end."""


def _demux_from_keyframe(
    container: InputContainer,
    vstream: Stream,
    astream: Stream | None,
    grid: FrameGrid,
    keyframe: int,
    end: int,
) -> _Demuxed | None:
    """Read packets after a seek: video from frame ``keyframe`` to a bit past ``end``, audio
    until the span's is covered. None when the seek overshot the keyframe."""
    frames: list[int] = []
    video: list[Packet[Stream]] = []
    audio: list[Packet[Stream]] = []  # every audio packet from the seek on; trimmed later
    a_end: int | None = None  # known once the keyframe is
    video_done, audio_done, eof = False, astream is None, True
    streams = [vstream] if astream is None else [vstream, astream]
    try:
        for packet in container.demux(streams):
            if packet.pts is None:
                continue
            if packet.stream is not vstream:
                if not audio_done:
                    audio.append(packet)
                    audio_done = a_end is not None and packet.pts >= a_end
            elif not video_done:
                index = grid.index_of_pts(packet.pts)
                if not video:
                    if index > keyframe:
                        return None  # the seek overshot: not the MP4 this path expects
                    if index < keyframe or not packet.is_keyframe:
                        continue
                    if astream is not None:
                        a_end = _audio_bounds(packet.pts, keyframe, end, grid, astream)[1]
                        audio_done = bool(audio) and (audio[-1].pts or 0) >= a_end
                frames.append(index)
                video.append(packet)
                if index >= end + WINDOW_PAST_END:
                    video_done, eof = True, False
            if video_done and audio_done:
                break
    except av.error.FFmpegError:
        pass  # damaged data ends the span; the plan and verification cope with what it got
    return _Demuxed(frames, video, audio, eof)


def _audio_bounds(
    key_pts: int, keyframe: int, end: int, grid: FrameGrid, astream: Stream
) -> tuple[int, int]:
    """The clip's audio span in the audio time base: from the keyframe's own time for as long
    as its frames last."""
    tb = Fraction(astream.time_base or Fraction(1, 48000))
    zero = key_pts * grid.time_base
    return round(zero / tb), round((zero + (end - keyframe) / grid.fps) / tb)


def _audio_span(packets: Sequence[Packet[Stream]], start: int, end: int) -> list[Packet[Stream]]:
    """The packets holding samples ``[start, end)``, plus the one before the first (pre-roll)."""
    first = next(
        (i for i, p in enumerate(packets) if (p.pts or 0) + (p.duration or 0) > start), None
    )
    if first is None:
        return []
    return [p for p in packets[max(0, first - 1) :] if (p.pts or 0) < end]


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`write_clip` put in a clip, as the muxer was told it."""

    video_packets: int
    video_seconds: Fraction
    """From the first frame's time to the end of the last shown."""
    audio_seconds: Fraction | None
    """Declared audio from time zero (the edit list cuts the pre-roll); None without audio."""


def write_clip(span: Span, packets: int, output: Path) -> Written:
    """Write the first ``packets`` video packets of ``span`` and its audio as an MP4.

    The span's packets are re-timed in place: a span is written once.

    Raises:
        av.error.FFmpegError: the muxer refused a packet or the file.
        ValueError: the span holds fewer packets than asked for.
    """
    if packets > len(span.video):
        raise ValueError(f"{packets} packets asked for, {len(span.video)} read")
    video = span.video[:packets]
    audio_seconds: Fraction | None = None
    with av.open(str(output), "w", format="mp4", options=MP4_OPTIONS) as out:
        ov = out.add_stream_from_template(span.video_stream)
        queue: list[tuple[float, int, Packet[Stream]]] = []
        scale = float(span.video_stream.time_base or 1)
        for packet in video:
            _shift(packet, span.key_pts, ov)
            queue.append((dts_key(packet, scale), 0, packet))
        if span.audio_stream is not None and span.audio:
            oa = out.add_stream_from_template(span.audio_stream)
            audio = [undiscarded(p) for p in span.audio]
            atb = Fraction(span.audio_stream.time_base or 1)
            for packet in audio:
                _shift(packet, span.audio_start, oa)
                queue.append((dts_key(packet, float(atb)), 1, packet))
            # End the track with the video (the edit list follows), but never claim more than
            # the last packet holds: where the source's audio stops early, so does the clip's.
            last = audio[-1]
            left = span.audio_end - span.audio_start - (last.pts or 0)
            last.duration = max(1, min(last.duration or left, left))
            audio_seconds = ((last.pts or 0) + last.duration) * atb
        for _, _, packet in sorted(queue, key=lambda item: (item[0], item[1])):
            out.mux(packet)
    vtb = Fraction(span.video_stream.time_base or 1)
    start = min(p.pts or 0 for p in video)
    end = max((p.pts or 0) + (p.duration or 0) for p in video)
    return Written(len(video), (end - start) * vtb, audio_seconds)


def _shift(packet: Packet[Stream], zero: int, stream: Stream) -> None:
    """Move ``packet`` to ``stream`` with timestamps relative to ``zero`` (same time base)."""
    pts = packet.pts or 0
    dts = packet.dts if packet.dts is not None else pts
    packet.pts, packet.dts = pts - zero, dts - zero
    packet.stream = stream


def undiscarded(packet: Packet[Stream]) -> Packet[Stream]:
    """``packet``, or a copy without the discard flag (the source's own priming packet, which
    a pre-roll may include: the clip's edit list now says what to skip)."""
    if not packet.is_discard:
        return packet
    copy: Packet[Stream] = av.Packet(bytes(packet))
    copy.pts, copy.dts, copy.duration = packet.pts, packet.dts, packet.duration
    copy.time_base, copy.is_keyframe = packet.time_base, packet.is_keyframe
    return copy


def dts_key(packet: Packet[Stream], scale: float) -> float:
    """Sort key interleaving a file's streams: decode time in seconds (``scale``: the time
    base as a float; Fraction arithmetic here cost more than the muxing)."""
    return (packet.dts or 0) * scale
