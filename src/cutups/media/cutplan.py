"""Planning a frame-exact cut: which frames to re-encode and which packets to copy.

Pure arithmetic on frame indices plus one small PyAV demux, so the plan can be tested without
running ffmpeg. :mod:`cutups.media.cut` executes it.

**Frame grid.** A time ``t`` (seconds from the first video frame) belongs to frame
``i = ceil(t * fps - 1/2)``: the first frame whose time is at or after ``t`` minus half a frame.
Start and end of a clip are snapped the same way, so a clip holds frames ``[s, e)``.

**Why three segments.** A stream copy can only *start* on a keyframe, and with B-frames it can
only *end* where every frame shown before the end has been decoded before every frame shown
after it (decode order and display order differ). So a clip ``[s, e)`` is planned as:

1. ``encode [s, k1)``: frames before the first keyframe ``k1`` at or after ``s`` (the head);
2. ``copy [k1, c)``: packets from ``k1`` in decode order, up to the last *clean end* ``c <= e``;
3. ``encode [c, e)``: the few frames (at most the B-frame run) after the clean end.

Any of 1 and 3 may be empty; when ``k1`` does not exist before ``e`` there is nothing to copy
and the planner says so (``None``), and the clip is re-encoded whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import av.error

from cutups.media._pyav import open_input
from cutups.media.probe import MediaInfo

__all__ = [
    "WINDOW_PAST_END",
    "FrameGrid",
    "PacketWindow",
    "Segment",
    "plan_segments",
    "read_packet_window",
]

WINDOW_PAST_END = 32
"""Frames read past the clip's end when looking for its clean end: more than any B-frame run."""


@dataclass(frozen=True, slots=True)
class FrameGrid:
    """Frame indices <-> times <-> pts for a constant-frame-rate video stream."""

    fps: Fraction
    """Frames per second."""
    time_base: Fraction
    """Seconds per pts tick."""
    start_pts: int
    """pts of frame 0."""
    count: int
    """Frames in the stream."""

    @classmethod
    def of(cls, info: MediaInfo) -> FrameGrid:
        """The grid of ``info``'s video stream."""
        v = info.video
        count = v.frame_count or round(Fraction(v.duration) * v.frame_rate)
        return cls(v.frame_rate, v.time_base, v.start_pts, max(count, 0))

    @property
    def frame_duration(self) -> Fraction:
        """Seconds per frame."""
        return 1 / self.fps

    def index(self, t: float | Fraction) -> int:
        """The frame at ``t`` seconds: the first one at or after ``t`` minus half a frame."""
        return math.ceil(Fraction(t) * self.fps - Fraction(1, 2))

    def time(self, index: int) -> Fraction:
        """Seconds from frame 0 to frame ``index``."""
        return index / self.fps

    def pts_at_or_after(self, index: int) -> int:
        """A pts threshold that frame ``index`` passes and frame ``index - 1`` does not.

        Half a frame before the nominal time, so it holds even when pts are rounded to a coarse
        time base (MKV's 1 ms ticks for 29.97 fps).
        """
        return self.start_pts + math.ceil((index - Fraction(1, 2)) / self.fps / self.time_base)

    def index_of_pts(self, pts: int) -> int:
        """The frame a pts belongs to (the nearest; a tie goes to the even one, as ``round``).

        Integer arithmetic: this runs for every packet a cut reads, and Fractions cost more
        than the reading.
        """
        num = (pts - self.start_pts) * self.time_base.numerator * self.fps.numerator
        den = self.time_base.denominator * self.fps.denominator
        q, r = divmod(num, den)
        return q + 1 if 2 * r > den or (2 * r == den and q % 2) else q

    def absolute(self, index: int) -> Fraction:
        """Seconds of frame ``index`` on the container's own clock (as pts * time_base)."""
        return self.start_pts * self.time_base + self.time(index)


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of a planned clip."""

    kind: Literal["encode", "copy"]
    first: int
    """Source frame index of the segment's first frame."""
    end: int
    """Source frame index just past its last frame."""
    packets: int = 0
    """For ``copy``: how many packets to take from the keyframe on, in decode order."""

    @property
    def frames(self) -> int:
        """Frames in the segment."""
        return self.end - self.first


@dataclass(frozen=True, slots=True)
class PacketWindow:
    """Video packets in decode order from a keyframe to a little past a clip's end."""

    frames: tuple[int, ...]
    """Frame index of each packet, in decode order; ``frames[0]`` is the keyframe."""
    reorder_ticks: int
    """pts minus dts of the keyframe packet, in time-base ticks (how far decode runs ahead)."""
    reached_eof: bool
    """Whether the window runs to the end of the stream."""


