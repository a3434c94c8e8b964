"""One decode pass feeding many consumers.

Every analysis in Cutups (scene cuts, motion, the scoreboard clock, crowd noise) looks at the
same broadcast. Decoding a 3-hour 720p game costs minutes, so it is done once: a daemon thread
demuxes and decodes video and audio together and puts small, already-converted images and audio
chunks on a bounded queue; the calling thread hands them to the consumers.

Usage::

    class Brightness:
        request = FrameRequest(width=160, height=90, rate=Fraction(10), gray=True)

        def __init__(self) -> None:
            self.values: list[float] = []

        def on_frame(self, tick: int, t: float, image: np.ndarray) -> None:
            self.values.append(float(image.mean()))

    stats = decode_once("game.mp4", [Brightness()])

**Ticks.** A consumer asking for ``rate`` r gets tick k = 0, 1, 2, ... while k/r is less than
the decoded video's duration, each exactly once and in order, with ``t = k / r`` and the most
recent frame whose time is at or before k/r: frames are repeated when the video is slower than
r and skipped when it is faster. Times are seconds from the first video frame (see
:mod:`cutups.media.probe`). If the first decodable frame comes later than t = 0 (a stream that
starts with broken data), the ticks before it get that first frame, the best there is.

**Spans.** ``start``/``end`` restrict a pass to part of the file: it jumps to the keyframe
before ``start`` and delivers the ticks with ``start <= k / r < end`` (their numbering and times
unchanged) and the audio from ``start`` to ``end``, so passes over adjacent spans, run side by
side, deliver what one whole pass would. Consumers with state across ticks see the first tick
of the span first: give them a little lead-in if they need history.

**Sharing.** Frames no consumer needs are never converted; consumers with the same size and
colour share one conversion and receive the *same read-only array* (copy it to modify it).

**Failures.** Packets that do not decode are skipped and counted (one warning at the end), so a
burst of corrupt data costs a few frames, not the job. Data that stops early (a truncated file)
ends the pass at the last good packet. A file with no decodable video frame raises
:class:`~cutups.errors.MediaError`. An exception in the decode thread is re-raised in the
caller; :class:`~cutups.errors.CanceledError` is raised promptly once ``cancel`` is set.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Protocol

from cutups.errors import CanceledError
from cutups.media._decoder import (
    AUDIO_CHUNK_SECONDS,
    POLL,
    CancelFlag,
    ConvKey,
    DecodeWorker,
    Done,
    Failed,
    Image,
    Message,
    Samples,
    Schedule,
    VideoItem,
)

__all__ = [
    "AUDIO_CHUNK_SECONDS",
    "PROGRESS_INTERVAL",
    "QUEUE_DEPTH",
    "AudioConsumer",
    "CancelFlag",
    "DecodeStats",
    "FrameConsumer",
    "FrameRequest",
    "Image",
    "Samples",
    "decode_once",
]

log = logging.getLogger(__name__)


QUEUE_DEPTH = 32
"""Items (converted frames or audio chunks) the decode thread may run ahead of the consumers.
Small images make this cheap; the bound keeps memory flat when consumers are slow."""
PROGRESS_INTERVAL = 0.2
"""Minimum seconds between two ``progress`` calls."""


@dataclass(frozen=True, slots=True)
class FrameRequest:
    """The images one consumer wants: size, colour, and how many per second."""

    width: int
    """Output width in pixels."""
    height: int
    """Output height in pixels."""
    rate: Fraction
    """Ticks per second, e.g. ``Fraction(10)``; ints are accepted and converted."""
    gray: bool = False
    """True: ``(H, W)`` uint8 luma. False: ``(H, W, 3)`` uint8 RGB."""
    crop: tuple[int, int, int, int] | None = None
    """Only this box ``(x0, y0, x1, y1)`` of the ``width`` x ``height`` image is delivered, as
    an ``(y1 - y0, x1 - x0)`` array. For gray it is cut straight out of the decoded luma plane,
    with no conversion of the whole frame (a scorebug is ~2 % of it): exact at the video's own
    size, box-filtered to within a level or two of a whole-frame conversion at other sizes."""

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"frame size must be positive, got {self.width}x{self.height}")
        if self.crop is not None:
            x0, y0, x1, y1 = self.crop
            if not (0 <= x0 < x1 <= self.width and 0 <= y0 < y1 <= self.height):
                raise ValueError(f"crop {self.crop} is not inside {self.width}x{self.height}")
        rate = Fraction(self.rate)
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        object.__setattr__(self, "rate", rate)


class FrameConsumer(Protocol):
    """Anything that wants decoded frames: declares a :class:`FrameRequest`, gets ticks."""

    @property
    def request(self) -> FrameRequest: ...

    def on_frame(self, tick: int, t: float, image: Image) -> None:
        """Called once per tick, in order, on the thread that called :func:`decode_once`.

        Arguments:
            tick: 0, 1, 2, ... at ``request.rate``.
            t: ``tick / rate`` in seconds from the first video frame.
            image: the frame shown at ``t``; read-only and possibly shared.
        """
        ...


class AudioConsumer(Protocol):
    """Anything that wants the audio track as mono float32 at one sample rate."""

    @property
    def sample_rate(self) -> int: ...

    def on_audio(self, t: float, samples: Samples) -> None:
        """Called with consecutive chunks; ``t`` is the time in seconds of ``samples[0]``."""
        ...


@dataclass(frozen=True, slots=True)
class DecodeStats:
    """What one :func:`decode_once` pass did."""

    frames_decoded: int
    """Video frames that came out of the decoder."""
    ticks_delivered: dict[int, int]
    """Ticks delivered per frame consumer, keyed by its index in ``frame_consumers``."""
    audio_samples: int
    """Source audio samples (per channel) decoded; 0 without audio consumers or audio."""
    seconds: float
    """Wall-clock seconds the pass took."""
    duration: float
    """Seconds of video decoded: end of the last frame, from the first."""
    packets_skipped: int = 0
    """Packets that failed to decode and were skipped."""


def decode_once(
    path: str | Path,
    frame_consumers: Sequence[FrameConsumer],
    audio_consumers: Sequence[AudioConsumer] = (),
    *,
    progress: Callable[[float], None] | None = None,
    cancel: CancelFlag | None = None,
    skip_nonref: bool = False,
    threads: int = 0,
    start: float | Fraction = 0,
    end: float | Fraction | None = None,
) -> DecodeStats:
    """Decode ``path`` once and feed every consumer.

    Arguments:
        path: the media file.
        frame_consumers: receive images at their requested rate and size (see module docs).
        audio_consumers: receive mono float32 audio resampled to their ``sample_rate``. Nothing
            is delivered when the file has no audio; that is not an error.
        progress: called with the fraction done (0..1) at most every
            :data:`PROGRESS_INTERVAL` seconds, and with 1.0 at the end.
        cancel: when set, decoding stops and :class:`CanceledError` is raised promptly.
        skip_nonref: tell the decoder to skip non-reference frames (most B-frames). Measured
            about 20 % faster on x264 720p, but ticks then land on the nearest earlier
            *reference* frame instead of the exact one, and ``frames_decoded`` drops. Off by
            default; only for coarse signals.
        threads: decoder threads; 0 lets the codec choose (all cores, frame and slice threads).
        start: seconds from the first frame where delivery starts (see "Spans" above).
        end: seconds where delivery stops, exclusive; None for the end of the file.

    Returns:
        A :class:`DecodeStats`.

    Raises:
        MediaError: the file cannot be opened or yields no video frame.
        CanceledError: ``cancel`` was set.
        Exception: whatever a consumer raised (decoding stops first).
    """
    started = time.perf_counter()
    sinks = _Sinks.of(frame_consumers, audio_consumers)
    done = _run_pass(
        Path(path),
        sinks,
        progress,
        cancel,
        start=start,
        end=end,
        skip_nonref=skip_nonref,
        threads=threads,
    )
    if progress is not None:
        progress(1.0)
    return DecodeStats(
        frames_decoded=done.frames,
        ticks_delivered=sinks.ticks,
        audio_samples=done.samples,
        seconds=time.perf_counter() - started,
        duration=done.duration,
        packets_skipped=done.skipped,
    )


@dataclass(frozen=True, slots=True)
class _Sinks:
    """Who receives what one pass decodes, grouped as the decode thread produces it."""

    schedules: list[Schedule]
    """One per distinct :class:`FrameRequest`, naming the frame consumers that share it."""
    frame_consumers: Sequence[FrameConsumer]
    audio_consumers: Sequence[AudioConsumer]
    audio_groups: dict[int, list[int]]
    """Audio consumers' indices by the sample rate they asked for."""
    ticks: dict[int, int]
    """Ticks delivered so far per frame consumer (see :attr:`DecodeStats.ticks_delivered`)."""

    @classmethod
    def of(
        cls, frame_consumers: Sequence[FrameConsumer], audio_consumers: Sequence[AudioConsumer]
    ) -> _Sinks:
        """Raises ValueError for an audio consumer whose sample rate is not positive."""
        schedules = _schedules(frame_consumers)
        audio_groups: dict[int, list[int]] = {}
        for i, consumer in enumerate(audio_consumers):
            if consumer.sample_rate <= 0:
                raise ValueError(f"sample_rate must be positive, got {consumer.sample_rate}")
            audio_groups.setdefault(consumer.sample_rate, []).append(i)
        ticks = dict.fromkeys(range(len(frame_consumers)), 0)
        return cls(schedules, frame_consumers, audio_consumers, audio_groups, ticks)


