"""JPEG stills of exact frames, one or hundreds at a time.

Usage::

    thumbnail("game.mp4", 754.2, Path("play-012.jpg"))
    thumbnails(info, [t.start for t in plays], [out / f"{i}.jpg" for i in range(len(plays))])

The still is the frame at ``t`` on the same grid as cuts (the first frame at or after ``t``
minus half a frame; see :mod:`cutups.media.cutplan`), so a clip's thumbnail at its start shows
its first frame. Frames are picked by pts after a coarse seek, as in :mod:`cutups.media.cut`.

Stills are decoded in-process with PyAV (about 30 ms for a 720p still: a seek to the keyframe
before it, the frames up to it, a resize and a JPEG), through :class:`~cutups.media.remux.Readers`
so a 3-hour source's index is read once per thread rather than once per still. If that fails,
ffmpeg makes the still instead (``PER_PROCESS`` stills per run).

Pass a :class:`~cutups.media.probe.MediaInfo` probed with keyframes to seek exactly to the
keyframe before each time; given a path, the file is probed without the keyframe scan and each
seek backs off :data:`SEEK_BACK_UNKNOWN_GOP` seconds instead (exact for MP4, whose seeks land on
a keyframe before the target; for MPEG-TS, whose seeks can land late, the in-process path sees
that from the first frame's time and seeks further back).
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path

import av.error
from av.container import InputContainer
from av.video.stream import VideoStream
from PIL import Image

from cutups.cores import side_by_side
from cutups.errors import CanceledError, FFmpegError, MediaError
from cutups.media.cutplan import FrameGrid
from cutups.media.ffmpeg import ProcessRegistry, command, file_arg, run
from cutups.media.probe import MediaInfo, probe
from cutups.media.remux import Readers

__all__ = [
    "JPEG_QUALITY",
    "KEYFRAME_REACH",
    "PER_PROCESS",
    "SEEK_BACK_UNKNOWN_GOP",
    "keyframe_near",
    "thumbnail",
    "thumbnails",
]

log = logging.getLogger(__name__)

JPEG_QUALITY = 3
"""ffmpeg ``-q:v`` for MJPEG: 2 (best) .. 31 (worst)."""
PER_PROCESS = 8
"""Stills made by one ffmpeg run (one input per still, each seeking on its own): amortises
process start-up without holding many decoders open at once."""
SEEK_BACK_UNKNOWN_GOP = 3.0
"""Seconds to seek before ``t`` when keyframe times are unknown."""
_SEEK_BACK = 0.5
KEYFRAME_REACH = 1.0
"""Seconds before a time within which :func:`keyframe_near` picks a keyframe instead."""
_PIL_QUALITY = 90
"""Pillow's JPEG quality, about ffmpeg's ``-q:v 3``."""
_FURTHER_BACK = (0.0, 2.0, 10.0)
"""Extra seconds to seek back when a seek landed past the still's frame (MPEG-TS)."""


def keyframe_near(info: MediaInfo, t: float, reach: float = KEYFRAME_REACH) -> float:
    """The last keyframe at or before ``t`` if it is at most ``reach`` seconds before, else ``t``.

    A still of a keyframe decodes one frame; a still of any other frame decodes every frame
    from the keyframe before it (half a GOP on average, 5-10 ms each for broadcast 720p/1080i).
    Before a snap, that second shows the formation set, which is what a play's still is for.
    """
    at = bisect.bisect_right(info.keyframes, t + 1e-6)
    if at and t - info.keyframes[at - 1] <= reach:
        return info.keyframes[at - 1]
    return t


def thumbnail(
    source_path: str | Path | MediaInfo,
    t: float,
    output: Path,
    *,
    width: int = 320,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    readers: Readers | None = None,
) -> Path:
    """Write the frame at ``t`` seconds as a JPEG ``width`` pixels wide; return ``output``.

    The height keeps the display aspect ratio (non-square pixels are honoured) and is even.
    ``readers``: open containers to reuse (default: the source is opened for this still).

    Raises:
        MediaError: the source is not usable video.
        FFmpegError: ffmpeg failed or wrote nothing.
    """
    return thumbnails(
        source_path,
        [t],
        [output],
        width=width,
        registry=registry,
        ffmpeg=ffmpeg,
        jobs=1,
        readers=readers,
    )[0]


def thumbnails(
    source_path: str | Path | MediaInfo,
    times: Sequence[float],
    outputs: Sequence[Path],
    *,
    width: int = 320,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    jobs: int = 0,
    readers: Readers | None = None,
) -> list[Path]:
    """Write one JPEG per time, ``jobs`` at once (in-process; ffmpeg for any that fail).

    Arguments:
        source_path: the video, or its MediaInfo (with keyframes for exact seeks).
        times: seconds from the first frame; clamped to the video.
        outputs: one path per time (parent directories are created).
        width: pixels.
        registry: records the ffmpeg processes so a cancel can kill them.
        ffmpeg: the ffmpeg executable.
        jobs: stills made at once; 0 means one per CPU core.
        readers: open containers to reuse (default: a set for this call).

    Returns:
        ``outputs`` as a list, every file written.

    Raises:
        ValueError: ``times`` and ``outputs`` differ in length, or ``width`` is not positive.
        MediaError: the source is not usable video.
        FFmpegError: ffmpeg failed or a still was not written.
    """
    if len(times) != len(outputs):
        raise ValueError(f"{len(times)} times but {len(outputs)} outputs")
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    info = (
        source_path if isinstance(source_path, MediaInfo) else probe(source_path, keyframes=False)
    )
    grid = FrameGrid.of(info)
    last = max(0, grid.count - 1)
    work = [
        (min(max(0, grid.index(t)), last), Path(out)) for t, out in zip(times, outputs, strict=True)
    ]
    for _, out in work:
        out.parent.mkdir(parents=True, exist_ok=True)
    stills = _Stills(info, grid, width, _height(info, width), registry, ffmpeg)
    workers = min(len(work), side_by_side(jobs)) or 1
    with (
        Readers() if readers is None else nullcontext(readers) as shared,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cutups-thumb") as pool,
    ):
        in_process = partial(stills.in_process, shared)
        # One still runs on the calling thread: readers are per thread, and a pool thread
        # would open the source anew for every still.
        made = map(in_process, work) if workers == 1 else pool.map(in_process, work)
        left = [item for item in made if item is not None]
        chunks = [left[i : i + PER_PROCESS] for i in range(0, len(left), PER_PROCESS)]
        for _ in pool.map(stills.with_ffmpeg, chunks):
            pass
    return [out for _, out in work]