def read_packet_window(info: MediaInfo, grid: FrameGrid, keyframe: int, end: int) -> PacketWindow:
    """Demux (never decode) the video packets from frame ``keyframe`` to a bit past ``end``.

    Seeking is exact in MP4 but not in MPEG-TS, where PyAV can land just past the keyframe; so
    the seek backs off by growing margins (:data:`_SEEK_MARGINS`) until the keyframe's packet
    is read.

    Raises:
        MediaError: the source cannot be opened.
        ValueError: the keyframe's packet was not found.
    """
    for margin in _SEEK_MARGINS:
        window = _read_window(info, grid, keyframe, end, margin)
        if window is not None:
            return window
    raise ValueError(f"could not find the packet of keyframe {keyframe}")


_SEEK_MARGINS = (0.0, 1.0, 5.0)
"""Seconds before a keyframe to seek to, tried in turn."""


def _read_window(
    info: MediaInfo, grid: FrameGrid, keyframe: int, end: int, margin: float
) -> PacketWindow | None:
    """The window, or None when the seek landed past the keyframe."""
    seek_to = grid.time(keyframe) - Fraction(margin)
    target = grid.start_pts + math.floor(seek_to / grid.time_base)
    frames: list[int] = []
    reorder = 0
    eof = True
    with open_input(info.path) as container:
        stream = container.streams[info.video.index]
        container.seek(target, stream=stream, backward=True)
        try:
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                index = grid.index_of_pts(packet.pts)
                if not frames:
                    if index == keyframe and packet.is_keyframe:
                        reorder = packet.pts - (
                            packet.dts if packet.dts is not None else packet.pts
                        )
                    elif index > keyframe and packet.is_keyframe:
                        return None  # passed it
                    else:
                        continue  # before it (an earlier GOP): read on
                frames.append(index)
                if index >= end + WINDOW_PAST_END:
                    eof = False
                    break
        except av.error.FFmpegError:
            pass  # damaged data ends the window; the plan copes with what it got
    return PacketWindow(tuple(frames), reorder, eof) if frames else None


def plan_segments(
    start: int, end: int, keyframes: Sequence[int], window: PacketWindow | None
) -> list[Segment] | None:
    """Split frames ``[start, end)`` into encode and copy segments (see the module docs).

    Arguments:
        start: first frame of the clip.
        end: frame just past the clip.
        keyframes: indices of clean keyframes, sorted.
        window: packets from the first keyframe at or after ``start`` (see
            :func:`first_keyframe`); None when there is none.

    Returns:
        The segments in order, or None when nothing can be copied (no keyframe inside the clip,
        or packets that do not map one-to-one onto frames, as with field-coded video).
    """
    k1 = first_keyframe(start, end, keyframes)
    if k1 is None or window is None or not window.frames or window.frames[0] != k1:
        return None
    order = window.frames
    if len(set(order)) != len(order):
        return None
    # Clean end after packet j: everything decoded so far is shown before everything after it.
    suffix_min = [math.inf] * (len(order) + 1)
    for j in range(len(order) - 1, -1, -1):
        suffix_min[j] = min(order[j], suffix_min[j + 1])
    best: tuple[int, int] | None = None  # (packets, clean end frame)
    prefix_max, prefix_min = -1, k1
    for j, index in enumerate(order):
        prefix_max, prefix_min = max(prefix_max, index), min(prefix_min, index)
        if j + 1 == len(order) and not window.reached_eof:
            break  # what follows the window is unknown
        clean = prefix_max + 1 if j + 1 == len(order) else suffix_min[j + 1]
        if clean > end:
            break
        # The prefix must be exactly the frames [k1, clean): nothing missing, nothing earlier.
        if prefix_max < clean and prefix_min >= k1 and j + 1 == clean - k1:
            best = (j + 1, int(clean))
    if best is None:
        return None
    packets, clean_end = best
    segments: list[Segment] = []
    if start < k1:
        segments.append(Segment("encode", start, k1))
    segments.append(Segment("copy", k1, clean_end, packets))
    if clean_end < end:
        segments.append(Segment("encode", clean_end, end))
    return segments


def first_keyframe(start: int, end: int, keyframes: Sequence[int]) -> int | None:
    """The first keyframe in ``[start, end)``, or None."""
    for k in keyframes:
        if start <= k < end:
            return k
        if k >= end:
            break
    return None