def _run_pass(
    path: Path,
    sinks: _Sinks,
    progress: Callable[[float], None] | None,
    cancel: CancelFlag | None,
    *,
    start: float | Fraction,
    end: float | Fraction | None,
    skip_nonref: bool,
    threads: int,
) -> Done:
    """Run the decode thread and hand what it produces to ``sinks`` until it is done.

    Raises ValueError for a span that is empty or starts before 0.
    """
    if start < 0 or (end is not None and end <= start):
        raise ValueError(f"bad span: start={start}, end={end}")
    items: queue.Queue[Message] = queue.Queue(maxsize=QUEUE_DEPTH)
    stop = threading.Event()
    worker = DecodeWorker(
        path,
        sinks.schedules,
        sorted(sinks.audio_groups),
        items,
        stop,
        cancel,
        skip_nonref=skip_nonref,
        threads=threads,
        start=Fraction(start),
        end=None if end is None else Fraction(end),
    )
    span_start = float(start)

    def expected() -> float:
        total = worker.expected_duration() if end is None else float(end)
        return total - span_start

    thread = threading.Thread(target=worker.run, name="cutups-decode", daemon=True)
    thread.start()
    try:
        return _consume(items, thread, sinks, progress, cancel, expected, span_start)
    finally:
        # The decode thread must never be abandoned: tell it to stop, keep taking from the
        # queue so a blocked put() returns, and join it.
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                items.get(timeout=POLL)
        thread.join()