@dataclass(frozen=True, slots=True)
class _Stills:
    """What every still of one :func:`thumbnails` call shares, and the two ways to make one."""

    info: MediaInfo
    grid: FrameGrid
    width: int
    height: int
    registry: ProcessRegistry | None
    ffmpeg: str

    def in_process(self, readers: Readers, item: tuple[int, Path]) -> tuple[int, Path] | None:
        """Make one still; return it back if it must go to ffmpeg instead."""
        if self.registry is not None and self.registry.canceled:
            raise CanceledError("canceled before the still was made")
        index, out = item
        try:
            _still(
                readers.get(self.info.path),
                self.info,
                self.grid,
                index,
                out,
                self.width,
                self.height,
            )
        except (MediaError, av.error.FFmpegError, OSError, ValueError) as exc:
            log.warning("still of frame %d in-process failed (%s); using ffmpeg", index, exc)
            return item
        return None

    def with_ffmpeg(self, chunk: list[tuple[int, Path]]) -> None:
        """Make a chunk of stills in one ffmpeg run."""
        run(_argv(self.info, self.grid, chunk, self.width, self.ffmpeg), registry=self.registry)
        for index, out in chunk:
            if not out.is_file() or out.stat().st_size == 0:
                raise FFmpegError(f"no still written for frame {index} ({out.name})")


def _height(info: MediaInfo, width: int) -> int:
    """Even height for ``width`` at the display aspect ratio (as ``trunc(ow/dar/2)*2``)."""
    v = info.video
    dar = Fraction(v.width) * v.sample_aspect_ratio / max(1, v.height)
    return max(2, math.trunc(width / dar / 2) * 2)


def _still(
    container: InputContainer,
    info: MediaInfo,
    grid: FrameGrid,
    index: int,
    out: Path,
    width: int,
    height: int,
) -> None:
    """Decode frame ``index`` and write it as a JPEG.

    Raises:
        ValueError: the frame was not found (the stream ends before it, or seeks overshoot).
    """
    stream = container.streams[info.video.index]
    assert isinstance(stream, VideoStream)
    threshold, past = grid.pts_at_or_after(index), grid.pts_at_or_after(index + 1)
    for back in _FURTHER_BACK:
        # Further back may mean before the first frame: seeks there land on it (MPEG-TS
        # seeks to its very start land on the second keyframe, to its last one past the end).
        target = grid.start_pts + round(
            (_keyframe_before(info, grid, index) - back) / grid.time_base
        )
        container.seek(target, stream=stream, backward=True)
        first = True
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            if first and frame.pts >= past and back != _FURTHER_BACK[-1]:
                break  # landed past the frame: seek further back
            first = False
            if frame.pts >= threshold:
                rgb = frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
                Image.fromarray(rgb).save(out, format="JPEG", quality=_PIL_QUALITY)
                return
    raise ValueError(f"frame {index} not found")


def _argv(
    info: MediaInfo, grid: FrameGrid, chunk: list[tuple[int, Path]], width: int, ffmpeg: str
) -> list[str]:
    inputs: list[str] = []
    outputs: list[str] = []
    for n, (index, out) in enumerate(chunk):
        inputs += ["-noaccurate_seek", "-ss", _seek(info, grid, index), "-i", file_arg(info.path)]
        # Pick the frame by pts (exact) and scale to display aspect; ``dar`` includes the SAR.
        vf = (
            f"trim=start_pts={grid.pts_at_or_after(index)},scale={width}:trunc(ow/dar/2)*2,setsar=1"
        )
        outputs += [
            "-map",
            f"{n}:{info.video.index}",
            "-vf",
            vf,
            "-frames:v",
            "1",
            "-q:v",
            str(JPEG_QUALITY),
            "-update",
            "1",
            "-f",
            "image2",
            file_arg(out),
        ]
    return command(ffmpeg, "-copyts", *inputs, *outputs, loglevel="error")


def _keyframe_before(info: MediaInfo, grid: FrameGrid, index: int) -> Fraction:
    """Seconds of the keyframe frame ``index`` decodes from (a guess without the keyframes).

    A backward seek to exactly this time lands on that keyframe in MP4, so no earlier GOP
    is decoded for nothing.
    """
    t = float(grid.time(index))
    if not info.keyframes:
        return Fraction(max(0.0, t - SEEK_BACK_UNKNOWN_GOP))
    at = bisect.bisect_right(info.keyframes, t + 1e-6)
    return Fraction(info.keyframes[at - 1] if at else 0.0)


def _seek(info: MediaInfo, grid: FrameGrid, index: int) -> str:
    t = float(grid.time(index))
    if info.keyframes:
        at = bisect.bisect_right(info.keyframes, t + 1e-6)
        base = (info.keyframes[at - 1] if at else 0.0) - _SEEK_BACK
    else:
        base = t - SEEK_BACK_UNKNOWN_GOP
    return f"{max(0.0, base + info.seek_offset):.6f}"