# -- the consuming side (caller's thread) --------------------------------------------------------


def _consume(
    items: queue.Queue[Message],
    thread: threading.Thread,
    sinks: _Sinks,
    progress: Callable[[float], None] | None,
    cancel: CancelFlag | None,
    expected: Callable[[], float],
    start: float,
) -> Done:
    # Locals for the loop below, which runs once per decoded frame.
    schedules, frame_consumers, ticks = sinks.schedules, sinks.frame_consumers, sinks.ticks
    audio_consumers, audio_groups = sinks.audio_consumers, sinks.audio_groups
    last_report = time.monotonic()
    reported = 0.0
    while True:
        message = _next_message(items, thread, cancel)
        if isinstance(message, Done):
            return message
        if isinstance(message, Failed):
            raise message.error
        for item in message:
            if cancel is not None and cancel.is_set():
                raise CanceledError("canceled while decoding")
            if isinstance(item, VideoItem):
                for d in item.deliveries:
                    for ci in schedules[d.schedule].consumers:
                        frame_consumers[ci].on_frame(d.tick, d.t, d.image)
                        ticks[ci] += 1
            else:
                for ci in audio_groups[item.rate]:
                    audio_consumers[ci].on_audio(item.t, item.samples)
        if progress is not None and time.monotonic() - last_report >= PROGRESS_INTERVAL:
            last_report = time.monotonic()
            total = expected()
            if total > 0 and message:
                # Audio chunks may trail video by up to a chunk: never report going backwards.
                reported = max(reported, min(1.0, (message[-1].t - start) / total))
                progress(reported)


def _next_message(
    items: queue.Queue[Message], thread: threading.Thread, cancel: CancelFlag | None
) -> Message:
    while True:
        if cancel is not None and cancel.is_set():
            raise CanceledError("canceled while decoding")
        try:
            return items.get(timeout=POLL)
        except queue.Empty:
            if not thread.is_alive() and items.empty():
                raise RuntimeError("decode thread ended without a result") from None


def _schedules(frame_consumers: Sequence[FrameConsumer]) -> list[Schedule]:
    groups: dict[FrameRequest, list[int]] = {}
    for i, consumer in enumerate(frame_consumers):
        groups.setdefault(consumer.request, []).append(i)
    return [
        Schedule(
            req.rate,
            ConvKey(req.width, req.height, req.gray, req.crop),
            tuple(members),
        )
        for req, members in groups.items()
    ]
